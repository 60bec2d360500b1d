package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// BenchmarkStoreGetSession measures the credential lookup that every
// request with temporary credentials makes (before any cache).
func BenchmarkStoreGetSession(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		ctx := context.Background()
		s, err := sqlite.Open(ctx, sqlite.Options{Dir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		ids := model.IDGenerator{}
		var keys []string
		if err := s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
			for range 1000 {
				id, err := ids.TemporaryAccessKeyID()
				if err != nil {
					return err
				}
				keys = append(keys, id)
				if err := tx.PutSession(ctx, "111111111111", model.Session{
					Kind: model.SessionAssumedRole, AccessKeyID: id, SecretAccessKey: "secret", SessionToken: "token",
					Expiration: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), RoleARN: "arn:aws:iam::111111111111:role/exec", RoleName: "exec",
					SessionName: "alice", SourceIdentity: "alice", Tags: []model.Tag{{Key: "team", Value: "ml"}},
				}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			id := keys[i%len(keys)]
			if err := s.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
				_, err := tx.GetSession(ctx, id)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
