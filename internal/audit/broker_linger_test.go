package audit_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"abacus/internal/audit"
)

// TestBrokerLingerGrowsBatchesUnderLoad: after a batch of several events
// the writer waits for more, up to twice that size, before it writes; the
// hour-long Linger makes the test independent of timing.
func TestBrokerLingerGrowsBatchesUnderLoad(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	sink := &recordingSink{gate: gate}
	b := audit.NewBroker(sink, audit.BrokerOptions{Linger: time.Hour})
	var wg sync.WaitGroup
	record := func(n int, prefix string) {
		for i := range n {
			wg.Go(func() {
				if err := b.Record(t.Context(), event(fmt.Sprint(prefix, i))); err != nil {
					t.Error(err)
				}
			})
		}
	}
	record(1, "a")
	waitFor(t, func() bool { return b.Stats().Batches == 1 }) // held in the sink
	record(3, "b")
	waitFor(t, func() bool { return b.Stats().Pending == 3 })
	gate <- struct{}{}                                        // batch 1 written; the next one (3 events, after a batch of 1) is not held back
	waitFor(t, func() bool { return b.Stats().Batches == 2 }) // held in the sink
	record(4, "c")
	waitFor(t, func() bool { return b.Stats().Pending == 4 })
	gate <- struct{}{} // batch 2 written; the writer takes the 4 and waits for 2 more
	waitFor(t, func() bool { return b.Stats().Pending == 0 })
	if got := b.Stats().Batches; got != 2 {
		t.Fatalf("Batches = %d while 4 of the wanted 6 events are gathered, want 2", got)
	}
	record(2, "d")
	waitFor(t, func() bool { return b.Stats().Batches == 3 })
	close(gate)
	wg.Wait()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	sink.mu.Lock()
	for _, batch := range sink.batches {
		sizes = append(sizes, len(batch))
	}
	sink.mu.Unlock()
	if fmt.Sprint(sizes) != "[1 3 6]" {
		t.Errorf("batch sizes %v, want [1 3 6]", sizes)
	}
}

// TestBrokerLingerNeverDelaysALoneRequest: one request at a time is
// written at once, even with an hour-long Linger (the test would time out
// otherwise), and Close ends a wait.
func TestBrokerLingerNeverDelaysALoneRequest(t *testing.T) {
	t.Parallel()
	sink := &recordingSink{}
	b := audit.NewBroker(sink, audit.BrokerOptions{Linger: time.Hour})
	for i := range 5 {
		if err := b.Record(t.Context(), event(fmt.Sprint("lone", i))); err != nil {
			t.Fatal(err)
		}
	}
	if st := b.Stats(); st.Batches != 5 || st.Events != 5 {
		t.Errorf("Stats = %+v, want 5 batches of 1", st)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}
