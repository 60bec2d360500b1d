package audit

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"abacus/internal/model"
)

// MaxEventSize bounds the JSON of one stored event. CloudTrail delivers
// events of up to 256 KB; abacus keeps its rows within the same bound.
const MaxEventSize = 256 << 10

// Record returns e as it is stored: its CloudTrail JSON plus the indexed
// columns that LookupEvents filters on. An event whose JSON would exceed
// [MaxEventSize] keeps every field but requestParameters and
// responseElements, which are replaced by a note of their size.
func (e Event) Record() (model.AuditRecord, error) {
	// MarshalJSON directly: json.Marshal would re-validate and compact
	// its (already compact) output, which doubles the cost.
	b, err := e.MarshalJSON()
	if err != nil {
		return model.AuditRecord{}, fmt.Errorf("audit: marshal event %s: %w", e.EventID, err)
	}
	if len(b) > MaxEventSize {
		note := func(v any) any {
			if v == nil {
				return nil
			}
			vb, _ := json.Marshal(v) // marshalled once already
			return map[string]any{"abacusOmitted": fmt.Sprintf("%d bytes exceed the event size limit", len(vb))}
		}
		e.RequestParameters, e.ResponseElements = note(e.RequestParameters), note(e.ResponseElements)
		if b, err = e.MarshalJSON(); err != nil {
			return model.AuditRecord{}, fmt.Errorf("audit: marshal event %s: %w", e.EventID, err)
		}
	}
	rec := model.AuditRecord{
		EventID:        e.EventID,
		EventTime:      e.EventTime.UTC().Truncate(time.Second),
		AccountID:      model.AccountID(e.RecipientAccountID),
		EventName:      e.EventName,
		EventSource:    e.EventSource,
		Username:       e.UserIdentity.Username(),
		AccessKeyID:    e.UserIdentity.AccessKeyID,
		SourceIdentity: e.UserIdentity.SourceIdentity(),
		ReadOnly:       e.ReadOnly,
		ErrorCode:      e.ErrorCode,
		Denied:         (e.Decision != nil && e.Decision.Denied()) || IsAccessDenied(e.ErrorCode),
		Event:          b,
	}
	for _, r := range e.Resources {
		rec.Resources = append(rec.Resources, model.AuditResource{Type: r.Type, Name: r.ARN})
	}
	return rec, nil
}

// IsAccessDenied reports whether an error code is one of AWS's access
// denial codes (AccessDenied, AccessDeniedException, ...).
func IsAccessDenied(code string) bool { return strings.HasPrefix(code, "AccessDenied") }
