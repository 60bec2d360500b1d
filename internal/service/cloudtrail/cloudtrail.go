// Package cloudtrail serves CloudTrail's LookupEvents over abacus's audit
// trail, so that the AWS CLI (`aws cloudtrail lookup-events`), the SDKs and
// `abacus audit` read the trail the way they read AWS's Event history.
//
// The operation types follow internal/protocol's conventions (field names
// are the member names of botocore's cloudtrail 2013-11-01 model; the wire
// protocol is JSON 1.1 with the target prefix
// com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101). Records come from
// the audit store through the narrow [EventLookup] interface.
package cloudtrail

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// LookupAttribute is one lookup filter: an attribute key (one of the
// AttributeKey constants) and the value it must equal.
type LookupAttribute struct {
	AttributeKey   string `aws:",required"`
	AttributeValue string `aws:",required"`
}

// Lookup attribute keys, the enum LookupAttributeKey of the model.
const (
	AttributeEventID      = "EventId"
	AttributeEventName    = "EventName"
	AttributeReadOnly     = "ReadOnly"
	AttributeUsername     = "Username"
	AttributeResourceType = "ResourceType"
	AttributeResourceName = "ResourceName"
	AttributeEventSource  = "EventSource"
	AttributeAccessKeyID  = "AccessKeyId"
)

// LookupEventsInput is the input of LookupEvents.
type LookupEventsInput struct {
	// LookupAttributes may hold at most one attribute.
	LookupAttributes []LookupAttribute
	// StartTime and EndTime bound the events' time, both inclusive.
	StartTime *time.Time
	EndTime   *time.Time
	// EventCategory is nil or "insight" (abacus has no Insights events, so
	// "insight" returns none).
	EventCategory *string
	// MaxResults is 1 to 50; nil means 50.
	MaxResults *int32
	// NextToken continues a previous call made with the same parameters.
	NextToken *string
}

// LookupEventsOutput is the output of LookupEvents.
type LookupEventsOutput struct {
	// Events are newest first; never nil, so it is sent as [] when empty.
	Events    []Event
	NextToken string `aws:",omitempty"`
}

// Event is one event as LookupEvents returns it: a few indexed fields and
// the whole CloudTrail record as a JSON string.
type Event struct {
	EventId         string    `aws:",omitempty"` //nolint:revive // botocore member name
	EventName       string    `aws:",omitempty"`
	ReadOnly        string    `aws:",omitempty"` // "true" or "false"
	AccessKeyId     string    `aws:",omitempty"` //nolint:revive // botocore member name
	EventTime       time.Time `aws:",omitempty"`
	EventSource     string    `aws:",omitempty"`
	Username        string    `aws:",omitempty"`
	Resources       []Resource
	CloudTrailEvent string `aws:",omitempty"`
}

// Resource is a resource an event names.
type Resource struct {
	ResourceType string `aws:",omitempty"`
	ResourceName string `aws:",omitempty"`
}

// Error codes of LookupEvents, from the errors of the operation in
// botocore's cloudtrail model; all are sender faults with HTTP 400.
const (
	CodeInvalidLookupAttributes = "InvalidLookupAttributesException"
	CodeInvalidTimeRange        = "InvalidTimeRangeException"
	CodeInvalidMaxResults       = "InvalidMaxResultsException"
	CodeInvalidNextToken        = "InvalidNextTokenException"
	CodeInvalidEventCategory    = "InvalidEventCategoryException"
)

// maxAttributeValue is the model's length limit of AttributeValue.
const maxAttributeValue = 2000

// EventLookup is the slice of the audit store that LookupEvents reads:
// records of one account, newest first, filtered, paged with an opaque
// token (see audit.Querier for the full contract).
type EventLookup interface {
	LookupAuditEvents(ctx context.Context, acct model.AccountID, q model.AuditQuery) ([]model.AuditRecord, string, error)
}

// Service is the CloudTrail service. It is safe for concurrent use.
type Service struct {
	events EventLookup
}

// New returns a Service reading events from events.
func New(events EventLookup) *Service { return &Service{events: events} }

// Register adds the service's operations to reg. LookupEvents has no
// resource type in the Service Authorization Reference, so it is authorized
// on "*".
func Register(reg *op.Registry, s *Service) {
	op.Register(reg, op.Spec[LookupEventsInput, LookupEventsOutput]{
		Service:   "cloudtrail",
		Name:      "LookupEvents",
		ReadOnly:  true,
		Authorize: op.Any[LookupEventsInput]("cloudtrail:LookupEvents"),
		Handle: func(ctx context.Context, c *op.Call, in *LookupEventsInput) (*LookupEventsOutput, error) {
			return s.LookupEvents(ctx, c.Account, in)
		},
	})
}

func invalid(code, format string, args ...any) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, code, format, args...)
}

// LookupEvents returns acct's events matching in, newest first. It enforces
// the model's rules with CloudTrail's error codes: at most one lookup
// attribute with a known key and a value of 1 to 2000 characters
// (InvalidLookupAttributesException), StartTime not after EndTime
// (InvalidTimeRangeException), MaxResults 1 to 50
// (InvalidMaxResultsException), an EventCategory of "insight" only
// (InvalidEventCategoryException), and a NextToken issued for the same
// parameters (InvalidNextTokenException).
func (s *Service) LookupEvents(ctx context.Context, acct model.AccountID, in *LookupEventsInput) (*LookupEventsOutput, error) {
	if in == nil {
		in = &LookupEventsInput{}
	}
	q, err := query(in)
	if err != nil {
		return nil, err
	}
	out := &LookupEventsOutput{Events: []Event{}}
	if in.EventCategory != nil {
		// Only Insights events are asked for, and abacus records none.
		return out, nil
	}
	fp := fingerprint(in)
	if in.NextToken != nil {
		inner, err := openToken(*in.NextToken, fp)
		if err != nil {
			return nil, err
		}
		q.NextToken = inner
	}
	recs, next, err := s.events.LookupAuditEvents(ctx, acct, q)
	if errors.Is(err, store.ErrInvalidToken) {
		// The envelope was ours, its content was not (a crafted token).
		e := invalid(CodeInvalidNextToken, "Invalid NextToken.")
		e.Err = err
		return nil, e
	}
	if err != nil {
		return nil, fmt.Errorf("lookup events: %w", err)
	}
	for _, r := range recs {
		out.Events = append(out.Events, event(r))
	}
	if next != "" {
		out.NextToken = sealToken(next, fp)
	}
	return out, nil
}

// query validates in and translates it into the store's query.
func query(in *LookupEventsInput) (model.AuditQuery, error) {
	var q model.AuditQuery
	if in.MaxResults != nil {
		if n := *in.MaxResults; n < 1 || n > 50 {
			return q, invalid(CodeInvalidMaxResults, "Value %d for MaxResults is not valid. MaxResults must be between 1 and 50.", n)
		}
		q.MaxResults = int(*in.MaxResults)
	} else {
		q.MaxResults = 50
	}
	if in.StartTime != nil {
		q.StartTime = in.StartTime.UTC()
	}
	if in.EndTime != nil {
		q.EndTime = in.EndTime.UTC()
	}
	if in.StartTime != nil && in.EndTime != nil && in.StartTime.After(*in.EndTime) {
		return q, invalid(CodeInvalidTimeRange, "Start time must be before or equal to end time.")
	}
	if in.EventCategory != nil && *in.EventCategory != "insight" {
		return q, invalid(CodeInvalidEventCategory, "Event category %q is not valid. The only valid event category is insight.", *in.EventCategory)
	}
	switch len(in.LookupAttributes) {
	case 0:
		return q, nil
	case 1:
	default:
		return q, invalid(CodeInvalidLookupAttributes, "You can specify only one lookup attribute per request; %d were specified.", len(in.LookupAttributes))
	}
	a := in.LookupAttributes[0]
	if n := len(a.AttributeValue); n < 1 || n > maxAttributeValue {
		return q, invalid(CodeInvalidLookupAttributes, "The length of the value of lookup attribute %s must be between 1 and %d characters.", a.AttributeKey, maxAttributeValue)
	}
	v := a.AttributeValue
	switch a.AttributeKey {
	case AttributeEventID:
		q.EventID = v
	case AttributeEventName:
		q.EventName = v
	case AttributeUsername:
		q.Username = v
	case AttributeResourceType:
		q.ResourceType = v
	case AttributeResourceName:
		q.ResourceName = v
	case AttributeEventSource:
		q.EventSource = v
	case AttributeAccessKeyID:
		q.AccessKeyID = v
	case AttributeReadOnly:
		var b bool
		switch strings.ToLower(v) {
		case "true":
			b = true
		case "false":
		default:
			return q, invalid(CodeInvalidLookupAttributes, "The value of lookup attribute ReadOnly must be true or false.")
		}
		q.ReadOnly = &b
	default:
		return q, invalid(CodeInvalidLookupAttributes, "Lookup attribute key %q is not valid. Valid keys are EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource and AccessKeyId.", a.AttributeKey)
	}
	return q, nil
}

func event(r model.AuditRecord) Event {
	e := Event{
		EventId:         r.EventID,
		EventName:       r.EventName,
		ReadOnly:        strconv.FormatBool(r.ReadOnly),
		AccessKeyId:     r.AccessKeyID,
		EventTime:       r.EventTime.UTC(),
		EventSource:     r.EventSource,
		Username:        r.Username,
		Resources:       []Resource{},
		CloudTrailEvent: string(r.Event),
	}
	for _, res := range r.Resources {
		e.Resources = append(e.Resources, Resource{ResourceType: res.Type, ResourceName: res.Name})
	}
	return e
}

// fingerprint identifies the parameters a token is valid for: everything
// but MaxResults and NextToken, which AWS lets a caller change between
// pages.
func fingerprint(in *LookupEventsInput) string {
	h := sha256.New()
	for _, a := range in.LookupAttributes {
		fmt.Fprintf(h, "a%q=%q;", a.AttributeKey, a.AttributeValue)
	}
	if in.StartTime != nil {
		fmt.Fprintf(h, "s%d;", in.StartTime.UnixNano())
	}
	if in.EndTime != nil {
		fmt.Fprintf(h, "e%d;", in.EndTime.UnixNano())
	}
	if in.EventCategory != nil {
		fmt.Fprintf(h, "c%q;", *in.EventCategory)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

type token struct {
	Params string `json:"p"`
	Store  string `json:"t"`
}

var errToken = errors.New("cloudtrail: invalid next token")

// sealToken wraps the store's token with the parameters' fingerprint.
func sealToken(inner, fp string) string {
	b, _ := json.Marshal(token{Params: fp, Store: inner}) // strings always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// openToken returns the store's token inside tok, rejecting tokens that are
// malformed or were issued for other parameters.
func openToken(tok, fp string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	var t token
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err == nil && (t.Store == "" || t.Params == "") {
		err = errToken
	}
	if err != nil {
		e := invalid(CodeInvalidNextToken, "Invalid NextToken.")
		e.Err = err
		return "", e
	}
	if t.Params != fp {
		return "", invalid(CodeInvalidNextToken, "The NextToken was issued for a request with different parameters; pass the same parameters as the original call.")
	}
	return t.Store, nil
}
