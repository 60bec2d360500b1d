package resource_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"time"

	"abacus/internal/op"
	"abacus/internal/service/internal/resource"
)

func TestWithDefaults(t *testing.T) {
	t.Parallel()
	e := resource.Env{}.WithDefaults(2 * time.Second)
	if e.Now == nil || e.Rand == nil || e.Log == nil || e.Delay != 2*time.Second {
		t.Errorf("zero Env with defaults = %+v", e)
	}
	if e := (resource.Env{Delay: -1}).WithDefaults(2 * time.Second); e.Delay != 0 {
		t.Errorf("negative Delay became %v, want 0", e.Delay)
	}
	if e := (resource.Env{Delay: time.Minute}).WithDefaults(2 * time.Second); e.Delay != time.Minute {
		t.Errorf("Delay became %v, want 1m", e.Delay)
	}
}

func TestCallTime(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 1, 2, 3, 4, 5, 6_789_000, time.FixedZone("x", 3600))
	e := resource.Env{Now: func() time.Time { return clock }}
	if got, want := e.CallTime(&op.Call{}), time.Date(2026, 1, 2, 2, 4, 5, 6_000_000, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("CallTime without a call time = %v, want %v", got, want)
	}
	if got := e.CallTime(&op.Call{Now: t0}); !got.Equal(t0) {
		t.Errorf("CallTime = %v, want the call's %v", got, t0)
	}
}

func TestDigest(t *testing.T) {
	t.Parallel()
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	e := resource.Env{Rand: bytes.NewReader(bytes.Repeat([]byte{0xab}, 16))}
	got, err := e.Digest(&op.Call{RequestID: "req-1"}, "svc")
	if err != nil || got != sum("svc\x00req-1") {
		t.Errorf("Digest with a request ID = %s, %v; want %s", got, err, sum("svc\x00req-1"))
	}
	got, err = e.Digest(&op.Call{}, "svc")
	if want := sum("svc\x00" + hex.EncodeToString(bytes.Repeat([]byte{0xab}, 16))); err != nil || got != want {
		t.Errorf("Digest without a request ID = %s, %v; want %s", got, err, want)
	}
	if _, err := e.Digest(&op.Call{}, "svc"); !errors.Is(err, io.EOF) {
		t.Errorf("Digest with Rand exhausted: %v, want EOF", err)
	}
}
