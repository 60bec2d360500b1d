package audit_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"abacus/internal/audit"
)

// FuzzEventJSON checks that any record Event accepts survives a round trip:
// Unmarshal -> Marshal -> Unmarshal gives the same event (an empty list or
// map and an absent one are the same in CloudTrail's JSON).
func FuzzEventJSON(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"eventTime":"2024-01-01T00:00:00Z","additionalEventData":{"abacus":{"decision":"allowed"},"x":1}}`))
	f.Add([]byte(`{"eventTime":"not a time"}`))
	f.Add([]byte(`{"additionalEventData":{"abacus":"wrong type"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var e1 audit.Event
		if err := json.Unmarshal(data, &e1); err != nil {
			return
		}
		b, err := json.Marshal(e1)
		if err != nil {
			t.Fatalf("Marshal of an accepted event: %v", err)
		}
		var e2 audit.Event
		if err := json.Unmarshal(b, &e2); err != nil {
			t.Fatalf("Unmarshal of our own output %s: %v", b, err)
		}
		if diff := cmp.Diff(e1, e2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip changed the event (-first +second):\n%s", diff)
		}
	})
}
