package resource

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Pager encodes positions in a list as opaque page markers (a NextToken or
// Marker) that only the same Pager takes back. Its value is the prefix
// that sets one service's markers apart, e.g. "abacus-efs:".
type Pager string

// Marker returns the marker of position i.
func (p Pager) Marker(i int) *string {
	m := base64.RawURLEncoding.EncodeToString([]byte(string(p) + strconv.Itoa(i)))
	return &m
}

// Position returns the position marker m stands for, 0 for no marker. ok
// is false if m is not a marker of p; the caller answers with its
// service's error.
func (p Pager) Position(m *string) (i int, ok bool) {
	if m == nil {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(*m)
	rest, pre := strings.CutPrefix(string(b), string(p))
	n, aerr := strconv.Atoi(rest)
	if err != nil || !pre || aerr != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// Page returns the page of at most n items of all that starts at position
// off, and the marker of the next page, nil for the last one.
func Page[T any](p Pager, all []T, off, n int) ([]T, *string) {
	off = min(off, len(all))
	end := min(off+n, len(all))
	var next *string
	if end < len(all) {
		next = p.Marker(end)
	}
	return all[off:end], next
}
