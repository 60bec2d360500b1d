package arn_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"abacus/internal/arn"
)

// wildcardRegexp is the reference for Wildcard: the pattern translated to
// an anchored regular expression, '*' as (?s:.*) and '?' as (?s:.).
func wildcardRegexp(pattern string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`\A`)
	if fold {
		b.WriteString(`(?i)`)
	}
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(`(?s:.*)`)
		case '?':
			b.WriteString(`(?s:.)`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func FuzzWildcardMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"*", ""}, {"a*c", "abc"}, {"a?c", "abc"}, {"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y"},
		{"**?*", "xy"}, {"?", "é"}, {"a*b*c", "aXbYbZc"}, {"*/users/*/x", "b/users/u/x"},
		{"S3:Get*", "s3:getobject"}, {"\xff?", "\xff\xfe"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		// Go's regexp reads every invalid UTF-8 byte as U+FFFD, so it can
		// only be the reference for valid UTF-8.
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			arn.Wildcard(pattern, s) // must not panic
			return
		}
		if got, want := arn.Wildcard(pattern, s), wildcardRegexp(pattern, false).MatchString(s); got != want {
			t.Fatalf("Wildcard(%q, %q) = %v, regexp says %v", pattern, s, got, want)
		}
		if asciiOnly(pattern) && asciiOnly(s) {
			if got, want := arn.WildcardFold(pattern, s), wildcardRegexp(pattern, true).MatchString(s); got != want {
				t.Fatalf("WildcardFold(%q, %q) = %v, regexp says %v", pattern, s, got, want)
			}
		}
	})
}

func FuzzARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:user/alice", "arn:aws:s3:::b/k:x", "arn:aws:sagemaker:us-east-1:1:training-job/j",
		"arn:", "arn:a:b:c:d:", ":::::", "arn:aws:iam::123456789012:root",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := arn.Parse(s)
		if err != nil {
			return
		}
		if got := a.String(); got != s {
			t.Fatalf("Parse(%q).String() = %q", s, got)
		}
		b, err := arn.Parse(a.String())
		if err != nil || b != a {
			t.Fatalf("round trip of %q: %+v, %v", s, b, err)
		}
		if !arn.Like(s, s) && !strings.ContainsAny(s, "*?") {
			t.Fatalf("Like(%q, itself) = false", s)
		}
	})
}
