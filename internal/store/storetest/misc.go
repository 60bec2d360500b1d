package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
)

func testSessions(t *testing.T, s store.Store) {
	sess := model.Session{
		Kind: model.SessionAssumedRole, AccessKeyID: "ASIAEXAMPLE000000001",
		SecretAccessKey: "session-secret", SessionToken: "session-token",
		IssuedAt: base, Expiration: base.Add(time.Hour),
		RoleARN: "arn:aws:iam::111111111111:role/exec", RoleID: "AROA00000000000000001", RoleName: "exec",
		SessionName: "alice", SourceIdentity: "alice",
		Tags:              []model.Tag{{Key: "team", Value: "ml"}},
		TransitiveTagKeys: []string{"team"},
		Policy:            docAllow("s3:GetObject"),
		PolicyARNs:        []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		OriginARN:         "arn:aws:iam::111111111111:user/alice",
		// A Studio session's context keys are part of the session: stored
		// and purged with it.
		ContextKeys: map[string][]string{"sagemaker:DomainId": {"d-1"}, "sagemaker:UserProfileName": {"alice"}},
	}
	userSess := model.Session{Kind: model.SessionUser, AccessKeyID: "ASIAEXAMPLE000000002", SecretAccessKey: "x", SessionToken: "y",
		IssuedAt: base, Expiration: base.Add(2 * time.Hour), UserName: "alice", UserID: "AIDA00000000000000001"}
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutSession(ctx, acctA, sess); err != nil {
			return err
		}
		return tx.PutSession(ctx, acctB, userSess)
	})
	want := sess
	want.AccountID = acctA
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetSession(ctx, sess.AccessKeyID)
		wantErr(t, "GetSession", err, nil)
		diff(t, "GetSession", got, want)
		if string(got.SecretAccessKey) != "session-secret" || string(got.SessionToken) != "session-token" {
			t.Errorf("session secrets not stored as given")
		}
		if got.Expired(base.Add(59*time.Minute)) || !got.Expired(base.Add(time.Hour)) {
			t.Errorf("Expired is wrong around %v", got.Expiration)
		}
		_, err = tx.GetSession(ctx, "ASIANOPE000000000000")
		wantErr(t, "GetSession missing", err, store.ErrNotFound)
		return nil
	})
	wantErr(t, "PutSession duplicate", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.PutSession(ctx, acctA, sess)
	}), store.ErrConflict)
	wantErr(t, "DeleteSession from other account", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.DeleteSession(ctx, acctB, sess.AccessKeyID)
	}), store.ErrNotFound)

	// Purging at the first expiry removes exactly the first session.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		n, err := tx.PurgeExpiredSessions(ctx, base.Add(time.Hour))
		diff(t, "purged", n, 1)
		return err
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		_, err := tx.GetSession(ctx, sess.AccessKeyID)
		wantErr(t, "purged session", err, store.ErrNotFound)
		_, err = tx.GetSession(ctx, userSess.AccessKeyID)
		wantErr(t, "live session", err, nil)
		return nil
	})
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.DeleteSession(ctx, acctB, userSess.AccessKeyID)
	})
}

func testResources(t *testing.T, s store.Store) {
	const typ = "sagemaker:notebook-instance"
	nb := model.Resource{
		Type: typ, ID: "nb-alice", ARN: "arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/nb-alice",
		Name: "nb-alice", Status: "Pending", Tags: []model.Tag{{Key: "project", Value: "p1"}},
		Document: json.RawMessage(`{"InstanceType":"ml.t3.medium"}`), CreateDate: base,
	}
	var created model.Resource
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		created, err = tx.CreateResource(ctx, acctA, nb)
		return err
	})
	want := nb
	want.Version, want.UpdateDate = 1, base
	diff(t, "CreateResource", created, want)
	wantErr(t, "CreateResource duplicate", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateResource(ctx, acctA, nb)
		return err
	}), store.ErrConflict)
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetResource(ctx, acctA, typ, "nb-alice")
		wantErr(t, "GetResource", err, nil)
		diff(t, "GetResource", got, want)
		_, err = tx.GetResource(ctx, acctA, typ, "NB-ALICE")
		wantErr(t, "GetResource is case sensitive", err, store.ErrNotFound)
		_, err = tx.GetResource(ctx, acctA, "s3:bucket", "nb-alice")
		wantErr(t, "GetResource other type", err, store.ErrNotFound)
		return nil
	})

	next := want
	next.Status = "InService"
	next.UpdateDate = base.Add(time.Minute)
	next.Document = json.RawMessage(`{"InstanceType":"ml.t3.large"}`)
	var updated model.Resource
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		updated, err = tx.UpdateResource(ctx, acctA, next)
		return err
	})
	wantUpdated := next
	wantUpdated.Version = 2
	diff(t, "UpdateResource", updated, wantUpdated)
	wantErr(t, "UpdateResource stale version", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		_, err := tx.UpdateResource(ctx, acctA, next) // still version 1
		return err
	}), store.ErrConflict)
	missing := next
	missing.ID = "nope"
	wantErr(t, "UpdateResource missing", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		_, err := tx.UpdateResource(ctx, acctA, missing)
		return err
	}), store.ErrNotFound)
	bad := updated
	bad.Document = json.RawMessage(`{not json`)
	if err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		_, err := tx.UpdateResource(ctx, acctA, bad)
		return err
	}); err == nil {
		t.Errorf("UpdateResource with invalid JSON document: no error")
	}
	wantErr(t, "DeleteResource stale version", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.DeleteResource(ctx, acctA, typ, "nb-alice", 1)
	}), store.ErrConflict)
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteResource(ctx, acctA, typ, "nb-alice", 2) })
	wantErr(t, "DeleteResource twice", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.DeleteResource(ctx, acctA, typ, "nb-alice", 0)
	}), store.ErrNotFound)

	// Globally named resources (S3 buckets) are found from any account.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.CreateResource(ctx, acctB, model.Resource{Type: "s3:bucket", ID: "my-bucket", CreateDate: base}); err != nil {
			return err
		}
		for _, a := range []model.AccountID{acctA, acctB} {
			if _, err := tx.CreateResource(ctx, a, model.Resource{Type: "t", ID: "in-both", CreateDate: base}); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		owner, err := tx.ResourceOwner(ctx, "s3:bucket", "my-bucket")
		wantErr(t, "ResourceOwner", err, nil)
		diff(t, "bucket owner", owner, acctB)
		_, err = tx.ResourceOwner(ctx, "s3:bucket", "no-bucket")
		wantErr(t, "ResourceOwner missing", err, store.ErrNotFound)
		_, err = tx.ResourceOwner(ctx, "s3:object", "my-bucket")
		wantErr(t, "ResourceOwner other type", err, store.ErrNotFound)
		_, err = tx.ResourceOwner(ctx, "t", "in-both")
		wantErr(t, "ResourceOwner held twice", err, store.ErrConflict)
		return nil
	})

	// Listing by type and ID prefix (S3 object keys are the typical use).
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, id := range []string{"b/users/alice/1", "b/users/alice/2", "b/users/alicia/1", "b/users/bob/1", "b/shared/x", "c/users/alice/1"} {
			if _, err := tx.CreateResource(ctx, acctA, model.Resource{Type: "s3:object", ID: id, CreateDate: base}); err != nil {
				return err
			}
		}
		_, err := tx.CreateResource(ctx, acctA, model.Resource{Type: "s3:bucket", ID: "b/users/alice/x", CreateDate: base})
		return err
	})
	list := func(prefix string, max int) []string {
		var out []string
		marker := ""
		for range 20 {
			var page store.Page[model.Resource]
			view(t, s, func(ctx context.Context, tx store.ReadTx) error {
				var err error
				page, err = tx.ListResources(ctx, acctA, "s3:object", store.ResourceListOptions{Prefix: prefix, Marker: marker, MaxItems: max})
				return err
			})
			for _, r := range page.Items {
				out = append(out, r.ID)
			}
			if !page.IsTruncated {
				return out
			}
			marker = page.Marker
		}
		t.Fatalf("listing %q did not end", prefix)
		return nil
	}
	diff(t, "prefix b/users/alice/", list("b/users/alice/", 1), []string{"b/users/alice/1", "b/users/alice/2"})
	diff(t, "prefix b/users/ali", list("b/users/ali", 2), []string{"b/users/alice/1", "b/users/alice/2", "b/users/alicia/1"})
	diff(t, "all", list("", 4), []string{"b/shared/x", "b/users/alice/1", "b/users/alice/2", "b/users/alicia/1", "b/users/bob/1", "c/users/alice/1"})
	diff(t, "no match", list("z", 0), []string(nil))
}

// createUsers creates users named by names, with paths by index.
func createUsers(t *testing.T, s store.Store, acct model.AccountID, names []string, path func(i int) string) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for i, n := range names {
			u := newUser(acct, n, i)
			if path != nil {
				u.Path = path(i)
			}
			if err := tx.CreateUser(ctx, acct, u); err != nil {
				return err
			}
		}
		return nil
	})
}

// pageUsers lists every user page by page and returns the names in order.
func pageUsers(t *testing.T, s store.Store, acct model.AccountID, o store.ListOptions) []string {
	t.Helper()
	var out []string
	for range 1000 {
		var page store.Page[model.User]
		view(t, s, func(ctx context.Context, tx store.ReadTx) error {
			var err error
			page, err = tx.ListUsers(ctx, acct, o)
			return err
		})
		for _, u := range page.Items {
			out = append(out, u.UserName)
		}
		if limit := o.Limit(); len(page.Items) > limit {
			t.Fatalf("page of %d items, MaxItems %d", len(page.Items), limit)
		}
		if !page.IsTruncated {
			if page.Marker != "" {
				t.Errorf("last page has marker %q", page.Marker)
			}
			return out
		}
		if page.Marker == "" {
			t.Fatal("truncated page without marker")
		}
		o.Marker = page.Marker
	}
	t.Fatal("listing did not end")
	return nil
}

func sortedFold(names []string) []string {
	out := append([]string(nil), names...)
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// testPagination: IAM lists page by Marker and MaxItems, 100 items by
// default and at most 1000, with IsTruncated telling whether more follow
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html).
func testPagination(t *testing.T, s store.Store) {
	var names []string
	for i := range 105 {
		n := fmt.Sprintf("user-%03d", i)
		if i%3 == 0 {
			n = strings.ToUpper(n)
		}
		names = append(names, n)
	}
	createUsers(t, s, acctA, names, func(i int) string {
		if i%2 == 0 {
			return "/even/"
		}
		return "/odd/deeper/"
	})
	want := sortedFold(names)
	for _, max := range []int{0, 1, 7, 50, 104, 105, 1000, 5000} {
		diff(t, fmt.Sprintf("MaxItems %d", max), pageUsers(t, s, acctA, store.ListOptions{MaxItems: max}), want)
	}
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		p, err := tx.ListUsers(ctx, acctA, store.ListOptions{})
		wantErr(t, "ListUsers default", err, nil)
		diff(t, "default page size", len(p.Items), store.DefaultMaxItems)
		diff(t, "default page truncated", p.IsTruncated, true)
		return nil
	})
	var odd []string
	for i, n := range names {
		if i%2 == 1 {
			odd = append(odd, n)
		}
	}
	diff(t, "PathPrefix /odd/", pageUsers(t, s, acctA, store.ListOptions{PathPrefix: "/odd/", MaxItems: 9}), sortedFold(odd))
	diff(t, "PathPrefix /odd/deeper/", pageUsers(t, s, acctA, store.ListOptions{PathPrefix: "/odd/deeper/", MaxItems: 9}), sortedFold(odd))
	diff(t, "PathPrefix /", pageUsers(t, s, acctA, store.ListOptions{PathPrefix: "/"}), want)
	diff(t, "PathPrefix /none/", pageUsers(t, s, acctA, store.ListOptions{PathPrefix: "/none/"}), []string(nil))
	diff(t, "other account", pageUsers(t, s, acctB, store.ListOptions{}), []string(nil))
}

// testMarkerStability: a marker keeps its place while records before and
// after it are created and deleted; no record present throughout is
// skipped or repeated.
func testMarkerStability(t *testing.T, s store.Store) {
	createUsers(t, s, acctA, []string{"b", "D", "f", "h", "J", "l"}, nil)
	var first store.Page[model.User]
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		first, err = tx.ListUsers(ctx, acctA, store.ListOptions{MaxItems: 3})
		return err
	})
	var got []string
	for _, u := range first.Items {
		got = append(got, u.UserName)
	}
	diff(t, "first page", got, []string{"b", "D", "f"})
	// Change the table around the marker: delete the last item returned
	// (the marker's own record) and one after it; add names before and
	// after.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.DeleteUser(ctx, acctA, "f"); err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, acctA, "j"); err != nil {
			return err
		}
		for i, n := range []string{"a", "E", "g", "K", "z"} {
			if err := tx.CreateUser(ctx, acctA, newUser(acctA, n, 100+i)); err != nil {
				return err
			}
		}
		return nil
	})
	rest := pageUsers(t, s, acctA, store.ListOptions{MaxItems: 2, Marker: first.Marker})
	diff(t, "after marker", rest, []string{"g", "h", "K", "l", "z"})
}

func testInvalidMarkers(t *testing.T, s store.Store) {
	createUsers(t, s, acctA, []string{"a", "b"}, nil)
	for _, m := range []string{"!!!", "not a marker", "%%%%"} {
		err := s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
			_, err := tx.ListUsers(ctx, acctA, store.ListOptions{Marker: m})
			return err
		})
		wantErr(t, "ListUsers marker "+m, err, store.ErrInvalidToken)
		err = s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
			_, err := tx.ListResources(ctx, acctA, "x", store.ResourceListOptions{Marker: m})
			return err
		})
		wantErr(t, "ListResources marker "+m, err, store.ErrInvalidToken)
		_, _, err = s.LookupAuditEvents(t.Context(), acctA, model.AuditQuery{NextToken: m})
		wantErr(t, "LookupAuditEvents token "+m, err, store.ErrInvalidToken)
	}
}

// auditRec builds an audit record; i orders the records in time.
func auditRec(acct model.AccountID, i int, mutate func(*model.AuditRecord)) model.AuditRecord {
	r := model.AuditRecord{
		EventID:     fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		EventTime:   base.Add(time.Duration(i) * time.Second),
		AccountID:   acct,
		EventName:   "DescribeNotebookInstance",
		EventSource: "sagemaker.amazonaws.com",
		Username:    "alice",
		AccessKeyID: "AKIAEXAMPLE000000001",
		ReadOnly:    true,
		Event:       []byte(fmt.Sprintf(`{"eventID":"%d"}`, i)),
	}
	if mutate != nil {
		mutate(&r)
	}
	return r
}

func eventIDs(recs []model.AuditRecord) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.EventID[len(r.EventID)-3:])
	}
	return out
}

func testAuditAppendLookup(t *testing.T, s store.Store) {
	recs := []model.AuditRecord{
		auditRec(acctA, 1, nil),
		auditRec(acctA, 3, func(r *model.AuditRecord) {
			r.EventName, r.ReadOnly, r.Denied, r.ErrorCode = "CreateNotebookInstance", false, true, "AccessDenied"
			r.SourceIdentity = "alice"
			r.Resources = []model.AuditResource{{Type: "AWS::SageMaker::NotebookInstance", Name: "arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/nb"}}
		}),
		auditRec(acctA, 2, nil),
	}
	if err := s.AppendAuditEvents(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	// Appending the same events again (a retried batch) changes nothing.
	if err := s.AppendAuditEvents(t.Context(), recs[:2]); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAuditEvents(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	got, next, err := s.LookupAuditEvents(t.Context(), acctA, model.AuditQuery{})
	wantErr(t, "LookupAuditEvents", err, nil)
	diff(t, "next token", next, "")
	diff(t, "records newest first", got, []model.AuditRecord{recs[1], recs[2], recs[0]})

	// A batch with an invalid record stores nothing.
	bad := []model.AuditRecord{auditRec(acctA, 10, nil), auditRec(acctA, 11, func(r *model.AuditRecord) { r.EventID = "" })}
	if err := s.AppendAuditEvents(t.Context(), bad); err == nil {
		t.Errorf("AppendAuditEvents with an empty EventID: no error")
	}
	got, _, err = s.LookupAuditEvents(t.Context(), acctA, model.AuditQuery{})
	wantErr(t, "LookupAuditEvents after failed batch", err, nil)
	diff(t, "records after failed batch", eventIDs(got), []string{"003", "002", "001"})
}

// testAuditFilters: every lookup attribute filters exactly; StartTime and
// EndTime are inclusive ("after or at", "before or at"),
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html.
func testAuditFilters(t *testing.T, s store.Store) {
	yes, no := true, false
	recs := []model.AuditRecord{
		auditRec(acctA, 1, nil),
		auditRec(acctA, 2, func(r *model.AuditRecord) {
			r.EventName, r.ReadOnly = "CreateRole", false
			r.EventSource = "iam.amazonaws.com"
		}),
		auditRec(acctA, 3, func(r *model.AuditRecord) {
			r.Username, r.AccessKeyID, r.SourceIdentity = "exec-session", "ASIAEXAMPLE000000001", "bob"
			r.Resources = []model.AuditResource{{Type: "AWS::S3::Object", Name: "arn:aws:s3:::b/users/bob/x"}}
		}),
		auditRec(acctA, 4, func(r *model.AuditRecord) {
			r.Denied, r.ErrorCode = true, "AccessDenied"
			r.Resources = []model.AuditResource{
				{Type: "AWS::SageMaker::NotebookInstance", Name: "nb-1"},
				{Type: "AWS::IAM::Role", Name: "arn:aws:iam::111111111111:role/exec"},
			}
		}),
		auditRec(acctA, 5, func(r *model.AuditRecord) { r.ErrorCode = "ValidationException" }),
		auditRec(acctB, 6, nil),
	}
	if err := s.AppendAuditEvents(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    model.AuditQuery
		want []string
	}{
		{"all", model.AuditQuery{}, []string{"005", "004", "003", "002", "001"}},
		{"start", model.AuditQuery{StartTime: base.Add(3 * time.Second)}, []string{"005", "004", "003"}},
		{"end", model.AuditQuery{EndTime: base.Add(2 * time.Second)}, []string{"002", "001"}},
		{"start and end inclusive", model.AuditQuery{StartTime: base.Add(2 * time.Second), EndTime: base.Add(3 * time.Second)}, []string{"003", "002"}},
		{"event ID", model.AuditQuery{EventID: recs[2].EventID}, []string{"003"}},
		{"event name", model.AuditQuery{EventName: "CreateRole"}, []string{"002"}},
		{"event source", model.AuditQuery{EventSource: "iam.amazonaws.com"}, []string{"002"}},
		{"username", model.AuditQuery{Username: "exec-session"}, []string{"003"}},
		{"access key", model.AuditQuery{AccessKeyID: "ASIAEXAMPLE000000001"}, []string{"003"}},
		{"resource type", model.AuditQuery{ResourceType: "AWS::IAM::Role"}, []string{"004"}},
		{"resource name", model.AuditQuery{ResourceName: "arn:aws:s3:::b/users/bob/x"}, []string{"003"}},
		{"read only", model.AuditQuery{ReadOnly: &yes}, []string{"005", "004", "003", "001"}},
		{"not read only", model.AuditQuery{ReadOnly: &no}, []string{"002"}},
		{"source identity", model.AuditQuery{SourceIdentity: "bob"}, []string{"003"}},
		{"error code", model.AuditQuery{ErrorCode: "AccessDenied"}, []string{"004"}},
		{"denied only", model.AuditQuery{DeniedOnly: true}, []string{"004"}},
		{"combined", model.AuditQuery{Username: "alice", ReadOnly: &yes, StartTime: base.Add(2 * time.Second)}, []string{"005", "004"}},
		{"no match", model.AuditQuery{EventName: "DeleteRole"}, nil},
		{"other account's event ID", model.AuditQuery{EventID: recs[5].EventID}, nil},
	}
	for _, tt := range tests {
		got, next, err := s.LookupAuditEvents(t.Context(), acctA, tt.q)
		wantErr(t, tt.name, err, nil)
		diff(t, tt.name, eventIDs(got), tt.want)
		diff(t, tt.name+" next token", next, "")
	}
	got, _, err := s.LookupAuditEvents(t.Context(), acctA, model.AuditQuery{ResourceType: "AWS::IAM::Role"})
	wantErr(t, "resources", err, nil)
	if len(got) == 1 {
		diff(t, "resources round trip", got[0].Resources, recs[3].Resources)
	}
}

// testAuditPagination: newest first, MaxResults 1 to 50 with 50 the
// default, and a NextToken that "must be passed in with the same
// parameters" as the call that returned it,
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html.
func testAuditPagination(t *testing.T, s store.Store) {
	// 130 events; many share a timestamp so that the (time, ID) order and
	// the token's tie-break are exercised.
	var recs []model.AuditRecord
	for i := range 130 {
		r := auditRec(acctA, i, nil)
		r.EventTime = base.Add(time.Duration(i/4) * time.Second)
		recs = append(recs, r)
	}
	// Append in several batches, out of order.
	for _, b := range [][2]int{{100, 130}, {0, 50}, {50, 100}} {
		if err := s.AppendAuditEvents(t.Context(), recs[b[0]:b[1]]); err != nil {
			t.Fatal(err)
		}
	}
	var want []string
	for i := 129; i >= 0; i-- {
		want = append(want, fmt.Sprintf("%03d", i))
	}
	for _, max := range []int{0, 1, 7, 50, 51, 1000} {
		var got []string
		q := model.AuditQuery{MaxResults: max}
		for pages := 0; ; pages++ {
			recs, next, err := s.LookupAuditEvents(t.Context(), acctA, q)
			if err != nil {
				t.Fatalf("MaxResults %d: %v", max, err)
			}
			limit := max
			if limit <= 0 || limit > store.MaxAuditResults {
				limit = store.MaxAuditResults
			}
			if len(recs) > limit {
				t.Fatalf("MaxResults %d: page of %d", max, len(recs))
			}
			got = append(got, eventIDs(recs)...)
			if next == "" {
				break
			}
			if pages > 200 {
				t.Fatal("lookup did not end")
			}
			q.NextToken = next
		}
		diff(t, fmt.Sprintf("MaxResults %d", max), got, want)
	}
	// Events appended after a page was read, newer than all, do not
	// disturb the continuation.
	_, next, err := s.LookupAuditEvents(t.Context(), acctA, model.AuditQuery{MaxResults: 10})
	wantErr(t, "page", err, nil)
	if err := s.AppendAuditEvents(t.Context(), []model.AuditRecord{auditRec(acctA, 999, nil)}); err != nil {
		t.Fatal(err)
	}
	got, _, err := s.LookupAuditEvents(t.Context(), acctA, model.AuditQuery{MaxResults: 3, NextToken: next})
	wantErr(t, "continuation", err, nil)
	diff(t, "continuation", eventIDs(got), []string{"119", "118", "117"})
	// A token is only valid with the query that produced it.
	_, _, err = s.LookupAuditEvents(t.Context(), acctA, model.AuditQuery{EventName: "CreateRole", NextToken: next})
	wantErr(t, "token with other filters", err, store.ErrInvalidToken)
	_, _, err = s.LookupAuditEvents(t.Context(), acctB, model.AuditQuery{NextToken: next})
	wantErr(t, "token in other account", err, store.ErrInvalidToken)
}

var errAbort = errors.New("abort")

func testRollback(t *testing.T, s store.Store) {
	sub := s.Subscribe()
	defer sub.Close()
	err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateUser(ctx, acctA, newUser(acctA, "alice", 1)); err != nil {
			return err
		}
		if _, err := tx.CreateResource(ctx, acctA, model.Resource{Type: "t", ID: "x", CreateDate: base}); err != nil {
			return err
		}
		// Reads inside the transaction see its own writes.
		if _, err := tx.GetUser(ctx, acctA, "ALICE"); err != nil {
			return err
		}
		return errAbort
	})
	wantErr(t, "Update returns the callback's error", err, errAbort)

	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the callback's panic", p)
			}
		}()
		_ = s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
			if err := tx.CreateUser(ctx, acctA, newUser(acctA, "bob", 2)); err != nil {
				return err
			}
			panic("boom")
		})
	}()

	// A failing operation inside the callback, whose error the callback
	// ignores, does not undo the earlier writes of a committed transaction.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateUser(ctx, acctA, newUser(acctA, "carol", 3)); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, acctA, newUser(acctA, "CAROL", 4)); !errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("duplicate inside transaction: %v", err)
		}
		return nil
	})

	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		users, err := tx.ListUsers(ctx, acctA, store.ListOptions{})
		var names []string
		for _, u := range users.Items {
			names = append(names, u.UserName)
		}
		diff(t, "users after rollbacks", names, []string{"carol"})
		_, err2 := tx.GetResource(ctx, acctA, "t", "x")
		wantErr(t, "resource of rolled-back transaction", err2, store.ErrNotFound)
		return err
	})

	// Only the committed transaction is announced.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	changes, err := sub.Next(ctx)
	wantErr(t, "Next", err, nil)
	diff(t, "announced", changes, []store.Change{{Account: acctA, Kind: store.ChangeUser, Name: "carol"}})

	// A transaction handle is dead once its callback returned.
	var leaked store.Tx
	update(t, s, func(ctx context.Context, tx store.Tx) error { leaked = tx; return nil })
	if err := leaked.CreateUser(t.Context(), acctA, newUser(acctA, "late", 5)); err == nil {
		t.Errorf("write through a finished transaction: no error")
	}
	if _, err := leaked.GetUser(t.Context(), acctA, "carol"); err == nil {
		t.Errorf("read through a finished transaction: no error")
	}
}

func testReadOnlyView(t *testing.T, s store.Store) {
	err := s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
		w, ok := tx.(store.Tx)
		if !ok {
			return nil // cannot write at all: fine
		}
		return w.CreateUser(ctx, acctA, newUser(acctA, "sneaky", 1))
	})
	if err != nil {
		t.Logf("write in View refused: %v", err)
	}
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		_, err := tx.GetUser(ctx, acctA, "sneaky")
		wantErr(t, "user written in View", err, store.ErrNotFound)
		return nil
	})
}
