package policy

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Kind is the role a policy document plays; it decides which elements the
// document must and must not have. The zero value is [KindIdentity].
type Kind uint8

// The policy kinds of AWS's "Policy types" page
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html).
const (
	// KindIdentity is an identity-based policy: a managed or inline policy
	// of a user, group or role. It has no Principal.
	KindIdentity Kind = iota
	// KindResource is a resource-based policy (bucket policy, secret
	// policy): every statement names a Principal or NotPrincipal.
	KindResource
	// KindTrust is a role trust policy: a resource-based policy whose
	// actions are sts:* and which has no Resource.
	KindTrust
	// KindBoundary is a permissions boundary (a managed policy used as
	// one); it is validated as an identity policy.
	KindBoundary
	// KindSession is a session policy passed to AssumeRole and friends.
	KindSession
	// KindSCP is an AWS Organizations service control policy.
	KindSCP
)

var kindNames = [...]string{"identity", "resource", "trust", "boundary", "session", "scp"}

// String returns the kind's name: identity, resource, trust, boundary,
// session or scp.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseKind is the inverse of [Kind.String].
func ParseKind(s string) (Kind, bool) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), true
		}
	}
	return 0, false
}

// title is the kind as prose: "identity-based policy".
func (k Kind) title() string {
	switch k {
	case KindResource:
		return "resource-based policy"
	case KindTrust:
		return "role trust policy"
	case KindBoundary:
		return "permissions boundary"
	case KindSession:
		return "session policy"
	case KindSCP:
		return "service control policy"
	}
	return "identity-based policy"
}

// aTitle is the title with its indefinite article.
func aTitle(k Kind) string {
	if k == KindIdentity {
		return "an " + k.title()
	}
	return "a " + k.title()
}

func (k Kind) hasPrincipal() bool { return k == KindResource || k == KindTrust }

// Validate checks d as IAM checks a policy of kind k and returns nil or an
// error joining one [*ValidationError] per problem, in document order
// (errors.Join; unwrap with Unwrap() []error). Every error satisfies
// errors.Is(err, ErrMalformedPolicyDocument).
//
// The rules encoded here come from the IAM JSON policy element reference
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html)
// and the grammar page
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
func (d *Document) Validate(k Kind) error {
	var errs []error
	add := func(e *ValidationError) { errs = append(errs, e) }
	for _, u := range d.unknown {
		if name, dup := strings.CutPrefix(u.name, "duplicate "); dup {
			add(d.errAt(-1, "", name, u.off, "element appears more than once"))
			continue
		}
		add(d.errAt(-1, "", u.name, u.off, "unknown element; a policy has only Version, Id and Statement"))
	}
	if d.hasVer && d.Version != Version2012 && d.Version != Version2008 {
		add(d.errAt(-1, "", "Version", d.verOff, "invalid version "+strconv.Quote(d.Version)+"; use \"2012-10-17\" or \"2008-10-17\""))
	}
	if !d.hasStmt {
		add(d.errAt(-1, "", "Statement", 0, "missing required element Statement"))
	} else if len(d.Statements) == 0 {
		add(d.errAt(-1, "", "Statement", d.stmtOff, "the policy has no statements"))
	}
	sids := map[string]int{}
	for i, st := range d.Statements {
		for _, e := range d.validateStatement(i, st, k) {
			add(e)
		}
		if st.Sid != "" {
			if j, dup := sids[st.Sid]; dup {
				add(d.errAt(i, st.Sid, "Sid", st.offs["Sid"], "duplicate Sid; statement "+strconv.Itoa(j+1)+" has the same one (Sids must be unique within a policy)"))
			} else {
				sids[st.Sid] = i
			}
		}
	}
	slices.SortStableFunc(errs, func(a, b error) int {
		return a.(*ValidationError).Offset - b.(*ValidationError).Offset
	})
	return errors.Join(errs...)
}

func (d *Document) validateStatement(i int, st *Statement, k Kind) []*ValidationError {
	var out []*ValidationError
	at := func(elem string) int {
		if o, ok := st.offs[elem]; ok {
			return o
		}
		return st.Offset
	}
	bad := func(elem, msg string) { out = append(out, d.errAt(i, st.Sid, elem, at(elem), msg)) }
	for _, u := range st.unknown {
		if strings.HasPrefix(u.name, "duplicate ") {
			out = append(out, d.errAt(i, st.Sid, strings.TrimPrefix(u.name, "duplicate "), u.off, "element appears more than once"))
			continue
		}
		out = append(out, d.errAt(i, st.Sid, u.name, u.off, "unknown element; a statement has only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition"))
	}
	if st.hasSid && (k == KindIdentity || k == KindBoundary || k == KindSession) && !sidOK(st.Sid) {
		bad("Sid", "a Sid in an IAM policy may contain only ASCII letters and digits")
	}
	switch {
	case st.present&eEffect == 0:
		bad("Effect", "missing required element Effect")
	case st.Effect != "Allow" && st.Effect != "Deny":
		bad("Effect", "invalid value "+strconv.Quote(st.Effect)+"; Effect must be \"Allow\" or \"Deny\"")
	}
	// Principal.
	hasP, hasNP := st.present&ePrincipal != 0, st.present&eNotPrincipal != 0
	switch {
	case hasP && hasNP:
		bad("NotPrincipal", "both Principal and NotPrincipal are present; use one")
	case !k.hasPrincipal() && hasP:
		bad("Principal", aTitle(k)+" must not specify a principal")
	case !k.hasPrincipal() && hasNP:
		bad("NotPrincipal", aTitle(k)+" must not specify a principal")
	case k.hasPrincipal() && !hasP && !hasNP:
		bad("Principal", "missing required element Principal ("+aTitle(k)+" names who it applies to)")
	}
	if k == KindTrust && hasNP {
		bad("NotPrincipal", "a trust policy cannot use NotPrincipal")
	}
	for _, p := range []struct {
		name string
		v    *Principal
	}{{"Principal", st.Principal}, {"NotPrincipal", st.NotPrincipal}} {
		if p.v == nil {
			continue
		}
		for _, u := range p.v.unknown {
			out = append(out, d.errAt(i, st.Sid, p.name, u.off, "unknown principal type "+strconv.Quote(u.name)+"; use AWS, Service, Federated or CanonicalUser"))
		}
		for _, a := range p.v.AWS {
			if !awsPrincipalOK(a) {
				bad(p.name, "invalid principal "+strconv.Quote(a)+"; want an account ID, an IAM ARN or \"*\"")
			}
		}
	}
	// Action.
	hasA, hasNA := st.present&eAction != 0, st.present&eNotAction != 0
	switch {
	case hasA && hasNA:
		bad("NotAction", "both Action and NotAction are present; use one")
	case !hasA && !hasNA:
		bad("Action", "missing required element Action or NotAction (a statement must contain actions)")
	}
	for _, l := range []struct {
		name string
		v    []string
	}{{"Action", st.Action}, {"NotAction", st.NotAction}} {
		if l.v != nil && len(l.v) == 0 {
			bad(l.name, "must name at least one action")
		}
		for _, a := range l.v {
			if a != "*" && !actionOK(a) {
				bad(l.name, "invalid action "+strconv.Quote(a)+": actions must be prefaced by a service prefix, as in \"iam:CreateUser\"")
			}
			if k == KindTrust && l.name == "Action" && a != "*" && actionOK(a) && !strings.HasPrefix(strings.ToLower(a), "sts:") {
				bad(l.name, "a trust policy allows only sts actions, not "+strconv.Quote(a))
			}
		}
	}
	// Resource.
	hasR, hasNR := st.present&eResource != 0, st.present&eNotResource != 0
	switch {
	case hasR && hasNR:
		bad("NotResource", "both Resource and NotResource are present; use one")
	case k == KindTrust && (hasR || hasNR):
		elem := "Resource"
		if hasNR {
			elem = "NotResource"
		}
		bad(elem, "a trust policy must not contain "+elem+" (the role is the resource)")
	case k != KindTrust && !hasR && !hasNR:
		bad("Resource", "missing required element Resource or NotResource (a statement must contain resources)")
	}
	for _, l := range []struct {
		name string
		v    []string
	}{{"Resource", st.Resource}, {"NotResource", st.NotResource}} {
		if l.v != nil && len(l.v) == 0 {
			bad(l.name, "must name at least one resource")
		}
		for _, r := range l.v {
			if r != "*" && !strings.HasPrefix(r, "arn:") {
				bad(l.name, "resource "+strconv.Quote(r)+" must be an ARN or \"*\"")
			}
		}
	}
	// Condition.
	for _, c := range st.Condition {
		cerr := func(off int, msg string) { out = append(out, d.errAt(i, st.Sid, "Condition", off, msg)) }
		spec, err := lookupOperator(c.Operator)
		if err != "" {
			cerr(c.opOff, err)
			continue
		}
		if c.Key == "" {
			cerr(c.keyOff, "empty condition key under "+c.Operator)
			continue
		}
		if len(c.Values) == 0 {
			cerr(c.keyOff, "condition key "+strconv.Quote(c.Key)+" under "+c.Operator+" has no values")
		}
		for _, v := range c.Values {
			if msg := spec.check(v); msg != "" {
				cerr(c.keyOff, c.Operator+" on "+strconv.Quote(c.Key)+": "+msg)
			}
		}
	}
	return out
}

func sidOK(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// actionOK reports whether a is "prefix:action" with a non-empty prefix of
// letters, digits, hyphens and wildcards and a non-empty action.
func actionOK(a string) bool {
	i := strings.IndexByte(a, ':')
	if i <= 0 || i == len(a)-1 {
		return false
	}
	for j := 0; j < i; j++ {
		c := a[j]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '*' || c == '?') {
			return false
		}
	}
	return true
}

func awsPrincipalOK(a string) bool {
	if a == "*" || isAccountID(a) {
		return true
	}
	return strings.HasPrefix(a, "arn:")
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < 12; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
