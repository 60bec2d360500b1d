package cloudtrail_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/audit"
	"abacus/internal/audit/audittest"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/cloudtrail"
)

const (
	acct  = model.AccountID("123456789012")
	other = model.AccountID("210987654321")
)

var base = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// seed stores six events of acct and one of another account:
//
//	0 alice  iam GetRole          read-only
//	1 alice  iam CreateRole       AWS::IAM::Role arn:aws:iam::123456789012:role/R
//	2 bob    sagemaker CreateTrainingJob (role session, denied)
//	3 root   iam ListUsers        read-only
//	4 alice  iam DeleteRole       AWS::IAM::Role arn:aws:iam::123456789012:role/R
//	5 bob    sagemaker DescribeTrainingJob read-only
func seed(t testing.TB) (*audittest.Memory, []audit.Event) {
	t.Helper()
	alice := &model.Principal{Type: model.PrincipalIAMUser, AccountID: acct, ARN: "arn:aws:iam::123456789012:user/alice", ID: "AIDAALICE", UserName: "alice", AccessKeyID: "AKIAALICE"}
	bob := &model.Principal{
		Type: model.PrincipalAssumedRole, AccountID: acct, ARN: "arn:aws:sts::123456789012:assumed-role/Studio/bob",
		ID: "AROASTUDIO:bob", AccessKeyID: "ASIABOB", Temporary: true,
		Session: &model.RoleSession{RoleName: "Studio", RoleARN: "arn:aws:iam::123456789012:role/Studio", RoleID: "AROASTUDIO", Name: "bob", SourceIdentity: "bob"},
	}
	root := &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: "123456789012", AccessKeyID: "AKIAROOT"}
	roleR := []audit.Resource{{ARN: "arn:aws:iam::123456789012:role/R", Type: "AWS::IAM::Role"}}
	calls := []struct {
		p       *model.Principal
		service string
		name    string
		ro      bool
		res     []audit.Resource
		denied  bool
	}{
		{alice, "iam", "GetRole", true, nil, false},
		{alice, "iam", "CreateRole", false, roleR, false},
		{bob, "sagemaker", "CreateTrainingJob", false, nil, true},
		{root, "iam", "ListUsers", true, nil, false},
		{alice, "iam", "DeleteRole", false, roleR, false},
		{bob, "sagemaker", "DescribeTrainingJob", true, nil, false},
	}
	mem := audittest.NewMemory()
	b := audit.Builder{}
	var evs []audit.Event
	var recs []model.AuditRecord
	for i, c := range calls {
		d := audit.Details{EventName: c.name, ReadOnly: c.ro, Resources: c.res, Decision: audit.Decision{Decision: audit.DecisionAllow}}
		if c.denied {
			d.Err = apierr.New(400, "AccessDeniedException", "denied")
			d.Decision.Decision = audit.DecisionImplicitDeny
		}
		ev, err := b.Event(&op.Call{Account: acct, Region: "us-east-1", Principal: c.p, Now: base.Add(time.Duration(i) * time.Minute), Service: c.service}, d)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := ev.Record()
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
		recs = append(recs, rec)
	}
	otherEv, _ := b.Event(&op.Call{Account: other, Now: base, Service: "iam", Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: other}}, audit.Details{EventName: "GetRole"})
	otherRec, _ := otherEv.Record()
	recs = append(recs, otherRec)
	if err := mem.AppendAuditEvents(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	return mem, evs
}

func names(out *cloudtrail.LookupEventsOutput) []string {
	var n []string
	for _, e := range out.Events {
		n = append(n, e.EventName)
	}
	return n
}

func TestLookupEventsFilters(t *testing.T) {
	t.Parallel()
	mem, evs := seed(t)
	svc := cloudtrail.New(mem)
	attr := func(k, v string) []cloudtrail.LookupAttribute {
		return []cloudtrail.LookupAttribute{{AttributeKey: k, AttributeValue: v}}
	}
	tests := []struct {
		name string
		in   cloudtrail.LookupEventsInput
		want []string
	}{
		{"all, newest first", cloudtrail.LookupEventsInput{}, []string{"DescribeTrainingJob", "DeleteRole", "ListUsers", "CreateTrainingJob", "CreateRole", "GetRole"}},
		{"EventId", cloudtrail.LookupEventsInput{LookupAttributes: attr("EventId", evs[3].EventID)}, []string{"ListUsers"}},
		{"EventName", cloudtrail.LookupEventsInput{LookupAttributes: attr("EventName", "CreateRole")}, []string{"CreateRole"}},
		{"Username of a user", cloudtrail.LookupEventsInput{LookupAttributes: attr("Username", "alice")}, []string{"DeleteRole", "CreateRole", "GetRole"}},
		{"Username of a role session", cloudtrail.LookupEventsInput{LookupAttributes: attr("Username", "bob")}, []string{"DescribeTrainingJob", "CreateTrainingJob"}},
		{"Username root", cloudtrail.LookupEventsInput{LookupAttributes: attr("Username", "root")}, []string{"ListUsers"}},
		{"EventSource", cloudtrail.LookupEventsInput{LookupAttributes: attr("EventSource", "sagemaker.amazonaws.com")}, []string{"DescribeTrainingJob", "CreateTrainingJob"}},
		{"AccessKeyId", cloudtrail.LookupEventsInput{LookupAttributes: attr("AccessKeyId", "AKIAROOT")}, []string{"ListUsers"}},
		{"ReadOnly true", cloudtrail.LookupEventsInput{LookupAttributes: attr("ReadOnly", "true")}, []string{"DescribeTrainingJob", "ListUsers", "GetRole"}},
		{"ReadOnly False", cloudtrail.LookupEventsInput{LookupAttributes: attr("ReadOnly", "False")}, []string{"DeleteRole", "CreateTrainingJob", "CreateRole"}},
		{"ResourceType", cloudtrail.LookupEventsInput{LookupAttributes: attr("ResourceType", "AWS::IAM::Role")}, []string{"DeleteRole", "CreateRole"}},
		{"ResourceName", cloudtrail.LookupEventsInput{LookupAttributes: attr("ResourceName", "arn:aws:iam::123456789012:role/R")}, []string{"DeleteRole", "CreateRole"}},
		{"time range, inclusive", cloudtrail.LookupEventsInput{StartTime: ptr(base.Add(time.Minute)), EndTime: ptr(base.Add(3 * time.Minute))}, []string{"ListUsers", "CreateTrainingJob", "CreateRole"}},
		{"attribute and time range", cloudtrail.LookupEventsInput{LookupAttributes: attr("Username", "alice"), StartTime: ptr(base.Add(time.Minute))}, []string{"DeleteRole", "CreateRole"}},
		{"insight category: abacus has none", cloudtrail.LookupEventsInput{EventCategory: ptr("insight")}, nil},
		{"no match", cloudtrail.LookupEventsInput{LookupAttributes: attr("EventName", "Nope")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := svc.LookupEvents(context.Background(), acct, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if out.Events == nil {
				t.Error("Events is nil; it must be sent as [] when empty")
			}
			if diff := cmp.Diff(tt.want, names(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLookupEventsOutputFields(t *testing.T) {
	t.Parallel()
	mem, evs := seed(t)
	out, err := cloudtrail.New(mem).LookupEvents(context.Background(), acct, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cloudtrail.LookupAttribute{{AttributeKey: "EventName", AttributeValue: "CreateRole"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 {
		t.Fatalf("got %d events", len(out.Events))
	}
	got := out.Events[0]
	wantJSON, _ := json.Marshal(evs[1])
	want := cloudtrail.Event{
		EventId: evs[1].EventID, EventName: "CreateRole", ReadOnly: "false", AccessKeyId: "AKIAALICE",
		EventTime: base.Add(time.Minute), EventSource: "iam.amazonaws.com", Username: "alice",
		Resources:       []cloudtrail.Resource{{ResourceType: "AWS::IAM::Role", ResourceName: "arn:aws:iam::123456789012:role/R"}},
		CloudTrailEvent: string(wantJSON),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if out.NextToken != "" {
		t.Errorf("NextToken = %q on the last page", out.NextToken)
	}
}

func TestLookupEventsTenantIsolation(t *testing.T) {
	t.Parallel()
	mem, _ := seed(t)
	out, err := cloudtrail.New(mem).LookupEvents(context.Background(), other, &cloudtrail.LookupEventsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 {
		t.Errorf("account %s sees %d events, want its own 1", other, len(out.Events))
	}
}

func TestLookupEventsPagination(t *testing.T) {
	t.Parallel()
	mem, _ := seed(t)
	svc := cloudtrail.New(mem)
	ctx := context.Background()
	in := cloudtrail.LookupEventsInput{MaxResults: ptr(int32(4))}
	page1, err := svc.LookupEvents(ctx, acct, &in)
	if err != nil {
		t.Fatal(err)
	}
	if len(page1.Events) != 4 || page1.NextToken == "" {
		t.Fatalf("page 1: %d events, token %q; want 4 and a token", len(page1.Events), page1.NextToken)
	}
	// MaxResults may change between pages; the filters may not.
	in.MaxResults = ptr(int32(50))
	in.NextToken = &page1.NextToken
	page2, err := svc.LookupEvents(ctx, acct, &in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"CreateRole", "GetRole"}, names(page2)); diff != "" {
		t.Errorf("page 2 (-want +got):\n%s", diff)
	}
	if page2.NextToken != "" {
		t.Errorf("page 2 has a NextToken")
	}

	changed := cloudtrail.LookupEventsInput{
		NextToken:        &page1.NextToken,
		LookupAttributes: []cloudtrail.LookupAttribute{{AttributeKey: "Username", AttributeValue: "alice"}},
	}
	_, err = svc.LookupEvents(ctx, acct, &changed)
	wantCode(t, err, "InvalidNextTokenException")
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae *apierr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want an *apierr.Error %s", err, code)
	}
	if ae.Code != code || ae.HTTPStatus != 400 || ae.Fault != apierr.Sender {
		t.Errorf("error = %s (status %d, fault %v), want %s, 400, Sender", ae.Code, ae.HTTPStatus, ae.Fault, code)
	}
	if ae.Message == "" {
		t.Errorf("%s has no message", code)
	}
}

// TestLookupEventsValidation encodes the request rules of the LookupEvents
// API reference
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html):
// "Currently the list can contain only one item", AttributeValue of 1 to
// 2000 characters, MaxResults "Possible values are 1 through 50", a start
// time after the end time "an error is returned", EventCategory "insight".
func TestLookupEventsValidation(t *testing.T) {
	t.Parallel()
	mem, _ := seed(t)
	svc := cloudtrail.New(mem)
	two := []cloudtrail.LookupAttribute{{AttributeKey: "Username", AttributeValue: "alice"}, {AttributeKey: "EventName", AttributeValue: "GetRole"}}
	tests := []struct {
		name string
		in   cloudtrail.LookupEventsInput
		code string
	}{
		{"two lookup attributes", cloudtrail.LookupEventsInput{LookupAttributes: two}, "InvalidLookupAttributesException"},
		{"unknown key", cloudtrail.LookupEventsInput{LookupAttributes: []cloudtrail.LookupAttribute{{AttributeKey: "SourceIdentity", AttributeValue: "bob"}}}, "InvalidLookupAttributesException"},
		{"key is case-sensitive", cloudtrail.LookupEventsInput{LookupAttributes: []cloudtrail.LookupAttribute{{AttributeKey: "username", AttributeValue: "bob"}}}, "InvalidLookupAttributesException"},
		{"empty value", cloudtrail.LookupEventsInput{LookupAttributes: []cloudtrail.LookupAttribute{{AttributeKey: "Username"}}}, "InvalidLookupAttributesException"},
		{"value too long", cloudtrail.LookupEventsInput{LookupAttributes: []cloudtrail.LookupAttribute{{AttributeKey: "Username", AttributeValue: strings.Repeat("a", 2001)}}}, "InvalidLookupAttributesException"},
		{"ReadOnly not a boolean", cloudtrail.LookupEventsInput{LookupAttributes: []cloudtrail.LookupAttribute{{AttributeKey: "ReadOnly", AttributeValue: "yes"}}}, "InvalidLookupAttributesException"},
		{"start after end", cloudtrail.LookupEventsInput{StartTime: ptr(base.Add(time.Second)), EndTime: ptr(base)}, "InvalidTimeRangeException"},
		{"MaxResults 0", cloudtrail.LookupEventsInput{MaxResults: ptr(int32(0))}, "InvalidMaxResultsException"},
		{"MaxResults 51", cloudtrail.LookupEventsInput{MaxResults: ptr(int32(51))}, "InvalidMaxResultsException"},
		{"MaxResults negative", cloudtrail.LookupEventsInput{MaxResults: ptr(int32(-1))}, "InvalidMaxResultsException"},
		{"garbage token", cloudtrail.LookupEventsInput{NextToken: ptr("garbage!")}, "InvalidNextTokenException"},
		{"base64 but not ours", cloudtrail.LookupEventsInput{NextToken: ptr("e30")}, "InvalidNextTokenException"},
		{"event category", cloudtrail.LookupEventsInput{EventCategory: ptr("Management")}, "InvalidEventCategoryException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := svc.LookupEvents(context.Background(), acct, &tt.in)
			if out != nil {
				t.Errorf("output %+v alongside an error", out)
			}
			wantCode(t, err, tt.code)
		})
	}
	// Boundaries that are valid.
	for _, in := range []cloudtrail.LookupEventsInput{
		{MaxResults: ptr(int32(1))},
		{MaxResults: ptr(int32(50))},
		{StartTime: ptr(base), EndTime: ptr(base)},
		{LookupAttributes: []cloudtrail.LookupAttribute{{AttributeKey: "Username", AttributeValue: strings.Repeat("a", 2000)}}},
	} {
		if _, err := svc.LookupEvents(context.Background(), acct, &in); err != nil {
			t.Errorf("LookupEvents(%+v) = %v, want no error", in, err)
		}
	}
}

func TestLookupEventsStoreError(t *testing.T) {
	t.Parallel()
	errDown := errors.New("database is locked")
	svc := cloudtrail.New(lookupFunc(func(context.Context, model.AccountID, model.AuditQuery) ([]model.AuditRecord, string, error) {
		return nil, "", errDown
	}))
	_, err := svc.LookupEvents(context.Background(), acct, &cloudtrail.LookupEventsInput{})
	if !errors.Is(err, errDown) {
		t.Fatalf("error = %v, want it to wrap the store's error", err)
	}
	if got := apierr.From(err); got.Code != apierr.CodeInternalFailure || strings.Contains(got.Message, "locked") {
		t.Errorf("wire error = %s %q, want a generic InternalFailure", got.Code, got.Message)
	}
}

type lookupFunc func(context.Context, model.AccountID, model.AuditQuery) ([]model.AuditRecord, string, error)

func (f lookupFunc) LookupAuditEvents(ctx context.Context, a model.AccountID, q model.AuditQuery) ([]model.AuditRecord, string, error) {
	return f(ctx, a, q)
}

func TestRegister(t *testing.T) {
	t.Parallel()
	mem, _ := seed(t)
	var reg op.Registry
	cloudtrail.Register(&reg, cloudtrail.New(mem))
	e, ok := reg.Lookup("cloudtrail", "LookupEvents")
	if !ok {
		t.Fatal("LookupEvents is not registered")
	}
	if !e.ReadOnly() {
		t.Error("LookupEvents is not read-only")
	}
	c := &op.Call{Account: acct, Now: base}
	in := e.NewInput().(*cloudtrail.LookupEventsInput)
	in.MaxResults = ptr(int32(2))
	checks, err := e.Authorize(context.Background(), c, in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]op.Check{{Action: "cloudtrail:LookupEvents", Resource: "*"}}, checks); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	out, err := e.Handle(context.Background(), c, in)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.(*cloudtrail.LookupEventsOutput).Events); n != 2 {
		t.Errorf("Handle returned %d events, want 2", n)
	}
}
