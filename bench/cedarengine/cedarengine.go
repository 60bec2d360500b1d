// Package cedarengine runs the benchmark workload on cedar-go.
//
// The workload's IAM policies become Cedar policies the way a Cedar user would write them:
//   - each group policy is a permit scoped to `principal in Group::"<group>"`; IAM's action
//     wildcards (sagemaker:Describe* ...) are action groups that the concrete actions are members
//     of;
//   - Cedar has no string concatenation, so the caller's profile and domain ARNs, which IAM builds
//     from ${sagemaker:DomainId} and ${sagemaker:UserProfileName}, are attributes of the User
//     entity, and the policies compare the job's tags (Cedar entity tags) with them;
//   - the per-user S3 prefix is an entity hierarchy: every object is `in` its prefix, and the
//     permit says `resource in principal.s3Home`;
//   - the domain guardrail is a forbid.
//
// Policies, entities and one cedar.Request per workload request are built once by [New];
// [Engine.Decide] only authorizes.
package cedarengine

import (
	"fmt"
	"strings"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"

	"abacus/bench/workload"
)

// Entity types.
const (
	typeUser     = types.EntityType("User")
	typeGroup    = types.EntityType("Group")
	typeAction   = types.EntityType("Action")
	typeJob      = types.EntityType("TrainingJob")
	typeObject   = types.EntityType("S3Object")
	typeS3Prefix = types.EntityType("S3Prefix")
)

// Engine decides workload requests with cedar-go. It is safe for concurrent use.
type Engine struct {
	policies *cedar.PolicySet
	entities types.EntityMap
	requests []cedar.Request
}

// New translates w into Cedar policies and entities and prepares one request per workload request.
func New(w *workload.Workload) (*Engine, error) {
	ps, err := cedar.NewPolicySetFromBytes("workload.cedar", []byte(Policies(w)))
	if err != nil {
		return nil, fmt.Errorf("cedarengine: parse policies: %w", err)
	}
	e := &Engine{policies: ps, entities: types.EntityMap{}}
	e.addActions()
	for _, g := range w.Groups {
		e.add(types.Entity{UID: types.NewEntityUID(typeGroup, types.String(g.Name))})
	}
	for i, u := range w.Users {
		e.add(types.Entity{
			UID:     types.NewEntityUID(typeUser, types.String(u.Name)),
			Parents: types.NewEntityUIDSet(types.NewEntityUID(typeGroup, types.String(w.Groups[u.Group].Name))),
			Attributes: types.NewRecord(types.RecordMap{
				"profileArn": types.String(u.ProfileARN),
				"domainArn":  types.String(w.Domains[u.Domain].ARN),
				"s3Home":     prefixUID(w, i),
			}),
		})
		e.add(types.Entity{UID: prefixUID(w, i)})
	}
	for _, j := range w.Jobs {
		tags := types.RecordMap{}
		for k, v := range j.Tags {
			tags[types.String(k)] = types.String(v)
		}
		e.add(types.Entity{UID: types.NewEntityUID(typeJob, types.String(j.ARN)), Tags: types.NewRecord(tags)})
	}
	e.requests = make([]cedar.Request, len(w.Requests))
	for i, r := range w.Requests {
		req := cedar.Request{
			Principal: types.NewEntityUID(typeUser, types.String(w.Users[r.User].Name)),
			Action:    types.NewEntityUID(typeAction, types.String(r.Action)),
		}
		if r.Job >= 0 {
			req.Resource = types.NewEntityUID(typeJob, types.String(r.Resource))
		} else {
			// The object's parent is the prefix users/<name>/ that holds it.
			owner, _, _ := strings.Cut(strings.TrimPrefix(r.Key, "users/"), "/")
			req.Resource = types.NewEntityUID(typeObject, types.String(r.Resource))
			parents := types.NewEntityUIDSet()
			if u, ok := w.UserIndex(owner); ok {
				parents = types.NewEntityUIDSet(prefixUID(w, u))
			}
			e.add(types.Entity{UID: req.Resource, Parents: parents})
		}
		e.requests[i] = req
	}
	return e, nil
}

// Decide authorizes workload request i.
func (e *Engine) Decide(i int) (workload.Decision, error) {
	d, diag := e.policies.IsAuthorized(e.entities, e.requests[i])
	if len(diag.Errors) > 0 {
		return workload.ImplicitDeny, fmt.Errorf("cedarengine: request %d: %v", i, diag.Errors)
	}
	switch {
	case d == cedar.Allow:
		return workload.Allow, nil
	case len(diag.Reasons) > 0: // a satisfied forbid determined the deny
		return workload.ExplicitDeny, nil
	default:
		return workload.ImplicitDeny, nil
	}
}

// Policies returns the Cedar policy text that stands for w's IAM policies.
func Policies(w *workload.Workload) string {
	var b strings.Builder
	var patterns []string
	for _, p := range workload.GroupActionPatterns {
		patterns = append(patterns, fmt.Sprintf("Action::%q", p))
	}
	for _, g := range w.Groups {
		fmt.Fprintf(&b, `@id(%q)
permit (
  principal in Group::%q,
  action in [%s],
  resource is TrainingJob
) when {
  resource.hasTag(%q) && resource.getTag(%q) == principal.profileArn
};

`, g.Name, g.Name, strings.Join(patterns, ", "), workload.TagUserProfileARN, workload.TagUserProfileARN)
	}
	fmt.Fprintf(&b, `@id("own-prefix-objects")
permit (
  principal is User,
  action in [Action::"s3:GetObject", Action::"s3:PutObject"],
  resource is S3Object
) when {
  resource in principal.s3Home
};

@id("deny-other-domain-training-jobs")
forbid (
  principal is User,
  action in Action::"sagemaker:*",
  resource is TrainingJob
) unless {
  resource.hasTag(%q) && resource.getTag(%q) == principal.domainArn
};
`, workload.TagDomainARN, workload.TagDomainARN)
	return b.String()
}

func (e *Engine) add(ent types.Entity) { e.entities[ent.UID] = ent }

// addActions makes each concrete SageMaker action a member of the action groups that stand for
// the IAM wildcards matching it.
func (e *Engine) addActions() {
	all := types.NewEntityUID(typeAction, "sagemaker:*")
	e.add(types.Entity{UID: all})
	for _, p := range workload.GroupActionPatterns {
		e.add(types.Entity{UID: types.NewEntityUID(typeAction, types.String(p))})
	}
	for _, a := range workload.TrainingJobActions {
		parents := []types.EntityUID{all}
		for _, p := range workload.GroupActionPatterns {
			if strings.HasPrefix(a, strings.TrimSuffix(p, "*")) {
				parents = append(parents, types.NewEntityUID(typeAction, types.String(p)))
			}
		}
		e.add(types.Entity{UID: types.NewEntityUID(typeAction, types.String(a)), Parents: types.NewEntityUIDSet(parents...)})
	}
	for _, a := range workload.ObjectActions {
		e.add(types.Entity{UID: types.NewEntityUID(typeAction, types.String(a))})
	}
}

func prefixUID(w *workload.Workload, u int) types.EntityUID {
	return types.NewEntityUID(typeS3Prefix, types.String(w.UserPrefixARN(u)))
}
