package policy

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ccond is one compiled condition: an operator, a key and its values.
type ccond struct {
	op   string
	key  ckey
	info opInfo
	vals []cval
}

// cval is one compiled policy value, pre-parsed for its operator.
type cval struct {
	raw  string
	pat  pattern
	arn  arnPattern
	num  float64
	t    time.Time
	pfx  netip.Prefix
	bin  string
	null bool
}

// compileCondition compiles a condition that Validate has accepted: its
// operator is known and its values parse.
func compileCondition(c Condition, vars bool) ccond {
	oi, _ := lookupOperator(c.Operator)
	cc := ccond{op: c.Operator, key: compileKey(c.Key), info: oi}
	v := vars && oi.vars
	for _, raw := range c.Values {
		cv := cval{raw: raw}
		switch oi.base {
		case bStringEquals, bStringEqualsIgnoreCase, bBool:
			cv.pat = compilePattern(raw, v, false, false)
		case bStringLike:
			cv.pat = compilePattern(raw, v, true, false)
		case bArnLike:
			cv.arn = compileARNPattern(raw, v)
		case bNumericEquals, bNumericLessThan, bNumericLessThanEquals, bNumericGreaterThan, bNumericGreaterThanEquals:
			cv.num, _ = strconv.ParseFloat(raw, 64)
		case bDateEquals, bDateLessThan, bDateLessThanEquals, bDateGreaterThan, bDateGreaterThanEquals:
			cv.t, _ = parseDate(raw)
		case bBinaryEquals:
			b, _ := base64.StdEncoding.DecodeString(raw)
			cv.bin = string(b)
		case bIPAddress:
			cv.pfx, _ = parseCIDR(raw)
		case bNull:
			cv.null = strings.EqualFold(raw, "true")
		}
		cc.vals = append(cc.vals, cv)
	}
	return cc
}

// eval reports whether the condition holds for r, following
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// and, for the set qualifiers,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html.
func (c *ccond) eval(r *Request) bool {
	if c.key.kind == kGeneric && c.info.set == setNone && c.info.base != bNull {
		// Fast path for the common case: a single-valued operator on a
		// key from the context.
		if i := r.Context.indexLower(c.key.lower, c.key.hash); i >= 0 && r.Context.slots[i].n > 0 {
			if sl := &r.Context.slots[i]; sl.n == 1 {
				if c.matchString(sl.one, r) {
					return !c.info.negated
				}
				return c.info.negated
			}
			for _, s := range r.Context.entries[i].Values {
				if c.matchString(s, r) {
					return !c.info.negated
				}
			}
			return c.info.negated
		}
		return c.info.ifExists || c.info.negated
	}
	v, ok := r.lookup(&c.key)
	if ok && v.n == 0 && c.info.set == setNone {
		ok = false // an empty multivalued key is absent to single-valued operators
	}
	if c.info.base == bNull {
		for i := range c.vals {
			if c.vals[i].null != ok {
				return true
			}
		}
		return false
	}
	if !ok {
		switch {
		case c.info.ifExists:
			return true
		case c.info.set == setForAll:
			return true
		case c.info.set == setForAny:
			return false
		}
		// A missing key matches nothing, so a negated operator holds.
		return c.info.negated
	}
	neg := c.info.negated
	switch c.info.set {
	case setForAll:
		for i := 0; i < v.n; i++ {
			if c.anyValue(&v, i, r) == neg {
				return false
			}
		}
		return true
	case setForAny:
		for i := 0; i < v.n; i++ {
			if c.anyValue(&v, i, r) != neg {
				return true
			}
		}
		return false
	}
	for i := 0; i < v.n; i++ {
		if c.anyValue(&v, i, r) {
			return !neg
		}
	}
	return neg
}

// anyValue reports whether request value i matches any policy value under
// the positive form of the operator.
func (c *ccond) anyValue(v *rvals, i int, r *Request) bool {
	switch c.info.base {
	case bDateEquals, bDateLessThan, bDateLessThanEquals, bDateGreaterThan, bDateGreaterThanEquals:
		var t time.Time
		if v.isTime {
			t = v.t
		} else {
			var ok bool
			if t, ok = parseDate(v.at(i)); !ok {
				return false
			}
		}
		for k := range c.vals {
			if cmpDate(c.info.base, t, c.vals[k].t) {
				return true
			}
		}
		return false
	case bNumericEquals, bNumericLessThan, bNumericLessThanEquals, bNumericGreaterThan, bNumericGreaterThanEquals:
		var n float64
		if v.isTime {
			n = float64(v.t.Unix())
		} else {
			var err error
			if n, err = strconv.ParseFloat(v.at(i), 64); err != nil {
				return false
			}
		}
		for k := range c.vals {
			if cmpNum(c.info.base, n, c.vals[k].num) {
				return true
			}
		}
		return false
	case bIPAddress:
		a, err := netip.ParseAddr(v.at(i))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for k := range c.vals {
			if c.vals[k].pfx.Contains(a) {
				return true
			}
		}
		return false
	}
	return c.matchString(v.at(i), r)
}

// matchString reports whether request value s matches any policy value
// under the positive form of the operator.
func (c *ccond) matchString(s string, r *Request) bool {
	switch c.info.base {
	case bDateEquals, bDateLessThan, bDateLessThanEquals, bDateGreaterThan, bDateGreaterThanEquals,
		bNumericEquals, bNumericLessThan, bNumericLessThanEquals, bNumericGreaterThan, bNumericGreaterThanEquals, bIPAddress:
		v := rvals{one: s, n: 1}
		return c.anyValue(&v, 0, r)
	}
	for k := range c.vals {
		pv := &c.vals[k]
		var m bool
		switch c.info.base {
		case bStringEquals:
			m = pv.pat.equal(s, r, false)
		case bStringEqualsIgnoreCase, bBool:
			m = pv.pat.equal(s, r, true)
		case bStringLike:
			m = pv.pat.match(s, r)
		case bArnLike:
			m = pv.arn.match(s, r)
		case bBinaryEquals:
			m = binaryEqual(s, pv.bin)
		}
		if m {
			return true
		}
	}
	return false
}

// binaryEqual compares a base64 request value with decoded policy bytes
// without allocating for values up to 1 KiB.
func binaryEqual(s, want string) bool {
	if base64.StdEncoding.DecodedLen(len(s)) > 1024 {
		b, err := base64.StdEncoding.DecodeString(s)
		return err == nil && string(b) == want
	}
	var buf [1024]byte
	n, err := base64.StdEncoding.Decode(buf[:], []byte(s))
	return err == nil && string(buf[:n]) == want
}

func cmpNum(b base, x, y float64) bool {
	switch b {
	case bNumericEquals:
		return x == y
	case bNumericLessThan:
		return x < y
	case bNumericLessThanEquals:
		return x <= y
	case bNumericGreaterThan:
		return x > y
	}
	return x >= y
}

func cmpDate(b base, x, y time.Time) bool {
	switch b {
	case bDateEquals:
		return x.Equal(y)
	case bDateLessThan:
		return x.Before(y)
	case bDateLessThanEquals:
		return !x.After(y)
	case bDateGreaterThan:
		return x.After(y)
	}
	return !x.Before(y)
}

// why explains, for a condition that does not hold, the first reason. It
// allocates and is meant for explanations only.
func (c *ccond) why(r *Request) string {
	v, ok := r.lookup(&c.key)
	if ok && v.n == 0 && c.info.set == setNone {
		ok = false
	}
	key := strconv.Quote(c.key.name)
	if c.info.base == bNull {
		if ok {
			return c.op + ": condition key " + key + " is present"
		}
		return c.op + ": condition key " + key + " is absent"
	}
	if !ok {
		if c.info.set == setForAny {
			return c.op + ": condition key " + key + " is absent (ForAnyValue needs at least one value)"
		}
		return c.op + ": condition key " + key + " is absent"
	}
	pvs := make([]string, len(c.vals))
	for k := range c.vals {
		pvs[k] = strconv.Quote(c.vals[k].render(c.info.base, r))
	}
	want := strings.Join(pvs, " or ")
	if c.info.negated {
		want = strings.Join(pvs, " / ")
	}
	for i := 0; i < v.n; i++ {
		m := c.anyValue(&v, i, r)
		if (c.info.set == setForAll && m == c.info.negated) || (c.info.set == setNone && m == c.info.negated) {
			return c.op + " on " + key + ": value " + strconv.Quote(v.at(i)) + " " + c.info.verb + " " + want
		}
	}
	if v.n == 0 {
		return c.op + " on " + key + ": the key has no values"
	}
	return c.op + " on " + key + ": no value of " + key + " (" + quoteAll(&v) + ") satisfies " + want
}

func quoteAll(v *rvals) string {
	q := make([]string, v.n)
	for i := range q {
		q[i] = strconv.Quote(v.at(i))
	}
	return strings.Join(q, ", ")
}

// render returns the policy value with variables substituted, for
// explanations.
func (pv *cval) render(b base, r *Request) string {
	switch b {
	case bStringEquals, bStringEqualsIgnoreCase, bBool, bStringLike:
		return pv.pat.render(r)
	case bArnLike:
		var parts []string
		if !pv.arn.ok {
			return pv.raw
		}
		for i := range pv.arn.parts {
			parts = append(parts, pv.arn.parts[i].render(r))
		}
		return strings.Join(parts, ":")
	}
	return pv.raw
}

// render substitutes the pattern's variables; an unresolved one shows as
// ${key} (unresolved).
func (p *pattern) render(r *Request) string {
	if p.kind != pVars {
		return p.raw
	}
	var b strings.Builder
	for i := range p.segs {
		s := &p.segs[i]
		t, ok := s.resolve(r)
		if !ok {
			b.WriteString("${" + s.v.name + "}(absent)")
			continue
		}
		b.WriteString(t)
	}
	return b.String()
}
