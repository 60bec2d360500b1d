package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"abacus/internal/apierr"
)

// Defaults used when the corresponding [Config] or [Options] field is zero.
const (
	// DefaultMaxSkew is how far a signing time may be from the server's
	// clock: 15 minutes, as AWS allows.
	DefaultMaxSkew = 15 * time.Minute
	// DefaultMaxBodyBytes bounds the body read to hash a non-S3 request.
	DefaultMaxBodyBytes = 10 << 20
	// DefaultMaxChunkBytes bounds one aws-chunked chunk, which is held in
	// memory until its signature is verified.
	DefaultMaxChunkBytes = 16 << 20
)

// Payload hash values of x-amz-content-sha256 that are not a hex SHA-256.
const (
	// UnsignedPayload leaves the body out of the signature.
	UnsignedPayload = "UNSIGNED-PAYLOAD"
	// StreamingSignedPayload sends the body aws-chunked with a signature
	// per chunk.
	StreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	// StreamingSignedPayloadTrailer is StreamingSignedPayload followed by
	// signed trailing headers (a flexible checksum).
	StreamingSignedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	// StreamingUnsignedPayloadTrailer sends the body aws-chunked without
	// chunk signatures, followed by unsigned trailing headers; current SDKs
	// use it over TLS with flexible checksums.
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// emptySHA256 is the hex SHA-256 of no bytes.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Config configures a [Verifier]. Lookup is required; the other fields have
// defaults when zero.
type Config struct {
	// Lookup finds the credential of an access key ID.
	Lookup CredentialLookup
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew is the allowed distance between the signing time and Now;
	// zero means DefaultMaxSkew.
	MaxSkew time.Duration
	// KeyCacheSize bounds the derived signing key cache; zero means
	// DefaultKeyCacheSize.
	KeyCacheSize int
}

// Verifier verifies SigV4 signatures. It is safe for concurrent use; create
// it with [New].
type Verifier struct {
	lookup  CredentialLookup
	now     func() time.Time
	maxSkew time.Duration
	keys    *keyCache
}

// New returns a Verifier for cfg.
func New(cfg Config) *Verifier {
	v := &Verifier{lookup: cfg.Lookup, now: cfg.Now, maxSkew: cfg.MaxSkew, keys: newKeyCache(cfg.KeyCacheSize)}
	if v.now == nil {
		v.now = time.Now
	}
	if v.maxSkew <= 0 {
		v.maxSkew = DefaultMaxSkew
	}
	return v
}

// Options describes one request to [Verifier.Verify]. The zero value
// verifies a Query-protocol (IAM, STS) request with default bounds.
type Options struct {
	// Protocol selects the error codes and how the payload is handled:
	// ProtocolS3 streams it, the others read and hash it.
	Protocol Protocol
	// MaxBodyBytes bounds the body read to hash a non-S3 request; zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxChunkBytes bounds one aws-chunked chunk; zero means
	// DefaultMaxChunkBytes.
	MaxChunkBytes int64
	// Service, when set, is the signing name of the service the request
	// was routed to (iam, sts, s3, sagemaker, ...); a credential scoped to
	// another service is rejected, as AWS does. Empty accepts any.
	Service string
}

// Result is a verified request.
type Result struct {
	// AccessKeyID is the access key that signed the request.
	AccessKeyID string
	// Credential is what the lookup returned for it, with its Principal.
	Credential Credential
	// Region and Service are from the credential scope.
	Region  string
	Service string
	// SignedAt is the signing time (X-Amz-Date, or Date).
	SignedAt time.Time
	// Presigned is set when the signature came in the query string.
	Presigned bool
	// Expires is when a presigned URL stops being valid; zero otherwise.
	Expires time.Time
	// SignedHeaders are the lower-case names of the signed headers.
	SignedHeaders []string
	// PayloadHash is the payload hash used in the canonical request: a hex
	// SHA-256 or one of the UNSIGNED/STREAMING literals.
	PayloadHash string
	// Body is the payload to read. r.Body is replaced by it, too. For
	// non-S3 requests it replays the buffered, hashed bytes. For S3 it
	// checks a declared hex SHA-256 at EOF, or decodes aws-chunked framing
	// and verifies chunk and trailer signatures as it is read; a read error
	// is then an *apierr.Error with S3's code (SignatureDoesNotMatch,
	// IncompleteBody, XAmzContentSHA256Mismatch).
	Body io.ReadCloser
	// DecodedContentLength is x-amz-decoded-content-length for aws-chunked
	// payloads, else -1.
	DecodedContentLength int64
	// Trailer holds the trailing headers of an aws-chunked payload (such as
	// x-amz-checksum-crc32) once Body has been read to EOF.
	Trailer http.Header
}

// Verify checks the SigV4 signature of r and returns the verified request,
// or an *apierr.Error in opt.Protocol's codes. A request that carries no
// signature at all fails with an error wrapping [ErrNotSigned]
// (MissingAuthenticationToken, or AccessDenied for S3); use [IsSigned] to
// serve such S3 requests anonymously instead.
//
// Verify reads the body of non-S3 requests (at most opt.MaxBodyBytes) and
// replaces r.Body; for S3 it wraps r.Body without reading it.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, opt Options) (*Result, error) {
	p := opt.Protocol
	a, aerr := parseRequest(r, p)
	if aerr != nil {
		return nil, aerr
	}
	if opt.Service != "" && a.service != opt.Service {
		return nil, p.errWrongService(a, opt.Service)
	}
	if v.lookup == nil {
		return nil, apierr.Internal(errors.New("sigv4: verifier has no credential lookup"))
	}
	cred, err := v.lookup.LookupCredential(ctx, a.accessKeyID)
	if err != nil {
		if errors.Is(err, ErrUnknownAccessKey) {
			return nil, p.errUnknownKey(a.accessKeyID)
		}
		return nil, apierr.Internal(err)
	}
	if cred.Secret.IsZero() {
		// Fail closed: an empty secret would let anyone sign.
		return nil, apierr.Internal(errors.New("sigv4: credential " + a.accessKeyID + " has no secret"))
	}
	if e := checkToken(p, a, cred); e != nil {
		return nil, e
	}
	now := v.now()
	if !cred.Expires.IsZero() && !now.Before(cred.Expires) {
		return nil, p.errExpiredToken()
	}
	res := &Result{
		AccessKeyID:          a.accessKeyID,
		Credential:           cred,
		Region:               a.region,
		Service:              a.service,
		SignedAt:             a.signedAt,
		Presigned:            a.presigned,
		SignedHeaders:        a.signedHeaders,
		DecodedContentLength: -1,
	}
	if e := v.checkTime(p, a, now, res); e != nil {
		return nil, e
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	var mode payloadMode
	if p == ProtocolS3 {
		hash, m, e := s3PayloadHash(r, a)
		if e != nil {
			return nil, e
		}
		res.PayloadHash, mode = hash, m
	} else {
		buf, e := readBounded(body, r.ContentLength, opt.MaxBodyBytes, p)
		if e != nil {
			return nil, e
		}
		res.PayloadHash = hexSHA256(buf)
		body = newBufferedBody(buf)
	}

	key := v.keys.signingKey(a.accessKeyID, cred.Secret, a.date, a.region, a.service)
	var crBuf [512]byte
	cr := appendCanonicalRequest(crBuf[:0], r, a, p == ProtocolS3, res.PayloadHash)
	sts := appendStringToSign(make([]byte, 0, 160), algorithm, a.amzDate, a.scope)
	sts = appendHexSHA256(append(sts, '\n'), cr)
	if !signatureEqual(sign(key, sts), a.signature) {
		return nil, p.errSignature(a.accessKeyID, a.signature, string(cr), string(sts))
	}

	switch mode {
	case modeSHA256:
		body = &hashCheckBody{r: body, declared: res.PayloadHash, h: sha256.New()}
	case modeStreamSigned, modeStreamSignedTrailer, modeStreamUnsignedTrailer:
		n, e := decodedLength(r)
		if e != nil {
			return nil, e
		}
		res.DecodedContentLength = n
		res.Trailer = make(http.Header)
		maxChunk := opt.MaxChunkBytes
		if maxChunk <= 0 {
			maxChunk = DefaultMaxChunkBytes
		}
		body = newChunkedBody(body, chunkedParams{
			mode: mode, key: key, seed: a.signature, canonical: string(cr), amzDate: a.amzDate, scope: a.scope,
			accessKeyID: a.accessKeyID, decodedLen: n, maxChunk: maxChunk, trailer: res.Trailer,
			declared: declaredTrailers(r),
		})
	}
	r.Body = body
	res.Body = body
	return res, nil
}

// appendCanonicalRequest appends the canonical request of r as AWS builds
// it: method, canonical URI, canonical query, canonical headers, signed
// header names and payload hash, one per line.
func appendCanonicalRequest(cr []byte, r *http.Request, a authParams, s3 bool, payloadHash string) []byte {
	cr = append(cr, r.Method...)
	cr = append(cr, '\n')
	cr = appendCanonicalURI(cr, r.URL.EscapedPath(), s3)
	cr = append(cr, '\n')
	cr = appendCanonicalQuery(cr, r.URL.RawQuery, a.presigned)
	cr = append(cr, '\n')
	cr = appendCanonicalHeaders(cr, r, a.signedHeaders)
	cr = append(cr, '\n')
	for i, h := range a.signedHeaders {
		if i > 0 {
			cr = append(cr, ';')
		}
		cr = append(cr, h...)
	}
	cr = append(cr, '\n')
	return append(cr, payloadHash...)
}

// checkToken compares the request's session token with the credential's.
func checkToken(p Protocol, a authParams, cred Credential) *apierr.Error {
	switch {
	case cred.SessionToken == "" && a.token == "":
		return nil
	case cred.SessionToken == "":
		return p.errInvalidToken(false, a.accessKeyID)
	case a.token == "":
		return p.errInvalidToken(true, a.accessKeyID)
	case subtle.ConstantTimeCompare([]byte(cred.SessionToken), []byte(a.token)) != 1:
		return p.errInvalidToken(false, a.accessKeyID)
	}
	return nil
}

// checkTime applies the clock-skew rule to header signatures and the expiry
// rule to presigned URLs.
func (v *Verifier) checkTime(p Protocol, a authParams, now time.Time, res *Result) *apierr.Error {
	if a.signedAt.After(now.Add(v.maxSkew)) {
		if a.presigned && p == ProtocolS3 {
			return wrap(apierr.New(http.StatusForbidden, apierr.CodeAccessDenied, "Request is not valid yet"), ErrTimeSkew)
		}
		return p.errSkew(a.signedAt, now, v.maxSkew)
	}
	if !a.presigned {
		if a.signedAt.Before(now.Add(-v.maxSkew)) {
			return p.errSkew(a.signedAt, now, v.maxSkew)
		}
		return nil
	}
	expires := a.expires
	if expires < 0 {
		expires = int64(v.maxSkew / time.Second)
	}
	res.Expires = a.signedAt.Add(time.Duration(expires) * time.Second)
	if now.After(res.Expires) {
		return p.errPresignExpired(expires, res.Expires, now)
	}
	return nil
}

// readBounded reads all of body, failing when it exceeds max bytes. A
// declared length sizes the buffer.
func readBounded(body io.ReadCloser, declared, limit int64, p Protocol) ([]byte, *apierr.Error) {
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	defer body.Close()
	if declared > limit {
		return nil, p.errBodyTooLarge()
	}
	buf := make([]byte, 0, max(declared, 0)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, p.errBodyTooLarge()
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, bodyReadError(err, p)
		}
	}
}

// bodyReadError classifies a failure to read a body: over a server-side
// limit (http.MaxBytesReader), cut short by the client, or anything else
// (which apierr.From turns into a 5xx).
func bodyReadError(err error, p Protocol) *apierr.Error {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		e := p.errBodyTooLarge()
		e.Err = fmt.Errorf("%w: %w", ErrBodyTooLarge, err)
		return e
	case errors.Is(err, io.ErrUnexpectedEOF):
		return wrap(apierr.New(http.StatusBadRequest, codeIncompleteBody, msgIncompleteBody),
			fmt.Errorf("%w: %w", ErrIncompleteBody, err))
	}
	return apierr.From(err)
}

// bufferedBody replays a body that was read to be hashed.
type bufferedBody struct{ bytes.Reader }

func newBufferedBody(b []byte) *bufferedBody {
	bb := &bufferedBody{}
	bb.Reset(b)
	return bb
}

// Close does nothing: the original body was closed when it was read.
func (*bufferedBody) Close() error { return nil }

// payloadMode is how an S3 payload is protected.
type payloadMode int

const (
	modeUnsigned payloadMode = iota
	modeSHA256
	modeStreamSigned
	modeStreamSignedTrailer
	modeStreamUnsignedTrailer
)

// s3PayloadHash returns the payload hash of an S3 request and how its body
// is to be checked.
func s3PayloadHash(r *http.Request, a authParams) (string, payloadMode, *apierr.Error) {
	h := r.Header.Get("X-Amz-Content-Sha256")
	if h == "" && a.presigned {
		h = a.query.Get("X-Amz-Content-Sha256")
		if h == "" {
			return UnsignedPayload, modeUnsigned, nil
		}
	}
	switch h {
	case "":
		return "", 0, wrap(apierr.New(http.StatusBadRequest, codeInvalidRequest,
			"Missing required header for this request: x-amz-content-sha256"), ErrMalformed)
	case UnsignedPayload:
		return h, modeUnsigned, nil
	case StreamingSignedPayload:
		return h, modeStreamSigned, nil
	case StreamingSignedPayloadTrailer:
		return h, modeStreamSignedTrailer, nil
	case StreamingUnsignedPayloadTrailer:
		return h, modeStreamUnsignedTrailer, nil
	case "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER":
		return "", 0, wrap(apierr.New(http.StatusNotImplemented, codeNotImplemented,
			"A header you provided implies functionality that is not implemented."), ErrMalformed)
	}
	if !isHexSHA256(h) {
		return "", 0, wrap(apierr.New(http.StatusBadRequest, codeInvalidArgument,
			"x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.").
			With("ArgumentName", "x-amz-content-sha256").With("ArgumentValue", h), ErrMalformed)
	}
	return h, modeSHA256, nil
}

// isHexSHA256 reports whether s is 64 hex digits.
func isHexSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// declaredTrailers returns the lower-case header names listed in
// x-amz-trailer, which the payload's trailer must carry.
func declaredTrailers(r *http.Request) []string {
	var names []string
	for _, v := range r.Header.Values("X-Amz-Trailer") {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				names = append(names, name)
			}
		}
	}
	return names
}

// decodedLength reads x-amz-decoded-content-length, required for aws-chunked.
func decodedLength(r *http.Request) (int64, *apierr.Error) {
	n, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
	if err != nil || n < 0 {
		return 0, wrap(apierr.New(http.StatusLengthRequired, codeMissingContentLength,
			"You must provide the Content-Length HTTP header."), ErrMalformed)
	}
	return n, nil
}
