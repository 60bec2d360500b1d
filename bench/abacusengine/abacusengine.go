// Package abacusengine runs the benchmark workload on abacus's own IAM policy engine
// (abacus/internal/policy and abacus/internal/authz), the way the server uses it.
//
// [New] parses, validates and compiles each IAM policy document of the workload once
// (policy.Parse, policy.Compile), builds one action-indexed identity policy.Set per user over the
// compiled policies of the user's group (the server caches one Set per principal), and builds one
// policy.Request per workload request: the IAM user as the caller with its source identity, the
// action and resource ARN, the Studio context keys sagemaker:DomainId and
// sagemaker:UserProfileName, and the resource's tags under both aws:ResourceTag/ and
// sagemaker:ResourceTag/. [Engine.Decide] only calls authz.Evaluate. The IAM documents are used as
// written: nothing is translated.
package abacusengine

import (
	"fmt"

	"abacus/bench/workload"
	"abacus/internal/authz"
	"abacus/internal/policy"
)

// Engine decides workload requests with abacus's policy engine. It is safe for concurrent use.
type Engine struct {
	requests []policy.Request
	identity []*policy.Set // per request: the caller's identity policies
}

// New compiles w's policies and prepares one request per workload request.
func New(w *workload.Workload) (*Engine, error) {
	compiled := make(map[string]*policy.Policy, len(w.Policies))
	for _, p := range w.Policies {
		doc, err := policy.Parse([]byte(p.Document))
		if err != nil {
			return nil, fmt.Errorf("abacusengine: parse %s: %w", p.Name, err)
		}
		c, err := policy.Compile(doc, policy.Options{
			Name: p.Name,
			ARN:  fmt.Sprintf("arn:aws:iam::%s:policy/%s", w.Account, p.Name),
			Kind: policy.KindIdentity,
		})
		if err != nil {
			return nil, fmt.Errorf("abacusengine: compile %s: %w", p.Name, err)
		}
		compiled[p.Name] = c
	}
	sets := make([]*policy.Set, len(w.Users))
	for i, u := range w.Users {
		var ps []*policy.Policy
		for _, name := range w.Groups[u.Group].Policies {
			p, ok := compiled[name]
			if !ok {
				return nil, fmt.Errorf("abacusengine: group %s attaches unknown policy %s", w.Groups[u.Group].Name, name)
			}
			ps = append(ps, p)
		}
		sets[i] = policy.NewSet(ps...)
	}
	e := &Engine{requests: make([]policy.Request, len(w.Requests)), identity: make([]*policy.Set, len(w.Requests))}
	for i, r := range w.Requests {
		u := w.Users[r.User]
		ctx := w.Context(r)
		req := policy.Request{
			Principal: policy.Caller{
				ARN:            u.ARN,
				Type:           policy.PrincipalUser,
				Account:        w.Account,
				UserName:       u.Name,
				SourceIdentity: ctx[workload.KeySourceIdentity],
			},
			Action:   r.Action,
			Resource: r.Resource,
		}
		req.Context.Set(workload.KeyDomainID, ctx[workload.KeyDomainID])
		req.Context.Set(workload.KeyUserProfileName, ctx[workload.KeyUserProfileName])
		for k, v := range w.ResourceTags(r) {
			req.Context.Set("aws:ResourceTag/"+k, v)
			req.Context.Set("sagemaker:ResourceTag/"+k, v)
		}
		e.requests[i] = req
		e.identity[i] = sets[r.User]
	}
	return e, nil
}

// Decide evaluates workload request i.
func (e *Engine) Decide(i int) (workload.Decision, error) {
	var buf [8]policy.Match
	res := authz.Evaluate(&authz.Input{Request: &e.requests[i], Identity: e.identity[i]}, buf[:0])
	switch res.Decision {
	case policy.Allowed:
		return workload.Allow, nil
	case policy.ExplicitDeny:
		return workload.ExplicitDeny, nil
	case policy.ImplicitDeny:
		return workload.ImplicitDeny, nil
	default:
		return workload.ImplicitDeny, fmt.Errorf("abacusengine: request %d: unknown decision %v", i, res.Decision)
	}
}
