package sigv4

import (
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	amzDateFormat   = "20060102T150405Z"
	shortDateFormat = "20060102"
	algorithm       = "AWS4-HMAC-SHA256"
	scopeTerminator = "aws4_request"
)

const upperHex = "0123456789ABCDEF"

// isUnreserved reports whether c is one of the characters SigV4 never
// percent-encodes: A-Z, a-z, 0-9, '-', '_', '.', '~'.
func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// appendURIEncode appends s percent-encoded as SigV4 specifies: every byte
// but the unreserved ones becomes %XX with upper-case hex. '/' is kept when
// keepSlash is set.
func appendURIEncode(b []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || keepSlash && c == '/' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', upperHex[c>>4], upperHex[c&15])
	}
	return b
}

// appendCanonicalURI appends the canonical URI of a request whose path was
// received as escapedPath (percent-encoded, as on the wire).
//
// For S3 the path is neither normalized nor double-encoded: each segment is
// decoded and encoded once, so "a b", "a+b", "=", "//" and unicode keys come
// out exactly as the SDKs sign them. For other services the path is
// normalized (dot segments and empty segments removed) and the wire form is
// encoded a second time.
func appendCanonicalURI(b []byte, escapedPath string, s3 bool) []byte {
	if escapedPath == "" {
		return append(b, '/')
	}
	if !s3 {
		return appendURIEncode(b, normalizePath(escapedPath), true)
	}
	for {
		seg, rest, more := strings.Cut(escapedPath, "/")
		if dec, err := url.PathUnescape(seg); err == nil {
			b = appendURIEncode(b, dec, false)
		} else {
			b = appendURIEncode(b, seg, false)
		}
		if !more {
			return b
		}
		b = append(b, '/')
		escapedPath = rest
	}
}

// normalizePath removes "." and ".." segments (RFC 3986 section 5.2.4) and
// empty segments, keeping a leading and a trailing slash.
func normalizePath(p string) string {
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") {
		return p
	}
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	var sb strings.Builder
	if strings.HasPrefix(p, "/") {
		sb.WriteByte('/')
	}
	sb.WriteString(strings.Join(out, "/"))
	if strings.HasSuffix(p, "/") && len(out) > 0 {
		sb.WriteByte('/')
	}
	return sb.String()
}

// queryPair is one encoded name=value pair of a canonical query string.
type queryPair struct{ k, v string }

// appendCanonicalQuery appends the canonical query string of a raw query:
// each name and value decoded and re-encoded, pairs sorted by encoded name,
// then by value. X-Amz-Signature is left out when presigned is set.
func appendCanonicalQuery(b []byte, rawQuery string, presigned bool) []byte {
	if rawQuery == "" {
		return b
	}
	var pairs []queryPair
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, v = queryReencode(k), queryReencode(v)
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, queryPair{k, v})
	}
	slices.SortFunc(pairs, func(a, b queryPair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.k...)
		b = append(b, '=')
		b = append(b, p.v...)
	}
	return b
}

// queryReencode decodes one query component ('+' is a space) and encodes it
// the SigV4 way. It returns s itself when s is already canonical.
func queryReencode(s string) string {
	canonical := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			continue
		}
		if c == '%' && i+2 < len(s) && isUpperHex(s[i+1]) && isUpperHex(s[i+2]) &&
			!isUnreserved(unhex(s[i+1])<<4|unhex(s[i+2])) {
			i += 2
			continue
		}
		canonical = false
		break
	}
	if canonical {
		return s
	}
	dec, err := url.QueryUnescape(s)
	if err != nil {
		dec = s
	}
	return string(appendURIEncode(nil, dec, false))
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'A' + 10
}

// appendCanonicalHeaders appends "name:value\n" for each signed header, in
// the order the client listed them. Values are trimmed, inner runs of spaces
// collapsed, and repeated headers joined with ','. Host, Content-Length and
// Transfer-Encoding are read from where net/http keeps them.
func appendCanonicalHeaders(b []byte, r *http.Request, signed []string) []byte {
	for _, name := range signed {
		b = append(b, name...)
		b = append(b, ':')
		switch name {
		case "host", ":authority":
			host := r.Host
			if host == "" && r.URL != nil {
				host = r.URL.Host
			}
			b = appendTrimmed(b, host)
			b = append(b, '\n')
			continue
		case "content-length":
			if _, ok := r.Header["Content-Length"]; !ok && r.ContentLength >= 0 {
				b = strconv.AppendInt(b, r.ContentLength, 10)
				b = append(b, '\n')
				continue
			}
		case "transfer-encoding":
			if _, ok := r.Header["Transfer-Encoding"]; !ok {
				b = appendTrimmed(b, strings.Join(r.TransferEncoding, ","))
				b = append(b, '\n')
				continue
			}
		}
		for i, v := range headerValues(r.Header, name) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendTrimmed(b, v)
		}
		b = append(b, '\n')
	}
	return b
}

// headerValues returns h's values for name as net/http stores them, under
// the canonical MIME form of the name. Valid names are canonicalized in a
// stack buffer, so the lookup does not allocate.
func headerValues(h http.Header, name string) []string {
	var buf [128]byte
	if len(name) > len(buf) {
		return h[textproto.CanonicalMIMEHeaderKey(name)]
	}
	b := buf[:len(name)]
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isTokenChar(c) {
			return h[textproto.CanonicalMIMEHeaderKey(name)]
		}
		switch {
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case !upper && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b[i] = c
		upper = c == '-'
	}
	return h[string(b)]
}

// isTokenChar reports whether c may appear in an HTTP header name.
func isTokenChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// appendTrimmed appends v without leading and trailing white space and with
// each inner run of spaces collapsed to one.
func appendTrimmed(b []byte, v string) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b = append(b, c)
	}
	return b
}
