package authz_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"abacus/internal/authz"
	"abacus/internal/policy"
)

// The multi-tenant SageMaker workload of the engine's performance target:
// 1,000 users in 20 groups on two Studio domains. Each group's policy lets
// a user describe, stop and update only training jobs whose
// sagemaker:user-profile-arn tag is the user's own profile ARN; one policy
// gives each user an S3 prefix named by aws:SourceIdentity; one explicit
// Deny for everyone keeps users off training jobs of the other domain.
// Requests: 50% a user's own job (allowed), 40% another user's job
// (denied), 10% S3 objects under the user's prefix or another's.
const (
	wlAccount = "123456789012"
	wlUsers   = 1000
	wlGroups  = 20
)

var wlDomains = [2]string{"d-abc123def456", "d-xyz789uvw012"}

func wlGroupPolicy(g int) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Group%02dOwnTrainingJobs","Effect":"Allow",
		"Action":["sagemaker:Describe*","sagemaker:Stop*","sagemaker:Update*"],
		"Resource":"arn:aws:sagemaker:*:*:training-job/*",
		"Condition":{"StringLike":{"sagemaker:ResourceTag/sagemaker:user-profile-arn":
			"arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"}}}]}`, g)
}

const wlS3Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"OwnPrefix","Effect":"Allow",
	"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::ml-data/users/${aws:SourceIdentity}/*"}]}`

const wlDenyPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyOtherDomain","Effect":"Deny",
	"Action":"sagemaker:*","Resource":"arn:aws:sagemaker:*:*:training-job/*",
	"Condition":{"StringNotLike":{"sagemaker:ResourceTag/sagemaker:domain-arn":"arn:aws:sagemaker:*:*:domain/${sagemaker:DomainId}"}}}]}`

type wlRequest struct {
	in   authz.Input
	want policy.Decision
}

func wlUser(i int) (name string, domain int) { return fmt.Sprintf("user-%04d", i), i % 2 }

func wlProfileARN(i int) string {
	name, d := wlUser(i)
	return "arn:aws:sagemaker:us-east-1:" + wlAccount + ":user-profile/" + wlDomains[d] + "/" + name
}

// buildWorkload compiles the policies once, builds one identity Set per
// user (as the server caches one per principal) and n requests.
func buildWorkload(tb testing.TB, n int) []wlRequest {
	tb.Helper()
	mustCompile := func(name, src string) *policy.Policy {
		p, err := policy.CompileJSON([]byte(src), policy.Options{Name: name, ARN: "arn:aws:iam::" + wlAccount + ":policy/" + name})
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	s3p := mustCompile("UserS3Prefixes", wlS3Policy)
	deny := mustCompile("DomainGuardrail", wlDenyPolicy)
	groups := make([]*policy.Policy, wlGroups)
	for g := range groups {
		groups[g] = mustCompile(fmt.Sprintf("group-%02d", g), wlGroupPolicy(g))
	}
	sets := make([]*policy.Set, wlUsers)
	for u := range sets {
		sets[u] = policy.NewSet(groups[u%wlGroups], s3p, deny)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	actions := []string{"sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob", "sagemaker:UpdateTrainingJob"}
	out := make([]wlRequest, n)
	for i := range out {
		u := rng.IntN(wlUsers)
		name, d := wlUser(u)
		r := &policy.Request{
			Principal: policy.Caller{
				ARN: "arn:aws:sts::" + wlAccount + ":assumed-role/StudioExecution/" + name, RoleARN: "arn:aws:iam::" + wlAccount + ":role/StudioExecution",
				Type: policy.PrincipalAssumedRole, Account: wlAccount, UserID: "AROAEXAMPLE:" + name, SourceIdentity: name,
			},
		}
		r.Context.Set("sagemaker:DomainId", wlDomains[d])
		r.Context.Set("sagemaker:UserProfileName", name)
		var want policy.Decision
		switch k := rng.IntN(100); {
		case k < 90:
			owner := u
			want = policy.Allowed
			if k >= 50 {
				// Another user's job; a quarter of them in the other domain.
				for owner == u {
					owner = rng.IntN(wlUsers)
				}
				want = policy.ImplicitDeny
				if owner%2 != u%2 {
					want = policy.ExplicitDeny
				}
			}
			oname, od := wlUser(owner)
			r.Action = actions[rng.IntN(len(actions))]
			r.Resource = "arn:aws:sagemaker:us-east-1:" + wlAccount + ":training-job/" + oname + "-train-1"
			r.Context.Set("sagemaker:ResourceTag/sagemaker:user-profile-arn", wlProfileARN(owner))
			r.Context.Set("sagemaker:ResourceTag/sagemaker:domain-arn", "arn:aws:sagemaker:us-east-1:"+wlAccount+":domain/"+wlDomains[od])
			r.Context.Set("aws:ResourceTag/sagemaker:user-profile-arn", wlProfileARN(owner))
			r.Context.Set("aws:ResourceTag/sagemaker:domain-arn", "arn:aws:sagemaker:us-east-1:"+wlAccount+":domain/"+wlDomains[od])
		default:
			prefixOwner := name
			want = policy.Allowed
			if k >= 95 {
				prefixOwner, _ = wlUser((u + 1) % wlUsers)
				want = policy.ImplicitDeny
			}
			r.Action = []string{"s3:GetObject", "s3:PutObject"}[k%2]
			r.Resource = "arn:aws:s3:::ml-data/users/" + prefixOwner + "/datasets/part-00042.parquet"
		}
		out[i] = wlRequest{in: authz.Input{Request: r, Identity: sets[u]}, want: want}
	}
	return out
}

// TestWorkloadDecisions checks the benchmark workload's decisions, so that
// the benchmark measures correct work.
func TestWorkloadDecisions(t *testing.T) {
	reqs := buildWorkload(t, 2000)
	count := map[policy.Decision]int{}
	for i := range reqs {
		res := authz.Evaluate(&reqs[i].in, nil)
		if res.Decision != reqs[i].want {
			r := reqs[i].in.Request
			t.Fatalf("request %d: %s on %s by %s: %v, want %v", i, r.Action, r.Resource, r.Principal.ARN, res.Decision, reqs[i].want)
		}
		count[res.Decision]++
	}
	for _, d := range []policy.Decision{policy.Allowed, policy.ImplicitDeny, policy.ExplicitDeny} {
		if count[d] == 0 {
			t.Errorf("no %v decisions in the workload: %v", d, count)
		}
	}
}

// reportCPU adds cpu-ns/op, the process CPU time per operation, to b's
// results. On a shared machine wall time also counts time other processes
// took the cores away; CPU time does not, so it is the steadier figure.
func reportCPU(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		end, ok2 := processCPU()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkWorkload times authz.Evaluate over the workload's requests,
// cycling, in one goroutine and under b.RunParallel. Requests and policy
// sets are built beforehand, as a server holds compiled sets per
// principal and builds the request context while decoding the call.
func BenchmarkWorkload(b *testing.B) {
	reqs := buildWorkload(b, 10000)
	b.Run("serial", func(b *testing.B) {
		buf := make([]policy.Match, 0, 8)
		b.ReportAllocs()
		defer reportCPU(b)()
		i := 0
		for b.Loop() {
			authz.Evaluate(&reqs[i].in, buf[:0])
			if i++; i == len(reqs) {
				i = 0
			}
		}
	})
	// hot cycles over 64 requests whose data stays in the CPU caches, as
	// a request a server has just decoded does: the decision's own cost
	// without the cache misses of walking 10,000 prepared requests.
	b.Run("hot", func(b *testing.B) {
		buf := make([]policy.Match, 0, 8)
		b.ReportAllocs()
		defer reportCPU(b)()
		i := 0
		for b.Loop() {
			authz.Evaluate(&reqs[i].in, buf[:0])
			if i++; i == 64 {
				i = 0
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		b.RunParallel(func(pb *testing.PB) {
			buf := make([]policy.Match, 0, 8)
			i := rand.IntN(len(reqs))
			for pb.Next() {
				authz.Evaluate(&reqs[i].in, buf[:0])
				if i++; i == len(reqs) {
					i = 0
				}
			}
		})
	})
}
