package policy

import "strings"

// glob matches s against a pattern made of pieces: texts[i] is the text of
// piece i, and wild[i] whether '*' and '?' in it are wildcards (policy
// text) or literal characters (a variable's value, an escape). '*' matches
// any run of characters, '?' exactly one.
//
// The pattern is cut at its wildcard '*'s into chunks; the first chunk is
// anchored at the start of s, the last at its end, and each middle chunk
// is matched at its leftmost occurrence, found with strings.Index on the
// chunk's leading literal text. Taking the leftmost occurrence is always
// safe because a chunk at a given position matches a fixed length. This
// runs in about linear time where the classic backtracking matcher is
// quadratic on long ARNs, and it allocates nothing.
type glob struct {
	texts []string
	wild  []bool
	fold  bool
}

// cursor is a position in the pattern: piece and offset in its text.
type cursor struct{ p, off int }

func (g *glob) norm(c cursor) cursor {
	for c.p < len(g.texts) && c.off >= len(g.texts[c.p]) {
		c = cursor{c.p + 1, 0}
	}
	return c
}

func (g *glob) end(c cursor) bool { return g.norm(c).p >= len(g.texts) }

// nextStar returns the position of the next wildcard '*' at or after c,
// or the end.
func (g *glob) nextStar(c cursor) cursor {
	for c = g.norm(c); c.p < len(g.texts); c = g.norm(cursor{c.p + 1, 0}) {
		if g.wild[c.p] {
			if i := strings.IndexByte(g.texts[c.p][c.off:], '*'); i >= 0 {
				return cursor{c.p, c.off + i}
			}
		}
	}
	return c
}

// matchAt matches the chunk [from, to) at s[i:] and returns the number of
// bytes of s it consumed.
func (g *glob) matchAt(from, to cursor, s string, i int) (int, bool) {
	start := i
	for c := g.norm(from); c.p < len(g.texts) && (c.p < to.p || c.p == to.p && c.off < to.off); {
		t := g.texts[c.p]
		stop := len(t)
		if c.p == to.p {
			stop = to.off
		}
		part := t[c.off:stop]
		if !g.wild[c.p] || strings.IndexByte(part, '?') < 0 {
			if len(s)-i < len(part) || !g.eq(s[i:i+len(part)], part) {
				return 0, false
			}
			i += len(part)
		} else {
			for k := 0; k < len(part); k++ {
				if i >= len(s) {
					return 0, false
				}
				if part[k] == '?' {
					i += runeLen(s, i)
					continue
				}
				if !g.eqByte(part[k], s[i]) {
					return 0, false
				}
				i++
			}
		}
		c = g.norm(cursor{c.p, stop})
		if c.p == to.p && c.off >= to.off {
			break
		}
	}
	return i - start, true
}

func (g *glob) eq(a, b string) bool {
	if g.fold {
		return asciiEqualFold(a, b)
	}
	return a == b
}

func (g *glob) eqByte(a, b byte) bool {
	return a == b || g.fold && lowerASCII(a) == lowerASCII(b)
}

// lead returns the chunk's leading literal text (up to its first wildcard
// '?' or the end of its first piece) and whether the chunk has a wildcard
// '?' anywhere, with its byte length when it has none.
func (g *glob) lead(from, to cursor) (lead string, hasQ bool, length int) {
	first := true
	for c := g.norm(from); c.p < len(g.texts) && (c.p < to.p || c.p == to.p && c.off < to.off); c = g.norm(cursor{c.p + 1, 0}) {
		t := g.texts[c.p]
		stop := len(t)
		if c.p == to.p {
			stop = to.off
		}
		part := t[c.off:stop]
		q := -1
		if g.wild[c.p] {
			q = strings.IndexByte(part, '?')
		}
		if first {
			lead = part
			if q >= 0 {
				lead = part[:q]
			}
			first = false
		}
		if q >= 0 {
			hasQ = true
		}
		length += len(part)
		if c.p == to.p {
			break
		}
	}
	return lead, hasQ, length
}

func (g *glob) match(s string) bool {
	star := g.nextStar(cursor{})
	if g.end(star) {
		n, ok := g.matchAt(cursor{}, star, s, 0)
		return ok && n == len(s)
	}
	n, ok := g.matchAt(cursor{}, star, s, 0)
	if !ok {
		return false
	}
	i := n
	for {
		from := cursor{star.p, star.off + 1}
		star = g.nextStar(from)
		if g.end(star) {
			// The last chunk is anchored at the end of s.
			lead, hasQ, length := g.lead(from, star)
			_ = lead
			if !hasQ {
				if len(s)-i < length {
					return false
				}
				n, ok := g.matchAt(from, star, s, len(s)-length)
				return ok && n == length
			}
			for k := i; k <= len(s); {
				if n, ok := g.matchAt(from, star, s, k); ok && k+n == len(s) {
					return true
				}
				if k == len(s) {
					break
				}
				k += runeLen(s, k)
			}
			return false
		}
		if g.norm(from) == g.norm(star) {
			continue // "**"
		}
		k, n, ok := g.find(from, star, s, i)
		if !ok {
			return false
		}
		i = k + n
	}
}

// find returns the leftmost position k >= i where the chunk [from, to)
// matches s, and the length it matched.
func (g *glob) find(from, to cursor, s string, i int) (int, int, bool) {
	lead, _, _ := g.lead(from, to)
	for k := i; k <= len(s); {
		if lead != "" && !g.fold {
			j := strings.Index(s[k:], lead)
			if j < 0 {
				return 0, 0, false
			}
			k += j
		}
		if n, ok := g.matchAt(from, to, s, k); ok {
			return k, n, true
		}
		if k == len(s) {
			break
		}
		k += runeLen(s, k)
	}
	return 0, 0, false
}
