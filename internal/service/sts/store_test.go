package sts_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"abacus/internal/model"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

// testStore is the in-memory SQLite store with helpers for the tests and a
// count of the sessions STS stored through it.
type testStore struct {
	*sqlite.Store
	t      testing.TB
	mu     sync.Mutex
	stored int
}

func newTestStore(t testing.TB) *testStore {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return &testStore{Store: st, t: t}
}

// Update counts the sessions put in committed transactions.
func (s *testStore) Update(ctx context.Context, fn func(context.Context, store.Tx) error) error {
	n := 0
	err := s.Store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		return fn(ctx, countingTx{Tx: tx, n: &n})
	})
	if err == nil {
		s.mu.Lock()
		s.stored += n
		s.mu.Unlock()
	}
	return err
}

type countingTx struct {
	store.Tx
	n *int
}

func (c countingTx) PutSession(ctx context.Context, acct model.AccountID, sess model.Session) error {
	err := c.Tx.PutSession(ctx, acct, sess)
	if err == nil {
		*c.n++
	}
	return err
}

// fork returns a view of the same database for a subtest, with its own
// session count.
func (s *testStore) fork(t testing.TB) *testStore { return &testStore{Store: s.Store, t: t} }

func (s *testStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stored
}

func (s *testStore) addRole(r model.Role) {
	s.t.Helper()
	acct := model.AccountID(strings.Split(r.ARN, ":")[4])
	if err := s.Store.Update(context.Background(), func(ctx context.Context, tx store.Tx) error {
		return tx.CreateRole(ctx, acct, r)
	}); err != nil {
		s.t.Fatal(err)
	}
}

func (s *testStore) addPolicy(arn string) {
	s.t.Helper()
	acct := model.AccountID(strings.Split(arn, ":")[4])
	name := arn[strings.LastIndexByte(arn, '/')+1:]
	p := model.ManagedPolicy{PolicyName: name, PolicyID: "ANPA" + strings.ToUpper(name), ARN: arn, Path: "/", CreateDate: t0, UpdateDate: t0}
	if err := s.Store.Update(context.Background(), func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreatePolicy(ctx, acct, p, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
		return err
	}); err != nil {
		s.t.Fatal(err)
	}
}

// session returns the stored session with the access key ID, or the zero
// session.
func (s *testStore) session(id string) model.Session {
	s.t.Helper()
	var sess model.Session
	err := s.View(context.Background(), func(ctx context.Context, tx store.ReadTx) error {
		var err error
		sess, err = tx.GetSession(ctx, id)
		return err
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.t.Fatal(err)
	}
	return sess
}
