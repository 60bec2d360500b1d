package resource_test

import (
	"testing"
	"time"

	"abacus/internal/service/internal/resource"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

var life = resource.Lifecycle{Creating: "creating", Available: "available", Deleting: "deleting", Delay: 10 * time.Second}

func TestLifecycleAt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status string
		after  time.Duration
		want   string
	}{
		{"creating before the delay", "creating", 10*time.Second - time.Millisecond, "creating"},
		{"creating after the delay", "creating", 10 * time.Second, "available"},
		{"available stays", "available", time.Hour, "available"},
		{"deleting before the delay", "deleting", 0, "deleting"},
		{"deleting after the delay", "deleting", 10 * time.Second, resource.Gone},
		{"another status stays", "failed", time.Hour, "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := life.At(tt.status, t0, t0.Add(tt.after)); got != tt.want {
				t.Errorf("At(%s, +%v) = %s, want %s", tt.status, tt.after, got, tt.want)
			}
		})
	}
	if got := (resource.Lifecycle{Creating: "c", Available: "a"}).At("c", t0, t0); got != "a" {
		t.Errorf("zero delay: At = %s, want a", got)
	}
}

func TestLifecycleDelete(t *testing.T) {
	t.Parallel()
	now := t0.Add(time.Minute)
	tests := []struct {
		name       string
		status     string
		since      time.Time
		wantState  string
		wantOK     bool
		wantStatus string
		wantSince  time.Time
	}{
		{"available starts deleting", "available", t0, "available", true, "deleting", now},
		{"created long ago is available", "creating", t0, "available", true, "deleting", now},
		{"still creating is refused", "creating", now, "creating", false, "creating", now},
		{"deleting again changes nothing", "deleting", now, "deleting", true, "deleting", now},
		{"another status is refused", "failed", t0, "failed", false, "failed", t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, since := tt.status, tt.since
			st, ok := life.Delete(&status, &since, now)
			if st != tt.wantState || ok != tt.wantOK || status != tt.wantStatus || !since.Equal(tt.wantSince) {
				t.Errorf("Delete = %s, %v (stored %s since %v); want %s, %v (stored %s since %v)",
					st, ok, status, since, tt.wantState, tt.wantOK, tt.wantStatus, tt.wantSince)
			}
		})
	}
}
