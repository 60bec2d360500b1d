package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/store/sqlite"
)

// TestAuditLookupPlans: for every filter LookupEvents offers, a lookup
// walks an index of audit_events in the order of its result, with no sort
// of the matching events, so that a page costs the events it reads however
// long the trail. The plans are SQLite's EXPLAIN QUERY PLAN
// (https://www.sqlite.org/eqp.html); an empty store plans as a full one
// would, since no statistics are gathered (no ANALYZE).
func TestAuditLookupPlans(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile)+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ro := true
	for _, c := range []struct {
		name  string
		q     model.AuditQuery
		after []any
		index string // the index the lookup must search
		also  string // a second index step it must take, if any
	}{
		{name: "none", index: "audit_time"},
		{name: "time range", q: model.AuditQuery{StartTime: time.Unix(1, 0), EndTime: time.Unix(2, 0)}, index: "audit_time"},
		{name: "EventId", q: model.AuditQuery{EventID: "e"}, index: "sqlite_autoindex_audit_events_1"},
		{name: "EventName", q: model.AuditQuery{EventName: "GetObject"}, index: "audit_name"},
		{name: "EventSource", q: model.AuditQuery{EventSource: "s3.amazonaws.com"}, index: "audit_source"},
		{name: "Username", q: model.AuditQuery{Username: "alice"}, index: "audit_user"},
		{name: "AccessKeyId", q: model.AuditQuery{AccessKeyID: "AKIA"}, index: "audit_key"},
		{name: "SourceIdentity", q: model.AuditQuery{SourceIdentity: "alice"}, index: "audit_identity"},
		{name: "ErrorCode", q: model.AuditQuery{ErrorCode: "AccessDenied"}, index: "audit_error"},
		{name: "DeniedOnly", q: model.AuditQuery{DeniedOnly: true}, index: "audit_denied"},
		{name: "ReadOnly", q: model.AuditQuery{ReadOnly: &ro}, index: "audit_time"},
		{name: "ResourceName", q: model.AuditQuery{ResourceName: "arn:aws:s3:::b/k"}, index: "audit_time", also: "audit_resources_name"},
		{name: "ResourceType", q: model.AuditQuery{ResourceType: "AWS::S3::Object"}, index: "audit_time", also: "audit_resources_type"},
		{name: "next page", q: model.AuditQuery{Username: "alice"}, after: []any{int64(5), "e"}, index: "audit_user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			query, args := sqlite.LookupQuery("123456789012", c.q, c.after, 51)
			rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(plan, "\n")
			if !strings.Contains(text, "SEARCH audit_events USING INDEX "+c.index+" ") {
				t.Errorf("the lookup does not search %s:\n%s", c.index, text)
			}
			if c.also != "" && !strings.Contains(text, "USING COVERING INDEX "+c.also+" ") {
				t.Errorf("the lookup does not probe %s:\n%s", c.also, text)
			}
			if strings.Contains(text, "TEMP B-TREE") || strings.Contains(text, "SCAN audit_events") {
				t.Errorf("the lookup scans or sorts the events:\n%s", text)
			}
		})
	}
}
