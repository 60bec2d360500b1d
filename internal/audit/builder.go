package audit

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/model"
	"abacus/internal/op"
)

// Details is what the server knows about one request besides its [op.Call]:
// the operation, its input and output (or error), the resources it named and
// the authorization decision.
type Details struct {
	// EventSource is CloudTrail's eventSource; empty means
	// call.Service + ".amazonaws.com".
	EventSource string
	// EventName is the operation name, e.g. "CreateRole".
	EventName string
	// ReadOnly reports whether the operation changes nothing.
	ReadOnly bool
	// Request and Response are the operation's input and output structs
	// (or pointers to them); either may be nil. They are redacted, never
	// recorded as they are.
	Request, Response any
	// Err is the error sent to the client, nil on success.
	Err *apierr.Error
	// Decision is the authorization decision; the zero value records none.
	Decision Decision
	// Resources are the resources the request named (the ARNs it was
	// authorized on).
	Resources []Resource
	// InvokedBy names the AWS service that made the call on the caller's
	// behalf (userIdentity.invokedBy), e.g. "sagemaker.amazonaws.com" when
	// SageMaker reads a training job's S3 input with the caller's
	// credentials; empty for calls the caller made itself.
	InvokedBy string
	// Service, when set, records the call as made by that AWS service
	// itself (userIdentity type AWSService, e.g. SageMaker assuming a
	// job's execution role), in place of call.Principal.
	Service string
}

// Builder makes events. The zero value is ready to use: it draws event IDs
// from crypto/rand and redacts with [NewRedactor]'s defaults. Event IDs are
// time-ordered UUIDs (version 7, RFC 9562): the call's time in milliseconds,
// then 74 random bits. They are unique without coordination between nodes,
// like the random (version 4) UUIDs CloudTrail writes, and because they grow
// with time a store indexes each new one next to the previous one instead of
// on a random page of its index. A Builder is
// safe for concurrent use once configured; its fields must not change after
// the first call to Event, and it must not be copied after first use.
type Builder struct {
	// IDs generates event IDs (UUIDs); set its Rand for deterministic
	// tests.
	IDs model.IDGenerator
	// Redactor redacts inputs and outputs; nil means NewRedactor().
	Redactor *Redactor

	once sync.Once
	red  *Redactor
}

// NewEvent is [Builder.Event] on a new zero Builder. It builds the default
// redactor on every call; a server keeps one Builder instead.
func NewEvent(call *op.Call, d Details) (Event, error) {
	var b Builder
	return b.Event(call, d)
}

// Event returns the CloudTrail record of one call: every field filled from
// the call, its verified principal and d, the input and output redacted,
// eventTime the call's time truncated to the second. It fails only when no
// event ID can be generated.
func (b *Builder) Event(call *op.Call, d Details) (Event, error) {
	id, err := b.eventID(call.Now)
	if err != nil {
		return Event{}, fmt.Errorf("audit: event ID: %w", err)
	}
	b.once.Do(func() {
		b.red = b.Redactor
		if b.red == nil {
			b.red = NewRedactor()
		}
	})
	red := b.red
	src := d.EventSource
	if src == "" {
		src = call.Service + ".amazonaws.com"
	}
	ev := Event{
		EventVersion:       EventVersion,
		UserIdentity:       Identity(call.Principal),
		EventTime:          call.Now.UTC().Truncate(time.Second),
		EventSource:        src,
		EventName:          d.EventName,
		AWSRegion:          call.Region,
		SourceIPAddress:    call.SourceIP,
		UserAgent:          call.UserAgent,
		RequestID:          call.RequestID,
		EventID:            id,
		ReadOnly:           d.ReadOnly,
		Resources:          d.Resources,
		EventType:          EventTypeAPICall,
		ManagementEvent:    true,
		RecipientAccountID: string(call.Account),
		EventCategory:      EventCategoryManagement,
	}
	switch {
	case d.Service != "":
		ev.UserIdentity = ServiceIdentity(d.Service)
	case call.Principal == nil && call.Account != "":
		ev.UserIdentity.AccountID = string(call.Account)
	}
	if d.InvokedBy != "" {
		ev.UserIdentity.InvokedBy = d.InvokedBy
	}
	if d.Err != nil {
		// A failed call records no response, as CloudTrail does.
		ev.ErrorCode = d.Err.Code
		ev.ErrorMessage = d.Err.Message
		ev.RequestParameters, _ = red.Redact(src, d.EventName, d.ReadOnly, d.Request, nil)
	} else {
		ev.RequestParameters, ev.ResponseElements = red.Redact(src, d.EventName, d.ReadOnly, d.Request, d.Response)
	}
	if !d.Decision.IsZero() {
		dec := d.Decision
		dec.MatchedStatements = uniqueStatements(dec.MatchedStatements)
		ev.Decision = &dec
	}
	return ev, nil
}

// eventID returns a version 7 UUID for time t: the random bits of a version
// 4 UUID from b.IDs with its first 48 bits replaced by t's Unix
// milliseconds and its version nibble by 7
// (https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-7).
func (b *Builder) eventID(t time.Time) (string, error) {
	u, err := b.IDs.UUID()
	if err != nil {
		return "", err
	}
	ms := uint64(max(t.UnixMilli(), 0)) & (1<<48 - 1)
	const hexDigits = "0123456789abcdef"
	id := []byte(u)
	pos := [12]int{0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12} // the hex digits of the first 48 bits
	for i := 11; i >= 0; i-- {
		id[pos[i]] = hexDigits[ms&0xf]
		ms >>= 4
	}
	id[14] = '7'
	return string(id), nil
}

// Identity returns CloudTrail's userIdentity for a verified principal; a nil
// principal (authentication failed) is type Unknown.
func Identity(p *model.Principal) UserIdentity {
	if p == nil {
		return UserIdentity{Type: IdentityUnknown}
	}
	u := UserIdentity{
		Type:        string(p.Type),
		PrincipalID: p.ID,
		ARN:         p.ARN,
		AccountID:   string(p.AccountID),
		AccessKeyID: p.AccessKeyID,
	}
	switch p.Type {
	case model.PrincipalRoot:
		if u.PrincipalID == "" {
			u.PrincipalID = string(p.AccountID)
		}
	case model.PrincipalIAMUser:
		u.UserName = p.UserName
	}
	if p.Temporary || p.Session != nil {
		sc := &SessionContext{Attributes: SessionAttributes{MFAAuthenticated: strconv.FormatBool(p.MFA)}}
		if !p.IssuedAt.IsZero() {
			sc.Attributes.CreationDate = FormatTime(p.IssuedAt)
		}
		if s := p.Session; s != nil {
			sc.SessionIssuer = &SessionIssuer{
				Type:        "Role",
				PrincipalID: s.RoleID,
				ARN:         s.RoleARN,
				AccountID:   string(p.AccountID),
				UserName:    s.RoleName,
			}
			sc.SourceIdentity = s.SourceIdentity
		}
		u.SessionContext = sc
	}
	return u
}

// ServiceIdentity returns the userIdentity of a call an AWS service made
// itself: type AWSService, invokedBy the service principal (for example
// "sagemaker.amazonaws.com").
func ServiceIdentity(service string) UserIdentity {
	return UserIdentity{Type: IdentityAWSService, InvokedBy: service}
}

// Username is the name LookupEvents reports for an event's caller: the IAM
// user's name, the role session name for an assumed role, "root" for the
// account root, the service principal for an AWS service.
func (u UserIdentity) Username() string {
	switch u.Type {
	case IdentityIAMUser:
		return u.UserName
	case IdentityAssumedRole:
		if _, session, ok := strings.Cut(u.PrincipalID, ":"); ok {
			return session
		}
		if i := strings.LastIndexByte(u.ARN, '/'); i >= 0 {
			return u.ARN[i+1:]
		}
	case IdentityRoot:
		return "root"
	case IdentityAWSService:
		return u.InvokedBy
	}
	return u.UserName
}

// SourceIdentity returns the session's source identity, or "".
func (u UserIdentity) SourceIdentity() string {
	if u.SessionContext == nil {
		return ""
	}
	return u.SessionContext.SourceIdentity
}

// uniqueStatements drops repeated statements (the same statement matching
// several checks of one request for the same action), keeping the order.
func uniqueStatements(sts []Statement) []Statement {
	if len(sts) < 2 {
		return sts
	}
	seen := make(map[Statement]bool, len(sts))
	out := make([]Statement, 0, len(sts))
	for _, st := range sts {
		if !seen[st] {
			seen[st] = true
			out = append(out, st)
		}
	}
	return out
}
