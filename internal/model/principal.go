package model

import (
	"log/slog"
	"time"
)

// PrincipalType is the kind of a verified caller, spelled as CloudTrail's
// userIdentity.type and (lower-cased where AWS does) aws:PrincipalType.
type PrincipalType string

// The principal types abacus authenticates.
const (
	PrincipalRoot        PrincipalType = "Root"
	PrincipalIAMUser     PrincipalType = "IAMUser"
	PrincipalAssumedRole PrincipalType = "AssumedRole"
)

// Principal is the verified caller of one request: the account root, an IAM
// user (with long-term keys or a GetSessionToken session) or a role session.
// It is built by the principal resolver from stored credentials and is
// immutable once built; share it freely between goroutines.
type Principal struct {
	Type      PrincipalType
	AccountID AccountID
	// ARN is aws:PrincipalArn for users and root, and the session ARN
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) for role sessions.
	ARN string
	// ID is aws:userid: the account ID for root, the user's unique ID
	// (AIDA...) for users, ROLEID:SESSION for role sessions. CloudTrail calls
	// it principalId.
	ID string
	// UserName is aws:username for IAM users; empty for root and roles.
	UserName string
	// AccessKeyID is the access key that signed the request.
	AccessKeyID string
	// Tags are aws:PrincipalTag/*: a user's tags, or a role's tags overlaid
	// by the session's tags.
	Tags map[string]string
	// Temporary reports whether the credentials came from STS.
	Temporary bool
	// IssuedAt is aws:TokenIssueTime for temporary credentials.
	IssuedAt time.Time
	// MFA is aws:MultiFactorAuthPresent.
	MFA bool
	// Session is set for role sessions only.
	Session *RoleSession
}

// RoleSession describes the role session behind an AssumedRole principal.
type RoleSession struct {
	RoleName string
	RolePath string
	RoleARN  string
	RoleID   string // AROA...
	Name     string // RoleSessionName
	// SourceIdentity is aws:SourceIdentity; once set it survives role
	// chaining unchanged.
	SourceIdentity string
	Expires        time.Time
	// SessionTags are the tags passed to AssumeRole (and inherited
	// transitive tags); they are already merged into Principal.Tags.
	SessionTags       map[string]string
	TransitiveTagKeys []string
	// Chained reports whether the session was created by a role session
	// (role chaining), which caps its duration at one hour.
	Chained bool
	// PolicyDocument and PolicyARNs are the session policies that cap the
	// session's permissions.
	PolicyDocument string
	PolicyARNs     []string
	// ContextKeys are request context keys that every request made with
	// this session carries, e.g. sagemaker:DomainId and
	// sagemaker:UserProfileName for SageMaker Studio sessions.
	ContextKeys map[string][]string
}

// SecretKey is a secret access key or session token. It prints as REDACTED
// in logs.
type SecretKey string

// LogValue implements slog.LogValuer.
func (SecretKey) LogValue() slog.Value { return slog.StringValue("REDACTED") }

// String returns REDACTED so that a secret never reaches a format verb by
// accident; use string(k) where the secret itself is needed.
func (SecretKey) String() string { return "REDACTED" }
