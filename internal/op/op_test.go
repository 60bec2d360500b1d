package op_test

import (
	"testing"
	"time"

	"abacus/internal/op"
)

func TestCallTime(t *testing.T) {
	zone := time.FixedZone("x", 3600)
	fallback := time.Date(2024, 1, 2, 3, 4, 5, 678_912_345, zone)
	now := func() time.Time { return fallback }
	tests := []struct {
		name string
		call op.Call
		want time.Time
	}{
		{"the call's time, in UTC to the millisecond", op.Call{Now: time.Date(2025, 6, 7, 8, 9, 10, 111_222_333, zone)},
			time.Date(2025, 6, 7, 7, 9, 10, 111_000_000, time.UTC)},
		{"the clock when the call has no time", op.Call{}, time.Date(2024, 1, 2, 2, 4, 5, 678_000_000, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.call.Time(now)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Time = %v, want %v in UTC", got, tt.want)
			}
		})
	}
}
