package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"abacus/internal/model"
)

// ErrClosed is returned by [Broker.Record] after [Broker.Close].
var ErrClosed = errors.New("audit: broker closed")

// BrokerOptions configure a [Broker]. The zero value is valid.
type BrokerOptions struct {
	// Timeout bounds one batch write; 0 means 10 seconds. Writes run under
	// a context of their own, detached from every request, so a client
	// that disconnects cannot cancel the write of its own audit record.
	Timeout time.Duration
	// MaxBatch is the largest number of records written in one call to
	// the sink; 0 means 512.
	MaxBatch int
	// Logger receives write failures (event IDs and the error, never the
	// events); nil discards.
	Logger *slog.Logger
	// Linger bounds how long the writer waits for more events before it
	// writes a batch; 0 means [DefaultLinger], a negative value never
	// waits. It waits only under load, when the previous batch held more
	// than one event, and only until the batch is twice the previous
	// one's size, so a lone request is never delayed; under load larger
	// batches spread one commit (its WAL frames and its fsync) over more
	// events.
	Linger time.Duration
}

// DefaultLinger is the writer's default [BrokerOptions.Linger]. With a
// fixed number of clients the doubled batch is often out of reach (every
// client already waits in the batch being gathered or the one being
// written), so the writer waits the whole Linger before each write and the
// bound is a cost paid per batch, not only a cap: measured with 32
// concurrent GetCallerIdentity clients on 2 cores (docs/benchmarks.md,
// "Server round trip"), 500µs gave 14.3k requests/s, 200µs 18.5k, 100µs
// 19.0k, 50µs 18.7k and no linger at all 16.4k (batches of 11 events
// instead of 14, so more commits).
const DefaultLinger = 100 * time.Microsecond

// BrokerStats counts a broker's work since it started.
type BrokerStats struct {
	Events   uint64 // records handed to the sink, in successful batches or not
	Batches  uint64 // calls to the sink
	Failures uint64 // calls to the sink that failed
	Pending  int    // events accepted and waiting for the writer
}

// Broker writes events to a [Sink] with group commit: [Broker.Record]
// blocks until its event is durable, and a single writer goroutine writes
// whatever events are pending as one batch, one AppendAuditEvents call, then
// wakes their callers. While one batch is being written the next one
// gathers, so under concurrency many requests share one transaction (and
// one fsync) without any added delay for a lone request. Under load (the
// previous batch held several events) the writer also lingers briefly, up
// to [BrokerOptions.Linger], for the batch to reach twice the previous size,
// so that batches grow with the load instead of settling at half of it.
//
// A Broker is safe for concurrent use. Close it to stop the writer; Close
// waits until every accepted event has been written.
type Broker struct {
	sink    Sink
	timeout time.Duration
	max     int
	linger  time.Duration
	log     *slog.Logger

	mu     sync.RWMutex // guards closed and sends on queue
	closed bool
	queue  chan *pending
	done   chan struct{}

	events, batches, failures atomic.Uint64
}

type pending struct {
	rec  model.AuditRecord
	errc chan error // buffered, receives exactly one value
}

// NewBroker starts a broker writing to sink.
func NewBroker(sink Sink, opts BrokerOptions) *Broker {
	b := &Broker{
		sink:    sink,
		timeout: opts.Timeout,
		max:     opts.MaxBatch,
		linger:  opts.Linger,
		log:     opts.Logger,
		done:    make(chan struct{}),
	}
	if b.linger == 0 {
		b.linger = DefaultLinger
	}
	if b.timeout <= 0 {
		b.timeout = 10 * time.Second
	}
	if b.max <= 0 {
		b.max = 512
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	b.queue = make(chan *pending, 4*b.max)
	go b.run()
	return b
}

// Record writes ev and returns once it is durable, or with the error that
// the batch holding it failed with. Cancelling ctx does not abandon the
// record: Record waits for the write, which its own timeout bounds, because
// nothing may be acknowledged to a client before its audit event is
// committed. It returns [ErrClosed] after Close.
func (b *Broker) Record(ctx context.Context, ev Event) error {
	rec, err := ev.Record()
	if err != nil {
		return err
	}
	return b.Append(ctx, rec)
}

// Append is [Broker.Record] for an event already converted with
// [Event.Record].
func (b *Broker) Append(_ context.Context, rec model.AuditRecord) error {
	p := &pending{rec: rec, errc: make(chan error, 1)}
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return ErrClosed
	}
	b.queue <- p
	b.mu.RUnlock()
	return <-p.errc
}

// Close stops accepting events, waits until every accepted event is
// written and stops the writer. It is safe to call more than once.
func (b *Broker) Close() error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	<-b.done
	return nil
}

// Stats returns the broker's counters.
func (b *Broker) Stats() BrokerStats {
	return BrokerStats{
		Events: b.events.Load(), Batches: b.batches.Load(), Failures: b.failures.Load(),
		Pending: len(b.queue),
	}
}

func (b *Broker) run() {
	defer close(b.done)
	batch := make([]*pending, 0, b.max)
	recs := make([]model.AuditRecord, 0, b.max)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	last := 0 // size of the previous batch
	for p := range b.queue {
		batch = append(batch[:0], p)
		open := b.gather(&batch)
		if want := min(2*last, b.max); open && b.linger > 0 && last > 1 && len(batch) < want {
			b.lingerFor(&batch, want, timer)
		}
		last = len(batch)
		recs = recs[:0]
		for _, q := range batch {
			recs = append(recs, q.rec)
		}
		err := b.write(recs)
		for i, q := range batch {
			q.errc <- err
			batch[i] = nil
		}
		clear(recs)
		// Let the callers just woken submit their next events before the
		// next batch is gathered, so that steady concurrent load forms one
		// batch per write instead of two alternating half-size ones.
		runtime.Gosched()
	}
}

// gather adds the events already queued to batch, up to the batch limit,
// without waiting; it reports false when the queue is closed.
func (b *Broker) gather(batch *[]*pending) bool {
	for len(*batch) < b.max {
		select {
		case q, ok := <-b.queue:
			if !ok {
				return false
			}
			*batch = append(*batch, q)
		default:
			return true
		}
	}
	return true
}

// lingerFor waits for events until batch holds want of them or the linger
// time has passed.
func (b *Broker) lingerFor(batch *[]*pending, want int, timer *time.Timer) {
	timer.Reset(b.linger)
	defer timer.Stop()
	for len(*batch) < want {
		select {
		case q, ok := <-b.queue:
			if !ok {
				return
			}
			*batch = append(*batch, q)
		case <-timer.C:
			return
		}
	}
}

func (b *Broker) write(recs []model.AuditRecord) error {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	b.batches.Add(1)
	b.events.Add(uint64(len(recs)))
	err := b.append(ctx, recs)
	if err == nil {
		return nil
	}
	b.failures.Add(1)
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.EventID
	}
	b.log.LogAttrs(ctx, slog.LevelError, "audit write failed",
		slog.Int("events", len(recs)), slog.Any("event_ids", ids), slog.String("error", err.Error()))
	return fmt.Errorf("audit: write %d events: %w", len(recs), err)
}

// append calls the sink, turning a panic into an error so that the writer
// survives a faulty sink and no caller waits forever.
func (b *Broker) append(ctx context.Context, recs []model.AuditRecord) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("audit: sink panicked: %v", p)
		}
	}()
	return b.sink.AppendAuditEvents(ctx, recs)
}
