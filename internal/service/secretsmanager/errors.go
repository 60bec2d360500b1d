package secretsmanager

import (
	"errors"
	"fmt"
	"net/http"

	"abacus/internal/apierr"
	"abacus/internal/store"
)

// Wire error codes of Secrets Manager, as modeled in botocore.
const (
	CodeNotFound         = "ResourceNotFoundException"
	CodeExists           = "ResourceExistsException"
	CodeInvalidRequest   = "InvalidRequestException"
	CodeInvalidParameter = "InvalidParameterException"
	CodeMalformedPolicy  = "MalformedPolicyDocumentException"
	CodeInvalidNextToken = "InvalidNextTokenException"
	CodeLimitExceeded    = "LimitExceededException"
	CodePublicPolicy     = "PublicPolicyException"
	CodeDecryption       = "DecryptionFailure"
)

// AWS's messages for the common errors.
const (
	msgNotFound      = "Secrets Manager can't find the specified secret."
	msgMarkedDeleted = "You can't perform this operation on the secret because it was marked for deletion."
)

// Error is a Secrets Manager domain error with AWS's code and message.
// Every one is a client error (HTTP 400) except DecryptionFailure.
type Error struct {
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return "secretsmanager: " + e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same code (and message,
// when target has one).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Sentinels for errors.Is.
var (
	ErrNotFound       = &Error{Code: CodeNotFound}
	ErrExists         = &Error{Code: CodeExists}
	ErrInvalidRequest = &Error{Code: CodeInvalidRequest}
	ErrInvalidParam   = &Error{Code: CodeInvalidParameter}
	ErrMalformed      = &Error{Code: CodeMalformedPolicy}
)

func newError(code, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Code: code, Message: format}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound() *Error { return newError(CodeNotFound, msgNotFound) }

func invalidParam(format string, args ...any) *Error {
	return newError(CodeInvalidParameter, format, args...)
}

func invalidRequest(format string, args ...any) *Error {
	return newError(CodeInvalidRequest, format, args...)
}

// MapError maps the package's errors to the wire (an [apierr.Mapper]).
func MapError(err error) (*apierr.Error, bool) {
	var e *Error
	switch {
	case errors.As(err, &e):
		status := http.StatusBadRequest
		if e.Code == CodeDecryption {
			status = http.StatusInternalServerError
		}
		return apierr.New(status, e.Code, e.Message), true
	case errors.Is(err, store.ErrInvalidToken):
		return apierr.New(http.StatusBadRequest, CodeInvalidNextToken, "The NextToken value is invalid."), true
	case errors.Is(err, store.ErrNotFound):
		return apierr.New(http.StatusBadRequest, CodeNotFound, msgNotFound), true
	case errors.Is(err, store.ErrConflict):
		return apierr.New(http.StatusBadRequest, CodeInvalidRequest,
			"The secret was changed by another request; retry the request."), true
	}
	return nil, false
}
