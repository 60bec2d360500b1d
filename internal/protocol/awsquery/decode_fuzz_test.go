package awsquery_test

import (
	"net/url"
	"testing"
	"time"

	"abacus/internal/protocol/awsquery"
)

type fuzzTarget struct {
	Name     string `aws:",required"`
	Count    *int32
	Big      int64
	On       *bool
	Ratio    *float64
	When     *time.Time
	Blob     []byte
	Tags     []Tag
	Names    []string
	Flat     []string `aws:",flattened"`
	Attrs    map[string]string
	Nested   *fuzzTarget
	Matrix   [][]string
	ByStruct map[string]Tag `aws:",flattened,key=K,value=V"`
}

// FuzzQueryDecode checks that no form body makes Decode panic, and that a
// successful decode re-marshals.
func FuzzQueryDecode(f *testing.F) {
	for _, s := range []string{
		"Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"Name=a&Count=5&Big=-9&On=true&Ratio=0.5&When=2024-01-01T00%3A00%3A00Z&Blob=aGk%3D",
		"Name=a&Names=&Flat.1=x&Flat.2=y&Attrs.entry.1.key=a&Attrs.entry.1.value=b",
		"Name=a&Nested.Name=b&Nested.Nested.Name=c&Nested.Tags.member.1.Key=k",
		"Name=a&Matrix.member.1.member.1=x&ByStruct.1.K=k&ByStruct.1.V.Key=a&ByStruct.1.V.Value=b",
		"Name=a&Attrs.entry.1.value=orphan&Count=99999999999",
		"Name=%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		vals, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		var in fuzzTarget
		if aerr := awsquery.Decode(vals, &in); aerr != nil {
			if aerr.HTTPStatus != 400 {
				t.Fatalf("Decode(%q) = %v, want a 400", q, aerr)
			}
			return
		}
		if _, err := awsquery.Marshal("urn:x", "Op", "r", &in); err != nil {
			t.Fatalf("Marshal after Decode(%q): %v", q, err)
		}
	})
}
