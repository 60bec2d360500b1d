package restxml_test

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/restxml"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func ptr[T any](v T) *T { return &v }

// Types mirroring S3's model, written against the convention in package
// protocol.
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

type Tagging struct {
	TagSet []Tag `aws:",required,member=Tag"`
}

type PutObjectTaggingInput struct {
	Bucket    string   `aws:",uri=Bucket"`
	Key       string   `aws:",uri=Key"`
	VersionId *string  `aws:",querystring=versionId"`
	Tagging   *Tagging `aws:",required,payload"`
}

type ObjectIdentifier struct {
	Key       string `aws:",required"`
	VersionId *string
}

type Delete struct {
	Objects []ObjectIdentifier `aws:",required,flattened,xml=Object"`
	Quiet   *bool
}

type DeleteObjectsInput struct {
	Bucket string  `aws:",uri=Bucket"`
	Delete *Delete `aws:",payload"`
}

type DeletedObject struct {
	Key *string
}

type DeleteError struct {
	Key     *string
	Code    *string
	Message *string
}

type DeleteObjectsOutput struct {
	Deleted []DeletedObject `aws:",flattened"`
	Errors  []DeleteError   `aws:",flattened,xml=Error"`
}

type CompletedPart struct {
	ETag          *string
	ChecksumCRC32 *string
	PartNumber    *int32
}

type CompletedMultipartUpload struct {
	Parts []CompletedPart `aws:",flattened,xml=Part"`
}

type Object struct {
	Key          string
	LastModified time.Time
	ETag         string
	Size         int64
	StorageClass string
}

type CommonPrefix struct {
	Prefix string
}

type ListObjectsV2Output struct {
	Name                  string
	Prefix                string
	Delimiter             *string
	MaxKeys               int32
	KeyCount              int32
	IsTruncated           bool
	Contents              []Object       `aws:",flattened"`
	CommonPrefixes        []CommonPrefix `aws:",flattened"`
	ContinuationToken     *string
	NextContinuationToken *string
}

type GetObjectOutput struct {
	Body         []byte            `aws:",payload"`
	ContentType  *string           `aws:",header=Content-Type"`
	LastModified *time.Time        `aws:",header=Last-Modified"`
	ETag         *string           `aws:",header=ETag"`
	Metadata     map[string]string `aws:",headers=x-amz-meta-"`
	TagCount     *int32            `aws:",header=x-amz-tagging-count"`
	StatusCode   int               `aws:",statuscode"`
}

func TestErrorGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		err    *apierr.Error
	}{
		{"error_NoSuchKey.xml", http.MethodGet, apierr.New(404, "NoSuchKey", "The specified key does not exist.").With("Key", "a/b&c.txt")},
		{"error_AccessDenied.xml", http.MethodPut, apierr.New(403, "AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/exec/alice is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::my-bucket/my_domain/users/bob/x\" because no identity-based policy allows the s3:PutObject action")},
		{"error_NoSuchBucket.xml", http.MethodGet, apierr.New(404, "NoSuchBucket", "The specified bucket does not exist").With("BucketName", "nope")},
		{"error_InternalError.xml", http.MethodPut, apierr.Internal(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			restxml.WriteError(rec, tt.method, "REQ123", "host/id+2=", tt.err)
			if rec.Code != tt.err.HTTPStatus {
				t.Errorf("status = %d", rec.Code)
			}
			h := rec.Header()
			if h.Get("x-amz-request-id") != "REQ123" || h.Get("x-amz-id-2") != "host/id+2=" || h.Get("Content-Type") != "application/xml" {
				t.Errorf("headers = %v", h)
			}
			golden(t, tt.name, rec.Body.Bytes())
		})
	}
}

func TestHeadErrorHasNoBody(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	restxml.WriteError(rec, http.MethodHead, "R", "H", apierr.New(404, "NoSuchKey", "The specified key does not exist."))
	if rec.Code != 404 || rec.Body.Len() != 0 || rec.Header().Get("x-amz-request-id") != "R" {
		t.Errorf("HEAD error: status %d, body %q, headers %v", rec.Code, rec.Body, rec.Header())
	}
}

func TestMarshalGolden(t *testing.T) {
	t.Parallel()
	lm := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	out := ListObjectsV2Output{
		Name: "my-bucket", Prefix: "my_domain/users/", Delimiter: ptr("/"), MaxKeys: 1000, KeyCount: 2,
		Contents:       []Object{{Key: "my_domain/users/readme.txt", LastModified: lm, ETag: `"9b2cf535f27731c974343645a3985328"`, Size: 3, StorageClass: "STANDARD"}},
		CommonPrefixes: []CommonPrefix{{Prefix: "my_domain/users/alice/"}},
	}
	b, err := restxml.Marshal("ListBucketResult", out)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "ListObjectsV2.xml", b)
}

func TestUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		into    func() any
		want    any
		wantErr bool
	}{
		{
			name: "tagging",
			body: `<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>owner</Key><Value>alice</Value></Tag><Tag><Key>k2</Key><Value></Value></Tag></TagSet></Tagging>`,
			into: func() any { return &Tagging{} },
			want: &Tagging{TagSet: []Tag{{"owner", "alice"}, {"k2", ""}}},
		},
		{
			name: "empty tag set",
			body: `<Tagging><TagSet/></Tagging>`,
			into: func() any { return &Tagging{} },
			want: &Tagging{TagSet: []Tag{}},
		},
		{
			name:    "tag set missing",
			body:    `<Tagging></Tagging>`,
			into:    func() any { return &Tagging{} },
			wantErr: true,
		},
		{
			name: "delete objects",
			body: `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a b</Key></Object><Object><Key>c</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>`,
			into: func() any { return &Delete{} },
			want: &Delete{Objects: []ObjectIdentifier{{Key: "a b"}, {Key: "c", VersionId: ptr("v1")}}, Quiet: ptr(true)},
		},
		{
			name: "complete multipart upload",
			body: "<CompleteMultipartUpload>\n  <Part><ETag>\"e1\"</ETag><PartNumber>1</PartNumber></Part>\n  <Part><ETag>\"e2\"</ETag><PartNumber>2</PartNumber></Part>\n</CompleteMultipartUpload>",
			into: func() any { return &CompletedMultipartUpload{} },
			want: &CompletedMultipartUpload{Parts: []CompletedPart{{ETag: ptr(`"e1"`), PartNumber: ptr(int32(1))}, {ETag: ptr(`"e2"`), PartNumber: ptr(int32(2))}}},
		},
		{
			name:    "bad integer",
			body:    "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>",
			into:    func() any { return &CompletedMultipartUpload{} },
			wantErr: true,
		},
		{name: "malformed", body: "<Delete><Object>", into: func() any { return &Delete{} }, wantErr: true},
		{name: "two roots", body: "<a/><b/>", into: func() any { return &Delete{} }, wantErr: true},
		{name: "empty", body: "", into: func() any { return &Delete{} }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.into()
			err := restxml.Unmarshal([]byte(tt.body), got)
			if tt.wantErr {
				if err == nil || err.Code != "MalformedXML" || err.HTTPStatus != 400 {
					t.Fatalf("Unmarshal error = %v, want MalformedXML", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Unmarshal: %v (%v)", err, err.Err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBucketKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host, target        string
		wantBucket, wantKey string
	}{
		{"localhost:4599", "/", "", ""},
		{"localhost:4599", "/b", "b", ""},
		{"localhost:4599", "/b/", "b", ""},
		{"127.0.0.1:4599", "/b/a/b.txt", "b", "a/b.txt"},
		{"localhost", "/b/%E2%82%AC%20x+y%2Fz", "b", "€ x+y/z"},
		{"b.localhost:4599", "/", "b", ""},
		{"b.localhost:4599", "/k%3Fq", "b", "k?q"},
		{"B.Localhost", "/k", "b", "k"},
		{"my.dotted.bucket.localhost", "//k", "my.dotted.bucket", "/k"},
		{"example.com", "/b/k", "b", "k"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", tt.target, nil)
		r.Host = tt.host
		b, k := restxml.BucketKey(r, restxml.DefaultDomains())
		if b != tt.wantBucket || k != tt.wantKey {
			t.Errorf("BucketKey(%s%s) = %q, %q, want %q, %q", tt.host, tt.target, b, k, tt.wantBucket, tt.wantKey)
		}
	}
}

func TestDecodeRequestAndWriteResponse(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("PUT", "/b/k?tagging&versionId=v9", nil)
	body := []byte(`<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>`)
	var in PutObjectTaggingInput
	if err := restxml.DecodeRequest(r, body, map[string]string{"Bucket": "b", "Key": "k"}, &in); err != nil {
		t.Fatal(err)
	}
	want := PutObjectTaggingInput{Bucket: "b", Key: "k", VersionId: ptr("v9"), Tagging: &Tagging{TagSet: []Tag{{"a", "1"}}}}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("DecodeRequest mismatch (-want +got):\n%s", diff)
	}
	var empty PutObjectTaggingInput
	if err := restxml.DecodeRequest(r, nil, map[string]string{"Bucket": "b", "Key": "k"}, &empty); err == nil || err.Code != "MalformedXML" {
		t.Errorf("DecodeRequest without the required payload: %v, want MalformedXML", err)
	}

	lm := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	rec := httptest.NewRecorder()
	err := restxml.WriteResponse(rec, "R", "H", "", &GetObjectOutput{Body: []byte("hello"), ContentType: ptr("text/plain"), LastModified: &lm,
		ETag: ptr(`"5d41402abc4b2a76b9719d911017c592"`), Metadata: map[string]string{"owner": "alice"}, TagCount: ptr(int32(2)), StatusCode: 206})
	if err != nil {
		t.Fatal(err)
	}
	h := rec.Header()
	if rec.Code != 206 || rec.Body.String() != "hello" || h.Get("Last-Modified") != "Mon, 01 Jan 2024 12:00:00 GMT" ||
		h.Get("X-Amz-Meta-Owner") != "alice" || h.Get("x-amz-tagging-count") != "2" || h.Get("Content-Type") != "text/plain" || h.Get("Content-Length") != "5" {
		t.Errorf("WriteResponse: %d %q %v", rec.Code, rec.Body, h)
	}
}

// TestResponseRoot checks that every operation with a root name exists in
// the generated table, so a typo cannot hide.
func TestResponseRoot(t *testing.T) {
	t.Parallel()
	s3, _ := protocol.LookupService("s3")
	n := 0
	for _, op := range s3.Operations {
		if _, ok := restxml.ResponseRoot(op.Name); ok {
			n++
		}
	}
	if n != 23 {
		t.Errorf("%d S3 operations have a root name, want 23", n)
	}
	if r, ok := restxml.ResponseRoot("ListObjectsV2"); !ok || r != "ListBucketResult" {
		t.Errorf("ResponseRoot(ListObjectsV2) = %q, %v", r, ok)
	}
	if _, ok := restxml.ResponseRoot("PutObject"); ok {
		t.Error("PutObject has no XML body")
	}
}
