// Package arn parses, formats and matches Amazon Resource Names.
//
// An ARN has six colon-separated parts:
//
//	arn:partition:service:region:account-id:resource
//
// The resource part may itself contain colons and slashes. Parse splits an
// ARN at its first five colons; String puts it back together; Like matches
// an ARN against a pattern the way IAM's ArnLike condition operator does,
// part by part; Wildcard matches any string against a pattern with '*' and
// '?'.
//
// The package is a leaf: it imports nothing of abacus and allocates nothing
// while matching.
package arn

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrMalformed is wrapped by every error Parse returns.
var ErrMalformed = errors.New("malformed ARN")

// ARN is a parsed Amazon Resource Name. The zero value is not a valid ARN.
type ARN struct {
	Partition string // "aws", "aws-cn", "aws-us-gov"
	Service   string // "iam", "s3", "sagemaker"
	Region    string // empty for global services such as IAM and S3
	Account   string // 12-digit account ID, or empty (S3 buckets)
	Resource  string // everything after the fifth colon
}

// Error describes why a string is not an ARN. It wraps [ErrMalformed].
type Error struct {
	Input string
	Msg   string
}

// Error implements error.
func (e *Error) Error() string { return "arn: " + e.Msg + ": " + quote(e.Input) }

// Unwrap returns [ErrMalformed].
func (e *Error) Unwrap() error { return ErrMalformed }

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return "\"" + s + "\""
}

// Parse splits s into its parts. It requires the "arn" prefix, a non-empty
// partition, service and resource, and exactly five separating colons
// before the resource (which may contain more).
func Parse(s string) (ARN, error) {
	parts, ok := split(s)
	if !ok {
		return ARN{}, &Error{Input: s, Msg: "want arn:partition:service:region:account:resource"}
	}
	if parts[0] != "arn" {
		return ARN{}, &Error{Input: s, Msg: "must start with \"arn:\""}
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
	switch {
	case a.Partition == "":
		return ARN{}, &Error{Input: s, Msg: "empty partition"}
	case a.Service == "":
		return ARN{}, &Error{Input: s, Msg: "empty service"}
	case a.Resource == "":
		return ARN{}, &Error{Input: s, Msg: "empty resource"}
	}
	return a, nil
}

// String formats a as arn:partition:service:region:account:resource.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// split cuts s at its first five colons without allocating.
func split(s string) ([6]string, bool) {
	var p [6]string
	for i := range 5 {
		j := strings.IndexByte(s, ':')
		if j < 0 {
			return p, false
		}
		p[i], s = s[:j], s[j+1:]
	}
	p[5] = s
	return p, true
}

// Like reports whether value matches pattern with the semantics of IAM's
// ArnLike and ArnEquals condition operators: both are split into their six
// colon-delimited parts and each part of the pattern is matched against the
// same part of the value with [Wildcard], so a '*' in the region never
// spans into the account. A value or pattern with fewer than six parts
// matches nothing. Matching is case-sensitive.
func Like(pattern, value string) bool {
	pp, ok := split(pattern)
	if !ok {
		return false
	}
	vp, ok := split(value)
	if !ok {
		return false
	}
	for i := range 6 {
		if !Wildcard(pp[i], vp[i]) {
			return false
		}
	}
	return true
}

// Wildcard reports whether s matches pattern, where '*' matches any
// sequence of characters (including none, and including ':' and '/') and
// '?' matches exactly one character. Every other byte matches itself,
// case-sensitively. It does not allocate.
func Wildcard(pattern, s string) bool {
	return wildcard(pattern, s, false)
}

// WildcardFold is [Wildcard] with ASCII case folding, as IAM matches action
// names.
func WildcardFold(pattern, s string) bool {
	return wildcard(pattern, s, true)
}

func wildcard(p, s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; c {
			case '*':
				pi++
				starP, starS = pi, si
				continue
			case '?':
				pi++
				si += runeLen(s, si)
				continue
			default:
				if c == s[si] || (fold && lower(c) == lower(s[si])) {
					pi++
					si++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starS += runeLen(s, starS)
		pi, si = starP, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// runeLen returns the byte length of the character starting at s[i]; an
// invalid UTF-8 byte counts as one character, as in Go's utf8 package.
func runeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
