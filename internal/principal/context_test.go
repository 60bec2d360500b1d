package principal_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/policy"
	"abacus/internal/principal"
)

// TestContext encodes, key by key, when AWS includes each global condition
// key in the request context and with which value, as
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
// documents it:
//   - aws:PrincipalType is "Account" for the root user, "User" for an IAM
//     user and "AssumedRole" for a role session;
//   - aws:PrincipalArn of a role session is the role's ARN, not the
//     session's;
//   - aws:userid is the account ID for the root, the unique ID for a user
//     and ROLEID:SESSIONNAME for a role session; aws:username is set for IAM
//     users only;
//   - aws:TokenIssueTime and aws:MultiFactorAuthPresent are present only in
//     requests signed with temporary credentials;
//   - aws:ViaAWSService and aws:PrincipalIsAWSService are "false" for calls
//     a principal makes directly; aws:CalledVia is absent then.
func TestContext(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	issued := time.Date(2026, 3, 4, 4, 0, 0, 0, time.UTC)
	req := principal.Request{SourceIP: "192.0.2.10:53211", UserAgent: "aws-cli/2.17", Region: "eu-west-1", Time: now, SecureTransport: true}
	common := func(m map[string][]string) map[string][]string {
		m["aws:CurrentTime"] = []string{"2026-03-04T05:06:07Z"}
		m["aws:EpochTime"] = []string{"1772600767"}
		m["aws:SecureTransport"] = []string{"true"}
		m["aws:ViaAWSService"] = []string{"false"}
		m["aws:PrincipalIsAWSService"] = []string{"false"}
		m["aws:RequestedRegion"] = []string{"eu-west-1"}
		m["aws:SourceIp"] = []string{"192.0.2.10"}
		m["aws:UserAgent"] = []string{"aws-cli/2.17"}
		return m
	}
	tests := []struct {
		name string
		p    model.Principal
		req  principal.Request
		want map[string][]string
	}{
		{
			name: "root with long-term keys",
			p:    model.Principal{Type: model.PrincipalRoot, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:root", ID: "123456789012"},
			req:  req,
			want: common(map[string][]string{
				"aws:PrincipalArn":     {"arn:aws:iam::123456789012:root"},
				"aws:PrincipalAccount": {"123456789012"},
				"aws:PrincipalType":    {"Account"},
				"aws:userid":           {"123456789012"},
			}),
		},
		{
			name: "IAM user with tags",
			p: model.Principal{Type: model.PrincipalIAMUser, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:user/ml/alice",
				ID: "AIDAEXAMPLEEXAMPLEEX", UserName: "alice", Tags: map[string]string{"team": "ml"}},
			req: req,
			want: common(map[string][]string{
				"aws:PrincipalArn":      {"arn:aws:iam::123456789012:user/ml/alice"},
				"aws:PrincipalAccount":  {"123456789012"},
				"aws:PrincipalType":     {"User"},
				"aws:userid":            {"AIDAEXAMPLEEXAMPLEEX"},
				"aws:username":          {"alice"},
				"aws:PrincipalTag/team": {"ml"},
			}),
		},
		{
			name: "IAM user with GetSessionToken credentials",
			p: model.Principal{Type: model.PrincipalIAMUser, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:user/alice",
				ID: "AIDAEXAMPLEEXAMPLEEX", UserName: "alice", Temporary: true, IssuedAt: issued},
			req: req,
			want: common(map[string][]string{
				"aws:PrincipalArn":           {"arn:aws:iam::123456789012:user/alice"},
				"aws:PrincipalAccount":       {"123456789012"},
				"aws:PrincipalType":          {"User"},
				"aws:userid":                 {"AIDAEXAMPLEEXAMPLEEX"},
				"aws:username":               {"alice"},
				"aws:TokenIssueTime":         {"2026-03-04T04:00:00Z"},
				"aws:MultiFactorAuthPresent": {"false"},
			}),
		},
		{
			name: "role session with source identity, tags and context keys",
			p: model.Principal{Type: model.PrincipalAssumedRole, AccountID: "123456789012",
				ARN: "arn:aws:sts::123456789012:assumed-role/Exec/SageMaker", ID: "AROAEXAMPLEEXAMPLEEX:SageMaker",
				Tags: map[string]string{"team": "ml", "env": "dev"}, Temporary: true, IssuedAt: issued,
				Session: &model.RoleSession{RoleName: "Exec", RoleARN: "arn:aws:iam::123456789012:role/service/Exec",
					RoleID: "AROAEXAMPLEEXAMPLEEX", Name: "SageMaker", SourceIdentity: "alice",
					ContextKeys: map[string][]string{"sagemaker:DomainId": {"d-abc"}, "sagemaker:UserProfileName": {"alice"}}}},
			req: principal.Request{Time: now, SourceIP: "2001:db8::1", Region: "us-east-1"},
			want: map[string][]string{
				"aws:PrincipalArn":           {"arn:aws:iam::123456789012:role/service/Exec"},
				"aws:PrincipalAccount":       {"123456789012"},
				"aws:PrincipalType":          {"AssumedRole"},
				"aws:userid":                 {"AROAEXAMPLEEXAMPLEEX:SageMaker"},
				"aws:PrincipalTag/team":      {"ml"},
				"aws:PrincipalTag/env":       {"dev"},
				"aws:SourceIdentity":         {"alice"},
				"sagemaker:DomainId":         {"d-abc"},
				"sagemaker:UserProfileName":  {"alice"},
				"aws:TokenIssueTime":         {"2026-03-04T04:00:00Z"},
				"aws:MultiFactorAuthPresent": {"false"},
				"aws:CurrentTime":            {"2026-03-04T05:06:07Z"},
				"aws:EpochTime":              {"1772600767"},
				"aws:SecureTransport":        {"false"},
				"aws:ViaAWSService":          {"false"},
				"aws:PrincipalIsAWSService":  {"false"},
				"aws:RequestedRegion":        {"us-east-1"},
				"aws:SourceIp":               {"2001:db8::1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := principal.Context(&tt.p, tt.req)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Context (-want +got):\n%s", diff)
			}
		})
	}
}

func TestContextDoesNotAlias(t *testing.T) {
	t.Parallel()
	p := model.Principal{Type: model.PrincipalAssumedRole, Session: &model.RoleSession{
		ContextKeys: map[string][]string{"sagemaker:DomainId": {"d-1"}}}}
	m := principal.Context(&p, principal.Request{})
	m["sagemaker:DomainId"][0] = "changed"
	if p.Session.ContextKeys["sagemaker:DomainId"][0] != "d-1" {
		t.Fatal("Context returned the session's own slice")
	}
}

func TestPrincipalHelpers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p        model.Principal
		typ, arn string
	}{
		{model.Principal{Type: model.PrincipalRoot, ARN: "arn:aws:iam::1:root"}, "Account", "arn:aws:iam::1:root"},
		{model.Principal{Type: model.PrincipalIAMUser, ARN: "arn:aws:iam::1:user/u"}, "User", "arn:aws:iam::1:user/u"},
		{model.Principal{Type: model.PrincipalAssumedRole, ARN: "arn:aws:sts::1:assumed-role/r/s",
			Session: &model.RoleSession{RoleARN: "arn:aws:iam::1:role/r"}}, "AssumedRole", "arn:aws:iam::1:role/r"},
	}
	for _, tt := range tests {
		if got := principal.PrincipalTypeOf(&tt.p); got != tt.typ {
			t.Errorf("PrincipalTypeOf(%s) = %q, want %q", tt.p.Type, got, tt.typ)
		}
		if got := principal.PrincipalARN(&tt.p); got != tt.arn {
			t.Errorf("PrincipalARN(%s) = %q, want %q", tt.p.Type, got, tt.arn)
		}
	}
}

func BenchmarkContext(b *testing.B) {
	p := model.Principal{Type: model.PrincipalAssumedRole, AccountID: "123456789012",
		ARN: "arn:aws:sts::123456789012:assumed-role/Exec/SageMaker", ID: "AROAEXAMPLEEXAMPLEEX:SageMaker",
		Tags: map[string]string{"team": "ml"}, Temporary: true,
		Session: &model.RoleSession{RoleARN: "arn:aws:iam::123456789012:role/Exec", SourceIdentity: "alice"}}
	r := principal.Request{SourceIP: "10.0.0.1", Region: "us-east-1", Time: time.Unix(1, 0)}
	b.ReportAllocs()
	for b.Loop() {
		_ = principal.Context(&p, r)
	}
}

func TestCallerAndNewRequest(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	p := &model.Principal{Type: model.PrincipalAssumedRole, AccountID: "123456789012",
		ARN: "arn:aws:sts::123456789012:assumed-role/Exec/s", ID: "AROAEXAMPLEEXAMPLEEX:s",
		Tags: map[string]string{"team": "ml"}, Temporary: true, IssuedAt: now,
		Session: &model.RoleSession{RoleARN: "arn:aws:iam::123456789012:role/Exec", SourceIdentity: "alice"}}
	c := principal.Caller(p)
	want := policy.Caller{ARN: p.ARN, RoleARN: "arn:aws:iam::123456789012:role/Exec", Type: policy.PrincipalAssumedRole,
		Account: "123456789012", UserID: p.ID, SourceIdentity: "alice", Tags: []policy.Tag{{Key: "team", Value: "ml"}}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Caller (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		p    model.Principal
		typ  policy.PrincipalType
		user string
	}{
		{model.Principal{Type: model.PrincipalRoot}, policy.PrincipalAccount, ""},
		{model.Principal{Type: model.PrincipalIAMUser, UserName: "bob"}, policy.PrincipalUser, "bob"},
	} {
		if c := principal.Caller(&tt.p); c.Type != tt.typ || c.UserName != tt.user {
			t.Errorf("Caller(%s) = %+v", tt.p.Type, c)
		}
	}

	req := principal.NewRequest(p, principal.Request{Time: now, Region: "us-east-1", SourceIP: "[2001:db8::1]:443"}, "s3:GetObject", "arn:aws:s3:::b/k",
		map[string][]string{"aws:TagKeys": {"team"}, "aws:RequestedRegion": {"override"}, "s3:prefix": {"a", "b"}})
	if req.Action != "s3:GetObject" || req.Resource != "arn:aws:s3:::b/k" || !req.Time.Equal(now) {
		t.Errorf("request = %+v", req)
	}
	// Every global key, whether the engine derives it from the caller or
	// NewRequest sets it, must reach a condition.
	conds := map[string]string{
		"aws:PrincipalArn":           `"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Exec"}`,
		"aws:PrincipalType":          `"StringEquals":{"aws:PrincipalType":"AssumedRole"}`,
		"aws:PrincipalAccount":       `"StringEquals":{"aws:PrincipalAccount":"123456789012"}`,
		"aws:userid":                 `"StringEquals":{"aws:userid":"AROAEXAMPLEEXAMPLEEX:s"}`,
		"aws:SourceIdentity":         `"StringEquals":{"aws:SourceIdentity":"alice"}`,
		"aws:PrincipalTag/team":      `"StringEquals":{"aws:PrincipalTag/team":"ml"}`,
		"aws:CurrentTime":            `"DateEquals":{"aws:CurrentTime":"2026-03-04T05:06:07Z"}`,
		"aws:EpochTime":              `"NumericEquals":{"aws:EpochTime":"1772600767"}`,
		"aws:TokenIssueTime":         `"DateEquals":{"aws:TokenIssueTime":"2026-03-04T05:06:07Z"}`,
		"aws:MultiFactorAuthPresent": `"Bool":{"aws:MultiFactorAuthPresent":"false"}`,
		"aws:SecureTransport":        `"Bool":{"aws:SecureTransport":"false"}`,
		"aws:ViaAWSService":          `"Bool":{"aws:ViaAWSService":"false"}`,
		"aws:RequestedRegion":        `"StringEquals":{"aws:RequestedRegion":"override"}`,
		"aws:SourceIp":               `"IpAddress":{"aws:SourceIp":"2001:db8::/32"}`,
		"aws:TagKeys":                `"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}`,
		"s3:prefix":                  `"ForAnyValue:StringEquals":{"s3:prefix":"b"}`,
		"aws:username absent":        `"Null":{"aws:username":"true"}`,
		"aws:CalledVia absent":       `"Null":{"aws:CalledVia":"true"}`,
	}
	for name, cond := range conds {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{` + cond + `}}]}`
		pol, err := policy.CompileJSON([]byte(doc), policy.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := policy.NewSet(pol).Decide(req); d != policy.Allowed {
			t.Errorf("%s: condition %s is %s", name, cond, d)
		}
	}
	if vs, ok := req.Context.Get("aws:TagKeys"); !ok || len(vs) != 1 {
		t.Errorf("aws:TagKeys = %v", vs)
	}
	for _, e := range req.Context.Entries() {
		if e.Key == "aws:TagKeys" && !e.Multi {
			t.Error("aws:TagKeys is not multivalued")
		}
	}
}

func BenchmarkAppendContext(b *testing.B) {
	p := model.Principal{Type: model.PrincipalAssumedRole, AccountID: "123456789012",
		ARN: "arn:aws:sts::123456789012:assumed-role/Exec/SageMaker", ID: "AROAEXAMPLEEXAMPLEEX:SageMaker",
		Tags: map[string]string{"team": "ml"}, Temporary: true, IssuedAt: time.Unix(1, 0),
		Session: &model.RoleSession{RoleARN: "arn:aws:iam::123456789012:role/Exec", SourceIdentity: "alice"}}
	r := principal.Request{SourceIP: "10.0.0.1:5555", Region: "us-east-1", UserAgent: "aws-cli/2", Time: time.Unix(1, 0)}
	b.ReportAllocs()
	for b.Loop() {
		var c policy.Context
		principal.AppendContext(&c, &p, r)
	}
}
