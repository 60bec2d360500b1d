package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"abacus/internal/policy"
)

// benchPolicy returns a policy of n statements over n distinct actions of
// ten services, each on its own resource prefix with a condition on a
// resource tag, plus one explicit deny.
func benchPolicy(b *testing.B, n int) *policy.Policy {
	b.Helper()
	var stmts []string
	for i := range n - 1 {
		stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":["svc%d:Action%d","svc%d:Describe%d*"],`+
			`"Resource":"arn:aws:svc%d:*:*:thing/%d/*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}`,
			i, i%10, i, i%10, i, i%10, i))
	}
	stmts = append(stmts, `{"Sid":"DenyDelete","Effect":"Deny","Action":"*:Delete*","Resource":"*"}`)
	src := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	p, err := policy.CompileJSON([]byte(src), policy.Options{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkEvaluate measures one decision against a set of n statements,
// for a request allowed by the last Allow statement.
func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("%dstmts", n), func(b *testing.B) {
			set := policy.NewSet(benchPolicy(b, n))
			k := n - 2
			r := baseRequest()
			r.Action = fmt.Sprintf("svc%d:Action%d", k%10, k)
			r.Resource = fmt.Sprintf("arn:aws:svc%d:us-east-1:123456789012:thing/%d/x", k%10, k)
			r.Context.Set("aws:ResourceTag/owner", "alice")
			buf := make([]policy.Match, 0, 8)
			if d, _ := set.Evaluate(r, buf); d != policy.Allowed {
				b.Fatalf("decision %v", d)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				set.Evaluate(r, buf[:0])
			}
		})
	}
}

// BenchmarkEvaluateWildcardActions is the worst case for the action index:
// every statement uses NotAction, so every statement is a candidate.
func BenchmarkEvaluateWildcardActions(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprintf("%dstmts", n), func(b *testing.B) {
			var stmts []string
			for i := range n {
				stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b%d/*"}`, i, i))
			}
			p, err := policy.CompileJSON([]byte(`{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`), policy.Options{})
			if err != nil {
				b.Fatal(err)
			}
			set := policy.NewSet(p)
			r := baseRequest()
			r.Action = "s3:GetObject"
			r.Resource = fmt.Sprintf("arn:aws:s3:::b%d/k", n-1)
			buf := make([]policy.Match, 0, 8)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				set.Evaluate(r, buf[:0])
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	src := []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"AllowUserTrainingJobs","Effect":"Allow","Action":["sagemaker:Describe*","sagemaker:Stop*","sagemaker:Update*"],` +
		`"Resource":"arn:aws:sagemaker:*:*:training-job/*","Condition":{"StringLike":{"sagemaker:ResourceTag/sagemaker:user-profile-arn":` +
		`"arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"}}}]}`)
	b.ReportAllocs()
	for range b.N {
		if _, err := policy.CompileJSON(src, policy.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewSet measures rebuilding a principal's set: 20 compiled
// policies of 5 statements each.
func BenchmarkNewSet(b *testing.B) {
	var ps []*policy.Policy
	for i := range 20 {
		var stmts []string
		for j := range 5 {
			stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","Action":["svc%d:Get%d","svc%d:List*"],"Resource":"*"}`, i, j, j))
		}
		p, err := policy.CompileJSON([]byte(`{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`), policy.Options{})
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p)
	}
	b.ReportAllocs()
	for b.Loop() {
		policy.NewSet(ps...)
	}
}
