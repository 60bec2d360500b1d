package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

func rawDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile)+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsAppliedOnce(t *testing.T) {
	dir := t.TempDir()
	for range 3 {
		s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db := rawDB(t, dir)
	rows, err := db.Query("SELECT version, name FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			t.Fatal(err)
		}
		got = append(got, name)
	}
	files, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range files {
		_, name, _ := strings.Cut(strings.TrimSuffix(f.Name(), ".sql"), "_")
		want = append(want, name)
	}
	if d := cmp.Diff(want, got); d != "" || got[0] != "init" {
		t.Fatalf("schema_migrations (-want +got):\n%s", d)
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q (%v), want wal persisted in the file", mode, err)
	}
}

// TestMigrationsUpgrade: a database at an older version gets the missing
// migrations, in order, when it opens.
func TestMigrationsUpgrade(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Take the database back to version 1.
	db := rawDB(t, dir)
	for _, q := range []string{"DROP INDEX resources_global", "DELETE FROM schema_migrations WHERE version > 1"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err = sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db = rawDB(t, dir)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'resources_global'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("index of migration 2 after upgrade: %d (%v)", n, err)
	}
	if err := db.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&n); err != nil || n < 2 {
		t.Fatalf("schema version after upgrade: %d (%v)", n, err)
	}
}

func TestMigrationsRefuseNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, dir)
	if _, err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("Open on a newer schema: %v", err)
	}
	// The failed Open released the data dir lock: trying again fails the
	// same way, not with ErrLocked.
	_, err = sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err == nil || errors.Is(err, sqlite.ErrLocked) || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("second Open on a newer schema: %v", err)
	}
}

// FuzzListMarker: arbitrary markers and next tokens never panic and are
// either accepted or rejected with ErrInvalidToken.
func FuzzListMarker(f *testing.F) {
	s, err := sqlite.Open(context.Background(), sqlite.Options{InMemory: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	const acct model.AccountID = "111111111111"
	if err := s.Update(context.Background(), func(ctx context.Context, tx store.Tx) error {
		for _, n := range []string{"a", "b", "c"} {
			if err := tx.CreateUser(ctx, acct, model.User{UserName: n, UserID: "AIDA" + strings.Repeat(n, 17), Path: "/"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		f.Fatal(err)
	}
	var seeds []string
	_ = s.View(context.Background(), func(ctx context.Context, tx store.ReadTx) error {
		p, err := tx.ListUsers(ctx, acct, store.ListOptions{MaxItems: 1})
		seeds = append(seeds, p.Marker)
		return err
	})
	seeds = append(seeds, "", "YQ", "!!", "AAAA", "eA", "YQBi", strings.Repeat("A", 100))
	for _, m := range seeds {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, marker string) {
		ok := func(err error) bool { return err == nil || errorsIs(err, store.ErrInvalidToken) }
		err := s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
			_, err := tx.ListUsers(ctx, acct, store.ListOptions{Marker: marker, MaxItems: 2})
			if !ok(err) {
				return err
			}
			_, err = tx.ListPolicies(ctx, acct, store.PolicyListOptions{ListOptions: store.ListOptions{Marker: marker}})
			if !ok(err) {
				return err
			}
			_, err = tx.ListResources(ctx, acct, "t", store.ResourceListOptions{Marker: marker, Prefix: marker})
			if !ok(err) {
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatalf("marker %q: %v", marker, err)
		}
		if _, _, err := s.LookupAuditEvents(t.Context(), acct, model.AuditQuery{NextToken: marker}); !ok(err) {
			t.Fatalf("next token %q: %v", marker, err)
		}
	})
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// TestMigrationSessionContextKeys: migration 4 moves a session's context
// keys from the sts:session-context resource that earlier versions wrote
// beside it into the session itself, and deletes those resources, also
// the ones leaked by sessions already purged. Run again, it changes
// nothing.
func TestMigrationSessionContextKeys(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Back to version 3, with data as version 3 wrote it: a Studio
	// session, a plain one, and a leaked resource of a Studio session
	// already purged. A session's document is the session without its
	// secrets (no ContextKeys member: version 3's model.Session had none,
	// and it is omitted when empty); the keys are a resource keyed by the
	// access key ID, its document the JSON of the keys, both as BLOBs.
	db := rawDB(t, dir)
	if _, err := db.Exec("DELETE FROM schema_migrations WHERE version > 3"); err != nil {
		t.Fatal(err)
	}
	exp := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, sess := range []model.Session{
		{Kind: model.SessionAssumedRole, AccessKeyID: "ASIASTUDIO0000000001", SecretAccessKey: "s1", SessionToken: "t1",
			IssuedAt: exp.Add(-time.Hour), Expiration: exp, RoleName: "exec", SessionName: "SageMaker", SourceIdentity: "alice"},
		{Kind: model.SessionAssumedRole, AccessKeyID: "ASIAPLAIN00000000001", SecretAccessKey: "s2", SessionToken: "t2",
			IssuedAt: exp.Add(-time.Hour), Expiration: exp, RoleName: "exec", SessionName: "plain"},
	} {
		sess.AccountID = "123456789012"
		doc, err := json.Marshal(sess)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(doc), "ContextKeys") {
			t.Fatalf("session document %s is not version 3's", doc)
		}
		if _, err := db.Exec("INSERT INTO sessions (id, account, secret, token, expires, doc) VALUES (?, ?, ?, ?, ?, ?)",
			sess.AccessKeyID, string(sess.AccountID), string(sess.SecretAccessKey), string(sess.SessionToken), sess.Expiration.UnixNano(), doc); err != nil {
			t.Fatal(err)
		}
	}
	for id, profile := range map[string]string{"ASIASTUDIO0000000001": "alice", "ASIAPURGED0000000001": "bob"} {
		doc, err := json.Marshal(map[string][]string{"sagemaker:DomainId": {"d-abc"}, "sagemaker:UserProfileName": {profile}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO resources (account, type, id, arn, name, status, tags, doc, created, updated, version)
			VALUES ('123456789012', 'sts:session-context', ?, '', 'SageMaker', '', ?, ?, ?, ?, 1)`,
			id, []byte("null"), doc, exp.Add(-time.Hour).UnixNano(), exp.Add(-time.Hour).UnixNano()); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for run := range 2 {
		if run == 1 {
			// Replay migration 4 on the migrated database.
			db := rawDB(t, dir)
			if _, err := db.Exec("DELETE FROM schema_migrations WHERE version = 4"); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}
		checkSessionContextKeysMigrated(t, dir)
	}
	var n int
	if err := rawDB(t, dir).QueryRow("SELECT count(*) FROM resources WHERE type = 'sts:session-context'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("sts:session-context resources after migration: %d (%v), want none", n, err)
	}
}

func checkSessionContextKeysMigrated(t *testing.T, dir string) {
	t.Helper()
	s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
		studio, err := tx.GetSession(ctx, "ASIASTUDIO0000000001")
		if err != nil {
			return err
		}
		want := map[string][]string{"sagemaker:DomainId": {"d-abc"}, "sagemaker:UserProfileName": {"alice"}}
		if d := cmp.Diff(want, studio.ContextKeys); d != "" || studio.SourceIdentity != "alice" || studio.SessionName != "SageMaker" {
			t.Errorf("Studio session after migration: %+v; context keys (-want +got):\n%s", studio, d)
		}
		plain, err := tx.GetSession(ctx, "ASIAPLAIN00000000001")
		if err != nil {
			return err
		}
		if string(studio.SecretAccessKey) != "s1" || string(studio.SessionToken) != "t1" {
			t.Errorf("Studio session's secrets after migration: %q, %q", studio.SecretAccessKey, studio.SessionToken)
		}
		if plain.ContextKeys != nil || plain.SessionName != "plain" {
			t.Errorf("plain session after migration: %+v, want no context keys", plain)
		}
		_, err = tx.GetResource(ctx, "123456789012", "sts:session-context", "ASIASTUDIO0000000001")
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the sts:session-context resource after migration: %v, want it deleted", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
