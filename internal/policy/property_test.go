package policy_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"abacus/internal/policy"
)

// gen draws random policies and requests from small vocabularies so that
// matches, near misses and edge cases are all frequent.
type gen struct{ r *rand.Rand }

func (g gen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g gen) some(n int, f func() string) []string {
	k := 1 + g.r.IntN(n)
	out := make([]string, k)
	for i := range out {
		out[i] = f()
	}
	return out
}

var (
	genActions   = []string{"s3:GetObject", "s3:Get", "s3:PutObject", "S3:getobject", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob", "iam:CreateUser"}
	genActPats   = []string{"s3:GetObject", "s3:*", "*", "s3:Get*", "S3:GETOBJECT", "sagemaker:Describe*", "sagemaker:*TrainingJob", "?3:PutObject", "iam:Create?ser", "*:Get*", "sagemaker:StopTrainingJob"}
	genResources = []string{"arn:aws:s3:::b/users/alice/x", "arn:aws:s3:::b/", "arn:aws:s3:::b/users/bob/x", "arn:aws:s3:::b/users/*/x", "arn:aws:sagemaker:us-east-1:123456789012:training-job/j1", "*", "arn:aws:s3:::b/a?c"}
	genResPats   = []string{"*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/users/${aws:username}/*", "arn:aws:s3:::b/users/${aws:SourceIdentity, 'bob'}/*",
		"arn:aws:s3:::b/users/${*}/x", "arn:aws:s3:::b/a${?}c", "arn:aws:s3:::b/a?c", "arn:aws:sagemaker:*:*:training-job/*", "arn:aws:s3:::b/users/${svc:Name}/?",
		"arn:aws:*:b/*", "arn:aws:s3:::b/users/${aws:PrincipalTag/team}*", "arn:aws:s3:::b/${$}{x}", "arn:aws:s3:::b/users/${aws:username/x"}
	genKeys   = []string{"svc:Name", "SVC:name", "svc:Tags", "aws:username", "aws:SourceIdentity", "aws:PrincipalTag/team", "svc:Num", "svc:Ip", "svc:Arn", "svc:Flag", "aws:CurrentTime"}
	genValues = []string{"alice", "bob", "Alice", "a*", "*", "${aws:username}", "${svc:Name}", "${aws:SourceIdentity, 'alice'}", "al?ce", "", "${*}", "x${?}"}
	genOps    = []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"}
)

func (g gen) condition() (op, key string, values []string) {
	set := g.pick("", "", "", "ForAllValues:", "ForAnyValue:")
	ifx := g.pick("", "", "IfExists")
	switch g.r.IntN(9) {
	case 0:
		return set + g.pick("NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericGreaterThanEquals") + ifx, "svc:Num", g.some(2, func() string { return g.pick("1", "2.5", "10", "-3") })
	case 1:
		return set + g.pick("IpAddress", "NotIpAddress") + ifx, "svc:Ip", g.some(2, func() string { return g.pick("10.0.0.0/8", "192.168.1.1", "2001:db8::/32", "0.0.0.0/0") })
	case 2:
		return set + g.pick("ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals") + ifx, "svc:Arn", g.some(2, func() string {
			return g.pick("arn:aws:iam::*:user/*", "arn:aws:iam::123456789012:user/${aws:username}", "arn:aws:*", "arn:aws:s3:::b/*", "bad")
		})
	case 3:
		return "Null", g.pick(genKeys...), []string{g.pick("true", "false")}
	case 4:
		return set + "Bool" + ifx, "svc:Flag", []string{g.pick("true", "false", "TRUE")}
	case 5:
		return set + g.pick("DateLessThan", "DateGreaterThan", "DateEquals", "DateNotEquals") + ifx, g.pick("aws:CurrentTime", "svc:Date"),
			g.some(2, func() string {
				return g.pick("2026-01-01T00:00:00Z", "1767366245", "2026-01-02", "2030-01-01T00:00:00+02:00")
			})
	}
	return set + g.pick(genOps...) + ifx, g.pick(genKeys...), g.some(3, func() string { return g.pick(genValues...) })
}

func (g gen) document(kind policy.Kind) []byte {
	var stmts []map[string]any
	for i := range 1 + g.r.IntN(4) {
		st := map[string]any{"Sid": "S" + string(rune('A'+i)), "Effect": g.pick("Allow", "Allow", "Deny")}
		if g.r.IntN(5) == 0 {
			st["NotAction"] = g.some(2, func() string { return g.pick(genActPats...) })
		} else {
			st["Action"] = g.some(3, func() string { return g.pick(genActPats...) })
		}
		if g.r.IntN(5) == 0 {
			st["NotResource"] = g.some(2, func() string { return g.pick(genResPats...) })
		} else {
			st["Resource"] = g.some(2, func() string { return g.pick(genResPats...) })
		}
		if kind == policy.KindResource {
			p := map[string]any{"AWS": g.some(2, func() string {
				return g.pick("*", "123456789012", "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:role/R", "210987654321")
			})}
			if g.r.IntN(3) == 0 {
				st["Principal"] = "*"
			} else {
				st["Principal"] = p
			}
		}
		if n := g.r.IntN(3); n > 0 {
			cond := map[string]map[string][]string{}
			for range n {
				op, key, vals := g.condition()
				if cond[op] == nil {
					cond[op] = map[string][]string{}
				}
				cond[op][key] = vals
			}
			st["Condition"] = cond
		}
		stmts = append(stmts, st)
	}
	d := map[string]any{"Statement": stmts}
	if v := g.pick("2012-10-17", "2012-10-17", "2008-10-17", ""); v != "" {
		d["Version"] = v
	}
	b, _ := json.Marshal(d)
	return b
}

func (g gen) request() *policy.Request {
	r := &policy.Request{Action: g.pick(genActions...), Resource: g.pick(genResources...)}
	switch g.r.IntN(3) {
	case 0:
		r.Principal = policy.Caller{ARN: "arn:aws:iam::123456789012:user/alice", Type: policy.PrincipalUser, Account: "123456789012", UserName: g.pick("alice", "bob", "*", "")}
	case 1:
		r.Principal = policy.Caller{ARN: "arn:aws:sts::123456789012:assumed-role/R/s", RoleARN: "arn:aws:iam::123456789012:role/R", Type: policy.PrincipalAssumedRole,
			Account: "123456789012", SourceIdentity: g.pick("alice", "bob", "")}
	default:
		r.Principal = policy.Caller{ARN: "arn:aws:iam::210987654321:user/eve", Type: policy.PrincipalUser, Account: "210987654321", UserName: "eve"}
	}
	if g.r.IntN(2) == 0 {
		r.Principal.Tags = []policy.Tag{{Key: g.pick("team", "Team"), Value: g.pick("ml", "alice", "users/alice")}}
	}
	if g.r.IntN(2) == 0 {
		r.Time = fixedTime
	}
	for range g.r.IntN(6) {
		key := g.pick(genKeys...)
		switch key {
		case "svc:Num":
			r.Context.Set(key, g.pick("1", "2.5", "11", "x"))
		case "svc:Ip":
			r.Context.Set(key, g.pick("10.1.1.1", "192.168.1.1", "2001:db8::5", "::ffff:10.0.0.1", "nope"))
		case "svc:Arn":
			r.Context.Set(key, g.pick("arn:aws:iam::123456789012:user/alice", "arn:aws:s3:::b/x", "arn:aws:iam::1:user/bob"))
		case "svc:Flag":
			r.Context.Set(key, g.pick("true", "false", "True"))
		case "svc:Tags":
			vals := []string{g.pick("alice", "bob", "a1"), g.pick("alice", "bob", "a1")}
			r.Context.SetMulti(key, vals[:g.r.IntN(3)]...)
		default:
			if g.r.IntN(4) == 0 {
				r.Context.SetMulti(key, g.some(2, func() string { return g.pick("alice", "bob", "al?ce") })...)
			} else {
				r.Context.Set(key, g.pick("alice", "bob", "Alice", "a*", "*", "", "al?ce", "2026-01-01T00:00:00Z"))
			}
		}
	}
	return r
}

// TestCompiledMatchesReference is the property test: on random policies
// and requests the compiled, indexed evaluator and the plain reference
// interpreter in reference_test.go agree on the decision and the matched
// statements.
func TestCompiledMatchesReference(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1, 2))}
	n := 4000
	if testing.Short() || raceEnabled {
		n = 500
	}
	checked := map[policy.Decision]int{}
	for i := range n {
		kind := policy.KindIdentity
		if i%4 == 0 {
			kind = policy.KindResource
		}
		var docs []*policy.Document
		var ps []*policy.Policy
		for range 1 + g.r.IntN(3) {
			src := g.document(kind)
			d, err := policy.Parse(src)
			if err != nil {
				t.Fatalf("generated %s: %v", src, err)
			}
			p, err := policy.Compile(d, policy.Options{Kind: kind})
			if err != nil {
				continue // e.g. a duplicate key the generator produced
			}
			docs = append(docs, d)
			ps = append(ps, p)
		}
		set := policy.NewSet(ps...)
		for range 5 {
			r := g.request()
			got, matched := set.Evaluate(r, nil)
			want, wantSids := refDecide(docs, r)
			var sids []string
			for _, m := range matched {
				sids = append(sids, m.Sid)
			}
			if got != want || !slices.Equal(sids, wantSids) {
				var srcs []string
				for _, d := range docs {
					b, _ := d.MarshalJSON()
					srcs = append(srcs, string(b))
				}
				t.Fatalf("case %d: compiled %v %v, reference %v %v\npolicies %q\nrequest %+v\ncontext %+v", i, got, sids, want, wantSids, srcs, *r, r.Context.Entries())
			}
			checked[got]++
		}
	}
	for _, d := range []policy.Decision{policy.Allowed, policy.ExplicitDeny, policy.ImplicitDeny} {
		if checked[d] < n/50 {
			t.Errorf("only %d %v outcomes in %d cases: the generator is too narrow (%v)", checked[d], d, n*5, checked)
		}
	}
}
