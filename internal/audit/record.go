package audit

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"abacus/internal/model"
)

// Record returns e as it is stored: its CloudTrail JSON plus the indexed
// columns that LookupEvents filters on.
func (e Event) Record() (model.AuditRecord, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return model.AuditRecord{}, fmt.Errorf("audit: marshal event %s: %w", e.EventID, err)
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
