package fsx

import (
	"errors"
	"fmt"
	"net/http"

	"abacus/internal/apierr"
	"abacus/internal/store"
)

// Wire error codes of FSx (all HTTP 400).
const (
	CodeBadRequest       = "BadRequest"
	CodeNotFound         = "FileSystemNotFound"
	CodeResourceNotFound = "ResourceNotFound"
	CodeIncompatible     = "IncompatibleParameterError"
	CodeNotService       = "NotServiceResourceError"
)

// Error is an FSx domain error with AWS's code and message. ResourceARN is
// set for ResourceNotFound and Parameter for IncompatibleParameterError.
type Error struct {
	Code        string
	Message     string
	ResourceARN string
	Parameter   string
}

// Error implements error.
func (e *Error) Error() string { return "fsx: " + e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// ErrNotFound is FileSystemNotFound, for errors.Is.
var ErrNotFound = &Error{Code: CodeNotFound}

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound(id string) *Error {
	return newError(CodeNotFound, "File system '%s' does not exist.", id)
}

// MapError maps the package's errors to the wire (an [apierr.Mapper]).
func MapError(err error) (*apierr.Error, bool) {
	var e *Error
	switch {
	case errors.As(err, &e):
		ae := apierr.New(http.StatusBadRequest, e.Code, e.Message)
		if e.ResourceARN != "" {
			ae = ae.With("ResourceARN", e.ResourceARN)
		}
		if e.Parameter != "" {
			ae = ae.With("Parameter", e.Parameter)
		}
		return ae, true
	case errors.Is(err, store.ErrInvalidToken):
		return apierr.New(http.StatusBadRequest, CodeBadRequest, "Invalid NextToken."), true
	case errors.Is(err, store.ErrConflict):
		return apierr.New(http.StatusBadRequest, CodeBadRequest, "The file system was changed by another request; retry the request."), true
	}
	return nil, false
}
