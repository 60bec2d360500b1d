// Package model holds the plain data types that are persisted by
// internal/store and shared between services, the audit trail and the
// server. It does no I/O.
package model

// AccountID is a 12-digit AWS account ID; it is the tenant of every stored
// record and an explicit argument of every store method.
type AccountID string
