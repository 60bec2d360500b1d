package principal_test

import (
	"context"
	"fmt"
	"testing"

	"abacus/internal/model"
	"abacus/internal/principal"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

// benchWorld is the principal of issue 4 point 7: a user in 10 groups with
// 20 managed policies (two attached to each group, five statements each)
// plus one inline policy per group.
func benchWorld(b *testing.B) (*sqlite.Store, *model.Principal) {
	b.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Options{InMemory: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	doc := func(i int) string {
		s := `{"Version":"2012-10-17","Statement":[`
		for j := range 5 {
			if j > 0 {
				s += ","
			}
			s += fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":["sagemaker:Describe%d*","s3:GetObject"],"Resource":"arn:aws:s3:::bucket-%d/${aws:username}/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"t%d"}}}`, j, i, j, i)
		}
		return s + `]}`
	}
	update(b, st, func(ctx context.Context, tx store.Tx) error {
		must(tx.CreateUser(ctx, acct, user("bench")))
		for g := range 10 {
			name := fmt.Sprintf("G%d", g)
			must(tx.CreateGroup(ctx, acct, group(name)))
			must(tx.AddUserToGroup(ctx, acct, name, "bench"))
			must(tx.PutInlinePolicy(ctx, acct, model.EntityGroup, name, model.InlinePolicy{PolicyName: "inline", Document: doc(100 + g)}))
			for k := range 2 {
				p := managed(fmt.Sprintf("P%d", 2*g+k))
				_, err := tx.CreatePolicy(ctx, acct, p, doc(2*g+k))
				must(err)
				must(tx.AttachPolicy(ctx, acct, model.EntityGroup, name, p.ARN))
			}
		}
		return tx.CreateAccessKey(ctx, acct, model.AccessKey{AccessKeyID: "AKIABENCH00000000001", UserName: "bench", SecretAccessKey: "s", Status: model.AccessKeyActive, CreateDate: t0})
	})
	res := principal.New(principal.Options{Store: st})
	defer res.Close()
	c, err := res.Resolve(context.Background(), "AKIABENCH00000000001")
	if err != nil {
		b.Fatal(err)
	}
	return st, c.Principal
}

// BenchmarkPolicySets measures the policy-set lookup of a principal with 10
// groups and 20 managed policies: cached (the hot path), rebuilt after a
// change to one of its groups (the compiled managed policies are reused),
// and built cold (every policy compiled).
func BenchmarkPolicySets(b *testing.B) {
	ctx := context.Background()
	b.Run("cached", func(b *testing.B) {
		st, p := benchWorld(b)
		res := principal.New(principal.Options{Store: st})
		defer res.Close()
		if _, err := res.PolicySets(ctx, p); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := res.PolicySets(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached-parallel", func(b *testing.B) {
		st, p := benchWorld(b)
		res := principal.New(principal.Options{Store: st})
		defer res.Close()
		if _, err := res.PolicySets(ctx, p); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := res.PolicySets(ctx, p); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("rebuild-after-group-change", func(b *testing.B) {
		st, p := benchWorld(b)
		res := principal.New(principal.Options{Store: st})
		defer res.Close()
		if _, err := res.PolicySets(ctx, p); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			update(b, st, func(ctx context.Context, tx store.Tx) error {
				return tx.PutInlinePolicy(ctx, acct, model.EntityGroup, "G3", model.InlinePolicy{PolicyName: "inline",
					Document: fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b%d/*"}]}`, i)})
			})
			b.StartTimer()
			if _, err := res.PolicySets(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
		if s := res.Stats(); s.Builds < uint64(i) {
			b.Fatalf("only %d builds for %d changes", s.Builds, i)
		}
	})
	b.Run("cold", func(b *testing.B) {
		st, p := benchWorld(b)
		b.ReportAllocs()
		for b.Loop() {
			res := principal.New(principal.Options{Store: st})
			if _, err := res.PolicySets(ctx, p); err != nil {
				b.Fatal(err)
			}
			res.Close()
		}
	})
}
