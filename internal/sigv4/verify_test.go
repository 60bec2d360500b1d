package sigv4_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"abacus/internal/sigv4"
)

// TestVerifyBodyReplay checks that a non-S3 body is hashed into the
// signature and handed back unchanged, whether or not its length was
// declared, and that the size bound holds either way.
func TestVerifyBodyReplay(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("Action=ListUsers&Marker=", 1000)
	tests := []struct {
		name     string
		body     string
		declared bool
		limit    int64
		wrap     func(r *http.Request)
		wantCode string
		wantIs   error
	}{
		{name: "declared", body: big, declared: true},
		{name: "undeclared", body: big},
		{name: "empty", body: "", declared: true},
		{name: "undeclared over limit", body: big, limit: 1000, wantCode: "RequestEntityTooLarge"},
		{name: "declared over limit", body: big, declared: true, limit: 1000, wantCode: "RequestEntityTooLarge"},
		{name: "at limit", body: big, limit: int64(len(big))},
		{name: "server limit", body: big, wrap: func(r *http.Request) {
			r.Body = http.MaxBytesReader(nil, r.Body, 100)
		}, wantCode: "RequestEntityTooLarge", wantIs: sigv4.ErrBodyTooLarge},
		{name: "client hung up", body: big, wrap: func(r *http.Request) {
			r.Body = io.NopCloser(io.MultiReader(strings.NewReader("Action="), iotest.ErrReader(io.ErrUnexpectedEOF)))
		}, wantCode: "IncompleteBody", wantIs: sigv4.ErrIncompleteBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := req{body: tt.body, after: func(r *http.Request) {
				if !tt.declared {
					// The signed Content-Length header stays, but the
					// length is unknown to the reader, as with a
					// chunked transfer.
					r.Header.Set("Content-Length", strconv.Itoa(len(tt.body)))
					r.Body = io.NopCloser(struct{ io.Reader }{strings.NewReader(tt.body)})
					r.ContentLength = -1
				}
			}}.build(t)
			if tt.wrap != nil {
				tt.wrap(r)
			}
			res, err := newTestVerifier(testNow).Verify(context.Background(), r, sigv4.Options{MaxBodyBytes: tt.limit})
			if tt.wantCode != "" {
				if w := toWire(t, err); w.Code != tt.wantCode {
					t.Fatalf("error %s, want %s", w.Code, tt.wantCode)
				}
				if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
					t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			got, err := io.ReadAll(r.Body)
			if err != nil || string(got) != tt.body {
				t.Errorf("replayed body: %d bytes, %v; want %d bytes", len(got), err, len(tt.body))
			}
			if res.PayloadHash != sha256Hex([]byte(tt.body)) {
				t.Errorf("PayloadHash = %s", res.PayloadHash)
			}
			if err := res.Body.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// TestUnsignedContentSHA256Tolerated checks that S3's HeadersNotSigned rule
// spares x-amz-content-sha256, as S3 does.
func TestUnsignedContentSHA256Tolerated(t *testing.T) {
	t.Parallel()
	r := req{method: "GET", service: "s3", url: "http://s3.local/b/k", presign: true, expires: "60", after: func(r *http.Request) {
		r.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
	}}.build(t)
	if _, err := newTestVerifier(testNow).Verify(context.Background(), r, sigv4.Options{Protocol: sigv4.ProtocolS3}); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

// TestVerifyConcurrent shares one Verifier between goroutines verifying
// requests of several scopes, some with bad signatures; run with -race.
func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	v := sigv4.New(sigv4.Config{Lookup: testLookup(testNow), Now: func() time.Time { return testNow }, KeyCacheSize: 3})
	services := []string{"iam", "sts", "sagemaker", "secretsmanager", "elasticmapreduce"}
	var reqs []*http.Request
	var good []bool
	for i, svc := range services {
		for _, secret := range []string{testSecret, "wrong"} {
			reqs = append(reqs, req{service: svc, body: "Action=X&N=" + strconv.Itoa(i), secret: secret}.build(t))
			good = append(good, secret == testSecret)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				k := (g + i) % len(reqs)
				r := reqs[k].Clone(context.Background())
				r.Body = io.NopCloser(strings.NewReader("Action=X&N=" + strconv.Itoa(k/2)))
				_, err := v.Verify(context.Background(), r, sigv4.Options{})
				if (err == nil) != good[k] {
					t.Errorf("request %d: err = %v, want success %v", k, err, good[k])
				}
			}
		})
	}
	wg.Wait()
}
