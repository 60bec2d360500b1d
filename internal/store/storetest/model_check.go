package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"abacus/internal/model"
	"abacus/internal/store"
)

// refModel is a plain-Go reference of users, groups and memberships per
// account, keyed by case-folded name.
type refModel struct {
	users   map[model.AccountID]map[string]string // key -> stored name
	groups  map[model.AccountID]map[string]string
	members map[model.AccountID]map[[2]string]bool // (group key, user key)
}

func fold(s string) string { return strings.ToLower(s) }

func (m *refModel) sortedNames(set map[string]string) []string {
	var out []string
	for _, n := range set {
		out = append(out, n)
	}
	return sortedFold(out)
}

// testRandomizedAgainstModel applies a seeded random sequence of
// operations on users, groups and memberships in two accounts, and after
// each one compares the store's answers (errors included) with a plain-Go
// model.
func testRandomizedAgainstModel(t *testing.T, s store.Store) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"alice", "Alice", "BOB", "bob", "carol", "Dave", "dave", "eve"}
	accts := []model.AccountID{acctA, acctB}
	m := &refModel{
		users:   map[model.AccountID]map[string]string{acctA: {}, acctB: {}},
		groups:  map[model.AccountID]map[string]string{acctA: {}, acctB: {}},
		members: map[model.AccountID]map[[2]string]bool{acctA: {}, acctB: {}},
	}
	nextID := 0
	for step := range 300 {
		acct := accts[rng.IntN(2)]
		a, b := names[rng.IntN(len(names))], names[rng.IntN(len(names))]
		var op string
		var want error
		var fn func(ctx context.Context, tx store.Tx) error
		switch rng.IntN(6) {
		case 0:
			op = "CreateUser " + a
			nextID++
			u := newUser(acct, a, nextID)
			fn = func(ctx context.Context, tx store.Tx) error { return tx.CreateUser(ctx, acct, u) }
			if _, ok := m.users[acct][fold(a)]; ok {
				want = store.ErrConflict
			} else {
				m.users[acct][fold(a)] = a
			}
		case 1:
			op = "CreateGroup " + a
			nextID++
			g := newGroup(acct, a, nextID)
			fn = func(ctx context.Context, tx store.Tx) error { return tx.CreateGroup(ctx, acct, g) }
			if _, ok := m.groups[acct][fold(a)]; ok {
				want = store.ErrConflict
			} else {
				m.groups[acct][fold(a)] = a
			}
		case 2:
			op = "AddUserToGroup " + a + " " + b
			fn = func(ctx context.Context, tx store.Tx) error { return tx.AddUserToGroup(ctx, acct, a, b) }
			_, gok := m.groups[acct][fold(a)]
			_, uok := m.users[acct][fold(b)]
			if !gok || !uok {
				want = store.ErrNotFound
			} else {
				m.members[acct][[2]string{fold(a), fold(b)}] = true
			}
		case 3:
			op = "RemoveUserFromGroup " + a + " " + b
			fn = func(ctx context.Context, tx store.Tx) error { return tx.RemoveUserFromGroup(ctx, acct, a, b) }
			if !m.members[acct][[2]string{fold(a), fold(b)}] {
				want = store.ErrNotFound
			} else {
				delete(m.members[acct], [2]string{fold(a), fold(b)})
			}
		case 4:
			op = "DeleteUser " + a
			fn = func(ctx context.Context, tx store.Tx) error { return tx.DeleteUser(ctx, acct, a) }
			if _, ok := m.users[acct][fold(a)]; !ok {
				want = store.ErrNotFound
			} else {
				for k := range m.members[acct] {
					if k[1] == fold(a) {
						want = store.ErrInUse
					}
				}
				if want == nil {
					delete(m.users[acct], fold(a))
				}
			}
		case 5:
			op = "DeleteGroup " + a
			fn = func(ctx context.Context, tx store.Tx) error { return tx.DeleteGroup(ctx, acct, a) }
			if _, ok := m.groups[acct][fold(a)]; !ok {
				want = store.ErrNotFound
			} else {
				for k := range m.members[acct] {
					if k[0] == fold(a) {
						want = store.ErrInUse
					}
				}
				if want == nil {
					delete(m.groups[acct], fold(a))
				}
			}
		}
		err := s.Update(t.Context(), fn)
		if (want == nil) != (err == nil) || (want != nil && !errors.Is(err, want)) {
			t.Fatalf("step %d in %s: %s: error %v, want %v", step, acct, op, err, want)
		}
		// Errors are compared at every step, the whole state every few
		// steps and at the end.
		if step%7 == 6 {
			checkModel(t, s, m, fmt.Sprintf("step %d (%s in %s)", step, op, acct), rng)
		}
	}
	checkModel(t, s, m, "end", rng)
}

func checkModel(t *testing.T, s store.Store, m *refModel, at string, rng *rand.Rand) {
	t.Helper()
	for _, acct := range []model.AccountID{acctA, acctB} {
		max := 1 + rng.IntN(4)
		diff(t, at+" users of "+string(acct), pageUsers(t, s, acct, store.ListOptions{MaxItems: max}), m.sortedNames(m.users[acct]))
		view(t, s, func(ctx context.Context, tx store.ReadTx) error {
			groups, err := tx.ListGroups(ctx, acct, store.ListOptions{MaxItems: store.MaxMaxItems})
			if err != nil {
				return err
			}
			var got []string
			for _, g := range groups.Items {
				got = append(got, g.GroupName)
			}
			diff(t, at+" groups of "+string(acct), got, m.sortedNames(m.groups[acct]))
			for gk, gname := range m.groups[acct] {
				var want []string
				for k := range m.members[acct] {
					if k[0] == gk {
						want = append(want, m.users[acct][k[1]])
					}
				}
				members, err := tx.ListGroupMembers(ctx, acct, strings.ToUpper(gname), store.ListOptions{})
				if err != nil {
					return err
				}
				var names []string
				for _, u := range members.Items {
					names = append(names, u.UserName)
				}
				diff(t, at+" members of "+gname, names, sortedFold(want))
			}
			for uk, uname := range m.users[acct] {
				n, err := tx.CountGroupsForUser(ctx, acct, uname)
				if err != nil {
					return err
				}
				want := 0
				for k := range m.members[acct] {
					if k[1] == uk {
						want++
					}
				}
				diff(t, at+" group count of "+uname, n, want)
			}
			return nil
		})
	}
	if t.Failed() {
		t.FailNow()
	}
}
