package policy_test

import (
	"testing"

	"abacus/internal/policy"
)

type matchCase struct {
	name     string
	policy   string
	kind     policy.Kind
	req      func(r *policy.Request)
	want     policy.Decision
	doc      string
	wantSids []string
}

func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			p := compile(t, tt.kind, tt.policy)
			r := baseRequest()
			if tt.req != nil {
				tt.req(r)
			}
			got, matched := policy.NewSet(p).Evaluate(r, nil)
			if got != tt.want {
				t.Errorf("decision %v, want %v\npolicy %s\n(%s)", got, tt.want, tt.policy, tt.doc)
			}
			if tt.wantSids != nil {
				var sids []string
				for _, m := range matched {
					sids = append(sids, m.Sid)
				}
				if len(sids) != len(tt.wantSids) {
					t.Fatalf("matched %v, want %v", sids, tt.wantSids)
				}
				for i := range sids {
					if sids[i] != tt.wantSids[i] {
						t.Errorf("matched %v, want %v", sids, tt.wantSids)
					}
				}
			}
		})
	}
}

func action(a string) func(*policy.Request) { return func(r *policy.Request) { r.Action = a } }
func resource(s string) func(*policy.Request) {
	return func(r *policy.Request) { r.Resource = s }
}

func allow(actions, resources string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":` + actions + `,"Resource":` + resources + `}]}`
}

// Action matching is case-insensitive and supports '*' and '?'.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestActionMatching(t *testing.T) {
	res := `"*"`
	runMatchCases(t, []matchCase{
		{name: "exact", policy: allow(`"s3:GetObject"`, res), req: action("s3:GetObject"), want: policy.Allowed, doc: docAction},
		{name: "case-insensitive-request", policy: allow(`"s3:GetObject"`, res), req: action("S3:GETOBJECT"), want: policy.Allowed, doc: docAction},
		{name: "case-insensitive-policy", policy: allow(`"S3:getobject"`, res), req: action("s3:GetObject"), want: policy.Allowed, doc: docAction},
		{name: "other-action", policy: allow(`"s3:GetObject"`, res), req: action("s3:PutObject"), want: policy.ImplicitDeny, doc: docAction},
		{name: "other-service", policy: allow(`"s3:GetObject"`, res), req: action("s4:GetObject"), want: policy.ImplicitDeny, doc: docAction},
		{name: "prefix-wildcard", policy: allow(`"sagemaker:Describe*"`, res), req: action("sagemaker:DescribeTrainingJob"), want: policy.Allowed, doc: docAction},
		{name: "prefix-wildcard-case", policy: allow(`"sagemaker:describe*"`, res), req: action("SageMaker:DescribeTrainingJob"), want: policy.Allowed, doc: docAction},
		{name: "prefix-wildcard-miss", policy: allow(`"sagemaker:Describe*"`, res), req: action("sagemaker:StopTrainingJob"), want: policy.ImplicitDeny, doc: docAction},
		{name: "inner-wildcard", policy: allow(`"iam:*AccessKey*"`, res), req: action("iam:UpdateAccessKey"), want: policy.Allowed, doc: docAction},
		{name: "inner-wildcard-miss", policy: allow(`"iam:*AccessKey*"`, res), req: action("iam:CreateUser"), want: policy.ImplicitDeny, doc: docAction},
		{name: "question-mark", policy: allow(`"s3:?etObject"`, res), req: action("s3:GetObject"), want: policy.Allowed, doc: docAction},
		{name: "question-mark-miss", policy: allow(`"s3:?etObject"`, res), req: action("s3:GGetObject"), want: policy.ImplicitDeny, doc: docAction},
		{name: "service-star", policy: allow(`"s3:*"`, res), req: action("s3:DeleteBucket"), want: policy.Allowed, doc: docAction},
		{name: "service-star-other", policy: allow(`"s3:*"`, res), req: action("sqs:SendMessage"), want: policy.ImplicitDeny, doc: docAction},
		{name: "all", policy: allow(`"*"`, res), req: action("ec2:RunInstances"), want: policy.Allowed, doc: docAction},
		{name: "wildcard-service", policy: allow(`"*:Get*"`, res), req: action("s3:GetObject"), want: policy.Allowed, doc: docAction},
		{name: "list", policy: allow(`["s3:GetObject","s3:PutObject"]`, res), req: action("s3:PutObject"), want: policy.Allowed, doc: docAction},
		{name: "list-miss", policy: allow(`["s3:GetObject","s3:PutObject"]`, res), req: action("s3:DeleteObject"), want: policy.ImplicitDeny, doc: docAction},
		{name: "mixed-list", policy: allow(`["s3:GetObject","sagemaker:List*","*:Describe*"]`, res), req: action("ec2:DescribeInstances"), want: policy.Allowed, doc: docAction},
		{name: "inner-wildcard-suffix", policy: allow(`"s3:Get*Tagging"`, res), req: action("s3:GETOBJECTTAGGING"), want: policy.Allowed, doc: docAction},
		{name: "inner-wildcard-suffix-miss", policy: allow(`"s3:Get*Tagging"`, res), req: action("s3:GetObjectAcl"), want: policy.ImplicitDeny, doc: docAction},
		{name: "inner-wildcard-too-short", policy: allow(`"s3:Get*Tagging"`, res), req: action("s3:GetTag"), want: policy.ImplicitDeny, doc: docAction},
	})
}

// NotAction matches every action except those listed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
func TestNotAction(t *testing.T) {
	p := `{"Version":"2012-10-17","Statement":[{"Sid":"N","Effect":"Allow","NotAction":["iam:*","s3:DeleteBucket"],"Resource":"*"}]}`
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"Y","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"D","Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}`
	runMatchCases(t, []matchCase{
		{name: "allow-unlisted", policy: p, req: action("s3:GetObject"), want: policy.Allowed, doc: docNotAction},
		{name: "listed-service", policy: p, req: action("iam:CreateUser"), want: policy.ImplicitDeny, doc: docNotAction},
		{name: "listed-case", policy: p, req: action("IAM:CreateUser"), want: policy.ImplicitDeny, doc: docNotAction},
		{name: "listed-action", policy: p, req: action("s3:DeleteBucket"), want: policy.ImplicitDeny, doc: docNotAction},
		{name: "deny-everything-but-s3", policy: deny, req: action("sqs:SendMessage"), want: policy.ExplicitDeny, doc: docNotAction, wantSids: []string{"Y", "D"}},
		{name: "deny-not-s3-lets-s3", policy: deny, req: action("s3:GetObject"), want: policy.Allowed, doc: docNotAction, wantSids: []string{"Y"}},
	})
}

// Resources match case-sensitively, with '*' and '?' that match across
// ':' and '/'. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func TestResourceMatching(t *testing.T) {
	a := `"s:a"`
	runMatchCases(t, []matchCase{
		{name: "star", policy: allow(a, `"*"`), req: resource("arn:aws:s3:::b/k"), want: policy.Allowed, doc: docResource},
		{name: "exact", policy: allow(a, `"arn:aws:s3:::b/k"`), req: resource("arn:aws:s3:::b/k"), want: policy.Allowed, doc: docResource},
		{name: "case-sensitive", policy: allow(a, `"arn:aws:s3:::b/K"`), req: resource("arn:aws:s3:::b/k"), want: policy.ImplicitDeny, doc: docResource},
		{name: "prefix", policy: allow(a, `"arn:aws:s3:::b/users/*"`), req: resource("arn:aws:s3:::b/users/alice/x"), want: policy.Allowed, doc: docResource},
		{name: "prefix-not-bucket", policy: allow(a, `"arn:aws:s3:::b/users/*"`), req: resource("arn:aws:s3:::b/other/x"), want: policy.ImplicitDeny, doc: docResource},
		{name: "star-spans-colons", policy: allow(a, `"arn:aws:sagemaker:*"`), req: resource("arn:aws:sagemaker:us-east-1:123456789012:training-job/j"), want: policy.Allowed, doc: docResource},
		{name: "segments", policy: allow(a, `"arn:aws:sagemaker:*:*:training-job/*"`), req: resource("arn:aws:sagemaker:us-east-1:123456789012:training-job/j"), want: policy.Allowed, doc: docResource},
		{name: "segments-other-type", policy: allow(a, `"arn:aws:sagemaker:*:*:training-job/*"`), req: resource("arn:aws:sagemaker:us-east-1:123456789012:model/j"), want: policy.ImplicitDeny, doc: docResource},
		{name: "question", policy: allow(a, `"arn:aws:s3:::b/?.txt"`), req: resource("arn:aws:s3:::b/a.txt"), want: policy.Allowed, doc: docResource},
		{name: "question-miss", policy: allow(a, `"arn:aws:s3:::b/?.txt"`), req: resource("arn:aws:s3:::b/ab.txt"), want: policy.ImplicitDeny, doc: docResource},
		{name: "inner-star", policy: allow(a, `"arn:aws:s3:::b/*/data/*"`), req: resource("arn:aws:s3:::b/x/y/data/z"), want: policy.Allowed, doc: docResource},
		{name: "list", policy: allow(a, `["arn:aws:s3:::x","arn:aws:s3:::b/*"]`), req: resource("arn:aws:s3:::b/k"), want: policy.Allowed, doc: docResource},
		{name: "bucket-vs-object", policy: allow(a, `"arn:aws:s3:::b/*"`), req: resource("arn:aws:s3:::b"), want: policy.ImplicitDeny, doc: docResource},
		{name: "request-star", policy: allow(a, `"arn:aws:s3:::b"`), req: resource("*"), want: policy.ImplicitDeny, doc: docResource},
	})
}

// NotResource matches every resource except those listed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
func TestNotResource(t *testing.T) {
	p := `{"Version":"2012-10-17","Statement":[{"Sid":"NR","Effect":"Allow","Action":"s:a","NotResource":["arn:aws:s3:::secret/*","arn:aws:s3:::hr"]}]}`
	d := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s:a","Resource":"*"},{"Sid":"D","Effect":"Deny","Action":"s:a","NotResource":"arn:aws:s3:::public/*"}]}`
	runMatchCases(t, []matchCase{
		{name: "other", policy: p, req: resource("arn:aws:s3:::b/k"), want: policy.Allowed, doc: docNotResource},
		{name: "excluded", policy: p, req: resource("arn:aws:s3:::secret/k"), want: policy.ImplicitDeny, doc: docNotResource},
		{name: "excluded-exact", policy: p, req: resource("arn:aws:s3:::hr"), want: policy.ImplicitDeny, doc: docNotResource},
		{name: "not-excluded-case", policy: p, req: resource("arn:aws:s3:::HR"), want: policy.Allowed, doc: docNotResource},
		{name: "deny-outside-public", policy: d, req: resource("arn:aws:s3:::private/k"), want: policy.ExplicitDeny, doc: docNotResource},
		{name: "public-allowed", policy: d, req: resource("arn:aws:s3:::public/k"), want: policy.Allowed, doc: docNotResource},
	})
}

// Effect, explicit deny over allow, implicit deny by default.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
func TestEffects(t *testing.T) {
	both := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s:*","Resource":"*"},{"Sid":"D","Effect":"Deny","Action":"s:a","Resource":"arn:aws:s3:::bucket/*"}]}`
	runMatchCases(t, []matchCase{
		{name: "deny-wins", policy: both, want: policy.ExplicitDeny, doc: docInterplay, wantSids: []string{"A", "D"}},
		{name: "deny-not-applicable", policy: both, req: resource("arn:aws:s3:::other/k"), want: policy.Allowed, doc: docInterplay, wantSids: []string{"A"}},
		{name: "nothing-applies", policy: both, req: action("x:y"), want: policy.ImplicitDeny, doc: docInterplay, wantSids: []string{}},
		{name: "single-statement-object", policy: `{"Version":"2012-10-17","Statement":{"Sid":"O","Effect":"Allow","Action":"s:a","Resource":"*"}}`, want: policy.Allowed, doc: docGrammar, wantSids: []string{"O"}},
	})
}

// Principal matching in resource-based policies: by ARN, by account (ID or
// root ARN), by service, and "*" / {"AWS": "*"}.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestPrincipalMatching(t *testing.T) {
	rp := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"P","Effect":"Allow","Principal":` + principal + `,"Action":"s:a","Resource":"*"}]}`
	}
	session := func(r *policy.Request) {
		r.Principal = policy.Caller{ARN: "arn:aws:sts::123456789012:assumed-role/Studio/alice", RoleARN: "arn:aws:iam::123456789012:role/Studio",
			Type: policy.PrincipalAssumedRole, Account: "123456789012"}
	}
	service := func(r *policy.Request) {
		r.Principal = policy.Caller{Type: policy.PrincipalService, Service: "sagemaker.amazonaws.com"}
	}
	other := func(r *policy.Request) {
		r.Principal = policy.Caller{ARN: "arn:aws:iam::210987654321:user/eve", Type: policy.PrincipalUser, Account: "210987654321"}
	}
	anon := func(r *policy.Request) { r.Principal = policy.Caller{Type: policy.PrincipalAnonymous} }
	k := policy.KindResource
	runMatchCases(t, []matchCase{
		{name: "star", kind: k, policy: rp(`"*"`), want: policy.Allowed, doc: docPrincipal},
		{name: "aws-star", kind: k, policy: rp(`{"AWS":"*"}`), req: other, want: policy.Allowed, doc: docPrincipal},
		{name: "star-anonymous", kind: k, policy: rp(`"*"`), req: anon, want: policy.Allowed, doc: docPrincipal},
		{name: "user-arn", kind: k, policy: rp(`{"AWS":"arn:aws:iam::123456789012:user/alice"}`), want: policy.Allowed, doc: docPrincipal},
		{name: "user-arn-other", kind: k, policy: rp(`{"AWS":"arn:aws:iam::123456789012:user/bob"}`), want: policy.ImplicitDeny, doc: docPrincipal},
		{name: "user-arn-anonymous", kind: k, policy: rp(`{"AWS":"arn:aws:iam::123456789012:user/alice"}`), req: anon, want: policy.ImplicitDeny, doc: docPrincipal},
		{name: "account-id", kind: k, policy: rp(`{"AWS":"123456789012"}`), want: policy.Allowed, doc: docPrincipal},
		{name: "account-root", kind: k, policy: rp(`{"AWS":"arn:aws:iam::123456789012:root"}`), want: policy.Allowed, doc: docPrincipal},
		{name: "account-root-other", kind: k, policy: rp(`{"AWS":"arn:aws:iam::123456789012:root"}`), req: other, want: policy.ImplicitDeny, doc: docPrincipal},
		{name: "account-list", kind: k, policy: rp(`{"AWS":["111111111111","210987654321"]}`), req: other, want: policy.Allowed, doc: docPrincipal},
		{name: "role-arn-matches-session", kind: k, policy: rp(`{"AWS":"arn:aws:iam::123456789012:role/Studio"}`), req: session, want: policy.Allowed, doc: docPrincipal},
		{name: "session-arn", kind: k, policy: rp(`{"AWS":"arn:aws:sts::123456789012:assumed-role/Studio/alice"}`), req: session, want: policy.Allowed, doc: docPrincipal},
		{name: "session-arn-other-session", kind: k, policy: rp(`{"AWS":"arn:aws:sts::123456789012:assumed-role/Studio/bob"}`), req: session, want: policy.ImplicitDeny, doc: docPrincipal},
		{name: "service", kind: k, policy: rp(`{"Service":"sagemaker.amazonaws.com"}`), req: service, want: policy.Allowed, doc: docPrincipal},
		{name: "service-other", kind: k, policy: rp(`{"Service":"ec2.amazonaws.com"}`), req: service, want: policy.ImplicitDeny, doc: docPrincipal},
		{name: "service-not-user", kind: k, policy: rp(`{"Service":"sagemaker.amazonaws.com"}`), want: policy.ImplicitDeny, doc: docPrincipal},
		{name: "account-not-service", kind: k, policy: rp(`{"AWS":"123456789012"}`), req: service, want: policy.ImplicitDeny, doc: docPrincipal},
		{name: "federated", kind: k, policy: rp(`{"Federated":"cognito-identity.amazonaws.com"}`), req: func(r *policy.Request) {
			r.Principal = policy.Caller{Type: policy.PrincipalFederatedUser, Service: "cognito-identity.amazonaws.com", Account: "123456789012"}
		}, want: policy.Allowed, doc: docPrincipal},
		{name: "canonical-user", kind: k, policy: rp(`{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`), req: func(r *policy.Request) {
			r.Principal.UserID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
		}, want: policy.Allowed, doc: docPrincipal},
	})
}

// A role trust policy has no Resource: the role is the resource.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestTrustPolicy(t *testing.T) {
	p := `{"Version":"2012-10-17","Statement":[{"Sid":"T","Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	svc := func(name string) func(*policy.Request) {
		return func(r *policy.Request) {
			r.Principal = policy.Caller{Type: policy.PrincipalService, Service: name}
			r.Action, r.Resource = "sts:AssumeRole", "arn:aws:iam::123456789012:role/Studio"
		}
	}
	runMatchCases(t, []matchCase{
		{name: "service-assumes", kind: policy.KindTrust, policy: p, req: svc("sagemaker.amazonaws.com"), want: policy.Allowed, doc: docPrincipal},
		{name: "other-service", kind: policy.KindTrust, policy: p, req: svc("ec2.amazonaws.com"), want: policy.ImplicitDeny, doc: docPrincipal},
	})
}

// NotPrincipal: the statement applies to every principal except those
// listed. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func TestNotPrincipal(t *testing.T) {
	p := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":"s:a","Resource":"*"},
		{"Sid":"D","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:user/alice","arn:aws:iam::123456789012:root"]},"Action":"s:a","Resource":"*"}]}`
	k := policy.KindResource
	runMatchCases(t, []matchCase{
		{name: "excluded-user", kind: k, policy: p, want: policy.Allowed, doc: docNotPrinc, wantSids: []string{"A"}},
		{name: "account-excludes-every-principal-in-it", kind: k, policy: p, req: func(r *policy.Request) {
			r.Principal.ARN, r.Principal.UserName = "arn:aws:iam::123456789012:user/bob", "bob"
		}, want: policy.Allowed, doc: docNotPrinc, wantSids: []string{"A"}},
		{name: "other-account", kind: k, policy: p, req: func(r *policy.Request) {
			r.Principal = policy.Caller{ARN: "arn:aws:iam::210987654321:user/eve", Type: policy.PrincipalUser, Account: "210987654321"}
		}, want: policy.ExplicitDeny, doc: docNotPrinc, wantSids: []string{"A", "D"}},
	})
}
