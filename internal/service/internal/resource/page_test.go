package resource_test

import (
	"encoding/base64"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/service/internal/resource"
)

const pager resource.Pager = "abacus-test:"

func enc(s string) *string {
	m := base64.RawURLEncoding.EncodeToString([]byte(s))
	return &m
}

func TestPagerPosition(t *testing.T) {
	t.Parallel()
	bad := "%%%"
	tests := []struct {
		name   string
		marker *string
		want   int
		wantOK bool
	}{
		{"no marker", nil, 0, true},
		{"round trip", pager.Marker(42), 42, true},
		{"the encoding", enc("abacus-test:7"), 7, true},
		{"not base64", &bad, 0, false},
		{"another pager's", resource.Pager("abacus-other:").Marker(1), 0, false},
		{"negative", enc("abacus-test:-1"), 0, false},
		{"not a number", enc("abacus-test:x"), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := pager.Position(tt.marker)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Position = %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestPage(t *testing.T) {
	t.Parallel()
	all := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		name     string
		off, n   int
		want     []string
		wantNext *string
	}{
		{"first page", 0, 2, []string{"a", "b"}, pager.Marker(2)},
		{"middle page", 2, 2, []string{"c", "d"}, pager.Marker(4)},
		{"last page", 4, 2, []string{"e"}, nil},
		{"exactly the rest", 3, 2, []string{"d", "e"}, nil},
		{"past the end", 9, 2, []string{}, nil},
		{"all at once", 0, 1 << 30, all, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, next := resource.Page(pager, all, tt.off, tt.n)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNext, next); diff != "" {
				t.Errorf("next (-want +got):\n%s", diff)
			}
		})
	}
}
