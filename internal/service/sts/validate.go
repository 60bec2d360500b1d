package sts

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Patterns and bounds of botocore's sts model (shapes roleSessionNameType,
// sourceIdentityType, externalIdType, tagKeyType, tagValueType,
// serialNumberType, tokenCodeType, roleDurationSecondsType,
// durationSecondsType). They are compiled once and never change.
var (
	reSessionName = regexp.MustCompile(`^[\w+=,.@-]*$`)
	reExternalID  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
	reTagKey      = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	reTagValue    = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	reSerial      = regexp.MustCompile(`^[\w+=/:,.@-]*$`)
	reTokenCode   = regexp.MustCompile(`^[\d]*$`)
	rePolicyText  = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+$`)
)

// The patterns as AWS prints them in validation messages.
const (
	patSessionName = `[\w+=,.@-]*`
	patExternalID  = `[\w+=,.@:\/-]*`
	patTagKey      = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	patTagValue    = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
	patSerial      = `[\w+=/:,.@-]*`
	patTokenCode   = `[\d]*`
	patPolicyText  = `[\u0009\u000A\u000D\u0020-\u00FF]+`
)

// Limits from the STS API reference and IAM's quotas page.
const (
	minDuration           = 900
	maxRoleDuration       = 43200
	maxSessionDuration    = 129600
	defaultRoleDuration   = 3600
	defaultSessionToken   = 43200
	rootSessionTokenMax   = 3600
	chainedMaxDuration    = 3600
	maxSessionTags        = 50
	maxTransitiveTagKeys  = 50
	maxSessionPolicyARNs  = 10
	maxSessionPolicyChars = 2048
)

// violations collects constraint violations and renders them the way AWS's
// Query services do: "1 validation error detected: Value 'x' at
// 'roleSessionName' failed to satisfy constraint: Member must ..." with
// several joined by "; " after "N validation errors detected: ".
type violations []string

func (v *violations) add(value, path, constraint string) {
	*v = append(*v, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member %s", value, path, constraint))
}

func (v *violations) length(s, path string, lo, hi int) bool {
	n := utf8.RuneCountInString(s)
	switch {
	case n < lo:
		v.add(s, path, "must have length greater than or equal to "+strconv.Itoa(lo))
		return false
	case hi > 0 && n > hi:
		v.add(s, path, "must have length less than or equal to "+strconv.Itoa(hi))
		return false
	}
	return true
}

func (v *violations) pattern(s, path string, re *regexp.Regexp, shown string) {
	if !re.MatchString(s) {
		v.add(s, path, "must satisfy regular expression pattern: "+shown)
	}
}

func (v *violations) str(s, path string, lo, hi int, re *regexp.Regexp, shown string) {
	v.length(s, path, lo, hi)
	v.pattern(s, path, re, shown)
}

func (v *violations) rng(n int32, path string, lo, hi int32) {
	s := strconv.Itoa(int(n))
	switch {
	case n < lo:
		v.add(s, path, "must have value greater than or equal to "+strconv.Itoa(int(lo)))
	case n > hi:
		v.add(s, path, "must have value less than or equal to "+strconv.Itoa(int(hi)))
	}
}

func (v violations) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return &ValidationError{Msg: "1 validation error detected: " + v[0]}
	}
	return &ValidationError{Msg: strconv.Itoa(len(v)) + " validation errors detected: " + strings.Join(v, "; ")}
}

func (v *violations) tags(tags []Tag) {
	if len(tags) > maxSessionTags {
		v.add(listString(len(tags)), "tags", "must have length less than or equal to "+strconv.Itoa(maxSessionTags))
	}
	for i, t := range tags {
		p := "tags." + strconv.Itoa(i+1) + ".member."
		v.str(t.Key, p+"key", 1, 128, reTagKey, patTagKey)
		v.length(t.Value, p+"value", 0, 256)
		v.pattern(t.Value, p+"value", reTagValue, patTagValue)
	}
}

func (v *violations) mfa(serial, code *string) {
	if serial != nil {
		v.str(*serial, "serialNumber", 9, 256, reSerial, patSerial)
	}
	if code != nil {
		v.str(*code, "tokenCode", 6, 6, reTokenCode, patTokenCode)
	}
}

// listString is how a list value appears in a message; AWS prints the
// elements, abacus their count, which is enough to say what was wrong.
func listString(n int) string { return "[" + strconv.Itoa(n) + " items]" }

// validateAssumeRole checks the input of AssumeRole against the model's
// constraints.
func validateAssumeRole(in *AssumeRoleInput) error {
	var v violations
	v.length(in.RoleArn, "roleArn", 20, 2048)
	v.str(in.RoleSessionName, "roleSessionName", 2, 64, reSessionName, patSessionName)
	if in.DurationSeconds != nil {
		v.rng(*in.DurationSeconds, "durationSeconds", minDuration, maxRoleDuration)
	}
	if in.Policy != nil {
		v.length(*in.Policy, "policy", 1, 0)
		if *in.Policy != "" {
			v.pattern(*in.Policy, "policy", rePolicyText, patPolicyText)
		}
	}
	for i, p := range in.PolicyArns {
		if p.Arn != nil {
			v.length(*p.Arn, "policyArns."+strconv.Itoa(i+1)+".member.arn", 20, 2048)
		}
	}
	v.tags(in.Tags)
	if len(in.TransitiveTagKeys) > maxTransitiveTagKeys {
		v.add(listString(len(in.TransitiveTagKeys)), "transitiveTagKeys", "must have length less than or equal to "+strconv.Itoa(maxTransitiveTagKeys))
	}
	for i, k := range in.TransitiveTagKeys {
		v.str(k, "transitiveTagKeys."+strconv.Itoa(i+1)+".member", 1, 128, reTagKey, patTagKey)
	}
	if in.ExternalId != nil {
		v.str(*in.ExternalId, "externalId", 2, 1224, reExternalID, patExternalID)
	}
	v.mfa(in.SerialNumber, in.TokenCode)
	if in.SourceIdentity != nil {
		v.str(*in.SourceIdentity, "sourceIdentity", 2, 64, reSessionName, patSessionName)
	}
	switch n := len(in.ProvidedContexts); {
	case in.ProvidedContexts != nil && n < 1:
		v.add(listString(n), "providedContexts", "must have length greater than or equal to 1")
	case n > 5:
		v.add(listString(n), "providedContexts", "must have length less than or equal to 5")
	}
	if err := v.err(); err != nil {
		return err
	}
	return validateTagSemantics(in)
}

// validateTagSemantics checks what the schema cannot: tag keys are unique
// without regard to case, transitive keys name passed tags, and there are
// at most ten managed session policies.
func validateTagSemantics(in *AssumeRoleInput) error {
	seen := make(map[string]bool, len(in.Tags))
	for _, t := range in.Tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return &InvalidParameterError{Msg: "Duplicate tag keys found. Please note that Tag keys are case insensitive."}
		}
		seen[k] = true
	}
	for _, k := range in.TransitiveTagKeys {
		if !seen[strings.ToLower(k)] {
			return &InvalidParameterError{Msg: "The specified transitive tag key must be included in the requested tags."}
		}
	}
	if len(in.PolicyArns) > maxSessionPolicyARNs {
		var v violations
		v.add(listString(len(in.PolicyArns)), "policyArns", "must have length less than or equal to "+strconv.Itoa(maxSessionPolicyARNs))
		return v.err()
	}
	if in.Policy != nil && len(*in.Policy) > maxSessionPolicyChars {
		var v violations
		v.add("policy", "policy", "must have length less than or equal to "+strconv.Itoa(maxSessionPolicyChars))
		return v.err()
	}
	return nil
}

// validateGetSessionToken checks the input of GetSessionToken.
func validateGetSessionToken(in *GetSessionTokenInput) error {
	var v violations
	if in.DurationSeconds != nil {
		v.rng(*in.DurationSeconds, "durationSeconds", minDuration, maxSessionDuration)
	}
	v.mfa(in.SerialNumber, in.TokenCode)
	return v.err()
}

// validName reports whether s is a valid RoleSessionName or SourceIdentity.
func validName(s string) bool {
	n := len(s)
	return n >= 2 && n <= 64 && reSessionName.MatchString(s)
}
