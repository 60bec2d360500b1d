package compat

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// python3WithBoto3 returns the python3 to run boto3 examples with, or skips
// the test.
func python3WithBoto3(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; skipping the boto3 example")
	}
	if err := exec.Command(py, "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 is not importable by python3; skipping the boto3 example")
	}
	return py
}

// runBoto3Example runs examples/boto3/NAME against s with the root keys.
func runBoto3Example(t *testing.T, s *server, name string) string {
	t.Helper()
	py := python3WithBoto3(t)
	script, err := filepath.Abs(filepath.Join("..", "..", "examples", "boto3", name))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, script)
	cmd.Env = append(cleanAWSEnv(os.Environ()), "HOME="+t.TempDir(),
		"AWS_ENDPOINT_URL="+s.Endpoint, "AWS_ACCESS_KEY_ID="+rootKeyID, "AWS_SECRET_ACCESS_KEY="+rootSecret,
		"AWS_DEFAULT_REGION="+region, "AWS_MAX_ATTEMPTS=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s\nserver log:\n%s", name, err, out, tail(s.Log(), 30))
	}
	return string(out)
}

func TestBoto3Setup1IAM(t *testing.T) {
	t.Parallel()
	s := start(t)
	out := runBoto3Example(t, s, "setup1_iam.py")
	if !strings.Contains(out, "setup 1 identity checks passed") {
		t.Fatalf("unexpected output:\n%s", out)
	}
}
