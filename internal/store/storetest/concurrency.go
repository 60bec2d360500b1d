package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
)

// testConcurrentCAS: writers race to increment a counter by
// compare-and-swap; every increment that reports success is kept.
func testConcurrentCAS(t *testing.T, s store.Store) {
	const workers, perWorker = 6, 15
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateResource(ctx, acctA, model.Resource{Type: "counter", ID: "c", Document: []byte(`0`), CreateDate: base})
		return err
	})
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done := 0
			for attempts := 0; done < perWorker; attempts++ {
				if attempts > 100*perWorker {
					errs <- fmt.Errorf("worker %d: too many conflicts", w)
					return
				}
				// Read in one transaction and write in another, so that
				// the compare-and-swap is what keeps increments apart.
				var cur model.Resource
				if err := s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
					var err error
					cur, err = tx.GetResource(ctx, acctA, "counter", "c")
					return err
				}); err != nil {
					errs <- err
					return
				}
				var n int
				if _, err := fmt.Sscan(string(cur.Document), &n); err != nil {
					errs <- err
					return
				}
				cur.Document = []byte(fmt.Sprint(n + 1))
				err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
					_, err := tx.UpdateResource(ctx, acctA, cur)
					return err
				})
				switch {
				case err == nil:
					done++
				case errors.Is(err, store.ErrConflict):
				default:
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		r, err := tx.GetResource(ctx, acctA, "counter", "c")
		diff(t, "counter", string(r.Document), fmt.Sprint(workers*perWorker))
		diff(t, "version", r.Version, int64(workers*perWorker+1))
		return err
	})
}

// testConcurrentCreate: of concurrent creations of one name (in different
// cases), exactly one succeeds and the others get ErrConflict.
func testConcurrentCreate(t *testing.T, s store.Store) {
	names := []string{"alice", "Alice", "ALICE", "aLiCe", "alicE", "ALice"}
	var wg sync.WaitGroup
	results := make([]error, len(names))
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
				return tx.CreateUser(ctx, acctA, newUser(acctA, n, i))
			})
		}()
	}
	wg.Wait()
	ok := 0
	for i, err := range results {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("create %q: %v", names[i], err)
		}
	}
	diff(t, "successful creations", ok, 1)
}

// testConcurrentReadersAndWriters: readers see consistent snapshots while
// a writer moves a user between two groups in single transactions.
func testConcurrentReadWrite(t *testing.T, s store.Store) {
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateUser(ctx, acctA, newUser(acctA, "alice", 1)); err != nil {
			return err
		}
		for i, g := range []string{"g1", "g2"} {
			if err := tx.CreateGroup(ctx, acctA, newGroup(acctA, g, i)); err != nil {
				return err
			}
		}
		return tx.AddUserToGroup(ctx, acctA, "g1", "alice")
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				err := s.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
					n, err := tx.CountGroupsForUser(ctx, acctA, "alice")
					if err != nil {
						return err
					}
					if n != 1 {
						return fmt.Errorf("alice is in %d groups mid-move", n)
					}
					return nil
				})
				if err != nil && ctx.Err() == nil {
					errs <- err
					return
				}
			}
		}()
	}
	from, to := "g1", "g2"
	for range 40 {
		update(t, s, func(ctx context.Context, tx store.Tx) error {
			if err := tx.RemoveUserFromGroup(ctx, acctA, from, "alice"); err != nil {
				return err
			}
			return tx.AddUserToGroup(ctx, acctA, to, "alice")
		})
		from, to = to, from
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// testTenantIsolation: data written in account A is never visible or
// changeable from account B, and B may reuse every name.
func testTenantIsolation(t *testing.T, s store.Store) {
	pol := newPolicy(acctA, "P", 1)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateUser(ctx, acctA, newUser(acctA, "alice", 1)); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, acctA, newGroup(acctA, "ml", 1)); err != nil {
			return err
		}
		if err := tx.CreateRole(ctx, acctA, newRole(acctA, "exec", 1)); err != nil {
			return err
		}
		if _, err := tx.CreatePolicy(ctx, acctA, pol, docAllowAll); err != nil {
			return err
		}
		if err := tx.AddUserToGroup(ctx, acctA, "ml", "alice"); err != nil {
			return err
		}
		if err := tx.AttachPolicy(ctx, acctA, model.EntityRole, "exec", pol.ARN); err != nil {
			return err
		}
		if err := tx.PutInlinePolicy(ctx, acctA, model.EntityUser, "alice", model.InlinePolicy{PolicyName: "i", Document: docAllowAll}); err != nil {
			return err
		}
		if err := tx.CreateAccessKey(ctx, acctA, model.AccessKey{AccessKeyID: "AKIATENANTA000000001", UserName: "alice", SecretAccessKey: "s", CreateDate: base}); err != nil {
			return err
		}
		if err := tx.PutSession(ctx, acctA, model.Session{AccessKeyID: "ASIATENANTA000000001", Expiration: base.Add(time.Hour)}); err != nil {
			return err
		}
		_, err := tx.CreateResource(ctx, acctA, model.Resource{Type: "s3:bucket", ID: "shared-name", CreateDate: base})
		return err
	})
	if err := s.AppendAuditEvents(t.Context(), []model.AuditRecord{auditRec(acctA, 1, nil)}); err != nil {
		t.Fatal(err)
	}

	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		reads := []struct {
			name string
			fn   func() error
		}{
			{"GetUser", func() error { _, err := tx.GetUser(ctx, acctB, "alice"); return err }},
			{"GetGroup", func() error { _, err := tx.GetGroup(ctx, acctB, "ml"); return err }},
			{"GetRole", func() error { _, err := tx.GetRole(ctx, acctB, "exec"); return err }},
			{"GetPolicy", func() error { _, err := tx.GetPolicy(ctx, acctB, pol.ARN); return err }},
			{"GetPolicyVersion", func() error { _, err := tx.GetPolicyVersion(ctx, acctB, pol.ARN, "v1"); return err }},
			{"ListPolicyVersions", func() error { _, err := tx.ListPolicyVersions(ctx, acctB, pol.ARN); return err }},
			{"ListEntitiesForPolicy", func() error { _, err := tx.ListEntitiesForPolicy(ctx, acctB, pol.ARN, store.ListOptions{}); return err }},
			{"ListGroupMembers", func() error { _, err := tx.ListGroupMembers(ctx, acctB, "ml", store.ListOptions{}); return err }},
			{"ListGroupsForUser", func() error { _, err := tx.ListGroupsForUser(ctx, acctB, "alice", store.ListOptions{}); return err }},
			{"GetInlinePolicy", func() error { _, err := tx.GetInlinePolicy(ctx, acctB, model.EntityUser, "alice", "i"); return err }},
			{"ListAttachedPolicies", func() error {
				_, err := tx.ListAttachedPolicies(ctx, acctB, model.EntityRole, "exec", store.ListOptions{})
				return err
			}},
			{"ListAccessKeys", func() error { _, err := tx.ListAccessKeys(ctx, acctB, "alice"); return err }},
			{"GetResource", func() error { _, err := tx.GetResource(ctx, acctB, "s3:bucket", "shared-name"); return err }},
		}
		for _, r := range reads {
			wantErr(t, "B "+r.name, r.fn(), store.ErrNotFound)
		}
		users, err := tx.ListUsers(ctx, acctB, store.ListOptions{})
		wantErr(t, "B ListUsers", err, nil)
		diff(t, "B users", len(users.Items), 0)
		groups, err := tx.ListGroups(ctx, acctB, store.ListOptions{})
		wantErr(t, "B ListGroups", err, nil)
		diff(t, "B groups", len(groups.Items), 0)
		roles, err := tx.ListRoles(ctx, acctB, store.ListOptions{})
		wantErr(t, "B ListRoles", err, nil)
		diff(t, "B roles", len(roles.Items), 0)
		pols, err := tx.ListPolicies(ctx, acctB, store.PolicyListOptions{})
		wantErr(t, "B ListPolicies", err, nil)
		diff(t, "B policies", len(pols.Items), 0)
		res, err := tx.ListResources(ctx, acctB, "s3:bucket", store.ResourceListOptions{})
		wantErr(t, "B ListResources", err, nil)
		diff(t, "B resources", len(res.Items), 0)
		// Lookups by key ID are global by design; they name the owner.
		k, err := tx.GetAccessKey(ctx, "AKIATENANTA000000001")
		wantErr(t, "GetAccessKey", err, nil)
		diff(t, "key owner", k.AccountID, acctA)
		sess, err := tx.GetSession(ctx, "ASIATENANTA000000001")
		wantErr(t, "GetSession", err, nil)
		diff(t, "session owner", sess.AccountID, acctA)
		return nil
	})
	recs, _, err := s.LookupAuditEvents(t.Context(), acctB, model.AuditQuery{})
	wantErr(t, "B LookupAuditEvents", err, nil)
	diff(t, "B audit events", len(recs), 0)

	writes := []struct {
		name string
		fn   func(ctx context.Context, tx store.Tx) error
	}{
		{"UpdateUser", func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateUser(ctx, acctB, "alice", newUser(acctB, "alice", 1))
		}},
		{"DeleteUser", func(ctx context.Context, tx store.Tx) error { return tx.DeleteUser(ctx, acctB, "alice") }},
		{"DeleteGroup", func(ctx context.Context, tx store.Tx) error { return tx.DeleteGroup(ctx, acctB, "ml") }},
		{"DeleteRole", func(ctx context.Context, tx store.Tx) error { return tx.DeleteRole(ctx, acctB, "exec") }},
		{"DeletePolicy", func(ctx context.Context, tx store.Tx) error { return tx.DeletePolicy(ctx, acctB, pol.ARN) }},
		{"RemoveUserFromGroup", func(ctx context.Context, tx store.Tx) error { return tx.RemoveUserFromGroup(ctx, acctB, "ml", "alice") }},
		{"UpdateAccessKeyStatus", func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateAccessKeyStatus(ctx, acctB, "AKIATENANTA000000001", model.AccessKeyInactive)
		}},
		{"DeleteAccessKey", func(ctx context.Context, tx store.Tx) error {
			return tx.DeleteAccessKey(ctx, acctB, "AKIATENANTA000000001")
		}},
		{"DeleteSession", func(ctx context.Context, tx store.Tx) error {
			return tx.DeleteSession(ctx, acctB, "ASIATENANTA000000001")
		}},
		{"DeleteResource", func(ctx context.Context, tx store.Tx) error {
			return tx.DeleteResource(ctx, acctB, "s3:bucket", "shared-name", 0)
		}},
	}
	for _, w := range writes {
		wantErr(t, "B "+w.name, s.Update(t.Context(), w.fn), store.ErrNotFound)
	}
	// B reuses every name A uses.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateUser(ctx, acctB, newUser(acctB, "alice", 2)); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, acctB, newGroup(acctB, "ml", 2)); err != nil {
			return err
		}
		if err := tx.CreateRole(ctx, acctB, newRole(acctB, "exec", 2)); err != nil {
			return err
		}
		if _, err := tx.CreatePolicy(ctx, acctB, newPolicy(acctB, "P", 2), docAllowAll); err != nil {
			return err
		}
		_, err := tx.CreateResource(ctx, acctB, model.Resource{Type: "s3:bucket", ID: "shared-name", CreateDate: base})
		return err
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		n, err := tx.CountGroupsForUser(ctx, acctB, "alice")
		diff(t, "B alice's groups", n, 0)
		u, err2 := tx.GetUser(ctx, acctA, "alice")
		diff(t, "A alice unchanged", u, newUser(acctA, "alice", 1))
		return errors.Join(err, err2)
	})
}

func next(t *testing.T, sub store.Subscription) []store.Change {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	changes, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return changes
}

func testChangeFeed(t *testing.T, s store.Store) {
	sub := s.Subscribe()
	defer sub.Close()
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateUser(ctx, acctA, newUser(acctA, "Alice", 1)); err != nil {
			return err
		}
		return tx.CreateGroup(ctx, acctA, newGroup(acctA, "ml", 1))
	})
	diff(t, "create", next(t, sub), []store.Change{
		{Account: acctA, Kind: store.ChangeUser, Name: "Alice"},
		{Account: acctA, Kind: store.ChangeGroup, Name: "ml"},
	})
	pol := newPolicy(acctB, "P", 1)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.AddUserToGroup(ctx, acctA, "ml", "alice"); err != nil {
			return err
		}
		if _, err := tx.CreatePolicy(ctx, acctB, pol, docAllowAll); err != nil {
			return err
		}
		if err := tx.CreateAccessKey(ctx, acctA, model.AccessKey{AccessKeyID: "AKIAFEED000000000001", UserName: "alice", SecretAccessKey: "s"}); err != nil {
			return err
		}
		_, err := tx.CreateResource(ctx, acctB, model.Resource{Type: "sagemaker:domain", ID: "d-1", CreateDate: base})
		return err
	})
	diff(t, "membership, policy, key, resource", next(t, sub), []store.Change{
		{Account: acctA, Kind: store.ChangeUser, Name: "Alice"},
		{Account: acctA, Kind: store.ChangeGroup, Name: "ml"},
		{Account: acctB, Kind: store.ChangePolicy, Name: pol.ARN},
		{Account: acctA, Kind: store.ChangeAccessKey, Name: "AKIAFEED000000000001"},
		{Account: acctB, Kind: store.ChangeResource, Type: "sagemaker:domain", Name: "d-1"},
	})
	// Renaming a group announces both names and its members, whose
	// effective policies name the group.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		g, err := tx.GetGroup(ctx, acctA, "ml")
		if err != nil {
			return err
		}
		g.GroupName = "ML-Eng"
		return tx.UpdateGroup(ctx, acctA, "ml", g)
	})
	diff(t, "group rename", next(t, sub), []store.Change{
		{Account: acctA, Kind: store.ChangeGroup, Name: "ml"},
		{Account: acctA, Kind: store.ChangeGroup, Name: "ML-Eng"},
		{Account: acctA, Kind: store.ChangeUser, Name: "Alice"},
	})
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreatePolicyVersion(ctx, acctB, pol.ARN, docAllow("s3:*"), true, base)
		return err
	})
	diff(t, "new default version", next(t, sub), []store.Change{{Account: acctB, Kind: store.ChangePolicy, Name: pol.ARN}})

	// Bookkeeping on the request path (a key's or a role's last use) is
	// not announced: it would flush caches on every request.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateRole(ctx, acctA, newRole(acctA, "exec", 9)); err != nil {
			return err
		}
		return tx.CreateRole(ctx, acctA, newRole(acctA, "other", 10))
	})
	diff(t, "roles", len(next(t, sub)), 2)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.RecordAccessKeyUse(ctx, acctA, "AKIAFEED000000000001", model.AccessKeyLastUsed{LastUsedDate: base, ServiceName: "iam", Region: "us-east-1"}); err != nil {
			return err
		}
		r, err := tx.GetRole(ctx, acctA, "exec")
		if err != nil {
			return err
		}
		r.RoleLastUsed = model.RoleLastUsed{LastUsedDate: base.Add(time.Hour), Region: "eu-west-1"}
		return tx.UpdateRole(ctx, acctA, r)
	})
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		r, err := tx.GetRole(ctx, acctA, "other")
		if err != nil {
			return err
		}
		r.Description = "changed"
		return tx.UpdateRole(ctx, acctA, r)
	})
	diff(t, "only the real change", next(t, sub), []store.Change{{Account: acctA, Kind: store.ChangeRole, Name: "other"}})

	// Two commits before the subscriber reads arrive together, in order.
	for _, n := range []string{"x", "y"} {
		update(t, s, func(ctx context.Context, tx store.Tx) error {
			return tx.CreateRole(ctx, acctA, newRole(acctA, n, len(n)+int(n[0])))
		})
	}
	got := next(t, sub)
	for len(got) < 2 {
		got = append(got, next(t, sub)...)
	}
	diff(t, "two commits", got, []store.Change{{Account: acctA, Kind: store.ChangeRole, Name: "x"}, {Account: acctA, Kind: store.ChangeRole, Name: "y"}})

	// A closed subscription reports ErrClosed and the store stays usable.
	sub.Close()
	if _, err := sub.Next(t.Context()); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Next after Close: %v, want ErrClosed", err)
	}
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteRole(ctx, acctA, "x") })

	// Next honours its context.
	sub2 := s.Subscribe()
	defer sub2.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := sub2.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next with a cancelled context: %v", err)
	}
}

// testChangeFeedSlowSubscriber: a subscriber that never reads does not
// hold up writers; it is told to reset rather than silently losing
// changes.
func testChangeFeedSlowSubscriber(t *testing.T, s store.Store) {
	slow := s.Subscribe()
	defer slow.Close()
	const n = 300
	for i := range n {
		update(t, s, func(ctx context.Context, tx store.Tx) error {
			_, err := tx.CreateResource(ctx, acctA, model.Resource{Type: "t", ID: fmt.Sprint(i), CreateDate: base})
			return err
		})
	}
	got := next(t, slow)
	switch {
	case len(got) == 1 && got[0].Kind == store.ChangeReset:
		// The backend bounded the backlog.
	case len(got) == n:
		for i, c := range got {
			if c.Kind != store.ChangeResource || c.Name != fmt.Sprint(i) {
				t.Fatalf("change %d = %+v", i, c)
			}
		}
	default:
		// Changes may arrive in several batches; collect until all n or
		// a reset.
		for len(got) < n {
			more := next(t, slow)
			got = append(got, more...)
			if len(more) == 1 && more[0].Kind == store.ChangeReset {
				return
			}
		}
	}
}
