package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"abacus/internal/model"
	"abacus/internal/store"
)

// errTxDone is returned when a transaction is used after its callback
// returned.
var errTxDone = errors.New("store: transaction used after its callback returned")

// errReadOnly is returned when a View transaction is used to write.
var errReadOnly = errors.New("store: write in a read-only transaction")

// tx implements [store.Tx]; View hands it out as [store.ReadTx].
type tx struct {
	tx      *sql.Tx
	stmts   *stmtCache
	write   bool
	done    bool
	changes []store.Change
}

var _ store.Tx = (*tx)(nil)

func (t *tx) check() error {
	if t.done {
		return errTxDone
	}
	return nil
}

func (t *tx) checkWrite() error {
	if t.done {
		return errTxDone
	}
	if !t.write {
		return errReadOnly
	}
	return nil
}

func (t *tx) announce(acct model.AccountID, kind store.ChangeKind, name string) {
	t.changes = append(t.changes, store.Change{Account: acct, Kind: kind, Name: name})
}

// exec, query and queryRow run q, through a statement prepared when the
// store opened if q is one of the hot queries.
func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmts.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmts.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmts.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// stmtCache holds statements prepared on a *sql.DB when the store opens;
// database/sql re-prepares each on a connection the first time a
// transaction there uses it (Tx.StmtContext does that on the transaction's
// own connection) and reuses it afterwards. Statements cannot be prepared
// lazily from inside a transaction: DB.PrepareContext needs a free
// connection, and the writer has only the one the transaction holds. It is
// read-only after open, so safe for concurrent use.
type stmtCache struct {
	m map[string]*sql.Stmt
}

func (c *stmtCache) prepare(ctx context.Context, db *sql.DB, queries []string) error {
	c.m = make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		c.m[q] = st
	}
	return nil
}

func (c *stmtCache) get(q string) *sql.Stmt { return c.m[q] }

func (c *stmtCache) close() error {
	var errs []error
	for _, st := range c.m {
		errs = append(errs, st.Close())
	}
	c.m = nil
	return errors.Join(errs...)
}

// nameKey is the case-folded form of an IAM name. IAM names are ASCII
// ([\w+=,.@-]), so ASCII folding is exact.
func nameKey(name string) string { return strings.ToLower(name) }

// nanos converts t to stored Unix nanoseconds, 0 for the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos is the inverse of nanos, in UTC.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// encodeMarker and decodeMarker make opaque, stable list markers: the
// sort key of the last item returned.
func encodeMarker(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

func decodeMarker(m string, n int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return nil, fmt.Errorf("marker: %w", store.ErrInvalidToken)
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != n {
		return nil, fmt.Errorf("marker: %w", store.ErrInvalidToken)
	}
	return parts, nil
}

// isConstraint reports whether err is a uniqueness violation.
func isConstraint(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		c := e.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c&0xff == sqlite3.SQLITE_CONSTRAINT
	}
	return false
}

// notFound wraps store.ErrNotFound with what was looked for.
func notFound(what string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(what, args...), store.ErrNotFound)
}

// pathFilter returns the SQL condition and arguments for an IAM path
// prefix; "" and "/" keep everything.
func pathFilter(col, prefix string) (string, []any) {
	if prefix == "" || prefix == "/" {
		return "", nil
	}
	return fmt.Sprintf(" AND substr(%s, 1, ?) = ?", col), []any{len(prefix), prefix}
}

// rowsErr closes rows and returns the first error of iterating them.
func rowsErr(rows *sql.Rows, err error) error {
	return errors.Join(err, rows.Err(), rows.Close())
}
