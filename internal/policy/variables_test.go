package policy_test

import (
	"testing"

	"abacus/internal/policy"
)

// Policy variables in Resource and condition values, substituted from the
// request at evaluation time.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestPolicyVariables(t *testing.T) {
	res := func(version, pattern string) string {
		ver := ""
		if version != "" {
			ver = `"Version":"` + version + `",`
		}
		return `{` + ver + `"Statement":[{"Sid":"V","Effect":"Allow","Action":"s:a","Resource":"` + pattern + `"}]}`
	}
	studio := func(r *policy.Request) {
		r.Principal = policy.Caller{ARN: "arn:aws:sts::123456789012:assumed-role/Studio/alice", RoleARN: "arn:aws:iam::123456789012:role/Studio",
			Type: policy.PrincipalAssumedRole, Account: "123456789012", UserID: "AROAEXAMPLE:alice", SourceIdentity: "alice",
			Tags: []policy.Tag{{Key: "team", Value: "ml"}}}
		r.Context.Set("sagemaker:DomainId", "d-abc")
		r.Context.Set("sagemaker:UserProfileName", "alice")
	}
	with := func(fs ...func(*policy.Request)) func(*policy.Request) {
		return func(r *policy.Request) {
			for _, f := range fs {
				f(r)
			}
		}
	}
	v12 := policy.Version2012
	runMatchCases(t, []matchCase{
		{name: "username", policy: res(v12, "arn:aws:s3:::b/home/${aws:username}/*"), req: resource("arn:aws:s3:::b/home/alice/x"), want: policy.Allowed, doc: docVariables},
		{name: "username-other", policy: res(v12, "arn:aws:s3:::b/home/${aws:username}/*"), req: resource("arn:aws:s3:::b/home/bob/x"), want: policy.ImplicitDeny, doc: docVariables},
		{name: "username-key-case", policy: res(v12, "arn:aws:s3:::b/home/${AWS:UserName}/*"), req: resource("arn:aws:s3:::b/home/alice/x"), want: policy.Allowed, doc: docVariables},
		{name: "userid", policy: res(v12, "arn:aws:s3:::b/${aws:userid}"), req: resource("arn:aws:s3:::b/AIDAEXAMPLE"), want: policy.Allowed, doc: docVariables},
		{name: "source-identity", policy: res(v12, "arn:aws:s3:::b/users/${aws:SourceIdentity}/*"), req: with(studio, resource("arn:aws:s3:::b/users/alice/f")), want: policy.Allowed, doc: docVariables},
		{name: "source-identity-other", policy: res(v12, "arn:aws:s3:::b/users/${aws:SourceIdentity}/*"), req: with(studio, resource("arn:aws:s3:::b/users/bob/f")), want: policy.ImplicitDeny, doc: docVariables},
		{name: "principal-tag", policy: res(v12, "arn:aws:s3:::b/${aws:PrincipalTag/team}/*"), req: with(studio, resource("arn:aws:s3:::b/ml/f")), want: policy.Allowed, doc: docVariables},
		{name: "service-keys", policy: res(v12, "arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"), req: with(studio, resource("arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/alice")), want: policy.Allowed, doc: docVariables},
		{name: "service-keys-other", policy: res(v12, "arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"), req: with(studio, resource("arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/bob")), want: policy.ImplicitDeny, doc: docVariables},
		// A variable's value is literal text, never a wildcard.
		{name: "value-not-wildcard", policy: res(v12, "arn:aws:s3:::b/${aws:username}"), req: with(func(r *policy.Request) { r.Principal.UserName = "*" }, resource("arn:aws:s3:::b/anything")), want: policy.ImplicitDeny, doc: docVariables},
		{name: "value-literal-star", policy: res(v12, "arn:aws:s3:::b/${aws:username}"), req: with(func(r *policy.Request) { r.Principal.UserName = "*" }, resource("arn:aws:s3:::b/*")), want: policy.Allowed, doc: docVariables},
		// Escapes: ${*} ${?} ${$} are the literal characters.
		{name: "escape-star", policy: res(v12, "arn:aws:s3:::b/${*}"), req: resource("arn:aws:s3:::b/*"), want: policy.Allowed, doc: docVariables},
		{name: "escape-star-not-wildcard", policy: res(v12, "arn:aws:s3:::b/${*}"), req: resource("arn:aws:s3:::b/x"), want: policy.ImplicitDeny, doc: docVariables},
		{name: "escape-question", policy: res(v12, "arn:aws:s3:::b/a${?}"), req: resource("arn:aws:s3:::b/a?"), want: policy.Allowed, doc: docVariables},
		{name: "escape-question-not-wildcard", policy: res(v12, "arn:aws:s3:::b/a${?}"), req: resource("arn:aws:s3:::b/ab"), want: policy.ImplicitDeny, doc: docVariables},
		{name: "escape-dollar", policy: res(v12, "arn:aws:s3:::b/${$}{aws:username}"), req: resource("arn:aws:s3:::b/${aws:username}"), want: policy.Allowed, doc: docVariables},
		{name: "escape-with-wildcard", policy: res(v12, "arn:aws:s3:::b/${*}/*"), req: resource("arn:aws:s3:::b/*/x/y"), want: policy.Allowed, doc: docVariables},
		{name: "escape-with-wildcard-miss", policy: res(v12, "arn:aws:s3:::b/${*}/*"), req: resource("arn:aws:s3:::b/a/x"), want: policy.ImplicitDeny, doc: docVariables},
		// An absent key: the resource does not match.
		{name: "absent-key", policy: res(v12, "arn:aws:s3:::b/${aws:SourceIdentity}/*"), req: resource("arn:aws:s3:::b//x"), want: policy.ImplicitDeny, doc: docVariables + "#policy-vars-no-value"},
		{name: "absent-key-star", policy: res(v12, "arn:aws:s3:::b/${aws:SourceIdentity}*"), req: resource("arn:aws:s3:::b/x"), want: policy.ImplicitDeny, doc: docVariables + "#policy-vars-no-value"},
		// Default values.
		{name: "default-used", policy: res(v12, "arn:aws:s3:::b/${aws:SourceIdentity, 'anonymous'}/*"), req: resource("arn:aws:s3:::b/anonymous/x"), want: policy.Allowed, doc: docVariables + "#policy-vars-default-values"},
		{name: "default-not-used", policy: res(v12, "arn:aws:s3:::b/${aws:username, 'anonymous'}/*"), req: resource("arn:aws:s3:::b/alice/x"), want: policy.Allowed, doc: docVariables + "#policy-vars-default-values"},
		{name: "default-not-used-miss", policy: res(v12, "arn:aws:s3:::b/${aws:username, 'anonymous'}/*"), req: resource("arn:aws:s3:::b/anonymous/x"), want: policy.ImplicitDeny, doc: docVariables + "#policy-vars-default-values"},
		{name: "default-spaces", policy: res(v12, "arn:aws:s3:::b/${ aws:SourceIdentity ,  'n/a' }"), req: resource("arn:aws:s3:::b/n/a"), want: policy.Allowed, doc: docVariables + "#policy-vars-default-values"},
		{name: "default-quote", policy: res(v12, "arn:aws:s3:::b/${aws:SourceIdentity, 'it''s'}"), req: resource("arn:aws:s3:::b/it's"), want: policy.Allowed, doc: docVariables + "#policy-vars-default-values"},
		{name: "default-brace", policy: res(v12, "arn:aws:s3:::b/${aws:SourceIdentity, 'a}b'}"), req: resource("arn:aws:s3:::b/a}b"), want: policy.Allowed, doc: docVariables + "#policy-vars-default-values"},
		{name: "default-empty", policy: res(v12, "arn:aws:s3:::b/x${aws:SourceIdentity, ''}"), req: resource("arn:aws:s3:::b/x"), want: policy.Allowed, doc: docVariables + "#policy-vars-default-values"},
		// Malformed variables stay literal.
		{name: "unterminated", policy: res(v12, "arn:aws:s3:::b/${aws:username"), req: resource("arn:aws:s3:::b/${aws:username"), want: policy.Allowed, doc: docVariables},
		{name: "bad-default", policy: res(v12, "arn:aws:s3:::b/${aws:username, anonymous}"), req: resource("arn:aws:s3:::b/${aws:username, anonymous}"), want: policy.Allowed, doc: docVariables},
		{name: "lone-quote-default", policy: res(v12, "arn:aws:s3:::b/${aws:username, 'a'b'}"), req: resource("arn:aws:s3:::b/${aws:username, 'a'b'}"), want: policy.Allowed, doc: docVariables},
		{name: "lone-quote-at-end", policy: res(v12, "arn:aws:s3:::b/${a', 'x''}"), req: resource("arn:aws:s3:::b/${a', 'x''}"), want: policy.Allowed, doc: docVariables},
		{name: "empty-name", policy: res(v12, "arn:aws:s3:::b/${}"), req: resource("arn:aws:s3:::b/${}"), want: policy.Allowed, doc: docVariables},
		// No variables in 2008-10-17 or versionless policies: literal text.
		{name: "v2008-literal", policy: res(policy.Version2008, "arn:aws:s3:::b/${aws:username}"), req: resource("arn:aws:s3:::b/${aws:username}"), want: policy.Allowed, doc: docVersion},
		{name: "v2008-no-substitution", policy: res(policy.Version2008, "arn:aws:s3:::b/${aws:username}"), req: resource("arn:aws:s3:::b/alice"), want: policy.ImplicitDeny, doc: docVersion},
		{name: "no-version-literal", policy: res("", "arn:aws:s3:::b/${aws:username}/*"), req: resource("arn:aws:s3:::b/${aws:username}/x"), want: policy.Allowed, doc: docVersion},
		{name: "no-version-no-substitution", policy: res("", "arn:aws:s3:::b/${aws:username}/*"), req: resource("arn:aws:s3:::b/alice/x"), want: policy.ImplicitDeny, doc: docVersion},
	})
}

// Variables in condition values.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestConditionVariables(t *testing.T) {
	v12 := policy.Version2012
	studio := func(r *policy.Request) {
		r.Principal.SourceIdentity = "alice"
		r.Context.Set("sagemaker:DomainId", "d-abc")
		r.Context.Set("sagemaker:UserProfileName", "alice")
	}
	const tag = "sagemaker:ResourceTag/sagemaker:user-profile-arn"
	profile := "arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"
	tests := []struct {
		name      string
		version   string
		op, key   string
		values    []string
		ctx       map[string]string
		noStudio  bool
		want      bool
		multiKey  []string
		multiName string
	}{
		{name: "profile-own", version: v12, op: "StringLike", key: tag, values: pv(profile), ctx: map[string]string{tag: "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/alice"}, want: true},
		{name: "profile-other-user", version: v12, op: "StringLike", key: tag, values: pv(profile), ctx: map[string]string{tag: "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/bob"}, want: false},
		{name: "profile-other-domain", version: v12, op: "StringLike", key: tag, values: pv(profile), ctx: map[string]string{tag: "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-xyz/alice"}, want: false},
		{name: "profile-tag-absent", version: v12, op: "StringLike", key: tag, values: pv(profile), want: false},
		{name: "profile-domain-absent", version: v12, op: "StringLike", key: tag, values: pv(profile), noStudio: true, ctx: map[string]string{tag: "arn:aws:sagemaker:us-east-1:123456789012:user-profile//"}, want: false},
		{name: "equals-source-identity", version: v12, op: "StringEquals", key: "aws:ResourceTag/owner", values: pv("${aws:SourceIdentity}"), ctx: map[string]string{"aws:ResourceTag/owner": "alice"}, want: true},
		{name: "equals-source-identity-other", version: v12, op: "StringEquals", key: "aws:ResourceTag/owner", values: pv("${aws:SourceIdentity}"), ctx: map[string]string{"aws:ResourceTag/owner": "bob"}, want: false},
		{name: "equals-star-is-literal", version: v12, op: "StringEquals", key: "s3:prefix", values: pv("home/${aws:username}/*"), ctx: map[string]string{"s3:prefix": "home/alice/*"}, want: true},
		{name: "equals-star-not-wildcard", version: v12, op: "StringEquals", key: "s3:prefix", values: pv("home/${aws:username}/*"), ctx: map[string]string{"s3:prefix": "home/alice/x"}, want: false},
		{name: "like-prefix", version: v12, op: "StringLike", key: "s3:prefix", values: pv("home/${aws:username}/*"), ctx: map[string]string{"s3:prefix": "home/alice/docs"}, want: true},
		{name: "like-prefix-other", version: v12, op: "StringLike", key: "s3:prefix", values: pv("home/${aws:username}/*"), ctx: map[string]string{"s3:prefix": "home/bob/docs"}, want: false},
		{name: "ignorecase", version: v12, op: "StringEqualsIgnoreCase", key: "svc:Owner", values: pv("${aws:username}"), ctx: map[string]string{"svc:Owner": "ALICE"}, want: true},
		{name: "principal-tag-match", version: v12, op: "StringEquals", key: "aws:ResourceTag/team", values: pv("${aws:PrincipalTag/team}"), ctx: map[string]string{"aws:ResourceTag/team": "ml", "aws:PrincipalTag/team": "ml"}, want: true},
		// An absent variable is null: no equal value, so NotEquals holds.
		{name: "absent-var-equals", version: v12, op: "StringEquals", key: "aws:ResourceTag/owner", values: pv("${svc:Missing}"), ctx: map[string]string{"aws:ResourceTag/owner": "alice"}, want: false},
		{name: "absent-var-not-equals", version: v12, op: "StringNotEquals", key: "aws:ResourceTag/owner", values: pv("${svc:Missing}"), ctx: map[string]string{"aws:ResourceTag/owner": "alice"}, want: true},
		{name: "absent-var-like", version: v12, op: "StringLike", key: "aws:ResourceTag/owner", values: pv("${svc:Missing}*"), ctx: map[string]string{"aws:ResourceTag/owner": "alice"}, want: false},
		{name: "absent-var-default", version: v12, op: "StringEquals", key: "aws:ResourceTag/owner", values: pv("${svc:Missing, 'alice'}"), ctx: map[string]string{"aws:ResourceTag/owner": "alice"}, want: true},
		{name: "bool-variable", version: v12, op: "Bool", key: "svc:Flag", values: pv("${svc:Want}"), ctx: map[string]string{"svc:Flag": "true", "svc:Want": "TRUE"}, want: true},
		// A multivalued key cannot be a variable.
		{name: "multivalued-var", version: v12, op: "StringEquals", key: "svc:X", values: pv("${svc:Multi}"), ctx: map[string]string{"svc:X": "a"}, multiName: "svc:Multi", multiKey: pv("a", "b"), want: false},
		{name: "multivalued-single-var", version: v12, op: "StringEquals", key: "svc:X", values: pv("${svc:Multi}"), ctx: map[string]string{"svc:X": "a"}, multiName: "svc:Multi", multiKey: pv("a"), want: false},
		// Numeric operators take no variables: the text is a literal and
		// must be a number, so such a policy does not compile (see
		// TestValidate); 2008-10-17 keeps ${...} literal in strings.
		{name: "v2008-literal", version: policy.Version2008, op: "StringEquals", key: "svc:X", values: pv("${aws:username}"), ctx: map[string]string{"svc:X": "${aws:username}"}, want: true},
		{name: "v2008-no-substitution", version: policy.Version2008, op: "StringEquals", key: "svc:X", values: pv("${aws:username}"), ctx: map[string]string{"svc:X": "alice"}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := compile(t, policy.KindIdentity, condPolicy(tt.version, tt.op, tt.key, tt.values))
			r := baseRequest()
			if !tt.noStudio {
				studio(r)
			}
			for k, v := range tt.ctx {
				r.Context.Set(k, v)
			}
			if tt.multiName != "" {
				r.Context.SetMulti(tt.multiName, tt.multiKey...)
			}
			got := policy.NewSet(p).Decide(r) == policy.Allowed
			if got != tt.want {
				t.Errorf("%s %s %v: %v, want %v (%s)", tt.op, tt.key, tt.values, got, tt.want, docVariables)
			}
		})
	}
}
