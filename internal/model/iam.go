package model

import (
	"log/slog"
	"time"
)

// AWSAccount is the pseudo-account that owns AWS managed policies
// (arn:aws:iam::aws:policy/...). Records stored under it are readable from
// every account and writable only by code that seeds them.
const AWSAccount AccountID = "aws"

// EntityKind names the kind of an IAM principal entity that policies can be
// attached to and that can own inline policies.
type EntityKind string

// The IAM entity kinds.
const (
	EntityUser  EntityKind = "user"
	EntityGroup EntityKind = "group"
	EntityRole  EntityKind = "role"
)

// Valid reports whether k is one of the defined entity kinds.
func (k EntityKind) Valid() bool {
	return k == EntityUser || k == EntityGroup || k == EntityRole
}

// Tag is one key-value tag of an IAM entity, a session or a resource.
type Tag struct {
	Key   string
	Value string
}

// Secret holds secret material (a secret access key, a session token) as
// given. It logs, formats and encodes (JSON, XML, any text encoder) as
// REDACTED so that it cannot leak through slog, fmt or a response encoder by
// accident; convert it with string(s) where the value itself is needed.
type Secret string

// Redacted is what a [Secret] shows in logs and formatted output.
const Redacted = "REDACTED"

// LogValue implements [slog.LogValuer]; it never reveals the secret.
func (Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// String implements [fmt.Stringer]; it never reveals the secret.
func (Secret) String() string { return Redacted }

// GoString implements [fmt.GoStringer]; it never reveals the secret.
func (Secret) GoString() string { return Redacted }

// MarshalText implements [encoding.TextMarshaler]; it never reveals the
// secret, so JSON and XML encodings of structs holding one show REDACTED.
func (Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// User is an IAM user. UserName is unique within the account without regard
// to case; the stored spelling is kept.
type User struct {
	UserName string
	UserID   string // AIDA... (see [IDGenerator.UserID])
	Path     string // "/" by default
	ARN      string
	// PermissionsBoundary is the ARN of the managed policy used as the
	// user's permissions boundary, or empty.
	PermissionsBoundary string
	Tags                []Tag
	CreateDate          time.Time
}

// Group is an IAM group. GroupName is unique within the account without
// regard to case.
type Group struct {
	GroupName  string
	GroupID    string // AGPA...
	Path       string
	ARN        string
	CreateDate time.Time
}

// Role is an IAM role.
type Role struct {
	RoleName string
	RoleID   string // AROA...
	Path     string
	ARN      string
	// AssumeRolePolicyDocument is the trust policy as JSON text.
	AssumeRolePolicyDocument string
	Description              string
	// MaxSessionDuration is in seconds (3600 to 43200 in IAM).
	MaxSessionDuration  int32
	PermissionsBoundary string
	Tags                []Tag
	CreateDate          time.Time
	RoleLastUsed        RoleLastUsed
}

// RoleLastUsed records when and where a role was last assumed. The zero
// value means never.
type RoleLastUsed struct {
	LastUsedDate time.Time
	Region       string
}

// ManagedPolicy is a customer managed policy or, under [AWSAccount], an AWS
// managed policy. The counts are computed by the store for the account that
// asks.
type ManagedPolicy struct {
	PolicyName       string
	PolicyID         string // ANPA...
	ARN              string
	Path             string
	Description      string
	DefaultVersionID string // "v1", "v2", ...
	Tags             []Tag
	CreateDate       time.Time
	UpdateDate       time.Time
	// AttachmentCount is the number of users, groups and roles of the
	// asking account that the policy is attached to.
	AttachmentCount int
	// PermissionsBoundaryUsageCount is the number of users and roles of the
	// asking account that use the policy as permissions boundary.
	PermissionsBoundaryUsageCount int
}

// IsAWSManaged reports whether p is an AWS managed policy.
func (p ManagedPolicy) IsAWSManaged() bool {
	return len(p.ARN) > len(awsPolicyARNPrefix) && p.ARN[:len(awsPolicyARNPrefix)] == awsPolicyARNPrefix
}

const awsPolicyARNPrefix = "arn:aws:iam::aws:policy/"

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID  string // "v1", "v2", ...; assigned by the store
	Document   string // the policy document as JSON text
	IsDefault  bool
	CreateDate time.Time
}

// AttachedPolicy names a managed policy attached to an entity.
type AttachedPolicy struct {
	PolicyName string
	PolicyARN  string
}

// PolicyEntity names an entity that a managed policy is attached to.
type PolicyEntity struct {
	Kind EntityKind
	Name string
	ID   string
}

// InlinePolicy is a policy embedded in a user, group or role.
type InlinePolicy struct {
	PolicyName string
	Document   string
}

// AccessKeyStatus is Active or Inactive, as IAM spells them.
type AccessKeyStatus string

// The access key statuses.
const (
	AccessKeyActive   AccessKeyStatus = "Active"
	AccessKeyInactive AccessKeyStatus = "Inactive"
)

// AccessKey is a long-term access key of an IAM user, or of the account root
// when UserName is empty.
type AccessKey struct {
	AccountID       AccountID
	AccessKeyID     string // AKIA...
	UserName        string // empty for the account root
	SecretAccessKey Secret
	Status          AccessKeyStatus
	CreateDate      time.Time
	LastUsed        AccessKeyLastUsed
}

// AccessKeyLastUsed records the last use of an access key. The zero value
// means never used.
type AccessKeyLastUsed struct {
	LastUsedDate time.Time
	ServiceName  string
	Region       string
}
