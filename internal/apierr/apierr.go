// Package apierr defines the one error type that reaches the wire and the
// one place where domain errors are mapped to AWS error codes.
//
// Services and middleware return plain Go errors; the server calls [From]
// once per failed request and hands the result to the protocol encoder of
// the operation's service (awsjson, awsquery or restxml), each of which
// renders [Error] in its own shape.
package apierr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Fault says who is at fault for an error, as AWS's Query protocol reports it
// in the Type element of an ErrorResponse.
type Fault int

const (
	// Sender means the request was at fault (HTTP 4xx).
	Sender Fault = iota
	// Receiver means the server was at fault (HTTP 5xx).
	Receiver
)

// String returns the Query protocol's spelling of f.
func (f Fault) String() string {
	if f == Receiver {
		return "Receiver"
	}
	return "Sender"
}

// Error is an AWS wire error: a code such as "NoSuchEntity", a message meant
// for the client, the HTTP status and the fault. The zero value is not
// useful; build one with [New] or a constructor below.
//
// Extra carries protocol-specific members that some error shapes include
// (S3's BucketName, Key, Resource; STS's none), rendered by restxml as child
// elements of <Error> in the order given.
type Error struct {
	Code       string
	Message    string
	HTTPStatus int
	Fault      Fault
	Extra      []Field
	// Err is an underlying cause for logs; it is never sent to a client.
	Err error
}

// Field is one extra member of an error body.
type Field struct {
	Name  string
	Value string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with the given status, code and message. A status of
// 500 or more makes it a Receiver fault.
func New(status int, code, msg string) *Error {
	f := Sender
	if status >= 500 {
		f = Receiver
	}
	return &Error{Code: code, Message: msg, HTTPStatus: status, Fault: f}
}

// Newf is [New] with a formatted message.
func Newf(status int, code, format string, args ...any) *Error {
	return New(status, code, fmt.Sprintf(format, args...))
}

// With returns a copy of e carrying one more extra field.
func (e *Error) With(name, value string) *Error {
	c := *e
	c.Extra = append(append([]Field(nil), e.Extra...), Field{name, value})
	return &c
}

// Wire codes shared by several services. Service-specific codes live with
// their services but are still rendered through [Error].
const (
	CodeInternalFailure            = "InternalFailure"
	CodeInternalError              = "InternalError"
	CodeAccessDenied               = "AccessDenied"
	CodeAccessDeniedException      = "AccessDeniedException"
	CodeInvalidClientTokenID       = "InvalidClientTokenId"
	CodeInvalidAccessKeyID         = "InvalidAccessKeyId"
	CodeSignatureDoesNotMatch      = "SignatureDoesNotMatch"
	CodeIncompleteSignature        = "IncompleteSignature"
	CodeMissingAuthenticationToken = "MissingAuthenticationToken"
	CodeExpiredToken               = "ExpiredToken"
	CodeRequestExpired             = "RequestExpired"
	CodeInvalidAction              = "InvalidAction"
	CodeUnknownOperation           = "UnknownOperationException"
	CodeValidationError            = "ValidationError"
	CodeValidationException        = "ValidationException"
	CodeMalformedQueryString       = "MalformedQueryString"
	CodeSerializationException     = "SerializationException"
	CodeRequestEntityTooLarge      = "RequestEntityTooLarge"
	CodeThrottling                 = "ThrottlingException"
	CodeMalformedPolicyDocument    = "MalformedPolicyDocument"
)

// Internal returns the generic error sent for any failure whose details must
// stay on the server. The cause is kept for logging only.
func Internal(cause error) *Error {
	e := New(http.StatusInternalServerError, CodeInternalFailure,
		"The request processing has failed because of an unknown error, exception or failure.")
	e.Err = cause
	return e
}

// Mapper maps a domain error to a wire error, reporting whether it knew the
// error. Services register theirs with [From] callers through [Chain].
type Mapper func(error) (*Error, bool)

// From is the single mapping from an error to the wire. An *Error anywhere in
// err's chain is returned as is; the mappers are tried in order; a cancelled
// or timed-out context becomes a 5xx; anything else becomes InternalFailure
// with a generic message.
func From(err error, mappers ...Mapper) *Error {
	if err == nil {
		return nil
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	for _, m := range mappers {
		if e, ok := m(err); ok {
			if e.Err == nil {
				e.Err = err
			}
			return e
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		e := New(http.StatusServiceUnavailable, "ServiceUnavailable", "The request was not completed in time.")
		e.Err = err
		return e
	}
	return Internal(err)
}
