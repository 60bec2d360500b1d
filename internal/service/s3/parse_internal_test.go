package s3

import (
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// Range semantics: RFC 9110 section 14.1.2, as the GetObject API reference
// points to it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax:
// "Amazon S3 doesn't support retrieving multiple ranges of data per GET
// request").
func TestParseRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h          string
		size       int64
		start, end int64
		ok         bool
		invalid    bool
	}{
		{h: "bytes=0-4", size: 10, start: 0, end: 4, ok: true},
		{h: "bytes=5-", size: 10, start: 5, end: 9, ok: true},
		{h: "bytes=-3", size: 10, start: 7, end: 9, ok: true},
		{h: "bytes=-30", size: 10, start: 0, end: 9, ok: true},
		{h: "bytes=8-100", size: 10, start: 8, end: 9, ok: true},
		{h: "bytes=10-", size: 10, invalid: true},
		{h: "bytes=10-20", size: 10, invalid: true},
		{h: "bytes=-0", size: 10, invalid: true},
		{h: "bytes=0-", size: 0, invalid: true},
		// Ignored: not a single well-formed byte range.
		{h: "bytes=0-1,3-4", size: 10},
		{h: "items=0-1", size: 10},
		{h: "bytes=5-2", size: 10},
		{h: "bytes=x-2", size: 10},
		{h: "bytes=", size: 10},
	}
	for _, tt := range tests {
		start, end, ok, err := parseRange(tt.h, tt.size)
		if tt.invalid {
			if !errors.Is(err, &Error{Code: CodeInvalidRange}) {
				t.Errorf("%q size %d: err %v, want InvalidRange", tt.h, tt.size, err)
			}
			continue
		}
		if err != nil || ok != tt.ok || ok && (start != tt.start || end != tt.end) {
			t.Errorf("%q size %d = %d-%d %v %v, want %d-%d %v", tt.h, tt.size, start, end, ok, err, tt.start, tt.end, tt.ok)
		}
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-4", "bytes=-3", "bytes=5-", "bytes=0-1,2-3", "bytes=99999999999999999999-"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			return
		}
		start, end, ok, err := parseRange(h, size)
		if ok && (err != nil || start < 0 || end < start || end >= size) {
			t.Fatalf("%q size %d = %d-%d, %v", h, size, start, end, err)
		}
	})
}

// Bucket naming rules:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
func TestValidBucketName(t *testing.T) {
	t.Parallel()
	valid := []string{"abc", "my-bucket", "my.bucket.name", "a1-b2.c3", "123", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
	invalid := []string{"ab", "My-Bucket", "my_bucket", "-bucket", "bucket-", "my..bucket", "192.168.5.4", "xn--bucket",
		"sthree-bucket", "bucket-s3alias", "bucket--ol-s3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bucket.", "buc ket"}
	for _, n := range valid {
		if !validBucketName(n) {
			t.Errorf("%q is a valid bucket name", n)
		}
	}
	for _, n := range invalid {
		if validBucketName(n) {
			t.Errorf("%q is not a valid bucket name", n)
		}
	}
}

// Conditional requests: the GetObject API reference's precedence of
// If-Match over If-Unmodified-Since and of If-None-Match over
// If-Modified-Since
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
func TestConditional(t *testing.T) {
	t.Parallel()
	lm := time.Date(2024, 5, 1, 12, 0, 0, 500, time.UTC)
	d := objectDoc{ETag: `"abc"`, LastModified: lm}
	before, after := lm.Add(-time.Hour), lm.Add(time.Hour)
	s := func(v string) *string { return &v }
	tests := []struct {
		name string
		in   GetObjectInput
		want string
	}{
		{"no conditions", GetObjectInput{}, ""},
		{"If-Match hit", GetObjectInput{IfMatch: s(`"abc"`)}, ""},
		{"If-Match star", GetObjectInput{IfMatch: s("*")}, ""},
		{"If-Match miss", GetObjectInput{IfMatch: s(`"x"`)}, CodePreconditionFailed},
		{"If-Match wins over If-Unmodified-Since", GetObjectInput{IfMatch: s(`"abc"`), IfUnmodifiedSince: &before}, ""},
		{"If-Unmodified-Since false", GetObjectInput{IfUnmodifiedSince: &before}, CodePreconditionFailed},
		{"If-Unmodified-Since at the second", GetObjectInput{IfUnmodifiedSince: ptr(lm.Truncate(time.Second))}, ""},
		{"If-None-Match hit", GetObjectInput{IfNoneMatch: s(`"abc"`)}, CodeNotModified},
		{"If-None-Match list", GetObjectInput{IfNoneMatch: s(`"x", "abc"`)}, CodeNotModified},
		{"If-None-Match miss wins over If-Modified-Since", GetObjectInput{IfNoneMatch: s(`"x"`), IfModifiedSince: &after}, ""},
		{"If-Modified-Since later", GetObjectInput{IfModifiedSince: &after}, CodeNotModified},
		{"If-Modified-Since earlier", GetObjectInput{IfModifiedSince: &before}, ""},
	}
	for _, tt := range tests {
		err := conditional(&tt.in, d)
		got := ""
		var e *Error
		if errors.As(err, &e) {
			got = e.Code
		}
		if got != tt.want {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestParseTagging(t *testing.T) {
	t.Parallel()
	tags, err := parseTagging(ptr("owner=alice&team=ml%20ops"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, t := range tags {
		got[t.Key] = t.Value
	}
	if diff := cmp.Diff(map[string]string{"owner": "alice", "team": "ml ops"}, got); diff != "" {
		t.Error(diff)
	}
	for _, h := range []string{"a=1&a=2", "aws:x=1", "=v", "k1=1&k2=2&k3=3&k4=4&k5=5&k6=6&k7=7&k8=8&k9=9&k10=10&k11=11"} {
		if _, err := parseTagging(ptr(h)); !errors.Is(err, &Error{Code: CodeInvalidTag}) {
			t.Errorf("%q: %v, want InvalidTag", h, err)
		}
	}
}

func FuzzParseTagging(f *testing.F) {
	for _, s := range []string{"a=b", "a=1&a=2", "%zz", "k=" + string(make([]byte, 300))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tags, err := parseTagging(&h)
		if err == nil && checkTags(tags, 10) != nil {
			t.Fatalf("%q accepted invalid tags %v", h, tags)
		}
	})
}

func TestParseCopySource(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, bucket, key string }{
		{"b/k", "b", "k"},
		{"/b/dir/k", "b", "dir/k"},
		{"b/with%20space%2Fx", "b", "with space/x"},
		{"b/k?versionId=123", "b", "k"},
	}
	for _, tt := range tests {
		b, k, err := parseCopySource(tt.in)
		if err != nil || b != tt.bucket || k != tt.key {
			t.Errorf("%q = %q %q %v", tt.in, b, k, err)
		}
	}
	for _, in := range []string{"", "b", "b/", "/k", "b/%zz"} {
		if _, _, err := parseCopySource(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func FuzzParseCopySource(f *testing.F) {
	f.Add("b/k")
	f.Add("/b/a%2Fb?versionId=1")
	f.Fuzz(func(t *testing.T, in string) {
		b, k, err := parseCopySource(in)
		if err == nil && (b == "" || k == "") {
			t.Fatalf("%q = %q %q", in, b, k)
		}
	})
}

// The ETag of a multipart upload is the MD5 of the parts' binary MD5s
// followed by the part count
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html,
// "Multipart uploads"); the expected value was computed independently
// (Python's hashlib) for two parts "a" and "b".
func TestMultipartETag(t *testing.T) {
	t.Parallel()
	a := [16]byte{0x0c, 0xc1, 0x75, 0xb9, 0xc0, 0xf1, 0xb6, 0xa8, 0x31, 0xc3, 0x99, 0xe2, 0x69, 0x77, 0x26, 0x61} // md5("a")
	b := [16]byte{0x92, 0xeb, 0x5f, 0xfe, 0xe6, 0xae, 0x2f, 0xec, 0x3a, 0xd7, 0x1c, 0x77, 0x75, 0x31, 0x57, 0x8f} // md5("b")
	got := multipartETag([][]byte{a[:], b[:]})
	if want := `"96e024ba2074fe77e8e965ba43a704be-2"`; got != want {
		t.Errorf("multipart ETag %s, want %s", got, want)
	}
}

// CRC-64/NVME check value from the CRC catalogue (the CRC of "123456789"),
// the checksum S3 computes by default
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
func TestCRC64NVMECheckValue(t *testing.T) {
	t.Parallel()
	h := newHash("CRC64NVME")
	h.Write([]byte("123456789"))
	if got := h.Sum(nil); cmp.Diff([]byte{0xae, 0x8b, 0x14, 0x86, 0x0a, 0x79, 0x98, 0x88}, got) != "" {
		t.Errorf("CRC-64/NVME(123456789) = %x, want ae8b14860a799888", got)
	}
}

// A body over 5 GiB is EntityTooLarge, detected while streaming (an
// aws-chunked body declares no Content-Length up front).
func TestCappedReader(t *testing.T) {
	t.Parallel()
	c := &capped{r: &zeroReader{}, left: 1000}
	n, err := io.Copy(io.Discard, c)
	if !errors.Is(err, &Error{Code: CodeEntityTooLarge}) || n > 1000 {
		t.Fatalf("copied %d, %v", n, err)
	}
	c = &capped{r: io.LimitReader(&zeroReader{}, 1000), left: 1000}
	if n, err := io.Copy(io.Discard, c); err != nil || n != 1000 {
		t.Fatalf("exactly the limit: %d, %v", n, err)
	}
	big := int64(maxObjectBytes + 1)
	if err := checkSize(&big); !errors.Is(err, &Error{Code: CodeEntityTooLarge}) {
		t.Fatalf("declared length over the limit: %v", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// PutBucketPolicy refuses actions of other services and resources outside
// the bucket
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html,
// MalformedPolicy).
func TestCheckPolicyScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		policy string
		ok     bool
	}{
		{`{"Statement":[{"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`, true},
		{`{"Statement":{"Action":["s3:*","*"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/a/b"]}}`, true},
		{`{"Statement":[{"NotAction":"s3:DeleteObject","Resource":"arn:aws:s3:::bk*/*"}]}`, true},
		{`{"Statement":[{"Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}]}`, true},
		{`{"Statement":[{"Action":"iam:GetUser","Resource":"arn:aws:s3:::bkt/*"}]}`, false},
		{`{"Statement":[{"Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`, false},
		{`{"Statement":[{"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt2"}]}`, false},
		{`{"Statement":[{"Action":"s3:GetObject","Resource":"arn:aws:s3:::x*/*"}]}`, false},
	}
	for _, tt := range tests {
		var doc map[string]any
		if err := json.Unmarshal([]byte(tt.policy), &doc); err != nil {
			t.Fatal(err)
		}
		err := checkPolicyScope("bkt", doc)
		if (err == nil) != tt.ok {
			t.Errorf("%s: %v, want ok=%v", tt.policy, err, tt.ok)
		}
		if err != nil && !errors.Is(err, &Error{Code: CodeMalformedPolicy}) {
			t.Errorf("%s: %v, want MalformedPolicy", tt.policy, err)
		}
	}
}

// FuzzContinuationToken: any client-supplied token decodes or is
// InvalidArgument, and every token abacus hands out decodes to itself.
func FuzzContinuationToken(f *testing.F) {
	f.Add("", 0, "")
	f.Add("bWFya2Vy", 3, "dir/")
	f.Fuzz(func(t *testing.T, m string, skip int, p string) {
		skip &= 1<<30 - 1 // a skip count is never negative
		if !utf8.ValidString(m) || !utf8.ValidString(p) {
			// Markers are base64 and prefixes come from keys, which are
			// valid UTF-8 (checkKey).
			return
		}
		tok := listToken{M: m, S: skip, P: p}
		got, err := decodeToken(tok.encode())
		if err != nil || got != tok {
			t.Fatalf("%+v round-trips to %+v, %v", tok, got, err)
		}
		if _, err := decodeToken(m); err != nil && !errors.Is(err, &Error{Code: CodeInvalidArgument}) {
			t.Fatalf("decodeToken(%q) = %v", m, err)
		}
	})
}
