package model

import "time"

// SessionKind says which STS operation created a session.
type SessionKind string

// The session kinds.
const (
	// SessionAssumedRole is a role session from AssumeRole (or one of its
	// variants); RoleARN and RoleID are set.
	SessionAssumedRole SessionKind = "AssumedRole"
	// SessionUser is a session of an IAM user (or the root when UserName is
	// empty) from GetSessionToken.
	SessionUser SessionKind = "User"
)

// Session is a set of temporary credentials issued by STS. It is looked up
// by AccessKeyID on every request that presents it.
type Session struct {
	AccountID       AccountID
	Kind            SessionKind
	AccessKeyID     string // ASIA...
	SecretAccessKey Secret
	SessionToken    Secret
	IssuedAt        time.Time
	Expiration      time.Time

	// RoleARN, RoleID, RoleName and SessionName describe an assumed-role
	// session.
	RoleARN     string
	RoleID      string
	RoleName    string
	SessionName string

	// UserName and UserID describe the IAM user of a GetSessionToken
	// session (both empty for the root).
	UserName string
	UserID   string

	// SourceIdentity is aws:SourceIdentity; once set it persists through
	// role chaining.
	SourceIdentity string
	// Tags are the session tags (aws:PrincipalTag for the session).
	Tags []Tag
	// TransitiveTagKeys are the keys of Tags that pass to chained sessions.
	TransitiveTagKeys []string
	// Policy is the inline session policy (JSON), or empty.
	Policy string
	// PolicyARNs are the managed session policies.
	PolicyARNs []string
	// OriginARN is the ARN of the principal that began a role chain (the IAM
	// user or root that called the first AssumeRole); empty when the session
	// is not chained.
	OriginARN string
	// ContextKeys are request context keys that every request made with
	// the session carries, e.g. sagemaker:DomainId and
	// sagemaker:UserProfileName of a SageMaker Studio session. Only abacus
	// sets them, when it issues a session on a service's behalf; no STS
	// request can, and they do not pass to chained sessions. They never
	// change during the session's life and are stored, and purged, with it.
	ContextKeys map[string][]string `json:",omitempty"`
}

// Expired reports whether the session has expired at now.
func (s Session) Expired(now time.Time) bool { return !now.Before(s.Expiration) }
