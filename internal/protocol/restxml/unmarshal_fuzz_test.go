package restxml_test

import (
	"testing"

	"abacus/internal/protocol/restxml"
)

// FuzzUnmarshal checks that no XML body makes Unmarshal panic and that
// failures are MalformedXML, and that decoded values re-marshal.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{
		`<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a b</Key></Object><Quiet>true</Quiet></Delete>`,
		`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`,
		`<CompleteMultipartUpload><Part><ETag>"e"</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`,
		`<a><b><c><d/></c></b></a>`, `<a>&amp;&#13;</a>`, `<`, ``, `<a></b>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{&Delete{}, &Tagging{}, &CompletedMultipartUpload{}, &ListObjectsV2Output{}} {
			if err := restxml.Unmarshal(body, v); err != nil {
				if err.Code != "MalformedXML" {
					t.Fatalf("Unmarshal(%q) = %v, want MalformedXML", body, err)
				}
				continue
			}
			if _, err := restxml.Marshal("Root", v); err != nil {
				t.Fatalf("Marshal after Unmarshal(%q): %v", body, err)
			}
		}
	})
}
