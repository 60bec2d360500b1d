package sagemaker

import (
	"context"
	"errors"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
)

// ErrNoRoleAssumer means the service was built without Options.Roles and
// cannot mint Studio credentials.
var ErrNoRoleAssumer = errors.New("sagemaker: no role assumer configured; Studio credentials are unavailable")

// StudioSessionName is the role session name of Studio sessions, so their
// ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SageMaker as on AWS.
const StudioSessionName = "SageMaker"

// executionRole returns the execution role of a user profile: its own
// UserSettings.ExecutionRole, else the domain's default.
func executionRole(d domainDoc, p userProfileDoc) string {
	if r := stringMember(p.UserSettings, "ExecutionRole"); r != "" {
		return r
	}
	return stringMember(d.DefaultUserSettings, "ExecutionRole")
}

// StudioCredentials mints the credentials of the Studio session behind an
// open landing session (page "studio/DOMAIN/PROFILE", cookie from
// OpenLanding): a session of the profile's execution role named
// "SageMaker", with aws:SourceIdentity = the profile name when the domain's
// ExecutionRoleIdentityConfig is USER_PROFILE_NAME, and the context keys
// sagemaker:DomainId and sagemaker:UserProfileName on every request made
// with it. The credentials last one hour, or less when the landing session
// ends sooner (never under 15 minutes, STS's minimum).
func (s *Service) StudioCredentials(ctx context.Context, acct model.AccountID, page, cookie string, now time.Time) (RoleCredentials, error) {
	if s.roles == nil {
		return RoleCredentials{}, ErrNoRoleAssumer
	}
	var req RoleSessionRequest
	var rec sessionRecord
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		rec, err = getSession(ctx, tx, acct, page, cookie, now)
		if err != nil {
			return err
		}
		if rec.Kind != LandingStudio {
			return ErrSessionInvalid
		}
		d, err := getEntry[domainDoc](ctx, s, tx, acct, domainLifecycle, TypeDomain, rec.Region, rec.DomainID, now)
		if errors.Is(err, store.ErrNotFound) {
			return domainNotFound(domainARN(rec.Region, acct, rec.DomainID))
		}
		if err != nil {
			return err
		}
		p, err := getEntry[userProfileDoc](ctx, s, tx, acct, userProfileLifecycle, TypeUserProfile, rec.Region, rec.DomainID+"/"+rec.UserProfileName, now)
		if errors.Is(err, store.ErrNotFound) {
			return profileNotFound(rec.DomainID, rec.UserProfileName)
		}
		if err != nil {
			return err
		}
		role := executionRole(d.Doc, p.Doc)
		if role == "" {
			return validationError("User profile %s has no execution role and its domain has no default.", p.Res.ARN)
		}
		req = RoleSessionRequest{
			RoleARN:     role,
			SessionName: StudioSessionName,
			ContextKeys: map[string][]string{KeyDomainID: {rec.DomainID}, KeyUserProfileName: {rec.UserProfileName}},
			Duration:    studioDuration(rec.Expires.Sub(now)),
			Region:      rec.Region,
		}
		if identityConfig(d.Doc) == "USER_PROFILE_NAME" {
			req.SourceIdentity = rec.UserProfileName
		}
		return nil
	})
	if err != nil {
		return RoleCredentials{}, err
	}
	return s.roles.AssumeRoleAsService(ctx, req)
}

func studioDuration(left time.Duration) time.Duration {
	d := time.Hour
	if left < d {
		d = left.Truncate(time.Second)
	}
	if d < 15*time.Minute {
		d = 15 * time.Minute
	}
	return d
}
