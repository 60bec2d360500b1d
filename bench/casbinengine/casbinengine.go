// Package casbinengine runs the benchmark workload on Casbin.
//
// The model ([Model]) is RBAC with an ABAC matcher. Attachments are role links: a user is a
// member of its group, and a group "inherits" the roles named after its attached policies
// (policy:<name>). Each policy statement is one `p` rule on that role, with glob patterns for
// actions and resources and a condition name that the matcher turns into an attribute check on
// the request's subject and object structs:
//
//	owner         the job's sagemaker:user-profile-arn tag equals the caller's profile ARN
//	home          the object ARN is under the caller's users/<name>/ prefix (keyMatch)
//	other-domain  the job's sagemaker:domain-arn tag differs from the caller's domain ARN
//
// The caller's profile ARN, domain ARN and S3 prefix (which IAM builds from policy variables)
// are precomputed subject attributes; Casbin has no policy variables. Conditions are selected by
// name in the matcher rather than written as eval(p.cond) sub-rules, because eval parses its
// argument on every call and would make Casbin several times slower.
//
// [New] builds one SyncedEnforcer and the request structs for every workload request;
// [Engine.Decide] calls EnforceEx and reads the matched rule to tell an explicit deny from an
// implicit one.
package casbinengine

import (
	"fmt"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"abacus/bench/workload"
)

// Model is the Casbin model text.
const Model = `
[request_definition]
r = sub, act, obj

[policy_definition]
p = sub, act, obj, cond, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = globMatch(r.act, p.act) && globMatch(r.obj.ARN, p.obj) && g(r.sub.Name, p.sub) && \
    ((p.cond == "owner" && r.obj.ProfileTag == r.sub.ProfileARN) || \
     (p.cond == "home" && keyMatch(r.obj.ARN, r.sub.S3Home)) || \
     (p.cond == "other-domain" && r.obj.DomainTag != r.sub.DomainARN))
`

// Subject is the request subject: the caller and the attributes the conditions read.
type Subject struct {
	Name       string
	ProfileARN string
	DomainARN  string
	S3Home     string // keyMatch pattern: the caller's prefix ARN ending in "/*"
}

// Object is the request object: a resource ARN and the tags the conditions read.
type Object struct {
	ARN        string
	ProfileTag string
	DomainTag  string
}

type request struct {
	sub *Subject
	act string
	obj *Object
}

// Engine decides workload requests with Casbin. It is safe for concurrent use.
type Engine struct {
	enforcer *casbin.SyncedEnforcer
	requests []request
}

// New builds the enforcer for w (model, rules, role links) and the request values.
func New(w *workload.Workload) (*Engine, error) {
	m, err := model.NewModelFromString(Model)
	if err != nil {
		return nil, fmt.Errorf("casbinengine: model: %w", err)
	}
	enf, err := casbin.NewSyncedEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("casbinengine: enforcer: %w", err)
	}
	if _, err := enf.AddPolicies(Rules(w)); err != nil {
		return nil, fmt.Errorf("casbinengine: rules: %w", err)
	}
	var links [][]string
	for _, g := range w.Groups {
		for _, p := range g.Policies {
			links = append(links, []string{g.Name, "policy:" + p})
		}
	}
	for _, u := range w.Users {
		links = append(links, []string{u.Name, w.Groups[u.Group].Name})
	}
	if _, err := enf.AddGroupingPolicies(links); err != nil {
		return nil, fmt.Errorf("casbinengine: role links: %w", err)
	}

	subjects := make([]*Subject, len(w.Users))
	for i, u := range w.Users {
		subjects[i] = &Subject{
			Name:       u.Name,
			ProfileARN: u.ProfileARN,
			DomainARN:  w.Domains[u.Domain].ARN,
			S3Home:     w.UserPrefixARN(i),
		}
	}
	e := &Engine{enforcer: enf, requests: make([]request, len(w.Requests))}
	for i, r := range w.Requests {
		tags := w.ResourceTags(r)
		e.requests[i] = request{
			sub: subjects[r.User],
			act: r.Action,
			obj: &Object{ARN: r.Resource, ProfileTag: tags[workload.TagUserProfileARN], DomainTag: tags[workload.TagDomainARN]},
		}
	}
	return e, nil
}

// Decide enforces workload request i.
func (e *Engine) Decide(i int) (workload.Decision, error) {
	r := e.requests[i]
	ok, explain, err := e.enforcer.EnforceEx(r.sub, r.act, r.obj)
	switch {
	case err != nil:
		return workload.ImplicitDeny, fmt.Errorf("casbinengine: request %d: %w", i, err)
	case ok:
		return workload.Allow, nil
	case len(explain) == 5 && explain[4] == "deny": // the matched deny rule
		return workload.ExplicitDeny, nil
	default:
		return workload.ImplicitDeny, nil
	}
}

// Rules returns the `p` rules for w's policies, deny rules first so that a matching deny
// short-circuits.
func Rules(w *workload.Workload) [][]string {
	rules := [][]string{
		{"policy:" + workload.PolicyDomainGuardrail, "sagemaker:*", "arn:aws:sagemaker:*:*:training-job/*", "other-domain", "deny"},
		{"policy:" + workload.PolicyUserPrefixes, "s3:{GetObject,PutObject}", "arn:aws:s3:::" + w.Bucket + "/users/**", "home", "allow"},
	}
	for g := range w.Groups {
		rules = append(rules, []string{
			"policy:" + workload.GroupPolicyName(g), "sagemaker:{Describe,Stop,Update}*", "arn:aws:sagemaker:*:*:training-job/*", "owner", "allow",
		})
	}
	return rules
}
