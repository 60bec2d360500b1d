// Package restxml implements the parts of AWS's REST-XML protocol that S3
// needs: bucket and key extraction from path-style and virtual-hosted-style
// requests, XML bodies in the S3 namespace decoded into and encoded from Go
// structs that follow the convention of package protocol, header and query
// bindings, and S3's error shape.
package restxml

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// DefaultDomains are the host suffixes under which a request's host names
// its bucket when no others are configured: BUCKET.localhost, as the SDKs
// address a local endpoint in virtual-hosted style.
func DefaultDomains() []string { return []string{"localhost"} }

// BucketKey returns the bucket and key addressed by r. When r's host (port
// stripped) is BUCKET.D for one of domains D, the request is
// virtual-hosted-style: the bucket is BUCKET and the key the whole path
// without its leading slash. Otherwise it is path-style: /BUCKET/KEY. The key
// is the percent-decoded path as S3 reads it: "+" stays a plus, "%2F" and
// "/" are both a slash, and repeated or trailing slashes are part of the
// key. An empty bucket means a service-level request (ListBuckets).
func BucketKey(r *http.Request, domains []string) (bucket, key string) {
	if b := hostBucket(r.Host, domains); b != "" {
		return b, unescape(strings.TrimPrefix(r.URL.EscapedPath(), "/"))
	}
	p := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	b, k, _ := strings.Cut(p, "/")
	return unescape(b), unescape(k)
}

func hostBucket(host string, domains []string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range domains {
		d = strings.ToLower(d)
		if b, ok := strings.CutSuffix(host, "."+d); ok && b != "" {
			return b
		}
	}
	return ""
}

func unescape(s string) string {
	u, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return u
}
