// Package opaengine runs the benchmark workload on Open Policy Agent, embedded as a Go library.
//
// The workload's IAM policies become one Rego module ([Module]) that a Rego author would write
// for this setup: users, their groups and each group's attached policies and action patterns
// are data (loaded once into an in-memory store that holds AST values); the caller's profile
// and domain ARNs are built from the request context the way IAM substitutes
// ${sagemaker:DomainId} and ${sagemaker:UserProfileName}, with the request's region and account
// standing in for the IAM pattern's `*:*`; the S3 rule builds the caller's prefix from
// aws:SourceIdentity.
//
// [New] prepares the query once with rego.PrepareForEval and converts every workload request to
// an ast.Value input up front, so [Engine.Decide] only evaluates.
package opaengine

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"abacus/bench/workload"
)

// Module is the Rego policy. Query data.abacus.authz.decision gives "Allow", "ExplicitDeny" or
// "ImplicitDeny".
const Module = `package abacus.authz

default decision := "ImplicitDeny"

decision := "ExplicitDeny" if deny

decision := "Allow" if {
	not deny
	allow
}

user_groups := data.users[input.principal].groups

attached(policy) if {
	some g in user_groups
	policy in data.groups[g].policies
}

# Each group's policy: Describe*, Stop*, Update* on training jobs whose
# sagemaker:user-profile-arn tag is the caller's own profile ARN.
allow if {
	input.resource.type == "training-job"
	some g in user_groups
	some pattern in data.groups[g].training_job_actions
	glob.match(pattern, null, input.action)
	input.resource.tags["sagemaker:user-profile-arn"] == concat("", [
		"arn:aws:sagemaker:", input.region, ":", input.account, ":user-profile/",
		input.context["sagemaker:DomainId"], "/", input.context["sagemaker:UserProfileName"],
	])
}

# UserS3Prefixes: GetObject and PutObject under users/<source identity>/.
allow if {
	attached("UserS3Prefixes")
	input.action in {"s3:GetObject", "s3:PutObject"}
	startswith(input.resource.arn, concat("", [
		"arn:aws:s3:::", data.bucket, "/users/", input.context["aws:SourceIdentity"], "/",
	]))
}

# DomainGuardrail: no SageMaker action on a training job of another domain.
deny if {
	attached("DomainGuardrail")
	startswith(input.action, "sagemaker:")
	input.resource.type == "training-job"
	not same_domain
}

same_domain if {
	input.resource.tags["sagemaker:domain-arn"] == concat("", [
		"arn:aws:sagemaker:", input.region, ":", input.account, ":domain/",
		input.context["sagemaker:DomainId"],
	])
}
`

// Engine decides workload requests with OPA. It is safe for concurrent use.
type Engine struct {
	query  rego.PreparedEvalQuery
	inputs []ast.Value
}

// New loads w's users and groups as data, prepares the decision query and converts every
// request to its input.
func New(w *workload.Workload) (*Engine, error) {
	ctx := context.Background()
	store := inmem.NewFromObjectWithOpts(Data(w), inmem.OptReturnASTValuesOnRead(true))
	q, err := rego.New(
		rego.Query("data.abacus.authz.decision"),
		rego.Module("authz.rego", Module),
		rego.Store(store),
		rego.StoreReadAST(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("opaengine: prepare: %w", err)
	}
	e := &Engine{query: q, inputs: make([]ast.Value, len(w.Requests))}
	for i, r := range w.Requests {
		v, err := ast.InterfaceToValue(Input(w, r))
		if err != nil {
			return nil, fmt.Errorf("opaengine: input %d: %w", i, err)
		}
		e.inputs[i] = v
	}
	return e, nil
}

// Decide evaluates workload request i.
func (e *Engine) Decide(i int) (workload.Decision, error) {
	rs, err := e.query.Eval(context.Background(), rego.EvalParsedInput(e.inputs[i]))
	if err != nil {
		return workload.ImplicitDeny, fmt.Errorf("opaengine: request %d: %w", i, err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return workload.ImplicitDeny, fmt.Errorf("opaengine: request %d: unexpected result %v", i, rs)
	}
	switch rs[0].Expressions[0].Value {
	case "Allow":
		return workload.Allow, nil
	case "ExplicitDeny":
		return workload.ExplicitDeny, nil
	case "ImplicitDeny":
		return workload.ImplicitDeny, nil
	default:
		return workload.ImplicitDeny, fmt.Errorf("opaengine: request %d: unexpected decision %v", i, rs[0].Expressions[0].Value)
	}
}

// Data returns the document OPA's store holds: users with their groups, groups with their
// attached policies and action patterns, and the bucket name.
func Data(w *workload.Workload) map[string]any {
	users := make(map[string]any, len(w.Users))
	for _, u := range w.Users {
		users[u.Name] = map[string]any{"groups": []any{w.Groups[u.Group].Name}}
	}
	groups := make(map[string]any, len(w.Groups))
	for _, g := range w.Groups {
		policies := make([]any, len(g.Policies))
		for i, p := range g.Policies {
			policies[i] = p
		}
		actions := make([]any, len(workload.GroupActionPatterns))
		for i, p := range workload.GroupActionPatterns {
			actions[i] = p
		}
		groups[g.Name] = map[string]any{"policies": policies, "training_job_actions": actions}
	}
	return map[string]any{"users": users, "groups": groups, "bucket": w.Bucket}
}

// Input returns the OPA input document for request r.
func Input(w *workload.Workload, r workload.Request) map[string]any {
	ctx := map[string]any{}
	for k, v := range w.Context(r) {
		ctx[k] = v
	}
	resource := map[string]any{"arn": r.Resource, "type": "object"}
	if r.Job >= 0 {
		tags := map[string]any{}
		for k, v := range w.ResourceTags(r) {
			tags[k] = v
		}
		resource["type"] = "training-job"
		resource["tags"] = tags
	}
	return map[string]any{
		"principal": w.Users[r.User].Name,
		"action":    r.Action,
		"resource":  resource,
		"context":   ctx,
		"region":    w.Region,
		"account":   w.Account,
	}
}
