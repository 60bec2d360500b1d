package awsjson_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"abacus/internal/protocol/awsjson"
)

type fuzzTarget struct {
	Name   string `aws:",required"`
	Count  *int32
	Big    int64
	On     *bool
	Ratio  *float64
	When   *time.Time
	Blob   []byte
	Tags   []Tag
	Attrs  map[string]string
	Nested *fuzzTarget
	Doc    any
	Matrix [][]int32
}

// FuzzJSONDecode checks that no body makes Decode panic, that failures are
// 400s, and that what decodes re-encodes to something that decodes to the
// same value.
func FuzzJSONDecode(f *testing.F) {
	for _, s := range []string{
		`{"Name":"s","SecretString":"v","Tags":[{"Key":"k","Value":""}]}`,
		`{"Name":"a","Count":5,"Big":-9,"On":true,"Ratio":0.5,"When":1704067200.25,"Blob":"aGk="}`,
		`{"Name":"a","Nested":{"Name":"b","Nested":{"Name":"c"}},"Doc":{"x":[1,"y",null]}}`,
		`{"Name":"a","Matrix":[[1,2],[]],"Attrs":{"k":"v"},"When":"2024-01-01T00:00:00Z"}`,
		`{"Name":"a","Ratio":"NaN"}`,
		`{"Name":1}`, `[]`, `{`, ``, `null`, `{"Name":"a"} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in fuzzTarget
		if aerr := awsjson.Decode(body, &in); aerr != nil {
			if aerr.HTTPStatus != 400 {
				t.Fatalf("Decode(%q) = %v, want a 400", body, aerr)
			}
			return
		}
		b, err := awsjson.Marshal(&in)
		if err != nil {
			t.Fatalf("Marshal after Decode(%q): %v", body, err)
		}
		var again fuzzTarget
		if aerr := awsjson.Decode(b, &again); aerr != nil {
			t.Fatalf("Decode(Marshal(Decode(%q))) = %v; marshalled %s", body, aerr, b)
		}
		if diff := cmp.Diff(in, again, cmpopts.EquateNaNs(), cmp.Comparer(func(a, b time.Time) bool { return a.Truncate(time.Millisecond).Equal(b.Truncate(time.Millisecond)) })); diff != "" {
			t.Fatalf("round trip of %q changed the value (-first +second):\n%s", body, diff)
		}
	})
}
