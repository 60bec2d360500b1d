package policy

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// base is the positive comparison an operator makes between one request
// value and one policy value.
type base uint8

const (
	bStringEquals base = iota
	bStringEqualsIgnoreCase
	bStringLike
	bNumericEquals
	bNumericLessThan
	bNumericLessThanEquals
	bNumericGreaterThan
	bNumericGreaterThanEquals
	bDateEquals
	bDateLessThan
	bDateLessThanEquals
	bDateGreaterThan
	bDateGreaterThanEquals
	bBool
	bBinaryEquals
	bIPAddress
	bArnLike
	bNull
)

// opSpec describes one condition operator of the table on
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html.
type opSpec struct {
	base    base
	negated bool
	vars    bool // policy variables allowed in values
	check   func(v string) string
	verb    string // for explanations: `value "x" <verb> "y"`
}

var operators = map[string]opSpec{
	"StringEquals":              {base: bStringEquals, vars: true, check: anyString, verb: "does not equal"},
	"StringNotEquals":           {base: bStringEquals, negated: true, vars: true, check: anyString, verb: "equals"},
	"StringEqualsIgnoreCase":    {base: bStringEqualsIgnoreCase, vars: true, check: anyString, verb: "does not equal (ignoring case)"},
	"StringNotEqualsIgnoreCase": {base: bStringEqualsIgnoreCase, negated: true, vars: true, check: anyString, verb: "equals (ignoring case)"},
	"StringLike":                {base: bStringLike, vars: true, check: anyString, verb: "not like"},
	"StringNotLike":             {base: bStringLike, negated: true, vars: true, check: anyString, verb: "is like"},
	"NumericEquals":             {base: bNumericEquals, check: checkNumber, verb: "does not equal"},
	"NumericNotEquals":          {base: bNumericEquals, negated: true, check: checkNumber, verb: "equals"},
	"NumericLessThan":           {base: bNumericLessThan, check: checkNumber, verb: "is not less than"},
	"NumericLessThanEquals":     {base: bNumericLessThanEquals, check: checkNumber, verb: "is not less than or equal to"},
	"NumericGreaterThan":        {base: bNumericGreaterThan, check: checkNumber, verb: "is not greater than"},
	"NumericGreaterThanEquals":  {base: bNumericGreaterThanEquals, check: checkNumber, verb: "is not greater than or equal to"},
	"DateEquals":                {base: bDateEquals, check: checkDate, verb: "is not the date"},
	"DateNotEquals":             {base: bDateEquals, negated: true, check: checkDate, verb: "is the date"},
	"DateLessThan":              {base: bDateLessThan, check: checkDate, verb: "is not before"},
	"DateLessThanEquals":        {base: bDateLessThanEquals, check: checkDate, verb: "is not at or before"},
	"DateGreaterThan":           {base: bDateGreaterThan, check: checkDate, verb: "is not after"},
	"DateGreaterThanEquals":     {base: bDateGreaterThanEquals, check: checkDate, verb: "is not at or after"},
	"Bool":                      {base: bBool, vars: true, check: checkBool, verb: "is not"},
	"BinaryEquals":              {base: bBinaryEquals, check: checkBase64, verb: "does not equal"},
	"IpAddress":                 {base: bIPAddress, check: checkCIDR, verb: "is not in"},
	"NotIpAddress":              {base: bIPAddress, negated: true, check: checkCIDR, verb: "is in"},
	"ArnEquals":                 {base: bArnLike, vars: true, check: anyString, verb: "does not match"},
	"ArnLike":                   {base: bArnLike, vars: true, check: anyString, verb: "does not match"},
	"ArnNotEquals":              {base: bArnLike, negated: true, vars: true, check: anyString, verb: "matches"},
	"ArnNotLike":                {base: bArnLike, negated: true, vars: true, check: anyString, verb: "matches"},
	"Null":                      {base: bNull, check: checkBool, verb: "null check failed"},
}

type setQual uint8

const (
	setNone setQual = iota
	setForAll
	setForAny
)

// opInfo is a fully qualified operator: set qualifier, base operator,
// IfExists.
type opInfo struct {
	opSpec
	set      setQual
	ifExists bool
}

// lookupOperator resolves "ForAnyValue:StringLikeIfExists" and the like.
// It returns an explanation instead when the name is not an operator.
func lookupOperator(name string) (opInfo, string) {
	var oi opInfo
	n := name
	switch {
	case strings.HasPrefix(n, "ForAllValues:"):
		oi.set, n = setForAll, n[len("ForAllValues:"):]
	case strings.HasPrefix(n, "ForAnyValue:"):
		oi.set, n = setForAny, n[len("ForAnyValue:"):]
	}
	if base, ok := strings.CutSuffix(n, "IfExists"); ok && base != "Null" {
		oi.ifExists, n = true, base
	}
	spec, ok := operators[n]
	if !ok {
		return oi, "unknown condition operator " + strconv.Quote(name)
	}
	oi.opSpec = spec
	return oi, ""
}

func anyString(string) string { return "" }

func checkNumber(v string) string {
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return "value " + strconv.Quote(v) + " is not a number"
	}
	return ""
}

func checkDate(v string) string {
	if _, ok := parseDate(v); !ok {
		return "value " + strconv.Quote(v) + " is not a date (ISO 8601, as in 2026-01-02T15:04:05Z, or epoch seconds)"
	}
	return ""
}

func checkBool(v string) string {
	if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") && !strings.Contains(v, "${") {
		return "value " + strconv.Quote(v) + " is not true or false"
	}
	return ""
}

func checkBase64(v string) string {
	if _, err := base64.StdEncoding.DecodeString(v); err != nil {
		return "value " + strconv.Quote(v) + " is not base64"
	}
	return ""
}

func checkCIDR(v string) string {
	if _, ok := parseCIDR(v); !ok {
		return "value " + strconv.Quote(v) + " is not an IP address or CIDR block"
	}
	return ""
}

func parseCIDR(v string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// parseDate accepts the ISO 8601 forms IAM documents (a date, a date and
// time with or without fractional seconds and with a zone or 'Z') and
// epoch seconds. It does not allocate on success.
func parseDate(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	allDigits := true
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			allDigits = false
			break
		}
	}
	if allDigits {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	if len(v) == 10 {
		t, err := time.Parse(time.DateOnly, v)
		return t, err == nil
	}
	if len(v) < 19 || v[10] != 'T' {
		return time.Time{}, false
	}
	last := v[len(v)-1]
	zoned := last == 'Z' || last == 'z' || strings.ContainsAny(v[19:], "+-")
	layout := "2006-01-02T15:04:05"
	if zoned {
		layout = time.RFC3339
	}
	t, err := time.Parse(layout, v)
	return t, err == nil
}
