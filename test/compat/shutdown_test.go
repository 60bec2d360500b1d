package compat

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
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
		t.Fatalf("CreateBucket: %v\n%s", err, s.Log())
	}

	p := startInFlightPut(t, s, c)
	pw, body, first, done := p.pw, p.body, p.first, p.done

	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 10*time.Second, "the server to log that it is draining", func() bool {
		return strings.Contains(s.Log(), "shutting down: draining in-flight requests")
	}, s)
	u, err := url.Parse(s.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	// http.Server.Shutdown closes the listener first: a fresh connection
	// is refused while the old one is still being served.
	waitUntil(t, 10*time.Second, "new connections to be refused while draining", func() bool {
		conn, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err != nil {
			return true
		}
		conn.Close()
		return false
	}, s)
	select {
	case err := <-s.done:
		s.done <- err
		t.Fatalf("abacus exited (%v) after %v with a PutObject still in flight; want it to wait for the request\n%s", err, sig, s.Log())
	default:
	}

	// The in-flight request completes and is answered.
	_, werr := pw.Write(body[first:])
	pw.Close()
	var r putResult
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer to the in-flight PutObject within 10s of its last byte (write error: %v)\n%s", werr, s.Log())
	}
	if r.err != nil || werr != nil {
		t.Fatalf("in-flight PutObject after %v: %v (writing the second half of its body: %v); want it read to the end and answered 200\n%s",
			sig, r.err, werr, s.Log())
	}
	answer, _ := io.ReadAll(r.resp.Body)
	r.resp.Body.Close()
	sum := md5.Sum(body)
	wantETag := `"` + hex.EncodeToString(sum[:]) + `"`
	if r.resp.StatusCode != http.StatusOK || r.resp.Header.Get("ETag") != wantETag {
		t.Fatalf("in-flight PutObject after %v: status %d, ETag %s; want 200 with ETag %s (the MD5 of all %d bytes)\n%s\n%s",
			sig, r.resp.StatusCode, r.resp.Header.Get("ETag"), wantETag, len(body), answer, s.Log())
	}

	// The process exits 0 once drained, having closed the store.
	select {
	case err := <-s.done:
		s.done <- err // for the harness's stop
		if err != nil {
			t.Fatalf("abacus exited with %v after %v; want status 0\n%s", err, sig, s.Log())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("abacus still running 10s after %v with nothing in flight; want it to exit\n%s", sig, s.Log())
	}
	log := s.Log()
	if i, j := strings.Index(log, "shutting down"), strings.Index(log, `msg="store closed"`); j < i || i < 0 {
		t.Errorf("the log does not show the store closed after the drain; want \"shutting down\" then \"store closed\"\n%s", log)
	}
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("errors logged during shutdown; want none\n%s", log)
	}
	// A clean close checkpoints the WAL into the database file and
	// truncates it (a killed process leaves it full).
	if fi, err := os.Stat(filepath.Join(dir, "abacus.db-wal")); err == nil && fi.Size() != 0 {
		t.Errorf("the store was not closed cleanly: its WAL holds %d bytes after exit; want it empty or gone\n%s", fi.Size(), log)
	}

	// The drained request's effects are durable.
	s2 := start(t, "--data-dir", dir)
	c = ctx(t)
	got, err := s3Client(s2.root()).GetObject(c, &s3.GetObjectInput{Bucket: aws.String("drain"), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatalf("GetObject drain/big.bin after restart: %v; want the drained object\n%s", err, s2.Log())
	}
	data, err := io.ReadAll(got.Body)
	got.Body.Close()
	if err != nil {
		t.Fatalf("reading drain/big.bin after restart: %v\n%s", err, s2.Log())
	}
	if !bytes.Equal(data, body) {
		t.Errorf("drain/big.bin after restart: %d bytes, not the %d sent", len(data), len(body))
	}
	out, err := cloudtrail.NewFromConfig(s2.root()).LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("PutObject")}},
	})
	if err != nil {
		t.Fatalf("LookupEvents(PutObject) after restart: %v\n%s", err, s2.Log())
	}
	if len(out.Events) != 1 {
		t.Fatalf("LookupEvents(PutObject) after restart: %d events; want exactly 1 (the drained request's)", len(out.Events))
	}
	var ev struct {
		ErrorCode         string `json:"errorCode"`
		RequestParameters struct {
			Key string `json:"key"`
		} `json:"requestParameters"`
		Resources []struct {
			ARN string `json:"ARN"`
		} `json:"resources"`
	}
	raw := aws.ToString(out.Events[0].CloudTrailEvent)
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		t.Fatalf("PutObject event is not JSON: %v\n%s", err, raw)
	}
	if ev.ErrorCode != "" || ev.RequestParameters.Key != "big.bin" || len(ev.Resources) != 1 || ev.Resources[0].ARN != "arn:aws:s3:::drain/big.bin" {
		t.Errorf("PutObject event = %s; want a successful PutObject (no errorCode) of key big.bin, resource arn:aws:s3:::drain/big.bin", raw)
	}
}

// TestSecondSignalStopsAtOnce: a second SIGINT during the drain ends the
// process without waiting for the request in flight, which is then not
// acknowledged and leaves nothing behind: no object, no audit event, and a
// data dir the next server opens.
func TestSecondSignalStopsAtOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, "--data-dir", dir)
	c := ctx(t)
	if _, err := s3Client(s.root()).CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("drain")}); err != nil {
		t.Fatalf("CreateBucket: %v\n%s", err, s.Log())
	}
	p := startInFlightPut(t, s, c)
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 10*time.Second, "the server to log that it is draining", func() bool {
		return strings.Contains(s.Log(), "shutting down: draining in-flight requests")
	}, s)
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		s.done <- err
		if err == nil {
			t.Errorf("abacus exited 0 after a second SIGINT with a request in flight; want it stopped by the signal")
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("abacus still running 10s after a second SIGINT\n%s", s.Log())
	}
	// The client learns it when it sends the rest of the body.
	go func() {
		p.pw.Write(p.body[p.first:])
		p.pw.Close()
	}()
	select {
	case r := <-p.done:
		if r.err == nil {
			r.resp.Body.Close()
			if r.resp.StatusCode == http.StatusOK {
				t.Errorf("the interrupted PutObject was acknowledged (200)")
			}
		}
	case <-time.After(10 * time.Second):
		t.Errorf("the interrupted PutObject got no answer nor error within 10s of the server's exit")
	}

	s2 := start(t, "--data-dir", dir)
	c = ctx(t)
	if _, err := s3Client(s2.root()).HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("drain"), Key: aws.String("big.bin")}); err == nil {
		t.Errorf("drain/big.bin exists after the interrupted PutObject; want no object")
	}
	out, err := cloudtrail.NewFromConfig(s2.root()).LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("PutObject")}},
	})
	if err != nil {
		t.Fatalf("LookupEvents(PutObject) after restart: %v\n%s", err, s2.Log())
	}
	if len(out.Events) != 0 {
		t.Errorf("LookupEvents(PutObject) after restart: %d events; want none for the unacknowledged request", len(out.Events))
	}
}

// inFlightPut is an S3 PutObject of drain/big.bin whose body arrives in
// two parts: the first has been written, the rest waits in pw.
type inFlightPut struct {
	pw    *io.PipeWriter
	body  []byte
	first int
	done  chan putResult
}

type putResult struct {
	resp *http.Response
	err  error
}

// startInFlightPut begins the PutObject and returns once the server is
// reading its body.
func startInFlightPut(t *testing.T, s *server, c context.Context) *inFlightPut {
	t.Helper()
	// A PutObject whose body arrives in two parts, from a pipe. It asks
	// for 100 Continue, which the server sends only once the handler
	// (past authentication, in S3's PutObject) first reads the body, and
	// the client sends no body before it: from then on, and until the
	// rest of the body is written, the request is in flight.
	body := make([]byte, 8<<20)
	for i := range body {
		body[i] = byte(i * 31)
	}
	first := len(body) / 2
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	continued := make(chan struct{})
	trace := &httptrace.ClientTrace{Got100Continue: func() { close(continued) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(c, trace), http.MethodPut, s.Endpoint+"/drain/big.bin", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	creds := aws.Credentials{AccessKeyID: rootKeyID, SecretAccessKey: rootSecret}
	if err := v4.NewSigner().SignHTTP(c, creds, req, "UNSIGNED-PAYLOAD", "s3", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Expect", "100-continue") // unsigned, as the SDK sends it
	done := make(chan putResult, 1)
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	t.Cleanup(client.CloseIdleConnections)
	go func() {
		resp, err := client.Do(req)
		done <- putResult{resp, err}
	}()
	select {
	case <-continued:
	case r := <-done:
		status := 0
		if r.resp != nil {
			status = r.resp.StatusCode
			r.resp.Body.Close()
		}
		t.Fatalf("PutObject answered (status %d, error %v) before its handler read the body; want 100 Continue first\n%s", status, r.err, s.Log())
	case <-time.After(10 * time.Second):
		t.Fatalf("no 100 Continue within 10s: the PutObject handler never started reading the body\n%s", s.Log())
	}
	if _, err := pw.Write(body[:first]); err != nil {
		t.Fatalf("writing the first half of the body: %v\n%s", err, s.Log())
	}

	return &inFlightPut{pw: pw, body: body, first: first, done: done}
}

// waitUntil polls cond every 10ms until it holds, failing the test with
// what it waited for and the server's log after limit, or as soon as the
// server has exited.
func waitUntil(t *testing.T, limit time.Duration, what string, cond func() bool, s *server) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		select {
		case err := <-s.done:
			s.done <- err // for the harness's stop
			t.Fatalf("abacus exited (%v) while the test waited for %s\n%s", err, what, s.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s\n%s", limit, what, s.Log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
