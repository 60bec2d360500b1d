package sigv4

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"abacus/internal/apierr"
)

// MaxPresignExpires is the longest validity of a presigned URL, in seconds
// (seven days).
const MaxPresignExpires = 7 * 24 * 60 * 60

// authParams are the SigV4 parameters of one request, from its
// Authorization header or its presigned query string.
type authParams struct {
	presigned     bool
	accessKeyID   string
	date          string // YYYYMMDD of the credential scope
	region        string
	service       string
	scope         string // date/region/service/aws4_request
	signedHeaders []string
	signature     string
	amzDate       string // the signing time as sent, in ISO 8601 basic format
	signedAt      time.Time
	token         string
	expires       int64      // seconds; presigned only, -1 when absent
	query         url.Values // the parsed query of a presigned request
}

// IsSigned reports whether r carries any SigV4 authentication: an
// Authorization header, or an X-Amz-Algorithm, X-Amz-Credential or
// X-Amz-Signature query parameter. A request that is not signed is anonymous;
// [Verifier.Verify] fails it with an error wrapping [ErrNotSigned].
//
// Signature Version 2 query strings (AWSAccessKeyId and Signature) count as
// signed, so that Verify rejects them instead of treating them as anonymous.
func IsSigned(r *http.Request) bool {
	q, ok := queryAuth(r.URL.RawQuery)
	return ok || isSigV2Query(r, q) || r.Header.Get("Authorization") != ""
}

// isSigV2Query reports whether r carries Signature Version 2 query
// parameters. q is r's parsed query, or nil when it has not been parsed.
func isSigV2Query(r *http.Request, q url.Values) bool {
	if !strings.Contains(r.URL.RawQuery, "AWSAccessKeyId=") {
		return false
	}
	if q == nil {
		q = r.URL.Query()
	}
	return q.Has("AWSAccessKeyId") && q.Has("Signature")
}

// Scope returns the region and service of r's credential scope, from its
// Authorization header or X-Amz-Credential query parameter, without
// verifying anything. A server uses it to route a request to its service
// (and so to its protocol) before calling [Verifier.Verify]. ok is false when
// r carries no well-formed SigV4 credential.
func Scope(r *http.Request) (region, service string, ok bool) {
	var cred string
	if authz := r.Header.Get("Authorization"); authz != "" {
		_, after, found := strings.Cut(authz, "Credential=")
		if !found {
			return "", "", false
		}
		cred, _, _ = strings.Cut(after, ",")
		cred = strings.TrimSpace(cred)
	} else if q, signed := queryAuth(r.URL.RawQuery); signed {
		cred = q.Get("X-Amz-Credential")
	}
	parts, ok := splitCredential(cred)
	if !ok || parts[4] != scopeTerminator {
		return "", "", false
	}
	return parts[2], parts[3], true
}

// queryAuth parses a raw query that may carry presigned-URL parameters and
// reports whether it does. Queries that cannot name an X-Amz- parameter,
// literally or percent-encoded, are not parsed.
func queryAuth(rawQuery string) (url.Values, bool) {
	if !strings.Contains(rawQuery, "X-Amz-") && !strings.Contains(rawQuery, "%") {
		return nil, false
	}
	q, _ := url.ParseQuery(rawQuery)
	return q, q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature")
}

// parseRequest extracts the signature parameters of r.
func parseRequest(r *http.Request, p Protocol) (authParams, *apierr.Error) {
	authz := r.Header.Get("Authorization")
	query, hasQueryAuth := queryAuth(r.URL.RawQuery)
	switch {
	case authz != "" && hasQueryAuth:
		const msg = "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
		if p == ProtocolS3 {
			return authParams{}, wrap(apierr.New(http.StatusBadRequest, codeInvalidArgument, msg).
				With("ArgumentName", "Authorization").With("ArgumentValue", authz), ErrMalformed)
		}
		return authParams{}, p.errIncomplete(false, msg, "")
	case authz != "":
		return parseAuthorization(authz, r, p)
	case hasQueryAuth:
		return parsePresigned(r, query, p)
	case isSigV2Query(r, query):
		if p == ProtocolS3 {
			return authParams{}, wrap(apierr.New(http.StatusBadRequest, codeInvalidRequest,
				"The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."), ErrMalformed)
		}
		return authParams{}, p.errIncomplete(false, "Signature Version 2 is not supported. Please use AWS4-HMAC-SHA256.", "")
	default:
		return authParams{}, p.errNotSigned()
	}
}

// parseAuthorization parses an Authorization header such as
//
//	AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request,
//	SignedHeaders=host;range;x-amz-date, Signature=fe5f80f7...
func parseAuthorization(authz string, r *http.Request, p Protocol) (authParams, *apierr.Error) {
	a := authParams{expires: -1}
	alg, rest, _ := strings.Cut(authz, " ")
	if alg != algorithm {
		if p == ProtocolS3 {
			return a, wrap(apierr.New(http.StatusBadRequest, codeInvalidRequest,
				"The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."), ErrMalformed)
		}
		return a, p.errIncomplete(false, "Unsupported AWS 'algorithm': '"+alg+"'.", "")
	}
	var credential, signedHeaders string
	var haveCred, haveSigned, haveSig bool
	for field := range strings.SplitSeq(rest, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			return a, p.errIncomplete(false,
				"'"+field+"' not a valid key=value pair (missing equal-sign) in Authorization header: '"+authz+"'.",
				"the authorization header requires three components: Credential, SignedHeaders, and Signature.")
		}
		switch k {
		case "Credential":
			credential, haveCred = v, true
		case "SignedHeaders":
			signedHeaders, haveSigned = v, true
		case "Signature":
			a.signature, haveSig = v, true
		}
	}
	var missing strings.Builder
	if !haveCred {
		missing.WriteString("Authorization header requires 'Credential' parameter. ")
	}
	if !haveSig {
		missing.WriteString("Authorization header requires 'Signature' parameter. ")
	}
	if !haveSigned {
		missing.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	var signedAt time.Time
	var dateErr bool
	if amzDate != "" {
		t, err := time.Parse(amzDateFormat, amzDate)
		signedAt, dateErr = t, err != nil
	} else if d := r.Header.Get("Date"); d != "" {
		t, err := http.ParseTime(d)
		signedAt, dateErr, amzDate = t.UTC(), err != nil, t.UTC().Format(amzDateFormat)
		if dateErr {
			amzDate = d
		}
	} else {
		missing.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if missing.Len() > 0 {
		if p == ProtocolS3 && haveCred && haveSig && haveSigned {
			return a, wrap(apierr.New(http.StatusForbidden, apierr.CodeAccessDenied,
				"AWS authentication requires a valid Date or x-amz-date header"), ErrMalformed)
		}
		return a, p.errIncomplete(false, missing.String()+"Authorization="+authz,
			"the authorization header requires three components: Credential, SignedHeaders, and Signature.")
	}
	if dateErr {
		if p == ProtocolS3 {
			return a, wrap(apierr.New(http.StatusForbidden, apierr.CodeAccessDenied,
				"AWS authentication requires a valid Date or x-amz-date header"), ErrMalformed)
		}
		return a, p.errIncomplete(false, "Date must be in ISO-8601 'basic format'. Got '"+amzDate+"'. See http://en.wikipedia.org/wiki/ISO_8601", "")
	}
	a.amzDate, a.signedAt = amzDate, signedAt
	a.token = r.Header.Get("X-Amz-Security-Token")
	if e := a.setCredential(credential, p); e != nil {
		return a, e
	}
	a.signedHeaders = strings.Split(signedHeaders, ";")
	return a, checkSignedHeaders(r, a, p)
}

// checkSignedHeaders enforces that the host header is signed and, for S3,
// that every x-amz-* header present is signed. S3 tolerates an unsigned
// x-amz-content-sha256, whose value is part of the canonical request anyway.
func checkSignedHeaders(r *http.Request, a authParams, p Protocol) *apierr.Error {
	hostSigned := false
	for _, h := range a.signedHeaders {
		if h == "host" || h == ":authority" {
			hostSigned = true
		}
	}
	if p != ProtocolS3 {
		if !hostSigned {
			return p.errIncomplete(a.presigned, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", "")
		}
		return nil
	}
	var unsigned []string
	if !hostSigned {
		unsigned = append(unsigned, "host")
	}
	for name := range r.Header {
		if len(name) < 6 || !strings.EqualFold(name[:6], "x-amz-") {
			continue
		}
		lower := strings.ToLower(name)
		if lower != "x-amz-content-sha256" && !slices.Contains(a.signedHeaders, lower) {
			unsigned = append(unsigned, lower)
		}
	}
	if len(unsigned) == 0 {
		return nil
	}
	slices.Sort(unsigned)
	return wrap(apierr.New(http.StatusForbidden, apierr.CodeAccessDenied, "There were headers present in the request which were not signed").
		With("HeadersNotSigned", strings.Join(unsigned, ", ")), ErrMalformed)
}

// parsePresigned parses the X-Amz-* query parameters of a presigned URL.
func parsePresigned(r *http.Request, q url.Values, p Protocol) (authParams, *apierr.Error) {
	a := authParams{presigned: true, expires: -1, query: q}
	const nonS3Missing = "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date' and 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders"} {
		if q.Get(k) == "" {
			return a, p.errIncomplete(true, nonS3Missing, msgS3QueryParams)
		}
	}
	if p == ProtocolS3 && !q.Has("X-Amz-Expires") {
		return a, p.errIncomplete(true, nonS3Missing, msgS3QueryParams)
	}
	if alg := q.Get("X-Amz-Algorithm"); alg != algorithm {
		return a, p.errIncomplete(true, "Unsupported AWS 'algorithm': '"+alg+"'.",
			"X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	if q.Has("X-Amz-Expires") {
		n, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
		switch {
		case err != nil || n < 0:
			return a, p.errIncomplete(true, "X-Amz-Expires should be a number", "X-Amz-Expires should be a number")
		case n > MaxPresignExpires:
			return a, p.errIncomplete(true, "X-Amz-Expires must be less than a week (in seconds) that is; 604800",
				"X-Amz-Expires must be less than a week (in seconds) that is; 604800")
		}
		a.expires = n
	}
	a.amzDate = q.Get("X-Amz-Date")
	t, err := time.Parse(amzDateFormat, a.amzDate)
	if err != nil {
		return a, p.errIncomplete(true, "Date must be in ISO-8601 'basic format'. Got '"+a.amzDate+"'. See http://en.wikipedia.org/wiki/ISO_8601",
			"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	a.signedAt = t
	a.signature = q.Get("X-Amz-Signature")
	a.token = q.Get("X-Amz-Security-Token")
	if e := a.setCredential(q.Get("X-Amz-Credential"), p); e != nil {
		return a, e
	}
	a.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	return a, checkSignedHeaders(r, a, p)
}

// setCredential parses "AKID/YYYYMMDD/region/service/aws4_request" and checks
// that its date is the signing date.
func (a *authParams) setCredential(cred string, p Protocol) *apierr.Error {
	const s3Malformed = "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."
	parts, ok := splitCredential(cred)
	if !ok {
		return p.errIncomplete(a.presigned,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '"+cred+"'",
			s3Malformed)
	}
	if parts[4] != scopeTerminator {
		return p.errIncomplete(a.presigned,
			"Credential should be scoped with a valid terminator: 'aws4_request', not '"+parts[4]+"'.",
			s3Malformed)
	}
	a.accessKeyID, a.date, a.region, a.service = parts[0], parts[1], parts[2], parts[3]
	a.scope = cred[len(parts[0])+1:]
	if want := a.amzDate[:len(shortDateFormat)]; a.date != want {
		if p == ProtocolS3 {
			return p.errIncomplete(a.presigned, "", "Invalid credential date. Date is not the same as X-Amz-Date.")
		}
		return p.errSignatureText("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
			a.date + "' != '" + want + "', from '" + a.amzDate + "'.")
	}
	return nil
}

// splitCredential splits "AKID/date/region/service/terminator" into its
// five elements, reporting whether there were exactly five.
func splitCredential(cred string) (parts [5]string, ok bool) {
	rest := cred
	for i := range 4 {
		var found bool
		parts[i], rest, found = strings.Cut(rest, "/")
		if !found {
			return parts, false
		}
	}
	if strings.Contains(rest, "/") {
		return parts, false
	}
	parts[4] = rest
	return parts, true
}
