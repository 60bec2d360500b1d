package sts_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/sts"
	"abacus/internal/store"
)

const acct = model.AccountID("123456789012")

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

var (
	root = &model.Principal{Type: model.PrincipalRoot, AccountID: acct,
		ARN: "arn:aws:iam::123456789012:root", ID: "123456789012", AccessKeyID: "AKIAROOTROOTROOTROOT"}
	alice = &model.Principal{Type: model.PrincipalIAMUser, AccountID: acct,
		ARN: "arn:aws:iam::123456789012:user/team/alice", ID: "AIDAALICEALICEALICEA", UserName: "alice",
		AccessKeyID: "AKIAALICEALICEALICE"}
	aliceSession = &model.Principal{Type: model.PrincipalIAMUser, AccountID: acct,
		ARN: alice.ARN, ID: alice.ID, UserName: "alice", AccessKeyID: "ASIAALICEALICEALICE",
		Temporary: true, IssuedAt: t0}
	devSession = &model.Principal{Type: model.PrincipalAssumedRole, AccountID: acct,
		ARN: "arn:aws:sts::123456789012:assumed-role/dev/s1", ID: "AROADEVDEVDEVDEVDEVDE:s1",
		AccessKeyID: "ASIADEVDEVDEVDEVDEV", Temporary: true, IssuedAt: t0,
		Tags: map[string]string{"team": "ml", "project": "x"},
		Session: &model.RoleSession{RoleName: "dev", RoleARN: "arn:aws:iam::123456789012:role/dev",
			RoleID: "AROADEVDEVDEVDEVDEVDE", Name: "s1", SourceIdentity: "alice",
			SessionTags: map[string]string{"team": "ml", "project": "x"}, TransitiveTagKeys: []string{"team"}}}
)

var target = model.Role{
	RoleName: "target", RoleID: "AROATARGETTARGETTARG", Path: "/svc/",
	ARN:                      "arn:aws:iam::123456789012:role/svc/target",
	AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}`,
	MaxSessionDuration:       7200,
}

type fixture struct {
	svc   *sts.Service
	store *testStore
	now   time.Time
}

// newFixture opens and seeds a store of its own.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	st := newTestStore(t)
	st.addRole(target)
	st.addPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess")
	return newFixtureOn(t, st)
}

// newFixtureOn returns a fixture on a fork of base, so that the subtests of
// one table share one database (opening SQLite is the costly part) but
// count their own stored sessions.
func newFixtureOn(t testing.TB, base *testStore) *fixture {
	t.Helper()
	f := &fixture{store: base.fork(t), now: t0}
	f.svc = sts.New(sts.Options{
		Store: f.store,
		IDs:   model.IDGenerator{Rand: rand.NewChaCha8(sha256.Sum256([]byte(t.Name())))},
		Now:   func() time.Time { return f.now },
	})
	return f
}

func call(p *model.Principal) *op.Call {
	return &op.Call{Account: acct, Region: "us-east-1", Principal: p, Now: t0, Authz: &fakeAuthz{allow: true}}
}

// fakeAuthz stands in for the server's authorizer in the identity-policy
// check of AssumeRole: it allows everything or nothing and records checks.
type fakeAuthz struct {
	allow  bool
	checks []op.Check
}

func (a *fakeAuthz) Authorize(_ context.Context, c *op.Call, checks ...op.Check) error {
	a.checks = append(a.checks, checks...)
	if a.allow {
		return nil
	}
	return apierr.New(http.StatusForbidden, "AccessDenied", "User: "+c.Principal.ARN+" is not authorized to perform: "+checks[0].Action+" on resource: "+checks[0].Resource+" because no identity-based policy allows the "+checks[0].Action+" action")
}

// wire maps err the way the server does.
func wire(err error) *apierr.Error { return apierr.From(err, sts.Mapper) }

type wireErr struct {
	Code   string
	Status int
	Msg    string
}

func asWire(err error) *wireErr {
	if err == nil {
		return nil
	}
	e := wire(err)
	return &wireErr{e.Code, e.HTTPStatus, e.Message}
}

func TestGetCallerIdentity(t *testing.T) {
	t.Parallel()
	base := newFixture(t).store
	tests := []struct {
		name string
		p    *model.Principal
		want sts.GetCallerIdentityOutput
	}{
		{"root", root, sts.GetCallerIdentityOutput{UserId: ptr("123456789012"), Account: ptr("123456789012"), Arn: ptr("arn:aws:iam::123456789012:root")}},
		{"user", alice, sts.GetCallerIdentityOutput{UserId: ptr("AIDAALICEALICEALICEA"), Account: ptr("123456789012"), Arn: ptr("arn:aws:iam::123456789012:user/team/alice")}},
		{"user session", aliceSession, sts.GetCallerIdentityOutput{UserId: ptr("AIDAALICEALICEALICEA"), Account: ptr("123456789012"), Arn: ptr("arn:aws:iam::123456789012:user/team/alice")}},
		{"role session", devSession, sts.GetCallerIdentityOutput{UserId: ptr("AROADEVDEVDEVDEVDEVDE:s1"), Account: ptr("123456789012"), Arn: ptr("arn:aws:sts::123456789012:assumed-role/dev/s1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureOn(t, base)
			got, err := f.svc.GetCallerIdentity(context.Background(), call(tt.p), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("GetCallerIdentity (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRegisterChecks pins the authorizations each STS operation declares.
// GetCallerIdentity: "No permissions are required to perform this operation"
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
// GetSessionToken: "No permissions are required for a user to get a session
// token" and "You cannot use policies to control authentication operations"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html).
func TestRegisterChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var r op.Registry
	sts.Register(&r, f.svc)
	for _, name := range []string{"GetCallerIdentity", "GetSessionToken"} {
		e, ok := r.Lookup("sts", name)
		if !ok {
			t.Fatalf("%s not registered", name)
		}
		checks, err := e.Authorize(context.Background(), call(alice), e.NewInput())
		if err != nil || len(checks) != 0 {
			t.Errorf("%s: Authorize = %v, %v; want no checks", name, checks, err)
		}
		if !e.ReadOnly() {
			t.Errorf("%s: ReadOnly = false", name)
		}
	}
	if _, ok := r.Lookup("sts", "AssumeRole"); !ok {
		t.Fatal("AssumeRole not registered")
	}
}

func TestGetSessionToken(t *testing.T) {
	t.Parallel()
	base := newFixture(t).store
	tests := []struct {
		name     string
		p        *model.Principal
		in       sts.GetSessionTokenInput
		wantLife time.Duration
		wantErr  *wireErr
	}{
		{name: "user default 12h", p: alice, wantLife: 43200 * time.Second},
		{name: "user 900", p: alice, in: sts.GetSessionTokenInput{DurationSeconds: ptr[int32](900)}, wantLife: 900 * time.Second},
		{name: "user 36h", p: alice, in: sts.GetSessionTokenInput{DurationSeconds: ptr[int32](129600)}, wantLife: 129600 * time.Second},
		// "Sessions for AWS account owners are restricted to a maximum of
		// 3,600 seconds (one hour). If the duration is longer than one hour,
		// the session for AWS account owners defaults to one hour."
		// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
		{name: "root default capped", p: root, wantLife: time.Hour},
		{name: "root 2h capped", p: root, in: sts.GetSessionTokenInput{DurationSeconds: ptr[int32](7200)}, wantLife: time.Hour},
		{name: "root 20m", p: root, in: sts.GetSessionTokenInput{DurationSeconds: ptr[int32](1200)}, wantLife: 20 * time.Minute},
		{name: "too short", p: alice, in: sts.GetSessionTokenInput{DurationSeconds: ptr[int32](899)},
			wantErr: &wireErr{"ValidationError", 400, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"}},
		{name: "too long", p: alice, in: sts.GetSessionTokenInput{DurationSeconds: ptr[int32](129601)},
			wantErr: &wireErr{"ValidationError", 400, "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600"}},
		{name: "role session refused", p: devSession,
			wantErr: &wireErr{"AccessDenied", 403, "Cannot call GetSessionToken with session credentials"}},
		{name: "user session refused", p: aliceSession,
			wantErr: &wireErr{"AccessDenied", 403, "Cannot call GetSessionToken with session credentials"}},
		{name: "mfa code refused", p: alice, in: sts.GetSessionTokenInput{SerialNumber: ptr("arn:aws:iam::123456789012:mfa/alice"), TokenCode: ptr("123456")},
			wantErr: &wireErr{"AccessDenied", 403, "MultiFactorAuthentication failed with invalid MFA one time pass code."}},
		{name: "bad token code", p: alice, in: sts.GetSessionTokenInput{SerialNumber: ptr("arn:aws:iam::123456789012:mfa/alice"), TokenCode: ptr("12ab56")},
			wantErr: &wireErr{"ValidationError", 400, `1 validation error detected: Value '12ab56' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\d]*`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureOn(t, base)
			out, err := f.svc.GetSessionToken(context.Background(), call(tt.p), &tt.in)
			if diff := cmp.Diff(tt.wantErr, asWire(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				if n := f.store.count(); n != 0 {
					t.Errorf("a failed call stored %d sessions", n)
				}
				return
			}
			c := out.Credentials
			if !strings.HasPrefix(c.AccessKeyId, "ASIA") || len(c.AccessKeyId) != 20 {
				t.Errorf("AccessKeyId = %q, want ASIA + 16", c.AccessKeyId)
			}
			if got := c.Expiration.Sub(t0); got != tt.wantLife {
				t.Errorf("lifetime = %v, want %v", got, tt.wantLife)
			}
			s := f.store.session(c.AccessKeyId)
			if s.AccessKeyID == "" {
				t.Fatal("session not stored")
			}
			want := model.Session{AccountID: acct, Kind: model.SessionUser, AccessKeyID: c.AccessKeyId,
				SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, IssuedAt: t0, Expiration: c.Expiration}
			if tt.p.Type == model.PrincipalIAMUser {
				want.UserName, want.UserID = "alice", alice.ID
			}
			if diff := cmp.Diff(want, s); diff != "" {
				t.Errorf("stored session (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuthorizeAssumeRole(t *testing.T) {
	t.Parallel()
	base := newFixture(t).store
	trust := target.AssumeRolePolicyDocument
	chk := func(action string, ctx map[string][]string) op.Check {
		return op.Check{Action: action, Resource: target.ARN, Context: ctx, ResourcePolicy: trust, ResourceOwner: acct}
	}
	tests := []struct {
		name    string
		p       *model.Principal
		in      sts.AssumeRoleInput
		want    []op.Check
		wantErr *wireErr
	}{
		{
			name: "plain",
			p:    alice,
			in:   sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s" + "1"},
			want: []op.Check{chk("sts:AssumeRole", map[string][]string{"sts:RoleSessionName": {"s1"}})},
		},
		{
			name: "tags, external id and source identity add TagSession and SetSourceIdentity",
			p:    alice,
			in: sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", ExternalId: ptr("ext-1"),
				SourceIdentity: ptr("alice"), Tags: []sts.Tag{{"team", "ml"}, {"cost", "42"}}, TransitiveTagKeys: []string{"team"}},
			want: func() []op.Check {
				ctx := map[string][]string{
					"sts:RoleSessionName": {"s1"}, "sts:ExternalId": {"ext-1"}, "sts:SourceIdentity": {"alice"},
					"aws:RequestTag/team": {"ml"}, "aws:RequestTag/cost": {"42"}, "aws:TagKeys": {"team", "cost"},
					"sts:TransitiveTagKeys": {"team"},
				}
				return []op.Check{chk("sts:AssumeRole", ctx), chk("sts:TagSession", ctx), chk("sts:SetSourceIdentity", ctx)}
			}(),
		},
		{
			// "In a chained AssumeRole both the aws:SourceIdentity and
			// sts:SourceIdentity keys are present in the request context."
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
			name: "chained call carries the inherited source identity",
			p:    devSession,
			in:   sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s2"},
			want: []op.Check{chk("sts:AssumeRole", map[string][]string{"sts:RoleSessionName": {"s2"}, "sts:SourceIdentity": {"alice"}})},
		},
		{
			// AWS answers AccessDenied for a role that does not exist.
			name:    "unknown role",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/nope", RoleSessionName: "s1"},
			wantErr: &wireErr{"AccessDenied", 403, "User: arn:aws:iam::123456789012:user/team/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/nope"},
		},
		{
			name:    "wrong path",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/target", RoleSessionName: "s1"},
			wantErr: &wireErr{"AccessDenied", 403, "User: arn:aws:iam::123456789012:user/team/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/target"},
		},
		{
			name:    "other account's role",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: "arn:aws:iam::210987654321:role/svc/target", RoleSessionName: "s1"},
			wantErr: &wireErr{"AccessDenied", 403, "User: arn:aws:iam::123456789012:user/team/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/svc/target"},
		},
		{
			name:    "not a role ARN",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:user/alice", RoleSessionName: "s1"},
			wantErr: &wireErr{"AccessDenied", 403, "User: arn:aws:iam::123456789012:user/team/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:user/alice"},
		},
		// Responses AWS gives for RoleArn values that are not ARNs.
		{name: "not an ARN", p: alice, in: sts.AssumeRoleInput{RoleArn: "nothing-valid-in-here", RoleSessionName: "s1"},
			wantErr: &wireErr{"ValidationError", 400, "nothing-valid-in-here is invalid"}},
		{name: "ARN without partition", p: alice, in: sts.AssumeRoleInput{RoleArn: "arn::b:::something/test-role", RoleSessionName: "s1"},
			wantErr: &wireErr{"ValidationError", 400, "arn::b:::something/test-role is invalid"}},
		{name: "ARN without service", p: alice, in: sts.AssumeRoleInput{RoleArn: "arn:a::::something/test-role", RoleSessionName: "s1"},
			wantErr: &wireErr{"ValidationError", 400, "arn:a::::something/test-role is invalid"}},
		{name: "ARN with too few colons", p: alice, in: sts.AssumeRoleInput{RoleArn: "arn:a:::something/test-role", RoleSessionName: "s1"},
			wantErr: &wireErr{"ValidationError", 400, "arn:a:::something/test-role is invalid"}},
		{name: "ARN without resource", p: alice, in: sts.AssumeRoleInput{RoleArn: "arn:a:a::aaaaaaaaaa:", RoleSessionName: "s1"},
			wantErr: &wireErr{"ValidationError", 400, "arn:a:a::aaaaaaaaaa: is invalid"}},
		{
			name:    "short ARN",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: "arn:aws:iam::1:role", RoleSessionName: "s1"},
			wantErr: &wireErr{"ValidationError", 400, "1 validation error detected: Value 'arn:aws:iam::1:role' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		},
		{
			name:    "session name too short",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s"},
			wantErr: &wireErr{"ValidationError", 400, "1 validation error detected: Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		},
		{
			name:    "session name too long",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: strings.Repeat("a", 65)},
			wantErr: &wireErr{"ValidationError", 400, "1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		},
		{
			name:    "session name pattern",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "my session"},
			wantErr: &wireErr{"ValidationError", 400, `1 validation error detected: Value 'my session' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		},
		{
			name: "two violations",
			p:    alice,
			in:   sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "x", DurationSeconds: ptr[int32](43201)},
			wantErr: &wireErr{"ValidationError", 400, "2 validation errors detected: " +
				"Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
				"Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		},
		{
			name:    "duration too short",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", DurationSeconds: ptr[int32](100)},
			wantErr: &wireErr{"ValidationError", 400, "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		},
		{
			// "You cannot use a value that begins with the text aws:" — the
			// pattern already excludes ':'.
			name:    "source identity with aws: prefix",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", SourceIdentity: ptr("aws:me")},
			wantErr: &wireErr{"ValidationError", 400, `1 validation error detected: Value 'aws:me' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		},
		{
			name:    "external id too short",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", ExternalId: ptr("x")},
			wantErr: &wireErr{"ValidationError", 400, "1 validation error detected: Value 'x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		},
		{
			name:    "tag key pattern",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", Tags: []sts.Tag{{"a", "1"}, {"b*", "2"}}},
			wantErr: &wireErr{"ValidationError", 400, `1 validation error detected: Value 'b*' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
		},
		{
			name:    "duplicate tag keys differ in case",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", Tags: []sts.Tag{{"Team", "1"}, {"team", "2"}}},
			wantErr: &wireErr{"InvalidParameterValue", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		},
		{
			name:    "transitive key without tag",
			p:       alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", Tags: []sts.Tag{{"team", "1"}}, TransitiveTagKeys: []string{"cost"}},
			wantErr: &wireErr{"InvalidParameterValue", 400, "The specified transitive tag key must be included in the requested tags."},
		},
		{
			name: "eleven policy ARNs",
			p:    alice,
			in: sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", PolicyArns: func() []sts.PolicyDescriptorType {
				var l []sts.PolicyDescriptorType
				for range 11 {
					l = append(l, sts.PolicyDescriptorType{Arn: ptr("arn:aws:iam::aws:policy/ReadOnlyAccess")})
				}
				return l
			}()},
			wantErr: &wireErr{"ValidationError", 400, "1 validation error detected: Value '[11 items]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureOn(t, base)
			got, err := f.svc.AuthorizeAssumeRole(context.Background(), call(tt.p), &tt.in)
			if diff := cmp.Diff(tt.wantErr, asWire(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAssumeRole(t *testing.T) {
	t.Parallel()
	base := newFixture(t).store
	longPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/` + strings.Repeat("x", 1900) + `"}]}`
	tests := []struct {
		name     string
		p        *model.Principal
		in       sts.AssumeRoleInput
		wantLife time.Duration
		// wantSession is compared with the stored session after the
		// credentials are filled in.
		wantSession model.Session
		wantPacked  bool
		wantErr     *wireErr
	}{
		{
			name: "default one hour", p: alice,
			in:          sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1"},
			wantLife:    time.Hour,
			wantSession: model.Session{SessionName: "s1"},
		},
		{
			name: "up to the role's maximum", p: alice,
			in:          sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", DurationSeconds: ptr[int32](7200)},
			wantLife:    2 * time.Hour,
			wantSession: model.Session{SessionName: "s1"},
		},
		{
			name: "beyond the role's maximum", p: alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", DurationSeconds: ptr[int32](7201)},
			wantErr: &wireErr{"ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		},
		{
			// "Role chaining limits your AWS CLI or AWS API role session to a
			// maximum of one hour."
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
			name: "chaining beyond one hour", p: devSession,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s2", DurationSeconds: ptr[int32](3601)},
			wantErr: &wireErr{"ValidationError", 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."},
		},
		{
			// AssumeRole with GetSessionToken credentials is capped at one
			// hour too, with the same message (AWS treats it as chaining).
			name: "GetSessionToken credentials beyond one hour", p: aliceSession,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s2", DurationSeconds: ptr[int32](3601)},
			wantErr: &wireErr{"ValidationError", 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."},
		},
		{
			name: "GetSessionToken credentials, one hour", p: aliceSession,
			in:          sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s2", DurationSeconds: ptr[int32](3600)},
			wantLife:    time.Hour,
			wantSession: model.Session{SessionName: "s2"},
		},
		{
			// The source identity "persists when a role is used to assume
			// another role"; transitive tags pass to the chained session.
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_role-chaining
			name: "chaining inherits source identity and transitive tags", p: devSession,
			in:       sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s2", Tags: []sts.Tag{{"cost", "7"}}},
			wantLife: time.Hour,
			wantSession: model.Session{SessionName: "s2", SourceIdentity: "alice", OriginARN: devSession.ARN,
				Tags: []model.Tag{{Key: "cost", Value: "7"}, {Key: "team", Value: "ml"}}, TransitiveTagKeys: []string{"team"}},
			wantPacked: true,
		},
		{
			name: "chaining with the same source identity", p: devSession,
			in:          sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s2", SourceIdentity: ptr("alice")},
			wantLife:    time.Hour,
			wantSession: model.Session{SessionName: "s2", SourceIdentity: "alice", OriginARN: devSession.ARN, Tags: []model.Tag{{Key: "team", Value: "ml"}}, TransitiveTagKeys: []string{"team"}},
		},
		{
			// "The value that is set cannot be changed during the role
			// session"; a different value is denied.
			name: "chaining cannot change the source identity", p: devSession,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s2", SourceIdentity: ptr("bob")},
			wantErr: &wireErr{"AccessDenied", 403, "User: arn:aws:sts::123456789012:assumed-role/dev/s1 is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::123456789012:role/svc/target because the source identity of a role session cannot be changed"},
		},
		{
			name: "chaining cannot override a transitive tag", p: devSession,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s2", Tags: []sts.Tag{{"TEAM", "other"}}},
			wantErr: &wireErr{"InvalidParameterValue", 400, "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."},
		},
		{
			name: "source identity and transitive tags set", p: alice,
			in: sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", SourceIdentity: ptr("alice"),
				Tags: []sts.Tag{{"team", "ml"}, {"cost", "1"}}, TransitiveTagKeys: []string{"TEAM"}},
			wantLife: time.Hour,
			wantSession: model.Session{SessionName: "s1", SourceIdentity: "alice",
				Tags: []model.Tag{{Key: "cost", Value: "1"}, {Key: "team", Value: "ml"}}, TransitiveTagKeys: []string{"team"}},
			wantPacked: true,
		},
		{
			name: "session policies", p: alice,
			in: sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1",
				Policy:     ptr(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`),
				PolicyArns: []sts.PolicyDescriptorType{{Arn: ptr("arn:aws:iam::aws:policy/ReadOnlyAccess")}}},
			wantLife: time.Hour,
			wantSession: model.Session{SessionName: "s1",
				Policy:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
				PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
			wantPacked: true,
		},
		{
			name: "malformed session policy", p: alice,
			in:      sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", Policy: ptr(`{"Version":`)},
			wantErr: &wireErr{"MalformedPolicyDocument", 400, "The policy is not in the valid JSON format."},
		},
		{
			name: "unknown managed session policy", p: alice,
			in: sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1",
				PolicyArns: []sts.PolicyDescriptorType{{Arn: ptr("arn:aws:iam::123456789012:policy/nope")}}},
			wantErr: &wireErr{"ValidationError", 400, "The policy arn:aws:iam::123456789012:policy/nope does not exist or is not attachable."},
		},
		{
			name: "session policy too large when packed", p: alice,
			in: sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", Tags: func() []sts.Tag {
				// Incompressible tag values: 50 × 256 pseudo-random runes.
				r := rand.New(rand.NewPCG(1, 2))
				var tags []sts.Tag
				for i := range 50 {
					var b strings.Builder
					for range 256 {
						b.WriteByte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[r.IntN(62)])
					}
					tags = append(tags, sts.Tag{Key: "k" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Value: b.String()})
				}
				return tags
			}()},
			wantErr: &wireErr{"PackedPolicyTooLarge", 400, ""},
		},
		{
			name: "a 2,048-character policy fits", p: alice,
			in:          sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1", Policy: ptr(longPolicy[:0] + longPolicy)},
			wantLife:    time.Hour,
			wantSession: model.Session{SessionName: "s1", Policy: longPolicy},
			wantPacked:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureOn(t, base)
			out, err := f.svc.AssumeRole(context.Background(), call(tt.p), &tt.in)
			got := asWire(err)
			if tt.wantErr != nil && tt.wantErr.Msg == "" && got != nil {
				got.Msg = ""
			}
			if diff := cmp.Diff(tt.wantErr, got); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				if n := f.store.count(); n != 0 {
					t.Errorf("a failed call stored %d sessions", n)
				}
				return
			}
			c := out.Credentials
			if got := c.Expiration.Sub(t0); got != tt.wantLife {
				t.Errorf("lifetime = %v, want %v", got, tt.wantLife)
			}
			wantUser := sts.AssumedRoleUser{AssumedRoleId: "AROATARGETTARGETTARG:" + tt.in.RoleSessionName,
				Arn: "arn:aws:sts::123456789012:assumed-role/target/" + tt.in.RoleSessionName}
			if diff := cmp.Diff(wantUser, *out.AssumedRoleUser); diff != "" {
				t.Errorf("AssumedRoleUser (-want +got):\n%s", diff)
			}
			if (out.PackedPolicySize != nil) != tt.wantPacked {
				t.Errorf("PackedPolicySize = %v, want set = %v", out.PackedPolicySize, tt.wantPacked)
			}
			if out.PackedPolicySize != nil && (*out.PackedPolicySize < 1 || *out.PackedPolicySize > 100) {
				t.Errorf("PackedPolicySize = %d, want 1..100", *out.PackedPolicySize)
			}
			if si := tt.wantSession.SourceIdentity; (si != "") != (out.SourceIdentity != nil) || (si != "" && *out.SourceIdentity != si) {
				t.Errorf("SourceIdentity = %v, want %q", out.SourceIdentity, si)
			}
			want := tt.wantSession
			want.AccountID, want.Kind = acct, model.SessionAssumedRole
			want.RoleARN, want.RoleID, want.RoleName = target.ARN, target.RoleID, target.RoleName
			want.AccessKeyID, want.SecretAccessKey, want.SessionToken = c.AccessKeyId, c.SecretAccessKey, c.SessionToken
			want.IssuedAt, want.Expiration = t0, t0.Add(tt.wantLife)
			if diff := cmp.Diff(want, f.store.session(c.AccessKeyId)); diff != "" {
				t.Errorf("stored session (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCredentialsAreUnique checks that every session gets its own access
// key, secret and opaque token.
func TestCredentialsAreUnique(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	seen := map[string]bool{}
	for range 20 {
		out, err := f.svc.AssumeRole(context.Background(), call(alice), &sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1"})
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials
		for _, v := range []string{c.AccessKeyId, string(c.SecretAccessKey), string(c.SessionToken)} {
			if seen[v] {
				t.Fatalf("credential value repeated: %q", v)
			}
			seen[v] = true
		}
		if strings.Contains(string(c.SessionToken), "target") || len(c.SessionToken) < 100 {
			t.Errorf("session token %q is not an opaque random string", c.SessionToken)
		}
	}
}

func TestAssumeRoleAsService(t *testing.T) {
	t.Parallel()
	base := newFixture(t).store
	type evalCall struct {
		Service, Action, Role string
		Keys                  map[string][]string
	}
	tests := []struct {
		name      string
		req       sts.ServiceSession
		allow     map[string]bool // action -> allowed
		wantCalls []evalCall
		wantErr   *wireErr
	}{
		{
			name:  "trusted with source identity",
			req:   sts.ServiceSession{Service: "sagemaker.amazonaws.com", RoleARN: target.ARN, SessionName: "SageMaker", SourceIdentity: "alice"},
			allow: map[string]bool{"sts:AssumeRole": true, "sts:SetSourceIdentity": true},
			wantCalls: []evalCall{
				{"sagemaker.amazonaws.com", "sts:AssumeRole", target.ARN, map[string][]string{"sts:RoleSessionName": {"SageMaker"}, "sts:SourceIdentity": {"alice"}}},
				{"sagemaker.amazonaws.com", "sts:SetSourceIdentity", target.ARN, map[string][]string{"sts:RoleSessionName": {"SageMaker"}, "sts:SourceIdentity": {"alice"}}},
			},
		},
		{
			// "Any role that the Studio domain's execution role assumes must
			// have the sts:SetSourceIdentity permission in the trust policy."
			name:  "trust lacks SetSourceIdentity",
			req:   sts.ServiceSession{Service: "sagemaker.amazonaws.com", RoleARN: target.ARN, SessionName: "SageMaker", SourceIdentity: "alice"},
			allow: map[string]bool{"sts:AssumeRole": true},
			wantCalls: []evalCall{
				{"sagemaker.amazonaws.com", "sts:AssumeRole", target.ARN, map[string][]string{"sts:RoleSessionName": {"SageMaker"}, "sts:SourceIdentity": {"alice"}}},
				{"sagemaker.amazonaws.com", "sts:SetSourceIdentity", target.ARN, map[string][]string{"sts:RoleSessionName": {"SageMaker"}, "sts:SourceIdentity": {"alice"}}},
			},
			wantErr: &wireErr{"AccessDenied", 403, "User: sagemaker.amazonaws.com is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::123456789012:role/svc/target"},
		},
		{
			name:  "untrusted service",
			req:   sts.ServiceSession{Service: "sagemaker.amazonaws.com", RoleARN: target.ARN, SessionName: "SageMaker"},
			allow: map[string]bool{},
			wantCalls: []evalCall{
				{"sagemaker.amazonaws.com", "sts:AssumeRole", target.ARN, map[string][]string{"sts:RoleSessionName": {"SageMaker"}}},
			},
			wantErr: &wireErr{"AccessDenied", 403, "User: sagemaker.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/svc/target"},
		},
		{
			name:    "unknown role",
			req:     sts.ServiceSession{Service: "sagemaker.amazonaws.com", RoleARN: "arn:aws:iam::123456789012:role/none", SessionName: "SageMaker"},
			wantErr: &wireErr{"AccessDenied", 403, "User: sagemaker.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/none"},
		},
		{
			name:    "bad session name",
			req:     sts.ServiceSession{Service: "sagemaker.amazonaws.com", RoleARN: target.ARN, SessionName: "a b"},
			wantErr: &wireErr{"ValidationError", 400, `1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		},
		{
			name:  "duration beyond the role's maximum",
			req:   sts.ServiceSession{Service: "sagemaker.amazonaws.com", RoleARN: target.ARN, SessionName: "SageMaker", Duration: 3 * time.Hour},
			allow: map[string]bool{"sts:AssumeRole": true},
			wantCalls: []evalCall{
				{"sagemaker.amazonaws.com", "sts:AssumeRole", target.ARN, map[string][]string{"sts:RoleSessionName": {"SageMaker"}}},
			},
			wantErr: &wireErr{"ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls []evalCall
			f := newFixtureOn(t, base)
			svc := sts.New(sts.Options{
				Store: f.store,
				Now:   func() time.Time { return t0 },
				Trust: sts.ServiceTrustFunc(func(_ context.Context, trust, service, action, role string, keys map[string][]string) (bool, error) {
					if trust != target.AssumeRolePolicyDocument {
						return false, errors.New("wrong trust policy")
					}
					calls = append(calls, evalCall{service, action, role, keys})
					return tt.allow[action], nil
				}),
			})
			got, err := svc.AssumeRoleAsService(context.Background(), tt.req)
			if diff := cmp.Diff(tt.wantErr, asWire(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCalls, calls); diff != "" {
				t.Errorf("trust evaluations (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			s := f.store.session(got.Credentials.AccessKeyId)
			if s.SourceIdentity != tt.req.SourceIdentity || s.SessionName != tt.req.SessionName || s.RoleARN != target.ARN {
				t.Errorf("stored session = %+v", s)
			}
			if got.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/target/SageMaker" {
				t.Errorf("Arn = %q", got.AssumedRoleUser.Arn)
			}
			if got.Credentials.Expiration != t0.Add(time.Hour) {
				t.Errorf("Expiration = %v", got.Credentials.Expiration)
			}
		})
	}
}

func TestMapperStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		code string
		st   int
	}{
		{&sts.ValidationError{Msg: "m"}, "ValidationError", http.StatusBadRequest},
		{&sts.InvalidParameterError{Msg: "m"}, "InvalidParameterValue", http.StatusBadRequest},
		{&sts.AccessDeniedError{Caller: "c", Action: "a", Resource: "r"}, "AccessDenied", http.StatusForbidden},
		{&sts.PackedPolicyTooLargeError{Percent: 120}, "PackedPolicyTooLarge", http.StatusBadRequest},
		{sts.ErrSessionCredentials, "AccessDenied", http.StatusForbidden},
		{sts.ErrMFA, "AccessDenied", http.StatusForbidden},
		{sts.ErrRootAssumeRole, "AccessDenied", http.StatusForbidden},
		{sts.ErrMalformedPolicy, "MalformedPolicyDocument", http.StatusBadRequest},
		{errors.New("other"), "InternalFailure", http.StatusInternalServerError},
	}
	for _, tt := range tests {
		e := wire(tt.err)
		if e.Code != tt.code || e.HTTPStatus != tt.st {
			t.Errorf("%v -> %s %d, want %s %d", tt.err, e.Code, e.HTTPStatus, tt.code, tt.st)
		}
	}
}

// TestRoleLastUsed checks that assuming a role records RoleLastUsed (date
// and region), at most once an hour per region.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html
func TestRoleLastUsed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	steps := []struct {
		at     time.Time
		region string
		want   model.RoleLastUsed
	}{
		{t0, "us-east-1", model.RoleLastUsed{LastUsedDate: t0, Region: "us-east-1"}},
		{t0.Add(30 * time.Minute), "us-east-1", model.RoleLastUsed{LastUsedDate: t0, Region: "us-east-1"}},
		{t0.Add(40 * time.Minute), "eu-west-1", model.RoleLastUsed{LastUsedDate: t0.Add(40 * time.Minute), Region: "eu-west-1"}},
		{t0.Add(3 * time.Hour), "eu-west-1", model.RoleLastUsed{LastUsedDate: t0.Add(3 * time.Hour), Region: "eu-west-1"}},
	}
	for i, st := range steps {
		c := call(alice)
		c.Now, c.Region = st.at, st.region
		if _, err := f.svc.AssumeRole(context.Background(), c, &sts.AssumeRoleInput{RoleArn: target.ARN, RoleSessionName: "s1"}); err != nil {
			t.Fatal(err)
		}
		var got model.RoleLastUsed
		if err := f.store.View(context.Background(), func(ctx context.Context, tx store.ReadTx) error {
			r, err := tx.GetRole(ctx, acct, "target")
			got = r.RoleLastUsed
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("step %d: RoleLastUsed (-want +got):\n%s", i, diff)
		}
	}
}
