package audittest

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
)

// errToken explains a token [Memory] did not issue; it is returned wrapped
// with store.ErrInvalidToken.
var errToken = errors.New("malformed token")

// Memory is an in-memory [audit.Store] for tests. It keeps nothing on disk,
// so it is durable only in the sense that a record is visible once
// AppendAuditEvents returns. The zero value is ready to use; a Memory is
// safe for concurrent use.
type Memory struct {
	mu   sync.RWMutex
	recs map[model.AccountID][]model.AuditRecord // sorted newest first
	ids  map[string]bool
	// Fail, when set, is called before each append; a non-nil result fails
	// the append and stores nothing.
	Fail func(recs []model.AuditRecord) error
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{} }

// AppendAuditEvents stores recs atomically: all or (on failure) none. A
// record whose EventID is already stored is skipped, so a batch may be
// retried.
func (m *Memory) AppendAuditEvents(ctx context.Context, recs []model.AuditRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.Fail != nil {
		if err := m.Fail(recs); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.recs == nil {
		m.recs = map[model.AccountID][]model.AuditRecord{}
	}
	touched := map[model.AccountID]bool{}
	if m.ids == nil {
		m.ids = map[string]bool{}
	}
	for _, r := range recs {
		if m.ids[r.EventID] {
			continue
		}
		m.ids[r.EventID] = true
		r.EventTime = r.EventTime.UTC()
		r.Event = slices.Clone(r.Event)
		r.Resources = slices.Clone(r.Resources)
		m.recs[r.AccountID] = append(m.recs[r.AccountID], r)
		touched[r.AccountID] = true
	}
	for a := range touched {
		slices.SortStableFunc(m.recs[a], func(x, y model.AuditRecord) int { return compareKey(y, x) })
	}
	return nil
}

// compareKey orders records by (EventTime, EventID) ascending.
func compareKey(x, y model.AuditRecord) int {
	if c := x.EventTime.Compare(y.EventTime); c != 0 {
		return c
	}
	return strings.Compare(x.EventID, y.EventID)
}

// LookupAuditEvents returns acct's records matching q, newest first, with
// keyset pagination: the token names the last record returned. A token it
// did not issue gives an error wrapping store.ErrInvalidToken.
func (m *Memory) LookupAuditEvents(ctx context.Context, acct model.AccountID, q model.AuditQuery) ([]model.AuditRecord, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	limit := q.MaxResults
	if limit <= 0 {
		limit = 50
	}
	var after *model.AuditRecord
	if q.NextToken != "" {
		k, err := decodeToken(q.NextToken)
		if err != nil {
			return nil, "", err
		}
		after = &k
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []model.AuditRecord
	for _, r := range m.recs[acct] {
		if after != nil && compareKey(r, *after) >= 0 {
			continue
		}
		if !Matches(r, q) {
			continue
		}
		if len(out) == limit {
			last := out[len(out)-1]
			return out, encodeToken(last), nil
		}
		r.Event = slices.Clone(r.Event)
		r.Resources = slices.Clone(r.Resources)
		out = append(out, r)
	}
	return out, "", nil
}

// Matches reports whether r satisfies every filter of q (pagination fields
// aside). It is the reference semantics of model.AuditQuery.
func Matches(r model.AuditRecord, q model.AuditQuery) bool {
	switch {
	case !q.StartTime.IsZero() && r.EventTime.Before(q.StartTime),
		!q.EndTime.IsZero() && r.EventTime.After(q.EndTime),
		q.EventID != "" && r.EventID != q.EventID,
		q.EventName != "" && r.EventName != q.EventName,
		q.EventSource != "" && r.EventSource != q.EventSource,
		q.Username != "" && r.Username != q.Username,
		q.AccessKeyID != "" && r.AccessKeyID != q.AccessKeyID,
		q.ReadOnly != nil && r.ReadOnly != *q.ReadOnly,
		q.SourceIdentity != "" && r.SourceIdentity != q.SourceIdentity,
		q.ErrorCode != "" && r.ErrorCode != q.ErrorCode,
		q.DeniedOnly && !r.Denied:
		return false
	}
	if q.ResourceType != "" && !slices.ContainsFunc(r.Resources, func(x model.AuditResource) bool { return x.Type == q.ResourceType }) {
		return false
	}
	if q.ResourceName != "" && !slices.ContainsFunc(r.Resources, func(x model.AuditResource) bool { return x.Name == q.ResourceName }) {
		return false
	}
	return true
}

func encodeToken(r model.AuditRecord) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(r.EventTime.UnixNano(), 10) + "/" + r.EventID))
}

func decodeToken(tok string) (model.AuditRecord, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return model.AuditRecord{}, fmt.Errorf("%w: %w", store.ErrInvalidToken, err)
	}
	ns, id, ok := strings.Cut(string(b), "/")
	if !ok || id == "" {
		return model.AuditRecord{}, fmt.Errorf("%w: %w", store.ErrInvalidToken, errToken)
	}
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil {
		return model.AuditRecord{}, fmt.Errorf("%w: %w", store.ErrInvalidToken, err)
	}
	return model.AuditRecord{EventTime: time.Unix(0, n).UTC(), EventID: id}, nil
}
