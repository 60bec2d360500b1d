package policy

import (
	"slices"
	"strconv"
	"strings"
)

// Set is an immutable, action-indexed collection of compiled policies of
// one policy type (all identity policies of a principal, the SCPs of one
// organization level, a resource's policy). Building one costs time
// proportional to the number of statements; evaluating one touches only
// the statements that can name the request's action. A Set is safe for
// concurrent use. The zero value and a nil *Set are empty sets.
type Set struct {
	// The fields an evaluation reads come first, so that they share the
	// struct's first cache line.

	// actH and svcH index the candidate statements by keyHash of the
	// lower-cased action and service prefix, sorted by hash, in one
	// contiguous array, so that a lookup needs neither a lowered copy of
	// the action nor string hashing nor a map probe; a hash hit is
	// confirmed by comparing the key. Each entry's list is a run of
	// statement references copied into one array, so that a decision
	// walks Set, index and statements without chasing a pointer per
	// statement.
	svcH     hashIndex
	actH     hashIndex
	always   []sref
	collided bool // two keys share a hash: consult the string indexes too

	// A small set keeps its index and its statement references in these
	// arrays, inside the Set itself, so that a decision reads one block
	// of memory where it would otherwise follow three pointers.
	idxBuf [setInlineIndex]hashEntry
	refBuf [setInlineRefs]sref

	policies []*Policy
	refs     []sref
	byAction map[string][]sref
	bySvc    map[string][]sref
}

type hashEntry struct {
	h    uint64
	key  string
	list []sref
	// exact is set on a service entry when some action of the service is
	// named literally, so that the full action must be looked up too.
	exact bool
}

// The sizes of a Set's inline index and statement reference arrays.
const (
	setInlineIndex = 4
	setInlineRefs  = 8
)

// hashIndex is a set of entries sorted by hash.
type hashIndex []hashEntry

// find returns the entry with hash h.
func (x hashIndex) find(h uint64) (*hashEntry, bool) {
	if len(x) <= 8 {
		for i := range x {
			if x[i].h == h {
				return &x[i], true
			}
		}
		return nil, false
	}
	i, ok := slices.BinarySearchFunc(x, h, func(e hashEntry, h uint64) int {
		switch {
		case e.h < h:
			return -1
		case e.h > h:
			return 1
		}
		return 0
	})
	if !ok {
		return nil, false
	}
	return &x[i], true
}

// buildHashIndex indexes m by hash (keyHash) into dst and reports whether
// two keys share a hash, in which case only the first is indexed and
// lookups must fall back to m. keys maps an index key to the text stored
// in the entry (the same key as the policy spells it, so that every Set
// built over a policy shares that text); an absent key is stored as is.
func buildHashIndex(dst hashIndex, m map[string][]sref, keys map[string]string, hash func(string) uint64) (hashIndex, bool) {
	x := dst[:0]
	for k, l := range m {
		text := k
		if t, ok := keys[k]; ok {
			text = t
		}
		x = append(x, hashEntry{h: hash(k), key: text, list: l})
	}
	slices.SortFunc(x, func(a, b hashEntry) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return strings.Compare(strings.ToLower(a.key), strings.ToLower(b.key))
	})
	collided := false
	out := x[:0]
	for i := range x {
		if i > 0 && x[i].h == x[i-1].h {
			collided = true
			continue
		}
		out = append(out, x[i])
	}
	return slices.Clip(out), collided
}

type sref struct {
	p  *Policy
	st *cstmt
	// res numbers the statement's Resource/NotResource element among the
	// set's statements that share the same one (1..resMemo), so that one
	// evaluation matches it once; 0 means not shared.
	res uint8
}

// resMemo is how many shared Resource elements one evaluation remembers.
const resMemo = 8

// Match is one statement that applied to a request.
type Match struct {
	Policy *Policy
	// Statement is the statement's 0-based index in its policy.
	Statement int
	Sid       string
	Effect    Effect
	// Principal says how the statement's Principal or NotPrincipal
	// element matched the caller; MatchNone for identity policies.
	Principal PrincipalMatch
}

// NewSet indexes policies by action. The policies are shared, not copied.
func NewSet(policies ...*Policy) *Set {
	s := &Set{policies: slices.Clip(slices.Clone(policies))}
	exact := map[string][]int32{}
	svc := map[string][]int32{}
	// spelled maps each lowered index key to the policy's own text for
	// it, which the index stores instead of a lowered copy per Set.
	spelled := map[string]string{}
	var always []int32
	resUse := map[string]int{}
	for _, p := range policies {
		for i := range p.stmts {
			resUse[p.stmts[i].resKey]++
		}
	}
	resID := map[string]uint8{}
	for _, p := range policies {
		for i := range p.stmts {
			st := &p.stmts[i]
			ri := int32(len(s.refs))
			ref := sref{p: p, st: st}
			if k := st.resKey; resUse[k] > 1 {
				if _, ok := resID[k]; !ok && len(resID) < resMemo {
					resID[k] = uint8(len(resID) + 1)
				}
				ref.res = resID[k]
			}
			s.refs = append(s.refs, ref)
			if st.notAction {
				always = append(always, ri)
				continue
			}
			for _, a := range st.actions {
				prefix, _, ok := strings.Cut(a.raw, ":")
				switch {
				case a.kind == pExact && ok:
					k := strings.ToLower(a.raw)
					exact[k] = appendOnce(exact[k], ri)
					if _, ok := spelled[k]; !ok {
						spelled[k] = a.raw
					}
				case ok && !strings.ContainsAny(prefix, "*?"):
					k := strings.ToLower(prefix)
					svc[k] = appendOnce(svc[k], ri)
				default:
					always = appendOnce(always, ri)
				}
				if k := strings.ToLower(prefix); ok {
					if _, ok := spelled[k]; !ok {
						spelled[k] = prefix
					}
				}
			}
		}
	}
	bySvc := make(map[string][]int32, len(svc))
	for k, l := range svc {
		bySvc[k] = merge(l, always)
	}
	// Every service with a literally named action gets a service entry
	// too, so that the service lookup alone tells whether an exact lookup
	// is worth making.
	for k := range exact {
		prefix, _, _ := strings.Cut(k, ":")
		if _, ok := bySvc[prefix]; !ok {
			bySvc[prefix] = always
		}
	}
	// For an action named literally somewhere, precompute exactly the
	// statements whose Action/NotAction covers it, so that evaluation
	// need not match actions at all.
	byAction := make(map[string][]int32, len(exact))
	for k := range exact {
		prefix, _, _ := strings.Cut(k, ":")
		var l []int32
		for _, ri := range merge(merge(exact[k], svc[prefix]), always) {
			if s.refs[ri].st.matchAction(k) {
				l = append(l, ri)
			}
		}
		byAction[k] = l
	}
	// Copy every list's statement references into one array.
	n := len(always)
	for _, l := range bySvc {
		n += len(l)
	}
	for _, l := range byAction {
		n += len(l)
	}
	arena := s.refBuf[:0]
	if n > len(s.refBuf) {
		arena = make([]sref, 0, n)
	}
	copyList := func(l []int32) []sref {
		start := len(arena)
		for _, ri := range l {
			arena = append(arena, s.refs[ri])
		}
		return arena[start:len(arena):len(arena)]
	}
	s.always = copyList(always)
	s.bySvc = make(map[string][]sref, len(bySvc))
	for k, l := range bySvc {
		s.bySvc[k] = copyList(l)
	}
	s.byAction = make(map[string][]sref, len(byAction))
	for k, l := range byAction {
		s.byAction[k] = copyList(l)
	}
	// Both hash indexes share one array.
	idx := hashIndex(s.idxBuf[:0])
	if n := len(s.bySvc) + len(s.byAction); n > len(s.idxBuf) {
		idx = make(hashIndex, 0, n)
	}
	var c1, c2 bool
	s.svcH, c1 = buildHashIndex(idx, s.bySvc, spelled, keyHash)
	s.actH, c2 = buildHashIndex(idx[len(s.svcH):len(s.svcH)], s.byAction, spelled, keyHash)
	s.collided = c1 || c2
	for k := range exact {
		prefix, _, _ := strings.Cut(k, ":")
		if e, ok := s.svcH.find(keyHash(prefix)); ok {
			e.exact = true
		}
	}
	return s
}

func appendOnce(l []int32, v int32) []int32 {
	if n := len(l); n > 0 && l[n-1] == v {
		return l
	}
	return append(l, v)
}

func merge(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.Sort(out)
	return slices.Clip(slices.Compact(out))
}

// Policies returns the policies of s in order. The slice must not be
// modified.
func (s *Set) Policies() []*Policy {
	if s == nil {
		return nil
	}
	return s.policies
}

// Len returns the number of policies in s.
func (s *Set) Len() int { return len(s.Policies()) }

// candidates returns the statements that may name action, in order;
// exact reports that every one of them is known to cover the action.
func (s *Set) candidates(action string) (list []sref, exact bool) {
	if s.collided {
		return s.candidatesSlow(action)
	}
	// keyHash of the service prefix; the rest of the action is hashed
	// only when the service has literally named actions.
	h, colon := uint64(14695981039346656037), -1
	for i := 0; i < len(action); i++ {
		c := action[i]
		if c == ':' {
			colon = i
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	if colon <= 0 {
		return s.always, false
	}
	e, ok := s.svcH.find(h)
	if !ok || !asciiEqualFold(e.key, action[:colon]) {
		return s.always, false
	}
	if !e.exact {
		return e.list, false
	}
	for i := colon; i < len(action); i++ {
		c := action[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	if a, ok := s.actH.find(h); ok && asciiEqualFold(a.key, action) {
		return a.list, true
	}
	return e.list, false
}

// candidatesSlow is candidates through the string-keyed indexes, for the
// (astronomically rare) set in which two keys share a hash.
func (s *Set) candidatesSlow(action string) ([]sref, bool) {
	if l, found := s.exactSlow(action); found {
		return l, true
	}
	if prefix, _, ok := strings.Cut(action, ":"); ok {
		if l, ok := s.bySvc[strings.ToLower(prefix)]; ok {
			return l, false
		}
	}
	return s.always, false
}

// exactSlow looks action up in the string-keyed index; it runs only when
// two keys of the set share a hash, and allocates only for action names
// longer than 128 bytes.
func (s *Set) exactSlow(action string) ([]sref, bool) {
	if len(s.byAction) == 0 {
		return nil, false
	}
	var buf [128]byte
	b := buf[:0]
	if len(action) > len(buf) {
		b = make([]byte, 0, len(action))
	}
	for i := 0; i < len(action); i++ {
		b = append(b, lowerASCII(action[i]))
	}
	l, ok := s.byAction[string(b)]
	return l, ok
}

// Evaluate decides r against every policy in s: [ExplicitDeny] if a Deny
// statement applies, else [Allowed] if an Allow statement applies, else
// [ImplicitDeny]. Every applying statement is appended to matched, which
// is returned; pass a slice with spare capacity (e.g. make([]Match, 0, 8))
// and Evaluate allocates nothing. Evaluate does not stop at the first
// deny, so the matches are complete.
func (s *Set) Evaluate(r *Request, matched []Match) (Decision, []Match) {
	if s == nil {
		return ImplicitDeny, matched
	}
	allow, deny := false, false
	// memo[i] caches shared Resource element i: 0 unknown, 1 no, 2 yes.
	// memo[0] is never consulted; it keeps the result of r.touch.
	var memo [resMemo + 1]uint8
	memo[0] = r.touch()
	list, exact := s.candidates(r.Action)
	for i := range list {
		ref := &list[i]
		st := ref.st
		if !exact && !st.matchAction(r.Action) {
			continue
		}
		if ref.res == 0 {
			if !st.matchResource(r) {
				continue
			}
		} else {
			if memo[ref.res] == 0 {
				memo[ref.res] = 1
				if st.matchResource(r) {
					memo[ref.res] = 2
				}
			}
			if memo[ref.res] == 1 {
				continue
			}
		}
		ok, via := st.appliesBeyondResource(r)
		if !ok {
			continue
		}
		matched = append(matched, Match{Policy: ref.p, Statement: ref.st.index, Sid: ref.st.sid, Effect: ref.st.effect, Principal: via})
		if ref.st.effect == EffectDeny {
			deny = true
		} else {
			allow = true
		}
	}
	switch {
	case deny:
		return ExplicitDeny, matched
	case allow:
		return Allowed, matched
	}
	return ImplicitDeny, matched
}

// touch reads a byte of each piece of r that a decision is likely to read
// (the resource ARN, the context's lookup slots and key bytes, each
// value) and returns their sum. A request built long before it is
// decided, as a server decodes a call and then authorizes it, is often no
// longer in the CPU caches; touching its pieces up front issues their
// loads back to back, so that the processor fetches them from memory in
// parallel instead of one after another as the evaluation reaches each.
func (r *Request) touch() uint8 {
	var x uint8
	if n := len(r.Resource); n > 0 {
		x += r.Resource[0] + r.Resource[n-1]
	}
	c := &r.Context
	for i := 0; i < len(c.keys); i += 64 {
		x += c.keys[i]
	}
	for i := range c.slots {
		if v := c.slots[i].one; v != "" {
			x += v[len(v)-1]
		}
	}
	return x
}

// Decide is [Set.Evaluate] without the matches.
func (s *Set) Decide(r *Request) Decision {
	var buf [8]Match
	d, _ := s.Evaluate(r, buf[:0])
	return d
}

func (st *cstmt) matchAction(action string) bool {
	for i := range st.actions {
		if st.actions[i].match(action, nil) {
			return !st.notAction
		}
	}
	return st.notAction
}

func (st *cstmt) matchResource(r *Request) bool {
	if !st.hasResource {
		return true
	}
	for i := range st.resources {
		if st.resources[i].match(r.Resource, r) {
			return !st.notResource
		}
	}
	return st.notResource
}

func (st *cstmt) matchPrincipal(r *Request) (bool, PrincipalMatch) {
	if st.principal == nil {
		return true, MatchNone
	}
	m := st.principal.match(&r.Principal)
	if st.notPrincipal {
		if m == MatchNone {
			return true, MatchEveryone
		}
		return false, MatchNone
	}
	return m != MatchNone, m
}

// resourceKey identifies the statement's Resource or NotResource element
// by its text, for sharing its result between statements.
func (st *cstmt) resourceKey() string {
	if !st.hasResource {
		return ""
	}
	var b strings.Builder
	if st.vars {
		b.WriteString("$") // variables make the same text mean something else
	}
	if st.notResource {
		b.WriteString("!")
	}
	for i := range st.resources {
		b.WriteString(st.resources[i].raw)
		b.WriteByte(0)
	}
	return b.String()
}

// appliesBeyondResource reports whether the statement applies to r, its
// action and resource being already known to match.
func (st *cstmt) appliesBeyondResource(r *Request) (bool, PrincipalMatch) {
	ok, via := st.matchPrincipal(r)
	if !ok {
		return false, MatchNone
	}
	for i := range st.conds {
		if !st.conds[i].eval(r) {
			return false, MatchNone
		}
	}
	return true, via
}

// StatementResult explains one statement that names the request's action:
// whether it applied and, if not, the first thing that kept it from
// applying.
type StatementResult struct {
	Policy    *Policy
	Statement int
	Sid       string
	Effect    Effect
	Applied   bool
	// Reason is empty when Applied; otherwise for example
	// `resource "arn:aws:s3:::b/x" does not match "arn:aws:s3:::b/users/alice/*"`
	// or `StringLike on "sagemaker:ResourceTag/owner": condition key
	// "sagemaker:ResourceTag/owner" is absent`.
	Reason string
}

// Explain returns, in policy and statement order, a result for every
// statement of s whose Action/NotAction covers r.Action. It allocates and
// is meant for denials, audit records and the CLI, not the hot path.
func (s *Set) Explain(r *Request) []StatementResult {
	if s == nil {
		return nil
	}
	var out []StatementResult
	for i := range s.refs {
		ref := &s.refs[i]
		st := ref.st
		if !st.matchAction(r.Action) {
			continue
		}
		res := StatementResult{Policy: ref.p, Statement: st.index, Sid: st.sid, Effect: st.effect}
		res.Reason = st.why(r)
		res.Applied = res.Reason == ""
		out = append(out, res)
	}
	return out
}

func (st *cstmt) why(r *Request) string {
	if !st.matchResource(r) {
		pats := make([]string, len(st.resources))
		for i := range st.resources {
			pats[i] = strconv.Quote(st.resources[i].render(r))
		}
		if st.notResource {
			return "resource " + strconv.Quote(r.Resource) + " is excluded by NotResource " + strings.Join(pats, ", ")
		}
		return "resource " + strconv.Quote(r.Resource) + " does not match " + strings.Join(pats, ", ")
	}
	if ok, _ := st.matchPrincipal(r); !ok {
		who := strconv.Quote(r.Principal.ARN)
		if st.notPrincipal {
			return "principal " + who + " is excluded by NotPrincipal"
		}
		return "principal " + who + " is not named in Principal"
	}
	for i := range st.conds {
		if !st.conds[i].eval(r) {
			return "condition " + st.conds[i].why(r)
		}
	}
	return ""
}
