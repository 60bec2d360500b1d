package iam_test

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/iam"
	"abacus/internal/store/sqlite"
)

const acct = model.AccountID("123456789012")

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fixture is an IAM service over a fresh in-memory SQLite store, called as
// the account root.
type fixture struct {
	st  *sqlite.Store
	svc *iam.Service
	c   *op.Call
	ctx context.Context
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := iam.New(st, iam.Options{IDs: model.IDGenerator{Rand: &lockedReader{r: rand.NewChaCha8([32]byte{1})}}})
	c := &op.Call{
		Account: acct, Region: "us-east-1", Now: t0, Service: "iam",
		Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: string(acct)},
	}
	return &fixture{st: st, svc: svc, c: c, ctx: ctx}
}

// lockedReader makes a deterministic random source safe for the
// concurrent requests some tests make.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

func s(v string) *string { return &v }
func i32(v int32) *int32 { return &v }
func b(v bool) *bool     { return &v }

// must fails the test when err is not nil.
func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// wantErr checks that err is an IAM error of kind whose message contains
// msg.
func wantErr(t testing.TB, err, kind error, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("got %v, want %v", err, kind)
	}
	var e *iam.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T, want *iam.Error", err)
	}
	if !strings.Contains(e.Message, msg) {
		t.Fatalf("message %q does not contain %q", e.Message, msg)
	}
}

// state is everything the account holds, for proving that a rejected call
// changed nothing.
type state struct {
	Details    *iam.GetAccountAuthorizationDetailsOutput
	Keys       map[string][]iam.AccessKeyMetadata
	PolicyTags map[string][]iam.Tag
}

func (f *fixture) state(t testing.TB) state {
	t.Helper()
	d, err := f.svc.GetAccountAuthorizationDetails(f.ctx, f.c, &iam.GetAccountAuthorizationDetailsInput{MaxItems: i32(1000)})
	if err != nil {
		t.Fatal(err)
	}
	st := state{Details: d, Keys: map[string][]iam.AccessKeyMetadata{}, PolicyTags: map[string][]iam.Tag{}}
	for _, p := range d.Policies {
		tags, err := f.svc.ListPolicyTags(f.ctx, f.c, &iam.ListPolicyTagsInput{PolicyArn: *p.Arn})
		if err != nil {
			t.Fatal(err)
		}
		st.PolicyTags[*p.Arn] = tags.Tags
	}
	for _, u := range d.UserDetailList {
		k, err := f.svc.ListAccessKeys(f.ctx, f.c, &iam.ListAccessKeysInput{UserName: u.UserName})
		if err != nil {
			t.Fatal(err)
		}
		st.Keys[*u.UserName] = k.AccessKeyMetadata
	}
	return st
}

// unchanged runs a call that must fail with kind and checks that the
// account is exactly as before.
func (f *fixture) unchanged(t testing.TB, kind error, msg string, call func() error) {
	t.Helper()
	before := f.state(t)
	wantErr(t, call(), kind, msg)
	if diff := cmp.Diff(before, f.state(t)); diff != "" {
		t.Errorf("a rejected call changed the account (-before +after):\n%s", diff)
	}
}

func (f *fixture) createUser(t testing.TB, name string) {
	t.Helper()
	if _, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: name}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) createGroup(t testing.TB, name string) {
	t.Helper()
	if _, err := f.svc.CreateGroup(f.ctx, f.c, &iam.CreateGroupInput{GroupName: name}); err != nil {
		t.Fatal(err)
	}
}

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func (f *fixture) createRole(t testing.TB, name string) {
	t.Helper()
	if _, err := f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
}

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func (f *fixture) createPolicy(t testing.TB, name, doc string) string {
	t.Helper()
	out, err := f.svc.CreatePolicy(f.ctx, f.c, &iam.CreatePolicyInput{PolicyName: name, PolicyDocument: doc})
	if err != nil {
		t.Fatal(err)
	}
	return *out.Policy.Arn
}
