package policy_test

import (
	"encoding/json"
	"testing"
	"time"

	"abacus/internal/policy"
)

// Documentation pages the table tests encode.
const (
	docOperators   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
	docCondition   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html"
	docMultiValued = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"
	docVariables   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
	docAction      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"
	docNotAction   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"
	docResource    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
	docNotResource = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html"
	docPrincipal   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
	docNotPrinc    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"
	docVersion     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"
	docElements    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html"
	docGrammar     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
	docQuotas      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
	docInterplay   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"
	docKeys        = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
)

func compile(t testing.TB, kind policy.Kind, src string) *policy.Policy {
	t.Helper()
	p, err := policy.CompileJSON([]byte(src), policy.Options{Name: "test", Kind: kind})
	if err != nil {
		t.Fatalf("compile %s: %v", src, err)
	}
	return p
}

// condPolicy returns an identity policy allowing s:a on * under one
// condition.
func condPolicy(version, op, key string, values []string) string {
	v, _ := json.Marshal(values)
	k, _ := json.Marshal(key)
	o, _ := json.Marshal(op)
	ver := ""
	if version != "" {
		ver = `"Version":"` + version + `",`
	}
	return `{` + ver + `"Statement":{"Effect":"Allow","Action":"s:a","Resource":"*","Condition":{` + string(o) + `:{` + string(k) + `:` + string(v) + `}}}}`
}

var fixedTime = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// baseRequest is an IAM user's request for s:a on a resource.
func baseRequest() *policy.Request {
	return &policy.Request{
		Principal: policy.Caller{
			ARN: "arn:aws:iam::123456789012:user/alice", Type: policy.PrincipalUser, Account: "123456789012",
			UserName: "alice", UserID: "AIDAEXAMPLE",
		},
		Action:   "s:a",
		Resource: "arn:aws:s3:::bucket/key",
	}
}
