package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"abacus/internal/policy"
)

// cc is one condition-operator case: the operator and policy values, the
// request's values for the key (nil with absent set means the key is not
// in the request; multi makes it a multivalued key), and whether the
// condition holds.
type cc struct {
	op     string
	pv     []string
	rv     []string
	absent bool
	multi  bool
	want   bool
	key    string
}

func pv(v ...string) []string { return v }

func runCondCases(t *testing.T, doc string, cases []cc) {
	t.Helper()
	for i, c := range cases {
		key := c.key
		if key == "" {
			key = "svc:Key"
		}
		name := fmt.Sprintf("%d/%s/%s=%v", i, c.op, strings.Join(c.pv, "|"), c.rv)
		if c.absent {
			name = fmt.Sprintf("%d/%s/%s=absent", i, c.op, strings.Join(c.pv, "|"))
		}
		t.Run(name, func(t *testing.T) {
			p := compile(t, policy.KindIdentity, condPolicy(policy.Version2012, c.op, key, c.pv))
			r := baseRequest()
			r.Time = fixedTime
			switch {
			case c.absent:
			case c.multi:
				r.Context.SetMulti(key, c.rv...)
			default:
				for _, v := range c.rv {
					r.Context.Add(key, v)
				}
			}
			got := policy.NewSet(p).Decide(r) == policy.Allowed
			if got != c.want {
				t.Errorf("%s %q with request %v (absent=%v): got %v, want %v (%s)", c.op, c.pv, c.rv, c.absent, got, c.want, doc)
			}
		})
	}
}

// String operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
func TestStringOperators(t *testing.T) {
	runCondCases(t, docOperators+"#Conditions_String", []cc{
		{op: "StringEquals", pv: pv("alice"), rv: pv("alice"), want: true},
		{op: "StringEquals", pv: pv("alice"), rv: pv("Alice"), want: false},
		{op: "StringEquals", pv: pv("alice"), rv: pv("alic"), want: false},
		{op: "StringEquals", pv: pv("alice"), rv: pv("alice "), want: false},
		{op: "StringEquals", pv: pv("alice", "bob"), rv: pv("bob"), want: true},
		{op: "StringEquals", pv: pv("alice", "bob"), rv: pv("carol"), want: false},
		{op: "StringEquals", pv: pv("a*"), rv: pv("abc"), want: false},
		{op: "StringEquals", pv: pv("a*"), rv: pv("a*"), want: true},
		{op: "StringEquals", pv: pv(""), rv: pv(""), want: true},
		{op: "StringEquals", pv: pv("alice"), absent: true, want: false},
		{op: "StringEquals", pv: pv("true"), rv: pv("true"), want: true},
		{op: "StringNotEquals", pv: pv("alice"), rv: pv("bob"), want: true},
		{op: "StringNotEquals", pv: pv("alice"), rv: pv("alice"), want: false},
		{op: "StringNotEquals", pv: pv("alice"), rv: pv("ALICE"), want: true},
		// Several values of a negated operator: the key must equal none (AND).
		{op: "StringNotEquals", pv: pv("alice", "bob"), rv: pv("bob"), want: false},
		{op: "StringNotEquals", pv: pv("alice", "bob"), rv: pv("carol"), want: true},
		// Missing key with a negated operator: true.
		{op: "StringNotEquals", pv: pv("alice"), absent: true, want: true},
		{op: "StringEqualsIgnoreCase", pv: pv("Alice"), rv: pv("aLICE"), want: true},
		{op: "StringEqualsIgnoreCase", pv: pv("alice"), rv: pv("bob"), want: false},
		{op: "StringEqualsIgnoreCase", pv: pv("alice"), absent: true, want: false},
		{op: "StringNotEqualsIgnoreCase", pv: pv("Alice"), rv: pv("ALICE"), want: false},
		{op: "StringNotEqualsIgnoreCase", pv: pv("alice"), rv: pv("bob"), want: true},
		{op: "StringNotEqualsIgnoreCase", pv: pv("alice"), absent: true, want: true},
		{op: "StringLike", pv: pv("a*"), rv: pv("abc"), want: true},
		{op: "StringLike", pv: pv("a*"), rv: pv("bac"), want: false},
		{op: "StringLike", pv: pv("*"), rv: pv(""), want: true},
		{op: "StringLike", pv: pv("a?c"), rv: pv("abc"), want: true},
		{op: "StringLike", pv: pv("a?c"), rv: pv("abbc"), want: false},
		{op: "StringLike", pv: pv("home/*/docs"), rv: pv("home/alice/docs"), want: true},
		{op: "StringLike", pv: pv("home/*/docs"), rv: pv("home/alice/pics"), want: false},
		{op: "StringLike", pv: pv("ABC*"), rv: pv("abcd"), want: false},
		{op: "StringLike", pv: pv("x", "a*"), rv: pv("ab"), want: true},
		{op: "StringLike", pv: pv("abc"), rv: pv("abc"), want: true},
		{op: "StringLike", pv: pv("a*"), absent: true, want: false},
		{op: "StringNotLike", pv: pv("a*"), rv: pv("abc"), want: false},
		{op: "StringNotLike", pv: pv("a*"), rv: pv("bcd"), want: true},
		{op: "StringNotLike", pv: pv("a*", "b*"), rv: pv("bcd"), want: false},
		{op: "StringNotLike", pv: pv("a*", "b*"), rv: pv("cde"), want: true},
		{op: "StringNotLike", pv: pv("a*"), absent: true, want: true},
	})
}

// IfExists: "If the policy key is present in the context of the request,
// process the key as specified in the policy. If the key is not present,
// evaluate the condition element as true."
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
func TestIfExists(t *testing.T) {
	runCondCases(t, docOperators+"#Conditions_IfExists", []cc{
		{op: "StringEqualsIfExists", pv: pv("alice"), absent: true, want: true},
		{op: "StringEqualsIfExists", pv: pv("alice"), rv: pv("alice"), want: true},
		{op: "StringEqualsIfExists", pv: pv("alice"), rv: pv("bob"), want: false},
		{op: "StringNotEqualsIfExists", pv: pv("alice"), absent: true, want: true},
		{op: "StringNotEqualsIfExists", pv: pv("alice"), rv: pv("alice"), want: false},
		{op: "StringNotEqualsIfExists", pv: pv("alice"), rv: pv("bob"), want: true},
		{op: "StringLikeIfExists", pv: pv("t2.*"), rv: pv("t2.micro"), want: true},
		{op: "StringLikeIfExists", pv: pv("t2.*"), rv: pv("m5.large"), want: false},
		{op: "StringLikeIfExists", pv: pv("t2.*"), absent: true, want: true},
		{op: "StringEqualsIgnoreCaseIfExists", pv: pv("A"), rv: pv("a"), want: true},
		{op: "StringEqualsIgnoreCaseIfExists", pv: pv("A"), absent: true, want: true},
		{op: "NumericLessThanIfExists", pv: pv("10"), rv: pv("5"), want: true},
		{op: "NumericLessThanIfExists", pv: pv("10"), rv: pv("50"), want: false},
		{op: "NumericLessThanIfExists", pv: pv("10"), absent: true, want: true},
		{op: "DateGreaterThanIfExists", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2021-01-01T00:00:00Z"), want: true},
		{op: "DateGreaterThanIfExists", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2019-01-01T00:00:00Z"), want: false},
		{op: "DateGreaterThanIfExists", pv: pv("2020-01-01T00:00:00Z"), absent: true, want: true},
		{op: "BoolIfExists", pv: pv("true"), absent: true, want: true},
		{op: "BoolIfExists", pv: pv("true"), rv: pv("false"), want: false},
		{op: "IpAddressIfExists", pv: pv("10.0.0.0/8"), rv: pv("10.1.2.3"), want: true},
		{op: "IpAddressIfExists", pv: pv("10.0.0.0/8"), rv: pv("11.1.2.3"), want: false},
		{op: "IpAddressIfExists", pv: pv("10.0.0.0/8"), absent: true, want: true},
		{op: "NotIpAddressIfExists", pv: pv("10.0.0.0/8"), absent: true, want: true},
		{op: "ArnLikeIfExists", pv: pv("arn:aws:iam::*:role/x"), absent: true, want: true},
		{op: "ArnLikeIfExists", pv: pv("arn:aws:iam::*:role/x"), rv: pv("arn:aws:iam::123456789012:role/y"), want: false},
		{op: "BinaryEqualsIfExists", pv: pv("QmluYXJ5"), absent: true, want: true},
		{op: "BinaryEqualsIfExists", pv: pv("QmluYXJ5"), rv: pv("QmluYXJ6"), want: false},
	})
}

// Numeric operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
func TestNumericOperators(t *testing.T) {
	runCondCases(t, docOperators+"#Conditions_Numeric", []cc{
		{op: "NumericEquals", pv: pv("10"), rv: pv("10"), want: true},
		{op: "NumericEquals", pv: pv("10"), rv: pv("10.0"), want: true},
		{op: "NumericEquals", pv: pv("10"), rv: pv("11"), want: false},
		{op: "NumericEquals", pv: pv("10"), rv: pv("ten"), want: false},
		{op: "NumericEquals", pv: pv("10", "11"), rv: pv("11"), want: true},
		{op: "NumericEquals", pv: pv("10"), absent: true, want: false},
		{op: "NumericNotEquals", pv: pv("10"), rv: pv("11"), want: true},
		{op: "NumericNotEquals", pv: pv("10"), rv: pv("10"), want: false},
		{op: "NumericNotEquals", pv: pv("10", "11"), rv: pv("11"), want: false},
		{op: "NumericNotEquals", pv: pv("10"), absent: true, want: true},
		{op: "NumericLessThan", pv: pv("10"), rv: pv("9"), want: true},
		{op: "NumericLessThan", pv: pv("10"), rv: pv("10"), want: false},
		{op: "NumericLessThan", pv: pv("10"), rv: pv("-3.5"), want: true},
		{op: "NumericLessThan", pv: pv("10"), absent: true, want: false},
		{op: "NumericLessThanEquals", pv: pv("10"), rv: pv("10"), want: true},
		{op: "NumericLessThanEquals", pv: pv("10"), rv: pv("10.5"), want: false},
		{op: "NumericGreaterThan", pv: pv("10"), rv: pv("11"), want: true},
		{op: "NumericGreaterThan", pv: pv("10"), rv: pv("10"), want: false},
		{op: "NumericGreaterThanEquals", pv: pv("10"), rv: pv("10"), want: true},
		{op: "NumericGreaterThanEquals", pv: pv("10"), rv: pv("9.99"), want: false},
		{op: "NumericLessThan", pv: pv("3600"), rv: pv("120"), want: true, key: "aws:MultiFactorAuthAge"},
		{op: "NumericLessThan", pv: pv("3600"), rv: pv("7200"), want: false, key: "aws:MultiFactorAuthAge"},
	})
}

// Date operators accept ISO 8601 and epoch (UNIX) time.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
func TestDateOperators(t *testing.T) {
	runCondCases(t, docOperators+"#Conditions_Date", []cc{
		{op: "DateEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-01T00:00:00Z"), want: true},
		{op: "DateEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("1577836800"), want: true},
		{op: "DateEquals", pv: pv("1577836800"), rv: pv("2020-01-01T00:00:00Z"), want: true},
		{op: "DateEquals", pv: pv("2020-01-01"), rv: pv("2020-01-01T00:00:00Z"), want: true},
		{op: "DateEquals", pv: pv("2020-01-01T01:00:00+01:00"), rv: pv("2020-01-01T00:00:00Z"), want: true},
		{op: "DateEquals", pv: pv("2020-01-01T00:00:00.000Z"), rv: pv("2020-01-01T00:00:00Z"), want: true},
		{op: "DateEquals", pv: pv("2020-01-01T00:00:00"), rv: pv("2020-01-01T00:00:00Z"), want: true},
		{op: "DateEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-01T00:00:01Z"), want: false},
		{op: "DateEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("yesterday"), want: false},
		{op: "DateEquals", pv: pv("2020-01-01T00:00:00Z"), absent: true, want: false},
		{op: "DateNotEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-02T00:00:00Z"), want: true},
		{op: "DateNotEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-01T00:00:00Z"), want: false},
		{op: "DateNotEquals", pv: pv("2020-01-01T00:00:00Z"), absent: true, want: true},
		{op: "DateLessThan", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2019-12-31T23:59:59Z"), want: true},
		{op: "DateLessThan", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-01T00:00:00Z"), want: false},
		{op: "DateLessThanEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-01T00:00:00Z"), want: true},
		{op: "DateLessThanEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-01T00:00:01Z"), want: false},
		{op: "DateGreaterThan", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-01T00:00:01Z"), want: true},
		{op: "DateGreaterThan", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-01T00:00:00Z"), want: false},
		{op: "DateGreaterThanEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2020-01-01T00:00:00Z"), want: true},
		{op: "DateGreaterThanEquals", pv: pv("2020-01-01T00:00:00Z"), rv: pv("2019-01-01T00:00:00Z"), want: false},
		// aws:CurrentTime comes from the request's time (2026-01-02T15:04:05Z).
		{op: "DateGreaterThan", pv: pv("2026-01-01T00:00:00Z"), absent: true, want: true, key: "aws:CurrentTime"},
		{op: "DateLessThan", pv: pv("2026-01-01T00:00:00Z"), absent: true, want: false, key: "aws:CurrentTime"},
		{op: "DateLessThan", pv: pv("2026-01-03"), absent: true, want: true, key: "aws:currenttime"},
		{op: "DateGreaterThan", pv: pv("1767225600"), absent: true, want: true, key: "aws:EpochTime"},
		{op: "NumericGreaterThan", pv: pv("1767225600"), absent: true, want: true, key: "aws:EpochTime"},
		{op: "NumericLessThan", pv: pv("1767225600"), absent: true, want: false, key: "aws:EpochTime"},
		{op: "StringLike", pv: pv("2026-01-02T*"), absent: true, want: true, key: "aws:CurrentTime"},
		{op: "StringEquals", pv: pv("1767366245"), absent: true, want: true, key: "aws:EpochTime"},
	})
}

// Bool, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
func TestBoolOperator(t *testing.T) {
	runCondCases(t, docOperators+"#Conditions_Boolean", []cc{
		{op: "Bool", pv: pv("true"), rv: pv("true"), want: true, key: "aws:SecureTransport"},
		{op: "Bool", pv: pv("true"), rv: pv("false"), want: false, key: "aws:SecureTransport"},
		{op: "Bool", pv: pv("false"), rv: pv("false"), want: true, key: "aws:SecureTransport"},
		{op: "Bool", pv: pv("true"), rv: pv("TRUE"), want: true, key: "aws:SecureTransport"},
		{op: "Bool", pv: pv("True"), rv: pv("true"), want: true, key: "aws:MultiFactorAuthPresent"},
		// A missing key does not match either value.
		{op: "Bool", pv: pv("false"), absent: true, want: false, key: "aws:MultiFactorAuthPresent"},
		{op: "Bool", pv: pv("true"), absent: true, want: false, key: "aws:MultiFactorAuthPresent"},
	})
}

// BinaryEquals compares base64-encoded values.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals
func TestBinaryEquals(t *testing.T) {
	long := strings.Repeat("QUJD", 400) // 1200 decoded bytes: the slow path
	runCondCases(t, docOperators+"#Conditions_BinaryEquals", []cc{
		{op: "BinaryEquals", pv: pv("QmluYXJ5VmFsdWVJbkJhc2U2NA=="), rv: pv("QmluYXJ5VmFsdWVJbkJhc2U2NA=="), want: true},
		{op: "BinaryEquals", pv: pv("QmluYXJ5VmFsdWVJbkJhc2U2NA=="), rv: pv("QmluYXJ5VmFsdWVJbkJhc2U2NQ=="), want: false},
		{op: "BinaryEquals", pv: pv("QmluYXJ5"), rv: pv("not base64!"), want: false},
		{op: "BinaryEquals", pv: pv("QmluYXJ5"), absent: true, want: false},
		{op: "BinaryEquals", pv: pv(long), rv: pv(long), want: true},
		{op: "BinaryEquals", pv: pv(long), rv: pv(long[:len(long)-4] + "QUJE"), want: false},
	})
}

// IpAddress and NotIpAddress with IPv4 and IPv6 CIDRs.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
func TestIPAddressOperators(t *testing.T) {
	const k = "aws:SourceIp"
	runCondCases(t, docOperators+"#Conditions_IPAddress", []cc{
		{op: "IpAddress", pv: pv("203.0.113.0/24"), rv: pv("203.0.113.10"), want: true, key: k},
		{op: "IpAddress", pv: pv("203.0.113.0/24"), rv: pv("203.0.114.10"), want: false, key: k},
		{op: "IpAddress", pv: pv("203.0.113.7"), rv: pv("203.0.113.7"), want: true, key: k},
		{op: "IpAddress", pv: pv("203.0.113.7"), rv: pv("203.0.113.8"), want: false, key: k},
		{op: "IpAddress", pv: pv("203.0.113.7/24"), rv: pv("203.0.113.200"), want: true, key: k},
		{op: "IpAddress", pv: pv("10.0.0.0/8", "192.168.0.0/16"), rv: pv("192.168.1.1"), want: true, key: k},
		{op: "IpAddress", pv: pv("2001:DB8:1234:5678::/64"), rv: pv("2001:db8:1234:5678::1"), want: true, key: k},
		{op: "IpAddress", pv: pv("2001:DB8:1234:5678::/64"), rv: pv("2001:db8:1234:5679::1"), want: false, key: k},
		{op: "IpAddress", pv: pv("2001:db8::/32"), rv: pv("203.0.113.1"), want: false, key: k},
		{op: "IpAddress", pv: pv("203.0.113.0/24"), rv: pv("::ffff:203.0.113.9"), want: true, key: k},
		{op: "IpAddress", pv: pv("0.0.0.0/0"), rv: pv("8.8.8.8"), want: true, key: k},
		{op: "IpAddress", pv: pv("203.0.113.0/24"), rv: pv("not-an-ip"), want: false, key: k},
		{op: "IpAddress", pv: pv("203.0.113.0/24"), absent: true, want: false, key: k},
		{op: "NotIpAddress", pv: pv("203.0.113.0/24"), rv: pv("198.51.100.1"), want: true, key: k},
		{op: "NotIpAddress", pv: pv("203.0.113.0/24"), rv: pv("203.0.113.1"), want: false, key: k},
		{op: "NotIpAddress", pv: pv("203.0.113.0/24", "198.51.100.0/24"), rv: pv("198.51.100.1"), want: false, key: k},
		{op: "NotIpAddress", pv: pv("2001:db8::/32"), rv: pv("2001:db9::1"), want: true, key: k},
		{op: "NotIpAddress", pv: pv("203.0.113.0/24"), absent: true, want: true, key: k},
	})
}

// ARN operators compare each of the six colon-delimited components
// separately. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
func TestARNOperators(t *testing.T) {
	const k = "aws:SourceArn"
	runCondCases(t, docOperators+"#Conditions_ARN", []cc{
		{op: "ArnEquals", pv: pv("arn:aws:sns:us-east-1:123456789012:topic"), rv: pv("arn:aws:sns:us-east-1:123456789012:topic"), want: true, key: k},
		{op: "ArnEquals", pv: pv("arn:aws:sns:us-east-1:123456789012:topic"), rv: pv("arn:aws:sns:us-east-1:123456789012:Topic"), want: false, key: k},
		{op: "ArnEquals", pv: pv("arn:aws:sns:*:123456789012:topic"), rv: pv("arn:aws:sns:eu-west-1:123456789012:topic"), want: true, key: k},
		{op: "ArnLike", pv: pv("arn:aws:iam::*:role/Admin*"), rv: pv("arn:aws:iam::123456789012:role/AdminTeam"), want: true, key: k},
		{op: "ArnLike", pv: pv("arn:aws:iam::*:role/Admin*"), rv: pv("arn:aws:iam::123456789012:role/Dev"), want: false, key: k},
		{op: "ArnLike", pv: pv("arn:aws:iam::123456789012:*"), rv: pv("arn:aws:iam::123456789012:user/a"), want: true, key: k},
		// '*' in a component does not span colons.
		{op: "ArnLike", pv: pv("arn:aws:*"), rv: pv("arn:aws:iam::123456789012:user/a"), want: false, key: k},
		{op: "ArnLike", pv: pv("arn:*:*:*:*:*"), rv: pv("arn:aws:iam::123456789012:user/a"), want: true, key: k},
		{op: "ArnLike", pv: pv("arn:aws:s3:::bucket/*"), rv: pv("arn:aws:s3:::bucket/a:b/c"), want: true, key: k},
		{op: "ArnLike", pv: pv("arn:aws:iam::123456789012:user/?ob"), rv: pv("arn:aws:iam::123456789012:user/bob"), want: true, key: k},
		{op: "ArnLike", pv: pv("arn:aws:iam::123456789012:user/x"), rv: pv("not-an-arn"), want: false, key: k},
		{op: "ArnLike", pv: pv("bad"), rv: pv("arn:aws:iam::123456789012:user/x"), want: false, key: k},
		{op: "ArnLike", pv: pv("arn:aws:iam::*:role/x"), absent: true, want: false, key: k},
		{op: "ArnNotEquals", pv: pv("arn:aws:iam::123456789012:role/x"), rv: pv("arn:aws:iam::123456789012:role/y"), want: true, key: k},
		{op: "ArnNotEquals", pv: pv("arn:aws:iam::123456789012:role/x"), rv: pv("arn:aws:iam::123456789012:role/x"), want: false, key: k},
		{op: "ArnNotLike", pv: pv("arn:aws:iam::*:role/Admin*"), rv: pv("arn:aws:iam::123456789012:role/Dev"), want: true, key: k},
		{op: "ArnNotLike", pv: pv("arn:aws:iam::*:role/Admin*"), rv: pv("arn:aws:iam::123456789012:role/AdminX"), want: false, key: k},
		{op: "ArnNotLike", pv: pv("arn:aws:iam::*:role/x"), absent: true, want: true, key: k},
		{op: "ArnLike", pv: pv("arn:aws:iam::123456789012:user/${aws:username}"), rv: pv("arn:aws:iam::123456789012:user/alice"), want: true, key: k},
		{op: "ArnLike", pv: pv("arn:aws:iam::123456789012:user/${aws:username}"), rv: pv("arn:aws:iam::123456789012:user/bob"), want: false, key: k},
		{op: "ArnLike", pv: pv("arn:aws:iam::${aws:PrincipalAccount}:user/*"), rv: pv("arn:aws:iam::123456789012:user/bob"), want: true, key: k},
	})
}

// Null: true means the key must be absent, false that it must be present.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
func TestNullOperator(t *testing.T) {
	runCondCases(t, docOperators+"#Conditions_Null", []cc{
		{op: "Null", pv: pv("true"), absent: true, want: true, key: "aws:TokenIssueTime"},
		{op: "Null", pv: pv("true"), rv: pv("2020-01-01T00:00:00Z"), want: false, key: "aws:TokenIssueTime"},
		{op: "Null", pv: pv("false"), absent: true, want: false, key: "aws:TokenIssueTime"},
		{op: "Null", pv: pv("false"), rv: pv("2020-01-01T00:00:00Z"), want: true, key: "aws:TokenIssueTime"},
		{op: "Null", pv: pv("TRUE"), absent: true, want: true},
		{op: "Null", pv: pv("true"), rv: pv(""), want: false},
		// An empty multivalued key counts as absent.
		{op: "Null", pv: pv("true"), rv: pv(), multi: true, want: true, key: "aws:TagKeys"},
		{op: "Null", pv: pv("false"), rv: pv("a", "b"), multi: true, want: true, key: "aws:TagKeys"},
		// Principal keys derived from the caller are present for a user.
		{op: "Null", pv: pv("false"), absent: true, want: true, key: "aws:username"},
		{op: "Null", pv: pv("true"), absent: true, want: true, key: "aws:SourceIdentity"},
	})
}

// Set operators on multivalued keys: ForAllValues is true when every
// request value matches (and when the key is absent or empty);
// ForAnyValue when at least one does (false when absent).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func TestSetOperators(t *testing.T) {
	const k = "aws:TagKeys"
	runCondCases(t, docMultiValued, []cc{
		{op: "ForAllValues:StringEquals", pv: pv("team", "owner"), rv: pv("team"), multi: true, want: true, key: k},
		{op: "ForAllValues:StringEquals", pv: pv("team", "owner"), rv: pv("team", "owner"), multi: true, want: true, key: k},
		{op: "ForAllValues:StringEquals", pv: pv("team", "owner"), rv: pv("team", "cost"), multi: true, want: false, key: k},
		{op: "ForAllValues:StringEquals", pv: pv("team"), absent: true, want: true, key: k},
		{op: "ForAllValues:StringEquals", pv: pv("team"), rv: pv(), multi: true, want: true, key: k},
		{op: "ForAllValues:StringLike", pv: pv("t*"), rv: pv("team", "tier"), multi: true, want: true, key: k},
		{op: "ForAllValues:StringLike", pv: pv("t*"), rv: pv("team", "owner"), multi: true, want: false, key: k},
		{op: "ForAllValues:StringEqualsIgnoreCase", pv: pv("TEAM"), rv: pv("team", "Team"), multi: true, want: true, key: k},
		{op: "ForAnyValue:StringEquals", pv: pv("team"), rv: pv("team", "cost"), multi: true, want: true, key: k},
		{op: "ForAnyValue:StringEquals", pv: pv("team"), rv: pv("owner", "cost"), multi: true, want: false, key: k},
		{op: "ForAnyValue:StringEquals", pv: pv("team"), absent: true, want: false, key: k},
		{op: "ForAnyValue:StringEquals", pv: pv("team"), rv: pv(), multi: true, want: false, key: k},
		{op: "ForAnyValue:StringLike", pv: pv("c*"), rv: pv("owner", "cost"), multi: true, want: true, key: k},
		// Negated operators under a set qualifier negate per request value.
		{op: "ForAllValues:StringNotEquals", pv: pv("secret"), rv: pv("team", "owner"), multi: true, want: true, key: k},
		{op: "ForAllValues:StringNotEquals", pv: pv("secret"), rv: pv("team", "secret"), multi: true, want: false, key: k},
		{op: "ForAnyValue:StringNotEquals", pv: pv("team"), rv: pv("team", "owner"), multi: true, want: true, key: k},
		{op: "ForAnyValue:StringNotEquals", pv: pv("team"), rv: pv("team"), multi: true, want: false, key: k},
		{op: "ForAnyValue:StringNotLike", pv: pv("t*"), rv: pv("team", "tier"), multi: true, want: false, key: k},
		{op: "ForAllValues:StringNotLike", pv: pv("t*"), rv: pv("owner", "cost"), multi: true, want: true, key: k},
		{op: "ForAnyValue:StringEqualsIfExists", pv: pv("x"), absent: true, want: true, key: k},
		{op: "ForAllValues:NumericLessThan", pv: pv("10"), rv: pv("1", "2", "9"), multi: true, want: true, key: "svc:Sizes"},
		{op: "ForAllValues:NumericLessThan", pv: pv("10"), rv: pv("1", "20"), multi: true, want: false, key: "svc:Sizes"},
		{op: "ForAnyValue:IpAddress", pv: pv("10.0.0.0/8"), rv: pv("1.1.1.1", "10.2.3.4"), multi: true, want: true, key: "svc:Ips"},
		{op: "ForAnyValue:ArnLike", pv: pv("arn:aws:iam::*:role/x"), rv: pv("arn:aws:iam::1:role/y", "arn:aws:iam::1:role/x"), multi: true, want: true, key: "svc:Arns"},
		{op: "ForAnyValue:DateLessThan", pv: pv("2020-01-01"), rv: pv("2021-01-01", "2019-01-01"), multi: true, want: true, key: "svc:Dates"},
		// A single value with ForAllValues.
		{op: "ForAllValues:StringEquals", pv: pv("sagemaker.amazonaws.com"), rv: pv("sagemaker.amazonaws.com"), want: true, key: "aws:CalledVia"},
	})
}

// A single-valued operator applied to a multivalued key holds when any
// request value matches; its negated form is the negation (documented
// choice, see the package doc).
func TestSingleValuedOperatorOnMultivaluedKey(t *testing.T) {
	runCondCases(t, docMultiValued, []cc{
		{op: "StringEquals", pv: pv("team"), rv: pv("owner", "team"), multi: true, want: true},
		{op: "StringEquals", pv: pv("team"), rv: pv("owner", "cost"), multi: true, want: false},
		{op: "StringNotEquals", pv: pv("team"), rv: pv("owner", "team"), multi: true, want: false},
		{op: "StringNotEquals", pv: pv("team"), rv: pv("owner", "cost"), multi: true, want: true},
		{op: "StringEquals", pv: pv("team"), rv: pv(), multi: true, want: false},
		{op: "StringNotEquals", pv: pv("team"), rv: pv(), multi: true, want: true},
		{op: "StringEqualsIfExists", pv: pv("team"), rv: pv(), multi: true, want: true},
	})
}

// Condition key names are case-insensitive; values are compared as each
// operator defines. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
func TestConditionKeyNamesAreCaseInsensitive(t *testing.T) {
	for _, tt := range []struct {
		policyKey, requestKey string
	}{
		{"aws:PrincipalTag/Team", "aws:principaltag/team"},
		{"AWS:SOURCEIP", "aws:SourceIp"},
		{"sagemaker:DomainId", "SageMaker:domainid"},
		{"s3:prefix", "S3:Prefix"},
	} {
		t.Run(tt.policyKey, func(t *testing.T) {
			p := compile(t, policy.KindIdentity, condPolicy(policy.Version2012, "StringEquals", tt.policyKey, pv("v")))
			r := baseRequest()
			r.Context.Set(tt.requestKey, "v")
			if got := policy.NewSet(p).Decide(r); got != policy.Allowed {
				t.Errorf("key %q in the policy vs %q in the request: %v, want allowed (%s)", tt.policyKey, tt.requestKey, got, docCondition)
			}
			r.Context.Set(tt.requestKey, "V")
			if got := policy.NewSet(p).Decide(r); got != policy.ImplicitDeny {
				t.Errorf("values stay case-sensitive under StringEquals: %v (%s)", got, docCondition)
			}
		})
	}
}

// Several operators in a block, and several keys under one operator, are
// ANDed; several values for one key are ORed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html#AccessPolicyLanguage_ConditionBlock
func TestConditionBlockLogic(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s:a","Resource":"*","Condition":{
		"StringEquals":{"svc:A":["1","2"],"svc:B":"x"},
		"NumericLessThan":{"svc:N":"10"}}}}`
	p := compile(t, policy.KindIdentity, src)
	tests := []struct {
		a, b, n string
		want    policy.Decision
	}{
		{"1", "x", "5", policy.Allowed},
		{"2", "x", "5", policy.Allowed},
		{"3", "x", "5", policy.ImplicitDeny},
		{"1", "y", "5", policy.ImplicitDeny},
		{"1", "x", "50", policy.ImplicitDeny},
		{"", "x", "5", policy.ImplicitDeny},
	}
	for _, tt := range tests {
		r := baseRequest()
		if tt.a != "" {
			r.Context.Set("svc:A", tt.a)
		}
		r.Context.Set("svc:B", tt.b)
		r.Context.Set("svc:N", tt.n)
		if got := policy.NewSet(p).Decide(r); got != tt.want {
			t.Errorf("A=%q B=%q N=%q: %v, want %v (%s)", tt.a, tt.b, tt.n, got, tt.want, docCondition)
		}
	}
}

// Principal-derived global keys.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func TestPrincipalKeys(t *testing.T) {
	user := baseRequest()
	user.Principal.Tags = []policy.Tag{{Key: "Team", Value: "ml"}}
	session := &policy.Request{Action: "s:a", Resource: "*", Principal: policy.Caller{
		ARN: "arn:aws:sts::123456789012:assumed-role/Studio/alice", RoleARN: "arn:aws:iam::123456789012:role/Studio",
		Type: policy.PrincipalAssumedRole, Account: "123456789012", UserID: "AROAEXAMPLE:alice", SourceIdentity: "alice",
		Tags: []policy.Tag{{Key: "team", Value: "ml"}}, SessionTags: []policy.Tag{{Key: "Team", Value: "cv"}},
	}}
	root := &policy.Request{Action: "s:a", Resource: "*", Principal: policy.Caller{ARN: "arn:aws:iam::123456789012:root", Type: policy.PrincipalAccount, Account: "123456789012"}}
	svc := &policy.Request{Action: "s:a", Resource: "*", Principal: policy.Caller{Type: policy.PrincipalService, Service: "sagemaker.amazonaws.com"}}
	tests := []struct {
		r        *policy.Request
		op, key  string
		val      string
		expected bool
	}{
		{user, "StringEquals", "aws:username", "alice", true},
		{user, "StringEquals", "aws:userid", "AIDAEXAMPLE", true},
		{user, "StringEquals", "aws:PrincipalArn", "arn:aws:iam::123456789012:user/alice", true},
		{user, "StringEquals", "aws:PrincipalAccount", "123456789012", true},
		{user, "StringEquals", "aws:PrincipalType", "User", true},
		{user, "StringEquals", "aws:PrincipalTag/team", "ml", true},
		{user, "StringEquals", "aws:PrincipalTag/missing", "ml", false},
		{user, "Null", "aws:SourceIdentity", "true", true},
		{session, "StringEquals", "aws:PrincipalArn", "arn:aws:iam::123456789012:role/Studio", true},
		{session, "StringEquals", "aws:SourceIdentity", "alice", true},
		{session, "StringEquals", "aws:PrincipalType", "AssumedRole", true},
		{session, "StringEquals", "aws:userid", "AROAEXAMPLE:alice", true},
		{session, "Null", "aws:username", "true", true},
		// Session tags override the role's tags with the same key.
		{session, "StringEquals", "aws:PrincipalTag/Team", "cv", true},
		{root, "StringEquals", "aws:PrincipalType", "Account", true},
		{root, "StringEquals", "aws:PrincipalArn", "arn:aws:iam::123456789012:root", true},
		{svc, "Null", "aws:PrincipalType", "true", true},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.val, func(t *testing.T) {
			p := compile(t, policy.KindIdentity, condPolicy(policy.Version2012, tt.op, tt.key, pv(tt.val)))
			got := policy.NewSet(p).Decide(tt.r) == policy.Allowed
			if got != tt.expected {
				t.Errorf("%s %s %q for %s: %v, want %v (%s)", tt.op, tt.key, tt.val, tt.r.Principal.ARN, got, tt.expected, docKeys)
			}
		})
	}
}
