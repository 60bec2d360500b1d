package sts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/principal"
	"abacus/internal/service/sts"
	"abacus/internal/store"
)

// TestAssumeRoleTrust encodes how a role's trust policy and the caller's
// identity-based policies combine for sts:AssumeRole within one account:
//   - the trust policy must explicitly allow the caller: "Role trust
//     policies and KMS key policies are exceptions to this logic, because
//     they must explicitly allow access for principals"
//     (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html);
//   - a trust policy that names the account delegates to the account's IAM
//     policies, so an identity-based policy must allow sts:AssumeRole too
//     (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html);
//   - a trust policy that names the user (or, for role chaining, the
//     calling session's role) grants on its own in the same account, "if a
//     user is listed as the principal in a role's trust policy" only a
//     permissions boundary can still stop it
//     (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html);
//   - passing tags needs sts:TagSession and setting a source identity
//     sts:SetSourceIdentity in the trust policy as well
//     (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required,
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html);
//   - sts:ExternalId and sts:SourceIdentity conditions read the request.
func TestAssumeRoleTrust(t *testing.T) {
	t.Parallel()
	stmt := func(principal, actions, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":` + actions + c + `}]}`
	}
	const acctRoot = `{"AWS":"arn:aws:iam::123456789012:root"}`
	const aliceARN = `{"AWS":"arn:aws:iam::123456789012:user/team/alice"}`
	denyMsg := func(caller, action string) string {
		return "User: " + caller + " is not authorized to perform: " + action + " on resource: arn:aws:iam::123456789012:role/trusting"
	}
	tests := []struct {
		name         string
		trust        string
		p            *model.Principal
		in           sts.AssumeRoleInput
		identity     bool     // whether identity policies allow
		wantIdentity []string // actions checked against identity policies
		wantErr      *wireErr
	}{
		{name: "account principal, identity allows", trust: stmt(acctRoot, `"sts:AssumeRole"`, ""), p: alice,
			identity: true, wantIdentity: []string{"sts:AssumeRole"}},
		{name: "account principal, identity does not allow", trust: stmt(acctRoot, `"sts:AssumeRole"`, ""), p: alice,
			wantIdentity: []string{"sts:AssumeRole"},
			wantErr:      &wireErr{"AccessDenied", 403, denyMsg(alice.ARN, "sts:AssumeRole") + " because no identity-based policy allows the sts:AssumeRole action"}},
		{name: "account ID principal counts as the account", trust: stmt(`{"AWS":"123456789012"}`, `"sts:AssumeRole"`, ""), p: alice,
			wantIdentity: []string{"sts:AssumeRole"},
			wantErr:      &wireErr{"AccessDenied", 403, denyMsg(alice.ARN, "sts:AssumeRole") + " because no identity-based policy allows the sts:AssumeRole action"}},
		{name: "user named in the trust policy needs no identity policy", trust: stmt(aliceARN, `"sts:AssumeRole"`, ""), p: alice},
		{name: "trust policy names someone else", trust: stmt(`{"AWS":"arn:aws:iam::123456789012:user/bob"}`, `"sts:AssumeRole"`, ""), p: alice, identity: true,
			wantErr: &wireErr{"AccessDenied", 403, denyMsg(alice.ARN, "sts:AssumeRole")}},
		{name: "service-only trust policy refuses users", trust: stmt(`{"Service":"sagemaker.amazonaws.com"}`, `"sts:AssumeRole"`, ""), p: alice, identity: true,
			wantErr: &wireErr{"AccessDenied", 403, denyMsg(alice.ARN, "sts:AssumeRole")}},
		// "You cannot call AssumeRole with the access key for the root
		// user" (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html);
		// AWS answers "Roles may not be assumed by root accounts."
		{name: "root credentials", trust: stmt(acctRoot, `"sts:AssumeRole"`, ""), p: root, identity: true,
			wantErr: &wireErr{"AccessDenied", 403, "Roles may not be assumed by root accounts."}},
		{name: "chained session, trust names the calling role", trust: stmt(`{"AWS":"arn:aws:iam::123456789012:role/dev"}`, `"sts:AssumeRole"`, ""), p: devSession},
		{name: "tags without sts:TagSession in the trust policy", trust: stmt(aliceARN, `"sts:AssumeRole"`, ""), p: alice,
			in:      sts.AssumeRoleInput{Tags: []sts.Tag{{"team", "ml"}}},
			wantErr: &wireErr{"AccessDenied", 403, denyMsg(alice.ARN, "sts:TagSession")}},
		{name: "tags with sts:TagSession", trust: stmt(aliceARN, `["sts:AssumeRole","sts:TagSession"]`, ""), p: alice,
			in: sts.AssumeRoleInput{Tags: []sts.Tag{{"team", "ml"}}}},
		{name: "source identity without sts:SetSourceIdentity", trust: stmt(aliceARN, `["sts:AssumeRole"]`, ""), p: alice,
			in:      sts.AssumeRoleInput{SourceIdentity: ptr("alice")},
			wantErr: &wireErr{"AccessDenied", 403, denyMsg(alice.ARN, "sts:SetSourceIdentity")}},
		{name: "source identity condition met", p: alice,
			trust: stmt(aliceARN, `["sts:AssumeRole","sts:SetSourceIdentity"]`, `{"StringEquals":{"sts:SourceIdentity":"alice"}}`),
			in:    sts.AssumeRoleInput{SourceIdentity: ptr("alice")}},
		{name: "source identity condition not met", p: alice,
			trust:   stmt(aliceARN, `["sts:AssumeRole","sts:SetSourceIdentity"]`, `{"StringEquals":{"sts:SourceIdentity":"alice"}}`),
			in:      sts.AssumeRoleInput{SourceIdentity: ptr("mallory")},
			wantErr: &wireErr{"AccessDenied", 403, denyMsg(alice.ARN, "sts:AssumeRole")}},
		{name: "external id matches", p: alice, trust: stmt(aliceARN, `"sts:AssumeRole"`, `{"StringEquals":{"sts:ExternalId":"ext-42"}}`),
			in: sts.AssumeRoleInput{ExternalId: ptr("ext-42")}},
		{name: "external id missing", p: alice, trust: stmt(aliceARN, `"sts:AssumeRole"`, `{"StringEquals":{"sts:ExternalId":"ext-42"}}`),
			wantErr: &wireErr{"AccessDenied", 403, denyMsg(alice.ARN, "sts:AssumeRole")}},
		{name: "principal tag condition on the caller", p: devSession,
			trust:    stmt(acctRoot, `"sts:AssumeRole"`, `{"StringEquals":{"aws:PrincipalTag/team":"ml","aws:SourceIdentity":"alice"}}`),
			identity: true, wantIdentity: []string{"sts:AssumeRole"}},
		{name: "explicit deny in the trust policy", p: alice,
			trust:   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":` + aliceARN + `,"Action":"sts:AssumeRole"}]}`,
			wantErr: &wireErr{"AccessDenied", 403, denyMsg(alice.ARN, "sts:AssumeRole")}},
	}
	base := newFixture(t).store
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureOn(t, base)
			// Each case has a role of its own in the shared database.
			name := fmt.Sprintf("trusting%d", i)
			arn := "arn:aws:iam::123456789012:role/" + name
			f.store.addRole(model.Role{RoleName: name, RoleID: fmt.Sprintf("AROATRUSTING%08d", i), Path: "/",
				ARN: arn, AssumeRolePolicyDocument: tt.trust, MaxSessionDuration: 3600})
			if tt.wantErr != nil {
				w := *tt.wantErr
				w.Msg = strings.ReplaceAll(w.Msg, "role/trusting", "role/"+name)
				tt.wantErr = &w
			}
			in := tt.in
			in.RoleArn, in.RoleSessionName = arn, "s9"
			c := call(tt.p)
			az := &fakeAuthz{allow: tt.identity}
			c.Authz = az
			_, err := f.svc.AssumeRole(context.Background(), c, &in)
			if diff := cmp.Diff(tt.wantErr, asWire(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			var got []string
			for _, ch := range az.checks {
				got = append(got, ch.Action)
				if ch.ResourcePolicy != "" || ch.Resource != in.RoleArn {
					t.Errorf("identity check %+v carries a resource policy or the wrong resource", ch)
				}
			}
			if diff := cmp.Diff(tt.wantIdentity, got); diff != "" {
				t.Errorf("identity checks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPolicyTrust evaluates a SageMaker execution role's trust policy, as
// the SageMaker Developer Guide gives it, for the service principal.
func TestPolicyTrust(t *testing.T) {
	t.Parallel()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`
	tests := []struct {
		service, action string
		want            bool
	}{
		{"sagemaker.amazonaws.com", "sts:AssumeRole", true},
		{"sagemaker.amazonaws.com", "sts:SetSourceIdentity", true},
		{"sagemaker.amazonaws.com", "sts:TagSession", false},
		{"lambda.amazonaws.com", "sts:AssumeRole", false},
	}
	for _, tt := range tests {
		got, err := sts.PolicyTrust(context.Background(), trust, tt.service, tt.action, "arn:aws:iam::123456789012:role/exec", nil)
		if err != nil || got != tt.want {
			t.Errorf("%s %s = %v, %v; want %v", tt.service, tt.action, got, err, tt.want)
		}
	}
	if _, err := sts.PolicyTrust(context.Background(), `{`, "s", "sts:AssumeRole", "arn:aws:iam::123456789012:role/exec", nil); err == nil {
		t.Error("malformed trust policy: no error")
	}
	// The default Trust of a Service is PolicyTrust.
	f := newFixture(t)
	f.store.addRole(model.Role{RoleName: "exec", RoleID: "AROAEXECEXECEXECEXEC", Path: "/", ARN: "arn:aws:iam::123456789012:role/exec",
		AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600})
	out, err := f.svc.AssumeRoleAsService(context.Background(), sts.ServiceSession{Service: "sagemaker.amazonaws.com",
		RoleARN: "arn:aws:iam::123456789012:role/exec", SessionName: "SageMaker", SourceIdentity: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if s := f.store.session(out.Credentials.AccessKeyId); s.SourceIdentity != "alice" {
		t.Errorf("session source identity = %q", s.SourceIdentity)
	}
	if _, err := f.svc.AssumeRoleAsService(context.Background(), sts.ServiceSession{Service: "lambda.amazonaws.com",
		RoleARN: "arn:aws:iam::123456789012:role/exec", SessionName: "x1"}); asWire(err) == nil || asWire(err).Code != "AccessDenied" {
		t.Errorf("lambda: %v, want AccessDenied", err)
	}
}

// TestServiceSessionContextKeys mints a SageMaker Studio session with
// context keys and resolves its credentials as a request would: the
// principal carries the keys, and so does every request context it builds.
func TestServiceSessionContextKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`
	f.store.addRole(model.Role{RoleName: "exec", RoleID: "AROAEXECEXECEXECEXEC", Path: "/", ARN: "arn:aws:iam::123456789012:role/exec",
		AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600})
	keys := map[string][]string{"sagemaker:DomainId": {"d-abc123"}, "sagemaker:UserProfileName": {"alice"}}
	out, err := f.svc.AssumeRoleAsService(context.Background(), sts.ServiceSession{Service: "sagemaker.amazonaws.com",
		RoleARN: "arn:aws:iam::123456789012:role/exec", SessionName: "SageMaker", SourceIdentity: "alice", ContextKeys: keys, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	res := principal.New(principal.Options{Store: f.store.Store})
	defer res.Close()
	c, err := res.Resolve(context.Background(), out.Credentials.AccessKeyId)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Principal
	if diff := cmp.Diff(keys, p.Session.ContextKeys); diff != "" {
		t.Errorf("session context keys (-want +got):\n%s", diff)
	}
	got := principal.Context(p, principal.Request{Time: t0})
	for k, v := range keys {
		if !cmp.Equal(got[k], v) {
			t.Errorf("request context %s = %v, want %v", k, got[k], v)
		}
	}
	if got["aws:SourceIdentity"][0] != "alice" || p.ARN != "arn:aws:sts::123456789012:assumed-role/exec/SageMaker" {
		t.Errorf("principal %s with context %v", p.ARN, got)
	}
	// The keys are part of the session, stored and purged with it; no
	// record of them is left beside it.
	err = f.store.View(context.Background(), func(ctx context.Context, tx store.ReadTx) error {
		sess, err := tx.GetSession(ctx, out.Credentials.AccessKeyId)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(keys, sess.ContextKeys); diff != "" {
			t.Errorf("stored session's context keys (-want +got):\n%s", diff)
		}
		page, err := tx.ListResources(ctx, "123456789012", "sts:session-context", store.ResourceListOptions{})
		if err != nil {
			return err
		}
		if len(page.Items) > 0 {
			t.Errorf("a session-context resource was stored beside the session: %+v", page.Items)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A session without context keys has none.
	out2, err := f.svc.AssumeRoleAsService(context.Background(), sts.ServiceSession{Service: "sagemaker.amazonaws.com",
		RoleARN: "arn:aws:iam::123456789012:role/exec", SessionName: "SageMaker"})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := res.Resolve(context.Background(), out2.Credentials.AccessKeyId); err != nil || c.Principal.Session.ContextKeys != nil {
		t.Errorf("plain session: %v, %v", c.Principal.Session.ContextKeys, err)
	}
}
