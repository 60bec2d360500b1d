package policy

import (
	"strings"
)

// Options describe the policy being compiled. The zero value compiles an
// anonymous identity policy.
type Options struct {
	// Name and ARN identify the policy in explanations and audit records
	// (an inline policy has a name and no ARN).
	Name string
	ARN  string
	// Kind is the role the policy plays; it selects the validation rules.
	Kind Kind
}

// Policy is a compiled policy: immutable, safe for concurrent use, and
// cheap to share between any number of [Set]s.
type Policy struct {
	name  string
	arn   string
	kind  Kind
	doc   *Document
	stmts []cstmt
}

// Name returns the policy's name from [Options].
func (p *Policy) Name() string { return p.name }

// ARN returns the policy's ARN from [Options].
func (p *Policy) ARN() string { return p.arn }

// Kind returns the policy's kind.
func (p *Policy) Kind() Kind { return p.kind }

// Document returns the document p was compiled from. It must not be
// modified.
func (p *Policy) Document() *Document { return p.doc }

// Label returns the ARN, else the name, else "policy".
func (p *Policy) Label() string {
	switch {
	case p.arn != "":
		return p.arn
	case p.name != "":
		return p.name
	}
	return "policy"
}

type cstmt struct {
	index        int
	sid          string
	effect       Effect
	notAction    bool
	actions      []pattern
	hasResource  bool
	notResource  bool
	resources    []pattern
	principal    *cprincipal
	notPrincipal bool
	conds        []ccond
	vars         bool   // policy variables are substituted (Version 2012-10-17)
	resKey       string // resourceKey, computed once
}

// Compile validates d as a policy of kind o.Kind and compiles it. It
// returns the validation errors (see [Document.Validate]) for a document
// IAM would reject. Policy variables are compiled only for Version
// 2012-10-17; in older or versionless documents "${...}" is literal text
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
func Compile(d *Document, o Options) (*Policy, error) {
	if err := d.Validate(o.Kind); err != nil {
		return nil, err
	}
	vars := d.Version == Version2012
	p := &Policy{name: o.Name, arn: o.ARN, kind: o.Kind, doc: d, stmts: make([]cstmt, len(d.Statements))}
	for i, st := range d.Statements {
		cs := &p.stmts[i]
		cs.index, cs.sid, cs.vars = i, st.Sid, vars
		cs.effect = EffectAllow
		if st.Effect == "Deny" {
			cs.effect = EffectDeny
		}
		acts := st.Action
		if st.NotAction != nil {
			cs.notAction, acts = true, st.NotAction
		}
		for _, a := range acts {
			cs.actions = append(cs.actions, compilePattern(a, false, true, true))
		}
		res := st.Resource
		if st.NotResource != nil {
			cs.notResource, res = true, st.NotResource
		}
		cs.hasResource = res != nil
		for _, r := range res {
			cs.resources = append(cs.resources, compilePattern(r, vars, true, false))
		}
		switch {
		case st.Principal != nil:
			cs.principal = compilePrincipal(st.Principal)
		case st.NotPrincipal != nil:
			cs.principal, cs.notPrincipal = compilePrincipal(st.NotPrincipal), true
		}
		for _, c := range st.Condition {
			cs.conds = append(cs.conds, compileCondition(c, vars))
		}
		cs.resKey = cs.resourceKey()
	}
	return p, nil
}

// CompileJSON parses, validates and compiles src in one step.
func CompileJSON(src []byte, o Options) (*Policy, error) {
	d, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return Compile(d, o)
}

// cprincipal is a compiled Principal or NotPrincipal element
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
type cprincipal struct {
	all       bool
	accounts  []string // account IDs, from "123456789012" or ".../root"
	arns      []string // IAM user, role, assumed-role session, federated-user ARNs
	services  []string
	federated []string
	canonical []string
}

func compilePrincipal(p *Principal) *cprincipal {
	cp := &cprincipal{all: p.All}
	for _, a := range p.AWS {
		switch {
		case a == "*":
			cp.all = true
		case isAccountID(a):
			cp.accounts = append(cp.accounts, a)
		case strings.HasPrefix(a, "arn:") && strings.HasSuffix(a, ":root") && strings.Count(a, ":") == 5 && isAccountID(accountOf(a)):
			cp.accounts = append(cp.accounts, accountOf(a))
		default:
			cp.arns = append(cp.arns, a)
		}
	}
	cp.services = append(cp.services, p.Service...)
	cp.federated = append(cp.federated, p.Federated...)
	cp.canonical = append(cp.canonical, p.CanonicalUser...)
	return cp
}

// accountOf returns the account field of an ARN known to have six parts.
func accountOf(a string) string {
	return strings.SplitN(a, ":", 6)[4]
}

// PrincipalMatch says how a statement's Principal element matched the
// caller, which decides what a same-account resource-based policy grants
// on its own
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
// Larger values name the caller more specifically.
type PrincipalMatch uint8

// The ways a Principal element can match.
const (
	// MatchNone: no Principal element (an identity policy), or no match.
	MatchNone PrincipalMatch = iota
	// MatchAccount: the caller's account, by ID or root ARN. This
	// delegates to the account, whose identity policies must then allow.
	MatchAccount
	// MatchEveryone: "*" or {"AWS": "*"}, or a NotPrincipal that does
	// not list the caller.
	MatchEveryone
	// MatchRole: the IAM role whose session is the caller.
	MatchRole
	// MatchCaller: the caller's own ARN (an IAM user, a role session, a
	// federated user), or its service or identity provider name.
	MatchCaller
)

// match returns how the principals match pr (MatchNone when they do not).
func (cp *cprincipal) match(pr *Caller) PrincipalMatch {
	best := MatchNone
	if cp.all {
		best = MatchEveryone
	}
	switch pr.Type {
	case PrincipalService:
		for _, s := range cp.services {
			if s == pr.Service {
				return MatchCaller
			}
		}
		return best
	case PrincipalAnonymous:
		return best
	}
	for _, a := range cp.arns {
		if a == pr.ARN {
			return MatchCaller
		}
	}
	for _, f := range cp.federated {
		if pr.Service != "" && f == pr.Service {
			return MatchCaller
		}
	}
	for _, c := range cp.canonical {
		if pr.UserID != "" && c == pr.UserID {
			return MatchCaller
		}
	}
	for _, a := range cp.arns {
		if pr.RoleARN != "" && a == pr.RoleARN {
			return MatchRole
		}
	}
	if best != MatchNone {
		return best
	}
	for _, a := range cp.accounts {
		if a == pr.Account {
			return MatchAccount
		}
	}
	return MatchNone
}
