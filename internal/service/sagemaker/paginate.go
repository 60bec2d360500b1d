package sagemaker

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Tokens are opaque to clients: base64 of "LIST:OFFSET". A token is bound
// to the listing it came from; any other is a ValidationException.

// encodeToken returns the NextToken that continues list at offset.
func encodeToken(list string, offset int) *string {
	t := base64.RawURLEncoding.EncodeToString([]byte(list + ":" + strconv.Itoa(offset)))
	return &t
}

// decodeToken returns the offset a NextToken of list continues at (0 for
// none).
func decodeToken(tok *string, list string) (int, error) {
	if tok == nil || *tok == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	if err != nil {
		return 0, validationError("Invalid pagination token.")
	}
	name, n, ok := strings.Cut(string(b), ":")
	off, err := strconv.Atoi(n)
	if !ok || name != list || err != nil || off < 0 {
		return 0, validationError("Invalid pagination token.")
	}
	return off, nil
}

// paginate returns items[start:start+limit] and the offset of the next
// page, or 0 when this page is the last.
func paginate[T any](items []T, start, limit int) ([]T, int) {
	if start >= len(items) {
		return nil, 0
	}
	end := min(start+limit, len(items))
	if end == len(items) {
		return items[start:end], 0
	}
	return items[start:end], end
}

// maxResults returns the page size a MaxResults member asks for: def when
// nil, bounded to [1, max].
func maxResults(v *int32, def, limit int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || int(*v) > limit {
		return 0, validationError("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", *v, limit)
	}
	return int(*v), nil
}
