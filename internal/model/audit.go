package model

import "time"

// AuditRecord is one CloudTrail-format event as stored. The indexed columns
// repeat values from Event so that LookupEvents filters without parsing JSON;
// Event is the whole CloudTrail record (the JSON that LookupEvents returns in
// CloudTrailEvent), already redacted.
type AuditRecord struct {
	EventID        string    // a UUID, unique without coordination
	EventTime      time.Time // UTC; records are ordered by (EventTime, EventID)
	AccountID      AccountID // recipientAccountId
	EventName      string    // the operation, e.g. "CreateRole"
	EventSource    string    // e.g. "iam.amazonaws.com"
	Username       string    // userIdentity.userName, or the role session name for assumed roles
	AccessKeyID    string
	SourceIdentity string
	ReadOnly       bool
	ErrorCode      string // empty on success; "AccessDenied" etc. on failure
	Denied         bool   // the authorization decision was a denial
	// Resources names the resources of the event (CloudTrail's resources
	// list), used by the ResourceType and ResourceName lookup attributes.
	Resources []AuditResource
	Event     []byte // the CloudTrail record as JSON
}

// AuditResource is one entry of a CloudTrail event's resources list.
type AuditResource struct {
	Type string // e.g. "AWS::IAM::Role"
	Name string // the ARN or name
}

// AuditQuery selects audit records, newest first, as CloudTrail's
// LookupEvents does. Empty fields do not filter. Exactly the CloudTrail
// lookup attributes are supported, plus the abacus-only SourceIdentity and
// DeniedOnly filters used by `abacus audit`.
type AuditQuery struct {
	StartTime, EndTime time.Time // inclusive bounds; zero means open
	EventID            string
	EventName          string
	EventSource        string
	Username           string
	AccessKeyID        string
	ResourceType       string
	ResourceName       string
	ReadOnly           *bool
	SourceIdentity     string
	ErrorCode          string
	DeniedOnly         bool
	// MaxResults bounds the page; 0 means the store's default (50).
	MaxResults int
	// NextToken continues a previous query; it is opaque to callers.
	NextToken string
}
