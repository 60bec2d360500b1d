package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updatePolicyGolden = flag.Bool("update", false, "rewrite the golden files in testdata/policy")

func TestPolicyCommand(t *testing.T) {
	const (
		at    = "--time=2026-01-02T15:04:05Z"
		alice = "arn:aws:sts::123456789012:assumed-role/StudioExecution/alice"
		job   = "arn:aws:sagemaker:us-east-1:123456789012:training-job/alice-train-1"
		tag   = "sagemaker:ResourceTag/sagemaker:user-profile-arn="
		own   = tag + "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/alice"
		other = tag + "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/bob"
	)
	sim := func(extra ...string) []string {
		return append([]string{"simulate", at, "--policy", "testdata/policy/group.json", "--policy", "testdata/policy/deny.json",
			"--principal", alice, "--context", "sagemaker:DomainId=d-abc", "--context", "sagemaker:UserProfileName=alice",
			"--context", "aws:SourceIdentity=alice"}, extra...)
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"help", []string{"--help"}, 0},
		{"no-args", nil, 2},
		{"unknown-command", []string{"frobnicate"}, 2},
		{"validate-help", []string{"validate", "--help"}, 0},
		{"validate-ok", []string{"validate", "testdata/policy/group.json", "testdata/policy/deny.json"}, 0},
		{"validate-errors", []string{"validate", "testdata/policy/bad.json"}, 1},
		{"validate-syntax", []string{"validate", "testdata/policy/syntax.json"}, 1},
		{"validate-kind-after-file", []string{"validate", "testdata/policy/bucket.json", "--kind", "identity"}, 1},
		{"validate-bad-kind", []string{"validate", "--kind", "nope", "testdata/policy/group.json"}, 2},
		{"validate-missing-file", []string{"validate", "testdata/policy/missing.json"}, 2},
		{"validate-no-files", []string{"validate"}, 2},
		{"simulate-help", []string{"simulate", "--help"}, 0},
		{"simulate-own-job", sim("--action", "sagemaker:DescribeTrainingJob", "--resource", job, "--context", own), 0},
		{"simulate-other-job", sim("--action", "sagemaker:StopTrainingJob", "--resource", job, "--context", other), 0},
		{"simulate-tag-absent", sim("--action", "sagemaker:StopTrainingJob", "--resource", job), 0},
		{"simulate-explicit-deny", sim("--action", "sagemaker:DeleteTrainingJob", "--resource", job), 0},
		{"simulate-s3-own-json", sim("--action", "s3:GetObject", "--resource", "arn:aws:s3:::bucket/users/alice/data.csv", "--output", "json"), 0},
		{"simulate-s3-other-json", sim("--action", "s3:PutObject", "--resource", "arn:aws:s3:::bucket/users/bob/data.csv", "--output", "json"), 0},
		{"simulate-boundary", sim("--boundary", "testdata/policy/boundary.json", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::bucket/users/alice/x"), 0},
		{"simulate-resource-policy", []string{"simulate", at, "--resource-policy", "testdata/policy/bucket.json",
			"--principal", "arn:aws:iam::123456789012:user/alice", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::shared/report.csv"}, 0},
		{"simulate-multivalued-context", []string{"simulate", at, "--policy", "testdata/policy/tagkeys.json",
			"--principal", "arn:aws:iam::123456789012:user/alice", "--action", "sagemaker:AddTags", "--resource", job,
			"--context", "aws:TagKeys=team", "--context", "aws:TagKeys=owner", "--output", "json"}, 0},
		{"simulate-trust-policy", []string{"simulate", at, "--trust-policy", "testdata/policy/trust.json", "--policy", "testdata/policy/boundary.json",
			"--principal", "arn:aws:iam::123456789012:user/alice", "--action", "sts:AssumeRole", "--resource", "arn:aws:iam::123456789012:role/DataScientist"}, 0},
		{"simulate-policy-and-trust", []string{"simulate", "--trust-policy", "testdata/policy/trust.json", "--resource-policy", "testdata/policy/bucket.json",
			"--principal", alice, "--action", "sts:AssumeRole", "--resource", "*"}, 2},
		{"simulate-missing-principal", []string{"simulate", "--action", "s3:GetObject", "--resource", "*"}, 2},
		{"simulate-bad-principal", []string{"simulate", "--principal", "bob", "--action", "s3:GetObject", "--resource", "*"}, 2},
		{"simulate-bad-context", sim("--action", "s3:GetObject", "--resource", "*", "--context", "novalue"), 2},
		{"simulate-bad-output", sim("--action", "s3:GetObject", "--resource", "*", "--output", "yaml"), 2},
		{"simulate-invalid-policy", []string{"simulate", "--policy", "testdata/policy/bad.json", "--principal", alice, "--action", "s3:GetObject", "--resource", "*"}, 2},
		{"simulate-bad-flag", []string{"simulate", "--nope"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := policyCommand(tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout.String(), stderr.String())
			}
			got := "== stdout\n" + stdout.String() + "== stderr\n" + stderr.String()
			golden := filepath.Join("testdata", "policy", tt.name+".golden")
			if *updatePolicyGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestPolicySimulateJSONDecision checks the JSON contract that outside
// tests rely on: one object whose decision field is allowed, explicitDeny
// or implicitDeny.
func TestPolicySimulateJSONDecision(t *testing.T) {
	base := []string{"simulate", "--output", "json", "--policy", "testdata/policy/group.json", "--policy", "testdata/policy/deny.json",
		"--principal", "arn:aws:iam::123456789012:user/alice", "--context", "aws:SourceIdentity=alice"}
	tests := []struct {
		action, resource, want string
	}{
		{"s3:GetObject", "arn:aws:s3:::bucket/users/alice/a", "allowed"},
		{"s3:GetObject", "arn:aws:s3:::bucket/users/bob/a", "implicitDeny"},
		{"sagemaker:DeleteModel", "*", "explicitDeny"},
	}
	// --context overrides a key derived from the principal ARN.
	var stdout, stderr bytes.Buffer
	args := []string{"simulate", "--output", "json", "--policy", "testdata/policy/home.json", "--principal", "arn:aws:iam::123456789012:user/alice",
		"--context", "aws:username=bob", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/home/bob/x"}
	if code := policyCommand(args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), `"decision": "allowed"`) {
		t.Errorf("--context aws:username=bob: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		args := append(append([]string{}, base...), "--action", tt.action, "--resource", tt.resource)
		if code := policyCommand(args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		var out struct {
			Decision          string            `json:"decision"`
			MatchedStatements []json.RawMessage `json:"matchedStatements"`
			Explanation       []json.RawMessage `json:"explanation"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("output is not one JSON object: %v\n%s", err, stdout.String())
		}
		if out.Decision != tt.want {
			t.Errorf("%s on %s: decision %q, want %q", tt.action, tt.resource, out.Decision, tt.want)
		}
		if out.MatchedStatements == nil || out.Explanation == nil {
			t.Errorf("matchedStatements and explanation must be arrays, got %s", stdout.String())
		}
		if strings.Count(stdout.String(), "\n}") != 1 {
			t.Errorf("want exactly one object, got %s", stdout.String())
		}
	}
}
