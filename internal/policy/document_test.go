package policy_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"abacus/internal/policy"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// Statement may be an object or an array; most elements take a string or
// an array of strings. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func TestParse(t *testing.T) {
	ignore := cmpopts.IgnoreUnexported(policy.Document{}, policy.Statement{}, policy.Principal{}, policy.Condition{})
	ignoreOff := cmpopts.IgnoreFields(policy.Statement{}, "Offset")
	tests := []struct {
		name string
		src  string
		want *policy.Document
	}{
		{
			name: "statement-object-strings",
			src:  `{"Version":"2012-10-17","Id":"p1","Statement":{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			want: &policy.Document{Version: "2012-10-17", ID: "p1", Statements: []*policy.Statement{
				{Sid: "A", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"*"}},
			}},
		},
		{
			name: "statement-array-lists",
			src: `{"Statement":[{"Effect":"Deny","NotAction":["a:b","c:d"],"NotResource":["arn:aws:s3:::x"]},
				{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::1:root"],"Service":"s.amazonaws.com","Federated":"f","CanonicalUser":"c"},"Action":"*","Resource":"*"}]}`,
			want: &policy.Document{Statements: []*policy.Statement{
				{Effect: "Deny", NotAction: []string{"a:b", "c:d"}, NotResource: []string{"arn:aws:s3:::x"}},
				{Effect: "Allow", Principal: &policy.Principal{AWS: []string{"123456789012", "arn:aws:iam::1:root"}, Service: []string{"s.amazonaws.com"}, Federated: []string{"f"}, CanonicalUser: []string{"c"}}, Action: []string{"*"}, Resource: []string{"*"}},
			}},
		},
		{
			name: "principal-star-and-notprincipal",
			src:  `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"*"}]}`,
			want: &policy.Document{Statements: []*policy.Statement{
				{Effect: "Allow", Principal: &policy.Principal{All: true}, Action: []string{"*"}},
				{Effect: "Deny", NotPrincipal: &policy.Principal{AWS: []string{"*"}}, Action: []string{"*"}},
			}},
		},
		{
			name: "condition-scalars",
			src:  `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":true,"aws:ViaAWSService":[false]},"StringEquals":{"k":["a","b"]}}}}`,
			want: &policy.Document{Statements: []*policy.Statement{{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}, Condition: []policy.Condition{
				{Operator: "NumericLessThan", Key: "aws:MultiFactorAuthAge", Values: []string{"3600"}},
				{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
				{Operator: "Bool", Key: "aws:ViaAWSService", Values: []string{"false"}},
				{Operator: "StringEquals", Key: "k", Values: []string{"a", "b"}},
			}}}},
		},
		{
			name: "escapes-and-unicode",
			src:  `{"Statement":{"Sid":"\u0041\n","Effect":"Allow","Action":"s:a","Resource":"arn:aws:s3:::b/\u00e9\ud83d\ude00\/x"}}`,
			want: &policy.Document{Statements: []*policy.Statement{{Sid: "A\n", Effect: "Allow", Action: []string{"s:a"}, Resource: []string{"arn:aws:s3:::b/é😀/x"}}}},
		},
		{
			name: "control-escapes",
			src:  `{"Statement":{"Sid":"\b\f\r\t","Effect":"Allow","Action":"s:a","Resource":"arn:aws:s3:::b/\ud800\u0041\ud83d"}}`,
			want: &policy.Document{Statements: []*policy.Statement{{Sid: "\b\f\r\t", Effect: "Allow", Action: []string{"s:a"}, Resource: []string{"arn:aws:s3:::b/\uFFFDA\uFFFD"}}}},
		},
		{
			name: "empty-object",
			src:  `{}`,
			want: &policy.Document{},
		},
		{
			name: "empty-arrays",
			src:  `{"Statement":[{"Effect":"Allow","Action":[],"Resource":[]}]}`,
			want: &policy.Document{Statements: []*policy.Statement{{Effect: "Allow", Action: []string{}, Resource: []string{}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := policy.Parse([]byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, ignore, ignoreOff); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

// Invalid JSON is MalformedPolicyDocument, located by line and column.
func TestParseSyntaxErrors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		msg       string
	}{
		{``, 1, 1, "unexpected end of input"},
		{`{`, 1, 2, "want a member name"},
		{`{"Version":}`, 1, 12, "want a value"},
		{"{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}", 3, 3, "want ',' or '}'"},
		{`{"a":[1,]}`, 1, 9, "want a value"},
		{`{"a":[1 2]}`, 1, 9, "want ',' or ']'"},
		{`{"a":"x`, 1, 6, "unterminated string"},
		{`{"a":"\q"}`, 1, 7, "invalid escape"},
		{`{"a\q":1}`, 1, 4, "invalid escape"},
		{`{"a":"\u1`, 1, 9, "invalid \\u escape"},
		{`{"a":"\ud800\u12"}`, 1, 15, "invalid \\u escape"},
		{`{"a":"\u12"}`, 1, 9, "invalid \\u escape"},
		{"{\"a\":\"\x01\"}", 1, 7, "control character"},
		{"{\"a\":\"\xff\"}", 1, 7, "invalid UTF-8"},
		{`{"a":01}`, 1, 6, "leading zero"},
		{`{"a":1.}`, 1, 8, "digit after '.'"},
		{`{"a":1e}`, 1, 8, "exponent"},
		{`{"a":-}`, 1, 7, "invalid number"},
		{`{"a":tru}`, 1, 6, "want true"},
		{`{"a":nul}`, 1, 6, "want null"},
		{`{"a":1} x`, 1, 9, "after the top-level value"},
		{`{"a" 1}`, 1, 6, "want ':'"},
		{`{"a":1`, 1, 7, "want ',' or '}'"},
		{`{"a":[1`, 1, 8, "want ',' or ']'"},
		{`{"a":@}`, 1, 6, "want a value"},
		{`{"a":"é` + "\n" + `@`, 1, 8, "control character"},
		{"{\n\"é\":@}", 2, 5, "want a value"},
		{`{"a":"\`, 1, 6, "unterminated string"},
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), 1, 65, "nesting too deep"},
		{`{"a":` + strings.Repeat("{\"b\":", 70) + `1` + strings.Repeat("}", 71), 1, 321, "nesting too deep"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := policy.Parse([]byte(tt.src))
			var se *policy.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, want a *SyntaxError", tt.src, err)
			}
			if !errors.Is(err, policy.ErrMalformedPolicyDocument) {
				t.Errorf("a SyntaxError must be in the MalformedPolicyDocument family")
			}
			if se.Line != tt.line || se.Col != tt.col || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("Parse(%q) = %d:%d %q, want %d:%d containing %q", tt.src, se.Line, se.Col, se.Msg, tt.line, tt.col, tt.msg)
			}
			if !strings.HasPrefix(se.Error(), strconv.Itoa(tt.line)+":"+strconv.Itoa(tt.col)) {
				t.Errorf("Error() = %q, want it to start with line:col", se.Error())
			}
		})
	}
}

// Elements with a JSON type IAM does not accept there are rejected by
// Parse with the statement and element named.
func TestParseTypeErrors(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{`[]`, "policy: the policy must be a JSON object, not array"},
		{`{"Version":1}`, "policy: Version: must be a string"},
		{`{"Id":[]}`, "policy: Id: must be a string"},
		{`{"Statement":"x"}`, "policy: Statement: must be an object or an array of objects"},
		{`{"Statement":["x"]}`, "statement 1: a statement must be an object, not string"},
		{`{"Statement":{"Sid":1}}`, "statement 1: Sid: must be a string"},
		{`{"Statement":{"Sid":"S","Effect":true}}`, `statement 1 (Sid "S"): Effect: must be the string "Allow" or "Deny"`},
		{`{"Statement":{"Action":1}}`, "statement 1: Action: must be a string or an array of strings, found number"},
		{`{"Statement":{"Resource":["a",2]}}`, "statement 1: Resource: must be a string or an array of strings, found number"},
		{`{"Statement":{"Principal":"arn:aws:iam::1:root"}}`, `statement 1: Principal: a string principal must be "*"`},
		{`{"Statement":{"Principal":["*"]}}`, `statement 1: Principal: must be "*" or an object, found array`},
		{`{"Statement":{"Principal":{"AWS":1}}}`, "statement 1: Principal.AWS: must be a string or an array of strings"},
		{`{"Statement":{"Condition":[]}}`, "statement 1: Condition: must be an object of operator blocks, found array"},
		{`{"Statement":{"Condition":{"StringEquals":"x"}}}`, `statement 1: Condition: operator "StringEquals" must map to an object of keys, found string`},
		{`{"Statement":{"Condition":{"StringEquals":{"k":{"a":1}}}}}`, `statement 1: Condition: value of "k" must be a string, number or boolean, found object`},
		{`{"Statement":{"Condition":{"StringEquals":{"k":[null]}}}}`, `statement 1: Condition: value of "k" must be a string, number or boolean, found null`},
		{`{"Statement":{"Condition":{"StringEquals":{"k":"a"},"StringEquals":{"j":"b"}}}}`, `statement 1: Condition: operator "StringEquals" appears more than once`},
		{`{"Statement":{"Condition":{"StringEquals":{"k":"a","k":"b"}}}}`, `statement 1: Condition: condition key "k" appears more than once under StringEquals`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := policy.Parse([]byte(tt.src))
			var ve *policy.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, policy.ErrMalformedPolicyDocument) {
				t.Fatalf("Parse(%q) = %v, want a *ValidationError", tt.src, err)
			}
			if got := ve.Error(); !strings.Contains(got, tt.want) || ve.Line != 1 {
				t.Errorf("Parse(%q) = %q, want 1:COL: %q", tt.src, got, tt.want)
			}
		})
	}
}

// IAM counts policy size without white space.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
func TestSize(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{`{}`, 2},
		{"{ \n\t\r}", 2},
		{`{"a": "b c"}`, 11},
		{`{"a":"b c"}`, 11},
		{"{\n  \"Version\": \"2012-10-17\"\n}", len(`{"Version":"2012-10-17"}`)},
		{`{"a":"\" x"}`, 12},
		{`{"é":1}`, 7},
	}
	for _, tt := range tests {
		if got := policy.Size([]byte(tt.src)); got != tt.want {
			t.Errorf("Size(%q) = %d, want %d (%s)", tt.src, got, tt.want, docQuotas)
		}
	}
}

// TestMarshalRoundTrip checks Parse -> MarshalJSON -> Parse gives the same
// document, for every policy in the corpus and the validation testdata.
func TestMarshalRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/validate/*.json")
	for _, c := range loadCorpus(t) {
		for _, p := range c.policies() {
			files = append(files, "corpus:"+string(p.Document))
		}
	}
	if len(files) < 10 {
		t.Fatalf("only %d documents to round-trip", len(files))
	}
	for _, f := range files {
		var src []byte
		if s, ok := strings.CutPrefix(f, "corpus:"); ok {
			src = []byte(s)
		} else {
			var err error
			if src, err = os.ReadFile(f); err != nil {
				t.Fatal(err)
			}
		}
		d1, err := policy.Parse(src)
		if err != nil {
			continue // syntax-error fixtures
		}
		b1, err := d1.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		d2, err := policy.Parse(b1)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b1, err)
		}
		b2, _ := d2.MarshalJSON()
		if string(b1) != string(b2) {
			t.Errorf("round trip differs:\n%s\n%s", b1, b2)
		}
		opts := []cmp.Option{cmpopts.IgnoreUnexported(policy.Document{}, policy.Statement{}, policy.Principal{}, policy.Condition{}), cmpopts.IgnoreFields(policy.Statement{}, "Offset")}
		if diff := cmp.Diff(d1, d2, opts...); diff != "" {
			t.Errorf("documents differ after round trip (-first +second):\n%s", diff)
		}
	}
}
