package iam

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/store"
)

// Store is the storage the IAM service needs: the store's transactions.
// A [store.Store] satisfies it; every mutating operation runs in exactly one
// Update, so a rejected call changes nothing, and the store announces what
// a committed Update changed on its change feed.
type Store interface {
	Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
}

// IAM's default quotas, from "IAM and AWS STS quotas"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
// Sizes count characters other than white space.
const (
	maxGroupsPerUser         = 10
	maxPoliciesPerUser       = 10
	maxPoliciesPerGroup      = 10
	maxPoliciesPerRole       = 10
	maxAccessKeysPerUser     = 2
	maxPolicyVersions        = 5
	maxTags                  = 50
	maxUserInlinePolicySize  = 2048
	maxGroupInlinePolicySize = 5120
	maxRoleInlinePolicySize  = 10240
	maxManagedPolicySize     = 6144
	maxTrustPolicySize       = 2048
)

// Options configures a [Service]. The zero value is valid.
type Options struct {
	// IDs makes unique IDs, access keys and secrets; the zero value reads
	// crypto/rand.
	IDs model.IDGenerator
	// Logger receives debug detail; nil discards.
	Logger *slog.Logger
}

// Service implements the IAM operations. It holds no state of its own
// beyond its dependencies and is safe for concurrent use.
type Service struct {
	st  Store
	ids model.IDGenerator
	log *slog.Logger
}

// New returns a Service that keeps its data in st.
func New(st Store, opts Options) *Service {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, ids: opts.IDs, log: log}
}

func (s *Service) update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error {
	return s.st.Update(ctx, fn)
}

func (s *Service) view(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error {
	return s.st.View(ctx, fn)
}

// entityARN returns the ARN of an IAM entity: arn:aws:iam::ACCOUNT:KIND/PATH/NAME
// (path "/" when empty).
func entityARN(acct model.AccountID, kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + string(acct) + ":" + kind + path + name
}

// listARN is the resource that List operations are authorized on, as AWS
// names it in its denials: arn:aws:iam::ACCOUNT:user/ for ListUsers, and
// the path prefix appended when one is given.
func listARN(acct model.AccountID, kind string, pathPrefix *string) string {
	p := "/"
	if pathPrefix != nil && *pathPrefix != "" {
		p = *pathPrefix
	}
	return "arn:aws:iam::" + string(acct) + ":" + kind + p
}

func orDefault(p *string, def string) string {
	if p == nil || *p == "" {
		return def
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

// nonEmpty returns p, or nil when it points to the zero value.
func nonEmpty[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func maxItems(p *int32) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

func listOpts(pathPrefix, marker *string, max *int32) store.ListOptions {
	o := store.ListOptions{MaxItems: maxItems(max)}
	if pathPrefix != nil {
		o.PathPrefix = *pathPrefix
	}
	if marker != nil {
		o.Marker = *marker
	}
	return o
}

// markerOut is the Marker member of a list result: set only when more items
// follow.
func markerOut[T any](p store.Page[T]) *string {
	if !p.IsTruncated {
		return nil
	}
	return &p.Marker
}

// encodeDocument encodes a policy document as IAM returns it in
// GetUserPolicy, GetPolicyVersion, GetRole and the like: percent-encoded
// (RFC 3986; a space is %20, so both url.QueryUnescape and Python's unquote
// decode it).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// checkDocument validates a policy document as IAM does before storing it:
// the model's character set and length, the policy grammar for its kind,
// and the size quota (0 for none).
func checkDocument(member, doc string, kind policy.Kind, quota int, quotaName string) error {
	var v validator
	v.document(member, doc)
	if err := v.err(); err != nil {
		return err
	}
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		return malformed(err)
	}
	if err := d.Validate(kind); err != nil {
		return malformed(err)
	}
	if quota > 0 && policy.Size([]byte(doc)) > quota {
		return errorf(ErrLimitExceeded, "Cannot exceed quota for %s: %d", quotaName, quota)
	}
	return nil
}

func malformed(err error) error {
	return &Error{Kind: ErrMalformedPolicyDocument, Message: malformedMessage(err), Err: err}
}

// callerUserName returns the user name a request with no UserName acts on:
// the caller's own, "" for the root, and an error for role sessions, as
// IAM answers GetUser, ListAccessKeys and CreateAccessKey.
func callerUserName(c *op.Call) (string, error) {
	if c.Principal == nil {
		return "", errorf(ErrValidation, "Must specify userName when calling with non-User credentials")
	}
	switch c.Principal.Type {
	case model.PrincipalRoot:
		return "", nil
	case model.PrincipalIAMUser:
		return c.Principal.UserName, nil
	}
	return "", errorf(ErrValidation, "Must specify userName when calling with non-User credentials")
}

func now(c *op.Call) time.Time { return c.Now.UTC() }

func wireTags(ts []model.Tag) []Tag {
	if len(ts) == 0 {
		return nil
	}
	out := make([]Tag, len(ts))
	for i, t := range ts {
		out[i] = Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func modelTags(ts []Tag) []model.Tag {
	if len(ts) == 0 {
		return nil
	}
	out := make([]model.Tag, len(ts))
	for i, t := range ts {
		out[i] = model.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func tagMap(ts []model.Tag) map[string]string {
	if len(ts) == 0 {
		return nil
	}
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		m[t.Key] = t.Value
	}
	return m
}

// requestTagContext returns the condition keys a request with tags
// supplies: aws:RequestTag/KEY for each tag and aws:TagKeys.
func requestTagContext(ctx map[string][]string, tags []Tag) map[string][]string {
	if len(tags) == 0 {
		return ctx
	}
	if ctx == nil {
		ctx = make(map[string][]string)
	}
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		ctx["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	ctx["aws:TagKeys"] = keys
	return ctx
}

func boundary(arn string) *AttachedPermissionsBoundary {
	if arn == "" {
		return nil
	}
	return &AttachedPermissionsBoundary{
		PermissionsBoundaryType: ptr("PermissionsBoundaryPolicy"),
		PermissionsBoundaryArn:  ptr(arn),
	}
}
