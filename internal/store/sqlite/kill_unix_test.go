//go:build unix

package sqlite_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

const (
	killChildEnv = "ABACUS_STORE_KILL_CHILD_DIR"
	killMaxAcked = 400
)

// TestKillDuringWrites runs a child process (this test binary) that writes
// from several goroutines and prints the ID of each write once it has
// returned; the
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

// killChild is the child's load: writers that each do one resource write
// and one audit batch per iteration and acknowledge the ID on stdout after
// both returned, and a reader running transactions alongside.
func killChild(dir string) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Options{Dir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(2)
	}
	const writers = 4
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	go func() {
		for {
			_ = s.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
				_, err := tx.ListResources(ctx, "111111111111", "kill-test", store.ResourceListOptions{MaxItems: 50})
				return err
			})
		}
	}()
	for g := range writers {
		go func() {
			for i := range killMaxAcked / writers {
				id := fmt.Sprintf("w%d-%d", g, i)
				err := s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
					_, err := tx.CreateResource(ctx, "111111111111", model.Resource{Type: "kill-test", ID: id, Document: []byte(`{"n":` + strconv.Itoa(i) + `}`)})
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
				mu.Lock()
				fmt.Fprintln(w, "acked", id)
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	// Not killed in time: wait to be killed so the parent sees SIGKILL.
	time.Sleep(time.Minute)
	os.Exit(3)
}
