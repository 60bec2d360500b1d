package iam

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Patterns and lengths of the input shapes in botocore's iam model.
var (
	namePattern       = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern       = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
	pathPrefixPattern = regexp.MustCompile(`^/[\x21-\x7F]*$`)
	policyPathPattern = regexp.MustCompile(`^((/[A-Za-z0-9\.,\+@=_-]+)*)/$`)
	tagKeyPattern     = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValuePattern   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	versionIDPattern  = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)
	accessKeyPattern  = regexp.MustCompile(`^\w+$`)
	descPattern       = regexp.MustCompile(`^[\t\n\r\x20-\x7E\x{A1}-\x{FF}]*$`)
	documentPattern   = regexp.MustCompile(`^[\t\n\r\x20-\x{FF}]+$`)
)

// The pattern texts as the model spells them, for error messages.
const (
	namePatternText       = `[\w+=,.@-]+`
	pathPatternText       = `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
	pathPrefixPatternText = `\u002F[\u0021-\u007F]*`
	policyPathPatternText = `((/[A-Za-z0-9\.,\+@=_-]+)*)/`
	tagKeyPatternText     = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	tagValuePatternText   = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
	versionIDPatternText  = `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`
	accessKeyPatternText  = `[\w]+`
	descPatternText       = `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`
	documentPatternText   = `[\u0009\u000A\u000D\u0020-\u00FF]+`
)

// validator collects the constraint violations of one request and reports
// them the way AWS's Query services do: "2 validation errors detected:
// Value 'a b' at 'userName' failed to satisfy constraint: Member must
// satisfy regular expression pattern: [\w+=,.@-]+; Value ...".
type validator struct {
	msgs []string
}

func (v *validator) fail(member, value, constraint string) {
	v.msgs = append(v.msgs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member %s", value, member, constraint))
}

// str checks a string member against the length bounds and pattern of its
// shape. A nil pattern means none.
func (v *validator) str(member, value string, minLen, maxLen int, re *regexp.Regexp, reText string) {
	n := utf8.RuneCountInString(value)
	switch {
	case n < minLen:
		v.fail(member, value, fmt.Sprintf("must have length greater than or equal to %d", minLen))
	case maxLen > 0 && n > maxLen:
		v.fail(member, value, fmt.Sprintf("must have length less than or equal to %d", maxLen))
	case re != nil && !re.MatchString(value):
		v.fail(member, value, "must satisfy regular expression pattern: "+reText)
	}
}

func (v *validator) optStr(member string, value *string, minLen, maxLen int, re *regexp.Regexp, reText string) {
	if value != nil {
		v.str(member, *value, minLen, maxLen, re, reText)
	}
}

func (v *validator) name(member, value string, maxLen int) {
	v.str(member, value, 1, maxLen, namePattern, namePatternText)
}

func (v *validator) path(member string, value *string) {
	v.optStr(member, value, 1, 512, pathPattern, pathPatternText)
}

func (v *validator) pathPrefix(value *string) {
	v.optStr("pathPrefix", value, 1, 512, pathPrefixPattern, pathPrefixPatternText)
}

func (v *validator) arn(member, value string) {
	v.str(member, value, 20, 2048, nil, "")
}

func (v *validator) document(member, value string) {
	v.str(member, value, 1, 131072, documentPattern, documentPatternText)
}

func (v *validator) paging(marker *string, maxItems *int32) {
	if marker != nil {
		v.str("marker", *marker, 1, 320, nil, "")
	}
	if maxItems != nil {
		switch n := *maxItems; {
		case n < 1:
			v.fail("maxItems", strconv.Itoa(int(n)), "must have value greater than or equal to 1")
		case n > 1000:
			v.fail("maxItems", strconv.Itoa(int(n)), "must have value less than or equal to 1000")
		}
	}
}

func (v *validator) tags(tags []Tag) {
	if len(tags) > maxTags {
		v.fail("tags", fmt.Sprint(len(tags)), fmt.Sprintf("must have length less than or equal to %d", maxTags))
	}
	for i, t := range tags {
		v.str(fmt.Sprintf("tags.%d.member.key", i+1), t.Key, 1, 128, tagKeyPattern, tagKeyPatternText)
		v.str(fmt.Sprintf("tags.%d.member.value", i+1), t.Value, 0, 256, tagValuePattern, tagValuePatternText)
	}
}

func (v *validator) tagKeys(keys []string) {
	if len(keys) > maxTags {
		v.fail("tagKeys", fmt.Sprint(len(keys)), fmt.Sprintf("must have length less than or equal to %d", maxTags))
	}
	for i, k := range keys {
		v.str(fmt.Sprintf("tagKeys.%d.member", i+1), k, 1, 128, tagKeyPattern, tagKeyPatternText)
	}
}

// err returns the collected violations as one ValidationError, or nil.
func (v *validator) err() error {
	switch len(v.msgs) {
	case 0:
		return nil
	case 1:
		return errorf(ErrValidation, "1 validation error detected: %s", v.msgs[0])
	}
	return errorf(ErrValidation, "%d validation errors detected: %s", len(v.msgs), strings.Join(v.msgs, "; "))
}

// checkTags applies IAM's tag rules beyond the model's patterns: keys are
// unique without regard to case, and the aws: prefix is reserved.
func checkTags(tags []Tag) error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return errorf(ErrInvalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
		if strings.HasPrefix(k, "aws:") {
			return errorf(ErrInvalidInput, "User-defined tag keys can't start with 'aws:'. This prefix is reserved for AWS tags.")
		}
	}
	return nil
}
