// Package store is the storage contract of abacus: the aggregate [Store]
// interface built from small pieces, the domain sentinels ([ErrNotFound],
// [ErrConflict], [ErrInUse], [ErrInvalidToken]) and the change feed through
// which committed changes invalidate caches.
//
// Every change happens in one transaction through a callback:
//
//	err := s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
//		if err := tx.CreateRole(ctx, acct, role); err != nil {
//			return err // rolls back
//		}
//		return tx.AttachPolicy(ctx, acct, model.EntityRole, role.RoleName, arn)
//	}) // commits on nil, durable when Update returns
//
// Every method takes the tenant explicitly as acct model.AccountID. The only
// exceptions find the account itself: the lookups by access key ID
// ([ReadTx.GetAccessKey], [ReadTx.GetSession]) that resolve the credentials
// a request presents, [ReadTx.ResourceOwner] for globally named resources
// (S3 buckets), and [Tx.PurgeExpiredSessions], which is maintenance.
//
// Backends live in sub-packages (store/sqlite); store/storetest is the one
// conformance suite every backend runs.
package store

import (
	"context"
	"errors"
	"time"

	"abacus/internal/model"
)

// Domain errors returned (wrapped, with context) by every backend. Test for
// them with [errors.Is].
var (
	// ErrNotFound means the named record does not exist in the account.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a record with the same key already exists (names
	// compare without regard to case where IAM says so), or a
	// compare-and-swap found a different version.
	ErrConflict = errors.New("conflict")
	// ErrInUse means a record cannot be deleted because others depend on it
	// (IAM's DeleteConflict): a user still in groups, a policy still
	// attached, the default version of a policy.
	ErrInUse = errors.New("in use")
	// ErrInvalidToken means a pagination marker or next token was not one
	// this store handed out.
	ErrInvalidToken = errors.New("invalid pagination token")
)

// Store is the aggregate storage contract. It exists for wiring and for the
// conformance suite; services declare the narrow interfaces they need. A
// Store is safe for concurrent use.
type Store interface {
	// Update runs fn in one read-write transaction. The transaction commits
	// when fn returns nil and rolls back otherwise (and when fn panics, in
	// which case the panic continues). When Update returns nil the changes
	// are durable and announced on the change feed. tx must not be used
	// after fn returns. An operation of tx that fails does not abort the
	// transaction: fn may handle the error and go on. fn must not call
	// Update or AppendAuditEvents (a backend may have a single writer),
	// and tx is for fn's goroutine only.
	Update(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// View runs fn in one read-only transaction that sees a consistent
	// snapshot.
	View(ctx context.Context, fn func(ctx context.Context, tx ReadTx) error) error

	AuditEvents
	ChangeFeed

	// Close releases the store. Backends that can (SQLite) checkpoint their
	// log first.
	Close() error
}

// ReadTx is what a read-only transaction can do. Unless a method says
// otherwise, a missing record gives an error wrapping [ErrNotFound].
type ReadTx interface {
	UserReader
	GroupReader
	RoleReader
	PolicyReader
	AccessKeyReader
	SessionReader
	ResourceReader
}

// Tx is what a read-write transaction can do.
type Tx interface {
	ReadTx
	UserWriter
	GroupWriter
	RoleWriter
	PolicyWriter
	AccessKeyWriter
	SessionWriter
	ResourceWriter
}

// DefaultMaxItems and MaxMaxItems bound IAM list pages, as IAM's MaxItems
// parameter does (default 100, at most 1000).
const (
	DefaultMaxItems = 100
	MaxMaxItems     = 1000
)

// ListOptions selects a page of an IAM listing. The zero value lists from the
// start with the default page size.
type ListOptions struct {
	// PathPrefix keeps entities whose path starts with it; empty or "/"
	// keeps all. For lists that have no paths it is ignored.
	PathPrefix string
	// Marker continues after the last item of a previous page; it is the
	// Marker of that [Page].
	Marker string
	// MaxItems bounds the page: 0 means [DefaultMaxItems]; more than
	// [MaxMaxItems] means MaxMaxItems.
	MaxItems int
}

// Limit returns the effective page size of o.
func (o ListOptions) Limit() int {
	switch {
	case o.MaxItems <= 0:
		return DefaultMaxItems
	case o.MaxItems > MaxMaxItems:
		return MaxMaxItems
	}
	return o.MaxItems
}

// Page is one page of a listing, ordered by name without regard to case.
// Markers are stable: a marker keeps its position when records before or
// after it are created or deleted, so paging never repeats or skips a record
// that exists throughout.
type Page[T any] struct {
	Items []T
	// IsTruncated reports whether more items follow; Marker then continues.
	IsTruncated bool
	Marker      string
}

// UserReader reads IAM users and group membership.
type UserReader interface {
	// GetUser returns the user whose name equals name without regard to
	// case.
	GetUser(ctx context.Context, acct model.AccountID, name string) (model.User, error)
	// ListUsers lists the account's users by name, filtered by path prefix.
	ListUsers(ctx context.Context, acct model.AccountID, opts ListOptions) (Page[model.User], error)
	// ListGroupsForUser lists the groups the user belongs to.
	ListGroupsForUser(ctx context.Context, acct model.AccountID, user string, opts ListOptions) (Page[model.Group], error)
	// CountGroupsForUser counts the user's groups (IAM quota: groups per
	// user).
	CountGroupsForUser(ctx context.Context, acct model.AccountID, user string) (int, error)
}

// UserWriter changes IAM users and group membership.
type UserWriter interface {
	// CreateUser stores a new user; [ErrConflict] if the name is taken
	// without regard to case.
	CreateUser(ctx context.Context, acct model.AccountID, u model.User) error
	// UpdateUser replaces the user named name with u, keeping its UserID
	// and CreateDate. u.UserName may differ from name (a rename); the new
	// name must be free ([ErrConflict]). Memberships, policies and access
	// keys follow the rename.
	UpdateUser(ctx context.Context, acct model.AccountID, name string, u model.User) error
	// DeleteUser deletes the user; [ErrInUse] while it is in a group, has
	// attached or inline policies, or has access keys.
	DeleteUser(ctx context.Context, acct model.AccountID, name string) error
	// AddUserToGroup makes user a member of group; adding a member again is
	// not an error.
	AddUserToGroup(ctx context.Context, acct model.AccountID, group, user string) error
	// RemoveUserFromGroup ends a membership; [ErrNotFound] if the user, the
	// group or the membership does not exist.
	RemoveUserFromGroup(ctx context.Context, acct model.AccountID, group, user string) error
}

// GroupReader reads IAM groups.
type GroupReader interface {
	// GetGroup returns the group whose name equals name without regard to
	// case.
	GetGroup(ctx context.Context, acct model.AccountID, name string) (model.Group, error)
	// ListGroups lists the account's groups by name, filtered by path
	// prefix.
	ListGroups(ctx context.Context, acct model.AccountID, opts ListOptions) (Page[model.Group], error)
	// ListGroupMembers lists the users in the group (PathPrefix is
	// ignored).
	ListGroupMembers(ctx context.Context, acct model.AccountID, group string, opts ListOptions) (Page[model.User], error)
}

// GroupWriter changes IAM groups.
type GroupWriter interface {
	// CreateGroup stores a new group; [ErrConflict] if the name is taken
	// without regard to case.
	CreateGroup(ctx context.Context, acct model.AccountID, g model.Group) error
	// UpdateGroup replaces the group named name with g, keeping GroupID and
	// CreateDate; a new GroupName renames it.
	UpdateGroup(ctx context.Context, acct model.AccountID, name string, g model.Group) error
	// DeleteGroup deletes the group; [ErrInUse] while it has members,
	// attached or inline policies.
	DeleteGroup(ctx context.Context, acct model.AccountID, name string) error
}

// RoleReader reads IAM roles.
type RoleReader interface {
	// GetRole returns the role whose name equals name without regard to
	// case.
	GetRole(ctx context.Context, acct model.AccountID, name string) (model.Role, error)
	// ListRoles lists the account's roles by name, filtered by path prefix.
	ListRoles(ctx context.Context, acct model.AccountID, opts ListOptions) (Page[model.Role], error)
}

// RoleWriter changes IAM roles.
type RoleWriter interface {
	// CreateRole stores a new role; [ErrConflict] if the name is taken
	// without regard to case.
	CreateRole(ctx context.Context, acct model.AccountID, r model.Role) error
	// UpdateRole replaces the role named r.RoleName (roles cannot be
	// renamed), keeping RoleID and CreateDate. It covers trust policy,
	// description, session duration, boundary, tags and last use. An
	// update that changes only RoleLastUsed is not announced on the change
	// feed.
	UpdateRole(ctx context.Context, acct model.AccountID, r model.Role) error
	// DeleteRole deletes the role; [ErrInUse] while it has attached or
	// inline policies.
	DeleteRole(ctx context.Context, acct model.AccountID, name string) error
}

// PolicyScope selects managed policies by owner, as ListPolicies' Scope.
type PolicyScope string

// The policy scopes; the zero value is [ScopeAll].
const (
	ScopeAll   PolicyScope = ""
	ScopeAWS   PolicyScope = "AWS"
	ScopeLocal PolicyScope = "Local"
)

// PolicyListOptions selects a page of managed policies.
type PolicyListOptions struct {
	ListOptions
	Scope PolicyScope
	// OnlyAttached keeps policies attached to at least one entity of the
	// account.
	OnlyAttached bool
}

// PolicyReader reads managed policies (the account's own and the AWS
// managed ones, which every account can read), their versions, attachments
// and inline policies.
type PolicyReader interface {
	// GetPolicy returns the policy with the given ARN if it belongs to acct
	// or to [model.AWSAccount], with counts for acct.
	GetPolicy(ctx context.Context, acct model.AccountID, arn string) (model.ManagedPolicy, error)
	// ListPolicies lists managed policies by name (then owner), with counts
	// for acct.
	ListPolicies(ctx context.Context, acct model.AccountID, opts PolicyListOptions) (Page[model.ManagedPolicy], error)
	// GetPolicyVersion returns one version ("v1", "v2", ...) of a policy
	// visible to acct.
	GetPolicyVersion(ctx context.Context, acct model.AccountID, arn, versionID string) (model.PolicyVersion, error)
	// ListPolicyVersions lists all versions, newest first.
	ListPolicyVersions(ctx context.Context, acct model.AccountID, arn string) ([]model.PolicyVersion, error)

	// ListAttachedPolicies lists the managed policies attached to an entity;
	// PathPrefix filters on the policies' paths.
	ListAttachedPolicies(ctx context.Context, acct model.AccountID, kind model.EntityKind, name string, opts ListOptions) (Page[model.AttachedPolicy], error)
	// CountAttachedPolicies counts them (IAM quota: managed policies per
	// entity).
	CountAttachedPolicies(ctx context.Context, acct model.AccountID, kind model.EntityKind, name string) (int, error)
	// ListEntitiesForPolicy lists the account's users, groups and roles the
	// policy is attached to, ordered by kind then name.
	ListEntitiesForPolicy(ctx context.Context, acct model.AccountID, arn string, opts ListOptions) (Page[model.PolicyEntity], error)

	// GetInlinePolicy returns an entity's inline policy; names compare
	// without regard to case.
	GetInlinePolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity, policyName string) (model.InlinePolicy, error)
	// ListInlinePolicies lists an entity's inline policies with their
	// documents (PathPrefix is ignored).
	ListInlinePolicies(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity string, opts ListOptions) (Page[model.InlinePolicy], error)
	// InlinePolicySize returns the total number of characters of the
	// entity's inline policy documents as stored (IAM quota: aggregate
	// inline policy size, which IAM counts without whitespace, so store
	// documents the way the quota counts them).
	InlinePolicySize(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity string) (int, error)
}

// PolicyWriter changes managed policies, attachments and inline policies.
type PolicyWriter interface {
	// CreatePolicy stores p with document as its default version and
	// returns it as stored: version v1, or the version p.DefaultVersionID
	// names when it is one ("v7", as an AWS managed policy may be at),
	// created at p.UpdateDate (p.CreateDate when zero).
	// Names are unique per account without regard to case ([ErrConflict]).
	// Seed AWS managed policies with acct [model.AWSAccount].
	CreatePolicy(ctx context.Context, acct model.AccountID, p model.ManagedPolicy, document string) (model.ManagedPolicy, error)
	// UpdatePolicy replaces the mutable fields of the policy p.ARN:
	// Description, Tags and UpdateDate.
	UpdatePolicy(ctx context.Context, acct model.AccountID, p model.ManagedPolicy) error
	// DeletePolicy deletes the policy and all its versions; [ErrInUse]
	// while it is attached to or the permissions boundary of any entity.
	DeletePolicy(ctx context.Context, acct model.AccountID, arn string) error
	// CreatePolicyVersion adds a version with the next number ("vN", never
	// reused) and makes it the default when setDefault.
	CreatePolicyVersion(ctx context.Context, acct model.AccountID, arn, document string, setDefault bool, created time.Time) (model.PolicyVersion, error)
	// SetDefaultPolicyVersion makes an existing version the default and
	// sets the policy's UpdateDate.
	SetDefaultPolicyVersion(ctx context.Context, acct model.AccountID, arn, versionID string, updated time.Time) error
	// DeletePolicyVersion deletes a non-default version; [ErrInUse] for the
	// default.
	DeletePolicyVersion(ctx context.Context, acct model.AccountID, arn, versionID string) error

	// AttachPolicy attaches a managed policy (the account's or an AWS
	// managed one) to an entity; attaching again is not an error.
	AttachPolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, name, arn string) error
	// DetachPolicy detaches it; [ErrNotFound] if it was not attached.
	DetachPolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, name, arn string) error

	// PutInlinePolicy creates or replaces an inline policy. Policy names
	// are unique per entity without regard to case; replacing keeps the
	// stored spelling of the name.
	PutInlinePolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity string, p model.InlinePolicy) error
	// DeleteInlinePolicy deletes an entity's inline policy; [ErrNotFound]
	// if it has none of that name.
	DeleteInlinePolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity, policyName string) error
}

// AccessKeyReader reads long-term access keys.
type AccessKeyReader interface {
	// GetAccessKey finds a key by its ID in any account; the key's
	// AccountID says whose it is. This is how a request's credentials are
	// resolved.
	GetAccessKey(ctx context.Context, accessKeyID string) (model.AccessKey, error)
	// ListAccessKeys lists the keys of a user (the root's when user is
	// empty), oldest first.
	ListAccessKeys(ctx context.Context, acct model.AccountID, user string) ([]model.AccessKey, error)
}

// AccessKeyWriter changes long-term access keys.
type AccessKeyWriter interface {
	// CreateAccessKey stores k under acct (k.AccountID is ignored).
	// [ErrNotFound] if k.UserName names no user; [ErrConflict] if the ID
	// exists in any account.
	CreateAccessKey(ctx context.Context, acct model.AccountID, k model.AccessKey) error
	// UpdateAccessKeyStatus sets a key of acct Active or Inactive.
	UpdateAccessKeyStatus(ctx context.Context, acct model.AccountID, accessKeyID string, status model.AccessKeyStatus) error
	// RecordAccessKeyUse stores when, with which service and in which
	// region a key of acct was last used.
	// It is not announced on the change feed.
	RecordAccessKeyUse(ctx context.Context, acct model.AccountID, accessKeyID string, used model.AccessKeyLastUsed) error
	// DeleteAccessKey deletes a key of acct.
	DeleteAccessKey(ctx context.Context, acct model.AccountID, accessKeyID string) error
}

// SessionReader reads STS sessions.
type SessionReader interface {
	// GetSession finds a session by its access key ID in any account,
	// expired or not; the caller checks [model.Session.Expired].
	GetSession(ctx context.Context, accessKeyID string) (model.Session, error)
}

// SessionWriter stores STS sessions.
type SessionWriter interface {
	// PutSession stores a new session under acct (s.AccountID is
	// ignored); [ErrConflict] if the access key ID exists.
	PutSession(ctx context.Context, acct model.AccountID, s model.Session) error
	// DeleteSession deletes a session of acct.
	DeleteSession(ctx context.Context, acct model.AccountID, accessKeyID string) error
	// PurgeExpiredSessions deletes, in every account, the sessions that
	// expired at or before now, and returns how many.
	PurgeExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// ResourceListOptions selects a page of generic resources.
type ResourceListOptions struct {
	// Prefix keeps resources whose ID starts with it (case sensitive).
	Prefix string
	// Marker continues after the last item of a previous page.
	Marker string
	// MaxItems bounds the page like [ListOptions.MaxItems].
	MaxItems int
}

// ResourceReader reads generic resources.
type ResourceReader interface {
	// GetResource returns the resource (acct, typ, id); IDs compare
	// exactly.
	GetResource(ctx context.Context, acct model.AccountID, typ, id string) (model.Resource, error)
	// ResourceOwner returns the account that holds the resource (typ, id),
	// for resource types whose names are global across accounts (S3
	// buckets): [ErrNotFound] if none does, [ErrConflict] if several do.
	ResourceOwner(ctx context.Context, typ, id string) (model.AccountID, error)
	// ListResources lists resources of one type ordered by ID (byte-wise).
	ListResources(ctx context.Context, acct model.AccountID, typ string, opts ResourceListOptions) (Page[model.Resource], error)
}

// ResourceWriter changes generic resources.
type ResourceWriter interface {
	// CreateResource stores r with Version 1 and returns it as stored;
	// [ErrConflict] if (acct, r.Type, r.ID) exists.
	CreateResource(ctx context.Context, acct model.AccountID, r model.Resource) (model.Resource, error)
	// UpdateResource replaces the resource (r.Type, r.ID) if its version is
	// still r.Version (compare-and-swap; [ErrConflict] otherwise) and
	// returns it with the incremented Version. CreateDate is kept.
	UpdateResource(ctx context.Context, acct model.AccountID, r model.Resource) (model.Resource, error)
	// DeleteResource deletes a resource; a version of 0 deletes
	// unconditionally, any other must match ([ErrConflict]).
	DeleteResource(ctx context.Context, acct model.AccountID, typ, id string, version int64) error
}

// DefaultAuditResults and MaxAuditResults bound LookupAuditEvents pages as
// CloudTrail's LookupEvents bounds MaxResults.
const (
	DefaultAuditResults = 50
	MaxAuditResults     = 50
)

// AuditEvents stores the audit trail.
type AuditEvents interface {
	// AppendAuditEvents stores the batch in one transaction; it is durable
	// when AppendAuditEvents returns nil. Appending an EventID that is
	// already stored is a no-op for that record, so a batch may be retried.
	AppendAuditEvents(ctx context.Context, recs []model.AuditRecord) error
	// LookupAuditEvents returns the account's records that match every
	// non-empty filter of q, newest first by (EventTime, EventID), and a
	// next token that is empty on the last page. MaxResults of 0 means
	// [DefaultAuditResults]; more than [MaxAuditResults] means
	// MaxAuditResults. A foreign NextToken gives [ErrInvalidToken].
	LookupAuditEvents(ctx context.Context, acct model.AccountID, q model.AuditQuery) ([]model.AuditRecord, string, error)
}
