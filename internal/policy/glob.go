package policy

import "strings"

// A wildcard pattern is compiled into chunks: the pieces between its
// wildcard '*'s. Wildcards live only in the policy's own text, never in a
// variable's value, so the chunk structure is known at compile time and
// only variable values are filled in per request.
//
// Matching anchors the first chunk at the start of the string and the last
// at its end, and takes each middle chunk at its leftmost occurrence,
// found with strings.Index on its leading literal text. The leftmost
// occurrence is always safe because a chunk at a given position matches a
// fixed length. This is about linear where the classic backtracking
// matcher is quadratic on long ARNs, and it allocates nothing.

// gpart is one part of a chunk: literal text (v < 0), or variable v of the
// pattern. q reports a wildcard '?' in literal text.
type gpart struct {
	text string
	lead string // text up to its first wildcard '?'
	v    int
	q    bool
}

type gchunk struct {
	parts []gpart
	q     bool
	// lit is set when the chunk is one literal part without a wildcard
	// '?': the common case, matched with plain string functions.
	lit    string
	simple bool
}

// compileChunks cuts segments into chunks at wildcard '*'s and returns
// them with the variable segments in order.
func compileChunks(segs []seg) ([]gchunk, []seg) {
	var vars []seg
	chunks := []gchunk{{}}
	cur := &chunks[0]
	addText := func(t string, wild bool) {
		if t == "" {
			return
		}
		p := gpart{text: t, lead: t, v: -1}
		if wild {
			if i := strings.IndexByte(t, '?'); i >= 0 {
				p.q, p.lead = true, t[:i]
				cur.q = true
			}
		}
		cur.parts = append(cur.parts, p)
	}
	for _, s := range segs {
		if s.v != nil {
			cur.parts = append(cur.parts, gpart{v: len(vars)})
			vars = append(vars, s)
			continue
		}
		if !s.wild {
			addText(s.text, false)
			continue
		}
		t := s.text
		for {
			i := strings.IndexByte(t, '*')
			if i < 0 {
				addText(t, true)
				break
			}
			addText(t[:i], true)
			chunks = append(chunks, gchunk{})
			cur = &chunks[len(chunks)-1]
			t = t[i+1:]
		}
	}
	for i := range chunks {
		c := &chunks[i]
		switch {
		case len(c.parts) == 0:
			c.simple = true
		case len(c.parts) == 1 && c.parts[0].v < 0 && !c.parts[0].q:
			c.simple, c.lit = true, c.parts[0].text
		}
	}
	return chunks, vars
}

// starOnly reports whether no chunk has a wildcard '?', so that
// globStar can match them.
func starOnly(chunks []gchunk) bool {
	for i := range chunks {
		if chunks[i].q {
			return false
		}
	}
	return true
}

// globStar is globMatch for chunks without a wildcard '?' or a variable,
// compared case-sensitively: each chunk is one literal (simple). The first
// is a prefix of s, the last (when there are several) a suffix that does
// not overlap it, and each middle chunk is taken at its leftmost
// occurrence in between.
func globStar(chunks []gchunk, s string) bool {
	first, last := chunks[0].lit, chunks[len(chunks)-1].lit // a '*' makes two chunks at least
	if len(s) < len(first)+len(last) || s[:len(first)] != first || s[len(s)-len(last):] != last {
		return false
	}
	i, end := len(first), len(s)-len(last)
	for k := 1; k < len(chunks)-1; k++ {
		lit := chunks[k].lit
		j := strings.Index(s[i:end], lit)
		if j < 0 {
			return false
		}
		i += j + len(lit)
	}
	return true
}

// edgeVarsOnly reports whether variables appear only in the first and
// last chunks, so that globStarLazy can resolve each one where it is
// compared.
func edgeVarsOnly(chunks []gchunk) bool {
	for k := 1; k < len(chunks)-1; k++ {
		if !chunks[k].simple {
			return false
		}
	}
	return true
}

// globStarLazy is globStar for chunks whose variables are all in the first
// and last chunks (edgeVarsOnly): each variable of vars is resolved from r
// only when its part is compared, so that a mismatch on the literal text
// costs no context lookup. A variable that cannot be resolved matches
// nothing, as in [pattern.match].
func globStarLazy(chunks []gchunk, vars []seg, r *Request, s string) bool {
	i := 0
	first := &chunks[0]
	for k := range first.parts {
		pt := &first.parts[k]
		t := pt.text
		if pt.v >= 0 {
			var ok bool
			if t, ok = vars[pt.v].resolve(r); !ok {
				return false
			}
		}
		if len(s)-i < len(t) || s[i:i+len(t)] != t {
			return false
		}
		i += len(t)
	}
	if len(chunks) == 1 {
		return i == len(s)
	}
	end := len(s)
	last := &chunks[len(chunks)-1]
	for k := len(last.parts) - 1; k >= 0; k-- {
		pt := &last.parts[k]
		t := pt.text
		if pt.v >= 0 {
			var ok bool
			if t, ok = vars[pt.v].resolve(r); !ok {
				return false
			}
		}
		if end-i < len(t) || s[end-len(t):end] != t {
			return false
		}
		end -= len(t)
	}
	for k := 1; k < len(chunks)-1; k++ {
		lit := chunks[k].lit
		j := strings.Index(s[i:end], lit)
		if j < 0 {
			return false
		}
		i += j + len(lit)
	}
	return true
}

// globMatch matches s against chunks with the variables' values vals;
// globStar is its fast form for chunks without '?'.
func globMatch(chunks []gchunk, vals []string, s string, fold bool) bool {
	if len(chunks) == 1 {
		n, ok := matchChunk(&chunks[0], vals, s, 0, fold)
		return ok && n == len(s)
	}
	n, ok := matchChunk(&chunks[0], vals, s, 0, fold)
	if !ok {
		return false
	}
	i, end := n, len(s)
	last := &chunks[len(chunks)-1]
	if !last.q {
		// A last chunk without '?' has a fixed length: match it at the end.
		l := 0
		for k := range last.parts {
			l += len(partText(&last.parts[k], vals))
		}
		if end-i < l {
			return false
		}
		if _, ok := matchChunk(last, vals, s, end-l, fold); !ok {
			return false
		}
		end -= l
	}
	for k := 1; k < len(chunks)-1; k++ {
		j, n, ok := findChunk(&chunks[k], vals, s[:end], i, fold)
		if !ok {
			return false
		}
		i = j + n
	}
	if !last.q {
		return true
	}
	for k := i; ; k += runeLen(s, k) {
		if n, ok := matchChunk(last, vals, s, k, fold); ok && k+n == len(s) {
			return true
		}
		if k >= len(s) {
			return false
		}
	}
}

func partText(p *gpart, vals []string) string {
	if p.v >= 0 {
		return vals[p.v]
	}
	return p.text
}

// matchChunk matches c at s[i:] and returns the bytes consumed.
func matchChunk(c *gchunk, vals []string, s string, i int, fold bool) (int, bool) {
	start := i
	for k := range c.parts {
		p := &c.parts[k]
		t := partText(p, vals)
		if !p.q {
			if len(s)-i < len(t) {
				return 0, false
			}
			if fold {
				if !asciiEqualFold(s[i:i+len(t)], t) {
					return 0, false
				}
			} else if s[i:i+len(t)] != t {
				return 0, false
			}
			i += len(t)
			continue
		}
		for j := 0; j < len(t); j++ {
			if i >= len(s) {
				return 0, false
			}
			if t[j] == '?' {
				i += runeLen(s, i)
				continue
			}
			if t[j] != s[i] && !(fold && lowerASCII(t[j]) == lowerASCII(s[i])) {
				return 0, false
			}
			i++
		}
	}
	return i - start, true
}

// findChunk returns the leftmost k >= i at which c matches s, and the
// length matched.
func findChunk(c *gchunk, vals []string, s string, i int, fold bool) (int, int, bool) {
	lead := ""
	if len(c.parts) > 0 {
		if p := &c.parts[0]; p.v >= 0 {
			lead = vals[p.v]
		} else {
			lead = p.lead
		}
	}
	for k := i; ; k += runeLen(s, k) {
		if lead != "" && !fold {
			j := strings.Index(s[k:], lead)
			if j < 0 {
				return 0, 0, false
			}
			k += j
		}
		if n, ok := matchChunk(c, vals, s, k, fold); ok {
			return k, n, true
		}
		if k >= len(s) {
			return 0, 0, false
		}
	}
}
