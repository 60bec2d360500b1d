package sagemaker

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"abacus/internal/apierr"
	"abacus/internal/store"
)

// Wire error codes SageMaker sends. ResourceNotFound, ResourceInUse,
// ResourceLimitExceeded and ConflictException are modeled in botocore's
// SageMaker model; ValidationException and AccessDeniedException are the
// JSON protocol's common errors.
const (
	CodeValidation    = "ValidationException"
	CodeNotFound      = "ResourceNotFound"
	CodeInUse         = "ResourceInUse"
	CodeLimitExceeded = "ResourceLimitExceeded"
	CodeConflict      = "ConflictException"
	CodeAccessDenied  = "AccessDeniedException"
)

// Error is a SageMaker domain error with AWS's code and message. Every
// SageMaker error is a client error (HTTP 400).
type Error struct {
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return "sagemaker: " + e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, &Error{Code: CodeNotFound}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

func newError(code, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Code: code, Message: format}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// validationError is a ValidationException.
func validationError(format string, args ...any) *Error {
	return newError(CodeValidation, format, args...)
}

// notFoundError is a ResourceNotFound.
func notFoundError(format string, args ...any) *Error { return newError(CodeNotFound, format, args...) }

// inUseError is a ResourceInUse.
func inUseError(format string, args ...any) *Error { return newError(CodeInUse, format, args...) }

// limitError is a ResourceLimitExceeded.
func limitError(format string, args ...any) *Error {
	return newError(CodeLimitExceeded, format, args...)
}

// conflictError is a ConflictException.
func conflictError(format string, args ...any) *Error { return newError(CodeConflict, format, args...) }

// accessDeniedError is an AccessDeniedException with AWS's message grammar:
// "User: ARN is not authorized to perform: ACTION on resource: ARN because
// no identity-based policy allows the ACTION action" (for decisions made
// outside the policy engine, such as a Studio URL for a domain in SSO mode).
func accessDeniedError(msg string) *Error { return &Error{Code: CodeAccessDenied, Message: msg} }

// transitionError is the ValidationException SageMaker sends for a
// forbidden lifecycle transition, e.g. "Status (InService) not in ([Stopped,
// Failed]). Unable to transition to (Pending) for Notebook Instance (ARN)."
// (texts from real AWS responses, see the reference notes in
// docs/sagemaker.md).
func transitionError(current string, allowed []string, target, kind, arn string) *Error {
	return validationError("Status (%s) not in ([%s]). Unable to transition to (%s) for %s (%s).",
		current, strings.Join(allowed, ", "), target, kind, arn)
}

// ErrNotFound and the other sentinels let callers test codes with
// errors.Is.
var (
	ErrNotFound   = &Error{Code: CodeNotFound}
	ErrValidation = &Error{Code: CodeValidation}
	ErrInUse      = &Error{Code: CodeInUse}
	ErrConflict   = &Error{Code: CodeConflict}
	ErrLimit      = &Error{Code: CodeLimitExceeded}
)

// MapError maps the package's errors to the wire (an [apierr.Mapper]):
// *Error keeps its code and message with HTTP 400; a foreign pagination
// token is a ValidationException; a lost compare-and-swap (two writers on
// one resource) is a ConflictException.
func MapError(err error) (*apierr.Error, bool) {
	var e *Error
	switch {
	case errors.As(err, &e):
		return apierr.New(http.StatusBadRequest, e.Code, e.Message), true
	case errors.Is(err, store.ErrInvalidToken):
		return apierr.New(http.StatusBadRequest, CodeValidation, "Invalid pagination token."), true
	case errors.Is(err, store.ErrConflict):
		return apierr.New(http.StatusBadRequest, CodeConflict,
			"The resource was changed by another request; retry the request."), true
	}
	return nil, false
}
