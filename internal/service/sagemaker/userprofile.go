package sagemaker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// CreateUserProfileInput is the input of CreateUserProfile.
type CreateUserProfileInput struct {
	DomainId                   string `aws:",required"`
	UserProfileName            string `aws:",required"`
	SingleSignOnUserIdentifier *string
	SingleSignOnUserValue      *string
	Tags                       []Tag
	UserSettings               any
}

// CreateUserProfileOutput is the output of CreateUserProfile.
type CreateUserProfileOutput struct {
	UserProfileArn string
}

// UserProfileInput names a user profile (DescribeUserProfile,
// DeleteUserProfile).
type UserProfileInput struct {
	DomainId        string `aws:",required"`
	UserProfileName string `aws:",required"`
}

// DescribeUserProfileOutput is the output of DescribeUserProfile.
// UserSettings is absent when the profile was created without any, as the
// Terraform provider expects.
type DescribeUserProfileOutput struct {
	DomainId                   string
	UserProfileArn             string
	UserProfileName            string
	HomeEfsFileSystemUid       string
	Status                     string
	LastModifiedTime           time.Time
	CreationTime               time.Time
	SingleSignOnUserIdentifier *string
	SingleSignOnUserValue      *string
	UserSettings               any
}

// ListUserProfilesInput is the input of ListUserProfiles.
type ListUserProfilesInput struct {
	NextToken               *string
	MaxResults              *int32
	SortOrder               *string
	SortBy                  *string
	DomainIdEquals          *string
	UserProfileNameContains *string
}

// UserProfileDetails is one profile in ListUserProfiles.
type UserProfileDetails struct {
	DomainId         string
	UserProfileName  string
	Status           string
	CreationTime     time.Time
	LastModifiedTime time.Time
}

// ListUserProfilesOutput is the output of ListUserProfiles.
type ListUserProfilesOutput struct {
	UserProfiles []UserProfileDetails
	NextToken    *string
}

// UpdateUserProfileInput is the input of UpdateUserProfile.
type UpdateUserProfileInput struct {
	DomainId        string `aws:",required"`
	UserProfileName string `aws:",required"`
	UserSettings    any
}

// UpdateUserProfileOutput is the output of UpdateUserProfile.
type UpdateUserProfileOutput struct {
	UserProfileArn string
}

func registerUserProfiles(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[CreateUserProfileInput, CreateUserProfileOutput]{Service: "sagemaker", Name: "CreateUserProfile",
		Authorize: s.authorizeCreateUserProfile, Handle: s.CreateUserProfile})
	op.Register(r, op.Spec[UserProfileInput, DescribeUserProfileOutput]{Service: "sagemaker", Name: "DescribeUserProfile", ReadOnly: true,
		Authorize: s.profileAuth("sagemaker:DescribeUserProfile"), Handle: s.DescribeUserProfile})
	op.Register(r, op.Spec[ListUserProfilesInput, ListUserProfilesOutput]{Service: "sagemaker", Name: "ListUserProfiles", ReadOnly: true,
		Authorize: op.Any[ListUserProfilesInput]("sagemaker:ListUserProfiles"), Handle: s.ListUserProfiles})
	op.Register(r, op.Spec[UpdateUserProfileInput, UpdateUserProfileOutput]{Service: "sagemaker", Name: "UpdateUserProfile",
		Authorize: s.authorizeUpdateUserProfile, Handle: s.UpdateUserProfile})
	op.Register(r, op.Spec[UserProfileInput, EmptyOutput]{Service: "sagemaker", Name: "DeleteUserProfile",
		Authorize: s.profileAuth("sagemaker:DeleteUserProfile"), Handle: s.DeleteUserProfile})
}

func validateProfileRef(domainID, name string) error {
	if err := validateDomainID(domainID); err != nil {
		return err
	}
	return validateProfileName(name)
}

func (s *Service) authorizeCreateUserProfile(ctx context.Context, c *op.Call, in *CreateUserProfileInput) ([]op.Check, error) {
	if err := validateProfileRef(in.DomainId, in.UserProfileName); err != nil {
		return nil, err
	}
	checks, _, err := s.CreateChecks(ctx, c, CreateSpec{
		Operation: "CreateUserProfile",
		ARN:       userProfileARN(c.Region, c.Account, in.DomainId, in.UserProfileName),
		Keys:      settingsKeys(map[string][]string{}, in.UserSettings),
		Tags:      in.Tags,
		Roles:     executionRoles(in.UserSettings),
	})
	return checks, err
}

// profileNotFound is the ResourceNotFound of a missing user profile.
func profileNotFound(domainID, name string) error {
	return notFoundError("User profile %s does not exist in Domain %s", name, domainID)
}

func (s *Service) getProfile(ctx context.Context, tx store.ReadTx, c *op.Call, domainID, name string) (entry[userProfileDoc], error) {
	e, err := getEntry[userProfileDoc](ctx, s, tx, c.Account, userProfileLifecycle, TypeUserProfile, c.Region, domainID+"/"+name, s.callTime(c))
	if errors.Is(err, store.ErrNotFound) {
		return e, profileNotFound(domainID, name)
	}
	return e, err
}

// CreateUserProfile creates a profile in an existing domain: Pending, then
// InService. Names are unique within the domain.
func (s *Service) CreateUserProfile(ctx context.Context, c *op.Call, in *CreateUserProfileInput) (*CreateUserProfileOutput, error) {
	if err := validateProfileRef(in.DomainId, in.UserProfileName); err != nil {
		return nil, err
	}
	_, tags, err := s.CreateChecks(ctx, c, CreateSpec{Operation: "CreateUserProfile", Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	arn := userProfileARN(c.Region, c.Account, in.DomainId, in.UserProfileName)
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		now := s.callTime(c)
		d, err := s.getDomain(ctx, tx, c, in.DomainId)
		if err != nil {
			return err
		}
		if d.Res.Status == "Deleting" {
			return inUseError("Domain %s is being deleted.", d.Res.ARN)
		}
		if d.Doc.AuthMode == "SSO" && (in.SingleSignOnUserIdentifier == nil || in.SingleSignOnUserValue == nil) {
			return validationError("SingleSignOnUserIdentifier and SingleSignOnUserValue are required for a Domain in SSO auth mode.")
		}
		e := entry[userProfileDoc]{
			Res: model.Resource{ARN: arn, Name: in.UserProfileName, Status: "Pending", Tags: tags},
			Doc: userProfileDoc{
				DomainID:                   in.DomainId,
				UserProfileName:            in.UserProfileName,
				SingleSignOnUserIdentifier: deref(in.SingleSignOnUserIdentifier, ""),
				SingleSignOnUserValue:      deref(in.SingleSignOnUserValue, ""),
				UserSettings:               in.UserSettings,
				HomeEfsFileSystemUID:       s.newUID(c),
			},
		}
		err = createEntry(ctx, s, tx, c.Account, userProfileLifecycle, TypeUserProfile, c.Region, in.DomainId+"/"+in.UserProfileName, &e, now)
		if errors.Is(err, store.ErrConflict) {
			return inUseError("Resource Already Exists: UserProfile with name %s already exists. Choose a different name.", in.UserProfileName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateUserProfileOutput{UserProfileArn: arn}, nil
}

// newUID returns a POSIX UID for a profile's home directory (AWS assigns
// them from 200001 up).
func (s *Service) newUID(c *op.Call) string {
	b, err := s.randomBytes(3)
	if err != nil {
		return "200001"
	}
	return fmt.Sprint(200001 + (int(b[0])<<16|int(b[1])<<8|int(b[2]))%800000)
}

func (s *Service) profileAuth(action string) func(context.Context, *op.Call, *UserProfileInput) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *UserProfileInput) ([]op.Check, error) {
		if err := validateProfileRef(in.DomainId, in.UserProfileName); err != nil {
			return nil, err
		}
		tags, err := s.tagsOf(ctx, c, userProfileLifecycle, TypeUserProfile, in.DomainId+"/"+in.UserProfileName)
		if err != nil {
			return nil, err
		}
		return []op.Check{resourceCheck(action, userProfileARN(c.Region, c.Account, in.DomainId, in.UserProfileName), tags, nil)}, nil
	}
}

func describeProfile(e entry[userProfileDoc]) *DescribeUserProfileOutput {
	d := e.Doc
	return &DescribeUserProfileOutput{
		DomainId:                   d.DomainID,
		UserProfileArn:             e.Res.ARN,
		UserProfileName:            d.UserProfileName,
		HomeEfsFileSystemUid:       d.HomeEfsFileSystemUID,
		Status:                     e.Res.Status,
		LastModifiedTime:           maxTime(e.Res.UpdateDate, e.Since),
		CreationTime:               e.Res.CreateDate,
		SingleSignOnUserIdentifier: optional(d.SingleSignOnUserIdentifier),
		SingleSignOnUserValue:      optional(d.SingleSignOnUserValue),
		UserSettings:               d.UserSettings,
	}
}

// DescribeUserProfile returns a profile with its current status.
func (s *Service) DescribeUserProfile(ctx context.Context, c *op.Call, in *UserProfileInput) (*DescribeUserProfileOutput, error) {
	var out *DescribeUserProfileOutput
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := s.getProfile(ctx, tx, c, in.DomainId, in.UserProfileName)
		if err == nil {
			out = describeProfile(e)
		}
		return err
	})
	return out, err
}

func (s *Service) authorizeUpdateUserProfile(ctx context.Context, c *op.Call, in *UpdateUserProfileInput) ([]op.Check, error) {
	if err := validateProfileRef(in.DomainId, in.UserProfileName); err != nil {
		return nil, err
	}
	tags, err := s.tagsOf(ctx, c, userProfileLifecycle, TypeUserProfile, in.DomainId+"/"+in.UserProfileName)
	if err != nil {
		return nil, err
	}
	keys := settingsKeys(map[string][]string{}, in.UserSettings)
	if len(keys) == 0 {
		keys = nil
	}
	checks := []op.Check{resourceCheck("sagemaker:UpdateUserProfile", userProfileARN(c.Region, c.Account, in.DomainId, in.UserProfileName), tags, keys)}
	for _, r := range executionRoles(in.UserSettings) {
		checks = append(checks, PassRoleCheck(r))
	}
	return checks, nil
}

// UpdateUserProfile merges new settings into an InService profile
// (per-profile ExecutionRole overrides the domain's): Updating, then
// InService.
func (s *Service) UpdateUserProfile(ctx context.Context, c *op.Call, in *UpdateUserProfileInput) (*UpdateUserProfileOutput, error) {
	if err := validateProfileRef(in.DomainId, in.UserProfileName); err != nil {
		return nil, err
	}
	var arn string
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		now := s.callTime(c)
		e, err := s.getProfile(ctx, tx, c, in.DomainId, in.UserProfileName)
		if err != nil {
			return err
		}
		arn = e.Res.ARN
		if e.Res.Status != "InService" {
			return inUseError("User profile %s is in %s state; it can only be updated when InService.", arn, e.Res.Status)
		}
		if in.UserSettings != nil {
			e.Doc.UserSettings = mergeObject(e.Doc.UserSettings, in.UserSettings)
		}
		e.setStatus("Updating", now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &UpdateUserProfileOutput{UserProfileArn: arn}, nil
}

// DeleteUserProfile deletes a profile whose apps are all deleted:
// Deleting, then gone.
func (s *Service) DeleteUserProfile(ctx context.Context, c *op.Call, in *UserProfileInput) (*EmptyOutput, error) {
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		now := s.callTime(c)
		e, err := s.getProfile(ctx, tx, c, in.DomainId, in.UserProfileName)
		if err != nil {
			return err
		}
		if e.Res.Status == "Deleting" {
			return inUseError("User profile %s is already being deleted.", e.Res.ARN)
		}
		apps, err := listEntries[appDoc](ctx, s, tx, c.Account, appLifecycle, TypeApp, c.Region, in.DomainId+"/"+in.UserProfileName+"/", now)
		if err != nil {
			return err
		}
		for _, a := range apps {
			if a.Res.Status != "Deleted" && a.Res.Status != "Failed" {
				return inUseError("Cannot delete User profile %s because it has apps that are not deleted.", e.Res.ARN)
			}
		}
		e.setStatus("Deleting", now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// ListUserProfiles lists the region's profiles, filtered by domain and name
// substring, sorted by CreationTime (default) or LastModifiedTime,
// Ascending by default.
func (s *Service) ListUserProfiles(ctx context.Context, c *op.Call, in *ListUserProfilesInput) (*ListUserProfilesOutput, error) {
	if err := checkEnum(in.SortBy, "sortBy", []string{"CreationTime", "LastModifiedTime"}); err != nil {
		return nil, err
	}
	if err := checkEnum(in.SortOrder, "sortOrder", []string{"Ascending", "Descending"}); err != nil {
		return nil, err
	}
	limit, err := maxResults(in.MaxResults, 10, 100)
	if err != nil {
		return nil, err
	}
	start, err := decodeToken(in.NextToken, "user-profiles")
	if err != nil {
		return nil, err
	}
	prefix := ""
	if in.DomainIdEquals != nil {
		prefix = *in.DomainIdEquals + "/"
	}
	var all []entry[userProfileDoc]
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		all, err = listEntries[userProfileDoc](ctx, s, tx, c.Account, userProfileLifecycle, TypeUserProfile, c.Region, prefix, s.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	items := []UserProfileDetails{}
	for _, e := range all {
		d := describeProfile(e)
		if in.UserProfileNameContains != nil && !strings.Contains(strings.ToLower(d.UserProfileName), strings.ToLower(*in.UserProfileNameContains)) {
			continue
		}
		items = append(items, UserProfileDetails{DomainId: d.DomainId, UserProfileName: d.UserProfileName, Status: d.Status,
			CreationTime: d.CreationTime, LastModifiedTime: d.LastModifiedTime})
	}
	byModified := deref(in.SortBy, "CreationTime") == "LastModifiedTime"
	desc := deref(in.SortOrder, "Ascending") == "Descending"
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].CreationTime, items[j].CreationTime
		if byModified {
			a, b = items[i].LastModifiedTime, items[j].LastModifiedTime
		}
		if desc {
			return b.Before(a)
		}
		return a.Before(b)
	})
	page, next := paginate(items, start, limit)
	out := &ListUserProfilesOutput{UserProfiles: append([]UserProfileDetails{}, page...)}
	if next > 0 {
		out.NextToken = encodeToken("user-profiles", next)
	}
	return out, nil
}
