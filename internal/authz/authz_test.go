package authz_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/authz"
	"abacus/internal/policy"
)

const (
	docDenyAllow    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"
	docBasics       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html"
	docCrossAccount = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"
	docBoundaries   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"
	docSession      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"
	docAccessDenied = "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"
	docPrincipal    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
)

func set(t testing.TB, kind policy.Kind, name string, docs ...string) *policy.Set {
	t.Helper()
	var ps []*policy.Policy
	for _, d := range docs {
		p, err := policy.CompileJSON([]byte(d), policy.Options{Name: name, Kind: kind})
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		ps = append(ps, p)
	}
	return policy.NewSet(ps...)
}

func stmt(sid, effect, action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"` + effect + `","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

func rstmt(sid, effect, principal, action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"` + effect + `","Principal":` + principal + `,"Action":"` + action + `","Resource":"` + resource + `"}]}`
}

const acct = "123456789012"

func userReq(action, resource string) *policy.Request {
	return &policy.Request{
		Principal: policy.Caller{ARN: "arn:aws:iam::" + acct + ":user/alice", Type: policy.PrincipalUser, Account: acct, UserName: "alice"},
		Action:    action, Resource: resource,
	}
}

func sessionReq(action, resource string) *policy.Request {
	return &policy.Request{
		Principal: policy.Caller{ARN: "arn:aws:sts::" + acct + ":assumed-role/Studio/alice", RoleARN: "arn:aws:iam::" + acct + ":role/Studio",
			Type: policy.PrincipalAssumedRole, Account: acct, SourceIdentity: "alice"},
		Action: action, Resource: resource,
	}
}

func rootReq(action, resource string) *policy.Request {
	return &policy.Request{Principal: policy.Caller{ARN: "arn:aws:iam::" + acct + ":root", Type: policy.PrincipalAccount, Account: acct}, Action: action, Resource: resource}
}

// TestEvaluate encodes AWS's policy evaluation logic, case by case.
func TestEvaluate(t *testing.T) {
	const obj = "arn:aws:s3:::b/k"
	allowS3 := stmt("AllowS3", "Allow", "s3:*", "*")
	denyGet := stmt("DenyGet", "Deny", "s3:GetObject", "*")
	allowAll := stmt("AllowAll", "Allow", "*", "*")
	onlySM := stmt("OnlySageMaker", "Allow", "sagemaker:*", "*")
	bucketAlice := rstmt("BucketAlice", "Allow", `{"AWS":"arn:aws:iam::`+acct+`:user/alice"}`, "s3:GetObject", "*")
	bucketRole := rstmt("BucketRole", "Allow", `{"AWS":"arn:aws:iam::`+acct+`:role/Studio"}`, "s3:GetObject", "*")
	bucketSession := rstmt("BucketSession", "Allow", `{"AWS":"arn:aws:sts::`+acct+`:assumed-role/Studio/alice"}`, "s3:GetObject", "*")
	bucketAccount := rstmt("BucketAccount", "Allow", `{"AWS":"`+acct+`"}`, "s3:GetObject", "*")
	bucketDeny := rstmt("BucketDeny", "Deny", `"*"`, "s3:GetObject", "*")
	bucketEveryone := rstmt("BucketEveryone", "Allow", `"*"`, "s3:GetObject", "*")
	const role = "arn:aws:iam::" + acct + ":role/Studio"
	trust := func(principal string) *policy.Set {
		return set(t, policy.KindTrust, "trust", `{"Version":"2012-10-17","Statement":[{"Sid":"Trust","Effect":"Allow","Principal":`+principal+`,"Action":"sts:AssumeRole"}]}`)
	}
	bucketOther := rstmt("BucketOther", "Allow", `{"AWS":"arn:aws:iam::`+acct+`:user/bob"}`, "s3:GetObject", "*")
	id := func(d ...string) *policy.Set { return set(t, policy.KindIdentity, "identity", d...) }
	res := func(d ...string) *policy.Set { return set(t, policy.KindResource, "bucket", d...) }
	bnd := func(d ...string) *policy.Set { return set(t, policy.KindBoundary, "boundary", d...) }
	ses := func(d ...string) *policy.Set { return set(t, policy.KindSession, "session", d...) }
	scp := func(d ...string) *policy.Set { return set(t, policy.KindSCP, "scp", d...) }
	tests := []struct {
		name     string
		in       authz.Input
		want     policy.Decision
		deniedBy authz.PolicyType
		doc      string
	}{
		{"no-policies", authz.Input{Request: userReq("s3:GetObject", obj)}, policy.ImplicitDeny, authz.TypeIdentity, docDenyAllow},
		{"identity-allow", authz.Input{Request: userReq("s3:GetObject", obj), Identity: id(allowS3)}, policy.Allowed, authz.TypeNone, docBasics},
		{"identity-deny-wins", authz.Input{Request: userReq("s3:GetObject", obj), Identity: id(allowS3, denyGet)}, policy.ExplicitDeny, authz.TypeIdentity, docDenyAllow},
		{"identity-deny-other-action", authz.Input{Request: userReq("s3:PutObject", obj), Identity: id(allowS3, denyGet)}, policy.Allowed, authz.TypeNone, docDenyAllow},
		{"identity-wrong-action", authz.Input{Request: userReq("ec2:RunInstances", "*"), Identity: id(allowS3)}, policy.ImplicitDeny, authz.TypeIdentity, docDenyAllow},
		// SCPs.
		{"scp-allows", authz.Input{Request: userReq("s3:GetObject", obj), Identity: id(allowS3), SCPs: []*policy.Set{scp(allowAll)}}, policy.Allowed, authz.TypeNone, docDenyAllow},
		{"scp-no-allow", authz.Input{Request: userReq("s3:GetObject", obj), Identity: id(allowS3), SCPs: []*policy.Set{scp(onlySM)}}, policy.ImplicitDeny, authz.TypeSCP, docDenyAllow},
		{"scp-every-level", authz.Input{Request: userReq("s3:GetObject", obj), Identity: id(allowS3), SCPs: []*policy.Set{scp(allowAll), scp(onlySM)}}, policy.ImplicitDeny, authz.TypeSCP, docDenyAllow},
		{"scp-deny", authz.Input{Request: userReq("s3:GetObject", obj), Identity: id(allowS3), SCPs: []*policy.Set{scp(allowAll, denyGet)}}, policy.ExplicitDeny, authz.TypeSCP, docDenyAllow},
		{"scp-allow-grants-nothing", authz.Input{Request: userReq("s3:GetObject", obj), SCPs: []*policy.Set{scp(allowAll)}}, policy.ImplicitDeny, authz.TypeIdentity, docDenyAllow},
		{"scp-applies-to-root", authz.Input{Request: rootReq("s3:GetObject", obj), SCPs: []*policy.Set{scp(onlySM)}}, policy.ImplicitDeny, authz.TypeSCP, docDenyAllow},
		{"root-allowed", authz.Input{Request: rootReq("s3:GetObject", obj)}, policy.Allowed, authz.TypeNone, docDenyAllow},
		{"root-resource-deny", authz.Input{Request: rootReq("s3:GetObject", obj), ResourcePolicy: res(bucketDeny)}, policy.ExplicitDeny, authz.TypeResource, docDenyAllow},
		// Resource-based policies in the same account.
		{"resource-grants-user", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketAlice)}, policy.Allowed, authz.TypeNone, docBasics},
		{"resource-other-user", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketOther)}, policy.ImplicitDeny, authz.TypeIdentity, docBasics},
		{"resource-or-identity", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketOther), Identity: id(allowS3)}, policy.Allowed, authz.TypeNone, docBasics},
		{"resource-deny-wins", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketDeny), Identity: id(allowS3)}, policy.ExplicitDeny, authz.TypeResource, docDenyAllow},
		{"resource-user-arn-not-capped-by-boundary", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketAlice), Boundary: bnd(onlySM)}, policy.Allowed, authz.TypeNone, docDenyAllow},
		// Naming only the account delegates to the account's identity policies.
		{"resource-account-delegates", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketAccount)}, policy.ImplicitDeny, authz.TypeIdentity, docPrincipal},
		{"resource-account-with-identity", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketAccount), Identity: id(allowS3)}, policy.Allowed, authz.TypeNone, docPrincipal},
		{"resource-account-capped-by-boundary", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketAccount), Identity: id(allowS3), Boundary: bnd(onlySM)}, policy.ImplicitDeny, authz.TypeBoundary, docDenyAllow},
		{"resource-everyone", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketEveryone)}, policy.Allowed, authz.TypeNone, docPrincipal},
		{"resource-everyone-capped-by-boundary", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketEveryone), Boundary: bnd(onlySM)}, policy.ImplicitDeny, authz.TypeBoundary, docDenyAllow},
		{"resource-user-and-account", authz.Input{Request: userReq("s3:GetObject", obj), ResourcePolicy: res(bucketAccount, bucketAlice), Boundary: bnd(onlySM)}, policy.Allowed, authz.TypeNone, docDenyAllow},
		// A role trust policy must allow even within the account.
		{"trust-names-user", authz.Input{Request: userReq("sts:AssumeRole", role), ResourcePolicy: trust(`{"AWS":"arn:aws:iam::` + acct + `:user/alice"}`), ResourcePolicyRequired: true}, policy.Allowed, authz.TypeNone, docDenyAllow},
		{"trust-names-account-no-identity", authz.Input{Request: userReq("sts:AssumeRole", role), ResourcePolicy: trust(`{"AWS":"` + acct + `"}`), ResourcePolicyRequired: true}, policy.ImplicitDeny, authz.TypeIdentity, docDenyAllow},
		{"trust-names-account-with-identity", authz.Input{Request: userReq("sts:AssumeRole", role), ResourcePolicy: trust(`{"AWS":"` + acct + `"}`), Identity: id(allowAll), ResourcePolicyRequired: true}, policy.Allowed, authz.TypeNone, docDenyAllow},
		{"trust-names-someone-else", authz.Input{Request: userReq("sts:AssumeRole", role), ResourcePolicy: trust(`{"Service":"sagemaker.amazonaws.com"}`), Identity: id(allowAll), ResourcePolicyRequired: true}, policy.ImplicitDeny, authz.TypeResource, docDenyAllow},
		{"trust-absent", authz.Input{Request: userReq("sts:AssumeRole", role), Identity: id(allowAll), ResourcePolicyRequired: true}, policy.ImplicitDeny, authz.TypeResource, docDenyAllow},
		{"resource-session-arn-not-capped", authz.Input{Request: sessionReq("s3:GetObject", obj), ResourcePolicy: res(bucketSession), Session: ses(onlySM), Boundary: bnd(onlySM)}, policy.Allowed, authz.TypeNone, docDenyAllow},
		{"resource-role-arn-capped-by-session", authz.Input{Request: sessionReq("s3:GetObject", obj), ResourcePolicy: res(bucketRole), Session: ses(onlySM)}, policy.ImplicitDeny, authz.TypeSession, docDenyAllow},
		{"resource-role-arn-capped-by-boundary", authz.Input{Request: sessionReq("s3:GetObject", obj), ResourcePolicy: res(bucketRole), Boundary: bnd(onlySM)}, policy.ImplicitDeny, authz.TypeBoundary, docDenyAllow},
		{"resource-role-arn-session-allows", authz.Input{Request: sessionReq("s3:GetObject", obj), ResourcePolicy: res(bucketRole), Session: ses(allowS3)}, policy.Allowed, authz.TypeNone, docDenyAllow},
		{"resource-role-arn-no-caps", authz.Input{Request: sessionReq("s3:GetObject", obj), ResourcePolicy: res(bucketRole)}, policy.Allowed, authz.TypeNone, docDenyAllow},
		// Permissions boundaries.
		{"boundary-caps", authz.Input{Request: userReq("s3:GetObject", obj), Identity: id(allowAll), Boundary: bnd(onlySM)}, policy.ImplicitDeny, authz.TypeBoundary, docBoundaries},
		{"boundary-allows", authz.Input{Request: userReq("sagemaker:ListDomains", "*"), Identity: id(allowAll), Boundary: bnd(onlySM)}, policy.Allowed, authz.TypeNone, docBoundaries},
		{"boundary-grants-nothing", authz.Input{Request: userReq("sagemaker:ListDomains", "*"), Boundary: bnd(onlySM)}, policy.ImplicitDeny, authz.TypeIdentity, docBoundaries},
		{"boundary-deny", authz.Input{Request: userReq("s3:GetObject", obj), Identity: id(allowAll), Boundary: bnd(allowAll, denyGet)}, policy.ExplicitDeny, authz.TypeBoundary, docBoundaries},
		{"boundary-empty-set-denies", authz.Input{Request: userReq("s3:GetObject", obj), Identity: id(allowAll), Boundary: policy.NewSet()}, policy.ImplicitDeny, authz.TypeBoundary, docBoundaries},
		// Session policies.
		{"session-caps", authz.Input{Request: sessionReq("s3:GetObject", obj), Identity: id(allowAll), Session: ses(onlySM)}, policy.ImplicitDeny, authz.TypeSession, docSession},
		{"session-allows", authz.Input{Request: sessionReq("s3:GetObject", obj), Identity: id(allowAll), Session: ses(allowS3)}, policy.Allowed, authz.TypeNone, docSession},
		{"session-grants-nothing", authz.Input{Request: sessionReq("s3:GetObject", obj), Session: ses(allowS3)}, policy.ImplicitDeny, authz.TypeIdentity, docSession},
		{"session-deny", authz.Input{Request: sessionReq("s3:GetObject", obj), Identity: id(allowAll), Session: ses(allowAll, denyGet)}, policy.ExplicitDeny, authz.TypeSession, docSession},
		{"boundary-before-session", authz.Input{Request: sessionReq("s3:GetObject", obj), Identity: id(allowAll), Boundary: bnd(onlySM), Session: ses(onlySM)}, policy.ImplicitDeny, authz.TypeBoundary, docDenyAllow},
		// Cross-account.
		{"cross-account-both", authz.Input{Request: userReq("s3:GetObject", obj), ResourceAccount: "210987654321", ResourcePolicy: res(bucketAccount), Identity: id(allowS3)}, policy.Allowed, authz.TypeNone, docCrossAccount},
		{"cross-account-no-identity", authz.Input{Request: userReq("s3:GetObject", obj), ResourceAccount: "210987654321", ResourcePolicy: res(bucketAlice)}, policy.ImplicitDeny, authz.TypeIdentity, docCrossAccount},
		{"cross-account-no-resource-policy", authz.Input{Request: userReq("s3:GetObject", obj), ResourceAccount: "210987654321", Identity: id(allowS3)}, policy.ImplicitDeny, authz.TypeResource, docCrossAccount},
		{"cross-account-resource-other-principal", authz.Input{Request: userReq("s3:GetObject", obj), ResourceAccount: "210987654321", ResourcePolicy: res(bucketOther), Identity: id(allowS3)}, policy.ImplicitDeny, authz.TypeResource, docCrossAccount},
		{"cross-account-boundary", authz.Input{Request: userReq("s3:GetObject", obj), ResourceAccount: "210987654321", ResourcePolicy: res(bucketAccount), Identity: id(allowS3), Boundary: bnd(onlySM)}, policy.ImplicitDeny, authz.TypeBoundary, docCrossAccount},
		{"same-account-explicit", authz.Input{Request: userReq("s3:GetObject", obj), ResourceAccount: acct, ResourcePolicy: res(bucketAlice)}, policy.Allowed, authz.TypeNone, docBasics},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := authz.Evaluate(&tt.in, make([]policy.Match, 0, 4))
			if res.Decision != tt.want || res.DeniedBy != tt.deniedBy {
				t.Errorf("got %v by %v, want %v by %v (%s)", res.Decision, res.DeniedBy, tt.want, tt.deniedBy, tt.doc)
			}
			exp := authz.Explain(&tt.in)
			if exp.Decision != res.Decision || exp.DeniedBy != res.DeniedBy {
				t.Errorf("Explain decided %v by %v, Evaluate %v by %v", exp.Decision, exp.DeniedBy, res.Decision, res.DeniedBy)
			}
		})
	}
}

// TestMessage checks the AccessDenied text for each policy type.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
func TestMessage(t *testing.T) {
	user := "arn:aws:iam::123456789012:user/alice"
	r := userReq("s3:GetObject", "arn:aws:s3:::b/k")
	tests := []struct {
		d    policy.Decision
		by   authz.PolicyType
		req  *policy.Request
		want string
	}{
		{policy.ImplicitDeny, authz.TypeIdentity, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" because no identity-based policy allows the s3:GetObject action"},
		{policy.ImplicitDeny, authz.TypeResource, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" because no resource-based policy allows the s3:GetObject action"},
		{policy.ImplicitDeny, authz.TypeBoundary, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" because no permissions boundary allows the s3:GetObject action"},
		{policy.ImplicitDeny, authz.TypeSession, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" because no session policy allows the s3:GetObject action"},
		{policy.ImplicitDeny, authz.TypeSCP, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" because no service control policy allows the s3:GetObject action"},
		{policy.ExplicitDeny, authz.TypeIdentity, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in an identity-based policy"},
		{policy.ExplicitDeny, authz.TypeResource, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in a resource-based policy"},
		{policy.ExplicitDeny, authz.TypeBoundary, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in a permissions boundary"},
		{policy.ExplicitDeny, authz.TypeSession, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in a session policy"},
		{policy.ExplicitDeny, authz.TypeSCP, r, "User: " + user + " is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in a service control policy"},
		{policy.ImplicitDeny, authz.TypeNone, userReq("iam:ListUsers", "*"), "User: " + user + " is not authorized to perform: iam:ListUsers because no identity-based policy allows the iam:ListUsers action"},
		{policy.Allowed, authz.TypeNone, r, ""},
		// Services other than S3 do not quote the resource.
		{policy.ImplicitDeny, authz.TypeIdentity, userReq("sagemaker:DescribeTrainingJob", "arn:aws:sagemaker:us-east-1:123456789012:training-job/j"),
			"User: " + user + " is not authorized to perform: sagemaker:DescribeTrainingJob on resource: arn:aws:sagemaker:us-east-1:123456789012:training-job/j because no identity-based policy allows the sagemaker:DescribeTrainingJob action"},
		// STS names no reason for an AssumeRole denial (real responses,
		// e.g. github.com/amzn/selling-partner-api-models/issues/1186).
		{policy.ImplicitDeny, authz.TypeResource, userReq("sts:AssumeRole", "arn:aws:iam::123456789012:role/r"),
			"User: " + user + " is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/r"},
		{policy.ExplicitDeny, authz.TypeIdentity, userReq("STS:assumerole", "arn:aws:iam::123456789012:role/r"),
			"User: " + user + " is not authorized to perform: STS:assumerole on resource: arn:aws:iam::123456789012:role/r"},
		{policy.ImplicitDeny, authz.TypeResource, &policy.Request{Principal: policy.Caller{Type: policy.PrincipalAnonymous}, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			"User: anonymous is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" because no resource-based policy allows the s3:GetObject action"},
	}
	for _, tt := range tests {
		res := authz.Result{Decision: tt.d, DeniedBy: tt.by}
		if got := res.Message(tt.req); got != tt.want {
			t.Errorf("Message(%v by %v) =\n%q\nwant\n%q (%s)", tt.d, tt.by, got, tt.want, docAccessDenied)
		}
	}
}

func TestPolicyTypeNames(t *testing.T) {
	want := map[authz.PolicyType][2]string{
		authz.TypeNone:       {"", ""},
		authz.TypeSCP:        {"service control policy", "scp"},
		authz.TypeResource:   {"resource-based policy", "resource"},
		authz.TypeIdentity:   {"identity-based policy", "identity"},
		authz.TypeBoundary:   {"permissions boundary", "boundary"},
		authz.TypeSession:    {"session policy", "session"},
		authz.PolicyType(42): {"unknown policy type", "unknown"},
	}
	for pt, w := range want {
		if pt.String() != w[0] || pt.Key() != w[1] {
			t.Errorf("%d: String %q Key %q, want %q %q", pt, pt.String(), pt.Key(), w[0], w[1])
		}
	}
}

// TestExplain checks that the explanation lists every statement naming
// the action with its type and the first reason it did not apply, and
// that matched statements carry their policy type.
func TestExplain(t *testing.T) {
	in := authz.Input{
		Request:        sessionReq("s3:GetObject", "arn:aws:s3:::b/users/bob/k"),
		SCPs:           []*policy.Set{set(t, policy.KindSCP, "scp", stmt("FullAccess", "Allow", "*", "*"))},
		ResourcePolicy: set(t, policy.KindResource, "bucket", rstmt("OtherRole", "Allow", `{"AWS":"arn:aws:iam::`+acct+`:role/Other"}`, "s3:GetObject", "*")),
		Identity: set(t, policy.KindIdentity, "prefix", `{"Version":"2012-10-17","Statement":[
			{"Sid":"OwnPrefix","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/users/${aws:SourceIdentity}/*"},
			{"Sid":"Unrelated","Effect":"Allow","Action":"s3:PutObject","Resource":"*"},
			{"Sid":"Tagged","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:ExistingObjectTag/owner":"${aws:SourceIdentity}"}}}]}`),
	}
	exp := authz.Explain(&in)
	if exp.Decision != policy.ImplicitDeny || exp.DeniedBy != authz.TypeIdentity {
		t.Fatalf("decision %v by %v", exp.Decision, exp.DeniedBy)
	}
	if len(exp.Matched) != 1 || exp.Type(0) != authz.TypeSCP || exp.Matched[0].Sid != "FullAccess" || exp.Type(5) != authz.TypeNone {
		t.Errorf("matched %+v", exp.Matched)
	}
	type row struct {
		Type    authz.PolicyType
		Sid     string
		Applied bool
		Reason  string
	}
	var got []row
	for _, s := range exp.Statements {
		got = append(got, row{s.Type, s.Sid, s.Applied, s.Reason})
	}
	want := []row{
		{authz.TypeSCP, "FullAccess", true, ""},
		{authz.TypeResource, "OtherRole", false, `principal "arn:aws:sts::123456789012:assumed-role/Studio/alice" is not named in Principal`},
		{authz.TypeIdentity, "OwnPrefix", false, `resource "arn:aws:s3:::b/users/bob/k" does not match "arn:aws:s3:::b/users/alice/*"`},
		{authz.TypeIdentity, "Tagged", false, `condition StringEquals: condition key "s3:ExistingObjectTag/owner" is absent`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("explanation (-want +got):\n%s", diff)
	}
}

// TestEvaluateDoesNotAllocate pins the hot path's zero-allocation promise.
func TestEvaluateDoesNotAllocate(t *testing.T) {
	reqs := buildWorkload(t, 200)
	buf := make([]policy.Match, 0, 8)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		authz.Evaluate(&reqs[i%len(reqs)].in, buf[:0])
		i++
	})
	if allocs != 0 {
		t.Errorf("authz.Evaluate allocates %v times per decision", allocs)
	}
}

// corpusCase mirrors the format documented in internal/policy/corpus_test.go.
type corpusCase struct {
	Description     string `json:"description"`
	Doc             string `json:"doc"`
	ResourceAccount string `json:"resourceAccount"`
	Policies        []struct {
		Type     string          `json:"type"`
		Name     string          `json:"name"`
		Document json.RawMessage `json:"document"`
	} `json:"policies"`
	Request struct {
		Principal struct {
			ARN            string            `json:"arn"`
			Type           string            `json:"type"`
			Account        string            `json:"account"`
			UserName       string            `json:"userName"`
			UserID         string            `json:"userId"`
			RoleARN        string            `json:"roleArn"`
			SourceIdentity string            `json:"sourceIdentity"`
			Service        string            `json:"service"`
			Tags           map[string]string `json:"tags"`
			SessionTags    map[string]string `json:"sessionTags"`
		} `json:"principal"`
		Action   string                     `json:"action"`
		Resource string                     `json:"resource"`
		Time     string                     `json:"time"`
		Context  map[string]json.RawMessage `json:"context"`
	} `json:"request"`
	Expect struct {
		Decision    string   `json:"decision"`
		MatchedSids []string `json:"matchedSids"`
	} `json:"expect"`
}

func tagList(m map[string]string) []policy.Tag {
	var out []policy.Tag
	for k, v := range m {
		out = append(out, policy.Tag{Key: k, Value: v})
	}
	slices.SortFunc(out, func(a, b policy.Tag) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// TestCorpus replays every case of internal/policy/testdata/corpus through
// the full decision.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("../policy/testdata/corpus/*.json")
	if err != nil || len(files) < 50 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var c corpusCase
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatal(err)
			}
			p := c.Request.Principal
			req := &policy.Request{
				Principal: policy.Caller{ARN: p.ARN, RoleARN: p.RoleARN, Type: policy.PrincipalType(p.Type), Account: p.Account, UserName: p.UserName,
					UserID: p.UserID, SourceIdentity: p.SourceIdentity, Service: p.Service, Tags: tagList(p.Tags), SessionTags: tagList(p.SessionTags)},
				Action: c.Request.Action, Resource: c.Request.Resource,
			}
			if c.Request.Time != "" {
				if req.Time, err = time.Parse(time.RFC3339, c.Request.Time); err != nil {
					t.Fatal(err)
				}
			}
			for k, raw := range c.Request.Context {
				var one string
				if json.Unmarshal(raw, &one) == nil {
					req.Context.Set(k, one)
					continue
				}
				var many []string
				if err := json.Unmarshal(raw, &many); err != nil {
					t.Fatal(err)
				}
				req.Context.SetMulti(k, many...)
			}
			in := authz.Input{Request: req, ResourceAccount: c.ResourceAccount}
			byType := map[string][]*policy.Policy{}
			kinds := map[string]policy.Kind{"identity": policy.KindIdentity, "resource": policy.KindResource, "trust": policy.KindTrust,
				"boundary": policy.KindBoundary, "session": policy.KindSession, "scp": policy.KindSCP}
			for _, pol := range c.Policies {
				kind, ok := kinds[pol.Type]
				if !ok {
					t.Fatalf("unknown policy type %q", pol.Type)
				}
				if pol.Type == "trust" {
					// A trust policy is the role's resource-based policy,
					// and it must allow even within the account.
					pol.Type, in.ResourcePolicyRequired = "resource", true
				}
				cp, err := policy.CompileJSON(pol.Document, policy.Options{Name: pol.Name, Kind: kind})
				if err != nil {
					t.Fatalf("%s: %v", pol.Name, err)
				}
				byType[pol.Type] = append(byType[pol.Type], cp)
			}
			mk := func(k string) *policy.Set {
				if ps, ok := byType[k]; ok {
					return policy.NewSet(ps...)
				}
				return nil
			}
			in.Identity, in.ResourcePolicy, in.Boundary, in.Session = mk("identity"), mk("resource"), mk("boundary"), mk("session")
			if s := mk("scp"); s != nil {
				in.SCPs = []*policy.Set{s}
			}
			res := authz.Evaluate(&in, nil)
			if res.Decision.String() != c.Expect.Decision {
				t.Errorf("%s\ndecision %v (by %v), want %s (%s)", c.Description, res.Decision, res.DeniedBy, c.Expect.Decision, c.Doc)
			}
			sids := []string{}
			for _, m := range res.Matched {
				sids = append(sids, m.Sid)
			}
			if !slices.Equal(sids, c.Expect.MatchedSids) {
				t.Errorf("matched %q, want %q", sids, c.Expect.MatchedSids)
			}
		})
	}
}
