// Package authz makes one authorization decision: it combines the policy
// types that apply to a request (organization SCPs, the resource's
// resource-based policy, the principal's identity-based policies, its
// permissions boundary and a role session's session policies) the way
// AWS's policy evaluation logic does, and explains the outcome.
//
// The inputs are compiled, immutable [policy.Set]s. A server caches one
// identity Set per principal (policy.NewSet over the principal's cached
// *policy.Policy values: user inline and managed policies plus those of its
// groups, or a role's) and rebuilds it only when a policy, attachment or
// membership changes; everything here is pure and allocation-free on the
// hot path:
//
//	buf := make([]policy.Match, 0, 16)
//	res := authz.Evaluate(&authz.Input{Request: req, Identity: set, Boundary: b}, buf)
//	if res.Decision != policy.Allowed {
//		msg := res.Message(req)       // AWS's AccessDenied text
//		exp := authz.Explain(&in)     // every statement that named the action
//	}
//
// The evaluation order is that of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html.
package authz

import (
	"strings"

	"abacus/internal/policy"
)

// PolicyType is the type of policy a statement or a denial comes from.
type PolicyType uint8

// The policy types, in evaluation order. The zero value means none.
const (
	TypeNone PolicyType = iota
	TypeSCP
	TypeResource
	TypeIdentity
	TypeBoundary
	TypeSession
	numTypes
)

var typeNames = [...]string{"", "service control policy", "resource-based policy", "identity-based policy", "permissions boundary", "session policy"}

// String returns the type as AWS's error messages spell it, e.g.
// "identity-based policy"; "" for TypeNone.
func (t PolicyType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown policy type"
}

// Key returns a short stable identifier for JSON and audit records: scp,
// resource, identity, boundary, session.
func (t PolicyType) Key() string {
	return [...]string{"", "scp", "resource", "identity", "boundary", "session", "unknown"}[min(int(t), int(numTypes))]
}

// Input is everything one decision needs. Nil sets mean "no policy of this
// type": no organization, no resource policy, no boundary, no session
// policy. An empty but non-nil Boundary or Session set denies everything,
// as an attached boundary that allows nothing does.
type Input struct {
	Request *policy.Request
	// SCPs holds one set per level of the organization that applies to
	// the principal's account (root, each OU, the account); every level
	// must allow.
	SCPs []*policy.Set
	// ResourcePolicy is the resource's resource-based policy.
	ResourcePolicy *policy.Set
	// ResourceAccount is the account that owns the resource; empty means
	// the principal's own account.
	ResourceAccount string
	// ResourcePolicyRequired makes the resource-based policy's allow
	// necessary even within one account, as for a role's trust policy
	// (sts:AssumeRole and friends) and a KMS key policy.
	ResourcePolicyRequired bool
	// Identity holds the principal's identity-based policies.
	Identity *policy.Set
	// Boundary is the principal's permissions boundary.
	Boundary *policy.Set
	// Session holds a role session's session policies.
	Session *policy.Set
}

// Result is a decision with the statements that applied. DeniedBy names
// the policy type that caused a denial (TypeNone when allowed).
type Result struct {
	Decision policy.Decision
	DeniedBy PolicyType
	// Matched are the statements that applied, grouped by policy type in
	// evaluation order; Type(i) gives the type of Matched[i].
	Matched []policy.Match
	ends    [numTypes]int
}

// Type returns the policy type of r.Matched[i].
func (r *Result) Type(i int) PolicyType {
	for t := TypeSCP; t < numTypes; t++ {
		if i < r.ends[t] {
			return t
		}
	}
	return TypeNone
}

// Evaluate decides in.Request. Applying statements are appended to buf,
// which becomes Result.Matched; with enough spare capacity Evaluate does
// not allocate.
//
// The logic, for a principal in the resource's account:
//  1. an explicit deny in any policy wins;
//  2. every SCP level must allow;
//  3. an allow in the resource-based policy grants on its own when its
//     Principal names the caller's own ARN (IAM user or role session);
//     when it names the role, or everyone ("*"), the permissions boundary
//     and session policies still cap it; when it names only the account,
//     it delegates to the account, and step 4 decides;
//  4. otherwise an identity-based policy must allow (the account root user
//     needs none), and the boundary and session policies must allow too;
//     with ResourcePolicyRequired (a role trust policy, a KMS key policy)
//     the resource-based policy must allow as well.
//
// Across accounts both the identity side (4) and the resource-based policy
// must allow
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
func Evaluate(in *Input, buf []policy.Match) Result {
	r := in.Request
	res := Result{Matched: buf}
	var explicit [numTypes]bool
	scpOK := true
	for _, s := range in.SCPs {
		var d policy.Decision
		d, res.Matched = s.Evaluate(r, res.Matched)
		explicit[TypeSCP] = explicit[TypeSCP] || d == policy.ExplicitDeny
		scpOK = scpOK && d == policy.Allowed
	}
	res.ends[TypeSCP] = len(res.Matched)
	var dRes, dID, dB, dS policy.Decision
	resStart := len(res.Matched)
	dRes, res.Matched = in.ResourcePolicy.Evaluate(r, res.Matched)
	res.ends[TypeResource] = len(res.Matched)
	dID, res.Matched = in.Identity.Evaluate(r, res.Matched)
	res.ends[TypeIdentity] = len(res.Matched)
	dB, res.Matched = in.Boundary.Evaluate(r, res.Matched)
	res.ends[TypeBoundary] = len(res.Matched)
	dS, res.Matched = in.Session.Evaluate(r, res.Matched)
	res.ends[TypeSession] = len(res.Matched)
	explicit[TypeResource] = dRes == policy.ExplicitDeny
	explicit[TypeIdentity] = dID == policy.ExplicitDeny
	explicit[TypeBoundary] = dB == policy.ExplicitDeny
	explicit[TypeSession] = dS == policy.ExplicitDeny
	for t := TypeSCP; t < numTypes; t++ {
		if explicit[t] {
			res.Decision, res.DeniedBy = policy.ExplicitDeny, t
			return res
		}
	}
	deny := func(t PolicyType) Result {
		res.Decision, res.DeniedBy = policy.ImplicitDeny, t
		return res
	}
	if !scpOK {
		return deny(TypeSCP)
	}
	sameAccount := in.ResourceAccount == "" || in.ResourceAccount == r.Principal.Account
	capped := func() (PolicyType, bool) {
		if in.Boundary != nil && dB != policy.Allowed {
			return TypeBoundary, false
		}
		if in.Session != nil && dS != policy.Allowed {
			return TypeSession, false
		}
		return TypeNone, true
	}
	if dRes == policy.Allowed && sameAccount {
		via := policy.MatchNone
		for _, m := range res.Matched[resStart:res.ends[TypeResource]] {
			if m.Effect == policy.EffectAllow {
				via = max(via, m.Principal)
			}
		}
		switch {
		case via == policy.MatchCaller:
			res.Decision = policy.Allowed
			return res
		case via > policy.MatchAccount:
			if t, ok := capped(); !ok {
				return deny(t)
			}
			res.Decision = policy.Allowed
			return res
		}
		// Only the account is named: it delegates to identity policies.
	}
	if dID != policy.Allowed && r.Principal.Type != policy.PrincipalAccount {
		return deny(TypeIdentity)
	}
	if t, ok := capped(); !ok {
		return deny(t)
	}
	if (!sameAccount || in.ResourcePolicyRequired) && dRes != policy.Allowed {
		return deny(TypeResource)
	}
	res.Decision = policy.Allowed
	return res
}

// Message returns the AccessDenied message AWS gives for a denial of req,
// e.g. "User: arn:aws:iam::123456789012:user/bob is not authorized to
// perform: s3:GetObject on resource: arn:aws:s3:::b/k because no
// identity-based policy allows the s3:GetObject action", or "... with an
// explicit deny in an identity-based policy". The wording follows
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html.
// It returns "" for an allowed request.
func (r *Result) Message(req *policy.Request) string {
	if r.Decision == policy.Allowed {
		return ""
	}
	who := req.Principal.ARN
	if who == "" {
		who = "anonymous"
	}
	msg := "User: " + who + " is not authorized to perform: " + req.Action
	if req.Resource != "" && req.Resource != "*" {
		if hasService(req.Action, "s3") {
			// S3 quotes the resource ARN
			// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html).
			msg += ` on resource: "` + req.Resource + `"`
		} else {
			msg += " on resource: " + req.Resource
		}
	}
	if strings.EqualFold(req.Action, "sts:AssumeRole") {
		// STS names no reason for an AssumeRole denial, whichever policy
		// denied it.
		return msg
	}
	t := r.DeniedBy
	if t == TypeNone {
		t = TypeIdentity
	}
	if r.Decision == policy.ExplicitDeny {
		return msg + " with an explicit deny in " + article(t) + " " + t.String()
	}
	return msg + " because no " + t.String() + " allows the " + req.Action + " action"
}

// hasService reports whether action belongs to service (case-insensitive
// prefix before the colon).
func hasService(action, service string) bool {
	return len(action) > len(service) && action[len(service)] == ':' && strings.EqualFold(action[:len(service)], service)
}

func article(t PolicyType) string {
	if t == TypeIdentity {
		return "an"
	}
	return "a"
}

// Explanation is a decision with the full account of how it was reached.
type Explanation struct {
	Result
	// Statements lists, per policy type in evaluation order, every
	// statement that named the action, whether it applied and if not why.
	Statements []Statement
}

// Statement is one explained statement with its policy type.
type Statement struct {
	Type PolicyType
	policy.StatementResult
}

// Explain evaluates in like [Evaluate] and adds, for every statement that
// named the action, whether it applied and the first reason it did not.
// It allocates; use it for denials, audit records and the CLI.
func Explain(in *Input) Explanation {
	e := Explanation{Result: Evaluate(in, nil)}
	add := func(t PolicyType, s *policy.Set) {
		for _, sr := range s.Explain(in.Request) {
			e.Statements = append(e.Statements, Statement{Type: t, StatementResult: sr})
		}
	}
	for _, s := range in.SCPs {
		add(TypeSCP, s)
	}
	add(TypeResource, in.ResourcePolicy)
	add(TypeIdentity, in.Identity)
	add(TypeBoundary, in.Boundary)
	add(TypeSession, in.Session)
	return e
}
