// Package compat drives the real abacus binary with real AWS clients: the
// AWS SDK for Go v2 always, and the AWS CLI, boto3 and Terraform where they
// are installed. Each test starts its own server on a free loopback port.
package compat

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// binary is the abacus binary built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "abacus-compat-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "abacus")
	build := exec.Command("go", "build", "-o", binary, "../../cmd/abacus")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build abacus:", err)
		os.Exit(1)
	}
	// The tests here wait on subprocesses (the server, the AWS CLI, boto3,
	// Terraform) far more than they compute, so run more of them at once
	// than the default of GOMAXPROCS, unless -parallel was given.
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		flag.Set("test.parallel", "6")
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Root credentials every test server uses.
const (
	rootKeyID  = "AKIAIOSFODNN7EXAMPLE"
	rootSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	accountID  = "123456789012"
	region     = "us-east-1"
)

// server is a running abacus process.
type server struct {
	Endpoint string
	DataDir  string
	cmd      *exec.Cmd
	mu       sync.Mutex
	log      strings.Builder
	done     chan error
}

// Log returns what the server has written to stderr so far.
func (s *server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

var servingRE = regexp.MustCompile(`msg="abacus is serving" endpoint=(\S+)`)

// start runs abacus serve on a free loopback port with the given extra
// flags (--in-memory unless a --data-dir is given) and stops it when the
// test ends.
func start(t *testing.T, args ...string) *server {
	t.Helper()
	s := &server{done: make(chan error, 1)}
	full := []string{"serve", "--addr", "127.0.0.1:0"}
	hasDir := false
	for i, a := range args {
		if a == "--data-dir" && i+1 < len(args) {
			hasDir, s.DataDir = true, args[i+1]
		}
	}
	if !hasDir {
		full = append(full, "--in-memory")
	}
	full = append(full, args...)
	s.cmd = exec.Command(binary, full...)
	s.cmd.Env = append(os.Environ(), "ABACUS_ROOT_ACCESS_KEY_ID="+rootKeyID, "ABACUS_ROOT_SECRET_ACCESS_KEY="+rootSecret)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	logged := make(chan struct{})
	go func() {
		defer close(logged)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
			if m := servingRE.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	// Wait closes the pipe, so it must not run before the log is read to
	// its end: the last lines (the shutdown's) would be lost.
	go func() { <-logged; s.done <- s.cmd.Wait() }()
	select {
	case s.Endpoint = <-found:
	case err := <-s.done:
		t.Fatalf("abacus exited before serving: %v\n%s", err, s.Log())
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("abacus did not start within 60s\n%s", s.Log())
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("abacus exited with %v after SIGTERM\n%s", err, s.Log())
		}
		s.done <- err
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("abacus did not stop within 30s of SIGTERM")
	}
}

// config returns an SDK configuration for the server with the given keys.
func (s *server) config(id, secret, token string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		BaseEndpoint: aws.String(s.Endpoint),
		// One attempt: a retried request would hide the first answer.
		RetryMaxAttempts: 1,
		HTTPClient:       &http.Client{Transport: ownBodyTransport{http.DefaultTransport}},
	}
}

// ownBodyTransport gives the HTTP transport its own copy of each request
// body. The SDK closes a request's body as soon as the round trip returns,
// while net/http may still read it once more to check its length; on a
// loopback server that answers that fast, the transport then closes the
// connection under a response still being read ("use of closed network
// connection", aws/aws-sdk-go-v2#1825). Real AWS answers too slowly for the
// race; tests against abacus hit it a few times in a hundred on large
// responses.
type ownBodyTransport struct{ next http.RoundTripper }

func (t ownBodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return t.next.RoundTrip(r)
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return t.next.RoundTrip(r)
}

// root returns an SDK configuration with the account root's keys.
func (s *server) root() aws.Config { return s.config(rootKeyID, rootSecret, "") }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}
