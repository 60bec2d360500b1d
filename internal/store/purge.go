package store

import (
	"context"
	"log/slog"
	"time"
)

// PurgeSessions deletes expired STS sessions from s every interval (and
// once at the start) until ctx ends, and returns ctx's error. now is the
// clock; a failed purge is logged at Warn and retried at the next tick.
// Run it in its own goroutine on one node; running it on several is
// harmless.
func PurgeSessions(ctx context.Context, s Store, interval time.Duration, now func() time.Time, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		var n int
		err := s.Update(ctx, func(ctx context.Context, tx Tx) error {
			var err error
			n, err = tx.PurgeExpiredSessions(ctx, now())
			return err
		})
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			log.LogAttrs(ctx, slog.LevelWarn, "purge expired sessions", slog.String("error", err.Error()))
		case n > 0:
			log.LogAttrs(ctx, slog.LevelDebug, "purged expired sessions", slog.Int("count", n))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
