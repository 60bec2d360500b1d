package audittest_test

import (
	"context"
	"errors"
	"testing"

	"abacus/internal/audit"
	"abacus/internal/audit/audittest"
	"abacus/internal/model"
)

func TestMemory(t *testing.T) {
	t.Parallel()
	audittest.Run(t, func(*testing.T) audit.Store { return audittest.NewMemory() })
}

// A Memory and its zero value are both usable.
var _ audit.Store = new(audittest.Memory)

func TestMemoryFailStoresNothing(t *testing.T) {
	t.Parallel()
	errFull := errors.New("disk full")
	m := audittest.NewMemory()
	m.Fail = func([]model.AuditRecord) error { return errFull }
	recs := []model.AuditRecord{{EventID: "a", AccountID: "111111111111"}, {EventID: "b", AccountID: "111111111111"}}
	if err := m.AppendAuditEvents(context.Background(), recs); !errors.Is(err, errFull) {
		t.Fatalf("AppendAuditEvents = %v, want %v", err, errFull)
	}
	m.Fail = nil
	got, _, err := m.LookupAuditEvents(context.Background(), "111111111111", model.AuditQuery{})
	if err != nil || len(got) != 0 {
		t.Errorf("after a failed append: %d records, %v; want none", len(got), err)
	}
	// The failed batch can be retried whole.
	if err := m.AppendAuditEvents(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := m.LookupAuditEvents(context.Background(), "111111111111", model.AuditQuery{}); len(got) != 2 {
		t.Errorf("after the retry: %d records, want 2", len(got))
	}
}
