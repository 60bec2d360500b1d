package iam

import (
	"errors"
	"fmt"
	"net/http"

	"abacus/internal/apierr"
	"abacus/internal/policy"
	"abacus/internal/store"
)

// Domain errors of the IAM service. Every error a handler returns for a
// client mistake is an [*Error] whose Kind is one of these; test with
// errors.Is.
var (
	// ErrNoSuchEntity means the named user, group, role, policy, version,
	// inline policy or access key does not exist.
	ErrNoSuchEntity = errors.New("NoSuchEntity")
	// ErrEntityAlreadyExists means the name is taken (without regard to
	// case).
	ErrEntityAlreadyExists = errors.New("EntityAlreadyExists")
	// ErrDeleteConflict means the entity still has dependents.
	ErrDeleteConflict = errors.New("DeleteConflict")
	// ErrLimitExceeded means an IAM quota would be exceeded.
	ErrLimitExceeded = errors.New("LimitExceeded")
	// ErrMalformedPolicyDocument means a policy document is not valid.
	ErrMalformedPolicyDocument = errors.New("MalformedPolicyDocument")
	// ErrInvalidInput means a parameter has an invalid value.
	ErrInvalidInput = errors.New("InvalidInput")
	// ErrValidation means a parameter breaks a constraint of the model
	// (pattern, length, range, enum).
	ErrValidation = errors.New("ValidationError")
	// ErrPolicyNotAttachable means the policy cannot be attached.
	ErrPolicyNotAttachable = errors.New("PolicyNotAttachable")
	// ErrUnmodifiableEntity means the entity (an AWS managed policy) cannot
	// be changed.
	ErrUnmodifiableEntity = errors.New("UnmodifiableEntity")
	// ErrPolicyEvaluation means the simulator could not evaluate.
	ErrPolicyEvaluation = errors.New("PolicyEvaluation")
)

// Error is an IAM domain error: one of the sentinels above with the message
// AWS sends for it.
type Error struct {
	Kind    error
	Message string
	// Err is an underlying cause (a policy validation error), if any.
	Err error
}

// Error implements error.
func (e *Error) Error() string { return e.Kind.Error() + ": " + e.Message }

// Is reports whether target is e's Kind, so errors.Is(err, ErrNoSuchEntity)
// works through wrapping.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

func errorf(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// wire gives each domain error its code and HTTP status as the error traits
// of botocore's iam model declare them (all sender faults, except
// PolicyEvaluation, a 500).
var wire = map[error]struct {
	code   string
	status int
}{
	ErrNoSuchEntity:            {"NoSuchEntity", http.StatusNotFound},
	ErrEntityAlreadyExists:     {"EntityAlreadyExists", http.StatusConflict},
	ErrDeleteConflict:          {"DeleteConflict", http.StatusConflict},
	ErrLimitExceeded:           {"LimitExceeded", http.StatusConflict},
	ErrMalformedPolicyDocument: {"MalformedPolicyDocument", http.StatusBadRequest},
	ErrInvalidInput:            {"InvalidInput", http.StatusBadRequest},
	ErrValidation:              {"ValidationError", http.StatusBadRequest},
	ErrPolicyNotAttachable:     {"PolicyNotAttachable", http.StatusBadRequest},
	ErrUnmodifiableEntity:      {"UnmodifiableEntity", http.StatusBadRequest},
	ErrPolicyEvaluation:        {"PolicyEvaluation", http.StatusInternalServerError},
}

// MapError is the IAM service's [apierr.Mapper]: it maps an [*Error] to its
// wire error, a policy engine rejection to MalformedPolicyDocument, and a
// store pagination token it did not hand out to InvalidInput. Other errors
// are left to the caller (apierr.From makes them InternalFailure).
func MapError(err error) (*apierr.Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		w, ok := wire[e.Kind]
		if !ok {
			return nil, false
		}
		return apierr.New(w.status, w.code, e.Message), true
	}
	if errors.Is(err, policy.ErrMalformedPolicyDocument) {
		return apierr.New(http.StatusBadRequest, "MalformedPolicyDocument", malformedMessage(err)), true
	}
	if errors.Is(err, store.ErrInvalidToken) {
		return apierr.New(http.StatusBadRequest, "InvalidInput", "Invalid Marker."), true
	}
	return nil, false
}

// malformedMessage is the message of a MalformedPolicyDocument error: AWS's
// "Syntax errors in policy." for a document that is not JSON, otherwise the
// engine's explanation of what is wrong.
func malformedMessage(err error) string {
	var se *policy.SyntaxError
	if errors.As(err, &se) {
		return "Syntax errors in policy."
	}
	var ve *policy.ValidationError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return "Syntax errors in policy."
}

// notFound reports whether err is the store's not-found error.
func notFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
