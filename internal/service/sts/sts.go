package sts

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// Store is the slice of storage STS needs: roles and managed policies to
// read, sessions to write. *sqlite.Store satisfies it.
type Store interface {
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
	Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
}

// ServiceTrust decides whether a role's trust policy lets an AWS service
// principal (e.g. "sagemaker.amazonaws.com") perform action (sts:AssumeRole,
// sts:SetSourceIdentity) on the role, with the given request context. The
// wiring implements it with the policy engine.
type ServiceTrust interface {
	ServiceAllowed(ctx context.Context, trustPolicy, service, action, roleARN string, keys map[string][]string) (bool, error)
}

// ServiceTrustFunc adapts a function to [ServiceTrust].
type ServiceTrustFunc func(ctx context.Context, trustPolicy, service, action, roleARN string, keys map[string][]string) (bool, error)

// ServiceAllowed calls f.
func (f ServiceTrustFunc) ServiceAllowed(ctx context.Context, trustPolicy, service, action, roleARN string, keys map[string][]string) (bool, error) {
	return f(ctx, trustPolicy, service, action, roleARN, keys)
}

// Options configures a [Service]. Store is required; the zero value of every
// other field is valid.
type Options struct {
	Store Store
	// IDs generates access key IDs, secrets and session tokens; the zero
	// value reads crypto/rand.
	IDs model.IDGenerator
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ValidatePolicy checks a session policy document; nil means the
	// policy engine's parser and session-policy rules.
	ValidatePolicy func(doc string) error
	// Trust evaluates trust policies for [Service.AssumeRoleAsService];
	// nil means [PolicyTrust].
	Trust  ServiceTrust
	Logger *slog.Logger
}

// Service implements AWS STS: GetCallerIdentity, GetSessionToken and
// AssumeRole, plus [Service.AssumeRoleAsService] for services that assume
// roles themselves. It is safe for concurrent use.
type Service struct {
	store    Store
	ids      model.IDGenerator
	now      func() time.Time
	validate func(string) error
	trust    ServiceTrust
	log      *slog.Logger
}

// New returns a Service.
func New(o Options) *Service {
	s := &Service{store: o.Store, ids: o.IDs, now: o.Now, validate: o.ValidatePolicy, trust: o.Trust, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.validate == nil {
		s.validate = validateSessionPolicy
	}
	if s.trust == nil {
		s.trust = ServiceTrustFunc(PolicyTrust)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Register registers the STS operations with r.
//
// GetCallerIdentity and GetSessionToken need no permission: AWS documents
// that GetCallerIdentity succeeds even under an explicit deny and that
// policies cannot control GetSessionToken (an authentication operation), so
// both declare no checks. AssumeRole declares sts:AssumeRole on the role,
// plus sts:TagSession when Tags are passed and sts:SetSourceIdentity when
// SourceIdentity is passed, each carrying the role's trust policy as the
// resource policy.
func Register(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[GetCallerIdentityInput, GetCallerIdentityOutput]{
		Service: "sts", Name: "GetCallerIdentity", ReadOnly: true,
		Authorize: noChecks[GetCallerIdentityInput], Handle: s.GetCallerIdentity,
	})
	op.Register(r, op.Spec[GetSessionTokenInput, GetSessionTokenOutput]{
		Service: "sts", Name: "GetSessionToken", ReadOnly: true,
		Authorize: s.AuthorizeGetSessionToken, Handle: s.GetSessionToken,
	})
	op.Register(r, op.Spec[AssumeRoleInput, AssumeRoleOutput]{
		Service: "sts", Name: "AssumeRole", ReadOnly: true,
		Authorize: s.AuthorizeAssumeRole, Handle: s.AssumeRole,
	})
}

func noChecks[In any](context.Context, *op.Call, *In) ([]op.Check, error) { return nil, nil }

// GetCallerIdentity returns the caller's user ID, account and ARN as AWS
// does: for the root the account ID and arn:aws:iam::ACCOUNT:root, for an
// IAM user its AIDA... ID and user ARN, for a role session ROLEID:SESSION and
// the assumed-role ARN.
func (s *Service) GetCallerIdentity(_ context.Context, c *op.Call, _ *GetCallerIdentityInput) (*GetCallerIdentityOutput, error) {
	p := c.Principal
	if p == nil {
		return nil, errors.New("sts: call without a principal")
	}
	acct := string(p.AccountID)
	return &GetCallerIdentityOutput{UserId: &p.ID, Account: &acct, Arn: &p.ARN}, nil
}

// AuthorizeGetSessionToken validates the input; GetSessionToken needs no
// permission.
func (s *Service) AuthorizeGetSessionToken(_ context.Context, _ *op.Call, in *GetSessionTokenInput) ([]op.Check, error) {
	return nil, validateGetSessionToken(in)
}

// GetSessionToken issues temporary credentials for an IAM user or the root.
// DurationSeconds defaults to 43200 and may be 900 to 129600; the root's
// sessions are capped at 3600 seconds (a longer request gets one hour, as
// AWS documents). Callers with temporary credentials get AccessDenied.
func (s *Service) GetSessionToken(ctx context.Context, c *op.Call, in *GetSessionTokenInput) (*GetSessionTokenOutput, error) {
	if err := validateGetSessionToken(in); err != nil {
		return nil, err
	}
	p := c.Principal
	if p == nil {
		return nil, errors.New("sts: call without a principal")
	}
	if p.Temporary || p.Type == model.PrincipalAssumedRole {
		return nil, ErrSessionCredentials
	}
	if in.SerialNumber != nil || in.TokenCode != nil {
		return nil, ErrMFA
	}
	d := int32(defaultSessionToken)
	if in.DurationSeconds != nil {
		d = *in.DurationSeconds
	}
	if p.Type == model.PrincipalRoot && d > rootSessionTokenMax {
		d = rootSessionTokenMax
	}
	now := s.callTime(c)
	sess := model.Session{
		AccountID: p.AccountID,
		Kind:      model.SessionUser,
		IssuedAt:  now,
	}
	if p.Type == model.PrincipalIAMUser {
		sess.UserName, sess.UserID = p.UserName, p.ID
	}
	creds, err := s.issue(ctx, &sess, time.Duration(d)*time.Second, c.Region)
	if err != nil {
		return nil, err
	}
	return &GetSessionTokenOutput{Credentials: creds}, nil
}

// AuthorizeAssumeRole validates the input, loads the role and returns the
// checks AssumeRole needs. A RoleArn that is not an ARN is a
// ValidationError; an ARN that names no existing IAM role is refused with
// AccessDenied, as AWS does, so that the caller learns nothing about which
// roles exist. The root user may not assume roles.
func (s *Service) AuthorizeAssumeRole(ctx context.Context, c *op.Call, in *AssumeRoleInput) ([]op.Check, error) {
	if err := validateAssumeRole(in); err != nil {
		return nil, err
	}
	if c.Principal != nil && c.Principal.Type == model.PrincipalRoot {
		return nil, ErrRootAssumeRole
	}
	role, err := s.role(ctx, c, in.RoleArn)
	if err != nil {
		return nil, err
	}
	keys := assumeRoleKeys(c.Principal, in)
	check := func(action string) op.Check {
		return op.Check{
			Action:         action,
			Resource:       role.ARN,
			Context:        keys,
			ResourcePolicy: role.AssumeRolePolicyDocument,
			ResourceOwner:  model.AccountID(roleAccount(role.ARN)),
		}
	}
	checks := []op.Check{check(ActionAssumeRole)}
	if len(in.Tags) > 0 {
		checks = append(checks, check(ActionTagSession))
	}
	if in.SourceIdentity != nil {
		checks = append(checks, check(ActionSetSourceIdentity))
	}
	return checks, nil
}

// The IAM actions STS authorizes.
const (
	ActionAssumeRole        = "sts:AssumeRole"
	ActionTagSession        = "sts:TagSession"
	ActionSetSourceIdentity = "sts:SetSourceIdentity"
)

// assumeRoleKeys returns the request-derived condition keys of an
// AssumeRole call: sts:RoleSessionName, sts:ExternalId, sts:SourceIdentity,
// aws:RequestTag/*, aws:TagKeys and sts:TransitiveTagKeys.
func assumeRoleKeys(p *model.Principal, in *AssumeRoleInput) map[string][]string {
	keys := map[string][]string{"sts:RoleSessionName": {in.RoleSessionName}}
	if in.ExternalId != nil {
		keys["sts:ExternalId"] = []string{*in.ExternalId}
	}
	if in.SourceIdentity != nil {
		keys["sts:SourceIdentity"] = []string{*in.SourceIdentity}
	} else if p != nil && p.Session != nil && p.Session.SourceIdentity != "" {
		// A chained call that omits SourceIdentity carries the inherited
		// one; AWS puts both keys in the request context then.
		keys["sts:SourceIdentity"] = []string{p.Session.SourceIdentity}
	}
	if len(in.Tags) > 0 {
		tk := make([]string, 0, len(in.Tags))
		for _, t := range in.Tags {
			keys["aws:RequestTag/"+t.Key] = []string{t.Value}
			tk = append(tk, t.Key)
		}
		keys["aws:TagKeys"] = tk
	}
	if len(in.TransitiveTagKeys) > 0 {
		keys["sts:TransitiveTagKeys"] = slices.Clone(in.TransitiveTagKeys)
	}
	return keys
}

// AssumeRole creates a role session once the caller's checks have passed.
// It enforces what policies cannot: the duration limits (the role's
// MaxSessionDuration, one hour for role chaining), the immutability of a
// source identity through chaining, the inheritance of transitive session
// tags, and the session policies' validity and packed size.
func (s *Service) AssumeRole(ctx context.Context, c *op.Call, in *AssumeRoleInput) (*AssumeRoleOutput, error) {
	if err := validateAssumeRole(in); err != nil {
		return nil, err
	}
	p := c.Principal
	if p == nil {
		return nil, errors.New("sts: call without a principal")
	}
	if p.Type == model.PrincipalRoot {
		return nil, ErrRootAssumeRole
	}
	role, err := s.role(ctx, c, in.RoleArn)
	if err != nil {
		return nil, err
	}
	if err := s.checkTrust(ctx, c, role, in); err != nil {
		return nil, err
	}
	chained := p.Type == model.PrincipalAssumedRole
	d := int32(defaultRoleDuration)
	if in.DurationSeconds != nil {
		d = *in.DurationSeconds
	}
	// Any caller with temporary credentials is capped at one hour: a role
	// session (role chaining) and a GetSessionToken session alike.
	if p.Temporary && d > chainedMaxDuration {
		return nil, &ValidationError{Msg: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."}
	}
	if d > maxDurationOf(role) {
		return nil, &ValidationError{Msg: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."}
	}

	sess := model.Session{
		AccountID:   model.AccountID(roleAccount(role.ARN)),
		Kind:        model.SessionAssumedRole,
		RoleARN:     role.ARN,
		RoleID:      role.RoleID,
		RoleName:    role.RoleName,
		SessionName: in.RoleSessionName,
		IssuedAt:    s.callTime(c),
	}
	if chained {
		sess.OriginARN = p.ARN
	}

	// Source identity: set once, then fixed for the rest of the chain.
	if p.Session != nil && p.Session.SourceIdentity != "" {
		if in.SourceIdentity != nil && *in.SourceIdentity != p.Session.SourceIdentity {
			return nil, &AccessDeniedError{Caller: p.ARN, Action: ActionSetSourceIdentity, Resource: role.ARN,
				Reason: "the source identity of a role session cannot be changed"}
		}
		sess.SourceIdentity = p.Session.SourceIdentity
	} else if in.SourceIdentity != nil {
		sess.SourceIdentity = *in.SourceIdentity
	}

	// Session tags: incoming transitive tags, then the passed ones.
	tags, transitive, err := sessionTags(p, in)
	if err != nil {
		return nil, err
	}
	sess.Tags, sess.TransitiveTagKeys = tags, transitive

	// Session policies.
	var packed *int32
	if in.Policy != nil || len(in.PolicyArns) > 0 || len(in.Tags) > 0 {
		if in.Policy != nil {
			if err := s.validate(*in.Policy); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrMalformedPolicy, err)
			}
			sess.Policy = *in.Policy
		}
		for _, pa := range in.PolicyArns {
			if pa.Arn == nil {
				continue
			}
			sess.PolicyARNs = append(sess.PolicyARNs, *pa.Arn)
		}
		if err := s.checkPolicyARNs(ctx, sess.AccountID, sess.PolicyARNs); err != nil {
			return nil, err
		}
		pct := packedPercent(sess.Policy, sess.PolicyARNs, in.Tags)
		if pct > 100 {
			return nil, &PackedPolicyTooLargeError{Percent: pct}
		}
		v := int32(pct)
		packed = &v
	}

	creds, err := s.issue(ctx, &sess, time.Duration(d)*time.Second, c.Region)
	if err != nil {
		return nil, err
	}
	out := &AssumeRoleOutput{
		Credentials: creds,
		AssumedRoleUser: &AssumedRoleUser{
			AssumedRoleId: role.RoleID + ":" + in.RoleSessionName,
			Arn:           SessionARN(sess.AccountID, role.RoleName, in.RoleSessionName),
		},
		PackedPolicySize: packed,
	}
	if sess.SourceIdentity != "" {
		si := sess.SourceIdentity
		out.SourceIdentity = &si
	}
	return out, nil
}

// ServiceSession asks for a role session that an AWS service creates for
// itself, as SageMaker does when it assumes a Studio domain's execution
// role.
type ServiceSession struct {
	// Service is the service principal, e.g. "sagemaker.amazonaws.com".
	Service string
	// RoleARN is the role to assume; its trust policy must allow Service
	// to perform sts:AssumeRole (and sts:SetSourceIdentity when
	// SourceIdentity is set).
	RoleARN string
	// SessionName is the RoleSessionName ("SageMaker" for Studio).
	SessionName string
	// SourceIdentity is the session's aws:SourceIdentity, or empty.
	SourceIdentity string
	// ContextKeys are condition keys that every request made with the
	// session carries (e.g. sagemaker:DomainId, sagemaker:UserProfileName).
	ContextKeys map[string][]string
	// Duration is the session's lifetime; zero means one hour. It is
	// bounded by the role's MaxSessionDuration.
	Duration time.Duration
	// Region is where the role is used, recorded as its RoleLastUsed
	// region.
	Region string
}

// ServiceCredentials are the result of [Service.AssumeRoleAsService].
type ServiceCredentials struct {
	Credentials     Credentials
	AssumedRoleUser AssumedRoleUser
}

// AssumeRoleAsService mints a session of a role for an AWS service, with no
// calling principal: the role's trust policy is evaluated for the service
// principal only. It fails with AccessDenied when the trust policy does not
// allow the service.
func (s *Service) AssumeRoleAsService(ctx context.Context, req ServiceSession) (ServiceCredentials, error) {
	if !validName(req.SessionName) {
		var v violations
		v.str(req.SessionName, "roleSessionName", 2, 64, reSessionName, patSessionName)
		return ServiceCredentials{}, v.err()
	}
	if req.SourceIdentity != "" && !validName(req.SourceIdentity) {
		var v violations
		v.str(req.SourceIdentity, "sourceIdentity", 2, 64, reSessionName, patSessionName)
		return ServiceCredentials{}, v.err()
	}
	acct, name, ok := parseRoleARN(req.RoleARN)
	denied := &AccessDeniedError{Caller: req.Service, Action: ActionAssumeRole, Resource: req.RoleARN}
	if !ok {
		return ServiceCredentials{}, denied
	}
	role, err := s.getRole(ctx, model.AccountID(acct), name, req.RoleARN)
	if err != nil {
		if errors.Is(err, errNoRole) {
			return ServiceCredentials{}, denied
		}
		return ServiceCredentials{}, err
	}
	keys := map[string][]string{"sts:RoleSessionName": {req.SessionName}}
	actions := []string{ActionAssumeRole}
	if req.SourceIdentity != "" {
		keys["sts:SourceIdentity"] = []string{req.SourceIdentity}
		actions = append(actions, ActionSetSourceIdentity)
	}
	for _, a := range actions {
		ok, err := s.trust.ServiceAllowed(ctx, role.AssumeRolePolicyDocument, req.Service, a, role.ARN, keys)
		if err != nil {
			return ServiceCredentials{}, fmt.Errorf("sts: evaluate trust policy of %s: %w", role.ARN, err)
		}
		if !ok {
			return ServiceCredentials{}, &AccessDeniedError{Caller: req.Service, Action: a, Resource: role.ARN}
		}
	}
	d := req.Duration
	if d == 0 {
		d = defaultRoleDuration * time.Second
	}
	if d < minDuration*time.Second || d > time.Duration(maxDurationOf(role))*time.Second {
		return ServiceCredentials{}, &ValidationError{Msg: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."}
	}
	sess := model.Session{
		AccountID:      model.AccountID(acct),
		Kind:           model.SessionAssumedRole,
		RoleARN:        role.ARN,
		RoleID:         role.RoleID,
		RoleName:       role.RoleName,
		SessionName:    req.SessionName,
		SourceIdentity: req.SourceIdentity,
		IssuedAt:       s.now().UTC().Truncate(time.Second),
		ContextKeys:    maps.Clone(req.ContextKeys),
	}
	creds, err := s.issue(ctx, &sess, d, req.Region)
	if err != nil {
		return ServiceCredentials{}, err
	}
	return ServiceCredentials{
		Credentials: *creds,
		AssumedRoleUser: AssumedRoleUser{
			AssumedRoleId: role.RoleID + ":" + req.SessionName,
			Arn:           SessionARN(sess.AccountID, role.RoleName, req.SessionName),
		},
	}, nil
}

// SessionARN returns the ARN of a role session:
// arn:aws:sts::ACCOUNT:assumed-role/ROLENAME/SESSIONNAME (the role's path is
// not part of it).
func SessionARN(acct model.AccountID, roleName, sessionName string) string {
	return "arn:aws:sts::" + string(acct) + ":assumed-role/" + roleName + "/" + sessionName
}

// issue fills in the credentials of sess, stores it and returns them. For a
// role session it records the role's use (RoleLastUsed) in the same
// transaction, in region.
func (s *Service) issue(ctx context.Context, sess *model.Session, d time.Duration, region string) (*Credentials, error) {
	var err error
	if sess.AccessKeyID, err = s.ids.TemporaryAccessKeyID(); err != nil {
		return nil, err
	}
	if sess.SecretAccessKey, err = s.ids.SecretAccessKey(); err != nil {
		return nil, err
	}
	if sess.SessionToken, err = s.ids.SessionToken(); err != nil {
		return nil, err
	}
	sess.Expiration = sess.IssuedAt.Add(d)
	err = s.store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutSession(ctx, sess.AccountID, *sess); err != nil {
			return err
		}
		if sess.Kind == model.SessionAssumedRole {
			return recordRoleUse(ctx, tx, sess.AccountID, sess.RoleName, sess.IssuedAt, region)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sts: store session: %w", err)
	}
	return &Credentials{
		AccessKeyId:     sess.AccessKeyID,
		SecretAccessKey: sess.SecretAccessKey,
		SessionToken:    sess.SessionToken,
		Expiration:      sess.Expiration,
	}, nil
}

// roleUseGranularity is how stale a role's RoleLastUsed may get before an
// assumption records a new one. IAM documents that it tracks last use
// approximately (within four hours); recording at most hourly keeps the
// change feed from invalidating the role's caches on every AssumeRole.
const roleUseGranularity = time.Hour

// recordRoleUse sets the role's RoleLastUsed to at and region unless it
// already says so within roleUseGranularity.
func recordRoleUse(ctx context.Context, tx store.Tx, acct model.AccountID, roleName string, at time.Time, region string) error {
	r, err := tx.GetRole(ctx, acct, roleName)
	if err != nil {
		return fmt.Errorf("sts: record use of role %s: %w", roleName, err)
	}
	last := r.RoleLastUsed
	if last.Region == region && !at.After(last.LastUsedDate.Add(roleUseGranularity)) && !at.Before(last.LastUsedDate) {
		return nil
	}
	r.RoleLastUsed = model.RoleLastUsed{LastUsedDate: at, Region: region}
	return tx.UpdateRole(ctx, acct, r)
}

// callTime is the call's time truncated to seconds, in UTC.
func (s *Service) callTime(c *op.Call) time.Time {
	t := c.Now
	if t.IsZero() {
		t = s.now()
	}
	return t.UTC().Truncate(time.Second)
}

var errNoRole = errors.New("no such role")

// role loads the role an AssumeRole call names. A RoleArn that is not an
// ARN at all is a ValidationError ("X is invalid"); an ARN that names no
// existing IAM role is refused with AccessDenied.
func (s *Service) role(ctx context.Context, c *op.Call, roleARN string) (model.Role, error) {
	caller := ""
	if c.Principal != nil {
		caller = c.Principal.ARN
	}
	if !isARN(roleARN) {
		return model.Role{}, &ValidationError{Msg: roleARN + " is invalid"}
	}
	acct, name, ok := parseRoleARN(roleARN)
	if !ok {
		return model.Role{}, &AccessDeniedError{Caller: caller, Action: ActionAssumeRole, Resource: roleARN}
	}
	r, err := s.getRole(ctx, model.AccountID(acct), name, roleARN)
	if errors.Is(err, errNoRole) {
		return model.Role{}, &AccessDeniedError{Caller: caller, Action: ActionAssumeRole, Resource: roleARN}
	}
	return r, err
}

func (s *Service) getRole(ctx context.Context, acct model.AccountID, name, roleARN string) (model.Role, error) {
	var r model.Role
	err := s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		r, err = tx.GetRole(ctx, acct, name)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return model.Role{}, errNoRole
	}
	if err != nil {
		return model.Role{}, fmt.Errorf("sts: get role %s: %w", roleARN, err)
	}
	// The path in the ARN must be the role's.
	if !strings.EqualFold(r.ARN, roleARN) {
		return model.Role{}, errNoRole
	}
	return r, nil
}

// checkPolicyARNs makes sure every managed session policy exists.
func (s *Service) checkPolicyARNs(ctx context.Context, acct model.AccountID, arns []string) error {
	if len(arns) == 0 {
		return nil
	}
	return s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		for _, a := range arns {
			if _, err := tx.GetPolicy(ctx, acct, a); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return &ValidationError{Msg: "The policy " + a + " does not exist or is not attachable."}
				}
				return fmt.Errorf("sts: get session policy %s: %w", a, err)
			}
		}
		return nil
	})
}

// isARN reports whether s has the form of an ARN:
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE with a partition, a service
// and a resource.
func isARN(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != "" && parts[5] != ""
}

// parseRoleARN splits arn:aws:iam::ACCOUNT:role/PATH/NAME into the account
// and the role name.
func parseRoleARN(s string) (acct, name string, ok bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "iam" || parts[3] != "" {
		return "", "", false
	}
	acct, res := parts[4], parts[5]
	if len(acct) != 12 || strings.Trim(acct, "0123456789") != "" {
		return "", "", false
	}
	rest, ok := strings.CutPrefix(res, "role/")
	if !ok || rest == "" {
		return "", "", false
	}
	name = rest[strings.LastIndexByte(rest, '/')+1:]
	if name == "" {
		return "", "", false
	}
	return acct, name, true
}

// roleAccount returns the account of a role ARN.
func roleAccount(roleARN string) string {
	acct, _, _ := parseRoleARN(roleARN)
	return acct
}

// maxDurationOf returns the role's MaxSessionDuration in seconds (one hour
// when unset).
func maxDurationOf(r model.Role) int32 {
	if r.MaxSessionDuration <= 0 {
		return defaultRoleDuration
	}
	return r.MaxSessionDuration
}

// sessionTags merges the caller's incoming transitive tags with the passed
// session tags. A passed tag may not replace an incoming transitive tag
// (keys compare without regard to case). It returns the tags sorted by key
// and the transitive keys of the new session: the incoming ones and the
// passed TransitiveTagKeys.
func sessionTags(p *model.Principal, in *AssumeRoleInput) ([]model.Tag, []string, error) {
	var tags []model.Tag
	var transitive []string
	inherited := map[string]bool{}
	if p.Session != nil {
		for _, k := range p.Session.TransitiveTagKeys {
			v, ok := p.Session.SessionTags[k]
			if !ok {
				continue
			}
			tags = append(tags, model.Tag{Key: k, Value: v})
			transitive = append(transitive, k)
			inherited[strings.ToLower(k)] = true
		}
	}
	for _, t := range in.Tags {
		if inherited[strings.ToLower(t.Key)] {
			return nil, nil, &InvalidParameterError{Msg: "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."}
		}
		tags = append(tags, model.Tag{Key: t.Key, Value: t.Value})
	}
	for _, k := range in.TransitiveTagKeys {
		// Use the spelling of the passed tag.
		for _, t := range in.Tags {
			if strings.EqualFold(t.Key, k) && !slices.Contains(transitive, t.Key) {
				transitive = append(transitive, t.Key)
			}
		}
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	sort.Strings(transitive)
	return tags, transitive, nil
}

// packedLimit is the budget, in compressed bytes, that packedPercent
// measures against. AWS does not document its packing; abacus compresses
// the session policy, the policy ARNs and the tags with DEFLATE and
// compares the result with this budget, which admits a 2,048-character
// policy of ordinary JSON and rejects pathological inputs, as AWS does.
const packedLimit = 1024

// packedPercent returns PackedPolicySize: the percentage of the packed
// budget the session policies and tags use, rounded up.
func packedPercent(policy string, arns []string, tags []Tag) int {
	var raw bytes.Buffer
	if policy != "" {
		var c bytes.Buffer
		if json.Compact(&c, []byte(policy)) == nil {
			raw.Write(c.Bytes())
		} else {
			raw.WriteString(policy)
		}
	}
	for _, a := range arns {
		raw.WriteString(a)
	}
	for _, t := range tags {
		raw.WriteString(t.Key)
		raw.WriteByte(0)
		raw.WriteString(t.Value)
	}
	if raw.Len() == 0 {
		return 0
	}
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	_, _ = w.Write(raw.Bytes())
	_ = w.Close()
	return (z.Len()*100 + packedLimit - 1) / packedLimit
}
