package audit

import (
	"context"

	"abacus/internal/model"
)

// Sink stores audit records durably. AppendAuditEvents writes one batch in
// one transaction: when it returns nil every record of recs is durable, and
// when it fails none of them may be assumed written. A Sink must be safe for
// concurrent use, though the [Broker] calls it from one goroutine.
//
// The SQLite and PostgreSQL stores satisfy Sink; audittest.Run pins down its
// semantics.
type Sink interface {
	AppendAuditEvents(ctx context.Context, recs []model.AuditRecord) error
}

// SinkFunc adapts a function to [Sink].
type SinkFunc func(ctx context.Context, recs []model.AuditRecord) error

// AppendAuditEvents calls f.
func (f SinkFunc) AppendAuditEvents(ctx context.Context, recs []model.AuditRecord) error {
	return f(ctx, recs)
}

// Querier reads audit records of one account, newest first (by EventTime,
// then EventID, both descending), filtered by q. It returns at most
// q.MaxResults records (50 when 0) and a non-empty NextToken when more may
// follow; passing that token back with the same filters continues after the
// last record returned, unaffected by records appended meanwhile. An
// invalid token is an error.
type Querier interface {
	LookupAuditEvents(ctx context.Context, acct model.AccountID, q model.AuditQuery) ([]model.AuditRecord, string, error)
}

// Store is a [Sink] that can also be queried: what a storage backend
// offers and what audittest.Run checks.
type Store interface {
	Sink
	Querier
}
