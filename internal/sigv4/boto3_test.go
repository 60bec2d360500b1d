package sigv4_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"abacus/internal/sigv4"
)

// protocolOf picks the protocol from the service in the credential scope,
// as the server routes requests.
func protocolOf(r *http.Request) sigv4.Protocol {
	switch _, service, _ := sigv4.Scope(r); service {
	case "s3":
		return sigv4.ProtocolS3
	case "iam", "sts":
		return sigv4.ProtocolQuery
	}
	return sigv4.ProtocolJSON
}

// newTLSVerifyServer starts a TLS server that verifies every request with
// the protocol of its credential scope, as abacus routes requests.
func newTLSVerifyServer(t *testing.T) *verifyServer {
	t.Helper()
	v := sigv4.New(sigv4.Config{Lookup: testLookup(time.Now())})
	s := &verifyServer{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := outcome{method: r.Method, uri: r.RequestURI}
		o.res, o.err = v.Verify(r.Context(), r, sigv4.Options{Protocol: protocolOf(r)})
		if o.err == nil {
			o.body, o.err = io.ReadAll(o.res.Body)
		}
		s.mu.Lock()
		s.outcomes = append(s.outcomes, o)
		s.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(s.Close)
	return s
}

// clientEnv is the environment for AWS client processes: the test's
// credentials and no shared configuration from the machine.
func clientEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_ACCESS_KEY_ID="+testAKID, "AWS_SECRET_ACCESS_KEY="+testSecret,
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_DEFAULT_REGION="+testRegion)
}

// TestAWSCLI runs the AWS CLI against a TLS server: an STS call (Query
// protocol) and an S3 upload, which the CLI streams aws-chunked. It skips
// when the aws command is not installed, and in -short mode because the
// CLI is slow to start.
func TestAWSCLI(t *testing.T) {
	t.Parallel()
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws (the AWS CLI) not found on PATH; skipping the CLI test")
	}
	if testing.Short() {
		t.Skip("the AWS CLI is slow to start; skipped in -short mode")
	}
	srv := newTLSVerifyServer(t)
	file := filepath.Join(t.TempDir(), "upload.bin")
	payload := bytes.Repeat([]byte("cli upload "), 10000)
	if err := os.WriteFile(file, payload, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"sts", "get-caller-identity"},
		{"s3", "cp", file, "s3://bucket/cli dir/upload+1.bin"},
	} {
		cmd := exec.Command(aws, append(args, "--endpoint-url", srv.URL, "--no-verify-ssl")...)
		cmd.Env = clientEnv()
		out, _ := cmd.CombinedOutput() // the server's empty answers may not parse
		seen := srv.take()
		if len(seen) == 0 {
			t.Fatalf("aws %v: the server saw no request; output:\n%s", args, out)
		}
		for _, o := range seen {
			if o.err != nil {
				t.Errorf("aws %v: %s %s: %v", args, o.method, o.uri, o.err)
			} else if o.method == "PUT" {
				if !bytes.Equal(o.body, payload) {
					t.Errorf("aws %v: uploaded %d bytes (%s), want %d", args, len(o.body), o.res.PayloadHash, len(payload))
				}
				t.Logf("aws %v: payload %s, trailer %v", args, o.res.PayloadHash, o.res.Trailer)
			}
		}
	}
}

// TestBoto3Clients runs real boto3 clients over TLS, where botocore sends
// S3 uploads aws-chunked with STREAMING-UNSIGNED-PAYLOAD-TRAILER and a
// CRC32 trailer, and checks that every request verifies and every body
// decodes. It skips when python3 or boto3 is not installed.
func TestBoto3Clients(t *testing.T) {
	t.Parallel()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found on PATH; skipping the boto3 client test")
	}
	srv := newTLSVerifyServer(t)
	cmd := exec.Command(python, "testdata/boto3_calls.py", srv.URL)
	cmd.Env = clientEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 {
		t.Skip("boto3 is not installed for python3; skipping the boto3 client test")
	}
	if err != nil {
		t.Fatalf("boto3_calls.py: %v\n%s", err, stderr.String())
	}

	// Fetch the presigned URL boto3 generated.
	resp, err := srv.Client().Get(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	seen := srv.take()
	wantBodies := map[string][]byte{
		"/bucket/small%20key%2Bplus%3D.txt": []byte("hello boto3"),
		"/bucket/stream": bytes.Repeat(func() []byte {
			b := make([]byte, 256)
			for i := range b {
				b[i] = byte(i)
			}
			return b
		}(), 4096),
	}
	modes := map[string]bool{}
	for _, o := range seen {
		if o.err != nil {
			t.Errorf("%s %s: %v", o.method, o.uri, o.err)
			continue
		}
		modes[o.res.PayloadHash] = true
		path, _, _ := strings.Cut(o.uri, "?")
		if want, ok := wantBodies[path]; ok && o.method == "PUT" {
			if !bytes.Equal(o.body, want) {
				t.Errorf("PUT %s: decoded %d bytes, want %d", path, len(o.body), len(want))
			}
			if o.res.PayloadHash == sigv4.StreamingUnsignedPayloadTrailer && o.res.Trailer.Get("X-Amz-Checksum-Crc32") == "" {
				t.Errorf("PUT %s: no CRC32 trailer (trailer %v)", path, o.res.Trailer)
			}
			delete(wantBodies, path)
		}
	}
	if len(seen) != 8 {
		t.Errorf("server verified %d requests, want 8", len(seen))
	}
	if len(wantBodies) != 0 {
		t.Errorf("uploads not seen: %v", wantBodies)
	}
	t.Logf("payload modes seen: %v", modes)
}
