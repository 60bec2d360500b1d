package policy_test

// This file is a deliberately plain reference interpreter of the IAM policy
// language, used by the property test to check the compiled evaluator. It
// shares no matching code with the package: wildcards become regular
// expressions, variables are substituted by a hand-written scanner, every
// statement of every policy is walked for every request, and nothing is
// cached or indexed.

import (
	"encoding/base64"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"abacus/internal/policy"
)

// refDecide evaluates docs (all of one policy type) for r.
func refDecide(docs []*policy.Document, r *policy.Request) (policy.Decision, []string) {
	allowed, denied := false, false
	var sids []string
	for _, d := range docs {
		for _, st := range d.Statements {
			if !refStatementApplies(d, st, r) {
				continue
			}
			sids = append(sids, st.Sid)
			if st.Effect == "Deny" {
				denied = true
			} else {
				allowed = true
			}
		}
	}
	switch {
	case denied:
		return policy.ExplicitDeny, sids
	case allowed:
		return policy.Allowed, sids
	}
	return policy.ImplicitDeny, sids
}

func refStatementApplies(d *policy.Document, st *policy.Statement, r *policy.Request) bool {
	vars := d.Version == "2012-10-17"
	// Action.
	list, negate := st.Action, false
	if st.NotAction != nil {
		list, negate = st.NotAction, true
	}
	hit := false
	for _, a := range list {
		if refGlob(a, strings.ToLower(r.Action), true) {
			hit = true
		}
	}
	if hit == negate {
		return false
	}
	// Resource.
	if st.Resource != nil || st.NotResource != nil {
		list, negate = st.Resource, false
		if st.NotResource != nil {
			list, negate = st.NotResource, true
		}
		hit = false
		for _, p := range list {
			if re, ok := refPattern(p, r, vars, true); ok && re.MatchString(r.Resource) {
				hit = true
			}
		}
		if hit == negate {
			return false
		}
	}
	// Principal.
	if st.Principal != nil && !refPrincipal(st.Principal, r) {
		return false
	}
	if st.NotPrincipal != nil && refPrincipal(st.NotPrincipal, r) {
		return false
	}
	for _, c := range st.Condition {
		if !refCondition(c, r, vars) {
			return false
		}
	}
	return true
}

func refPrincipal(p *policy.Principal, r *policy.Request) bool {
	c := r.Principal
	if p.All {
		return true
	}
	for _, a := range p.AWS {
		if a == "*" {
			return true
		}
		if c.Type == policy.PrincipalService || c.Type == policy.PrincipalAnonymous {
			continue
		}
		if a == c.Account || a == "arn:aws:iam::"+c.Account+":root" || a == c.ARN || (c.RoleARN != "" && a == c.RoleARN) {
			return true
		}
	}
	for _, s := range p.Service {
		if c.Type == policy.PrincipalService && s == c.Service {
			return true
		}
	}
	return false
}

// refGlob matches with '*' and '?' wildcards through a regular expression.
func refGlob(pattern, s string, fold bool) bool {
	var b strings.Builder
	b.WriteString("^")
	if fold {
		b.WriteString("(?i)")
	}
	for _, ch := range pattern {
		switch ch {
		case '*':
			b.WriteString("(?s:.*)")
		case '?':
			b.WriteString("(?s:.)")
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()).MatchString(s)
}

// refPiece is a piece of a substituted value: text from the policy (in
// which wildcards are live when wild) or literal text.
type refPiece struct {
	text string
	wild bool
}

// refSubstitute splits s into pieces with variables replaced; ok is false
// when a variable has no value.
func refSubstitute(s string, r *policy.Request, vars bool) ([]refPiece, bool) {
	if !vars {
		return []refPiece{{s, true}}, true
	}
	var out []refPiece
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			out = append(out, refPiece{s, true})
			return out, true
		}
		out = append(out, refPiece{s[:i], true})
		// Find the closing brace outside quotes.
		end, quoted := -1, false
		for j := i + 2; j < len(s); j++ {
			if s[j] == '\'' {
				quoted = !quoted
			} else if s[j] == '}' && !quoted {
				end = j
				break
			}
		}
		if end < 0 {
			out = append(out, refPiece{"${", true})
			s = s[i+2:]
			continue
		}
		inner := s[i+2 : end]
		s = s[end+1:]
		if inner == "*" || inner == "?" || inner == "$" {
			out = append(out, refPiece{inner, false})
			continue
		}
		name, def, hasDef := inner, "", false
		if k := strings.Index(inner, ","); k >= 0 {
			name = inner[:k]
			rest := strings.TrimSpace(inner[k+1:])
			good := len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\''
			if good {
				body := rest[1 : len(rest)-1]
				// Every quote inside must be doubled.
				if strings.Count(strings.ReplaceAll(body, "''", ""), "'") != 0 {
					good = false
				}
				def, hasDef = strings.ReplaceAll(body, "''", "'"), true
			}
			if !good {
				out = append(out, refPiece{"${" + inner + "}", true})
				continue
			}
		}
		name = strings.TrimSpace(name)
		if name == "" || strings.ContainsAny(name, " \t'") {
			out = append(out, refPiece{"${" + inner + "}", true})
			continue
		}
		vals, present, multi := refLookup(r, name)
		switch {
		case present && !multi && len(vals) == 1:
			out = append(out, refPiece{vals[0], false})
		case hasDef:
			out = append(out, refPiece{def, false})
		default:
			return nil, false
		}
	}
}

// refPattern builds an anchored regular expression for a policy value.
func refPattern(p string, r *policy.Request, vars, wild bool) (*regexp.Regexp, bool) {
	pieces, ok := refSubstitute(p, r, vars)
	if !ok {
		return nil, false
	}
	var b strings.Builder
	b.WriteString("^")
	for _, pc := range pieces {
		for _, ch := range pc.text {
			switch {
			case wild && pc.wild && ch == '*':
				b.WriteString("(?s:.*)")
			case wild && pc.wild && ch == '?':
				b.WriteString("(?s:.)")
			default:
				b.WriteString(regexp.QuoteMeta(string(ch)))
			}
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()), true
}

func refText(p string, r *policy.Request, vars bool) (string, bool) {
	pieces, ok := refSubstitute(p, r, vars)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for _, pc := range pieces {
		b.WriteString(pc.text)
	}
	return b.String(), true
}

// refLookup finds a key's values: principal fields first, then the
// context, by case-insensitive name.
func refLookup(r *policy.Request, key string) (vals []string, present, multi bool) {
	c := r.Principal
	lk := strings.ToLower(key)
	one := func(v string) ([]string, bool, bool) {
		if v == "" {
			return nil, false, false
		}
		return []string{v}, true, false
	}
	var v []string
	var ok bool
	switch {
	case lk == "aws:username":
		v, ok, _ = one(c.UserName)
	case lk == "aws:userid":
		v, ok, _ = one(c.UserID)
	case lk == "aws:sourceidentity":
		v, ok, _ = one(c.SourceIdentity)
	case lk == "aws:principalaccount":
		v, ok, _ = one(c.Account)
	case lk == "aws:principalarn":
		if c.RoleARN != "" {
			v, ok, _ = one(c.RoleARN)
		} else {
			v, ok, _ = one(c.ARN)
		}
	case lk == "aws:principaltype":
		if c.Type != policy.PrincipalService {
			v, ok, _ = one(string(c.Type))
		}
	case strings.HasPrefix(lk, "aws:principaltag/"):
		tag := lk[len("aws:principaltag/"):]
		for _, list := range [][]policy.Tag{c.SessionTags, c.Tags} {
			for _, t := range list {
				if strings.ToLower(t.Key) == tag {
					return []string{t.Value}, true, false
				}
			}
		}
	case lk == "aws:currenttime" && !r.Time.IsZero():
		return []string{r.Time.UTC().Format(time.RFC3339)}, true, false
	case lk == "aws:epochtime" && !r.Time.IsZero():
		return []string{strconv.FormatInt(r.Time.Unix(), 10)}, true, false
	}
	if ok {
		return v, true, false
	}
	for _, e := range r.Context.Entries() {
		if strings.ToLower(e.Key) == lk {
			return e.Values, true, e.Multi || len(e.Values) > 1
		}
	}
	return nil, false, false
}

func refCondition(c policy.Condition, r *policy.Request, vars bool) bool {
	op := c.Operator
	set := ""
	if s, rest, ok := strings.Cut(op, ":"); ok {
		set, op = s, rest
	}
	ifExists := false
	if op != "Null" && strings.HasSuffix(op, "IfExists") {
		ifExists, op = true, strings.TrimSuffix(op, "IfExists")
	}
	negated := map[string]bool{"StringNotEquals": true, "StringNotEqualsIgnoreCase": true, "StringNotLike": true,
		"NumericNotEquals": true, "DateNotEquals": true, "NotIpAddress": true, "ArnNotEquals": true, "ArnNotLike": true}[op]
	vals, present, _ := refLookup(r, c.Key)
	if set == "" && len(vals) == 0 {
		present = false
	}
	if op == "Null" {
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") != present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case ifExists, set == "ForAllValues":
			return true
		case set == "ForAnyValue":
			return false
		}
		return negated
	}
	// matches reports whether request value rv matches any policy value
	// under the positive operator.
	matches := func(rv string) bool {
		for _, pv := range c.Values {
			if refBase(op, pv, rv, r, vars) {
				return true
			}
		}
		return false
	}
	switch set {
	case "ForAllValues":
		for _, rv := range vals {
			if matches(rv) == negated {
				return false
			}
		}
		return true
	case "ForAnyValue":
		for _, rv := range vals {
			if matches(rv) != negated {
				return true
			}
		}
		return false
	}
	any := false
	for _, rv := range vals {
		any = any || matches(rv)
	}
	return any != negated
}

func refBase(op, pv, rv string, r *policy.Request, vars bool) bool {
	switch op {
	case "StringEquals", "StringNotEquals":
		t, ok := refText(pv, r, vars)
		return ok && t == rv
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "Bool":
		t, ok := refText(pv, r, vars)
		return ok && strings.EqualFold(t, rv)
	case "StringLike", "StringNotLike":
		re, ok := refPattern(pv, r, vars, true)
		return ok && re.MatchString(rv)
	case "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike":
		pp := refSplitARN(pv, vars)
		vp := strings.SplitN(rv, ":", 6)
		if pp == nil || len(vp) != 6 {
			return false
		}
		for i := range 6 {
			re, ok := refPattern(pp[i], r, vars, true)
			if !ok || !re.MatchString(vp[i]) {
				return false
			}
		}
		return true
	case "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		x, err1 := strconv.ParseFloat(rv, 64)
		y, err2 := strconv.ParseFloat(pv, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		return map[string]bool{"NumericEquals": x == y, "NumericNotEquals": x == y, "NumericLessThan": x < y,
			"NumericLessThanEquals": x <= y, "NumericGreaterThan": x > y, "NumericGreaterThanEquals": x >= y}[op]
	case "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
		x, ok1 := refDate(rv)
		y, ok2 := refDate(pv)
		if !ok1 || !ok2 {
			return false
		}
		return map[string]bool{"DateEquals": x.Equal(y), "DateNotEquals": x.Equal(y), "DateLessThan": x.Before(y),
			"DateLessThanEquals": !x.After(y), "DateGreaterThan": x.After(y), "DateGreaterThanEquals": !x.Before(y)}[op]
	case "IpAddress", "NotIpAddress":
		a, err := netip.ParseAddr(rv)
		if err != nil {
			return false
		}
		p, err := netip.ParsePrefix(pv)
		if err != nil {
			b, err := netip.ParseAddr(pv)
			if err != nil {
				return false
			}
			return a.Unmap() == b
		}
		return p.Masked().Contains(a.Unmap())
	case "BinaryEquals":
		x, err1 := base64.StdEncoding.DecodeString(rv)
		y, err2 := base64.StdEncoding.DecodeString(pv)
		return err1 == nil && err2 == nil && string(x) == string(y)
	}
	return false
}

// refSplitARN splits an ARN pattern at its first five colons outside
// ${...}.
func refSplitARN(p string, vars bool) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(p) && len(parts) < 5; i++ {
		if vars && strings.HasPrefix(p[i:], "${") {
			depth++
			i++
			continue
		}
		if p[i] == '}' && depth > 0 {
			depth--
		} else if p[i] == ':' && depth == 0 {
			parts = append(parts, p[start:i])
			start = i + 1
		}
	}
	if len(parts) < 5 {
		return nil
	}
	return append(parts, p[start:])
}

func refDate(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && !strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "+") {
		return time.Unix(n, 0), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
