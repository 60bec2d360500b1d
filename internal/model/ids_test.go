package model_test

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"abacus/internal/model"
)

// The formats follow "Understanding unique ID prefixes" in
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html:
// unique IDs are 21 characters with a four-character type prefix.
func TestIDGeneratorFormats(t *testing.T) {
	t.Parallel()
	g := model.IDGenerator{}
	tests := []struct {
		name string
		gen  func() (string, error)
		re   string
	}{
		{"user", g.UserID, `^AIDA[A-Z2-7]{17}$`},
		{"group", g.GroupID, `^AGPA[A-Z2-7]{17}$`},
		{"role", g.RoleID, `^AROA[A-Z2-7]{17}$`},
		{"policy", g.PolicyID, `^ANPA[A-Z2-7]{17}$`},
		{"access key", g.AccessKeyID, `^AKIA[A-Z2-7]{16}$`},
		{"temporary access key", g.TemporaryAccessKeyID, `^ASIA[A-Z2-7]{16}$`},
		{"secret", func() (string, error) { s, err := g.SecretAccessKey(); return string(s), err }, `^[A-Za-z0-9+/]{40}$`},
		{"session token", func() (string, error) { s, err := g.SessionToken(); return string(s), err }, `^[A-Za-z0-9+/]{128}$`},
		{"uuid", g.UUID, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			re := regexp.MustCompile(tt.re)
			seen := map[string]bool{}
			for range 200 {
				id, err := tt.gen()
				if err != nil {
					t.Fatal(err)
				}
				if !re.MatchString(id) {
					t.Fatalf("%q does not match %s", id, tt.re)
				}
				if seen[id] {
					t.Fatalf("duplicate %q", id)
				}
				seen[id] = true
			}
		})
	}
}

func TestIDGeneratorInjectedRandomness(t *testing.T) {
	t.Parallel()
	seed := bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 4)
	a, err := model.IDGenerator{Rand: bytes.NewReader(seed)}.RoleID()
	if err != nil {
		t.Fatal(err)
	}
	b, err := model.IDGenerator{Rand: bytes.NewReader(seed)}.RoleID()
	if err != nil {
		t.Fatal(err)
	}
	if a != b || a != "AROAABCDEFGHIJKLMNOPA" {
		t.Fatalf("RoleID from fixed bytes = %q, %q; want AROAABCDEFGHIJKLMNOPA twice", a, b)
	}
	u, err := model.IDGenerator{Rand: bytes.NewReader(make([]byte, 16))}.UUID()
	if err != nil {
		t.Fatal(err)
	}
	if u != "00000000-0000-4000-8000-000000000000" {
		t.Fatalf("UUID from zero bytes = %q", u)
	}
	if _, err := (model.IDGenerator{Rand: strings.NewReader("short")}).UserID(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("UserID from a short reader: err = %v, want io.ErrUnexpectedEOF", err)
	}
}
