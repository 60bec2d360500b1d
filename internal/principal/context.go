package principal

import (
	"strconv"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/policy"
)

// Global condition keys that the request-context builder sets, spelled as
// AWS spells them in
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html.
const (
	KeyPrincipalArn           = "aws:PrincipalArn"
	KeyPrincipalAccount       = "aws:PrincipalAccount"
	KeyPrincipalType          = "aws:PrincipalType"
	KeyUserID                 = "aws:userid"
	KeyUsername               = "aws:username"
	KeyPrincipalTagPrefix     = "aws:PrincipalTag/"
	KeySourceIdentity         = "aws:SourceIdentity"
	KeyRequestedRegion        = "aws:RequestedRegion"
	KeySourceIP               = "aws:SourceIp"
	KeyCurrentTime            = "aws:CurrentTime"
	KeyEpochTime              = "aws:EpochTime"
	KeySecureTransport        = "aws:SecureTransport"
	KeyUserAgent              = "aws:UserAgent"
	KeyTokenIssueTime         = "aws:TokenIssueTime"
	KeyMultiFactorAuthPresent = "aws:MultiFactorAuthPresent"
	KeyViaAWSService          = "aws:ViaAWSService"
	KeyPrincipalIsAWSService  = "aws:PrincipalIsAWSService"
)

// Values of aws:PrincipalType. The global condition keys page lists Account
// (the root user), User (an IAM user), FederatedUser, AssumedRole and
// Anonymous; abacus authenticates the first, second and fourth.
const (
	PrincipalTypeAccount     = "Account"
	PrincipalTypeUser        = "User"
	PrincipalTypeAssumedRole = "AssumedRole"
)

// Request is what the request-context builder needs to know about one
// request besides its principal. The zero value is a request over plain
// HTTP with no source address, user agent or region, at the zero time.
type Request struct {
	// SourceIP is the client's address; a host:port form is accepted and
	// the port dropped. Empty leaves aws:SourceIp out.
	SourceIP string
	// UserAgent is the User-Agent header; empty leaves aws:UserAgent out.
	UserAgent string
	// Region is the region the request was signed for
	// (aws:RequestedRegion); empty leaves the key out.
	Region string
	// Time is the request's time (aws:CurrentTime, aws:EpochTime).
	Time time.Time
	// SecureTransport reports whether the request came over TLS.
	SecureTransport bool
}

// PrincipalTypeOf returns the value of aws:PrincipalType for p: "Account"
// for the root (with long-term keys or a GetSessionToken session), "User"
// for an IAM user and "AssumedRole" for a role session.
func PrincipalTypeOf(p *model.Principal) string {
	switch p.Type {
	case model.PrincipalRoot:
		return PrincipalTypeAccount
	case model.PrincipalIAMUser:
		return PrincipalTypeUser
	case model.PrincipalAssumedRole:
		return PrincipalTypeAssumedRole
	}
	return string(p.Type)
}

// PrincipalARN returns the value of aws:PrincipalArn for p. For a role
// session it is the ARN of the role, not of the session, as the global
// condition keys page says; for users and the root it is p.ARN.
func PrincipalARN(p *model.Principal) string {
	if p.Type == model.PrincipalAssumedRole && p.Session != nil && p.Session.RoleARN != "" {
		return p.Session.RoleARN
	}
	return p.ARN
}

// Context returns the global condition keys of a request made by p, as AWS
// puts them in the request context:
//
//   - always: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
//     aws:userid, aws:CurrentTime, aws:EpochTime, aws:SecureTransport,
//     aws:ViaAWSService and aws:PrincipalIsAWSService (both "false": the
//     request comes from the principal itself, not from a service on its
//     behalf);
//   - aws:username for IAM users only;
//   - aws:PrincipalTag/KEY for each of p's tags (a user's tags, or a role's
//     tags overlaid by session tags);
//   - aws:SourceIdentity when the session has one;
//   - aws:TokenIssueTime and aws:MultiFactorAuthPresent only for temporary
//     credentials: the keys page says both are absent from requests signed
//     with long-term access keys;
//   - aws:RequestedRegion, aws:SourceIp and aws:UserAgent when known;
//   - the session's own context keys (e.g. sagemaker:DomainId for a
//     SageMaker Studio session).
//
// aws:CalledVia and aws:MultiFactorAuthAge are never set: no request is
// made through a service, and abacus authenticates no MFA device. Every
// value is a fresh one-element slice; the caller may add keys to the map.
func Context(p *model.Principal, r Request) map[string][]string {
	n := 12 + len(p.Tags)
	if p.Session != nil {
		n += len(p.Session.ContextKeys)
	}
	m := make(map[string][]string, n)
	put := func(k, v string) { m[k] = []string{v} }

	put(KeyPrincipalArn, PrincipalARN(p))
	put(KeyPrincipalAccount, string(p.AccountID))
	put(KeyPrincipalType, PrincipalTypeOf(p))
	if p.ID != "" {
		put(KeyUserID, p.ID)
	}
	if p.Type == model.PrincipalIAMUser && p.UserName != "" {
		put(KeyUsername, p.UserName)
	}
	for k, v := range p.Tags {
		put(KeyPrincipalTagPrefix+k, v)
	}
	if p.Session != nil {
		if p.Session.SourceIdentity != "" {
			put(KeySourceIdentity, p.Session.SourceIdentity)
		}
		for k, vs := range p.Session.ContextKeys {
			m[k] = append([]string(nil), vs...)
		}
	}
	if p.Temporary {
		if !p.IssuedAt.IsZero() {
			put(KeyTokenIssueTime, FormatTime(p.IssuedAt))
		}
		put(KeyMultiFactorAuthPresent, strconv.FormatBool(p.MFA))
	}

	t := r.Time.UTC()
	put(KeyCurrentTime, FormatTime(t))
	put(KeyEpochTime, strconv.FormatInt(t.Unix(), 10))
	put(KeySecureTransport, strconv.FormatBool(r.SecureTransport))
	put(KeyViaAWSService, "false")
	put(KeyPrincipalIsAWSService, "false")
	if r.Region != "" {
		put(KeyRequestedRegion, r.Region)
	}
	if ip := hostOnly(r.SourceIP); ip != "" {
		put(KeySourceIP, ip)
	}
	if r.UserAgent != "" {
		put(KeyUserAgent, r.UserAgent)
	}
	return m
}

// FormatTime formats t as the date-time values of the request context are
// spelled (ISO 8601 in UTC, e.g. 2024-01-02T15:04:05Z).
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// hostOnly strips a port (and IPv6 brackets) from an address without
// allocating: "192.0.2.1:443" -> "192.0.2.1", "[2001:db8::1]:443" ->
// "2001:db8::1"; an address without a port is returned as is.
func hostOnly(addr string) string {
	if strings.HasPrefix(addr, "[") {
		if i := strings.IndexByte(addr, ']'); i > 0 {
			return addr[1:i]
		}
		return addr
	}
	if i := strings.IndexByte(addr, ':'); i >= 0 && strings.IndexByte(addr[i+1:], ':') < 0 {
		return addr[:i] // one colon: host:port
	}
	return addr
}

// Caller returns p as the policy engine's caller. For a role session ARN
// is the session ARN and RoleARN the role's, so that a Principal element
// naming either matches, and aws:PrincipalArn resolves to the role.
func Caller(p *model.Principal) policy.Caller {
	c := policy.Caller{
		ARN:     p.ARN,
		Account: string(p.AccountID),
		UserID:  p.ID,
	}
	switch p.Type {
	case model.PrincipalRoot:
		c.Type = policy.PrincipalAccount
	case model.PrincipalIAMUser:
		c.Type = policy.PrincipalUser
		c.UserName = p.UserName
	case model.PrincipalAssumedRole:
		c.Type = policy.PrincipalAssumedRole
	}
	if p.Session != nil {
		c.RoleARN = p.Session.RoleARN
		c.SourceIdentity = p.Session.SourceIdentity
	}
	for k, v := range p.Tags {
		c.Tags = append(c.Tags, policy.Tag{Key: k, Value: v})
	}
	return c
}

// NewRequest returns the policy request for p performing action on
// resource: the caller ([Caller]), the request time, the keys of
// [AppendContext] and the request-derived keys (service keys,
// aws:RequestTag/*, ...), which take precedence. The policy engine derives
// the principal keys (aws:PrincipalArn, aws:userid, aws:PrincipalTag/*,
// ...) and the time keys from the caller and the time itself.
func NewRequest(p *model.Principal, r Request, action, resource string, keys map[string][]string) *policy.Request {
	req := &policy.Request{Principal: Caller(p), Action: action, Resource: resource, Time: r.Time}
	AppendContext(&req.Context, p, r)
	for k, vs := range keys {
		setKey(&req.Context, k, vs)
	}
	return req
}

// AppendContext sets in dst the global condition keys of a request by p
// that the policy engine does not derive from [policy.Caller] and
// [policy.Request.Time]: aws:TokenIssueTime and aws:MultiFactorAuthPresent
// (temporary credentials only), aws:SecureTransport, aws:ViaAWSService,
// aws:PrincipalIsAWSService, aws:RequestedRegion, aws:SourceIp,
// aws:UserAgent, and the session's own context keys. Unlike [Context] it
// builds no map; with a Context whose arrays have room it allocates only to
// format aws:TokenIssueTime.
func AppendContext(dst *policy.Context, p *model.Principal, r Request) {
	if p.Temporary {
		if !p.IssuedAt.IsZero() {
			dst.Set(KeyTokenIssueTime, FormatTime(p.IssuedAt))
		}
		dst.Set(KeyMultiFactorAuthPresent, strconv.FormatBool(p.MFA))
	}
	dst.Set(KeySecureTransport, strconv.FormatBool(r.SecureTransport))
	dst.Set(KeyViaAWSService, "false")
	dst.Set(KeyPrincipalIsAWSService, "false")
	if r.Region != "" {
		dst.Set(KeyRequestedRegion, r.Region)
	}
	if ip := hostOnly(r.SourceIP); ip != "" {
		dst.Set(KeySourceIP, ip)
	}
	if r.UserAgent != "" {
		dst.Set(KeyUserAgent, r.UserAgent)
	}
	if p.Session != nil {
		for k, vs := range p.Session.ContextKeys {
			setKey(dst, k, vs)
		}
	}
}

// multiValued lists the request keys that are multivalued whatever their
// number of values.
var multiValued = map[string]bool{"aws:tagkeys": true, "sts:transitivetagkeys": true}

func setKey(c *policy.Context, k string, vs []string) {
	if len(vs) == 1 && !multiValued[strings.ToLower(k)] {
		c.Set(k, vs[0])
		return
	}
	c.SetMulti(k, vs...)
}
