// Package audittest is the conformance suite for audit sinks, in the manner
// of testing/slogtest: every backend that stores audit records (the SQLite
// and PostgreSQL stores, the in-memory [Memory]) runs [Run] from its own
// test:
//
//	func TestAuditSink(t *testing.T) {
//		audittest.Run(t, func(t *testing.T) audit.Store { return openTemp(t) })
//	}
//
// The suite pins down what [audit.Sink] and [audit.Querier] promise: records
// come back byte for byte, newest first by (EventTime, EventID); every
// model.AuditQuery filter selects exactly the matching records, combined
// with AND; time bounds are inclusive; pages follow keyset order and stay
// correct while new records arrive; a token that was never issued is an
// error wrapping store.ErrInvalidToken; an EventID already stored is
// skipped so batches may be retried; accounts never see each other's
// records; concurrent appends lose nothing.
package audittest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"abacus/internal/audit"
	"abacus/internal/model"
	"abacus/internal/store"
)

// Run runs the conformance suite. open returns a new, empty store for each
// subtest; it should register its own cleanup with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) audit.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s audit.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"NewestFirst", testNewestFirst},
		{"Filters", testFilters},
		{"TimeBoundsInclusive", testTimeBounds},
		{"Pagination", testPagination},
		{"PaginationStableUnderAppends", testPaginationStable},
		{"DefaultPageSize", testDefaultPageSize},
		{"InvalidNextToken", testInvalidNextToken},
		{"TenantIsolation", testTenantIsolation},
		{"EmptyBatch", testEmptyBatch},
		{"DuplicateEventIDIsSkipped", testDuplicateEventID},
		{"ConcurrentAppends", testConcurrentAppends},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

const (
	acctA = model.AccountID("111111111111")
	acctB = model.AccountID("222222222222")
)

var base = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// rec builds a realistic record: the indexed columns agree with the
// CloudTrail JSON in Event.
func rec(acct model.AccountID, n int, mod func(*audit.Event)) model.AuditRecord {
	ev := audit.Event{
		EventVersion: audit.EventVersion,
		UserIdentity: audit.UserIdentity{
			Type: "IAMUser", PrincipalID: "AIDAEXAMPLEEXAMPLE01", ARN: "arn:aws:iam::" + string(acct) + ":user/alice",
			AccountID: string(acct), AccessKeyID: "AKIAALICE00000000001", UserName: "alice",
		},
		EventTime:          base.Add(time.Duration(n) * time.Second),
		EventSource:        "iam.amazonaws.com",
		EventName:          "GetRole",
		AWSRegion:          "us-east-1",
		SourceIPAddress:    "127.0.0.1",
		UserAgent:          "audittest",
		RequestParameters:  map[string]any{"roleName": fmt.Sprint("r", n)},
		RequestID:          fmt.Sprintf("req-%04d", n),
		EventID:            fmt.Sprintf("00000000-0000-4000-8000-%012d", n),
		ReadOnly:           true,
		EventType:          audit.EventTypeAPICall,
		ManagementEvent:    true,
		RecipientAccountID: string(acct),
		EventCategory:      audit.EventCategoryManagement,
		Decision:           &audit.Decision{Decision: audit.DecisionAllow},
	}
	if mod != nil {
		mod(&ev)
	}
	r, err := ev.Record()
	if err != nil {
		panic(err)
	}
	return r
}

func appendOK(t *testing.T, s audit.Sink, recs ...model.AuditRecord) {
	t.Helper()
	if err := s.AppendAuditEvents(context.Background(), recs); err != nil {
		t.Fatalf("AppendAuditEvents: %v", err)
	}
}

// lookupAll follows NextToken to the end, checking each page's size.
func lookupAll(t *testing.T, s audit.Querier, acct model.AccountID, q model.AuditQuery) []model.AuditRecord {
	t.Helper()
	var all []model.AuditRecord
	for range 10_000 {
		page, next, err := s.LookupAuditEvents(context.Background(), acct, q)
		if err != nil {
			t.Fatalf("LookupAuditEvents(%+v): %v", q, err)
		}
		limit := q.MaxResults
		if limit == 0 {
			limit = 50
		}
		if len(page) > limit {
			t.Fatalf("page of %d records, more than MaxResults %d", len(page), limit)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		q.NextToken = next
	}
	t.Fatal("NextToken never ended")
	return nil
}

func ids(recs []model.AuditRecord) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.EventID
	}
	return out
}

func testRoundTrip(t *testing.T, s audit.Store) {
	r := rec(acctA, 1, func(e *audit.Event) {
		e.EventName = "CreateTrainingJob"
		e.EventSource = "sagemaker.amazonaws.com"
		e.ReadOnly = false
		e.ErrorCode = "AccessDeniedException"
		e.Decision = &audit.Decision{Decision: audit.DecisionExplicitDeny, Explanation: "denied by Guardrail"}
		e.UserIdentity = audit.UserIdentity{
			Type: "AssumedRole", PrincipalID: "AROAEXAMPLE:bob", ARN: "arn:aws:sts::111111111111:assumed-role/Studio/bob",
			AccountID: string(acctA), AccessKeyID: "ASIABOB",
			SessionContext: &audit.SessionContext{SourceIdentity: "bob", Attributes: audit.SessionAttributes{MFAAuthenticated: "false"}},
		}
		e.Resources = []audit.Resource{
			{ARN: "arn:aws:sagemaker:us-east-1:111111111111:training-job/j", Type: "AWS::SageMaker::TrainingJob"},
			{ARN: "arn:aws:iam::111111111111:role/Exec", Type: "AWS::IAM::Role"},
		}
	})
	appendOK(t, s, r)
	got := lookupAll(t, s, acctA, model.AuditQuery{})
	if len(got) != 1 {
		t.Fatalf("got %d records, want 1", len(got))
	}
	if diff := cmp.Diff(r, got[0], cmpopts.EquateEmpty(), cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("record changed in the store (-appended +read):\n%s", diff)
	}
	if !json.Valid(got[0].Event) {
		t.Errorf("Event is not valid JSON: %s", got[0].Event)
	}
	if got[0].EventTime.Location() != time.UTC {
		t.Errorf("EventTime location = %v, want UTC", got[0].EventTime.Location())
	}
}

func testNewestFirst(t *testing.T, s audit.Store) {
	// Appended out of order, in two batches; two records share a time and
	// are ordered by EventID.
	r5 := rec(acctA, 5, nil)
	r3 := rec(acctA, 3, nil)
	r9 := rec(acctA, 9, nil)
	tieA := rec(acctA, 7, nil)
	tieB := rec(acctA, 8, func(e *audit.Event) { e.EventTime = base.Add(7 * time.Second) })
	appendOK(t, s, r5, tieB, r3)
	appendOK(t, s, r9, tieA)
	got := ids(lookupAll(t, s, acctA, model.AuditQuery{}))
	want := ids([]model.AuditRecord{r9, tieB, tieA, r5, r3})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func testFilters(t *testing.T, s audit.Store) {
	recs := []model.AuditRecord{
		rec(acctA, 1, nil), // alice GetRole read-only allowed
		rec(acctA, 2, func(e *audit.Event) {
			e.EventName, e.ReadOnly = "CreateRole", false
			e.Resources = []audit.Resource{{ARN: "arn:aws:iam::111111111111:role/R", Type: "AWS::IAM::Role"}}
		}),
		rec(acctA, 3, func(e *audit.Event) {
			e.EventSource, e.EventName, e.ReadOnly = "sagemaker.amazonaws.com", "CreateTrainingJob", false
			e.UserIdentity = audit.UserIdentity{
				Type: "AssumedRole", PrincipalID: "AROAX:bob", ARN: "arn:aws:sts::111111111111:assumed-role/Studio/bob",
				AccountID: string(acctA), AccessKeyID: "ASIABOB",
				SessionContext: &audit.SessionContext{SourceIdentity: "bob-si"},
			}
			e.ErrorCode = "AccessDeniedException"
			e.Decision = &audit.Decision{Decision: audit.DecisionImplicitDeny}
			e.Resources = []audit.Resource{{ARN: "arn:aws:sagemaker:us-east-1:111111111111:training-job/j", Type: "AWS::SageMaker::TrainingJob"}}
		}),
		rec(acctA, 4, func(e *audit.Event) {
			e.EventName = "GetUser"
			e.ErrorCode = "NoSuchEntity"
		}),
	}
	appendOK(t, s, recs...)
	yes, no := true, false
	tests := []struct {
		name string
		q    model.AuditQuery
		want []int // record numbers, newest first
	}{
		{"none", model.AuditQuery{}, []int{4, 3, 2, 1}},
		{"EventID", model.AuditQuery{EventID: recs[1].EventID}, []int{2}},
		{"EventName", model.AuditQuery{EventName: "CreateRole"}, []int{2}},
		{"EventName is case-sensitive", model.AuditQuery{EventName: "createrole"}, nil},
		{"EventSource", model.AuditQuery{EventSource: "sagemaker.amazonaws.com"}, []int{3}},
		{"Username of a user", model.AuditQuery{Username: "alice"}, []int{4, 2, 1}},
		{"Username of a role session", model.AuditQuery{Username: "bob"}, []int{3}},
		{"AccessKeyID", model.AuditQuery{AccessKeyID: "ASIABOB"}, []int{3}},
		{"ResourceType", model.AuditQuery{ResourceType: "AWS::IAM::Role"}, []int{2}},
		{"ResourceName", model.AuditQuery{ResourceName: "arn:aws:sagemaker:us-east-1:111111111111:training-job/j"}, []int{3}},
		{"ReadOnly true", model.AuditQuery{ReadOnly: &yes}, []int{4, 1}},
		{"ReadOnly false", model.AuditQuery{ReadOnly: &no}, []int{3, 2}},
		{"SourceIdentity", model.AuditQuery{SourceIdentity: "bob-si"}, []int{3}},
		{"ErrorCode", model.AuditQuery{ErrorCode: "NoSuchEntity"}, []int{4}},
		{"DeniedOnly", model.AuditQuery{DeniedOnly: true}, []int{3}},
		{"combined with AND", model.AuditQuery{Username: "alice", ReadOnly: &no}, []int{2}},
		{"combined, nothing matches", model.AuditQuery{Username: "alice", DeniedOnly: true}, nil},
		{"no such value", model.AuditQuery{EventName: "DeleteRole"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for _, n := range tt.want {
				want = append(want, recs[n-1].EventID)
			}
			got := ids(lookupAll(t, s, acctA, tt.q))
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func testTimeBounds(t *testing.T, s audit.Store) {
	var recs []model.AuditRecord
	for i := range 5 {
		recs = append(recs, rec(acctA, i, nil))
	}
	appendOK(t, s, recs...)
	at := func(n int) time.Time { return base.Add(time.Duration(n) * time.Second) }
	tests := []struct {
		name       string
		start, end time.Time
		want       []int
	}{
		{"both bounds inclusive", at(1), at(3), []int{3, 2, 1}},
		{"start only", at(3), time.Time{}, []int{4, 3}},
		{"end only", time.Time{}, at(1), []int{1, 0}},
		{"empty range", at(2), at(2), []int{2}},
		{"between records", at(1).Add(time.Millisecond), at(2).Add(-time.Millisecond), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for _, n := range tt.want {
				want = append(want, recs[n].EventID)
			}
			got := ids(lookupAll(t, s, acctA, model.AuditQuery{StartTime: tt.start, EndTime: tt.end}))
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func testPagination(t *testing.T, s audit.Store) {
	var recs []model.AuditRecord
	for i := range 7 {
		recs = append(recs, rec(acctA, i, nil))
	}
	// Two records share a time so that a page boundary falls on a tie.
	recs = append(recs, rec(acctA, 100, func(e *audit.Event) { e.EventTime = base.Add(3 * time.Second) }))
	appendOK(t, s, recs...)
	want := ids(lookupAll(t, s, acctA, model.AuditQuery{}))
	if len(want) != len(recs) {
		t.Fatalf("got %d records, want %d", len(want), len(recs))
	}
	for _, size := range []int{1, 2, 3, 8, 9} {
		t.Run(fmt.Sprint("MaxResults=", size), func(t *testing.T) {
			ctx := context.Background()
			q := model.AuditQuery{MaxResults: size}
			var got []string
			pages := 0
			for {
				page, next, err := s.LookupAuditEvents(ctx, acctA, q)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if len(page) > size {
					t.Fatalf("page %d has %d records, MaxResults is %d", pages, len(page), size)
				}
				if next != "" && len(page) == 0 {
					t.Fatalf("page %d is empty but has a NextToken", pages)
				}
				got = append(got, ids(page)...)
				if next == "" {
					break
				}
				if pages > len(recs)+1 {
					t.Fatal("too many pages")
				}
				q.NextToken = next
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pages concatenated (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("filtered", func(t *testing.T) {
		got := ids(lookupAll(t, s, acctA, model.AuditQuery{MaxResults: 2, EndTime: base.Add(4 * time.Second)}))
		var want2 []string
		for _, id := range want {
			for _, r := range recs {
				if r.EventID == id && !r.EventTime.After(base.Add(4*time.Second)) {
					want2 = append(want2, id)
				}
			}
		}
		if diff := cmp.Diff(want2, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

func testPaginationStable(t *testing.T, s audit.Store) {
	ctx := context.Background()
	var recs []model.AuditRecord
	for i := range 6 {
		recs = append(recs, rec(acctA, i, nil))
	}
	appendOK(t, s, recs...)
	page1, next, err := s.LookupAuditEvents(ctx, acctA, model.AuditQuery{MaxResults: 3})
	if err != nil {
		t.Fatal(err)
	}
	if next == "" {
		t.Fatal("no NextToken after the first of two pages")
	}
	// Newer records arrive between pages (as they do while a user pages
	// through a live trail); they must not shift the next page.
	appendOK(t, s, rec(acctA, 50, nil), rec(acctA, 51, nil))
	rest := lookupAll(t, s, acctA, model.AuditQuery{MaxResults: 3, NextToken: next})
	got := append(ids(page1), ids(rest)...)
	want := []string{recs[5].EventID, recs[4].EventID, recs[3].EventID, recs[2].EventID, recs[1].EventID, recs[0].EventID}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func testDefaultPageSize(t *testing.T, s audit.Store) {
	var recs []model.AuditRecord
	for i := range 60 {
		recs = append(recs, rec(acctA, i, nil))
	}
	appendOK(t, s, recs...)
	page, next, err := s.LookupAuditEvents(context.Background(), acctA, model.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 50 || next == "" {
		t.Errorf("MaxResults 0 gave %d records, NextToken %q; want 50 and a token", len(page), next)
	}
	page, next, err = s.LookupAuditEvents(context.Background(), acctA, model.AuditQuery{NextToken: next})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 10 || next != "" {
		t.Errorf("second page has %d records, NextToken %q; want 10 and none", len(page), next)
	}
}

func testInvalidNextToken(t *testing.T, s audit.Store) {
	appendOK(t, s, rec(acctA, 1, nil), rec(acctA, 2, nil))
	for _, tok := range []string{"not-a-token", "%%%", "AAAA"} {
		_, _, err := s.LookupAuditEvents(context.Background(), acctA, model.AuditQuery{NextToken: tok})
		if !errors.Is(err, store.ErrInvalidToken) {
			t.Errorf("NextToken %q: error %v, want store.ErrInvalidToken; a token the store never issued must be rejected, not treated as a fresh query", tok, err)
		}
	}
}

func testTenantIsolation(t *testing.T, s audit.Store) {
	a := rec(acctA, 1, nil)
	b := rec(acctB, 2, nil)
	appendOK(t, s, a, b) // one batch spanning two accounts
	if got := ids(lookupAll(t, s, acctA, model.AuditQuery{})); !slices.Equal(got, []string{a.EventID}) {
		t.Errorf("account A sees %v, want only its own %s", got, a.EventID)
	}
	if got := ids(lookupAll(t, s, acctB, model.AuditQuery{})); !slices.Equal(got, []string{b.EventID}) {
		t.Errorf("account B sees %v, want only its own %s", got, b.EventID)
	}
	if got := lookupAll(t, s, acctB, model.AuditQuery{EventID: a.EventID}); len(got) != 0 {
		t.Errorf("account B finds account A's event by ID")
	}
	if got := lookupAll(t, s, "333333333333", model.AuditQuery{}); len(got) != 0 {
		t.Errorf("an account without events sees %d", len(got))
	}
}

func testEmptyBatch(t *testing.T, s audit.Store) {
	if err := s.AppendAuditEvents(context.Background(), nil); err != nil {
		t.Errorf("AppendAuditEvents(nil) = %v, want nil", err)
	}
	if got := lookupAll(t, s, acctA, model.AuditQuery{}); len(got) != 0 {
		t.Errorf("empty store returned %d records", len(got))
	}
}

// testDuplicateEventID pins down that a batch may be retried: a record
// whose EventID is stored already is skipped, the rest of the batch is
// stored.
func testDuplicateEventID(t *testing.T, s audit.Store) {
	first := rec(acctA, 1, nil)
	appendOK(t, s, first)
	again := rec(acctA, 1, func(e *audit.Event) { e.EventName = "Changed" })
	appendOK(t, s, again, rec(acctA, 2, nil))
	got := lookupAll(t, s, acctA, model.AuditQuery{})
	if len(got) != 2 {
		t.Fatalf("got %d records after appending a duplicate, want 2", len(got))
	}
	if got[1].EventName != "GetRole" {
		t.Errorf("the duplicate replaced the stored record: EventName %q", got[1].EventName)
	}
}

func testConcurrentAppends(t *testing.T, s audit.Store) {
	const writers, batches, per = 8, 10, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				var recs []model.AuditRecord
				for i := range per {
					recs = append(recs, rec(acctA, (w*batches+b)*per+i, nil))
				}
				if err := s.AppendAuditEvents(context.Background(), recs); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent AppendAuditEvents: %v", err)
	}
	got := lookupAll(t, s, acctA, model.AuditQuery{})
	if len(got) != writers*batches*per {
		t.Errorf("got %d records after concurrent appends, want %d", len(got), writers*batches*per)
	}
	seen := map[string]bool{}
	for _, r := range got {
		if seen[r.EventID] {
			t.Errorf("event %s returned twice", r.EventID)
		}
		seen[r.EventID] = true
	}
}
