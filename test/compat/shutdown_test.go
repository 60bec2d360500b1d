package compat

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestShutdownDrainsInFlightRequests: on SIGTERM or SIGINT abacus stops
// accepting connections, lets a request already being served finish (an S3
// PutObject whose body is still arriving), answers it, closes the store and
// exits 0; after a restart on the same data dir the object and its one
// audit event are there.
func TestShutdownDrainsInFlightRequests(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			testDrain(t, sig)
		})
	}
}

func testDrain(t *testing.T, sig syscall.Signal) {
	dir := t.TempDir()
	s := start(t, "--data-dir", dir)
	c := ctx(t)
	if _, err := s3Client(s.root()).CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("drain")}); err != nil {
		t.Fatal(err)
	}

	// A PutObject whose body arrives in two parts. The first part is far
	// larger than loopback's socket buffers, so once it is written the
	// server is streaming the body: the request is in flight.
	body := make([]byte, 24<<20)
	for i := range body {
		body[i] = byte(i * 31)
	}
	first := 16 << 20
	pr, pw := io.Pipe()
	req, err := http.NewRequestWithContext(c, http.MethodPut, s.Endpoint+"/drain/big.bin", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	creds := aws.Credentials{AccessKeyID: rootKeyID, SecretAccessKey: rootSecret}
	if err := v4.NewSigner().SignHTTP(c, creds, req, "UNSIGNED-PAYLOAD", "s3", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	client := &http.Client{Transport: &http.Transport{}}
	go func() {
		resp, err := client.Do(req)
		done <- result{resp, err}
	}()
	if _, err := pw.Write(body[:first]); err != nil {
		t.Fatalf("writing the first part of the body: %v", err)
	}

	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 10*time.Second, "the server to start draining", func() bool {
		return strings.Contains(s.Log(), "shutting down: draining in-flight requests")
	}, s)
	u, err := url.Parse(s.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 10*time.Second, "new connections to be refused", func() bool {
		conn, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err != nil {
			return true
		}
		conn.Close()
		return false
	}, s)

	// The in-flight request completes and is answered.
	if _, err := pw.Write(body[first:]); err != nil {
		t.Fatalf("writing the rest of the body after %v: %v\n%s", sig, err, s.Log())
	}
	pw.Close()
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("no answer to the in-flight PutObject within 30s of %v\n%s", sig, s.Log())
	}
	if r.err != nil {
		t.Fatalf("in-flight PutObject after %v: %v\n%s", sig, r.err, s.Log())
	}
	answer, _ := io.ReadAll(r.resp.Body)
	r.resp.Body.Close()
	if r.resp.StatusCode != http.StatusOK || r.resp.Header.Get("ETag") == "" {
		t.Fatalf("in-flight PutObject after %v: status %d, ETag %q, want 200 with an ETag\n%s\n%s",
			sig, r.resp.StatusCode, r.resp.Header.Get("ETag"), answer, s.Log())
	}

	// The process exits 0 once drained.
	select {
	case err := <-s.done:
		s.done <- err // for the harness's stop
		if err != nil {
			t.Fatalf("abacus exited with %v after %v, want status 0\n%s", err, sig, s.Log())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("abacus still running 30s after %v with nothing in flight\n%s", sig, s.Log())
	}
	// A clean close checkpoints the WAL into the database file and
	// truncates it (a killed process leaves it full).
	if fi, err := os.Stat(filepath.Join(dir, "abacus.db-wal")); err == nil && fi.Size() != 0 {
		t.Errorf("the store was not closed cleanly: its WAL holds %d bytes after exit\n%s", fi.Size(), s.Log())
	}

	// The drained request's effects are durable.
	s2 := start(t, "--data-dir", dir)
	c = ctx(t)
	got, err := s3Client(s2.root()).GetObject(c, &s3.GetObjectInput{Bucket: aws.String("drain"), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatalf("GetObject after restart: %v", err)
	}
	data, err := io.ReadAll(got.Body)
	got.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(data) != sha256.Sum256(body) {
		t.Errorf("object after restart: %d bytes, not the %d sent", len(data), len(body))
	}
	out, err := cloudtrail.NewFromConfig(s2.root()).LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("PutObject")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 {
		t.Fatalf("LookupEvents(PutObject) after restart: %d events, want exactly 1", len(out.Events))
	}
	var ev struct {
		ErrorCode         string         `json:"errorCode"`
		RequestParameters map[string]any `json:"requestParameters"`
	}
	raw := aws.ToString(out.Events[0].CloudTrailEvent)
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.ErrorCode != "" || !bytes.Contains([]byte(raw), []byte(`"big.bin"`)) {
		t.Errorf("PutObject event = %s, want a successful PutObject of big.bin", raw)
	}
}

// waitUntil polls cond every 10ms until it holds, failing the test with
// what it waited for and the server's log after limit.
func waitUntil(t *testing.T, limit time.Duration, what string, cond func() bool, s *server) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s\n%s", limit, what, s.Log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
