// Package route identifies the AWS service and operation an HTTP request
// addresses, using the generated metadata table of package protocol:
//
//   - JSON protocols by the X-Amz-Target header ("SageMaker.CreateDomain"),
//     or by an application/x-amz-json Content-Type when the header is missing;
//   - Query protocols (IAM, STS) by the Action parameter, in the form body
//     or the URL, and the SigV4 credential scope's service name, which tells
//     IAM from STS;
//   - REST protocols by method, path and the query markers and required
//     members of each operation's HTTP binding (S3: ?uploads, ?tagging,
//     ?list-type=2, x-amz-copy-source, ...; EFS: /2015-02-01/file-systems).
//
// A request that names no service in any of these ways is S3's, as an
// unsigned GET / is ListBuckets.
package route

import (
	"net/http"
	"net/url"
	"strings"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsjson"
	"abacus/internal/protocol/awsquery"
	"abacus/internal/protocol/restxml"
)

// Options configures a [Router]. The zero value is valid.
type Options struct {
	// S3Domains are the host suffixes under which the first labels of the
	// host name a bucket (virtual-hosted-style S3). Nil means
	// restxml.DefaultDomains().
	S3Domains []string
}

// Router identifies requests. It is immutable after [New] and safe for
// concurrent use.
type Router struct {
	domains []string
	rest    map[*protocol.Service][]restOp
	s3      *protocol.Service
}

// Route is the identified service and operation of a request.
type Route struct {
	// Service is nil only when no service could be told at all.
	Service *protocol.Service
	// Operation is nil when the service is known but the operation is not;
	// Identify then also returns the protocol's error.
	Operation *protocol.Operation
	// Params are a Query request's parameters (body and URL merged).
	Params url.Values
	// Bucket and Key are the S3 bucket and key addressed.
	Bucket, Key string
	// Labels are the values of a REST operation's path labels ("Bucket",
	// "Key", "FileSystemId").
	Labels map[string]string
}

// restOp is a REST operation's binding, parsed once.
type restOp struct {
	op       *protocol.Operation
	segments []string // path template segments; "{X}" label, "{X+}" greedy
	markers  []marker // fixed query markers of the request URI
}

type marker struct {
	name, value string
	hasValue    bool
}

// New returns a Router over the generated service table.
func New(opts Options) *Router {
	rt := &Router{domains: opts.S3Domains, rest: map[*protocol.Service][]restOp{}}
	if rt.domains == nil {
		rt.domains = restxml.DefaultDomains()
	}
	for _, s := range protocol.Services() {
		if s.Protocol != protocol.RESTXML && s.Protocol != protocol.RESTJSON {
			continue
		}
		if s.Name == "s3" {
			rt.s3 = s
		}
		ops := make([]restOp, 0, len(s.Operations))
		for i := range s.Operations {
			ops = append(ops, parseBinding(&s.Operations[i]))
		}
		rt.rest[s] = ops
	}
	return rt
}

func parseBinding(op *protocol.Operation) restOp {
	path, query, _ := strings.Cut(op.RequestURI, "?")
	ro := restOp{op: op}
	// A trailing slash (EFS's "/2015-02-01/tags/{FileSystemId}/") is
	// optional on both sides; see matchPath.
	path = strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	if path != "" {
		ro.segments = strings.Split(path, "/")
	}
	if query != "" {
		for part := range strings.SplitSeq(query, "&") {
			name, value, has := strings.Cut(part, "=")
			ro.markers = append(ro.markers, marker{name: name, value: value, hasValue: has})
		}
	}
	return ro
}

// ScopeService returns the service name of r's SigV4 credential scope, from
// the Authorization header or the X-Amz-Credential query parameter of a
// presigned URL, or "" when r carries none.
func ScopeService(r *http.Request) string {
	cred := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		_, rest, ok := strings.Cut(auth, "Credential=")
		if !ok {
			return ""
		}
		cred, _, _ = strings.Cut(rest, ",")
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	// AKID/DATE/REGION/SERVICE/aws4_request
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

// Identify returns the service and operation r addresses. body is r's body,
// already read, when [Router.WantsBody] reports it is needed (the Query
// protocol's Action may be in it), and may be nil otherwise. When the service
// is known but the operation is not, the Route has a nil Operation and the
// error is the protocol's: UnknownOperationException for JSON, InvalidAction
// for Query, and S3's MethodNotAllowed for REST.
func (rt *Router) Identify(r *http.Request, body []byte) (Route, *apierr.Error) {
	scope := ScopeService(r)
	var scoped *protocol.Service
	if scope != "" {
		scoped, _ = protocol.ServiceBySigningName(scope)
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		return rt.identifyJSON(target, scoped)
	}
	if scoped != nil && scoped.Protocol == protocol.JSON ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json-") {
		return Route{Service: scoped}, awsjson.UnknownOperation("")
	}
	if scoped != nil && scoped.Protocol == protocol.Query {
		return rt.identifyQuery(r, body, scoped)
	}
	if scoped == nil && isQueryRequest(r) {
		return rt.identifyQuery(r, body, nil)
	}
	if scoped != nil && scoped.Protocol == protocol.RESTJSON {
		return rt.identifyREST(r, scoped, strings.TrimPrefix(r.URL.EscapedPath(), "/"))
	}
	return rt.identifyS3(r)
}

// isQueryRequest reports whether an unsigned request (no credential scope
// names its service) looks like a Query call: Query clients address the
// root path with Action in the URL or in a form-encoded POST body, while
// any other path is an S3 bucket or object.
func isQueryRequest(r *http.Request) bool {
	if p := r.URL.EscapedPath(); p != "/" && p != "" {
		return false
	}
	if r.URL.Query().Has("Action") {
		return true
	}
	ct := r.Header.Get("Content-Type")
	return r.Method == http.MethodPost && strings.HasPrefix(ct, "application/x-www-form-urlencoded")
}

func (rt *Router) identifyJSON(target string, scoped *protocol.Service) (Route, *apierr.Error) {
	i := strings.LastIndexByte(target, '.')
	if i < 0 {
		return Route{Service: scoped}, awsjson.UnknownOperation(target)
	}
	svc, ok := protocol.ServiceByTargetPrefix(target[:i])
	if !ok || (scoped != nil && scoped != svc) {
		return Route{Service: scoped}, awsjson.UnknownOperation(target)
	}
	op, ok := svc.Operation(target[i+1:])
	if !ok {
		return Route{Service: svc}, awsjson.UnknownOperation(target)
	}
	return Route{Service: svc, Operation: op}, nil
}

func (rt *Router) identifyQuery(r *http.Request, body []byte, svc *protocol.Service) (Route, *apierr.Error) {
	params, err := awsquery.Values(r, body)
	if err != nil {
		return Route{Service: svc}, err
	}
	action := params.Get("Action")
	if svc == nil {
		// Unsigned: take the Query service that has the action.
		for _, s := range protocol.Services() {
			if s.Protocol != protocol.Query {
				continue
			}
			if _, ok := s.Operation(action); ok {
				svc = s
				break
			}
		}
		if svc == nil {
			svc, _ = protocol.LookupService("iam")
		}
	}
	rt2 := Route{Service: svc, Params: params}
	if action == "" {
		return rt2, apierr.New(http.StatusBadRequest, "MissingAction", "Missing Action")
	}
	op, ok := svc.Operation(action)
	if !ok {
		version := params.Get("Version")
		if version == "" {
			version = svc.APIVersion
		}
		return rt2, awsquery.InvalidAction(action, version)
	}
	rt2.Operation = op
	return rt2, nil
}

func (rt *Router) identifyS3(r *http.Request) (Route, *apierr.Error) {
	bucket, key := restxml.BucketKey(r, rt.domains)
	var path string
	switch {
	case bucket == "":
		path = ""
	case key == "":
		path = url.PathEscape(bucket)
	default:
		path = url.PathEscape(bucket) + "/" + url.PathEscape(key)
	}
	route, err := rt.identifyREST(r, rt.s3, path)
	route.Bucket, route.Key = bucket, key
	if route.Labels != nil {
		// Keys are taken from BucketKey, which reads them as S3 does.
		route.Labels["Bucket"], route.Labels["Key"] = bucket, key
		if key == "" {
			delete(route.Labels, "Key")
		}
	}
	return route, err
}

// identifyREST matches r against svc's REST bindings; path is the escaped
// request path without its leading slash. Among the operations whose
// method, path template, query markers, required query parameters and
// required headers all match, the one with the most such requirements wins,
// non-deprecated before deprecated, then by name.
func (rt *Router) identifyREST(r *http.Request, svc *protocol.Service, path string) (Route, *apierr.Error) {
	var segs []string
	if path != "" {
		segs = strings.Split(path, "/")
	}
	query := r.URL.Query()
	var best *restOp
	bestScore := 0
	ops := rt.rest[svc]
	for i := range ops {
		ro := &ops[i]
		if ro.op.Method != r.Method || !matchPath(ro.segments, segs, nil) {
			continue
		}
		score, ok := matchRequirements(ro, query, r.Header)
		if !ok {
			continue
		}
		if best == nil || better(ro, score, best, bestScore) {
			best, bestScore = ro, score
		}
	}
	if best == nil {
		if svc.Protocol == protocol.RESTXML {
			return Route{Service: svc}, apierr.New(http.StatusMethodNotAllowed, "MethodNotAllowed",
				"The specified method is not allowed against this resource.")
		}
		return Route{Service: svc}, apierr.New(http.StatusNotFound, apierr.CodeUnknownOperation,
			"The requested resource or operation does not exist.")
	}
	labels := map[string]string{}
	matchPath(best.segments, segs, labels)
	return Route{Service: svc, Operation: best.op, Labels: labels}, nil
}

// better reports whether operation a with score sa beats b with score sb:
// non-deprecated first, then more requirements met, then by name.
func better(a *restOp, sa int, b *restOp, sb int) bool {
	if a.op.Deprecated != b.op.Deprecated {
		return !a.op.Deprecated
	}
	if sa != sb {
		return sa > sb
	}
	return a.op.Name < b.op.Name
}

// matchPath reports whether the path segments match the template, storing
// the labels' values in labels when it is not nil.
func matchPath(tmpl, segs []string, labels map[string]string) bool {
	// A trailing slash addresses the same resource as none: /bucket/.
	if len(segs) > 0 && segs[len(segs)-1] == "" && (len(tmpl) == 0 || !strings.HasSuffix(tmpl[len(tmpl)-1], "+}")) {
		segs = segs[:len(segs)-1]
	}
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "+}") {
			if i >= len(segs) {
				return false
			}
			rest := strings.Join(segs[i:], "/")
			if rest == "" {
				return false
			}
			if labels != nil {
				labels[t[1:len(t)-2]] = unescape(rest)
			}
			return true
		}
		if i >= len(segs) {
			return false
		}
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if segs[i] == "" {
				return false
			}
			if labels != nil {
				labels[t[1:len(t)-1]] = unescape(segs[i])
			}
			continue
		}
		if t != segs[i] {
			return false
		}
	}
	if len(segs) != len(tmpl) {
		return false
	}
	return true
}

func matchRequirements(ro *restOp, query url.Values, h http.Header) (int, bool) {
	score := 0
	for _, m := range ro.markers {
		vals, ok := query[m.name]
		if !ok || (m.hasValue && (len(vals) == 0 || vals[0] != m.value)) {
			return 0, false
		}
		score++
	}
	for _, q := range ro.op.RequiredQuery {
		if !query.Has(q) {
			return 0, false
		}
		score++
	}
	for _, name := range ro.op.RequiredHeaders {
		if h.Get(name) == "" {
			return 0, false
		}
		score++
	}
	return score, true
}

func unescape(s string) string {
	u, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return u
}

// S3Operation returns the S3 operation r addresses with its bucket and key,
// or "" for the operation when none matches. It is Identify restricted to
// S3.
func (rt *Router) S3Operation(r *http.Request) (op, bucket, key string) {
	route, _ := rt.identifyS3(r)
	if route.Operation != nil {
		op = route.Operation.Name
	}
	return op, route.Bucket, route.Key
}

// WantsBody reports whether [Router.Identify] needs r's body to identify
// the operation: only Query requests do (their Action may be in the form
// body). A server can therefore stream S3 object data and pass Identify a
// nil body for requests for which WantsBody is false.
func (rt *Router) WantsBody(r *http.Request) bool {
	if s, ok := protocol.ServiceBySigningName(ScopeService(r)); ok {
		return s.Protocol == protocol.Query
	}
	if r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	return isQueryRequest(r)
}
