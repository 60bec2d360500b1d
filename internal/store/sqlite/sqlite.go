// Package sqlite is the embedded default backend of [store.Store]: SQLite
// through the pure-Go driver modernc.org/sqlite, in WAL mode with
// synchronous=FULL, so a transaction is on disk when Update returns.
//
//	s, err := sqlite.Open(ctx, sqlite.Options{Dir: "./abacus-data"})
//	...
//	defer s.Close() // checkpoints the WAL, releases the data dir lock
//
// Writes go through one connection (SQLite has one writer at a time; BEGIN
// IMMEDIATE takes the write lock up front, so transactions never fail
// half-way on a lock upgrade). Reads go through a pool of read-only
// connections and do not wait for the writer. A lock file (flock) makes a
// second process on the same data dir fail fast.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"abacus/internal/store"
)

// Options configures [Open]. The zero value is valid and opens an
// in-memory store.
type Options struct {
	// Dir is the data directory; it is created if missing. Ignored when
	// InMemory is set.
	Dir string
	// InMemory keeps nothing after Close. It runs the same code on a
	// database in a fresh temporary directory that Close deletes: a
	// shared-cache ":memory:" database would use table-level locks that
	// fail with SQLITE_LOCKED under concurrency instead of waiting, and
	// would not exercise WAL, so tests against it would test a different
	// store. Durability is not needed, so it runs with synchronous=OFF.
	InMemory bool
	// Logger receives lifecycle messages; nil discards them.
	Logger *slog.Logger
	// BusyTimeout bounds how long a connection waits for a lock held by
	// another connection (e.g. a checkpoint); 0 means 5 s.
	BusyTimeout time.Duration
	// MaxReaders bounds the read connection pool; 0 means 4.
	MaxReaders int
	// Now is the clock for bookkeeping timestamps (when a migration was
	// applied); nil means time.Now.
	Now func() time.Time
	// FeedBacklog bounds each change-feed subscriber's queue; 0 means
	// [store.DefaultFeedBacklog].
	FeedBacklog int
}

// DBFile and LockFile are the names of the database and the lock file in
// the data dir.
const (
	DBFile   = "abacus.db"
	LockFile = "abacus.lock"
)

// ErrLocked is returned (wrapped, with the dir and the other process's pid)
// by [Open] when another process holds the data dir.
var ErrLocked = errors.New("data dir is locked")

// Store is the SQLite [store.Store]. It is safe for concurrent use.
type Store struct {
	w, r   *sql.DB
	ws, rs stmtCache // prepared statements of w and r
	feed   store.Feed
	lock   *os.File
	dir    string
	temp   bool
	log    *slog.Logger
	closed sync.Once
	cerr   error
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the store in opts.Dir, takes the data dir
// lock and applies pending migrations.
func Open(ctx context.Context, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{log: log, feed: store.Feed{Backlog: opts.FeedBacklog}}
	syncMode := "FULL"
	if opts.InMemory || opts.Dir == "" {
		d, err := os.MkdirTemp("", "abacus-mem-")
		if err != nil {
			return nil, fmt.Errorf("open in-memory store: %w", err)
		}
		s.dir, s.temp, syncMode = d, true, "OFF"
	} else {
		if strings.ContainsAny(opts.Dir, "?") {
			return nil, fmt.Errorf("open store: data dir %q must not contain '?'", opts.Dir)
		}
		if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		s.dir = opts.Dir
	}
	fail := func(err error) (*Store, error) {
		s.release()
		return nil, err
	}
	lf, err := lockDir(s.dir)
	if err != nil {
		return fail(err)
	}
	s.lock = lf

	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	path := filepath.Join(s.dir, DBFile)
	common := fmt.Sprintf("_busy_timeout=%d&_synchronous=%s&_foreign_keys=0", busy.Milliseconds(), syncMode)
	// WAL is a property of the database file: the writer sets it, readers
	// find it.
	s.w, err = sql.Open("sqlite", path+"?"+common+"&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return fail(fmt.Errorf("open store: %w", err))
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)
	// Migrations first, through the writer: the readers' query_only
	// connections must find the WAL-mode database already in place.
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if err := migrate(ctx, s.w, now, log); err != nil {
		return fail(fmt.Errorf("open store: %w", err))
	}
	if err := checkPragmas(ctx, s.w, syncMode); err != nil {
		return fail(fmt.Errorf("open store: %w", err))
	}
	readers := opts.MaxReaders
	if readers <= 0 {
		readers = 4
	}
	s.r, err = sql.Open("sqlite", path+"?"+common+"&_query_only=1")
	if err != nil {
		return fail(fmt.Errorf("open store: %w", err))
	}
	s.r.SetMaxOpenConns(readers)
	s.r.SetMaxIdleConns(readers)
	s.r.SetConnMaxIdleTime(0)
	if err := s.ws.prepare(ctx, s.w, writeQueries); err != nil {
		return fail(fmt.Errorf("open store: %w", err))
	}
	if err := s.rs.prepare(ctx, s.r, readQueries); err != nil {
		return fail(fmt.Errorf("open store: %w", err))
	}
	log.LogAttrs(ctx, slog.LevelInfo, "store opened", slog.String("dir", s.dir), slog.Bool("in_memory", s.temp))
	return s, nil
}

// checkPragmas verifies that the connection runs with the journal mode and
// synchronous setting that durability depends on.
func checkPragmas(ctx context.Context, db *sql.DB, syncMode string) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	var syn int
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&syn); err != nil {
		return err
	}
	want := map[string]int{"OFF": 0, "NORMAL": 1, "FULL": 2}[syncMode]
	if !strings.EqualFold(mode, "wal") || syn != want {
		return fmt.Errorf("sqlite runs with journal_mode=%s synchronous=%d, want wal and %d", mode, syn, want)
	}
	return nil
}

// Dir returns the data directory (a temporary one for in-memory stores).
func (s *Store) Dir() string { return s.dir }

// Close checkpoints the WAL into the database file, closes the database,
// closes change-feed subscriptions, releases the data dir lock and, for an
// in-memory store, deletes its directory. Close is idempotent.
func (s *Store) Close() error {
	s.closed.Do(func() {
		s.feed.Close()
		// Readers first, so that the checkpoint can truncate the WAL.
		errs := []error{s.closeReaders()}
		if s.w != nil && !s.temp {
			if _, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				errs = append(errs, fmt.Errorf("checkpoint: %w", err))
			}
		}
		s.cerr = errors.Join(append(errs, s.release())...)
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "store closed", slog.String("dir", s.dir))
	})
	return s.cerr
}

func (s *Store) closeReaders() error {
	if s.r == nil {
		return nil
	}
	err := errors.Join(s.rs.close(), s.r.Close())
	s.r = nil
	return err
}

// release closes the database, drops the lock and removes a temporary
// dir.
func (s *Store) release() error {
	errs := []error{s.closeReaders()}
	if s.w != nil {
		errs = append(errs, s.ws.close(), s.w.Close())
	}
	if s.lock != nil {
		errs = append(errs, unlockDir(s.lock))
	}
	if s.temp {
		errs = append(errs, os.RemoveAll(s.dir))
	}
	return errors.Join(errs...)
}

// Subscribe implements [store.ChangeFeed]: changes are announced in
// process right after their transaction commits.
func (s *Store) Subscribe() store.Subscription { return s.feed.Subscribe() }

// Update implements [store.Store].
func (s *Store) Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) (err error) {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &tx{tx: sqlTx, stmts: &s.ws, write: true}
	defer func() {
		t.done = true
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(ctx, t); err != nil {
		if rerr := sqlTx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.feed.Publish(t.changes)
	return nil
}

// View implements [store.Store].
func (s *Store) View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error {
	sqlTx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &tx{tx: sqlTx, stmts: &s.rs}
	defer func() {
		t.done = true
		_ = sqlTx.Rollback()
	}()
	return fn(ctx, t)
}
