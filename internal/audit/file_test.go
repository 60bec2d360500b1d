package audit_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/audit"
	"abacus/internal/audit/audittest"
	"abacus/internal/model"
)

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, audit.MaxEventSize+1)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestFileSink(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "trail.jsonl")
	s, err := audit.OpenFileSink(path)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	var recs []model.AuditRecord
	for i := range 3 {
		rec, err := event(fmt.Sprint("e", i)).Record()
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
		want = append(want, string(rec.Event))
	}
	if err := s.AppendAuditEvents(context.Background(), recs[:2]); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAuditEvents(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAuditEvents(context.Background(), recs[2:]); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, readLines(t, path)); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	bad := recs[0]
	bad.Event = []byte("{\n}")
	if err := s.AppendAuditEvents(context.Background(), []model.AuditRecord{bad}); err == nil {
		t.Error("a multi-line event was accepted")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAuditEvents(context.Background(), recs[:1]); !errors.Is(err, os.ErrClosed) {
		t.Errorf("append after Close = %v, want os.ErrClosed", err)
	}
	// Reopening appends.
	s2, err := audit.OpenFileSink(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.AppendAuditEvents(context.Background(), recs[:1]); err != nil {
		t.Fatal(err)
	}
	if n := len(readLines(t, path)); n != 4 {
		t.Errorf("%d lines after reopening and appending, want 4", n)
	}
}

func TestFileSinkWithBrokerConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "trail.jsonl")
	fs, err := audit.OpenFileSink(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	mem := audittest.NewMemory()
	b := audit.NewBroker(audit.MultiSink(mem, fs), audit.BrokerOptions{})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if err := b.Record(context.Background(), event(fmt.Sprint("e", i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	b.Close()
	if n := len(readLines(t, path)); n != 50 {
		t.Errorf("file has %d lines, want 50", n)
	}
	got, _, err := mem.LookupAuditEvents(context.Background(), acct, model.AuditQuery{MaxResults: 100})
	if err != nil || len(got) != 50 {
		t.Errorf("store has %d events (%v), want 50", len(got), err)
	}
}

func TestMultiSinkFailsIfAnyFails(t *testing.T) {
	t.Parallel()
	errDown := errors.New("down")
	var calls []string
	ok := audit.SinkFunc(func(context.Context, []model.AuditRecord) error { calls = append(calls, "ok"); return nil })
	bad := audit.SinkFunc(func(context.Context, []model.AuditRecord) error { calls = append(calls, "bad"); return errDown })
	err := audit.MultiSink(ok, bad, ok).AppendAuditEvents(context.Background(), []model.AuditRecord{{EventID: "e"}})
	if !errors.Is(err, errDown) {
		t.Errorf("error = %v, want %v", err, errDown)
	}
	if diff := cmp.Diff([]string{"ok", "bad", "ok"}, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
