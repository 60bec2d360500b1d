package workload_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/bench/workload"
)

var update = flag.Bool("update", false, "rewrite the golden policy documents in testdata/")

func generate(t *testing.T, cfg workload.Config) *workload.Workload {
	t.Helper()
	w, err := workload.Generate(cfg)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return w
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a := generate(t, workload.DefaultConfig())
	b := generate(t, workload.DefaultConfig())
	if diff := cmp.Diff(a.Requests, b.Requests); diff != "" {
		t.Errorf("same seed, different requests (-first +second):\n%s", diff)
	}
	cfg := workload.DefaultConfig()
	cfg.Seed++
	c := generate(t, cfg)
	if cmp.Equal(a.Requests, c.Requests) {
		t.Error("a different seed gave the same requests")
	}
}

func TestDefaultMix(t *testing.T) {
	t.Parallel()
	w := generate(t, workload.DefaultConfig())
	if got, want := len(w.Users), 1000; got != want {
		t.Errorf("users = %d, want %d", got, want)
	}
	if got, want := len(w.Groups), 20; got != want {
		t.Errorf("groups = %d, want %d", got, want)
	}
	kinds := map[workload.Kind]int{}
	decisions := map[workload.Decision]int{}
	for _, r := range w.Requests {
		kinds[r.Kind]++
		decisions[r.Expected]++
	}
	n := len(w.Requests)
	wantKinds := map[workload.Kind]int{
		workload.OwnJob:              n * 50 / 100,
		workload.OtherJobSameDomain:  n * 20 / 100,
		workload.OtherJobOtherDomain: n * 15 / 100,
		workload.ForgedJob:           n * 5 / 100,
		workload.OwnPrefix:           n * 5 / 100,
		workload.OtherPrefix:         n * 5 / 100,
	}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("request mix (-want +got):\n%s", diff)
	}
	// The mix: 50% own resource (allowed), 40% another user's (denied), 10% S3.
	wantDecisions := map[workload.Decision]int{
		workload.Allow:        n * 55 / 100,
		workload.ImplicitDeny: n * 25 / 100,
		workload.ExplicitDeny: n * 20 / 100,
	}
	if diff := cmp.Diff(wantDecisions, decisions); diff != "" {
		t.Errorf("expected decisions (-want +got):\n%s", diff)
	}
}

// TestRequestsMatchTheirKind checks every request against the facts its kind promises, read
// from the workload's ownership data rather than from GroundTruth. A forged job matches the
// group policy's Allow and the guardrail's Deny; the Deny wins and the denial is explicit
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html).
// The S3 rule substitutes ${aws:SourceIdentity} into the Resource element
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
func TestRequestsMatchTheirKind(t *testing.T) {
	t.Parallel()
	w := generate(t, workload.DefaultConfig())
	wantDecision := map[workload.Kind]workload.Decision{
		workload.OwnJob:              workload.Allow,
		workload.OtherJobSameDomain:  workload.ImplicitDeny,
		workload.OtherJobOtherDomain: workload.ExplicitDeny,
		workload.ForgedJob:           workload.ExplicitDeny,
		workload.OwnPrefix:           workload.Allow,
		workload.OtherPrefix:         workload.ImplicitDeny,
	}
	for i, r := range w.Requests {
		caller := w.Users[r.User]
		var problem string
		switch r.Kind {
		case workload.OwnJob, workload.OtherJobSameDomain, workload.OtherJobOtherDomain, workload.ForgedJob:
			job := w.Jobs[r.Job]
			creator := w.Users[job.Owner]
			tagged := job.Tags[workload.TagUserProfileARN] == caller.ProfileARN
			switch {
			case r.Resource != job.ARN || !strings.HasPrefix(r.Action, "sagemaker:"):
				problem = "resource or action is not the job's"
			case r.Kind == workload.OwnJob && (job.Owner != r.User || !tagged):
				problem = "own job not created by and tagged for the caller"
			case r.Kind == workload.OtherJobSameDomain && (job.Owner == r.User || creator.Domain != caller.Domain || tagged):
				problem = "not another same-domain user's job"
			case r.Kind == workload.OtherJobOtherDomain && (creator.Domain == caller.Domain || tagged):
				problem = "not another domain's job"
			case r.Kind == workload.ForgedJob && (creator.Domain == caller.Domain || !tagged):
				problem = "not a forged job naming the caller"
			}
		case workload.OwnPrefix, workload.OtherPrefix:
			own := strings.HasPrefix(r.Key, "users/"+caller.Name+"/")
			switch {
			case r.Job != -1 || r.Resource != w.ObjectARN(r.Key) || !strings.HasPrefix(r.Action, "s3:"):
				problem = "not an S3 object request"
			case own != (r.Kind == workload.OwnPrefix):
				problem = "key prefix does not match the kind"
			}
		}
		if problem != "" {
			t.Errorf("request %d %+v: %s", i, r, problem)
		}
		if r.Expected != wantDecision[r.Kind] || w.GroundTruth(r) != r.Expected {
			t.Errorf("request %d of kind %v: Expected %v, GroundTruth %v, want %v", i, r.Kind, r.Expected, w.GroundTruth(r), wantDecision[r.Kind])
		}
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*workload.Config)
	}{
		{"one domain", func(c *workload.Config) { c.Domains = 1 }},
		{"too few users", func(c *workload.Config) { c.Users = 3 }},
		{"no groups", func(c *workload.Config) { c.Groups = 0 }},
		{"no jobs", func(c *workload.Config) { c.JobsPerUser = 0 }},
		{"no forged jobs", func(c *workload.Config) { c.ForgedJobs = 0 }},
		{"no requests", func(c *workload.Config) { c.Requests = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := workload.DefaultConfig()
			tt.change(&cfg)
			if _, err := workload.Generate(cfg); err == nil {
				t.Errorf("Generate(%+v) succeeded, want an error", cfg)
			}
		})
	}
}

// TestPolicyDocuments pins the IAM policy JSON against golden files (go test -update rewrites
// them) and checks that every group carries its own policy plus the two shared ones.
func TestPolicyDocuments(t *testing.T) {
	t.Parallel()
	w := generate(t, workload.DefaultConfig())
	for _, name := range []string{workload.GroupPolicyName(7), workload.PolicyUserPrefixes, workload.PolicyDomainGuardrail} {
		p, ok := w.PolicyByName(name)
		if !ok {
			t.Fatalf("no policy %q", name)
		}
		if !json.Valid([]byte(p.Document)) {
			t.Errorf("policy %q is not valid JSON", name)
		}
		golden := filepath.Join("testdata", name+".json")
		if *update {
			if err := os.WriteFile(golden, []byte(p.Document+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if diff := cmp.Diff(string(want), p.Document+"\n"); diff != "" {
			t.Errorf("policy %q differs from %s (-golden +got):\n%s", name, golden, diff)
		}
	}
	for g, grp := range w.Groups {
		want := []string{workload.GroupPolicyName(g), workload.PolicyUserPrefixes, workload.PolicyDomainGuardrail}
		if diff := cmp.Diff(want, grp.Policies); diff != "" {
			t.Errorf("group %s policies (-want +got):\n%s", grp.Name, diff)
		}
	}
}
