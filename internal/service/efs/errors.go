package efs

import (
	"errors"
	"fmt"
	"net/http"

	"abacus/internal/apierr"
	"abacus/internal/store"
)

// Wire error codes of EFS, with their HTTP statuses from botocore's model.
const (
	CodeBadRequest    = "BadRequest"
	CodeNotFound      = "FileSystemNotFound"
	CodeAlreadyExists = "FileSystemAlreadyExists"
	CodeInUse         = "FileSystemInUse"
	CodeValidation    = "ValidationException"
)

var statuses = map[string]int{
	CodeBadRequest:    http.StatusBadRequest,
	CodeNotFound:      http.StatusNotFound,
	CodeAlreadyExists: http.StatusConflict,
	CodeInUse:         http.StatusConflict,
	CodeValidation:    http.StatusBadRequest,
}

// Error is an EFS domain error with AWS's code and message.
// FileSystemID is set for FileSystemAlreadyExists.
type Error struct {
	Code         string
	Message      string
	FileSystemID string
}

// Error implements error.
func (e *Error) Error() string { return "efs: " + e.Code + ": " + e.Message }

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
// EFS's error bodies carry ErrorCode besides the message, and
// FileSystemAlreadyExists the FileSystemId.
func MapError(err error) (*apierr.Error, bool) {
	var e *Error
	switch {
	case errors.As(err, &e):
		status, ok := statuses[e.Code]
		if !ok {
			status = http.StatusBadRequest
		}
		ae := apierr.New(status, e.Code, e.Message).With("ErrorCode", e.Code)
		if e.FileSystemID != "" {
			ae = ae.With("FileSystemId", e.FileSystemID)
		}
		return ae, true
	case errors.Is(err, store.ErrInvalidToken):
		return apierr.New(http.StatusBadRequest, CodeBadRequest, "Invalid Marker.").With("ErrorCode", CodeBadRequest), true
	case errors.Is(err, store.ErrConflict):
		return apierr.New(http.StatusConflict, CodeInUse, "The file system was changed by another request; retry the request.").With("ErrorCode", CodeInUse), true
	}
	return nil, false
}
