package principal_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/policy"
	"abacus/internal/principal"
	"abacus/internal/sigv4"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

const acct = model.AccountID("123456789012")

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func allow(actions ...string) string {
	q := ""
	for i, a := range actions {
		if i > 0 {
			q += ","
		}
		q += `"` + a + `"`
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` + q + `],"Resource":"*"}]}`
}

type world struct {
	st  *sqlite.Store
	res *principal.Resolver
}

func update(t testing.TB, st *sqlite.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func user(name string) model.User {
	return model.User{UserName: name, UserID: "AIDA" + fmt.Sprintf("%-17s", name)[:17], Path: "/",
		ARN: "arn:aws:iam::123456789012:user/" + name, CreateDate: t0}
}

func group(name string) model.Group {
	return model.Group{GroupName: name, GroupID: "AGPA" + name, Path: "/", ARN: "arn:aws:iam::123456789012:group/" + name, CreateDate: t0}
}

func managed(name string) model.ManagedPolicy {
	return model.ManagedPolicy{PolicyName: name, PolicyID: "ANPA" + name, Path: "/",
		ARN: "arn:aws:iam::123456789012:policy/" + name, CreateDate: t0, UpdateDate: t0}
}

// newWorld builds: alice in ML-Team (managed SageMaker-Policy) and Readers
// (inline read policy), with an inline user policy and a boundary; bob in
// Readers; role dev (tags team=platform, Env=prod) with an inline policy;
// keys for alice (active and inactive), bob and the root; sessions.
func newWorld(t testing.TB) *world {
	t.Helper()
	return newWorldWith(t, sqlite.Options{InMemory: true})
}

func newWorldWith(t testing.TB, opts sqlite.Options) *world {
	t.Helper()
	st, err := sqlite.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	update(t, st, func(ctx context.Context, tx store.Tx) error {
		alice := user("alice")
		alice.Tags = []model.Tag{{Key: "team", Value: "ml"}}
		alice.PermissionsBoundary = "arn:aws:iam::123456789012:policy/Boundary"
		must(tx.CreateUser(ctx, acct, alice))
		must(tx.CreateUser(ctx, acct, user("bob")))
		must(tx.CreateUser(ctx, acct, user("carol")))
		for _, g := range []string{"ML-Team", "Readers", "Other"} {
			must(tx.CreateGroup(ctx, acct, group(g)))
		}
		must(tx.AddUserToGroup(ctx, acct, "ML-Team", "alice"))
		must(tx.AddUserToGroup(ctx, acct, "Readers", "alice"))
		must(tx.AddUserToGroup(ctx, acct, "Readers", "bob"))
		must(tx.AddUserToGroup(ctx, acct, "Other", "carol"))
		_, err := tx.CreatePolicy(ctx, acct, managed("SageMaker-Policy"), allow("sagemaker:CreateNotebookInstance", "sagemaker:DescribeNotebookInstance"))
		must(err)
		_, err = tx.CreatePolicy(ctx, acct, managed("Boundary"), allow("sagemaker:*", "s3:*", "sts:*"))
		must(err)
		_, err = tx.CreatePolicy(ctx, acct, managed("Unrelated"), allow("ec2:*"))
		must(err)
		must(tx.AttachPolicy(ctx, acct, model.EntityGroup, "ML-Team", "arn:aws:iam::123456789012:policy/SageMaker-Policy"))
		must(tx.AttachPolicy(ctx, acct, model.EntityGroup, "Other", "arn:aws:iam::123456789012:policy/Unrelated"))
		must(tx.PutInlinePolicy(ctx, acct, model.EntityGroup, "Readers", model.InlinePolicy{PolicyName: "read", Document: allow("s3:GetObject")}))
		must(tx.PutInlinePolicy(ctx, acct, model.EntityUser, "alice", model.InlinePolicy{PolicyName: "own", Document: allow("s3:PutObject", "ec2:RunInstances")}))
		must(tx.CreateRole(ctx, acct, model.Role{RoleName: "dev", RoleID: "AROADEVDEVDEVDEVDEVD", Path: "/",
			ARN: "arn:aws:iam::123456789012:role/dev", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[]}`,
			MaxSessionDuration: 3600, Tags: []model.Tag{{Key: "team", Value: "platform"}, {Key: "Env", Value: "prod"}}, CreateDate: t0}))
		must(tx.PutInlinePolicy(ctx, acct, model.EntityRole, "dev", model.InlinePolicy{PolicyName: "dev", Document: allow("s3:*", "sagemaker:*")}))
		for _, k := range []model.AccessKey{
			{AccessKeyID: "AKIAALICE00000000001", UserName: "alice", SecretAccessKey: "alice-secret", Status: model.AccessKeyActive, CreateDate: t0},
			{AccessKeyID: "AKIAALICE00000000002", UserName: "alice", SecretAccessKey: "old-secret", Status: model.AccessKeyInactive, CreateDate: t0},
			{AccessKeyID: "AKIABOB0000000000001", UserName: "bob", SecretAccessKey: "bob-secret", Status: model.AccessKeyActive, CreateDate: t0},
			{AccessKeyID: "AKIAROOTSTORED000001", SecretAccessKey: "root-stored", Status: model.AccessKeyActive, CreateDate: t0},
		} {
			must(tx.CreateAccessKey(ctx, acct, k))
		}
		for _, s := range []model.Session{
			{Kind: model.SessionAssumedRole, AccessKeyID: "ASIADEV0000000000001", SecretAccessKey: "dev-secret", SessionToken: "dev-token",
				IssuedAt: t0, Expiration: t0.Add(time.Hour), RoleARN: "arn:aws:iam::123456789012:role/dev", RoleID: "AROADEVDEVDEVDEVDEVD",
				RoleName: "dev", SessionName: "alice-s", SourceIdentity: "alice",
				Tags: []model.Tag{{Key: "env", Value: "dev"}, {Key: "cost", Value: "7"}}, TransitiveTagKeys: []string{"cost"},
				Policy: allow("s3:GetObject"), PolicyARNs: []string{"arn:aws:iam::123456789012:policy/SageMaker-Policy"},
				ContextKeys: map[string][]string{"sagemaker:DomainId": {"d-1"}}},
			{Kind: model.SessionAssumedRole, AccessKeyID: "ASIADEV0000000000002", SecretAccessKey: "dev2-secret", SessionToken: "dev2-token",
				IssuedAt: t0, Expiration: t0.Add(time.Hour), RoleARN: "arn:aws:iam::123456789012:role/dev", RoleID: "AROADEVDEVDEVDEVDEVD",
				RoleName: "dev", SessionName: "chained", OriginARN: "arn:aws:sts::123456789012:assumed-role/dev/alice-s"},
			{Kind: model.SessionUser, AccessKeyID: "ASIAALICE00000000001", SecretAccessKey: "gst-secret", SessionToken: "gst-token",
				IssuedAt: t0, Expiration: t0.Add(12 * time.Hour), UserName: "alice", UserID: user("alice").UserID},
			{Kind: model.SessionUser, AccessKeyID: "ASIAROOT000000000001", SecretAccessKey: "rs-secret", SessionToken: "rs-token",
				IssuedAt: t0, Expiration: t0.Add(time.Hour)},
			{Kind: model.SessionUser, AccessKeyID: "ASIAEXPIRED000000001", SecretAccessKey: "x-secret", SessionToken: "x-token",
				IssuedAt: t0.Add(-2 * time.Hour), Expiration: t0.Add(-time.Hour), UserName: "bob", UserID: user("bob").UserID},
		} {
			must(tx.PutSession(ctx, acct, s))
		}
		return nil
	})
	res := principal.New(principal.Options{Store: st, Roots: []principal.RootKey{{Account: acct, AccessKeyID: "AKIAROOTCONFIG000001", Secret: "root-secret"}}})
	t.Cleanup(res.Close)
	return &world{st: st, res: res}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	aliceID := user("alice").UserID
	tests := []struct {
		name    string
		id      string
		want    principal.Credential
		wantErr error
	}{
		{
			name: "configured root key", id: "AKIAROOTCONFIG000001",
			want: principal.Credential{AccessKeyID: "AKIAROOTCONFIG000001", Secret: "root-secret",
				Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: "123456789012", AccessKeyID: "AKIAROOTCONFIG000001"}},
		},
		{
			name: "stored root key", id: "AKIAROOTSTORED000001",
			want: principal.Credential{AccessKeyID: "AKIAROOTSTORED000001", Secret: "root-stored",
				Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: "123456789012", AccessKeyID: "AKIAROOTSTORED000001"}},
		},
		{
			name: "active user key", id: "AKIAALICE00000000001",
			want: principal.Credential{AccessKeyID: "AKIAALICE00000000001", Secret: "alice-secret",
				Principal: &model.Principal{Type: model.PrincipalIAMUser, AccountID: acct, ARN: "arn:aws:iam::123456789012:user/alice",
					ID: aliceID, UserName: "alice", AccessKeyID: "AKIAALICE00000000001", Tags: map[string]string{"team": "ml"}}},
		},
		{
			// An Inactive key fails like an unknown one: InvalidClientTokenId.
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
			name: "inactive user key", id: "AKIAALICE00000000002", wantErr: sigv4.ErrUnknownAccessKey,
		},
		{name: "unknown key", id: "AKIANOSUCHKEY0000001", wantErr: sigv4.ErrUnknownAccessKey},
		{name: "unknown session", id: "ASIANOSUCHKEY0000001", wantErr: sigv4.ErrUnknownAccessKey},
		{
			name: "GetSessionToken session of a user", id: "ASIAALICE00000000001",
			want: principal.Credential{AccessKeyID: "ASIAALICE00000000001", Secret: "gst-secret", SessionToken: "gst-token", Expires: t0.Add(12 * time.Hour),
				Principal: &model.Principal{Type: model.PrincipalIAMUser, AccountID: acct, ARN: "arn:aws:iam::123456789012:user/alice",
					ID: aliceID, UserName: "alice", AccessKeyID: "ASIAALICE00000000001", Tags: map[string]string{"team": "ml"}, Temporary: true, IssuedAt: t0}},
		},
		{
			name: "GetSessionToken session of the root", id: "ASIAROOT000000000001",
			want: principal.Credential{AccessKeyID: "ASIAROOT000000000001", Secret: "rs-secret", SessionToken: "rs-token", Expires: t0.Add(time.Hour),
				Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: "123456789012",
					AccessKeyID: "ASIAROOT000000000001", Temporary: true, IssuedAt: t0}},
		},
		{
			// Session tags override role tags with the same key regardless of
			// case: "Env=prod" gives way to "env=dev".
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
			name: "role session", id: "ASIADEV0000000000001",
			want: principal.Credential{AccessKeyID: "ASIADEV0000000000001", Secret: "dev-secret", SessionToken: "dev-token", Expires: t0.Add(time.Hour),
				Principal: &model.Principal{Type: model.PrincipalAssumedRole, AccountID: acct,
					ARN: "arn:aws:sts::123456789012:assumed-role/dev/alice-s", ID: "AROADEVDEVDEVDEVDEVD:alice-s", AccessKeyID: "ASIADEV0000000000001",
					Tags: map[string]string{"team": "platform", "env": "dev", "cost": "7"}, Temporary: true, IssuedAt: t0,
					Session: &model.RoleSession{RoleName: "dev", RolePath: "/", RoleARN: "arn:aws:iam::123456789012:role/dev", RoleID: "AROADEVDEVDEVDEVDEVD",
						Name: "alice-s", SourceIdentity: "alice", Expires: t0.Add(time.Hour),
						SessionTags: map[string]string{"env": "dev", "cost": "7"}, TransitiveTagKeys: []string{"cost"},
						PolicyDocument: allow("s3:GetObject"), PolicyARNs: []string{"arn:aws:iam::123456789012:policy/SageMaker-Policy"},
						ContextKeys: map[string][]string{"sagemaker:DomainId": {"d-1"}}}}},
		},
		{
			name: "chained role session", id: "ASIADEV0000000000002",
			want: principal.Credential{AccessKeyID: "ASIADEV0000000000002", Secret: "dev2-secret", SessionToken: "dev2-token", Expires: t0.Add(time.Hour),
				Principal: &model.Principal{Type: model.PrincipalAssumedRole, AccountID: acct,
					ARN: "arn:aws:sts::123456789012:assumed-role/dev/chained", ID: "AROADEVDEVDEVDEVDEVD:chained", AccessKeyID: "ASIADEV0000000000002",
					Tags: map[string]string{"team": "platform", "Env": "prod"}, Temporary: true, IssuedAt: t0,
					Session: &model.RoleSession{RoleName: "dev", RolePath: "/", RoleARN: "arn:aws:iam::123456789012:role/dev", RoleID: "AROADEVDEVDEVDEVDEVD",
						Name: "chained", Expires: t0.Add(time.Hour), Chained: true}}},
		},
		{
			// Expired sessions still resolve, with their expiry, so that
			// sigv4 answers ExpiredToken ("The security token included in
			// the request is expired").
			name: "expired session", id: "ASIAEXPIRED000000001",
			want: principal.Credential{AccessKeyID: "ASIAEXPIRED000000001", Secret: "x-secret", SessionToken: "x-token", Expires: t0.Add(-time.Hour),
				Principal: &model.Principal{Type: model.PrincipalIAMUser, AccountID: acct, ARN: "arn:aws:iam::123456789012:user/bob",
					ID: user("bob").UserID, UserName: "bob", AccessKeyID: "ASIAEXPIRED000000001", Temporary: true, IssuedAt: t0.Add(-2 * time.Hour)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := w.res.Resolve(context.Background(), tt.id)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Resolve = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLookupCredential(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c, err := w.res.LookupCredential(context.Background(), "ASIADEV0000000000001")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := c.Principal.(*model.Principal)
	if !ok || p.ARN != "arn:aws:sts::123456789012:assumed-role/dev/alice-s" {
		t.Errorf("Principal = %#v", c.Principal)
	}
	if c.Secret.Reveal() != "dev-secret" || c.SessionToken != "dev-token" || !c.Expires.Equal(t0.Add(time.Hour)) {
		t.Errorf("credential = %v %q %v", c.Secret.Reveal(), c.SessionToken, c.Expires)
	}
	if _, err := w.res.LookupCredential(context.Background(), "AKIANOSUCHKEY0000001"); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Errorf("unknown key: %v", err)
	}
}

// TestKeyChangesTakeEffectImmediately deactivates, reactivates and deletes
// a key and resolves it after each change.
func TestKeyChangesTakeEffectImmediately(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	const id = "AKIABOB0000000000001"
	steps := []struct {
		change func(context.Context, store.Tx) error
		ok     bool
	}{
		{nil, true},
		{func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateAccessKeyStatus(ctx, acct, id, model.AccessKeyInactive)
		}, false},
		{func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateAccessKeyStatus(ctx, acct, id, model.AccessKeyActive)
		}, true},
		{func(ctx context.Context, tx store.Tx) error { return tx.DeleteAccessKey(ctx, acct, id) }, false},
	}
	for i, s := range steps {
		if s.change != nil {
			update(t, w.st, s.change)
		}
		_, err := w.res.Resolve(ctx, id)
		if (err == nil) != s.ok {
			t.Errorf("step %d: Resolve err = %v, want ok = %v", i, err, s.ok)
		}
	}
}

func decide(t *testing.T, sets principal.Sets, p *model.Principal, action string) policy.Decision {
	t.Helper()
	req := &policy.Request{Action: action, Resource: "*", Principal: policy.Caller{ARN: p.ARN, Account: string(p.AccountID)}}
	d := sets.Identity.Decide(req)
	if d == policy.Allowed && sets.Boundary != nil && sets.Boundary.Decide(req) != policy.Allowed {
		d = policy.ImplicitDeny
	}
	if d == policy.Allowed && sets.Session != nil && sets.Session.Decide(req) != policy.Allowed {
		d = policy.ImplicitDeny
	}
	return d
}

func resolve(t *testing.T, w *world, id string) *model.Principal {
	t.Helper()
	c, err := w.res.Resolve(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Principal
}

func TestPolicySets(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tests := []struct {
		key     string
		allowed []string
		denied  []string
	}{
		// alice: ML-Team's managed policy, Readers' inline policy, her own
		// inline policy, capped by her boundary (no ec2).
		{"AKIAALICE00000000001",
			[]string{"sagemaker:CreateNotebookInstance", "sagemaker:DescribeNotebookInstance", "s3:GetObject", "s3:PutObject"},
			[]string{"ec2:RunInstances", "sagemaker:DeleteNotebookInstance", "iam:CreateUser"}},
		// alice's GetSessionToken session has alice's permissions.
		{"ASIAALICE00000000001", []string{"s3:GetObject", "sagemaker:CreateNotebookInstance"}, []string{"ec2:RunInstances"}},
		// bob: Readers only.
		{"AKIABOB0000000000001", []string{"s3:GetObject"}, []string{"s3:PutObject", "sagemaker:CreateNotebookInstance"}},
		// dev session: the role's policy (s3:*, sagemaker:*) intersected
		// with the session policies (s3:GetObject inline, SageMaker-Policy).
		{"ASIADEV0000000000001", []string{"s3:GetObject", "sagemaker:CreateNotebookInstance"}, []string{"s3:PutObject", "sagemaker:DeleteNotebookInstance"}},
		// a session without session policies has the role's permissions.
		{"ASIADEV0000000000002", []string{"s3:PutObject", "sagemaker:DeleteNotebookInstance"}, []string{"ec2:RunInstances"}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			p := resolve(t, w, tt.key)
			sets, err := w.res.PolicySets(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range tt.allowed {
				if d := decide(t, sets, p, a); d != policy.Allowed {
					t.Errorf("%s: %s", a, d)
				}
			}
			for _, a := range tt.denied {
				if d := decide(t, sets, p, a); d == policy.Allowed {
					t.Errorf("%s: %s", a, d)
				}
			}
		})
	}
	root := resolve(t, w, "AKIAROOTCONFIG000001")
	sets, err := w.res.PolicySets(context.Background(), root)
	if err != nil || sets.Identity == nil || sets.Identity.Len() != 0 || sets.Boundary != nil || sets.Session != nil {
		t.Errorf("root sets = %+v, %v; want an empty identity set", sets, err)
	}
}

// TestInvalidation checks that each change rebuilds exactly the principals
// it concerns, before their very next decision, and nothing else.
func TestInvalidation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	alice := resolve(t, w, "AKIAALICE00000000001")
	bob := resolve(t, w, "AKIABOB0000000000001")
	dev := resolve(t, w, "ASIADEV0000000000002")
	warm := func() {
		t.Helper()
		for _, p := range []*model.Principal{alice, bob, dev} {
			if _, err := w.res.PolicySets(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	warm()
	tests := []struct {
		name    string
		change  func(context.Context, store.Tx) error
		rebuilt int // entries rebuilt by warm() after the change
		groups  int // group parts read and compiled again
		check   func(t *testing.T)
	}{
		{
			name: "group policy change reaches the member's next decision",
			change: func(ctx context.Context, tx store.Tx) error {
				return tx.PutInlinePolicy(ctx, acct, model.EntityGroup, "ML-Team", model.InlinePolicy{PolicyName: "more", Document: allow("sagemaker:StopNotebookInstance")})
			},
			rebuilt: 1, // alice only; bob is not in ML-Team
			groups:  1, // ML-Team; Readers is reused
			check: func(t *testing.T) {
				sets, _ := w.res.PolicySets(ctx, alice)
				if d := decide(t, sets, alice, "sagemaker:StopNotebookInstance"); d != policy.Allowed {
					t.Errorf("after the change: %s", d)
				}
			},
		},
		{
			name: "a change to a shared group rebuilds every member",
			change: func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteInlinePolicy(ctx, acct, model.EntityGroup, "Readers", "read")
			},
			rebuilt: 2, // alice and bob
			groups:  1, // Readers, read once for both
			check: func(t *testing.T) {
				sets, _ := w.res.PolicySets(ctx, bob)
				if d := decide(t, sets, bob, "s3:GetObject"); d == policy.Allowed {
					t.Errorf("bob still allowed s3:GetObject")
				}
			},
		},
		{
			name: "a new default policy version rebuilds the principals attached to it",
			change: func(ctx context.Context, tx store.Tx) error {
				_, err := tx.CreatePolicyVersion(ctx, acct, "arn:aws:iam::123456789012:policy/SageMaker-Policy", allow("sagemaker:DescribeNotebookInstance"), true, t0)
				return err
			},
			rebuilt: 1,
			groups:  1, // ML-Team, which attaches the policy
			check: func(t *testing.T) {
				sets, _ := w.res.PolicySets(ctx, alice)
				if d := decide(t, sets, alice, "sagemaker:CreateNotebookInstance"); d == policy.Allowed {
					t.Errorf("alice still allowed CreateNotebookInstance after the new version")
				}
			},
		},
		{
			name: "removal from a group",
			change: func(ctx context.Context, tx store.Tx) error {
				return tx.RemoveUserFromGroup(ctx, acct, "ML-Team", "alice")
			},
			rebuilt: 1,
			check: func(t *testing.T) {
				sets, _ := w.res.PolicySets(ctx, alice)
				if d := decide(t, sets, alice, "sagemaker:DescribeNotebookInstance"); d == policy.Allowed {
					t.Errorf("alice still allowed after leaving ML-Team")
				}
			},
		},
		{
			name: "role policy change",
			change: func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteInlinePolicy(ctx, acct, model.EntityRole, "dev", "dev")
			},
			rebuilt: 1,
			check: func(t *testing.T) {
				sets, _ := w.res.PolicySets(ctx, dev)
				if d := decide(t, sets, dev, "s3:PutObject"); d == policy.Allowed {
					t.Errorf("dev session still allowed")
				}
			},
		},
		{
			name: "unrelated changes rebuild nothing",
			change: func(ctx context.Context, tx store.Tx) error {
				must(tx.PutInlinePolicy(ctx, acct, model.EntityGroup, "Other", model.InlinePolicy{PolicyName: "x", Document: allow("ec2:*")}))
				must(tx.PutInlinePolicy(ctx, acct, model.EntityUser, "carol", model.InlinePolicy{PolicyName: "x", Document: allow("ec2:*")}))
				_, err := tx.CreatePolicyVersion(ctx, acct, "arn:aws:iam::123456789012:policy/Unrelated", allow("ec2:Describe*"), true, t0)
				must(err)
				return tx.UpdateAccessKeyStatus(ctx, acct, "AKIABOB0000000000001", model.AccessKeyInactive)
			},
			rebuilt: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			update(t, w.st, tt.change)
			before := w.res.Stats()
			warm()
			after := w.res.Stats()
			if got := after.Builds - before.Builds; got != uint64(tt.rebuilt) {
				t.Errorf("rebuilt %d entries, want %d", got, tt.rebuilt)
			}
			if got := after.GroupBuilds - before.GroupBuilds; got != uint64(tt.groups) {
				t.Errorf("rebuilt %d groups, want %d", got, tt.groups)
			}
			if tt.check != nil {
				tt.check(t)
			}
		})
	}
}

// TestConcurrentUse runs lookups and changes concurrently, for the race
// detector, and checks that the final state is seen.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	alice := resolve(t, w, "AKIAALICE00000000001")
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 50 {
				if _, err := w.res.PolicySets(ctx, alice); err != nil {
					t.Error(err)
					return
				}
				if _, err := w.res.Resolve(ctx, "ASIADEV0000000000001"); err != nil {
					t.Error(err)
					return
				}
			}
		})
		wg.Go(func() {
			for j := range 10 {
				doc := allow(fmt.Sprintf("sagemaker:Action%d%d", i, j))
				update(t, w.st, func(ctx context.Context, tx store.Tx) error {
					return tx.PutInlinePolicy(ctx, acct, model.EntityGroup, "ML-Team", model.InlinePolicy{PolicyName: fmt.Sprintf("p%d", i), Document: doc})
				})
			}
		})
	}
	wg.Wait()
	sets, err := w.res.PolicySets(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if d := decide(t, sets, alice, fmt.Sprintf("sagemaker:Action%d9", i)); d != policy.Allowed {
			t.Errorf("final state not seen for p%d: %s", i, d)
		}
	}
}

// TestCredentialCache checks that resolved credentials are served from the
// cache and that every change that alters them is seen by the next
// resolution.
func TestCredentialCache(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	steps := []struct {
		name   string
		id     string
		change func(context.Context, store.Tx) error
		hit    bool
		check  func(t *testing.T, c principal.Credential, err error)
	}{
		{name: "first resolution reads the store", id: "AKIAALICE00000000001"},
		{name: "second is a hit", id: "AKIAALICE00000000001", hit: true},
		{
			name: "user tags changed", id: "AKIAALICE00000000001",
			change: func(ctx context.Context, tx store.Tx) error {
				u, err := tx.GetUser(ctx, acct, "alice")
				must(err)
				u.Tags = []model.Tag{{Key: "team", Value: "platform"}}
				return tx.UpdateUser(ctx, acct, "alice", u)
			},
			check: func(t *testing.T, c principal.Credential, err error) {
				if err != nil || c.Principal.Tags["team"] != "platform" {
					t.Errorf("tags = %v, %v", c.Principal.Tags, err)
				}
			},
		},
		{name: "role session first", id: "ASIADEV0000000000002"},
		{name: "role session hit", id: "ASIADEV0000000000002", hit: true},
		{
			name: "role tags changed", id: "ASIADEV0000000000002",
			change: func(ctx context.Context, tx store.Tx) error {
				r, err := tx.GetRole(ctx, acct, "dev")
				must(err)
				r.Tags = []model.Tag{{Key: "team", Value: "data"}}
				return tx.UpdateRole(ctx, acct, r)
			},
			check: func(t *testing.T, c principal.Credential, err error) {
				if err != nil || c.Principal.Tags["team"] != "data" || c.Principal.Tags["Env"] != "" {
					t.Errorf("tags = %v, %v", c.Principal.Tags, err)
				}
			},
		},
		{
			name: "an unrelated change keeps the entry", id: "ASIADEV0000000000002", hit: true,
			change: func(ctx context.Context, tx store.Tx) error {
				return tx.UpdateAccessKeyStatus(ctx, acct, "AKIABOB0000000000001", model.AccessKeyInactive)
			},
		},
		{
			name: "deleted session", id: "ASIADEV0000000000002",
			change: func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteSession(ctx, acct, "ASIADEV0000000000002")
			},
			check: func(t *testing.T, _ principal.Credential, err error) {
				if !errors.Is(err, sigv4.ErrUnknownAccessKey) {
					t.Errorf("err = %v, want unknown key", err)
				}
			},
		},
		{name: "root GetSessionToken session", id: "ASIAROOT000000000001"},
		{name: "root session hit", id: "ASIAROOT000000000001", hit: true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.change != nil {
				update(t, w.st, s.change)
			}
			before := w.res.Stats().CredentialHits
			c, err := w.res.Resolve(ctx, s.id)
			if hit := w.res.Stats().CredentialHits > before; hit != s.hit {
				t.Errorf("cache hit = %v, want %v", hit, s.hit)
			}
			if s.check != nil {
				s.check(t, c, err)
			} else if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func BenchmarkResolve(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	for _, id := range []string{"AKIAALICE00000000001", "ASIADEV0000000000001"} {
		b.Run(id[:4]+"/cached", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.res.Resolve(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestFeedReset makes the resolver fall behind a change feed with a tiny
// backlog: the reset it receives must drop every cached entry.
func TestFeedReset(t *testing.T) {
	t.Parallel()
	w := newWorldWith(t, sqlite.Options{InMemory: true, FeedBacklog: 2})
	ctx := context.Background()
	alice := resolve(t, w, "AKIAALICE00000000001")
	if _, err := w.res.PolicySets(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if _, err := w.res.Resolve(ctx, "AKIAALICE00000000001"); err != nil {
		t.Fatal(err)
	}
	before := w.res.Stats()
	for i := range 5 {
		update(t, w.st, func(ctx context.Context, tx store.Tx) error {
			return tx.PutInlinePolicy(ctx, acct, model.EntityUser, "carol", model.InlinePolicy{PolicyName: fmt.Sprint("p", i), Document: allow("ec2:*")})
		})
	}
	if _, err := w.res.PolicySets(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if _, err := w.res.Resolve(ctx, "AKIAALICE00000000001"); err != nil {
		t.Fatal(err)
	}
	after := w.res.Stats()
	if after.Builds != before.Builds+1 || after.CredentialHits != before.CredentialHits {
		t.Errorf("after a reset: builds %d -> %d, credential hits %d -> %d; want a rebuild and a miss",
			before.Builds, after.Builds, before.CredentialHits, after.CredentialHits)
	}
}

// TestClosed checks that a closed resolver serves nothing cached.
func TestClosed(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	alice := resolve(t, w, "AKIAALICE00000000001")
	w.res.Close()
	if _, err := w.res.PolicySets(ctx, alice); !errors.Is(err, principal.ErrClosed) {
		t.Errorf("PolicySets after Close = %v, want ErrClosed", err)
	}
	if _, err := w.res.Resolve(ctx, "AKIAALICE00000000001"); !errors.Is(err, principal.ErrClosed) {
		t.Errorf("Resolve after Close = %v, want ErrClosed", err)
	}
	if c, err := w.res.Resolve(ctx, "AKIAROOTCONFIG000001"); err != nil || c.Principal.Type != model.PrincipalRoot {
		t.Errorf("configured root key after Close = %v, %v", c, err)
	}
}
