package audit

import (
	"encoding/json"
	"fmt"
	"time"
)

// EventVersion is the CloudTrail record format version abacus writes. The
// fields used here all exist in 1.09 and later; sessionCredentialFromConsole
// (1.08+) and tlsDetails are omitted because abacus serves plain HTTP to
// API clients, never the console's federation.
const EventVersion = "1.09"

// Values of the fixed CloudTrail fields for API calls.
const (
	EventTypeAPICall        = "AwsApiCall"
	EventCategoryManagement = "Management"
)

// Identity types CloudTrail writes in userIdentity.type. Root, IAMUser and
// AssumedRole come from [model.PrincipalType]; AWSAccount and AWSService are
// for calls made by another account or by a service on the caller's behalf.
const (
	IdentityRoot        = "Root"
	IdentityIAMUser     = "IAMUser"
	IdentityAssumedRole = "AssumedRole"
	IdentityAWSAccount  = "AWSAccount"
	IdentityAWSService  = "AWSService"
	// IdentityUnknown is written when the caller could not be identified,
	// e.g. a request whose signature did not verify.
	IdentityUnknown = "Unknown"
)

// Event is one CloudTrail record of an API call, as CloudTrail writes it
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
// It marshals to CloudTrail's JSON: field names and order as AWS's, eventTime
// in UTC with second precision ("2024-01-01T00:00:00Z"), optional fields
// omitted when empty. requestParameters and responseElements are always
// present and null when there is nothing to record, as CloudTrail does.
//
// AdditionalEventData carries abacus's decision under the key "abacus" (see
// [Decision]); other keys may be added by services, as AWS services do.
//
// An Event is a value; build one with [Builder.Event] and hand it to
// [Broker.Record]. The zero value is not a valid record.
type Event struct {
	EventVersion        string
	UserIdentity        UserIdentity
	EventTime           time.Time
	EventSource         string // e.g. "iam.amazonaws.com"
	EventName           string // the operation, e.g. "CreateRole"
	AWSRegion           string
	SourceIPAddress     string
	UserAgent           string
	ErrorCode           string
	ErrorMessage        string
	RequestParameters   any // redacted input; nil is written as null
	ResponseElements    any // redacted output; nil is written as null
	AdditionalEventData map[string]any
	// Decision is written as additionalEventData.abacus; nil writes
	// nothing.
	Decision           *Decision
	RequestID          string
	EventID            string
	ReadOnly           bool
	Resources          []Resource
	EventType          string
	ManagementEvent    bool
	RecipientAccountID string
	EventCategory      string
}

// UserIdentity is CloudTrail's userIdentity element
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
// Empty fields are omitted.
type UserIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId,omitempty"`
	ARN            string          `json:"arn,omitempty"`
	AccountID      string          `json:"accountId,omitempty"`
	AccessKeyID    string          `json:"accessKeyId,omitempty"`
	UserName       string          `json:"userName,omitempty"`
	SessionContext *SessionContext `json:"sessionContext,omitempty"`
	InvokedBy      string          `json:"invokedBy,omitempty"`
}

// SessionContext describes temporary credentials: the entity that issued
// them (for role sessions), when they were created, whether MFA was used,
// and the session's source identity. CloudTrail writes sourceIdentity here,
// in userIdentity.sessionContext, for every call made with a session that
// has one.
type SessionContext struct {
	SessionIssuer  *SessionIssuer    `json:"sessionIssuer,omitempty"`
	Attributes     SessionAttributes `json:"attributes"`
	SourceIdentity string            `json:"sourceIdentity,omitempty"`
}

// SessionIssuer is the role (type "Role") or user whose credentials were
// used to create a session.
type SessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	UserName    string `json:"userName,omitempty"`
}

// SessionAttributes are the creation time of temporary credentials and
// whether they were issued after MFA. CloudTrail writes mfaAuthenticated as
// the string "true" or "false".
type SessionAttributes struct {
	CreationDate     string `json:"creationDate,omitempty"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

// Resource is one entry of an event's resources list.
type Resource struct {
	ARN       string `json:"ARN,omitempty"`
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type,omitempty"` // e.g. "AWS::IAM::Role"
}

// FormatTime renders t as CloudTrail does: UTC, second precision.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// wireEvent fixes the JSON field names and their order, which follows the
// order of AWS's own records so that diffs against real CloudTrail output
// stay readable.
type wireEvent struct {
	EventVersion        string         `json:"eventVersion"`
	UserIdentity        UserIdentity   `json:"userIdentity"`
	EventTime           string         `json:"eventTime"`
	EventSource         string         `json:"eventSource"`
	EventName           string         `json:"eventName"`
	AWSRegion           string         `json:"awsRegion"`
	SourceIPAddress     string         `json:"sourceIPAddress"`
	UserAgent           string         `json:"userAgent"`
	ErrorCode           string         `json:"errorCode,omitempty"`
	ErrorMessage        string         `json:"errorMessage,omitempty"`
	RequestParameters   any            `json:"requestParameters"`
	ResponseElements    any            `json:"responseElements"`
	AdditionalEventData map[string]any `json:"additionalEventData,omitempty"`
	RequestID           string         `json:"requestID"`
	EventID             string         `json:"eventID"`
	ReadOnly            bool           `json:"readOnly"`
	Resources           []Resource     `json:"resources,omitempty"`
	EventType           string         `json:"eventType"`
	ManagementEvent     bool           `json:"managementEvent"`
	RecipientAccountID  string         `json:"recipientAccountId"`
	EventCategory       string         `json:"eventCategory"`
}

// MarshalJSON implements json.Marshaler with CloudTrail's field names.
func (e Event) MarshalJSON() ([]byte, error) {
	extra := e.AdditionalEventData
	if e.Decision != nil {
		extra = make(map[string]any, len(e.AdditionalEventData)+1)
		for k, v := range e.AdditionalEventData {
			extra[k] = v
		}
		extra[AdditionalDataKey] = e.Decision
	}
	return json.Marshal(wireEvent{
		EventVersion:        e.EventVersion,
		UserIdentity:        e.UserIdentity,
		EventTime:           FormatTime(e.EventTime),
		EventSource:         e.EventSource,
		EventName:           e.EventName,
		AWSRegion:           e.AWSRegion,
		SourceIPAddress:     e.SourceIPAddress,
		UserAgent:           e.UserAgent,
		ErrorCode:           e.ErrorCode,
		ErrorMessage:        e.ErrorMessage,
		RequestParameters:   e.RequestParameters,
		ResponseElements:    e.ResponseElements,
		AdditionalEventData: extra,
		RequestID:           e.RequestID,
		EventID:             e.EventID,
		ReadOnly:            e.ReadOnly,
		Resources:           e.Resources,
		EventType:           e.EventType,
		ManagementEvent:     e.ManagementEvent,
		RecipientAccountID:  e.RecipientAccountID,
		EventCategory:       e.EventCategory,
	})
}

// UnmarshalJSON implements json.Unmarshaler; it accepts what MarshalJSON
// writes (and real CloudTrail records). requestParameters,
// responseElements and additionalEventData decode into generic JSON values
// (map[string]any, []any, string, float64, bool).
func (e *Event) UnmarshalJSON(b []byte) error {
	var w wireEvent
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var t time.Time
	if w.EventTime != "" {
		var err error
		t, err = time.Parse(time.RFC3339, w.EventTime)
		if err != nil {
			return fmt.Errorf("audit: eventTime: %w", err)
		}
		t = t.UTC().Truncate(time.Second) // CloudTrail's precision
	}
	var dec *Decision
	if raw, ok := w.AdditionalEventData[AdditionalDataKey]; ok {
		b, err := json.Marshal(raw)
		if err != nil {
			return err
		}
		dec = new(Decision)
		if err := json.Unmarshal(b, dec); err != nil {
			return fmt.Errorf("audit: additionalEventData.%s: %w", AdditionalDataKey, err)
		}
		delete(w.AdditionalEventData, AdditionalDataKey)
	}
	if len(w.AdditionalEventData) == 0 {
		w.AdditionalEventData = nil // absent and empty are one thing
	}
	*e = Event{
		EventVersion:        w.EventVersion,
		UserIdentity:        w.UserIdentity,
		EventTime:           t,
		EventSource:         w.EventSource,
		EventName:           w.EventName,
		AWSRegion:           w.AWSRegion,
		SourceIPAddress:     w.SourceIPAddress,
		UserAgent:           w.UserAgent,
		ErrorCode:           w.ErrorCode,
		ErrorMessage:        w.ErrorMessage,
		RequestParameters:   w.RequestParameters,
		ResponseElements:    w.ResponseElements,
		AdditionalEventData: w.AdditionalEventData,
		Decision:            dec,
		RequestID:           w.RequestID,
		EventID:             w.EventID,
		ReadOnly:            w.ReadOnly,
		Resources:           w.Resources,
		EventType:           w.EventType,
		ManagementEvent:     w.ManagementEvent,
		RecipientAccountID:  w.RecipientAccountID,
		EventCategory:       w.EventCategory,
	}
	return nil
}
