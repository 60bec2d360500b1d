package iam_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"abacus/internal/service/iam"
)

// Quotas hold under concurrent requests: each mutating call checks its
// quota and writes in one store transaction, so racing calls cannot
// overshoot.
func TestQuotasUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "u")
	const n = 16
	for i := range n {
		f.createGroup(t, fmt.Sprintf("g%02d", i))
	}
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: fmt.Sprintf("g%02d", i), UserName: "u"})
		})
		wg.Go(func() {
			_, errs[n+i] = f.svc.CreateAccessKey(f.ctx, f.c, &iam.CreateAccessKeyInput{UserName: s("u")})
		})
	}
	wg.Wait()
	var groups, keys int
	for i, err := range errs {
		switch {
		case err == nil && i < n:
			groups++
		case err == nil:
			keys++
		case !errors.Is(err, iam.ErrLimitExceeded):
			t.Errorf("call %d: %v", i, err)
		}
	}
	if groups != 10 || keys != 2 {
		t.Errorf("%d memberships and %d keys succeeded, want 10 and 2", groups, keys)
	}
	fg := must[*iam.ListGroupsForUserOutput](t)(f.svc.ListGroupsForUser(f.ctx, f.c, &iam.ListGroupsForUserInput{UserName: "u"}))
	lk := must[*iam.ListAccessKeysOutput](t)(f.svc.ListAccessKeys(f.ctx, f.c, &iam.ListAccessKeysInput{UserName: s("u")}))
	if len(fg.Groups) != 10 || len(lk.AccessKeyMetadata) != 2 {
		t.Errorf("stored %d memberships and %d keys", len(fg.Groups), len(lk.AccessKeyMetadata))
	}
}
