package sqlite_test

import (
	"testing"

	"abacus/internal/audit"
	"abacus/internal/audit/audittest"
)

// TestAuditSink runs the audit sinks' conformance suite against the store.
func TestAuditSink(t *testing.T) {
	audittest.Run(t, func(t *testing.T) audit.Store { return openTemp(t).(audit.Store) })
}
