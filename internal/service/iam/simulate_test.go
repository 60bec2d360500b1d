package iam_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/service/iam"
)

const sageMakerPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Notebooks",
      "Effect": "Allow",
      "Action": ["sagemaker:CreateNotebookInstance", "sagemaker:StartNotebookInstance", "sagemaker:StopNotebookInstance",
                 "sagemaker:DescribeNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
      "Resource": "*"
    },
    {
      "Sid": "NoProd",
      "Effect": "Deny",
      "Action": "sagemaker:*",
      "Resource": "arn:aws:sagemaker:*:*:notebook-instance/prod-*"
    }
  ]
}`

func decisions(out *iam.SimulatePolicyResponse) map[string]string {
	m := map[string]string{}
	for _, r := range out.EvaluationResults {
		m[r.EvalActionName+" "+*r.EvalResourceName] = r.EvalDecision
		for _, rs := range r.ResourceSpecificResults {
			m[r.EvalActionName+" @"+rs.EvalResourceName] = rs.EvalResourceDecision
		}
	}
	return m
}

// The decisions follow the evaluation logic: an explicit deny wins, an
// allow is needed, anything else is an implicit deny
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
func TestSimulateCustomPolicy(t *testing.T) {
	f := newFixture(t)
	dev := "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/dev-1"
	prod := "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/prod-1"
	out := must[*iam.SimulatePolicyResponse](t)(f.svc.SimulateCustomPolicy(f.ctx, f.c, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{sageMakerPolicy},
		ActionNames:     []string{"sagemaker:StartNotebookInstance", "sagemaker:DeleteNotebookInstance"},
		ResourceArns:    []string{dev, prod},
	}))
	want := map[string]string{
		"sagemaker:StartNotebookInstance *":         "explicitDeny",
		"sagemaker:StartNotebookInstance @" + dev:   "allowed",
		"sagemaker:StartNotebookInstance @" + prod:  "explicitDeny",
		"sagemaker:DeleteNotebookInstance *":        "explicitDeny",
		"sagemaker:DeleteNotebookInstance @" + dev:  "implicitDeny",
		"sagemaker:DeleteNotebookInstance @" + prod: "explicitDeny",
	}
	if diff := cmp.Diff(want, decisions(out)); diff != "" {
		t.Errorf("decisions (-want +got):\n%s", diff)
	}
	// The matched statement of the allow names its policy and position.
	allow := out.EvaluationResults[0].ResourceSpecificResults[0].MatchedStatements
	wantStmt := []iam.Statement{{
		SourcePolicyId: s("PolicyInputList.1"), SourcePolicyType: s("none"),
		StartPosition: &iam.Position{Line: i32(4), Column: i32(5)}, EndPosition: &iam.Position{Line: i32(10), Column: i32(6)},
	}}
	if diff := cmp.Diff(wantStmt, allow); diff != "" {
		t.Errorf("matched statements (-want +got):\n%s", diff)
	}
	deny := out.EvaluationResults[0].MatchedStatements
	if len(deny) != 1 || *deny[0].StartPosition.Line != 11 {
		t.Errorf("top-level matched statements = %+v", deny)
	}
}

func TestSimulateContext(t *testing.T) {
	f := newFixture(t)
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
	  "Resource":"arn:aws:s3:::my-bucket/users/${aws:SourceIdentity}/*",
	  "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"StringEquals":{"aws:PrincipalTag/team":["ml","data"]}}}]}`
	tests := []struct {
		name    string
		entries []iam.ContextEntry
		want    string
		missing []string
	}{
		{"all keys", []iam.ContextEntry{
			{ContextKeyName: s("aws:SourceIdentity"), ContextKeyValues: []string{"alice"}, ContextKeyType: s("string")},
			{ContextKeyName: s("aws:SourceIp"), ContextKeyValues: []string{"10.1.2.3"}, ContextKeyType: s("ip")},
			{ContextKeyName: s("aws:PrincipalTag/team"), ContextKeyValues: []string{"ml"}, ContextKeyType: s("string")},
		}, "allowed", []string{}},
		{"wrong address", []iam.ContextEntry{
			{ContextKeyName: s("aws:SourceIdentity"), ContextKeyValues: []string{"alice"}},
			{ContextKeyName: s("aws:SourceIp"), ContextKeyValues: []string{"192.168.0.1"}, ContextKeyType: s("ip")},
			{ContextKeyName: s("aws:PrincipalTag/team"), ContextKeyValues: []string{"ml"}},
		}, "implicitDeny", []string{}},
		{"other user's prefix", []iam.ContextEntry{
			{ContextKeyName: s("aws:SourceIdentity"), ContextKeyValues: []string{"bob"}},
			{ContextKeyName: s("aws:SourceIp"), ContextKeyValues: []string{"10.1.2.3"}, ContextKeyType: s("ip")},
			{ContextKeyName: s("aws:PrincipalTag/team"), ContextKeyValues: []string{"ml"}},
		}, "implicitDeny", []string{}},
		{"missing keys", nil, "implicitDeny", []string{"aws:PrincipalTag/team", "aws:SourceIdentity", "aws:SourceIp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := must[*iam.SimulatePolicyResponse](t)(f.svc.SimulateCustomPolicy(f.ctx, f.c, &iam.SimulateCustomPolicyInput{
				PolicyInputList: []string{pol}, ActionNames: []string{"s3:GetObject"},
				ResourceArns: []string{"arn:aws:s3:::my-bucket/users/alice/data.csv"}, ContextEntries: tt.entries,
			}))
			r := out.EvaluationResults[0]
			if r.EvalDecision != tt.want {
				t.Errorf("decision = %s, want %s", r.EvalDecision, tt.want)
			}
			if diff := cmp.Diff(tt.missing, r.ResourceSpecificResults[0].MissingContextValues); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
		})
	}
	_, err := f.svc.SimulateCustomPolicy(f.ctx, f.c, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{pol}, ActionNames: []string{"s3:GetObject"},
		ContextEntries: []iam.ContextEntry{{ContextKeyName: s("aws:SourceIp"), ContextKeyValues: []string{"not-an-ip"}, ContextKeyType: s("ip")}},
	})
	wantErr(t, err, iam.ErrInvalidInput, "not-an-ip")
	_, err = f.svc.SimulateCustomPolicy(f.ctx, f.c, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{"{"}, ActionNames: []string{"s3:GetObject"}})
	wantErr(t, err, iam.ErrInvalidInput, "PolicyInputList.1")
}

func TestGetContextKeys(t *testing.T) {
	f := newFixture(t)
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:DescribeTrainingJob","Resource":"arn:aws:sagemaker:*:*:training-job/*",
	  "Condition":{"StringLike":{"sagemaker:ResourceTag/sagemaker:user-profile-arn":"arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"}}}]}`
	out := must[*iam.GetContextKeysForPolicyResponse](t)(f.svc.GetContextKeysForCustomPolicy(f.ctx, f.c, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{pol}}))
	want := []string{"sagemaker:DomainId", "sagemaker:ResourceTag/sagemaker:user-profile-arn", "sagemaker:UserProfileName"}
	if diff := cmp.Diff(want, out.ContextKeyNames); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	f.createUser(t, "alice")
	f.createGroup(t, "g")
	must[*iam.AddUserToGroupOutput](t)(f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "g", UserName: "alice"}))
	must[*iam.PutGroupPolicyOutput](t)(f.svc.PutGroupPolicy(f.ctx, f.c, &iam.PutGroupPolicyInput{GroupName: "g", PolicyName: "p", PolicyDocument: pol}))
	pout := must[*iam.GetContextKeysForPolicyResponse](t)(f.svc.GetContextKeysForPrincipalPolicy(f.ctx, f.c, &iam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: "arn:aws:iam::123456789012:user/alice"}))
	if diff := cmp.Diff(want, pout.ContextKeyNames); diff != "" {
		t.Errorf("principal keys (-want +got):\n%s", diff)
	}
}

// SimulatePrincipalPolicy includes the policies of the user's groups and
// caps them with the user's permissions boundary
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
func TestSimulatePrincipalPolicy(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "alice")
	f.createUser(t, "mallory")
	f.createGroup(t, "ML-Team")
	arn := f.createPolicy(t, "SageMaker-Policy", sageMakerPolicy)
	must[*iam.AttachGroupPolicyOutput](t)(f.svc.AttachGroupPolicy(f.ctx, f.c, &iam.AttachGroupPolicyInput{GroupName: "ML-Team", PolicyArn: arn}))
	must[*iam.AddUserToGroupOutput](t)(f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "ML-Team", UserName: "alice"}))
	sim := func(user string, actions ...string) *iam.SimulatePolicyResponse {
		return must[*iam.SimulatePolicyResponse](t)(f.svc.SimulatePrincipalPolicy(f.ctx, f.c, &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: "arn:aws:iam::123456789012:user/" + user, ActionNames: actions,
		}))
	}
	a := sim("alice", "sagemaker:CreateNotebookInstance")
	if r := a.EvaluationResults[0]; r.EvalDecision != "allowed" || len(r.MatchedStatements) != 1 || *r.MatchedStatements[0].SourcePolicyId != "SageMaker-Policy" || *r.MatchedStatements[0].SourcePolicyType != "user-managed" {
		t.Errorf("alice = %+v", r)
	}
	if r := sim("mallory", "sagemaker:CreateNotebookInstance").EvaluationResults[0]; r.EvalDecision != "implicitDeny" {
		t.Errorf("mallory = %s", r.EvalDecision)
	}
	bnd := f.createPolicy(t, "OnlyDescribe", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:Describe*","Resource":"*"}]}`)
	must[*iam.PutUserPermissionsBoundaryOutput](t)(f.svc.PutUserPermissionsBoundary(f.ctx, f.c, &iam.PutUserPermissionsBoundaryInput{UserName: "alice", PermissionsBoundary: bnd}))
	b := sim("alice", "sagemaker:CreateNotebookInstance", "sagemaker:DescribeNotebookInstance")
	if r := b.EvaluationResults[0]; r.EvalDecision != "implicitDeny" || r.PermissionsBoundaryDecisionDetail == nil || *r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
		t.Errorf("create under boundary = %+v", r)
	}
	if r := b.EvaluationResults[1]; r.EvalDecision != "allowed" || !*r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
		t.Errorf("describe under boundary = %+v", r)
	}
	// Results page like every IAM list.
	p1 := must[*iam.SimulatePolicyResponse](t)(f.svc.SimulatePrincipalPolicy(f.ctx, f.c, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: "arn:aws:iam::123456789012:user/alice", ActionNames: []string{"a:b", "c:d", "e:f"}, MaxItems: i32(2),
	}))
	if len(p1.EvaluationResults) != 2 || !p1.IsTruncated || p1.Marker == nil {
		t.Errorf("page 1 = %+v", p1)
	}
	_, err := f.svc.SimulatePrincipalPolicy(f.ctx, f.c, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: "arn:aws:iam::123456789012:user/nobody", ActionNames: []string{"s3:GetObject"}})
	wantErr(t, err, iam.ErrNoSuchEntity, "The user with name nobody cannot be found.")
	_, err = f.svc.SimulatePrincipalPolicy(f.ctx, f.c, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: "arn:aws:iam::999999999999:user/x", ActionNames: []string{"s3:GetObject"}})
	wantErr(t, err, iam.ErrInvalidInput, "PolicySourceArn")
}

// A resource-based policy alone grants same-account access to the caller
// it names; across accounts both sides must allow
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
func TestSimulateResourcePolicy(t *testing.T) {
	f := newFixture(t)
	bucket := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	none := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`
	run := func(owner *string) iam.EvaluationResult {
		out := must[*iam.SimulatePolicyResponse](t)(f.svc.SimulateCustomPolicy(f.ctx, f.c, &iam.SimulateCustomPolicyInput{
			PolicyInputList: []string{none}, ResourcePolicy: s(bucket), CallerArn: s("arn:aws:iam::123456789012:user/alice"),
			ResourceOwner: owner, ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::b/k"},
		}))
		return out.EvaluationResults[0]
	}
	if r := run(nil); r.EvalDecision != "allowed" || len(r.EvalDecisionDetails) != 0 || r.EvalDecisionDetails == nil {
		t.Errorf("same account = %s %v", r.EvalDecision, r.EvalDecisionDetails)
	}
	r := run(s("999999999999"))
	if r.EvalDecision != "implicitDeny" {
		t.Errorf("cross account = %s", r.EvalDecision)
	}
	if d := r.ResourceSpecificResults[0].EvalDecisionDetails; d["IAM Policy"] != "implicitDeny" || d["Resource Policy"] != "allowed" {
		t.Errorf("cross-account details = %v", d)
	}
}

// Each ContextKeyType reaches the condition operators of its type, single
// values and lists alike
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
func TestSimulateContextKeyTypes(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name      string
		condition string
		entry     iam.ContextEntry
		want      string
	}{
		{"string", `{"StringEquals":{"s3:prefix":"home/"}}`, iam.ContextEntry{ContextKeyName: s("s3:prefix"), ContextKeyValues: []string{"home/"}, ContextKeyType: s("string")}, "allowed"},
		{"stringList any", `{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}`, iam.ContextEntry{ContextKeyName: s("aws:TagKeys"), ContextKeyValues: []string{"env", "team"}, ContextKeyType: s("stringList")}, "allowed"},
		{"stringList all", `{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}`, iam.ContextEntry{ContextKeyName: s("aws:TagKeys"), ContextKeyValues: []string{"env", "owner"}, ContextKeyType: s("stringList")}, "implicitDeny"},
		{"numeric", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, iam.ContextEntry{ContextKeyName: s("s3:max-keys"), ContextKeyValues: []string{"7"}, ContextKeyType: s("numeric")}, "allowed"},
		{"numericList", `{"ForAnyValue:NumericEquals":{"ec2:Ports":"22"}}`, iam.ContextEntry{ContextKeyName: s("ec2:Ports"), ContextKeyValues: []string{"80", "443"}, ContextKeyType: s("numericList")}, "implicitDeny"},
		{"boolean", `{"Bool":{"aws:SecureTransport":"true"}}`, iam.ContextEntry{ContextKeyName: s("aws:SecureTransport"), ContextKeyValues: []string{"true"}, ContextKeyType: s("boolean")}, "allowed"},
		{"date", `{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}`, iam.ContextEntry{ContextKeyName: s("aws:CurrentTime"), ContextKeyValues: []string{"2026-05-01T00:00:00Z"}, ContextKeyType: s("date")}, "allowed"},
		{"date late", `{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}`, iam.ContextEntry{ContextKeyName: s("aws:CurrentTime"), ContextKeyValues: []string{"2031-05-01T00:00:00Z"}, ContextKeyType: s("date")}, "implicitDeny"},
		{"ip", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, iam.ContextEntry{ContextKeyName: s("aws:SourceIp"), ContextKeyValues: []string{"203.0.113.9"}, ContextKeyType: s("ip")}, "allowed"},
		{"ipList", `{"ForAnyValue:IpAddress":{"x:addrs":"10.0.0.0/8"}}`, iam.ContextEntry{ContextKeyName: s("x:addrs"), ContextKeyValues: []string{"192.0.2.1", "10.2.3.4"}, ContextKeyType: s("ipList")}, "allowed"},
		{"binary", `{"BinaryEquals":{"x:blob":"QmluYXJ5"}}`, iam.ContextEntry{ContextKeyName: s("x:blob"), ContextKeyValues: []string{"QmluYXJ5"}, ContextKeyType: s("binary")}, "allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":` + tt.condition + `}]}`
			out := must[*iam.SimulatePolicyResponse](t)(f.svc.SimulateCustomPolicy(f.ctx, f.c, &iam.SimulateCustomPolicyInput{
				PolicyInputList: []string{pol}, ActionNames: []string{"s3:ListBucket"}, ContextEntries: []iam.ContextEntry{tt.entry},
			}))
			if got := out.EvaluationResults[0].EvalDecision; got != tt.want {
				t.Errorf("decision = %s, want %s", got, tt.want)
			}
		})
	}
	bad := []iam.ContextEntry{
		{ContextKeyName: s("s3:max-keys"), ContextKeyValues: []string{"ten"}, ContextKeyType: s("numeric")},
		{ContextKeyName: s("aws:SecureTransport"), ContextKeyValues: []string{"yes"}, ContextKeyType: s("boolean")},
		{ContextKeyName: s("aws:CurrentTime"), ContextKeyValues: []string{"tomorrow"}, ContextKeyType: s("date")},
		{ContextKeyName: s("x:blob"), ContextKeyValues: []string{"%%%"}, ContextKeyType: s("binary")},
		{ContextKeyName: s("s3:prefix"), ContextKeyValues: []string{"a", "b"}, ContextKeyType: s("string")},
	}
	for _, e := range bad {
		_, err := f.svc.SimulateCustomPolicy(f.ctx, f.c, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allowAll}, ActionNames: []string{"s3:ListBucket"}, ContextEntries: []iam.ContextEntry{e}})
		wantErr(t, err, iam.ErrInvalidInput, *e.ContextKeyName)
	}
	_, err := f.svc.SimulateCustomPolicy(f.ctx, f.c, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allowAll}, ActionNames: []string{"s3:ListBucket"},
		ContextEntries: []iam.ContextEntry{{ContextKeyName: s("aa:bb"), ContextKeyValues: []string{"x"}, ContextKeyType: s("text")}}})
	wantErr(t, err, iam.ErrValidation, "contextKeyType")
}
