package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"abacus/internal/model"
)

// FileSink appends each record's CloudTrail JSON as one line to a file
// (JSON Lines), for operators who tail the trail or ship it elsewhere. A
// batch is written with one write and made durable with one fsync. It only
// writes; lookups go to the store. A FileSink is safe for concurrent use.
//
// A batch that fails part-way (a full disk) may leave its first lines in
// the file; the error is returned, so the [Broker] fails every request of
// the batch.
type FileSink struct {
	mu     sync.Mutex
	f      *os.File
	closed bool
}

// OpenFileSink opens path for appending, creating it with mode 0600 (the
// trail names principals and resources) if it does not exist.
func OpenFileSink(path string) (*FileSink, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: open %s: %w", path, err)
	}
	return &FileSink{f: f}, nil
}

// AppendAuditEvents writes one line per record and syncs the file.
func (s *FileSink) AppendAuditEvents(ctx context.Context, recs []model.AuditRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	for _, r := range recs {
		if bytes.ContainsAny(r.Event, "\n\r") {
			return fmt.Errorf("audit: event %s: JSON spans lines", r.EventID)
		}
		buf.Write(r.Event)
		buf.WriteByte('\n')
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return os.ErrClosed
	}
	if _, err := s.f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("audit: write %s: %w", s.f.Name(), err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("audit: sync %s: %w", s.f.Name(), err)
	}
	return nil
}

// Close closes the file. Appends after Close fail with os.ErrClosed.
func (s *FileSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.f.Close()
}

// MultiSink returns a Sink that appends every batch to each of sinks in
// order and fails, with the errors joined, if any of them fails: an event
// is acknowledged only when every sink has it. Use it to keep a file copy
// of the trail next to the store.
func MultiSink(sinks ...Sink) Sink {
	return SinkFunc(func(ctx context.Context, recs []model.AuditRecord) error {
		var errs []error
		for _, s := range sinks {
			if err := s.AppendAuditEvents(ctx, recs); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	})
}
