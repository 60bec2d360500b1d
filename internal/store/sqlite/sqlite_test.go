package sqlite_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
	"abacus/internal/store/storetest"
)

func openTemp(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func openInMemory(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestSQLite(t *testing.T) { storetest.Run(t, openTemp) }

func TestSQLiteInMemory(t *testing.T) { storetest.Run(t, openInMemory) }

func TestInMemoryLeavesNothing(t *testing.T) {
	s, err := sqlite.Open(t.Context(), sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := s.Dir()
	if _, err := os.Stat(filepath.Join(dir, sqlite.DBFile)); err != nil {
		t.Fatalf("in-memory store has no database file while open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("in-memory store dir %s still exists after Close (err %v)", dir, err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestDataDirLock(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if !errors.Is(err, sqlite.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	want := fmt.Sprintf("data dir %s is in use by another abacus process (pid %d)", dir, os.Getpid())
	if !strings.Contains(err.Error(), want) {
		t.Errorf("second Open error %q does not say %q", err, want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestReopen: data survives Close and Open, migrations are not applied
// twice, and Close leaves no WAL behind.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	s, err := sqlite.Open(ctx, sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.CreateUser(ctx, "111111111111", model.User{UserName: "alice", UserID: "AIDA00000000000000001", Path: "/"})
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, sqlite.DBFile+"-wal")); err == nil && fi.Size() > 0 {
		t.Errorf("WAL has %d bytes after Close; want it checkpointed", fi.Size())
	}
	for range 2 {
		s, err = sqlite.Open(ctx, sqlite.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
			_, err := tx.GetUser(ctx, "111111111111", "ALICE")
			return err
		}); err != nil {
			t.Fatalf("after reopen: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

const (
	killChildEnv = "ABACUS_STORE_KILL_CHILD_DIR"
	killMaxAcked = 400
)

// TestKillDuringWrites runs a child process (this test binary) that writes
// in a loop and prints the ID of each write once Update has returned; the
// parent kills it with SIGKILL mid-loop, reopens the store and checks that
// every acknowledged write is there.
func TestKillDuringWrites(t *testing.T) {
	if dir := os.Getenv(killChildEnv); dir != "" {
		killChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKillDuringWrites$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		id, ok := strings.CutPrefix(line, "acked ")
		if !ok {
			continue
		}
		acked = append(acked, id)
		if len(acked) == killMaxAcked/2 {
			// Mid-loop: the child is between or inside transactions.
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	// Keep reading what the child printed before it died: those writes
	// were acknowledged too.
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "acked "); ok {
			acked = append(acked, id)
		}
	}
	err = cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v (acked %d)", err, len(acked))
	}
	if len(acked) < killMaxAcked/2 {
		t.Fatalf("child acknowledged only %d writes", len(acked))
	}

	s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	var missing []string
	err = s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
		for _, id := range acked {
			if _, err := tx.GetResource(ctx, "111111111111", "kill-test", id); errors.Is(err, store.ErrNotFound) {
				missing = append(missing, id)
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := s.LookupAuditEvents(t.Context(), "111111111111", model.AuditQuery{EventID: "event-" + acked[len(acked)-1]})
	if err != nil || len(recs) != 1 {
		t.Errorf("audit event of the last acknowledged write: %d records, err %v", len(recs), err)
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d acknowledged writes lost after SIGKILL: %v", len(missing), len(acked), missing)
	}
	t.Logf("%d acknowledged writes survived SIGKILL", len(acked))
}

// killChild is the child's write loop: each iteration is one resource
// write and one audit batch, acknowledged on stdout after both returned.
func killChild(dir string) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Options{Dir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := range killMaxAcked {
		id := strconv.Itoa(i)
		err := s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
			_, err := tx.CreateResource(ctx, "111111111111", model.Resource{Type: "kill-test", ID: id, Document: []byte(`{"n":` + id + `}`)})
			return err
		})
		if err == nil {
			err = s.AppendAuditEvents(ctx, []model.AuditRecord{{
				EventID: "event-" + id, EventTime: time.Unix(int64(i), 0), AccountID: "111111111111", EventName: "Write",
			}})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child write:", err)
			os.Exit(2)
		}
		fmt.Fprintln(w, "acked", id)
		w.Flush()
	}
	// Not killed in time: wait to be killed so the parent sees SIGKILL.
	time.Sleep(time.Minute)
	os.Exit(3)
}

func BenchmarkStoreGetRole(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		ctx := context.Background()
		s, err := sqlite.Open(ctx, sqlite.Options{Dir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		const acct model.AccountID = "111111111111"
		if err := s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
			for i := range 1000 {
				if err := tx.CreateRole(ctx, acct, model.Role{
					RoleName: fmt.Sprintf("role-%d", i), RoleID: fmt.Sprintf("AROA%017d", i), Path: "/",
					ARN: fmt.Sprintf("arn:aws:iam::%s:role/role-%d", acct, i), MaxSessionDuration: 3600,
					AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
					Tags:                     []model.Tag{{Key: "team", Value: "ml"}},
				}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			name := "ROLE-" + strconv.Itoa(i%1000)
			if err := s.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
				_, err := tx.GetRole(ctx, acct, name)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func BenchmarkAppendAuditEvents(b *testing.B) {
	for _, size := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			ctx := context.Background()
			s, err := sqlite.Open(ctx, sqlite.Options{Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			event := []byte(strings.Repeat("x", 1200)) // about a CloudTrail record
			batch := make([]model.AuditRecord, size)
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				for j := range batch {
					n++
					batch[j] = model.AuditRecord{
						EventID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), EventTime: time.Unix(int64(n), 0),
						AccountID: "111111111111", EventName: "DescribeNotebookInstance", EventSource: "sagemaker.amazonaws.com",
						Username: "alice", AccessKeyID: "ASIAEXAMPLE000000001", SourceIdentity: "alice", ReadOnly: true,
						Resources: []model.AuditResource{{Type: "AWS::SageMaker::NotebookInstance", Name: "nb"}},
						Event:     event,
					}
				}
				if err := s.AppendAuditEvents(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
