package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"abacus/internal/model"
	"abacus/internal/store"
)

const (
	insertAuditEvent = `INSERT OR IGNORE INTO audit_events (event_id, account, event_time, event_name, event_source,
		username, access_key_id, source_identity, read_only, error_code, denied, resources, event)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertAuditResource = "INSERT INTO audit_resources (event_id, account, event_time, type, name) VALUES (?, ?, ?, ?, ?)"
)

// nullJSON is the stored resources column of an event without resources:
// what json.Marshal writes for a nil slice.
var nullJSON = []byte("null")

// AppendAuditEvents implements [store.AuditEvents]: the batch is one
// transaction, on disk when this returns nil.
func (s *Store) AppendAuditEvents(ctx context.Context, recs []model.AuditRecord) error {
	if len(recs) == 0 {
		return nil
	}
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append audit events: %w", err)
	}
	defer func() { _ = sqlTx.Rollback() }()
	// Bind the two statements to the transaction once per batch, not once
	// per row.
	insEvent, err := s.txStmt(ctx, sqlTx, insertAuditEvent)
	if err != nil {
		return fmt.Errorf("append audit events: %w", err)
	}
	var insResource *sql.Stmt
	for _, r := range recs {
		if r.EventID == "" || r.AccountID == "" || r.EventTime.IsZero() {
			return fmt.Errorf("append audit events: record without event ID, account or time (%q)", r.EventID)
		}
		resources := nullJSON // most events name no resource
		if r.Resources != nil {
			if resources, err = json.Marshal(r.Resources); err != nil {
				return fmt.Errorf("append audit events: %w", err)
			}
		}
		event := r.Event
		if event == nil {
			event = []byte{}
		}
		at := r.EventTime.UnixNano()
		res, err := insEvent.ExecContext(ctx, r.EventID, string(r.AccountID), at, r.EventName, r.EventSource, r.Username,
			r.AccessKeyID, r.SourceIdentity, r.ReadOnly, r.ErrorCode, r.Denied, resources, event)
		if err != nil {
			return fmt.Errorf("append audit event %s: %w", r.EventID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // already stored: a retried batch
		}
		if len(r.Resources) > 0 && insResource == nil {
			if insResource, err = s.txStmt(ctx, sqlTx, insertAuditResource); err != nil {
				return fmt.Errorf("append audit events: %w", err)
			}
		}
		for _, rr := range r.Resources {
			if _, err := insResource.ExecContext(ctx, r.EventID, string(r.AccountID), at, rr.Type, rr.Name); err != nil {
				return fmt.Errorf("append audit event %s: %w", r.EventID, err)
			}
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("append audit events: commit: %w", err)
	}
	return nil
}

// txStmt returns q, prepared when the store opened, bound to sqlTx; a
// query that was not prepared then is prepared now, on sqlTx's connection.
// Either way the statement is closed with the transaction.
func (s *Store) txStmt(ctx context.Context, sqlTx *sql.Tx, q string) (*sql.Stmt, error) {
	if st := s.ws.get(q); st != nil {
		return sqlTx.StmtContext(ctx, st), nil
	}
	return sqlTx.PrepareContext(ctx, q)
}

// sameEvent correlates an audit_resources row with its event by every
// remaining column of the (account, type | name, event_time, event_id)
// indexes, so that the match is one index probe.
const sameEvent = " AND r.event_time = audit_events.event_time AND r.event_id = audit_events.event_id"

// queryFingerprint identifies the filters of q so that a next token is
// only accepted with the query that produced it, as CloudTrail requires.
func queryFingerprint(acct model.AccountID, q model.AuditQuery) string {
	h := fnv.New64a()
	ro := "-"
	if q.ReadOnly != nil {
		ro = strconv.FormatBool(*q.ReadOnly)
	}
	for _, s := range []string{string(acct), strconv.FormatInt(nanos(q.StartTime), 10), strconv.FormatInt(nanos(q.EndTime), 10),
		q.EventID, q.EventName, q.EventSource, q.Username, q.AccessKeyID, q.ResourceType, q.ResourceName, ro,
		q.SourceIdentity, q.ErrorCode, strconv.FormatBool(q.DeniedOnly)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

// lookupQuery returns the query of one page of a lookup and its
// arguments: the account, the time bounds, the filters of q and, when after
// is set, the keyset position (event_time, event_id) to continue below;
// newest first, at most limit events. Each filter has an index that
// delivers the events in that order, so a page costs the events it reads,
// however long the trail (TestAuditLookupPlans).
func lookupQuery(acct model.AccountID, q model.AuditQuery, after []any, limit int) (string, []any) {
	var where strings.Builder
	where.WriteString("account = ?")
	args := []any{string(acct)}
	add := func(cond string, v any) {
		where.WriteString(" AND " + cond)
		args = append(args, v)
	}
	if !q.StartTime.IsZero() {
		add("event_time >= ?", q.StartTime.UnixNano())
	}
	if !q.EndTime.IsZero() {
		add("event_time <= ?", q.EndTime.UnixNano())
	}
	for _, f := range []struct{ col, v string }{
		{"event_id", q.EventID}, {"event_name", q.EventName}, {"event_source", q.EventSource},
		{"username", q.Username}, {"access_key_id", q.AccessKeyID}, {"source_identity", q.SourceIdentity},
		{"error_code", q.ErrorCode},
	} {
		if f.v != "" {
			add(f.col+" = ?", f.v)
		}
	}
	// The indexes by source identity and error code are partial (most
	// events have neither); SQLite uses a partial index only for a WHERE
	// that implies its condition, which "= ?" does not prove
	// (https://www.sqlite.org/partialindex.html).
	if q.SourceIdentity != "" {
		where.WriteString(" AND source_identity <> ''")
	}
	if q.ErrorCode != "" {
		where.WriteString(" AND error_code <> ''")
	}
	if q.ResourceType != "" {
		where.WriteString(" AND EXISTS (SELECT 1 FROM audit_resources r WHERE r.account = ? AND r.type = ?" + sameEvent + ")")
		args = append(args, string(acct), q.ResourceType)
	}
	if q.ResourceName != "" {
		where.WriteString(" AND EXISTS (SELECT 1 FROM audit_resources r WHERE r.account = ? AND r.name = ?" + sameEvent + ")")
		args = append(args, string(acct), q.ResourceName)
	}
	if q.ReadOnly != nil {
		add("read_only = ?", *q.ReadOnly)
	}
	if q.DeniedOnly {
		where.WriteString(" AND denied = 1")
	}
	if after != nil {
		where.WriteString(" AND (event_time, event_id) < (?, ?)")
		args = append(args, after...)
	}
	query := `SELECT event_id, account, event_time, event_name, event_source, username, access_key_id, source_identity,
		read_only, error_code, denied, resources, event FROM audit_events WHERE ` + where.String() +
		" ORDER BY event_time DESC, event_id DESC LIMIT ?"
	return query, append(args, limit)
}

// LookupAuditEvents implements [store.AuditEvents].
func (s *Store) LookupAuditEvents(ctx context.Context, acct model.AccountID, q model.AuditQuery) ([]model.AuditRecord, string, error) {
	limit := q.MaxResults
	if limit <= 0 || limit > store.MaxAuditResults {
		limit = store.DefaultAuditResults
		if q.MaxResults > store.MaxAuditResults {
			limit = store.MaxAuditResults
		}
	}
	fp := queryFingerprint(acct, q)
	var after []any // the keyset position a next token continues from
	if q.NextToken != "" {
		m, err := decodeMarker(q.NextToken, 3)
		if err != nil || m[0] != fp {
			return nil, "", fmt.Errorf("lookup audit events: %w", store.ErrInvalidToken)
		}
		t, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return nil, "", fmt.Errorf("lookup audit events: %w", store.ErrInvalidToken)
		}
		after = []any{t, m[2]}
	}
	query, args := lookupQuery(acct, q, after, limit+1)

	var out []model.AuditRecord
	next := ""
	err := s.View(ctx, func(ctx context.Context, rt store.ReadTx) error {
		rows, err := rt.(*tx).query(ctx, query, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if len(out) == limit {
				last := out[len(out)-1]
				next = encodeMarker(fp, strconv.FormatInt(last.EventTime.UnixNano(), 10), last.EventID)
				break
			}
			var r model.AuditRecord
			var acctCol string
			var t int64
			var resources []byte
			if err := rows.Scan(&r.EventID, &acctCol, &t, &r.EventName, &r.EventSource, &r.Username, &r.AccessKeyID,
				&r.SourceIdentity, &r.ReadOnly, &r.ErrorCode, &r.Denied, &resources, &r.Event); err != nil {
				return rowsErr(rows, err)
			}
			r.AccountID, r.EventTime = model.AccountID(acctCol), fromNanos(t)
			if len(resources) > 0 && string(resources) != "null" {
				if err := json.Unmarshal(resources, &r.Resources); err != nil {
					return rowsErr(rows, err)
				}
			}
			out = append(out, r)
		}
		return rowsErr(rows, nil)
	})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("lookup audit events: %w", err)
	}
	return out, next, nil
}
