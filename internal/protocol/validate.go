package protocol

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"abacus/internal/apierr"
)

// ValidationError returns the error AWS services send when required members
// are missing: code (ValidationError for Query services, ValidationException
// for JSON ones), HTTP 400, and the message "1 validation error detected:
// Value null at 'roleName' failed to satisfy constraint: Member must not be
// null" (several errors joined by "; "). It returns nil when paths is empty.
func ValidationError(code string, paths []string) *apierr.Error {
	if len(paths) == 0 {
		return nil
	}
	var b strings.Builder
	if len(paths) == 1 {
		b.WriteString("1 validation error detected: ")
	} else {
		fmt.Fprintf(&b, "%d validation errors detected: ", len(paths))
	}
	for i, p := range paths {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "Value null at '%s' failed to satisfy constraint: Member must not be null", p)
	}
	return apierr.New(http.StatusBadRequest, code, b.String())
}

// DefaultBodyLimit is the request body limit [ReadBody] applies when given a
// limit of zero or less: 10 MiB, more than any JSON or Query API accepts.
const DefaultBodyLimit = 10 << 20

// ReadBody reads r's body up to limit bytes (DefaultBodyLimit when limit <=
// 0). A longer body yields HTTP 413 RequestEntityTooLarge, a read failure a
// 400; the body is never read past limit+1 bytes.
func ReadBody(r *http.Request, limit int64) ([]byte, *apierr.Error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	if r.ContentLength > limit {
		return nil, TooLarge(limit)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, apierr.New(http.StatusBadRequest, "IncompleteBody", "The request body could not be read.")
	}
	if int64(len(b)) > limit {
		return nil, TooLarge(limit)
	}
	return b, nil
}

// TooLarge returns the 413 RequestEntityTooLarge error for a body beyond
// limit bytes.
func TooLarge(limit int64) *apierr.Error {
	return apierr.Newf(http.StatusRequestEntityTooLarge, apierr.CodeRequestEntityTooLarge,
		"Request body must be no more than %d bytes.", limit)
}
