package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/policy"
)

// TestExplainReasons checks the first reason Explain gives for each way a
// statement can fail to apply, so that a user can fix a policy from the
// explanation alone.
func TestExplainReasons(t *testing.T) {
	withCond := func(op, key, values string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"C","Effect":"Allow","Action":"s:a","Resource":"*","Condition":{"` + op + `":{"` + key + `":` + values + `}}}]}`
	}
	tests := []struct {
		name   string
		kind   policy.Kind
		policy string
		req    func(r *policy.Request)
		want   string
	}{
		{name: "resource", policy: `{"Version":"2012-10-17","Statement":[{"Sid":"C","Effect":"Allow","Action":"s:a","Resource":["arn:aws:s3:::x/${aws:username}/*","arn:aws:s3:::y"]}]}`,
			want: `resource "arn:aws:s3:::bucket/key" does not match "arn:aws:s3:::x/alice/*", "arn:aws:s3:::y"`},
		{name: "resource-variable-absent", policy: `{"Version":"2012-10-17","Statement":[{"Sid":"C","Effect":"Allow","Action":"s:a","Resource":"arn:aws:s3:::x/${aws:SourceIdentity}/*"}]}`,
			want: `resource "arn:aws:s3:::bucket/key" does not match "arn:aws:s3:::x/${aws:SourceIdentity}(absent)/*"`},
		{name: "notresource", policy: `{"Version":"2012-10-17","Statement":[{"Sid":"C","Effect":"Allow","Action":"s:a","NotResource":"arn:aws:s3:::bucket/*"}]}`,
			want: `resource "arn:aws:s3:::bucket/key" is excluded by NotResource "arn:aws:s3:::bucket/*"`},
		{name: "principal", kind: policy.KindResource, policy: `{"Version":"2012-10-17","Statement":[{"Sid":"C","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"s:a","Resource":"*"}]}`,
			want: `principal "arn:aws:iam::123456789012:user/alice" is not named in Principal`},
		{name: "notprincipal-applies", kind: policy.KindResource, policy: `{"Version":"2012-10-17","Statement":[{"Sid":"C","Effect":"Deny","NotPrincipal":{"AWS":"210987654321"},"Action":"s:a","Resource":"*"}]}`,
			want: ``},
		{name: "single-valued-op-empty-set", policy: withCond("StringEquals", "aws:TagKeys", `"a"`), req: func(r *policy.Request) { r.Context.SetMulti("aws:TagKeys") },
			want: `condition StringEquals: condition key "aws:TagKeys" is absent`},
		{name: "notprincipal-excluded", kind: policy.KindResource, policy: `{"Version":"2012-10-17","Statement":[{"Sid":"C","Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s:a","Resource":"*"}]}`,
			want: `principal "arn:aws:iam::123456789012:user/alice" is excluded by NotPrincipal`},
		{name: "key-absent", policy: withCond("StringLike", "sagemaker:ResourceTag/owner", `"${aws:username}"`),
			want: `condition StringLike: condition key "sagemaker:ResourceTag/owner" is absent`},
		{name: "value-not-like", policy: withCond("StringLike", "svc:K", `["a*","${aws:username}-*"]`), req: func(r *policy.Request) { r.Context.Set("svc:K", "bob") },
			want: `condition StringLike on "svc:K": value "bob" not like "a*" or "alice-*"`},
		{name: "value-equals-negated", policy: withCond("StringNotEquals", "svc:K", `["bob","carol"]`), req: func(r *policy.Request) { r.Context.Set("svc:K", "bob") },
			want: `condition StringNotEquals on "svc:K": value "bob" equals "bob" / "carol"`},
		{name: "numeric", policy: withCond("NumericLessThan", "svc:N", `"10"`), req: func(r *policy.Request) { r.Context.Set("svc:N", "12") },
			want: `condition NumericLessThan on "svc:N": value "12" is not less than "10"`},
		{name: "arn", policy: withCond("ArnLike", "svc:A", `"arn:aws:iam::${aws:PrincipalAccount}:role/x"`), req: func(r *policy.Request) { r.Context.Set("svc:A", "arn:aws:iam::1:role/y") },
			want: `condition ArnLike on "svc:A": value "arn:aws:iam::1:role/y" does not match "arn:aws:iam::123456789012:role/x"`},
		{name: "arn-malformed-pattern", policy: withCond("ArnLike", "svc:A", `"bad"`), req: func(r *policy.Request) { r.Context.Set("svc:A", "arn:aws:iam::1:role/y") },
			want: `condition ArnLike on "svc:A": value "arn:aws:iam::1:role/y" does not match "bad"`},
		{name: "ip", policy: withCond("IpAddress", "aws:SourceIp", `"10.0.0.0/8"`), req: func(r *policy.Request) { r.Context.Set("aws:SourceIp", "192.0.2.1") },
			want: `condition IpAddress on "aws:SourceIp": value "192.0.2.1" is not in "10.0.0.0/8"`},
		{name: "null-present", policy: withCond("Null", "svc:K", `"true"`), req: func(r *policy.Request) { r.Context.Set("svc:K", "x") },
			want: `condition Null: condition key "svc:K" is present`},
		{name: "null-absent", policy: withCond("Null", "svc:K", `"false"`),
			want: `condition Null: condition key "svc:K" is absent`},
		{name: "foranyvalue-absent", policy: withCond("ForAnyValue:StringEquals", "aws:TagKeys", `"team"`),
			want: `condition ForAnyValue:StringEquals: condition key "aws:TagKeys" is absent (ForAnyValue needs at least one value)`},
		{name: "foranyvalue-empty", policy: withCond("ForAnyValue:StringEquals", "aws:TagKeys", `"team"`), req: func(r *policy.Request) { r.Context.SetMulti("aws:TagKeys") },
			want: `condition ForAnyValue:StringEquals on "aws:TagKeys": the key has no values`},
		{name: "foranyvalue-none", policy: withCond("ForAnyValue:StringEquals", "aws:TagKeys", `"team"`), req: func(r *policy.Request) { r.Context.SetMulti("aws:TagKeys", "a", "b") },
			want: `condition ForAnyValue:StringEquals on "aws:TagKeys": no value of "aws:TagKeys" ("a", "b") satisfies "team"`},
		{name: "forallvalues-one-bad", policy: withCond("ForAllValues:StringEquals", "aws:TagKeys", `["team","owner"]`), req: func(r *policy.Request) { r.Context.SetMulti("aws:TagKeys", "team", "cost") },
			want: `condition ForAllValues:StringEquals on "aws:TagKeys": value "cost" does not equal "team" or "owner"`},
		{name: "date-current-time", policy: withCond("DateLessThan", "aws:CurrentTime", `"2020-01-01T00:00:00Z"`), req: func(r *policy.Request) { r.Time = fixedTime },
			want: `condition DateLessThan on "aws:CurrentTime": value "2026-01-02T15:04:05Z" is not before "2020-01-01T00:00:00Z"`},
		{name: "epoch", policy: withCond("NumericLessThan", "aws:EpochTime", `"100"`), req: func(r *policy.Request) { r.Time = fixedTime },
			want: `condition NumericLessThan on "aws:EpochTime": value "1767366245" is not less than "100"`},
		{name: "applied", policy: withCond("StringEquals", "aws:username", `"alice"`), want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := compile(t, tt.kind, tt.policy)
			r := baseRequest()
			if tt.req != nil {
				tt.req(r)
			}
			got := policy.NewSet(p).Explain(r)
			if len(got) != 1 {
				t.Fatalf("Explain = %+v, want one statement", got)
			}
			if got[0].Reason != tt.want || got[0].Applied != (tt.want == "") || got[0].Sid != "C" || got[0].Policy != p {
				t.Errorf("reason\n%q\nwant\n%q", got[0].Reason, tt.want)
			}
		})
	}
}

func TestExplainSkipsOtherActions(t *testing.T) {
	p := compile(t, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"x:y","Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"s:*","Resource":"*"}]}`)
	got := policy.NewSet(p).Explain(baseRequest())
	if len(got) != 1 || got[0].Statement != 1 || got[0].Effect != policy.EffectDeny || !got[0].Applied {
		t.Errorf("Explain = %+v", got)
	}
	var nilSet *policy.Set
	if nilSet.Explain(baseRequest()) != nil || nilSet.Len() != 0 || nilSet.Policies() != nil {
		t.Error("a nil set must be empty")
	}
	if d, m := nilSet.Evaluate(baseRequest(), nil); d != policy.ImplicitDeny || m != nil {
		t.Error("a nil set must deny implicitly")
	}
}

func TestDecisionAndEffectText(t *testing.T) {
	for _, d := range []policy.Decision{policy.Allowed, policy.ExplicitDeny, policy.ImplicitDeny} {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back policy.Decision
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Errorf("round trip of %v: %s -> %v, %v", d, b, back, err)
		}
	}
	if got := []string{policy.Allowed.String(), policy.ExplicitDeny.String(), policy.ImplicitDeny.String()}; !cmp.Equal(got, []string{"allowed", "explicitDeny", "implicitDeny"}) {
		t.Errorf("decision names %q", got)
	}
	var d policy.Decision
	if err := d.UnmarshalText([]byte("Allow")); err == nil {
		t.Error("UnmarshalText accepted Allow")
	}
	if _, err := policy.Decision(9).MarshalText(); err == nil || policy.Decision(9).String() != "Decision(9)" {
		t.Error("an invalid decision must not marshal")
	}
	if policy.EffectAllow.String() != "Allow" || policy.EffectDeny.String() != "Deny" || policy.Effect(0).String() != "Effect(0)" {
		t.Error("effect names")
	}
	if b, _ := json.Marshal(policy.EffectDeny); string(b) != `"Deny"` {
		t.Errorf("effect JSON %s", b)
	}
}

func TestPolicyAccessors(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s:a","Resource":"*"}}`
	p, err := policy.CompileJSON([]byte(src), policy.Options{Name: "n", ARN: "arn:aws:iam::123456789012:policy/n", Kind: policy.KindBoundary})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "n" || p.ARN() != "arn:aws:iam::123456789012:policy/n" || p.Kind() != policy.KindBoundary || len(p.Document().Statements) != 1 || p.Label() != p.ARN() {
		t.Errorf("accessors: %q %q %v %q", p.Name(), p.ARN(), p.Kind(), p.Label())
	}
	q, _ := policy.CompileJSON([]byte(src), policy.Options{Name: "inline"})
	r, _ := policy.CompileJSON([]byte(src), policy.Options{})
	if q.Label() != "inline" || r.Label() != "policy" {
		t.Errorf("labels %q %q", q.Label(), r.Label())
	}
	s := policy.NewSet(p, q, r)
	if s.Len() != 3 || s.Policies()[1] != q {
		t.Error("Set.Policies")
	}
	if _, err := policy.CompileJSON([]byte(`{`), policy.Options{}); err == nil {
		t.Error("CompileJSON accepted bad JSON")
	}
}

func TestContext(t *testing.T) {
	var c policy.Context
	c.Set("aws:SourceIp", "10.0.0.1")
	c.Add("aws:TagKeys", "a")
	c.Add("AWS:TAGKEYS", "b")
	c.SetMulti("svc:Empty")
	if v, ok := c.Get("aws:tagkeys"); !ok || !cmp.Equal(v, []string{"a", "b"}) {
		t.Errorf("Get after Add: %v %v", v, ok)
	}
	if c.Len() != 3 || !c.Entries()[1].Multi || c.Entries()[0].Multi {
		t.Errorf("entries %+v", c.Entries())
	}
	if v, ok := c.Get("svc:empty"); !ok || len(v) != 0 {
		t.Errorf("empty multivalued key: %v %v", v, ok)
	}
	c.Set("AWS:SOURCEIP", "10.0.0.2")
	if v, _ := c.Get("aws:SourceIp"); !cmp.Equal(v, []string{"10.0.0.2"}) || c.Len() != 3 {
		t.Errorf("Set must replace: %v", v)
	}
	c.Delete("aws:sourceip")
	c.Delete("nothing")
	if _, ok := c.Get("aws:SourceIp"); ok || c.Len() != 2 {
		t.Error("Delete")
	}
	c.Reset()
	if c.Len() != 0 {
		t.Error("Reset")
	}
	allocs := testing.AllocsPerRun(100, func() {
		c.Reset()
		c.Set("aws:SourceIp", "10.0.0.1")
		c.Set("aws:TagKeys", "a")
	})
	if v, _ := c.Get("aws:SourceIp"); allocs != 0 || !cmp.Equal(v, []string{"10.0.0.1"}) {
		t.Errorf("a reset Context reused: %v allocations, value %v", allocs, v)
	}
}

func TestPrincipalARN(t *testing.T) {
	c := policy.Caller{ARN: "arn:aws:sts::1:assumed-role/R/s", RoleARN: "arn:aws:iam::1:role/R"}
	if c.PrincipalARN() != c.RoleARN {
		t.Error("role session")
	}
	c.RoleARN = ""
	if c.PrincipalARN() != c.ARN {
		t.Error("user")
	}
}

// TestWildcardEdges covers the matcher's less common shapes through
// Resource patterns.
func TestWildcardEdges(t *testing.T) {
	tests := []struct {
		pattern, resource string
		want              bool
	}{
		{"arn:aws:s3:::b/*.t?t", "arn:aws:s3:::b/x/y.txt", true},
		{"arn:aws:s3:::b/*.t?t", "arn:aws:s3:::b/x/y.tt", false},
		{"arn:aws:s3:::b/*.t?t", "arn:aws:s3:::b/", false},
		{"arn:aws:s3:::b/*x?", "arn:aws:s3:::b/xé", true},
		{"arn:aws:s3:::b/*/${aws:username}", "arn:aws:s3:::b/a/b/alice", true},
		{"arn:aws:s3:::b/*/${aws:username}", "arn:aws:s3:::b/alice", false},
		{"arn:aws:s3:::b/*${aws:username}*", "arn:aws:s3:::b/xxalicexx", true},
		{"arn:aws:s3:::b/*${aws:username}*", "arn:aws:s3:::b/xxbobxx", false},
		{"arn:aws:s3:::b/*${aws:username}?", "arn:aws:s3:::b/xxalicex", true},
		{"arn:aws:s3:::b/*${aws:username}?", "arn:aws:s3:::b/xxalice", false},
		{"arn:aws:s3:::b/*?${aws:username}", "arn:aws:s3:::b/xalice", true},
		{"arn:aws:s3:::b/${aws:username}**", "arn:aws:s3:::b/alice", true},
		{"arn:aws:s3:::b/*a?c*", "arn:aws:s3:::b/zzabc", true},
		{"arn:aws:s3:::b/*a?c*", "arn:aws:s3:::b/zzab", false},
		{"arn:aws:s3:::b/${aws:username}-*", "arn:aws:s3:::b/alic", false},
		{"arn:aws:s3:::b/x*y*z", "arn:aws:s3:::b/xyz", true},
		{"arn:aws:s3:::b/x*y*z", "arn:aws:s3:::b/xz", false},
		{"arn:aws:s3:::b/x*y*z", "arn:aws:s3:::b/xyyz", true},
		{"arn:aws:s3:::b/x*" + strings.Repeat("${aws:username}", 9), "arn:aws:s3:::b/x" + strings.Repeat("alice", 9), true},
		// Nine variables, one in a middle chunk: resolved up front.
		{"arn:aws:s3:::b/*${aws:username}*" + strings.Repeat("${aws:username}", 8), "arn:aws:s3:::b/-alice-" + strings.Repeat("alice", 8), true},
		{"arn:aws:s3:::b/*${aws:username}*" + strings.Repeat("${aws:username}", 8), "arn:aws:s3:::b/-bob-" + strings.Repeat("alice", 8), false},
		// Variables only in the first and last chunks, a literal between.
		{"arn:aws:s3:::b/${aws:username}/*/x/*${aws:username}", "arn:aws:s3:::b/alice/a/x/b-alice", true},
		{"arn:aws:s3:::b/${aws:username}/*/x/*${aws:username}", "arn:aws:s3:::b/alice/a/y/b-alice", false},
		{"arn:aws:s3:::b/${aws:username}/*/x/*${aws:username}", "arn:aws:s3:::b/bob/a/x/b-alice", false},
	}
	for _, tt := range tests {
		p := compile(t, policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s:a","Resource":"`+tt.pattern+`"}}`)
		r := baseRequest()
		r.Resource = tt.resource
		if got := policy.NewSet(p).Decide(r) == policy.Allowed; got != tt.want {
			t.Errorf("%q vs %q: %v, want %v (%s)", tt.pattern, tt.resource, got, tt.want, docResource)
		}
	}
}
