package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"abacus/internal/audit"
	"abacus/internal/model"
)

// recordingSink keeps every batch it is given. gate, when set, is received
// from before each write so a test can hold the writer.
type recordingSink struct {
	mu      sync.Mutex
	batches [][]model.AuditRecord
	ctxErrs []error
	gate    chan struct{}
	fail    func(batch int) error
}

func (s *recordingSink) AppendAuditEvents(ctx context.Context, recs []model.AuditRecord) error {
	if s.gate != nil {
		<-s.gate
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.batches)
	s.ctxErrs = append(s.ctxErrs, ctx.Err())
	if s.fail != nil {
		if err := s.fail(n); err != nil {
			s.batches = append(s.batches, nil)
			return err
		}
	}
	s.batches = append(s.batches, append([]model.AuditRecord(nil), recs...))
	return nil
}

func (s *recordingSink) ids() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]bool{}
	for _, b := range s.batches {
		for _, r := range b {
			m[r.EventID] = true
		}
	}
	return m
}

func event(id string) audit.Event {
	return audit.Event{EventID: id, EventName: "GetRole", EventTime: t0, RecipientAccountID: string(acct)}
}

func TestBrokerRecordIsDurableAtReturn(t *testing.T) {
	t.Parallel()
	sink := &recordingSink{}
	b := audit.NewBroker(sink, audit.BrokerOptions{})
	defer b.Close()
	for i := range 5 {
		id := fmt.Sprint("e", i)
		if err := b.Record(t.Context(), event(id)); err != nil {
			t.Fatal(err)
		}
		if !sink.ids()[id] {
			t.Fatalf("Record(%s) returned before the sink had the event", id)
		}
	}
}

// TestBrokerGroupsConcurrentEvents holds the writer on its first batch
// while more events arrive, and checks that they are then written together
// in one call to the sink.
func TestBrokerGroupsConcurrentEvents(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	sink := &recordingSink{gate: gate}
	b := audit.NewBroker(sink, audit.BrokerOptions{})
	defer b.Close()

	var wg sync.WaitGroup
	errs := make(chan error, 101)
	wg.Go(func() { errs <- b.Record(t.Context(), event("first")) })
	// Wait until the writer has taken "first" and is blocked in the sink.
	waitFor(t, func() bool { return b.Stats().Batches == 1 })
	for i := range 100 {
		wg.Go(func() { errs <- b.Record(t.Context(), event(fmt.Sprint("e", i))) })
	}
	// Let the 100 queue up behind the held batch.
	waitFor(t, func() bool { return b.Stats().Pending == 100 })
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st := b.Stats()
	if st.Events != 101 {
		t.Errorf("Events = %d, want 101", st.Events)
	}
	if st.Batches != 2 {
		t.Errorf("Batches = %d, want 2 (the held one and one holding all 100 that waited)", st.Batches)
	}
	if got := len(sink.ids()); got != 101 {
		t.Errorf("sink has %d distinct events, want 101", got)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBrokerFailedBatchFailsEveryWaiter(t *testing.T) {
	t.Parallel()
	errDisk := errors.New("disk full")
	gate := make(chan struct{})
	sink := &recordingSink{gate: gate, fail: func(n int) error {
		if n == 1 {
			return errDisk
		}
		return nil
	}}
	b := audit.NewBroker(sink, audit.BrokerOptions{})
	defer b.Close()

	first := make(chan error, 1)
	go func() { first <- b.Record(t.Context(), event("first")) }()
	waitFor(t, func() bool { return b.Stats().Batches == 1 })
	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs <- b.Record(t.Context(), event(fmt.Sprint("e", i))) })
	}
	waitFor(t, func() bool { return b.Stats().Pending == n })
	close(gate)
	wg.Wait()
	close(errs)
	if err := <-first; err != nil {
		t.Fatalf("first batch: %v", err)
	}
	for err := range errs {
		if !errors.Is(err, errDisk) {
			t.Errorf("Record = %v, want an error wrapping %v", err, errDisk)
		}
	}
	if st := b.Stats(); st.Failures != 1 || st.Batches != 2 {
		t.Errorf("Stats = %+v, want 2 batches, 1 failure", st)
	}
	// The broker keeps working after a failed batch.
	if err := b.Record(t.Context(), event("after")); err != nil {
		t.Errorf("Record after a failure: %v", err)
	}
}

func TestBrokerDetachedFromRequestContext(t *testing.T) {
	t.Parallel()
	sink := &recordingSink{}
	b := audit.NewBroker(sink, audit.BrokerOptions{})
	defer b.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // the client went away before its record was written
	if err := b.Record(ctx, event("gone")); err != nil {
		t.Fatalf("Record with a cancelled request context: %v", err)
	}
	if !sink.ids()["gone"] {
		t.Fatal("the event of a cancelled request was not written")
	}
	if err := sink.ctxErrs[0]; err != nil {
		t.Errorf("the sink saw a done context (%v); writes must not inherit the request's cancellation", err)
	}
}

func TestBrokerTimeout(t *testing.T) {
	t.Parallel()
	sink := audit.SinkFunc(func(ctx context.Context, _ []model.AuditRecord) error {
		<-ctx.Done()
		return ctx.Err()
	})
	b := audit.NewBroker(sink, audit.BrokerOptions{Timeout: 10 * time.Millisecond})
	defer b.Close()
	if err := b.Record(t.Context(), event("slow")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Record on a hung sink = %v, want DeadlineExceeded", err)
	}
}

func TestBrokerSurvivesPanickingSink(t *testing.T) {
	t.Parallel()
	calls := 0
	b := audit.NewBroker(audit.SinkFunc(func(context.Context, []model.AuditRecord) error {
		calls++
		if calls == 1 {
			panic("boom")
		}
		return nil
	}), audit.BrokerOptions{})
	defer b.Close()
	if err := b.Record(t.Context(), event("a")); err == nil {
		t.Error("Record through a panicking sink succeeded")
	}
	if err := b.Record(t.Context(), event("b")); err != nil {
		t.Errorf("Record after the panic: %v", err)
	}
}

func TestBrokerCloseDrains(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	sink := &recordingSink{gate: gate}
	b := audit.NewBroker(sink, audit.BrokerOptions{MaxBatch: 3})
	const n = 10
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- b.Record(t.Context(), event(fmt.Sprint("e", i))) }()
	}
	waitFor(t, func() bool {
		st := b.Stats()
		return st.Batches == 1 && st.Pending+int(st.Events) == n
	})
	closed := make(chan error)
	go func() { closed <- b.Close() }()
	close(gate)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Record: %v", err)
		}
	}
	if got := len(sink.ids()); got != n {
		t.Errorf("after Close the sink has %d events, want %d", got, n)
	}
	for i, batch := range sink.batches {
		if len(batch) > 3 {
			t.Errorf("batch %d has %d records, more than MaxBatch 3", i, len(batch))
		}
	}
	if err := b.Record(t.Context(), event("late")); !errors.Is(err, audit.ErrClosed) {
		t.Errorf("Record after Close = %v, want ErrClosed", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// fsyncSink simulates a durable store whose commit costs one fsync of
// about a millisecond, whatever the batch size.
type fsyncSink struct{ d time.Duration }

func (s fsyncSink) AppendAuditEvents(context.Context, []model.AuditRecord) error {
	if s.d > 0 {
		time.Sleep(s.d)
	}
	return nil
}

// BenchmarkBroker reports events/s through a broker whose sink takes 1 ms
// per batch, with 1, 8 and 64 concurrent callers. Without group commit the
// rate could not exceed 1000 events/s at any concurrency.
//
// The fsync=0 cases measure the broker's own overhead (queueing, waking,
// one goroutine switch each way) with a sink that costs nothing.
func BenchmarkBroker(b *testing.B) {
	for _, fsync := range []time.Duration{time.Millisecond, 0} {
		for _, conc := range []int{1, 8, 64} {
			benchmarkBroker(b, fsync, conc)
		}
	}
}

func benchmarkBroker(b *testing.B, fsync time.Duration, conc int) {
	b.Run(fmt.Sprintf("fsync=%v/conc=%d", fsync, conc), func(b *testing.B) {
		br := audit.NewBroker(fsyncSink{fsync}, audit.BrokerOptions{})
		defer br.Close()
		ev := event("bench")
		rec, err := ev.Record()
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		start := time.Now()
		var wg sync.WaitGroup
		per := b.N/conc + 1
		for range conc {
			wg.Go(func() {
				for range per {
					if err := br.Append(context.Background(), rec); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		el := time.Since(start)
		st := br.Stats()
		b.ReportMetric(float64(st.Events)/el.Seconds(), "events/s")
		b.ReportMetric(float64(st.Events)/float64(st.Batches), "events/batch")
	})
}
