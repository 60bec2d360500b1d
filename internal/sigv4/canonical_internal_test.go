package sigv4

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The canonicalization rules below are those of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
// ("Create a canonical request") and, for S3,
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html.

func TestCanonicalURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path string
		s3   bool
		want string
	}{
		{"", false, "/"},
		{"", true, "/"},
		{"/", false, "/"},
		{"/a%20b/c", false, "/a%2520b/c"}, // other services encode twice
		{"/a%20b/c", true, "/a%20b/c"},    // S3 once
		{"/a+b=c", true, "/a%2Bb%3Dc"},
		{"/a%2Bb%3dc", true, "/a%2Bb%3Dc"},
		{"/%C3%BC/%E6%97%A5", true, "/%C3%BC/%E6%97%A5"},
		{"/a//b/./c/../d", true, "/a//b/./c/../d"}, // S3: not normalized
		{"/a//b/./c/../d", false, "/a/b/d"},
		{"/a/b/", false, "/a/b/"},
		{"/..", false, "/"},
		{"/../a/", false, "/a/"},
		{"/a/%2F/b", true, "/a/%2F/b"}, // an encoded slash stays inside its segment
		{"/bad%zzescape", true, "/bad%25zzescape"},
		{"/~tilde-_.", true, "/~tilde-_."},
		{"/~tilde", false, "/~tilde"},
	}
	for _, tt := range tests {
		if got := string(appendCanonicalURI(nil, tt.path, tt.s3)); got != tt.want {
			t.Errorf("canonical URI of %q (s3=%v) = %q, want %q", tt.path, tt.s3, got, tt.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw       string
		presigned bool
		want      string
	}{
		{"", false, ""},
		{"b=2&a=1&a=0", false, "a=0&a=1&b=2"}, // by name, then by value
		{"key&empty=&=v", false, "=v&empty=&key="},
		{"a=b+c&d=e%20f", false, "a=b%20c&d=e%20f"}, // '+' is a space
		{"x=%7e&y=~&z=%41", false, "x=~&y=~&z=A"},   // unreserved characters are decoded
		{"p=a%2fb", false, "p=a%2Fb"},               // hex is upper-cased
		{"p=%zz", false, "p=%25zz"},                 // an invalid escape is taken literally
		{"u=%C3%BC&v=ü", false, "u=%C3%BC&v=%C3%BC"},
		{"&&a=1&", false, "a=1"},
		{"X-Amz-Signature=abc&X-Amz-Date=1", true, "X-Amz-Date=1"},
		{"X-Amz-Signature=abc&X-Amz-Date=1", false, "X-Amz-Date=1&X-Amz-Signature=abc"},
		{"B=1&a=1&_=1", false, "B=1&_=1&a=1"}, // byte order
	}
	for _, tt := range tests {
		if got := string(appendCanonicalQuery(nil, tt.raw, tt.presigned)); got != tt.want {
			t.Errorf("canonical query of %q = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestCanonicalHeaders(t *testing.T) {
	t.Parallel()
	r, err := http.NewRequest("PUT", "http://example.com:8080/x", strings.NewReader("12345"))
	if err != nil {
		t.Fatal(err)
	}
	r.Header["X-Multi"] = []string{"  a   b  ", "c\t", "d  e"}
	r.Header.Set("X-Tab", "a\t\tb")
	r.TransferEncoding = []string{"chunked"}
	signed := []string{"content-length", "host", "missing", "transfer-encoding", "x-multi", "x-tab"}
	want := "content-length:5\nhost:example.com:8080\nmissing:\ntransfer-encoding:chunked\n" +
		"x-multi:a b,c,d e\nx-tab:a\t\tb\n"
	if d := cmp.Diff(want, string(appendCanonicalHeaders(nil, r, signed))); d != "" {
		t.Errorf("canonical headers (-want +got):\n%s", d)
	}

	// As a server receives it: Content-Length and Host in their places.
	r.Header.Set("Content-Length", "5")
	r.Header.Set("Transfer-Encoding", "identity")
	r.Host = "bucket.s3.local"
	want = "content-length:5\nhost:bucket.s3.local\ntransfer-encoding:identity\n"
	if got := string(appendCanonicalHeaders(nil, r, []string{"content-length", "host", "transfer-encoding"})); got != want {
		t.Errorf("server-side canonical headers = %q, want %q", got, want)
	}

	// HTTP/2 clients may sign :authority, which net/http keeps as Host.
	if got := string(appendCanonicalHeaders(nil, r, []string{":authority"})); got != ":authority:bucket.s3.local\n" {
		t.Errorf(":authority = %q", got)
	}

	// A request with no Host falls back to the URL's.
	r.Host = ""
	if got := string(appendCanonicalHeaders(nil, r, []string{"host"})); got != "host:example.com:8080\n" {
		t.Errorf("host fallback = %q", got)
	}
}

func TestHeaderValues(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("X-Amz-Date", "d")
	h.Set("Content-MD5", "m")
	h["Odd Name"] = []string{"odd"}
	long := strings.Repeat("x", 200)
	h.Set(long, "long")
	tests := map[string]string{
		"x-amz-date": "d", "X-AMZ-DATE": "d", "content-md5": "m", "odd name": "", "Odd Name": "odd",
		long: "long", "absent": "",
	}
	for name, want := range tests {
		if got := strings.Join(headerValues(h, name), ","); got != want {
			t.Errorf("headerValues(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestKeyCache(t *testing.T) {
	t.Parallel()
	c := newKeyCache(4)
	secret := NewSecretKey("secret")
	k1 := c.signingKey("AKID", secret, "20260101", "us-east-1", "s3")
	if k1 != deriveSigningKey(secret, "20260101", "us-east-1", "s3") {
		t.Fatal("cached key differs from derived key")
	}
	if c.signingKey("AKID", secret, "20260101", "us-east-1", "s3") != k1 || c.len() != 1 {
		t.Fatalf("second lookup: len = %d, want 1 hit", c.len())
	}
	// A rotated secret for the same key ID gets its own key.
	if k2 := c.signingKey("AKID", NewSecretKey("rotated"), "20260101", "us-east-1", "s3"); k2 == k1 {
		t.Error("rotated secret returned the old signing key")
	}
	for i := range 20 {
		c.signingKey(fmt.Sprint("AKID", i), secret, "20260101", "us-east-1", "s3")
	}
	if c.len() != 4 {
		t.Errorf("cache holds %d keys, want its bound 4", c.len())
	}
	if newKeyCache(0).max != DefaultKeyCacheSize {
		t.Error("zero size does not mean the default")
	}
}

func TestKeyCacheConcurrent(t *testing.T) {
	t.Parallel()
	c := newKeyCache(8)
	secret := NewSecretKey("secret")
	want := deriveSigningKey(secret, "20260101", "r1", "s3")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				region := fmt.Sprint("r", (g+i)%16)
				got := c.signingKey("AKID", secret, "20260101", region, "s3")
				if region == "r1" && got != want {
					t.Error("concurrent lookup returned a wrong key")
				}
			}
		})
	}
	wg.Wait()
	if c.len() > 8 {
		t.Errorf("cache grew to %d keys past its bound 8", c.len())
	}
}
