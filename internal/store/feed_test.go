package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/store"
)

func change(i int) store.Change {
	return store.Change{Account: "111111111111", Kind: store.ChangeUser, Name: fmt.Sprint(i)}
}

func next(t *testing.T, s store.Subscription) []store.Change {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, err := s.Next(ctx)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return c
}

func TestFeed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		backlog int
		batches [][]store.Change
		want    []store.Change
	}{
		{"one batch", 0, [][]store.Change{{change(1), change(2)}}, []store.Change{change(1), change(2)}},
		{"batches accumulate in order", 0, [][]store.Change{{change(1)}, {change(2)}, {change(3)}}, []store.Change{change(1), change(2), change(3)}},
		{"empty batch announces nothing", 0, [][]store.Change{{}, {change(1)}}, []store.Change{change(1)}},
		{"exactly the backlog", 3, [][]store.Change{{change(1), change(2)}, {change(3)}}, []store.Change{change(1), change(2), change(3)}},
		{"over the backlog resets", 3, [][]store.Change{{change(1), change(2)}, {change(3), change(4)}}, []store.Change{{Kind: store.ChangeReset}}},
		{"reset absorbs later changes", 1, [][]store.Change{{change(1), change(2)}, {change(3)}}, []store.Change{{Kind: store.ChangeReset}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &store.Feed{Backlog: tt.backlog}
			sub := f.Subscribe()
			defer sub.Close()
			for _, b := range tt.batches {
				f.Publish(b)
			}
			if d := cmp.Diff(tt.want, next(t, sub)); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
		})
	}
}

func TestFeedSubscribersAreIndependent(t *testing.T) {
	t.Parallel()
	var f store.Feed
	a, b := f.Subscribe(), f.Subscribe()
	f.Publish([]store.Change{change(1)})
	if d := cmp.Diff([]store.Change{change(1)}, next(t, a)); d != "" {
		t.Error(d)
	}
	f.Publish([]store.Change{change(2)})
	if d := cmp.Diff([]store.Change{change(1), change(2)}, next(t, b)); d != "" {
		t.Error(d)
	}
	// A closed subscriber no longer receives; others still do.
	b.Close()
	f.Publish([]store.Change{change(3)})
	if d := cmp.Diff([]store.Change{change(2), change(3)}, next(t, a)); d != "" {
		t.Error(d)
	}
	if _, err := b.Next(t.Context()); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Next on closed subscription: %v", err)
	}
	// Changes published before a subscription started are not delivered.
	c := f.Subscribe()
	f.Publish([]store.Change{change(4)})
	if d := cmp.Diff([]store.Change{change(4)}, next(t, c)); d != "" {
		t.Error(d)
	}
	f.Close()
	// Changes queued before Close are still delivered, then ErrClosed.
	if d := cmp.Diff([]store.Change{change(4)}, next(t, a)); d != "" {
		t.Error(d)
	}
	for _, s := range []store.Subscription{a, c, f.Subscribe()} {
		if _, err := s.Next(t.Context()); !errors.Is(err, store.ErrClosed) {
			t.Errorf("Next after Feed.Close: %v", err)
		}
	}
	f.Publish([]store.Change{change(5)}) // no subscribers: no effect, no panic
	a.Close()                            // idempotent
}

// TestFeedPublishNeverBlocks: many publishers, a subscriber that reads
// slowly and one that never reads; Publish returns and the reading
// subscriber sees every change in order or a reset.
func TestFeedPublishNeverBlocks(t *testing.T) {
	t.Parallel()
	f := &store.Feed{Backlog: 64}
	stuck := f.Subscribe()
	defer stuck.Close()
	reader := f.Subscribe()
	const publishers, each = 4, 500
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				f.Publish([]store.Change{{Account: "a", Kind: store.ChangeRole, Name: fmt.Sprint(p*each + i)}})
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	got, resets := 0, 0
	for {
		select {
		case <-done:
			f.Close()
			for {
				c, err := reader.Next(t.Context())
				if err != nil {
					if got+resets == 0 {
						t.Error("reader received nothing")
					}
					return
				}
				for _, x := range c {
					if x.Kind == store.ChangeReset {
						resets++
					} else {
						got++
					}
				}
			}
		default:
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Millisecond)
		c, err := reader.Next(ctx)
		cancel()
		if err == nil {
			for _, x := range c {
				if x.Kind == store.ChangeReset {
					resets++
				} else {
					got++
				}
			}
		}
	}
}

func TestListOptionsLimit(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want int }{
		{0, store.DefaultMaxItems}, {-1, store.DefaultMaxItems}, {1, 1}, {1000, 1000}, {1001, store.MaxMaxItems},
	}
	for _, tt := range tests {
		if got := (store.ListOptions{MaxItems: tt.in}).Limit(); got != tt.want {
			t.Errorf("Limit(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
