package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

func TestPurgeSessions(t *testing.T) {
	t.Parallel()
	s, err := sqlite.Open(t.Context(), sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		for _, sess := range []model.Session{
			{AccessKeyID: "ASIAEXPIRED000000001", Expiration: now.Add(-time.Second)},
			{AccessKeyID: "ASIALIVE000000000001", Expiration: now.Add(time.Hour)},
		} {
			if err := tx.PutSession(ctx, "111111111111", sess); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sub := s.Subscribe()
	defer sub.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- store.PurgeSessions(ctx, s, time.Hour, func() time.Time { return now }, nil) }()

	// The first purge runs at once; its announcement says it committed.
	wait, stop := context.WithTimeout(t.Context(), 10*time.Second)
	defer stop()
	changes, err := sub.Next(wait)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Name != "ASIAEXPIRED000000001" {
		t.Fatalf("announced %+v, want the expired session", changes)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("PurgeSessions returned %v, want context.Canceled", err)
	}
	err = s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
		if _, err := tx.GetSession(ctx, "ASIAEXPIRED000000001"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session: %v, want ErrNotFound", err)
		}
		_, err := tx.GetSession(ctx, "ASIALIVE000000000001")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
