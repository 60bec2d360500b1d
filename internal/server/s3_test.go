package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/blob"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/server"
	"abacus/internal/service/s3"
	"abacus/internal/sigv4"
	"abacus/internal/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/s3")

// s3Fixture serves the real S3 service on a fixed clock, so responses are
// byte-for-byte reproducible.
func s3Fixture(t *testing.T) (*httptest.Server, time.Time) {
	srv, now, _, _ := s3FixtureSink(t)
	return srv, now
}

// s3FixtureSink is s3Fixture that also returns its audit sink and blob
// directory.
func s3FixtureSink(t *testing.T) (*httptest.Server, time.Time, *fakeSink, string) {
	t.Helper()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(context.Background(), sqlite.Options{InMemory: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobDir := filepath.Join(t.TempDir(), "objects")
	blobs, err := blob.Open(blobDir, blob.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	reg := &op.Registry{}
	s3.Register(reg, s3.New(s3.Options{Store: st, Blobs: blobs}))
	p := &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: acct, AccessKeyID: keyID}
	creds := sigv4.CredentialLookupFunc(func(_ context.Context, id string) (sigv4.Credential, error) {
		return sigv4.Credential{AccessKeyID: id, Secret: sigv4.NewSecretKey(secret), Principal: p}, nil
	})
	pol, err := policy.CompileJSON([]byte(allowAll), policy.Options{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	sink := &fakeSink{}
	h := server.New(server.Options{
		Account: acct, Registry: reg, Credentials: creds, Policies: fakePolicies{policy.NewSet(pol)},
		Audit: sink, Now: func() time.Time { return now }, Mappers: []apierr.Mapper{s3.MapError},
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, now, sink, blobDir
}

// s3Do sends one signed S3 request and returns the status and body.
func s3Do(t *testing.T, srv *httptest.Server, now time.Time, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), "s3", "us-east-1", now); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b)
}

// TestS3UnwrittenBodyIsClosed: when a GetObject's audit event cannot be
// recorded, the request fails and the object's open files are closed.
func TestS3UnwrittenBodyIsClosed(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc/self/fd")
	}
	srv, now, sink, blobDir := s3FixtureSink(t)
	s3Do(t, srv, now, "PUT", "/fds", "")
	if code, body := s3Do(t, srv, now, "PUT", "/fds/k", "contents"); code != 200 {
		t.Fatalf("PutObject: %d %s", code, body)
	}
	sink.mu.Lock()
	sink.fail = true
	sink.mu.Unlock()
	for range 10 {
		if code, _ := s3Do(t, srv, now, "GET", "/fds/k", ""); code != 500 {
			t.Fatalf("GetObject with a failing audit sink: %d", code)
		}
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && strings.HasPrefix(target, blobDir) {
			t.Errorf("object file still open: %s", target)
		}
	}
}

// TestS3Wire records S3's wire format for representative exchanges
// through the whole pipeline: document root names, statuses (204 for
// deletes, 206, 304, 416), headers and S3's error documents. Request IDs
// are replaced by placeholders. Run with -update to rewrite the goldens.
func TestS3Wire(t *testing.T) {
	srv, now := s3Fixture(t)
	steps := []struct {
		name, method, path, body string
		header                   map[string]string
	}{
		{"CreateBucket", "PUT", "/wire", "", nil},
		{"PutObject", "PUT", "/wire/dir/a.txt", "hello, wire", map[string]string{"Content-Type": "text/plain", "X-Amz-Meta-Owner": "alice", "X-Amz-Tagging": "team=ml"}},
		{"PutObject2", "PUT", "/wire/dir/sub/b.txt", "second", nil},
		{"GetObject", "GET", "/wire/dir/a.txt", "", nil},
		{"GetObjectRange", "GET", "/wire/dir/a.txt", "", map[string]string{"Range": "bytes=7-"}},
		{"GetObjectInvalidRange", "GET", "/wire/dir/a.txt", "", map[string]string{"Range": "bytes=50-"}},
		{"GetObjectNotModified", "GET", "/wire/dir/a.txt", "", nil}, // If-None-Match: the ETag PutObject returned
		{"HeadObject", "HEAD", "/wire/dir/a.txt", "", nil},
		{"HeadObjectMissing", "HEAD", "/wire/nope", "", nil},
		{"GetObjectMissing", "GET", "/wire/nope", "", nil},
		{"ListObjectsV2", "GET", "/wire?list-type=2&delimiter=/&prefix=dir/", "", nil},
		{"ListObjects", "GET", "/wire?max-keys=1", "", nil},
		{"ListBuckets", "GET", "/", "", nil},
		{"GetBucketLocation", "GET", "/wire?location", "", nil},
		{"GetBucketAcl", "GET", "/wire?acl", "", nil},
		{"GetObjectTagging", "GET", "/wire/dir/a.txt?tagging", "", nil},
		{"GetBucketPolicyMissing", "GET", "/wire?policy", "", nil},
		{"DeleteBucketNotEmpty", "DELETE", "/wire", "", nil},
		{"CreateMultipartUpload", "POST", "/wire/big?uploads", "", nil},
		{"DeleteObjects", "POST", "/wire?delete", `<Delete><Object><Key>dir/sub/b.txt</Key></Object></Delete>`, nil},
		{"DeleteObject", "DELETE", "/wire/dir/a.txt", "", nil},
		{"NoSuchBucket", "GET", "/nowhere?list-type=2", "", nil},
	}
	etag := ""
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			req, err := http.NewRequest(st.method, srv.URL+st.path, strings.NewReader(st.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range st.header {
				req.Header.Set(k, v)
			}
			if st.name == "GetObjectNotModified" {
				req.Header.Set("If-None-Match", etag)
			}
			sum := sha256.Sum256([]byte(st.body))
			req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
			if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
				req, hex.EncodeToString(sum[:]), "s3", "us-east-1", now); err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if st.name == "PutObject" {
				etag = resp.Header.Get("ETag")
			}
			got := render(resp, body)
			golden := filepath.Join("testdata", "s3", st.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// render prints a response's status, its S3-relevant headers and its body,
// with the request and host IDs replaced.
func render(resp *http.Response, body []byte) string {
	reqID, hostID := resp.Header.Get("X-Amz-Request-Id"), resp.Header.Get("X-Amz-Id-2")
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", resp.Status)
	var names []string
	for k := range resp.Header {
		switch k {
		case "Date":
			continue
		case "X-Amz-Request-Id", "X-Amz-Id-2":
			if resp.Header.Get(k) == "" {
				names = append(names, k+" MISSING")
			}
			continue
		}
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(resp.Header[k], ","))
	}
	s := string(body)
	if reqID != "" {
		s = strings.ReplaceAll(s, reqID, "REQUEST-ID")
	}
	if hostID != "" {
		s = strings.ReplaceAll(s, hostID, "HOST-ID")
	}
	// Upload IDs are random.
	if i := strings.Index(s, "<UploadId>"); i >= 0 {
		if j := strings.Index(s, "</UploadId>"); j > i {
			s = s[:i+len("<UploadId>")] + "UPLOAD-ID" + s[j:]
		}
	}
	fmt.Fprintf(&b, "\n%s\n", s)
	return b.String()
}
