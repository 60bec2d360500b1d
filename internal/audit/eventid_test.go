package audit_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"abacus/internal/audit"
	"abacus/internal/model"
)

// TestEventIDsAreTimeOrdered: event IDs are version 7 UUIDs
// (https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-7) whose first
// 48 bits are the call's Unix milliseconds, so that IDs of later calls sort
// after those of earlier ones and a store appends them to its index.
func TestEventIDsAreTimeOrdered(t *testing.T) {
	t.Parallel()
	v7 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	tests := []struct {
		name string
		now  time.Time
		ms   string // the first 12 hex digits
	}{
		{"epoch", time.Unix(0, 0), "000000000000"},
		{"t0", t0, "018cc820db2e"}, // 1704164645678 ms
		{"sub-millisecond is truncated", t0.Add(999 * time.Microsecond), "018cc820db2e"},
		{"next millisecond", t0.Add(time.Millisecond), "018cc820db2f"},
		{"before the epoch is clamped", time.Unix(-5, 0), "000000000000"},
		{"largest 48-bit time", time.UnixMilli(1<<48 - 1), "ffffffffffff"},
	}
	var b audit.Builder
	for _, tt := range tests {
		c := call(rootPrincipal(), "iam")
		c.Now = tt.now
		ev, err := b.Event(c, audit.Details{EventName: "GetUser"})
		if err != nil {
			t.Fatal(err)
		}
		if !v7.MatchString(ev.EventID) {
			t.Errorf("%s: EventID %q is not a version 7 UUID", tt.name, ev.EventID)
		}
		if got := strings.ReplaceAll(ev.EventID, "-", "")[:12]; got != tt.ms {
			t.Errorf("%s: EventID %q starts with %s, want %s", tt.name, ev.EventID, got, tt.ms)
		}
	}

	// IDs drawn in time order sort in time order, and stay distinct within
	// one millisecond.
	var ids []string
	seen := map[string]bool{}
	for i := range 2000 {
		c := call(rootPrincipal(), "iam")
		c.Now = t0.Add(time.Duration(i) * 100 * time.Microsecond)
		ev, err := b.Event(c, audit.Details{EventName: "GetUser"})
		if err != nil {
			t.Fatal(err)
		}
		if seen[ev.EventID] {
			t.Fatalf("duplicate EventID %s", ev.EventID)
		}
		seen[ev.EventID] = true
		ids = append(ids, ev.EventID[:13])
	}
	if !slices.IsSorted(ids) {
		t.Errorf("event IDs of increasing times are not in increasing order")
	}

	// A deterministic Rand gives deterministic IDs.
	d1 := audit.Builder{IDs: model.IDGenerator{Rand: &zeroRand{}}}
	d2 := audit.Builder{IDs: model.IDGenerator{Rand: &zeroRand{}}}
	e1, _ := d1.Event(call(nil, "iam"), audit.Details{})
	e2, _ := d2.Event(call(nil, "iam"), audit.Details{})
	if e1.EventID != e2.EventID || e1.EventID != "018cc820-db2e-7708-890a-0b0c0d0e0f10" {
		t.Errorf("EventIDs %s and %s, want both 018cc820-db2e-7708-890a-0b0c0d0e0f10", e1.EventID, e2.EventID)
	}
}
