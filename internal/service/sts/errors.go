package sts

import (
	"errors"
	"fmt"
	"net/http"

	"abacus/internal/apierr"
	"abacus/internal/policy"
)

// Wire codes of STS errors, as botocore's sts model spells them in the
// error traits of its exception shapes.
const (
	CodeMalformedPolicyDocument = "MalformedPolicyDocument"
	CodePackedPolicyTooLarge    = "PackedPolicyTooLarge"
	CodeRegionDisabled          = "RegionDisabledException"
)

// Domain errors of the STS service. [Mapper] maps each to the wire.
var (
	// ErrSessionCredentials means GetSessionToken was called with
	// temporary credentials, which AWS refuses.
	ErrSessionCredentials = errors.New("cannot call GetSessionToken with session credentials")
	// ErrMFA means MFA parameters were passed; abacus has no MFA devices,
	// so every one-time code is invalid.
	ErrMFA = errors.New("MFA authentication failed")
	// ErrRootAssumeRole means the account root called AssumeRole, which AWS
	// refuses: roles may not be assumed with root credentials.
	ErrRootAssumeRole = errors.New("roles may not be assumed by root accounts")
	// ErrMalformedPolicy means a session policy is not a valid policy.
	ErrMalformedPolicy = errors.New("malformed session policy")
)

// ValidationError is a request that breaks a constraint of the STS API.
// Msg is AWS's message for it.
type ValidationError struct {
	Msg string
}

// Error implements error.
func (e *ValidationError) Error() string { return "sts: validation: " + e.Msg }

// InvalidParameterError is a request whose parameters are individually
// valid but inconsistent (duplicate tag keys, a transitive key that names no
// tag, a tag that collides with an inherited transitive tag). AWS answers
// these with InvalidParameterValue (400) and Msg.
type InvalidParameterError struct {
	Msg string
}

// Error implements error.
func (e *InvalidParameterError) Error() string { return "sts: invalid parameter: " + e.Msg }

// CodeInvalidParameterValue is the wire code of [InvalidParameterError].
const CodeInvalidParameterValue = "InvalidParameterValue"

// AccessDeniedError is a refusal to assume a role (or to set its source
// identity) that STS decides itself, for example because the role does not
// exist. Caller is the caller's ARN, Action the IAM action and Resource the
// role ARN; Reason, when set, is appended after "because".
type AccessDeniedError struct {
	Caller, Action, Resource, Reason string
}

// Error implements error.
func (e *AccessDeniedError) Error() string { return "sts: access denied: " + e.message() }

func (e *AccessDeniedError) message() string {
	m := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", e.Caller, e.Action, e.Resource)
	if e.Reason != "" {
		m += " because " + e.Reason
	}
	return m
}

// PackedPolicyTooLargeError means the session policies and tags exceed the
// packed-size limit; Percent is how much of it they use.
type PackedPolicyTooLargeError struct {
	Percent int
}

// Error implements error.
func (e *PackedPolicyTooLargeError) Error() string {
	return fmt.Sprintf("sts: packed policy too large (%d%%)", e.Percent)
}

// Mapper maps the STS domain errors to wire errors with the codes and HTTP
// statuses of botocore's sts model (MalformedPolicyDocument and
// PackedPolicyTooLarge are 400) and AWS's messages. Pass it to
// [apierr.From].
func Mapper(err error) (*apierr.Error, bool) {
	var ve *ValidationError
	var ip *InvalidParameterError
	var ad *AccessDeniedError
	var pp *PackedPolicyTooLargeError
	switch {
	case errors.As(err, &ve):
		return apierr.New(http.StatusBadRequest, apierr.CodeValidationError, ve.Msg), true
	case errors.As(err, &ip):
		return apierr.New(http.StatusBadRequest, CodeInvalidParameterValue, ip.Msg), true
	case errors.As(err, &ad):
		return apierr.New(http.StatusForbidden, apierr.CodeAccessDenied, ad.message()), true
	case errors.As(err, &pp):
		return apierr.Newf(http.StatusBadRequest, CodePackedPolicyTooLarge,
			"Packed policy consumes %d%% of allotted space, please use smaller policy.", pp.Percent), true
	case errors.Is(err, ErrSessionCredentials):
		return apierr.New(http.StatusForbidden, apierr.CodeAccessDenied,
			"Cannot call GetSessionToken with session credentials"), true
	case errors.Is(err, ErrRootAssumeRole):
		return apierr.New(http.StatusForbidden, apierr.CodeAccessDenied, "Roles may not be assumed by root accounts."), true
	case errors.Is(err, ErrMFA):
		return apierr.New(http.StatusForbidden, apierr.CodeAccessDenied,
			"MultiFactorAuthentication failed with invalid MFA one time pass code."), true
	case errors.Is(err, ErrMalformedPolicy), errors.Is(err, policy.ErrMalformedPolicyDocument):
		return apierr.New(http.StatusBadRequest, CodeMalformedPolicyDocument, malformedMessage(err)), true
	}
	return nil, false
}

// malformedMessage returns the message of a MalformedPolicyDocument error:
// AWS's "The policy is not in the valid JSON format." for a document that is
// not JSON, otherwise the policy engine's explanation.
func malformedMessage(err error) string {
	var ve *policy.ValidationError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return "The policy is not in the valid JSON format."
}
