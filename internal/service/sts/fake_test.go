package sts_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"abacus/internal/model"
	"abacus/internal/store"
)

// fakeStore is a small in-memory stand-in for the store: roles, managed
// policies and sessions. Methods STS does not use panic through the nil
// embedded interface.
type fakeStore struct {
	mu       sync.Mutex
	roles    map[string]model.Role // key: acct/lower(name)
	policies map[string]bool       // key: ARN
	sessions map[string]model.Session
}

func newFakeStore() *fakeStore {
	return &fakeStore{roles: map[string]model.Role{}, policies: map[string]bool{}, sessions: map[string]model.Session{}}
}

func (f *fakeStore) addRole(r model.Role) {
	acct := strings.Split(r.ARN, ":")[4]
	f.roles[acct+"/"+strings.ToLower(r.RoleName)] = r
}

func (f *fakeStore) View(ctx context.Context, fn func(context.Context, store.ReadTx) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fn(ctx, fakeTx{f: f})
}

func (f *fakeStore) Update(ctx context.Context, fn func(context.Context, store.Tx) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fn(ctx, fakeTx{f: f})
}

type fakeTx struct {
	store.Tx
	f *fakeStore
}

func (t fakeTx) GetRole(_ context.Context, acct model.AccountID, name string) (model.Role, error) {
	r, ok := t.f.roles[string(acct)+"/"+strings.ToLower(name)]
	if !ok {
		return model.Role{}, fmt.Errorf("role %s: %w", name, store.ErrNotFound)
	}
	return r, nil
}

func (t fakeTx) GetPolicy(_ context.Context, _ model.AccountID, arn string) (model.ManagedPolicy, error) {
	if !t.f.policies[arn] {
		return model.ManagedPolicy{}, fmt.Errorf("policy %s: %w", arn, store.ErrNotFound)
	}
	return model.ManagedPolicy{ARN: arn}, nil
}

func (t fakeTx) PutSession(_ context.Context, acct model.AccountID, s model.Session) error {
	if _, dup := t.f.sessions[s.AccessKeyID]; dup {
		return store.ErrConflict
	}
	s.AccountID = acct
	t.f.sessions[s.AccessKeyID] = s
	return nil
}

func (t fakeTx) GetSession(_ context.Context, id string) (model.Session, error) {
	s, ok := t.f.sessions[id]
	if !ok {
		return model.Session{}, store.ErrNotFound
	}
	return s, nil
}
