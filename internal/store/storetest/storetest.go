// Package storetest is the conformance suite that every [store.Store]
// backend runs:
//
//	func TestSQLite(t *testing.T) { storetest.Run(t, openTemp) }
//
// The suite uses only the store contract; it assumes nothing about the
// backend (SQL dialect, files, processes), so a PostgreSQL backend runs it
// unchanged. Each subtest opens its own store with open and expects it
// empty; open should register cleanup (Close) with t.Cleanup.
//
// Two expectations go beyond plain SQL semantics and a backend must provide
// them explicitly: an operation that fails inside a transaction (say, a
// create that conflicts) leaves the transaction usable, so a callback may
// handle the error and commit (PostgreSQL needs a savepoint per operation
// for that); and changes are announced on the change feed only after
// commit.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"abacus/internal/model"
	"abacus/internal/store"
)

// The accounts the suite writes to.
const (
	acctA model.AccountID = "111111111111"
	acctB model.AccountID = "222222222222"
)

// base is the suite's clock: times are fixed, in UTC, with nanoseconds, so
// that round-trips of timestamps are checked exactly.
var base = time.Date(2026, 3, 4, 5, 6, 7, 890123456, time.UTC)

// Run runs the conformance suite against the backend that open returns.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Users", testUsers},
		{"UserRename", testUserRename},
		{"Groups", testGroups},
		{"Roles", testRoles},
		{"NameCase", testNameCase},
		{"ManagedPolicies", testManagedPolicies},
		{"PolicyVersions", testPolicyVersions},
		{"Attachments", testAttachments},
		{"AWSManagedPolicies", testAWSManagedPolicies},
		{"InlinePolicies", testInlinePolicies},
		{"DeleteConflicts", testDeleteConflicts},
		{"AccessKeys", testAccessKeys},
		{"Sessions", testSessions},
		{"Resources", testResources},
		{"Pagination", testPagination},
		{"MarkerStability", testMarkerStability},
		{"InvalidMarkers", testInvalidMarkers},
		{"AuditAppendLookup", testAuditAppendLookup},
		{"AuditFilters", testAuditFilters},
		{"AuditPagination", testAuditPagination},
		{"Rollback", testRollback},
		{"ReadOnlyView", testReadOnlyView},
		{"ConcurrentCompareAndSwap", testConcurrentCAS},
		{"ConcurrentCreate", testConcurrentCreate},
		{"ConcurrentReadersAndWriters", testConcurrentReadWrite},
		{"TenantIsolation", testTenantIsolation},
		{"ChangeFeed", testChangeFeed},
		{"ChangeFeedSlowSubscriber", testChangeFeedSlowSubscriber},
		{"RandomizedAgainstModel", testRandomizedAgainstModel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open(t))
		})
	}
}

// update runs fn in a transaction and fails the test on error.
func update(t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a read transaction and fails the test on error.
func view(t *testing.T, s store.Store, fn func(ctx context.Context, tx store.ReadTx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// wantErr checks that err wraps target (nil target: err must be nil).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	switch {
	case target == nil && err != nil:
		t.Errorf("%s: unexpected error %v", what, err)
	case target != nil && !errors.Is(err, target):
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}

// diff fails the test when got and want differ.
func diff(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

func userARN(acct model.AccountID, path, name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:user%s%s", acct, path, name)
}

// ids returns an ID generator-like counter so IDs stay readable in diffs.
func newUser(acct model.AccountID, name string, n int) model.User {
	return model.User{
		UserName:   name,
		UserID:     fmt.Sprintf("AIDA%017d", n),
		Path:       "/",
		ARN:        userARN(acct, "/", name),
		CreateDate: base.Add(time.Duration(n) * time.Second),
	}
}

func newGroup(acct model.AccountID, name string, n int) model.Group {
	return model.Group{
		GroupName:  name,
		GroupID:    fmt.Sprintf("AGPA%017d", n),
		Path:       "/",
		ARN:        fmt.Sprintf("arn:aws:iam::%s:group/%s", acct, name),
		CreateDate: base,
	}
}

func newRole(acct model.AccountID, name string, n int) model.Role {
	return model.Role{
		RoleName:                 name,
		RoleID:                   fmt.Sprintf("AROA%017d", n),
		Path:                     "/",
		ARN:                      fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, name),
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		MaxSessionDuration:       3600,
		CreateDate:               base,
	}
}

func newPolicy(acct model.AccountID, name string, n int) model.ManagedPolicy {
	return model.ManagedPolicy{
		PolicyName: name,
		PolicyID:   fmt.Sprintf("ANPA%017d", n),
		ARN:        fmt.Sprintf("arn:aws:iam::%s:policy/%s", acct, name),
		Path:       "/",
		CreateDate: base,
	}
}

const docAllowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func docAllow(action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
}
