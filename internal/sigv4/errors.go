package sigv4

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"abacus/internal/apierr"
)

// Protocol selects the error codes, statuses and messages of a failure,
// because AWS reports the same authentication problem differently for each
// protocol. The zero value is [ProtocolQuery].
type Protocol int

const (
	// ProtocolQuery is the Query protocol of IAM and STS
	// (InvalidClientTokenId, SignatureDoesNotMatch, IncompleteSignature, ...).
	ProtocolQuery Protocol = iota
	// ProtocolJSON is the JSON protocols (awsJson1.0/1.1, restJson1) of
	// SageMaker, Secrets Manager, EMR, CloudTrail and others
	// (UnrecognizedClientException, InvalidSignatureException, ...).
	ProtocolJSON
	// ProtocolS3 is S3's REST-XML protocol (InvalidAccessKeyId,
	// SignatureDoesNotMatch with StringToSign, RequestTimeTooSkewed, ...).
	ProtocolS3
)

// String returns the protocol's name.
func (p Protocol) String() string {
	switch p {
	case ProtocolJSON:
		return "json"
	case ProtocolS3:
		return "s3"
	default:
		return "query"
	}
}

// Sentinel causes carried in the Err field of the *apierr.Error values this
// package returns, for callers that test with errors.Is.
var (
	// ErrNotSigned means the request carries no authentication at all (see
	// [IsSigned]). S3 may serve such a request anonymously.
	ErrNotSigned = errors.New("sigv4: request is not signed")
	// ErrMalformed means the signature parameters are incomplete or malformed.
	ErrMalformed = errors.New("sigv4: malformed signature parameters")
	// ErrSignatureMismatch means a request, chunk or trailer signature is wrong.
	ErrSignatureMismatch = errors.New("sigv4: signature does not match")
	// ErrInvalidToken means the session token is missing, unexpected or wrong.
	ErrInvalidToken = errors.New("sigv4: invalid session token")
	// ErrExpiredToken means the temporary credentials have expired.
	ErrExpiredToken = errors.New("sigv4: expired session token")
	// ErrTimeSkew means the signing time is too far from the server's clock.
	ErrTimeSkew = errors.New("sigv4: request time too skewed")
	// ErrPresignExpired means a presigned URL has expired.
	ErrPresignExpired = errors.New("sigv4: presigned request expired")
	// ErrIncompleteBody means a streamed body ended early or its decoded
	// length differs from x-amz-decoded-content-length.
	ErrIncompleteBody = errors.New("sigv4: incomplete body")
	// ErrContentSHA256Mismatch means the body's SHA-256 differs from the
	// x-amz-content-sha256 the client declared.
	ErrContentSHA256Mismatch = errors.New("sigv4: x-amz-content-sha256 mismatch")
	// ErrBodyTooLarge means a body to be hashed exceeds [Options.MaxBodyBytes].
	ErrBodyTooLarge = errors.New("sigv4: body too large")
)

// Wire codes this package returns that apierr does not define. JSON
// services use the -Exception forms; S3 has codes of its own.
const (
	codeAuthorizationHeaderMalformed        = "AuthorizationHeaderMalformed"
	codeAuthorizationQueryParametersError   = "AuthorizationQueryParametersError"
	codeExpiredTokenException               = "ExpiredTokenException"
	codeIncompleteBody                      = "IncompleteBody"
	codeIncompleteSignatureException        = "IncompleteSignatureException"
	codeInvalidArgument                     = "InvalidArgument"
	codeInvalidChunkSizeError               = "InvalidChunkSizeError"
	codeInvalidRequest                      = "InvalidRequest"
	codeInvalidSignatureException           = "InvalidSignatureException"
	codeInvalidToken                        = "InvalidToken"
	codeMissingAuthenticationTokenException = "MissingAuthenticationTokenException"
	codeMalformedTrailerError               = "MalformedTrailerError"
	codeMissingContentLength                = "MissingContentLength"
	codeNotImplemented                      = "NotImplemented"
	codeRequestEntityTooLargeException      = "RequestEntityTooLargeException"
	codeRequestTimeTooSkewed                = "RequestTimeTooSkewed"
	codeUnrecognizedClientException         = "UnrecognizedClientException"
	codeXAmzContentSHA256Mismatch           = "XAmzContentSHA256Mismatch"
)

// Messages AWS sends.
const (
	msgInvalidTokenID  = "The security token included in the request is invalid."
	msgExpiredToken    = "The security token included in the request is expired"
	msgSigMismatch     = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgS3SigMismatch   = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	msgS3InvalidKey    = "The AWS Access Key Id you provided does not exist in our records."
	msgS3InvalidToken  = "The provided token is malformed or otherwise invalid."
	msgS3ExpiredToken  = "The provided token has expired."
	msgS3Skewed        = "The difference between the request time and the current time is too large."
	msgS3HeaderMalform = "The authorization header is malformed; "
	msgS3QueryParams   = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
	msgIncompleteBody  = "The request body terminated unexpectedly"
	msgS3SHAMismatch   = "The provided 'x-amz-content-sha256' header does not match what was computed."
)

// wrap sets the cause that errors.Is finds behind a wire error.
func wrap(e *apierr.Error, cause error) *apierr.Error {
	e.Err = cause
	return e
}

// errNotSigned is the error for a request with no authentication at all.
func (p Protocol) errNotSigned() *apierr.Error {
	switch p {
	case ProtocolJSON:
		return wrap(apierr.New(http.StatusForbidden, codeMissingAuthenticationTokenException, "Missing Authentication Token"), ErrNotSigned)
	case ProtocolS3:
		return wrap(apierr.New(http.StatusForbidden, apierr.CodeAccessDenied, "Access Denied"), ErrNotSigned)
	default:
		return wrap(apierr.New(http.StatusForbidden, apierr.CodeMissingAuthenticationToken, "Request is missing Authentication Token"), ErrNotSigned)
	}
}

// errIncomplete is the error for malformed signature parameters. msg is the
// Query/JSON text; s3msg the S3 text (its code depends on presigned).
func (p Protocol) errIncomplete(presigned bool, msg, s3msg string) *apierr.Error {
	switch p {
	case ProtocolJSON:
		return wrap(apierr.New(http.StatusBadRequest, codeIncompleteSignatureException, msg), ErrMalformed)
	case ProtocolS3:
		if presigned {
			return wrap(apierr.New(http.StatusBadRequest, codeAuthorizationQueryParametersError, s3msg), ErrMalformed)
		}
		return wrap(apierr.New(http.StatusBadRequest, codeAuthorizationHeaderMalformed, msgS3HeaderMalform+s3msg), ErrMalformed)
	default:
		return wrap(apierr.New(http.StatusBadRequest, apierr.CodeIncompleteSignature, msg), ErrMalformed)
	}
}

// errUnknownKey is the error for an access key ID nobody issued.
func (p Protocol) errUnknownKey(akid string) *apierr.Error {
	switch p {
	case ProtocolJSON:
		return wrap(apierr.New(http.StatusBadRequest, codeUnrecognizedClientException, msgInvalidTokenID), ErrUnknownAccessKey)
	case ProtocolS3:
		return wrap(apierr.New(http.StatusForbidden, apierr.CodeInvalidAccessKeyID, msgS3InvalidKey).With("AWSAccessKeyId", akid), ErrUnknownAccessKey)
	default:
		return wrap(apierr.New(http.StatusForbidden, apierr.CodeInvalidClientTokenID, msgInvalidTokenID), ErrUnknownAccessKey)
	}
}

// errInvalidToken is the error for a session token that is wrong, missing
// where temporary credentials need one, or present where none is expected.
func (p Protocol) errInvalidToken(missing bool, akid string) *apierr.Error {
	switch p {
	case ProtocolJSON:
		return wrap(apierr.New(http.StatusBadRequest, codeUnrecognizedClientException, msgInvalidTokenID), ErrInvalidToken)
	case ProtocolS3:
		if missing {
			// Temporary keys do not exist without their token.
			return wrap(apierr.New(http.StatusForbidden, apierr.CodeInvalidAccessKeyID, msgS3InvalidKey).With("AWSAccessKeyId", akid), ErrInvalidToken)
		}
		return wrap(apierr.New(http.StatusBadRequest, codeInvalidToken, msgS3InvalidToken), ErrInvalidToken)
	default:
		return wrap(apierr.New(http.StatusForbidden, apierr.CodeInvalidClientTokenID, msgInvalidTokenID), ErrInvalidToken)
	}
}

// errExpiredToken is the error for temporary credentials past their expiry.
func (p Protocol) errExpiredToken() *apierr.Error {
	switch p {
	case ProtocolJSON:
		return wrap(apierr.New(http.StatusForbidden, codeExpiredTokenException, msgExpiredToken), ErrExpiredToken)
	case ProtocolS3:
		return wrap(apierr.New(http.StatusBadRequest, apierr.CodeExpiredToken, msgS3ExpiredToken), ErrExpiredToken)
	default:
		return wrap(apierr.New(http.StatusForbidden, apierr.CodeExpiredToken, msgExpiredToken), ErrExpiredToken)
	}
}

// errSignature is the error for a wrong signature. Query and JSON services
// append the canonical request and string to sign to the message, as AWS
// does; S3 returns them as extra elements.
func (p Protocol) errSignature(akid, provided, canonical, stringToSign string) *apierr.Error {
	detail := "\n\nThe Canonical String for this request should have been\n'" + canonical +
		"'\n\nThe String-to-Sign should have been\n'" + stringToSign + "'\n"
	switch p {
	case ProtocolJSON:
		return wrap(apierr.New(http.StatusBadRequest, codeInvalidSignatureException, msgSigMismatch+detail), ErrSignatureMismatch)
	case ProtocolS3:
		e := apierr.New(http.StatusForbidden, apierr.CodeSignatureDoesNotMatch, msgS3SigMismatch).
			With("AWSAccessKeyId", akid).
			With("StringToSign", stringToSign).
			With("SignatureProvided", provided).
			With("StringToSignBytes", spacedHex(stringToSign))
		if canonical != "" {
			e = e.With("CanonicalRequest", canonical).With("CanonicalRequestBytes", spacedHex(canonical))
		}
		return wrap(e, ErrSignatureMismatch)
	default:
		return wrap(apierr.New(http.StatusForbidden, apierr.CodeSignatureDoesNotMatch, msgSigMismatch+detail), ErrSignatureMismatch)
	}
}

// spacedHex renders s as S3 does in StringToSignBytes: two lower-case hex
// digits per byte, separated by spaces.
func spacedHex(s string) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 3*len(s))
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, digits[s[i]>>4], digits[s[i]&15])
	}
	return string(b)
}

// errSignatureText is a SignatureDoesNotMatch with a specific message (Query
// and JSON only), for problems AWS reports under that code.
func (p Protocol) errSignatureText(msg string) *apierr.Error {
	if p == ProtocolJSON {
		return wrap(apierr.New(http.StatusBadRequest, codeInvalidSignatureException, msg), ErrSignatureMismatch)
	}
	return wrap(apierr.New(http.StatusForbidden, apierr.CodeSignatureDoesNotMatch, msg), ErrSignatureMismatch)
}

// errWrongService is the error for a credential scoped to a service other
// than the one the request was sent to.
func (p Protocol) errWrongService(a authParams, want string) *apierr.Error {
	if p == ProtocolS3 {
		detail := "incorrect service \"" + a.service + "\". This endpoint belongs to \"" + want + "\"."
		if a.presigned {
			return p.errIncomplete(true, "", "Error parsing the X-Amz-Credential parameter; "+detail)
		}
		return p.errIncomplete(false, "", detail)
	}
	return p.errSignatureText("Credential should be scoped to correct service: '" + want + "'. ")
}

// errSkew is the error for a signing time outside now±max.
func (p Protocol) errSkew(signed, now time.Time, maxSkew time.Duration) *apierr.Error {
	if p == ProtocolS3 {
		return wrap(apierr.New(http.StatusForbidden, codeRequestTimeTooSkewed, msgS3Skewed).
			With("RequestTime", signed.UTC().Format(amzDateFormat)).
			With("ServerTime", now.UTC().Format(time.RFC3339)).
			With("MaxAllowedSkewMilliseconds", strconv.FormatInt(maxSkew.Milliseconds(), 10)), ErrTimeSkew)
	}
	mins := strconv.FormatInt(int64(maxSkew/time.Minute), 10)
	var msg string
	if signed.Before(now) {
		msg = "Signature expired: " + signed.UTC().Format(amzDateFormat) + " is now earlier than " +
			now.Add(-maxSkew).UTC().Format(amzDateFormat) + " (" + now.UTC().Format(amzDateFormat) + " - " + mins + " min.)"
	} else {
		msg = "Signature not yet current: " + signed.UTC().Format(amzDateFormat) + " is still later than " +
			now.Add(maxSkew).UTC().Format(amzDateFormat) + " (" + now.UTC().Format(amzDateFormat) + " + " + mins + " min.)"
	}
	return wrap(p.errSignatureText(msg), ErrTimeSkew)
}

// errPresignExpired is the error for a presigned URL used after it expired.
func (p Protocol) errPresignExpired(expiresSec int64, expires, now time.Time) *apierr.Error {
	if p == ProtocolS3 {
		return wrap(apierr.New(http.StatusForbidden, apierr.CodeAccessDenied, "Request has expired").
			With("X-Amz-Expires", strconv.FormatInt(expiresSec, 10)).
			With("Expires", expires.UTC().Format(time.RFC3339)).
			With("ServerTime", now.UTC().Format(time.RFC3339)), ErrPresignExpired)
	}
	return wrap(apierr.New(http.StatusBadRequest, apierr.CodeRequestExpired, "Request has expired."), ErrPresignExpired)
}

// errBodyTooLarge is the error for a body over the hashing bound.
func (p Protocol) errBodyTooLarge() *apierr.Error {
	code := apierr.CodeRequestEntityTooLarge
	if p == ProtocolJSON {
		code = "RequestEntityTooLargeException"
	}
	return wrap(apierr.New(http.StatusRequestEntityTooLarge, code, "Request body is too large."), ErrBodyTooLarge)
}

// S3-only errors about the payload.

func errS3IncompleteBody() *apierr.Error {
	return wrap(apierr.New(http.StatusBadRequest, codeIncompleteBody, msgIncompleteBody), ErrIncompleteBody)
}

// errS3ChunkSignature reports a wrong chunk or trailer signature. Like S3,
// it echoes the chunk's string to sign and the seed request's canonical
// request.
func errS3ChunkSignature(akid, provided, stringToSign, seedCanonical string) *apierr.Error {
	return ProtocolS3.errSignature(akid, provided, seedCanonical, stringToSign)
}

func errS3SHAMismatch(declared, computed string) *apierr.Error {
	return wrap(apierr.New(http.StatusBadRequest, codeXAmzContentSHA256Mismatch, msgS3SHAMismatch).
		With("ClientComputedContentSHA256", declared).
		With("S3ComputedContentSHA256", computed), ErrContentSHA256Mismatch)
}

// errS3ChunkTooSmall reports a chunk other than the last data chunk that is
// under 8 KiB: chunk is the 1-based number of the chunk that showed it (the
// next one), size the short chunk's size.
func errS3ChunkTooSmall(chunk int, size int64) *apierr.Error {
	return wrap(apierr.New(http.StatusBadRequest, codeInvalidChunkSizeError,
		"Only the last chunk is allowed to have a size less than 8192 bytes").
		With("Chunk", strconv.Itoa(chunk)).
		With("BadChunkSize", strconv.FormatInt(size, 10)), ErrIncompleteBody)
}

func errS3MalformedTrailer() *apierr.Error {
	return wrap(apierr.New(http.StatusBadRequest, codeMalformedTrailerError,
		"The request contained trailing data that was not well-formed or did not conform to our published schema."), ErrIncompleteBody)
}

func errS3BadChunkEncoding(detail string) *apierr.Error {
	return wrap(apierr.New(http.StatusBadRequest, codeInvalidRequest, "Invalid aws-chunked encoding: "+detail), ErrIncompleteBody)
}
