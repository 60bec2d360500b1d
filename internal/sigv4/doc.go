// Package sigv4 verifies AWS Signature Version 4 on incoming HTTP requests.
//
// It is pure: it does no network I/O of its own, reads the clock only through
// an injected function and asks for credentials through [CredentialLookup].
// The flow for one request is:
//
//	v := sigv4.New(sigv4.Config{Lookup: keys, Now: clock.Now})
//	_, service, _ := sigv4.Scope(r) // route: s3, iam, sts, sagemaker, ...
//	if service == "s3" && !sigv4.IsSigned(r) { /* anonymous S3 request */ }
//	res, err := v.Verify(ctx, r, sigv4.Options{Protocol: sigv4.ProtocolQuery})
//	if err != nil { /* err is an *apierr.Error in the protocol's codes */ }
//	// res.Credential.Principal is the caller; read the payload from res.Body.
//
// Both forms of signing are accepted: the Authorization header and the
// presigned query string (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
// X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature, X-Amz-Security-Token).
//
// The canonical request is rebuilt from the request as received. S3 signs the
// path as sent, once URI-encoded and not normalized; every other service
// normalizes the path and encodes it a second time. Query parameters are
// sorted by encoded name, then value; header values are trimmed and their
// inner runs of spaces collapsed.
//
// For S3 the payload is never buffered. Its x-amz-content-sha256 header says
// how the body is protected: a hex SHA-256 (checked when the body has been
// read to its end), UNSIGNED-PAYLOAD, or one of the aws-chunked streaming
// modes (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, its -TRAILER variant and
// STREAMING-UNSIGNED-PAYLOAD-TRAILER), which [Result.Body] decodes while
// verifying each chunk's signature. For the other services the body is read
// (up to a bound), hashed and put back.
//
// Derived signing keys are cached per access key, secret, date, region and
// service (the secret only as its SHA-256, so rotation needs no
// invalidation), so a warm request costs one HMAC and the SHA-256s of the
// payload and the canonical request.
package sigv4
