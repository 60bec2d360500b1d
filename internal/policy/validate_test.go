package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/policy"
)

func stmt(body string) string {
	return `{"Version":"2012-10-17","Statement":[` + body + `]}`
}

// TestValidate encodes IAM's rules for each policy kind: each case lists
// the element the first error must name and a fragment of its message;
// want "" means the document is valid.
func TestValidate(t *testing.T) {
	const (
		ok        = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
		okRes     = `{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`
		okTrust   = `{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}`
		idK       = policy.KindIdentity
		resK      = policy.KindResource
		trustK    = policy.KindTrust
		boundaryK = policy.KindBoundary
		sessionK  = policy.KindSession
		scpK      = policy.KindSCP
	)
	tests := []struct {
		name    string
		kind    policy.Kind
		src     string
		element string
		want    string
		doc     string
	}{
		{"identity-ok", idK, stmt(ok), "", "", docElements},
		{"boundary-ok", boundaryK, stmt(ok), "", "", docElements},
		{"session-ok", sessionK, stmt(ok), "", "", docElements},
		{"scp-ok", scpK, stmt(ok), "", "", docElements},
		{"resource-ok", resK, stmt(okRes), "", "", docPrincipal},
		{"trust-ok", trustK, stmt(okTrust), "", "", docPrincipal},
		{"version-2008-ok", idK, `{"Version":"2008-10-17","Statement":` + ok + `}`, "", "", docVersion},
		{"no-version-ok", idK, `{"Statement":` + ok + `}`, "", "", docVersion},
		{"id-ok", idK, `{"Version":"2012-10-17","Id":"x","Statement":` + ok + `}`, "", "", docElements},
		{"bad-version", idK, `{"Version":"2012-10-18","Statement":` + ok + `}`, "Version", "invalid version", docVersion},
		{"unknown-top-level", idK, `{"Version":"2012-10-17","Statment":[],"Statement":` + ok + `}`, "Statment", "unknown element", docGrammar},
		{"duplicate-top-level", idK, `{"Version":"2012-10-17","Version":"2008-10-17","Statement":` + ok + `}`, "Version", "appears more than once", docGrammar},
		{"missing-statement", idK, `{"Version":"2012-10-17"}`, "Statement", "missing required element", docGrammar},
		{"empty-statement", idK, `{"Version":"2012-10-17","Statement":[]}`, "Statement", "no statements", docGrammar},
		{"unknown-statement-element", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Resources":"*"}`), "Resources", "unknown element", docGrammar},
		{"duplicate-element", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Action":"s3:PutObject","Resource":"*"}`), "Action", "more than once", docGrammar},
		{"missing-effect", idK, stmt(`{"Action":"s3:GetObject","Resource":"*"}`), "Effect", "missing required element Effect", docElements},
		{"bad-effect", idK, stmt(`{"Effect":"Permit","Action":"s3:GetObject","Resource":"*"}`), "Effect", `"Allow" or "Deny"`, docElements},
		{"effect-case", idK, stmt(`{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}`), "Effect", `"Allow" or "Deny"`, docElements},
		{"action-and-notaction", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}`), "NotAction", "both Action and NotAction", docNotAction},
		{"no-action", idK, stmt(`{"Effect":"Allow","Resource":"*"}`), "Action", "must contain actions", docAction},
		{"empty-action", idK, stmt(`{"Effect":"Allow","Action":[],"Resource":"*"}`), "Action", "at least one action", docAction},
		{"action-no-prefix", idK, stmt(`{"Effect":"Allow","Action":"GetObject","Resource":"*"}`), "Action", "prefaced by a service prefix", docAction},
		{"action-empty-name", idK, stmt(`{"Effect":"Allow","Action":"s3:","Resource":"*"}`), "Action", "prefaced by a service prefix", docAction},
		{"action-bad-prefix", idK, stmt(`{"Effect":"Allow","Action":"s 3:GetObject","Resource":"*"}`), "Action", "prefaced by a service prefix", docAction},
		{"notaction-no-prefix", idK, stmt(`{"Effect":"Allow","NotAction":"x","Resource":"*"}`), "NotAction", "prefaced by a service prefix", docNotAction},
		{"resource-and-notresource", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","NotResource":"arn:aws:s3:::b"}`), "NotResource", "both Resource and NotResource", docNotResource},
		{"no-resource", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject"}`), "Resource", "must contain resources", docResource},
		{"empty-resource", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":[]}`), "Resource", "at least one resource", docResource},
		{"resource-not-arn", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket/key"}`), "Resource", `must be an ARN or "*"`, docResource},
		{"notresource-not-arn", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"bucket"}`), "NotResource", `must be an ARN or "*"`, docNotResource},
		{"principal-in-identity", idK, stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), "Principal", "must not specify a principal", docPrincipal},
		{"notprincipal-in-identity", idK, stmt(`{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`), "NotPrincipal", "must not specify a principal", docNotPrinc},
		{"principal-in-boundary", boundaryK, stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), "Principal", "a permissions boundary must not specify a principal", docPrincipal},
		{"principal-in-session", sessionK, stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), "Principal", "a session policy must not specify a principal", docPrincipal},
		{"principal-in-scp", scpK, stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), "Principal", "a service control policy must not specify a principal", docPrincipal},
		{"resource-needs-principal", resK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), "Principal", "missing required element Principal", docPrincipal},
		{"principal-and-notprincipal", resK, stmt(`{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`), "NotPrincipal", "both Principal and NotPrincipal", docNotPrinc},
		{"unknown-principal-type", resK, stmt(`{"Effect":"Allow","Principal":{"Amazon":"x"},"Action":"s3:GetObject","Resource":"*"}`), "Principal", "unknown principal type", docPrincipal},
		{"bad-aws-principal", resK, stmt(`{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:GetObject","Resource":"*"}`), "Principal", "invalid principal", docPrincipal},
		{"bad-account-id", resK, stmt(`{"Effect":"Allow","Principal":{"AWS":"12345678901x"},"Action":"s3:GetObject","Resource":"*"}`), "Principal", "invalid principal", docPrincipal},
		{"notprincipal-bad-aws", resK, stmt(`{"Effect":"Deny","NotPrincipal":{"AWS":"12345"},"Action":"s3:GetObject","Resource":"*"}`), "NotPrincipal", "invalid principal", docNotPrinc},
		{"trust-no-resource", trustK, stmt(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Resource":"*"}`), "Resource", "must not contain Resource", docPrincipal},
		{"trust-no-notresource", trustK, stmt(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","NotResource":"*"}`), "NotResource", "must not contain NotResource", docPrincipal},
		{"trust-sts-only", trustK, stmt(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject"}`), "Action", "only sts actions", docPrincipal},
		{"trust-no-notprincipal", trustK, stmt(`{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}`), "NotPrincipal", "cannot use NotPrincipal", docNotPrinc},
		{"sid-chars", idK, stmt(`{"Sid":"Allow-Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), "Sid", "only ASCII letters and digits", docElements},
		{"sid-chars-ok-in-resource-policy", resK, stmt(`{"Sid":"Allow Read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), "", "", docElements},
		{"duplicate-sid", idK, stmt(ok[:1] + `"Sid":"A",` + ok[1:] + `,` + ok[:1] + `"Sid":"A",` + ok[1:]), "Sid", "duplicate Sid", docElements},
		{"unknown-operator", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}`), "Condition", "unknown condition operator", docOperators},
		{"unknown-qualifier", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"k":"v"}}}`), "Condition", "unknown condition operator", docOperators},
		{"null-ifexists", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}`), "Condition", "unknown condition operator", docOperators},
		{"empty-key", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"":"v"}}}`), "Condition", "empty condition key", docCondition},
		{"no-values", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"k":[]}}}`), "Condition", "has no values", docCondition},
		{"numeric-value", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"k":"ten"}}}`), "Condition", "is not a number", docOperators},
		{"numeric-variable", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericEquals":{"k":"${aws:username}"}}}`), "Condition", "is not a number", docOperators},
		{"date-value", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}`), "Condition", "is not a date", docOperators},
		{"date-value-short", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2020-01-01 00:00"}}}`), "Condition", "is not a date", docOperators},
		{"date-epoch-overflow", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"99999999999999999999"}}}`), "Condition", "is not a date", docOperators},
		{"bool-value", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}`), "Condition", "is not true or false", docOperators},
		{"null-value", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"k":"maybe"}}}`), "Condition", "is not true or false", docOperators},
		{"binary-value", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"BinaryEquals":{"k":"%%%"}}}`), "Condition", "is not base64", docOperators},
		{"ip-value", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}`), "Condition", "is not an IP address", docOperators},
		{"ip-value-text", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"home"}}}`), "Condition", "is not an IP address", docOperators},
		{"all-operators-ok", idK, stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{
			"StringEquals":{"a":"x"},"StringNotEquals":{"a":"x"},"StringEqualsIgnoreCase":{"a":"x"},"StringNotEqualsIgnoreCase":{"a":"x"},
			"StringLike":{"a":"x*"},"StringNotLike":{"a":"x*"},"NumericEquals":{"n":1},"NumericNotEquals":{"n":"1"},"NumericLessThan":{"n":1.5},
			"NumericLessThanEquals":{"n":1},"NumericGreaterThan":{"n":-1},"NumericGreaterThanEquals":{"n":"1e3"},"DateEquals":{"d":"2020-01-01"},
			"DateNotEquals":{"d":"1577836800"},"DateLessThan":{"d":"2020-01-01T00:00:00Z"},"DateLessThanEquals":{"d":"2020-01-01T00:00:00.123Z"},
			"DateGreaterThan":{"d":"2020-01-01T00:00:00+09:00"},"DateGreaterThanEquals":{"d":"2020-01-01T00:00:00"},"Bool":{"b":true},
			"BinaryEquals":{"x":"QUJD"},"IpAddress":{"i":"10.0.0.0/8"},"NotIpAddress":{"i":["2001:db8::/32","1.2.3.4"]},
			"ArnEquals":{"r":"arn:aws:s3:::b"},"ArnLike":{"r":"arn:*"},"ArnNotEquals":{"r":"arn:aws:s3:::b"},"ArnNotLike":{"r":"arn:*"},
			"Null":{"k":"true"},"StringEqualsIfExists":{"a":"x"},"ForAllValues:StringLike":{"t":"*"},"ForAnyValue:NumericLessThanIfExists":{"n":"3"}}}`), "", "", docOperators},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := policy.Parse([]byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = d.Validate(tt.kind)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate(%v) = %v, want valid (%s)", tt.kind, err, tt.doc)
				}
				if _, err := policy.Compile(d, policy.Options{Kind: tt.kind}); err != nil {
					t.Fatalf("Compile: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate(%v) = nil, want an error naming %s (%s)", tt.kind, tt.element, tt.doc)
			}
			if !errors.Is(err, policy.ErrMalformedPolicyDocument) {
				t.Errorf("error %v is not in the MalformedPolicyDocument family", err)
			}
			var ve *policy.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			if ve.Element != tt.element || !strings.Contains(ve.Msg, tt.want) {
				t.Errorf("first error = element %q msg %q, want element %q msg containing %q (%s)", ve.Element, ve.Msg, tt.element, tt.want, tt.doc)
			}
			if ve.Line == 0 || ve.Col == 0 {
				t.Errorf("error has no position: %+v", ve)
			}
			if _, err := policy.Compile(d, policy.Options{Kind: tt.kind}); err == nil {
				t.Errorf("Compile accepted a document Validate rejects")
			}
		})
	}
}

func TestValidationErrorText(t *testing.T) {
	tests := []struct {
		e    policy.ValidationError
		want string
	}{
		{policy.ValidationError{Statement: -1, Element: "Version", Msg: "bad", Line: 1, Col: 2}, "1:2: policy: Version: bad"},
		{policy.ValidationError{Statement: 0, Element: "Action", Msg: "bad"}, "statement 1: Action: bad"},
		{policy.ValidationError{Statement: 2, Sid: "S", Element: "Effect", Msg: "bad", Line: 3, Col: 4}, `3:4: statement 3 (Sid "S"): Effect: bad`},
		{policy.ValidationError{Statement: 1, Msg: "bad"}, "statement 2: bad"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestKindNames(t *testing.T) {
	for _, k := range []policy.Kind{policy.KindIdentity, policy.KindResource, policy.KindTrust, policy.KindBoundary, policy.KindSession, policy.KindSCP} {
		got, ok := policy.ParseKind(k.String())
		if !ok || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
	if _, ok := policy.ParseKind("nope"); ok {
		t.Error("ParseKind accepted nope")
	}
	if s := policy.Kind(99).String(); s != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", s)
	}
}

// TestValidateGolden renders every diagnostic for the documents in
// testdata/validate and compares with the golden file (go test -update
// rewrites it).
func TestValidateGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/validate/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/validate/*.json: %v", err)
	}
	var b strings.Builder
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kind := policy.KindIdentity
		if k, ok := policy.ParseKind(strings.SplitN(filepath.Base(f), "-", 2)[0]); ok {
			kind = k
		}
		d, err := policy.Parse(src)
		if err == nil {
			err = d.Validate(kind)
		}
		b.WriteString("== " + filepath.Base(f) + " (" + kind.String() + ")\n")
		if err == nil {
			b.WriteString("valid\n")
			continue
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			b.WriteString(line + "\n")
		}
	}
	golden := "testdata/validate/diagnostics.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("diagnostics differ from %s (-want +got):\n%s", golden, diff)
	}
}
