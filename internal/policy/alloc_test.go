package policy_test

import (
	"testing"

	"abacus/internal/policy"
)

// TestEvaluateDoesNotAllocate pins the hot path's promise: no allocation
// for a decision, variables and wildcards included.
func TestEvaluateDoesNotAllocate(t *testing.T) {
	p := compile(t, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s:a","Resource":"arn:aws:s3:::bucket/*","Condition":{"StringLike":{"svc:K":"${aws:username}*"}}}]}`)
	s := policy.NewSet(p)
	r := baseRequest()
	r.Context.Set("svc:K", "alice-x")
	if n := testing.AllocsPerRun(100, func() { s.Decide(r) }); n != 0 {
		t.Errorf("Decide allocates %v", n)
	}
	buf := make([]policy.Match, 0, 4)
	if n := testing.AllocsPerRun(100, func() { s.Evaluate(r, buf[:0]) }); n != 0 {
		t.Errorf("Evaluate allocates %v", n)
	}
}
