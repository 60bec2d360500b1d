package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

// TestPurgedStudioSessionLeavesNoRow is the regression test for the
// sts:session-context leak: a Studio session's context keys were a
// resource of their own that the purge of expired sessions left behind,
// one row per credential refresh. Now they are part of the session, so
// once an expired Studio session is purged no row in any table names its
// access key ID or holds its keys, and a live one is untouched.
func TestPurgedStudioSessionLeavesNoRow(t *testing.T) {
	t.Parallel()
	const acct model.AccountID = "111111111111"
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	studio := func(id, profile string, exp time.Time) model.Session {
		return model.Session{Kind: model.SessionAssumedRole, AccessKeyID: id, SecretAccessKey: model.Secret("secret-" + profile), SessionToken: model.Secret("token-" + profile),
			IssuedAt: exp.Add(-time.Hour), Expiration: exp, RoleARN: "arn:aws:iam::111111111111:role/studio-exec",
			RoleID: "AROA00000000000000001", RoleName: "studio-exec", SessionName: "SageMaker", SourceIdentity: profile,
			ContextKeys: map[string][]string{"sagemaker:DomainId": {"d-studio" + profile}, "sagemaker:UserProfileName": {profile}}}
	}
	expired := studio("ASIAEXPIREDSTUDIO001", "alice", now.Add(-time.Second))
	live := studio("ASIALIVESTUDIO000001", "bob", now.Add(time.Hour))

	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutSession(ctx, acct, expired); err != nil {
			return err
		}
		return tx.PutSession(ctx, acct, live)
	}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		var err error
		n, err = tx.PurgeExpiredSessions(ctx, now)
		return err
	}); err != nil || n != 1 {
		t.Fatalf("purged %d sessions (%v), want 1", n, err)
	}
	if err := s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetSession(ctx, live.AccessKeyID)
		if err != nil {
			return err
		}
		if got.ContextKeys["sagemaker:UserProfileName"][0] != "bob" {
			t.Errorf("live session's context keys after the purge: %v", got.ContextKeys)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Every value of every row of every table, as text.
	db := rawDB(t, dir)
	tables, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var name string
		if err := tables.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := tables.Err(); err != nil {
		t.Fatal(err)
	}
	tables.Close()
	found := map[string][]string{} // needle -> the tables that hold it
	for _, name := range names {
		rows, err := db.Query("SELECT * FROM " + name)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				text := fmt.Sprint(v)
				if b, ok := v.([]byte); ok {
					text = string(b)
				}
				for _, needle := range []string{expired.AccessKeyID, "d-studioalice", live.AccessKeyID, "d-studiobob"} {
					if strings.Contains(text, needle) && !slices.Contains(found[needle], name) {
						found[needle] = append(found[needle], name)
					}
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	if len(found[expired.AccessKeyID]) > 0 || len(found["d-studioalice"]) > 0 {
		t.Errorf("the purged Studio session left rows behind: key ID in %v, domain ID in %v",
			found[expired.AccessKeyID], found["d-studioalice"])
	}
	// The scan does see a session's rows: the live one is in sessions
	// only, its keys in its document.
	if fmt.Sprint(found[live.AccessKeyID]) != "[sessions]" || fmt.Sprint(found["d-studiobob"]) != "[sessions]" {
		t.Errorf("live Studio session: key ID in %v, domain ID in %v, want [sessions] for both",
			found[live.AccessKeyID], found["d-studiobob"])
	}
}
