package policy

import (
	"strings"
	"unicode/utf8"
)

// seg is one piece of a compiled pattern: literal text from the policy
// (in which '*' and '?' are wildcards when wild is set), or a policy
// variable resolved from the request at evaluation time. A variable's value
// is always literal text: a '*' in a user name never acts as a wildcard.
type seg struct {
	text   string
	wild   bool
	v      *ckey
	def    string
	hasDef bool
}

type patKind uint8

const (
	pExact  patKind = iota // no wildcard, no variable: text compare
	pAny                   // "*": matches everything
	pPrefix                // "literal*": prefix compare
	pGlob                  // wildcards, no variables
	pVars                  // variables (and maybe wildcards)
)

// pattern is a compiled Resource, Action or condition value.
type pattern struct {
	raw  string
	kind patKind
	lit  string // pExact, pPrefix (without the '*'), pGlob (whole text)
	segs []seg  // pVars
	fold bool   // ASCII case-insensitive (actions)
	wild bool   // '*' and '?' in the policy text are wildcards
	star bool   // pGlob without '?' or fold: globStar matches
	lazy bool   // pVars without '?' or fold, variables only in the edge chunks: globStarLazy matches
	// lower and mask are lit for a fold pattern (pExact, pPrefix) in the
	// form foldEqual compares: lit with ASCII letters lowered, and 0x20
	// where lit has an ASCII letter, 0 elsewhere.
	lower, mask string

	// chunks and vars are the compiled wildcard form (pGlob, pVars).
	chunks []gchunk
	vars   []seg
}

// compilePattern compiles raw. vars enables policy variables (never in
// 2008-10-17 policies); wild makes '*' and '?' in the policy's own text
// wildcards.
func compilePattern(raw string, vars, wild, fold bool) pattern {
	p := compileKind(raw, vars, wild, fold)
	switch p.kind {
	case pGlob:
		p.chunks, p.vars = compileChunks([]seg{{text: p.lit, wild: true}})
	case pVars:
		p.chunks, p.vars = compileChunks(p.segs)
	}
	star := !fold && p.chunks != nil && starOnly(p.chunks)
	p.star = star && p.kind == pGlob
	p.lazy = star && p.kind == pVars && edgeVarsOnly(p.chunks)
	if fold && (p.kind == pExact || p.kind == pPrefix) {
		p.lower, p.mask = foldForm(p.lit)
	}
	return p
}

// foldForm returns lit with its ASCII letters lowered, and a mask with
// 0x20 at each ASCII letter of lit and 0 elsewhere.
func foldForm(lit string) (lower, mask string) {
	l, m := []byte(lit), make([]byte, len(lit))
	for i, c := range l {
		if lc := lowerASCII(c); 'a' <= lc && lc <= 'z' {
			l[i], m[i] = lc, 0x20
		}
	}
	return string(l), string(m)
}

// foldEqual reports whether s equals a literal ignoring ASCII case, given
// the literal's foldForm; s, lower and mask have one length. Setting bit
// 0x20 of s where the literal has a letter lowers an upper-case letter
// and leaves a lower-case one, and no other byte becomes that letter, so
// it compares eight bytes at a time.
func foldEqual(s, lower, mask string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if load64(s, i)|load64(mask, i) != load64(lower, i) {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i]|mask[i] != lower[i] {
			return false
		}
	}
	return true
}

// load64 reads s[i:i+8] as a little-endian word (one load on amd64 and
// arm64).
func load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func compileKind(raw string, vars, wild, fold bool) pattern {
	p := pattern{raw: raw, fold: fold, wild: wild}
	if vars && strings.Contains(raw, "${") {
		segs := parseVars(raw, wild)
		var cat strings.Builder
		for _, sg := range segs {
			if sg.v != nil || sg.wild != wild {
				p.kind, p.segs = pVars, segs
				return p
			}
			cat.WriteString(sg.text)
		}
		if cat.String() != raw {
			p.kind, p.segs = pVars, segs
			return p
		}
	}
	switch {
	case !wild || !strings.ContainsAny(raw, "*?"):
		p.kind, p.lit = pExact, raw
	case raw == "*":
		p.kind = pAny
	case strings.IndexAny(raw, "*?") == len(raw)-1 && raw[len(raw)-1] == '*':
		p.kind, p.lit = pPrefix, raw[:len(raw)-1]
	default:
		p.kind, p.lit = pGlob, raw
	}
	return p
}

// parseVars splits raw into literal and variable segments. Escapes ${*},
// ${?} and ${$} become literal (non-wildcard) text; ${key} and
// ${key, 'default'} become variables. A malformed ${ is literal text.
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html.
func parseVars(raw string, wild bool) []seg {
	var segs []seg
	lit := func(t string, w bool) {
		if t == "" {
			return
		}
		if n := len(segs); n > 0 && segs[n-1].v == nil && segs[n-1].wild == w {
			segs[n-1].text += t
			return
		}
		segs = append(segs, seg{text: t, wild: w})
	}
	for raw != "" {
		i := strings.Index(raw, "${")
		if i < 0 {
			lit(raw, wild)
			break
		}
		lit(raw[:i], wild)
		rest := raw[i+2:]
		body, after, ok := varBody(rest)
		if !ok {
			lit("${", wild)
			raw = rest
			continue
		}
		raw = after
		switch body {
		case "*", "?", "$":
			lit(body, false)
			continue
		}
		name, def, hasDef, ok := splitDefault(body)
		if !ok {
			lit("${"+body+"}", wild)
			continue
		}
		k := compileKey(name)
		segs = append(segs, seg{v: &k, def: def, hasDef: hasDef})
	}
	return segs
}

// varBody returns the text up to the closing brace of a variable, honouring
// quoted defaults (which may contain '}').
func varBody(s string) (body, rest string, ok bool) {
	inQ := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			inQ = !inQ
		case '}':
			if !inQ {
				return s[:i], s[i+1:], true
			}
		}
	}
	return "", "", false
}

// splitDefault splits "key, 'default'" (a doubled quote inside the default
// is one quote). Spaces around the key and the default are ignored.
func splitDefault(body string) (name, def string, hasDef, ok bool) {
	name = body
	if i := strings.IndexByte(body, ','); i >= 0 {
		name = body[:i]
		d := strings.TrimSpace(body[i+1:])
		if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
			return "", "", false, false
		}
		inner := d[1 : len(d)-1]
		// A lone quote inside is malformed; '' is an escaped quote.
		for j := 0; j < len(inner); j++ {
			if inner[j] == '\'' {
				if !strings.HasPrefix(inner[j+1:], "'") {
					return "", "", false, false
				}
				j++
			}
		}
		def, hasDef = strings.ReplaceAll(inner, "''", "'"), true
	}
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t'") {
		return "", "", false, false
	}
	return name, def, hasDef, true
}

// resolve returns the text of segment i and whether it could be resolved.
func (s *seg) resolve(r *Request) (string, bool) {
	if s.v == nil {
		return s.text, true
	}
	if v, ok := r.lookupOne(s.v); ok {
		return v, true
	}
	if s.hasDef {
		return s.def, true
	}
	return "", false
}

// match reports whether s matches the pattern. A pattern whose variable
// cannot be resolved matches nothing.
func (p *pattern) match(s string, r *Request) bool {
	switch p.kind {
	case pAny:
		return true
	case pExact:
		if p.fold {
			return len(s) == len(p.lit) && foldEqual(s, p.lower, p.mask)
		}
		return s == p.lit
	case pPrefix:
		if p.fold {
			return len(s) >= len(p.lit) && foldEqual(s[:len(p.lit)], p.lower, p.mask)
		}
		return strings.HasPrefix(s, p.lit)
	case pGlob:
		if p.star {
			return globStar(p.chunks, s)
		}
		return globMatch(p.chunks, nil, s, p.fold)
	}
	if p.lazy {
		return globStarLazy(p.chunks, p.vars, r, s)
	}
	// Resolve every variable once, into a stack buffer.
	var vbuf [8]string
	vals := vbuf[:0]
	if len(p.vars) > len(vbuf) {
		vals = make([]string, 0, len(p.vars))
	}
	for i := range p.vars {
		t, ok := p.vars[i].resolve(r)
		if !ok {
			return false
		}
		vals = append(vals, t)
	}
	return globMatch(p.chunks, vals, s, p.fold)
}

// equal reports whether s equals the pattern's text with variables
// substituted, with no wildcards. fold compares case-insensitively.
func (p *pattern) equal(s string, r *Request, fold bool) bool {
	if p.kind != pVars {
		if fold {
			return strings.EqualFold(s, p.raw)
		}
		return s == p.raw
	}
	for i := range p.segs {
		t, ok := p.segs[i].resolve(r)
		if !ok {
			return false
		}
		if len(s) < len(t) {
			return false
		}
		if fold {
			if !strings.EqualFold(s[:len(t)], t) {
				return false
			}
		} else if s[:len(t)] != t {
			return false
		}
		s = s[len(t):]
	}
	return s == ""
}

func runeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// arnPattern is a compiled ArnLike/ArnEquals value: six part patterns.
// ok is false for a value that is not six colon-separated parts, which
// matches nothing.
type arnPattern struct {
	parts [6]pattern
	ok    bool
}

func compileARNPattern(raw string, vars bool) arnPattern {
	var ap arnPattern
	// Split at the first five colons that are outside ${...}.
	var parts [6]string
	n, start, depth := 0, 0, 0
	for i := 0; i < len(raw) && n < 5; i++ {
		switch {
		case vars && strings.HasPrefix(raw[i:], "${"):
			depth++
			i++
		case raw[i] == '}' && depth > 0:
			depth--
		case raw[i] == ':' && depth == 0:
			parts[n] = raw[start:i]
			n++
			start = i + 1
		}
	}
	if n < 5 {
		return ap
	}
	parts[5] = raw[start:]
	for i := range parts {
		ap.parts[i] = compilePattern(parts[i], vars, true, false)
	}
	ap.ok = true
	return ap
}

func (ap *arnPattern) match(value string, r *Request) bool {
	if !ap.ok {
		return false
	}
	var vp [6]string
	rest := value
	for i := range 5 {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return false
		}
		vp[i], rest = rest[:j], rest[j+1:]
	}
	vp[5] = rest
	for i := range 6 {
		if !ap.parts[i].match(vp[i], r) {
			return false
		}
	}
	return true
}
