package principal

import (
	"context"
	"testing"

	"abacus/internal/model"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

// TestKeepRacingChange checks the rule that keeps a build racing with a
// change out of the cache: a change that concerns what the build read
// (its entity, one of its groups or managed policies, a reset) makes it
// stale; any other change does not.
func TestKeepRacingChange(t *testing.T) {
	st, err := sqlite.Open(context.Background(), sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const acct = model.AccountID("123456789012")
	k := entityKey(acct, model.EntityUser, "alice")
	built := func() *entry {
		return &entry{groups: []key{entityKey(acct, model.EntityGroup, "ml")}, policies: []string{"arn:aws:iam::123456789012:policy/P"}}
	}
	tests := []struct {
		name   string
		change store.Change
		cached bool
	}{
		{"the user itself", store.Change{Account: acct, Kind: store.ChangeUser, Name: "Alice"}, false},
		{"one of its groups", store.Change{Account: acct, Kind: store.ChangeGroup, Name: "ML"}, false},
		{"one of its policies", store.Change{Account: acct, Kind: store.ChangePolicy, Name: "arn:aws:iam::123456789012:policy/P"}, false},
		{"a reset", store.Change{Kind: store.ChangeReset}, false},
		{"another user", store.Change{Account: acct, Kind: store.ChangeUser, Name: "bob"}, true},
		{"the same name in another account", store.Change{Account: "210987654321", Kind: store.ChangeUser, Name: "alice"}, true},
		{"another group", store.Change{Account: acct, Kind: store.ChangeGroup, Name: "other"}, true},
		{"another policy", store.Change{Account: acct, Kind: store.ChangePolicy, Name: "arn:aws:iam::123456789012:policy/Q"}, true},
		{"a session", store.Change{Account: acct, Kind: store.ChangeSession, Name: "ASIAEXAMPLE"}, true},
		{"an access key", store.Change{Account: acct, Kind: store.ChangeAccessKey, Name: "AKIAEXAMPLE"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(Options{Store: st})
			defer r.Close()
			_, ticket, err := r.lookup(k)
			if err != nil {
				t.Fatal(err)
			}
			r.mu.Lock()
			r.cache.apply(tt.change)
			r.mu.Unlock()
			r.keep(k, built(), ticket, &builder{}, false)
			r.mu.Lock()
			_, cached := r.cache.entries[k]
			inflight, logLen := r.cache.inflight, len(r.cache.log)
			r.mu.Unlock()
			if cached != tt.cached {
				t.Errorf("cached = %v, want %v", cached, tt.cached)
			}
			if inflight != 0 || logLen != 0 {
				t.Errorf("after the build: %d in flight, %d changes logged", inflight, logLen)
			}
		})
	}
}
