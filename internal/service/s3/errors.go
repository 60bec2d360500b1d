package s3

import (
	"errors"
	"fmt"
	"net/http"

	"abacus/internal/apierr"
	"abacus/internal/store"
)

// Error is an S3 error with its wire code, HTTP status and message, and
// the extra elements S3 puts in its error document (BucketName, Key, ...).
type Error struct {
	Code    string
	Status  int
	Message string
	Extra   []apierr.Field
}

// Error implements error.
func (e *Error) Error() string { return "s3: " + e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, &Error{Code: CodeNoSuchKey}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func (e *Error) with(name, value string) *Error {
	e.Extra = append(e.Extra, apierr.Field{Name: name, Value: value})
	return e
}

// S3's error codes, as the Amazon S3 API Reference lists them
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
const (
	CodeAccessDenied              = "AccessDenied"
	CodeNoSuchBucket              = "NoSuchBucket"
	CodeNoSuchKey                 = "NoSuchKey"
	CodeBucketNotEmpty            = "BucketNotEmpty"
	CodeBucketAlreadyOwnedByYou   = "BucketAlreadyOwnedByYou"
	CodeBucketAlreadyExists       = "BucketAlreadyExists"
	CodeInvalidRange              = "InvalidRange"
	CodePreconditionFailed        = "PreconditionFailed"
	CodeNotModified               = "NotModified"
	CodeInvalidBucketName         = "InvalidBucketName"
	CodeEntityTooSmall            = "EntityTooSmall"
	CodeEntityTooLarge            = "EntityTooLarge"
	CodeInvalidPart               = "InvalidPart"
	CodeInvalidPartOrder          = "InvalidPartOrder"
	CodeNoSuchUpload              = "NoSuchUpload"
	CodeBadDigest                 = "BadDigest"
	CodeInvalidDigest             = "InvalidDigest"
	CodeInvalidRequest            = "InvalidRequest"
	CodeInvalidArgument           = "InvalidArgument"
	CodeInvalidTag                = "InvalidTag"
	CodeMalformedXML              = "MalformedXML"
	CodeMalformedPolicy           = "MalformedPolicy"
	CodeNoSuchTagSet              = "NoSuchTagSet"
	CodeNoSuchBucketPolicy        = "NoSuchBucketPolicy"
	CodeIncompleteBody            = "IncompleteBody"
	CodeInvalidLocationConstraint = "InvalidLocationConstraint"
	CodeIllegalLocationConstraint = "IllegalLocationConstraintException"
	CodeKeyTooLong                = "KeyTooLongError"
)

func newError(status int, code, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Status: status, Message: msg}
}

func errNoSuchBucket(bucket string) *Error {
	return newError(http.StatusNotFound, CodeNoSuchBucket, "The specified bucket does not exist").with("BucketName", bucket)
}

func errNoSuchKey(key string) *Error {
	return newError(http.StatusNotFound, CodeNoSuchKey, "The specified key does not exist.").with("Key", key)
}

func errNoSuchUpload(id string) *Error {
	return newError(http.StatusNotFound, CodeNoSuchUpload,
		"The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.").with("UploadId", id)
}

func errPreconditionFailed(cond string) *Error {
	return newError(http.StatusPreconditionFailed, CodePreconditionFailed,
		"At least one of the pre-conditions you specified did not hold").with("Condition", cond)
}

func errInvalidArgument(msg, name, value string) *Error {
	return newError(http.StatusBadRequest, CodeInvalidArgument, "%s", msg).with("ArgumentName", name).with("ArgumentValue", value)
}

func errBadDigest(msg string) *Error {
	return newError(http.StatusBadRequest, CodeBadDigest, "%s", msg)
}

// MapError maps S3's domain errors to wire errors; it is an apierr.Mapper.
// Store errors that escape an operation (a bucket that vanished between
// authorization and the handler) are S3's 404s and 409s.
func MapError(err error) (*apierr.Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		out := apierr.New(e.Status, e.Code, e.Message)
		out.Extra = append(out.Extra, e.Extra...)
		out.Err = err
		return out, true
	}
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return ae, true
	}
	if errors.Is(err, store.ErrConflict) {
		out := apierr.New(http.StatusConflict, "OperationAborted",
			"A conflicting conditional operation is currently in progress against this resource. Please try again.")
		out.Err = err
		return out, true
	}
	return nil, false
}
