package policy_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"abacus/internal/policy"
)

// FuzzParsePolicy checks that Parse, Validate, Compile and Evaluate never
// panic, and that Parse -> MarshalJSON -> Parse is a fixed point.
func FuzzParsePolicy(f *testing.F) {
	files, _ := filepath.Glob("testdata/validate/*.json")
	for _, fn := range files {
		if b, err := os.ReadFile(fn); err == nil {
			f.Add(b)
		}
	}
	for _, c := range loadCorpus(f) {
		for _, p := range c.Policies {
			f.Add([]byte(p.Document))
		}
	}
	f.Add([]byte(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username, 'a''b'}/${*}"}}`))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"NotAction":"s3:*","NotResource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"k":["${x}",1,true]}}}]}`))
	f.Add([]byte(`[1, "\ud800", {"a": -0.5e+3}]`))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := policy.Parse(src)
		policy.Size(src)
		if err != nil {
			_ = err.Error()
			return
		}
		b1, err := d.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		d2, err := policy.Parse(b1)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b1, err)
		}
		b2, _ := d2.MarshalJSON()
		if string(b1) != string(b2) {
			t.Fatalf("round trip not stable:\n%s\n%s", b1, b2)
		}
		for _, k := range []policy.Kind{policy.KindIdentity, policy.KindResource, policy.KindTrust} {
			if err := d.Validate(k); err != nil {
				_ = err.Error()
				continue
			}
			p, err := policy.Compile(d, policy.Options{Kind: k})
			if err != nil {
				t.Fatalf("Validate accepted but Compile failed: %v", err)
			}
			s := policy.NewSet(p)
			r := baseRequest()
			r.Time = fixedTime
			r.Context.Set("k", "${x}")
			r.Context.SetMulti("aws:TagKeys", "a", "b")
			s.Evaluate(r, nil)
			s.Explain(r)
		}
	})
}

// FuzzResourceMatch is a differential test of the compiled wildcard and
// variable matcher against the reference interpreter's regular
// expressions, through the Resource element.
func FuzzResourceMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"aws:s3:::b/*", "aws:s3:::b/x"}, {"a*b?c", "aXbYc"}, {"*${aws:username}*", "xxalicexx"},
		{"x/${*}/${?}", "x/*/?"}, {"${aws:SourceIdentity, 'd'}*?", "dxy"}, {"**??*", "é!"}, {"a*a*a", "aaaa"},
		{"*${svc:V}", "ab"}, {"?${aws:username}", "xalice"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, value string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(value) {
			return
		}
		src, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": map[string]any{
			"Effect": "Allow", "Action": "s:a", "Resource": "arn:" + pattern}})
		d, err := policy.Parse(src)
		if err != nil {
			t.Fatalf("Parse(%s): %v", src, err)
		}
		p, err := policy.Compile(d, policy.Options{})
		if err != nil {
			t.Fatalf("Compile(%s): %v", src, err)
		}
		r := baseRequest()
		r.Context.Set("svc:V", "b*")
		r.Resource = "arn:" + value
		got := policy.NewSet(p).Decide(r) == policy.Allowed
		re, ok := refPattern("arn:"+pattern, r, true, true)
		want := ok && re.MatchString(r.Resource)
		if got != want {
			t.Fatalf("Resource %q vs %q: compiled %v, reference %v", "arn:"+pattern, r.Resource, got, want)
		}
	})
}
