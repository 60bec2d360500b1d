package audittest_test

import (
	"testing"

	"abacus/internal/audit"
	"abacus/internal/audit/audittest"
)

func TestMemory(t *testing.T) {
	t.Parallel()
	audittest.Run(t, func(*testing.T) audit.Store { return audittest.NewMemory() })
}

// A Memory and its zero value are both usable.
var _ audit.Store = new(audittest.Memory)
