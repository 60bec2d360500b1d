package compat

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEQuickstart runs the README's AWS CLI quickstart, as written,
// against a fresh server, so the README cannot drift from what abacus does.
func TestREADMEQuickstart(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI (aws) is not installed; skipping the README quickstart")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Quickstart with the AWS CLI.*?```sh\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```sh block under \"Quickstart with the AWS CLI\"")
	}
	script := strings.ReplaceAll(string(m[1]), "go run ./cmd/abacus", binary)

	work := t.TempDir()
	s := start(t, "--data-dir", filepath.Join(work, "abacus-data"))
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = work
	cmd.Env = append(cleanAWSEnv(os.Environ()), "ABACUS_ROOT_ACCESS_KEY_ID="+rootKeyID, "ABACUS_ROOT_SECRET_ACCESS_KEY="+rootSecret,
		"HOME="+work)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("quickstart failed: %v\n%s\nserver log:\n%s", err, out, s.Log())
	}
	got := string(out)
	for _, want := range []string{`"arn:aws:iam::123456789012:root"`, `"allowed"`, `"implicitDeny"`, `"alice"`, `"mallory"`} {
		if !strings.Contains(got, want) {
			t.Errorf("quickstart output lacks %s:\n%s", want, got)
		}
	}
	if i, j := strings.Index(got, `"allowed"`), strings.Index(got, `"implicitDeny"`); i > j {
		t.Errorf("alice's simulation should print allowed before mallory's implicitDeny:\n%s", got)
	}
}

// cleanAWSEnv drops the caller's AWS settings so that a test's tools see
// only what the test sets.
func cleanAWSEnv(env []string) []string {
	var out []string
	for _, e := range env {
		if strings.HasPrefix(e, "AWS_") || strings.HasPrefix(e, "ABACUS_") {
			continue
		}
		out = append(out, e)
	}
	return out
}

// TestREADMEPolicyTools runs the README's offline policy block.
func TestREADMEPolicyTools(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Offline policy tools.*?```sh\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```sh block under \"Offline policy tools\"")
	}
	script := regexp.MustCompile(`(?m)^abacus `).ReplaceAllString(string(m[1]), binary+" ")
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("policy tools block failed: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{"valid", "Decision: allowed", `"decision": "implicitDeny"`, `does not match`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// TestREADMECommandsMatchCI: the README's first lines give the run and
// test commands, and .ci/run runs exactly that test command.
func TestREADMECommandsMatchCI(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	if len(lines) < 4 || !strings.Contains(lines[2], "go run ./cmd/abacus serve") {
		t.Fatalf("README.md's third line is not the run command: %q", lines[2])
	}
	test, _, _ := strings.Cut(strings.TrimSpace(lines[3]), "  #")
	test = strings.TrimSpace(test)
	if !strings.HasPrefix(test, "go test") {
		t.Fatalf("README.md's fourth line is not the test command: %q", lines[3])
	}
	ciLines := strings.Split(strings.TrimSpace(string(ci)), "\n")
	if last := strings.TrimSpace(ciLines[len(ciLines)-1]); last != test {
		t.Errorf(".ci/run runs %q; the README's test command is %q", last, test)
	}
}
