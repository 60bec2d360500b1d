package emr

import (
	"errors"
	"fmt"
	"net/http"

	"abacus/internal/apierr"
	"abacus/internal/store"
)

// Wire error codes EMR sends.
const (
	CodeInvalidRequest = "InvalidRequestException"
	CodeValidation     = "ValidationException"
)

// Error is an EMR domain error with AWS's code and message (HTTP 400).
type Error struct {
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return "emr: " + e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Sentinels for errors.Is.
var (
	ErrInvalidRequest = &Error{Code: CodeInvalidRequest}
	ErrValidation     = &Error{Code: CodeValidation}
)

func invalidRequest(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf(format, args...)}
}

func validation(format string, args ...any) *Error {
	return &Error{Code: CodeValidation, Message: fmt.Sprintf(format, args...)}
}

// MapError maps the package's errors to the wire (an [apierr.Mapper]).
func MapError(err error) (*apierr.Error, bool) {
	var e *Error
	switch {
	case errors.As(err, &e):
		return apierr.New(http.StatusBadRequest, e.Code, e.Message), true
	case errors.Is(err, store.ErrInvalidToken):
		return apierr.New(http.StatusBadRequest, CodeInvalidRequest, "Invalid marker."), true
	case errors.Is(err, store.ErrConflict):
		return apierr.New(http.StatusBadRequest, CodeInvalidRequest, "The cluster was changed by another request; retry the request."), true
	}
	return nil, false
}
