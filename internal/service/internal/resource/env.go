package resource

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"time"

	"abacus/internal/op"
	"abacus/internal/store"
)

// Store is the slice of storage the package reads and writes through. Each
// service declares its own Store next to its code; a value of that
// interface satisfies this one.
type Store interface {
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
	Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
}

// Env is what a service's operations run with. A service fills it from its
// Options and calls [Env.WithDefaults] once, in its constructor; after that
// it is read-only, so it is safe for concurrent use.
type Env struct {
	Store Store
	// Now is the clock for work not tied to a call's time.
	Now func() time.Time
	// Delay is how long each timed state lasts; zero is immediate.
	Delay time.Duration
	// Rand is the source of random IDs.
	Rand io.Reader
	// Log receives operational logs.
	Log *slog.Logger
}

// WithDefaults returns e with its zero fields set: Now to time.Now, Delay
// to def, Rand to crypto/rand and Log to a logger that discards. A negative
// Delay becomes zero, so that every timed state ends at once.
func (e Env) WithDefaults(def time.Duration) Env {
	if e.Now == nil {
		e.Now = time.Now
	}
	switch {
	case e.Delay == 0:
		e.Delay = def
	case e.Delay < 0:
		e.Delay = 0
	}
	if e.Rand == nil {
		e.Rand = rand.Reader
	}
	if e.Log == nil {
		e.Log = slog.New(slog.DiscardHandler)
	}
	return e
}

// CallTime is the call's time, or the clock's for a call without one, in
// UTC to the millisecond.
func (e Env) CallTime(c *op.Call) time.Time { return c.Time(e.Now) }

// Digest returns the hex SHA-256 (64 digits) of salt, a NUL byte and the
// call's request ID, from which a service cuts the ID of the resource the
// call creates. The request ID is random and unique, and authorization
// and the handler see the same one, so both derive the same ID (and ARN).
// A call without a request ID uses 16 bytes of e.Rand instead.
func (e Env) Digest(c *op.Call, salt string) (string, error) {
	seed := c.RequestID
	if seed == "" {
		var b [16]byte
		if _, err := io.ReadFull(e.Rand, b[:]); err != nil {
			return "", err
		}
		seed = hex.EncodeToString(b[:])
	}
	h := sha256.Sum256([]byte(salt + "\x00" + seed))
	return hex.EncodeToString(h[:]), nil
}
