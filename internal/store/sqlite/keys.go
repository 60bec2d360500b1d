package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
)

// userID resolves the owner of an access key: "" (the root) or a user.
func (t *tx) userID(ctx context.Context, acct model.AccountID, user string) (id, name string, err error) {
	if user == "" {
		return "", "", t.check()
	}
	e, err := t.getEntity(ctx, acct, model.EntityUser, user)
	return e.id, e.name, err
}

const keyCols = `k.account, k.id, COALESCE(e.name, ''), k.secret, k.status, k.created, k.last_used, k.last_service, k.last_region
	FROM access_keys k LEFT JOIN iam_entities e ON e.account = k.account AND e.id = k.user_id AND k.user_id <> ''`

func scanKey(r scanner) (model.AccessKey, error) {
	var k model.AccessKey
	var acct, secret, status string
	var created, used int64
	err := r.Scan(&acct, &k.AccessKeyID, &k.UserName, &secret, &status, &created, &used, &k.LastUsed.ServiceName, &k.LastUsed.Region)
	k.AccountID, k.SecretAccessKey, k.Status = model.AccountID(acct), model.Secret(secret), model.AccessKeyStatus(status)
	k.CreateDate, k.LastUsed.LastUsedDate = fromNanos(created), fromNanos(used)
	return k, err
}

func (t *tx) GetAccessKey(ctx context.Context, accessKeyID string) (model.AccessKey, error) {
	if err := t.check(); err != nil {
		return model.AccessKey{}, err
	}
	k, err := scanKey(t.queryRow(ctx, qGetAccessKey, accessKeyID))
	if errors.Is(err, sql.ErrNoRows) {
		return k, notFound("access key %s", accessKeyID)
	}
	return k, err
}

func (t *tx) ListAccessKeys(ctx context.Context, acct model.AccountID, user string) ([]model.AccessKey, error) {
	uid, _, err := t.userID(ctx, acct, user)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, "SELECT "+keyCols+" WHERE k.account = ? AND k.user_id = ? ORDER BY k.created, k.id", string(acct), uid)
	if err != nil {
		return nil, err
	}
	var out []model.AccessKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, rowsErr(rows, err)
		}
		out = append(out, k)
	}
	return out, rowsErr(rows, nil)
}

func (t *tx) CreateAccessKey(ctx context.Context, acct model.AccountID, k model.AccessKey) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	if k.AccessKeyID == "" {
		return errors.New("create access key: ID is required")
	}
	uid, _, err := t.userID(ctx, acct, k.UserName)
	if err != nil {
		return err
	}
	if k.Status == "" {
		k.Status = model.AccessKeyActive
	}
	if _, err := t.exec(ctx, `INSERT INTO access_keys (id, account, user_id, secret, status, created, last_used, last_service, last_region)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, k.AccessKeyID, string(acct), uid, string(k.SecretAccessKey), string(k.Status),
		nanos(k.CreateDate), nanos(k.LastUsed.LastUsedDate), k.LastUsed.ServiceName, k.LastUsed.Region); err != nil {
		if isConstraint(err) {
			return fmt.Errorf("create access key %s: %w", k.AccessKeyID, store.ErrConflict)
		}
		return fmt.Errorf("create access key %s: %w", k.AccessKeyID, err)
	}
	t.announce(acct, store.ChangeAccessKey, k.AccessKeyID)
	return nil
}

// updateKey runs an UPDATE or DELETE on one key of acct.
func (t *tx) updateKey(ctx context.Context, acct model.AccountID, id, q string, args ...any) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	res, err := t.exec(ctx, q, append(args, string(acct), id)...)
	if err != nil {
		return fmt.Errorf("access key %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("access key %s", id)
	}
	t.announce(acct, store.ChangeAccessKey, id)
	return nil
}

func (t *tx) UpdateAccessKeyStatus(ctx context.Context, acct model.AccountID, id string, status model.AccessKeyStatus) error {
	if status != model.AccessKeyActive && status != model.AccessKeyInactive {
		return fmt.Errorf("access key %s: invalid status %q", id, status)
	}
	return t.updateKey(ctx, acct, id, "UPDATE access_keys SET status = ? WHERE account = ? AND id = ?", string(status))
}

// RecordAccessKeyUse is bookkeeping that no cache depends on, so it is not
// announced on the change feed (it may run on every request).
func (t *tx) RecordAccessKeyUse(ctx context.Context, acct model.AccountID, id string, used model.AccessKeyLastUsed) error {
	n := len(t.changes)
	err := t.updateKey(ctx, acct, id, "UPDATE access_keys SET last_used = ?, last_service = ?, last_region = ? WHERE account = ? AND id = ?",
		nanos(used.LastUsedDate), used.ServiceName, used.Region)
	t.changes = t.changes[:n]
	return err
}

func (t *tx) DeleteAccessKey(ctx context.Context, acct model.AccountID, id string) error {
	return t.updateKey(ctx, acct, id, "DELETE FROM access_keys WHERE account = ? AND id = ?")
}

// Sessions. The secrets live in their own columns; doc holds the rest
// (model.Secret encodes as REDACTED in JSON).

func (t *tx) GetSession(ctx context.Context, accessKeyID string) (model.Session, error) {
	if err := t.check(); err != nil {
		return model.Session{}, err
	}
	var s model.Session
	var acct, secret, token string
	var doc []byte
	err := t.queryRow(ctx, qGetSession, accessKeyID).Scan(&acct, &secret, &token, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound("session %s", accessKeyID)
	}
	if err != nil {
		return s, fmt.Errorf("get session %s: %w", accessKeyID, err)
	}
	if err := json.Unmarshal(doc, &s); err != nil {
		return s, fmt.Errorf("decode session %s: %w", accessKeyID, err)
	}
	s.AccountID, s.AccessKeyID, s.SecretAccessKey, s.SessionToken = model.AccountID(acct), accessKeyID, model.Secret(secret), model.Secret(token)
	return s, nil
}

func (t *tx) PutSession(ctx context.Context, acct model.AccountID, s model.Session) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	if s.AccessKeyID == "" {
		return errors.New("put session: access key ID is required")
	}
	s.AccountID = acct
	doc, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, "INSERT INTO sessions (id, account, secret, token, expires, doc) VALUES (?, ?, ?, ?, ?, ?)",
		s.AccessKeyID, string(acct), string(s.SecretAccessKey), string(s.SessionToken), nanos(s.Expiration), doc); err != nil {
		if isConstraint(err) {
			return fmt.Errorf("put session %s: %w", s.AccessKeyID, store.ErrConflict)
		}
		return fmt.Errorf("put session %s: %w", s.AccessKeyID, err)
	}
	t.announce(acct, store.ChangeSession, s.AccessKeyID)
	return nil
}

func (t *tx) DeleteSession(ctx context.Context, acct model.AccountID, id string) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	res, err := t.exec(ctx, "DELETE FROM sessions WHERE account = ? AND id = ?", string(acct), id)
	if err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("session %s", id)
	}
	t.announce(acct, store.ChangeSession, id)
	return nil
}

func (t *tx) PurgeExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	if err := t.checkWrite(); err != nil {
		return 0, err
	}
	rows, err := t.query(ctx, "DELETE FROM sessions WHERE expires <= ? RETURNING account, id", now.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	n := 0
	for rows.Next() {
		var acct, id string
		if err := rows.Scan(&acct, &id); err != nil {
			return n, rowsErr(rows, err)
		}
		t.announce(model.AccountID(acct), store.ChangeSession, id)
		n++
	}
	return n, rowsErr(rows, nil)
}
