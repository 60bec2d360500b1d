package audit_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/audit"
	"abacus/internal/model"
	"abacus/internal/op"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// zeroRand is a deterministic randomness source for event IDs.
type zeroRand struct{ n byte }

func (z *zeroRand) Read(b []byte) (int, error) {
	for i := range b {
		z.n++
		b[i] = z.n
	}
	return len(b), nil
}

var t0 = time.Date(2024, 1, 2, 3, 4, 5, 678_000_000, time.UTC)

const acct = model.AccountID("123456789012")

func rootPrincipal() *model.Principal {
	return &model.Principal{
		Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root",
		ID: "123456789012", AccessKeyID: "AKIAROOTROOTROOTROOT",
	}
}

func userPrincipal() *model.Principal {
	return &model.Principal{
		Type: model.PrincipalIAMUser, AccountID: acct, ARN: "arn:aws:iam::123456789012:user/alice",
		ID: "AIDAALICEALICEALICE12", UserName: "alice", AccessKeyID: "AKIAALICEALICEALICE1",
	}
}

func rolePrincipal() *model.Principal {
	return &model.Principal{
		Type: model.PrincipalAssumedRole, AccountID: acct,
		ARN:         "arn:aws:sts::123456789012:assumed-role/StudioExecution/bob-session",
		ID:          "AROASTUDIOSTUDIOSTUD1:bob-session",
		AccessKeyID: "ASIABOBBOBBOBBOBBOB1", Temporary: true,
		IssuedAt: time.Date(2024, 1, 2, 2, 0, 0, 0, time.UTC),
		Session: &model.RoleSession{
			RoleName: "StudioExecution", RoleARN: "arn:aws:iam::123456789012:role/StudioExecution",
			RoleID: "AROASTUDIOSTUDIOSTUD1", Name: "bob-session", SourceIdentity: "bob",
		},
	}
}

func call(p *model.Principal, service string) *op.Call {
	return &op.Call{
		Account: acct, Region: "us-east-1", Principal: p, RequestID: "req-1",
		SourceIP: "127.0.0.1", UserAgent: "aws-cli/2.15.0", Now: t0, Service: service,
	}
}

type createRoleInput struct {
	RoleName                 string
	AssumeRolePolicyDocument string
	Description              *string
	Tags                     []tag
}

type tag struct{ Key, Value string }

type role struct {
	RoleName, RoleId, Arn string
	CreateDate            time.Time
}

type createRoleOutput struct{ Role role }

type createAccessKeyInput struct{ UserName *string }

type accessKey struct {
	UserName, AccessKeyId, Status string
	SecretAccessKey               model.Secret
	CreateDate                    time.Time
}

type createAccessKeyOutput struct{ AccessKey accessKey }

type createTrainingJobInput struct {
	TrainingJobName string
	RoleArn         string
}

func ptr[T any](v T) *T { return &v }

// TestBuilderEventGolden pins the whole CloudTrail record for each kind of
// caller. Record contents:
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
// userIdentity (sessionContext.sessionIssuer, attributes, sourceIdentity):
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
func TestBuilderEventGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call *op.Call
		d    audit.Details
	}{
		{
			name: "root_create_role",
			call: call(rootPrincipal(), "iam"),
			d: audit.Details{
				EventName: "CreateRole",
				Request: &createRoleInput{
					RoleName:                 "StudioExecution",
					AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
					Tags:                     []tag{{"team", "ml"}},
				},
				Response: &createRoleOutput{Role: role{
					RoleName: "StudioExecution", RoleId: "AROASTUDIOSTUDIOSTUD1",
					Arn: "arn:aws:iam::123456789012:role/StudioExecution", CreateDate: t0,
				}},
				Decision:  audit.Decision{Decision: audit.DecisionAllow, Explanation: "the account root is allowed every action"},
				Resources: []audit.Resource{{ARN: "arn:aws:iam::123456789012:role/StudioExecution", AccountID: "123456789012", Type: "AWS::IAM::Role"}},
			},
		},
		{
			name: "user_create_access_key",
			call: call(userPrincipal(), "iam"),
			d: audit.Details{
				EventName: "CreateAccessKey",
				Request:   &createAccessKeyInput{},
				Response: &createAccessKeyOutput{AccessKey: accessKey{
					UserName: "alice", AccessKeyId: "AKIANEWNEWNEWNEWNEW1", Status: "Active",
					SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", CreateDate: t0,
				}},
				Decision: audit.Decision{
					Decision:          audit.DecisionAllow,
					MatchedStatements: []audit.Statement{{Policy: "arn:aws:iam::123456789012:policy/SelfService", Sid: "OwnKeys", Effect: "Allow"}},
				},
			},
		},
		{
			name: "role_session_denied",
			call: call(rolePrincipal(), "sagemaker"),
			d: audit.Details{
				EventName: "CreateTrainingJob",
				Request:   &createTrainingJobInput{TrainingJobName: "job-1", RoleArn: "arn:aws:iam::123456789012:role/StudioExecution"},
				Err: apierr.New(400, "AccessDeniedException",
					"User: arn:aws:sts::123456789012:assumed-role/StudioExecution/bob-session is not authorized to perform: sagemaker:CreateTrainingJob on resource: arn:aws:sagemaker:us-east-1:123456789012:training-job/job-1 with an explicit deny in an identity-based policy"),
				Decision: audit.Decision{
					Decision:          audit.DecisionExplicitDeny,
					MatchedStatements: []audit.Statement{{Policy: "arn:aws:iam::123456789012:policy/Guardrail", Sid: "DenyBigInstances", Index: 1, Effect: "Deny"}},
					Explanation:       "explicit deny by Guardrail/DenyBigInstances: sagemaker:InstanceTypes ml.p4d.24xlarge is not in [ml.m5.large]",
				},
			},
		},
		{
			name: "unknown_caller",
			call: call(nil, "sts"),
			d: audit.Details{
				EventName: "GetCallerIdentity",
				ReadOnly:  true,
				Err:       apierr.New(403, "InvalidClientTokenId", "The security token included in the request is invalid."),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := audit.Builder{IDs: model.IDGenerator{Rand: &zeroRand{}}}
			ev, err := b.Event(tt.call, tt.d)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(ev, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", tt.name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("event JSON mismatch (-want +got):\n%s", diff)
			}
			// The record must round-trip through its JSON.
			var back audit.Event
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatal(err)
			}
			again, err := json.MarshalIndent(back, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(got), string(again)+"\n"); diff != "" {
				t.Errorf("round trip changed the event (-first +second):\n%s", diff)
			}
		})
	}
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		p                  *model.Principal
		wantType, wantUser string
		wantSourceIdentity string
		wantIssuer         *audit.SessionIssuer
	}{
		{name: "root", p: rootPrincipal(), wantType: "Root", wantUser: "root"},
		{name: "user", p: userPrincipal(), wantType: "IAMUser", wantUser: "alice"},
		{
			name: "role session", p: rolePrincipal(), wantType: "AssumedRole", wantUser: "bob-session",
			wantSourceIdentity: "bob",
			wantIssuer: &audit.SessionIssuer{
				Type: "Role", PrincipalID: "AROASTUDIOSTUDIOSTUD1",
				ARN: "arn:aws:iam::123456789012:role/StudioExecution", AccountID: "123456789012", UserName: "StudioExecution",
			},
		},
		{name: "unknown", p: nil, wantType: "Unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := audit.Identity(tt.p)
			if u.Type != tt.wantType || u.Username() != tt.wantUser || u.SourceIdentity() != tt.wantSourceIdentity {
				t.Errorf("Identity = type %q user %q source identity %q; want %q %q %q",
					u.Type, u.Username(), u.SourceIdentity(), tt.wantType, tt.wantUser, tt.wantSourceIdentity)
			}
			var issuer *audit.SessionIssuer
			if u.SessionContext != nil {
				issuer = u.SessionContext.SessionIssuer
			}
			if diff := cmp.Diff(tt.wantIssuer, issuer); diff != "" {
				t.Errorf("sessionIssuer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventRecord(t *testing.T) {
	t.Parallel()
	b := audit.Builder{IDs: model.IDGenerator{Rand: &zeroRand{}}}
	ev, err := b.Event(call(rolePrincipal(), "sagemaker"), audit.Details{
		EventName: "CreateTrainingJob",
		// HTML-sensitive characters are escaped as json.Marshal escapes them.
		Err:       apierr.New(400, "AccessDeniedException", "denied: <a & b>"),
		Decision:  audit.Decision{Decision: audit.DecisionImplicitDeny},
		Resources: []audit.Resource{{ARN: "arn:aws:sagemaker:us-east-1:123456789012:training-job/job-1", Type: "AWS::SageMaker::TrainingJob"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ev.Record()
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(ev)
	want := model.AuditRecord{
		EventID:        ev.EventID,
		EventTime:      time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		AccountID:      acct,
		EventName:      "CreateTrainingJob",
		EventSource:    "sagemaker.amazonaws.com",
		Username:       "bob-session",
		AccessKeyID:    "ASIABOBBOBBOBBOBBOB1",
		SourceIdentity: "bob",
		ErrorCode:      "AccessDeniedException",
		Denied:         true,
		Resources:      []model.AuditResource{{Type: "AWS::SageMaker::TrainingJob", Name: "arn:aws:sagemaker:us-east-1:123456789012:training-job/job-1"}},
		Event:          wantJSON,
	}
	if diff := cmp.Diff(want, rec); diff != "" {
		t.Errorf("Record (-want +got):\n%s", diff)
	}
	if len(ev.EventID) != 36 {
		t.Errorf("EventID %q is not a UUID", ev.EventID)
	}
}

func TestRecordDenied(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		decision string
		code     string
		want     bool
	}{
		{"allow", audit.DecisionAllow, "", false},
		{"explicit deny", audit.DecisionExplicitDeny, "AccessDenied", true},
		{"implicit deny", audit.DecisionImplicitDeny, "AccessDeniedException", true},
		{"soft mode deny without error", audit.DecisionImplicitDeny, "", true},
		{"denied inside the operation", audit.DecisionAllow, "AccessDenied", true},
		{"other error", audit.DecisionAllow, "NoSuchEntity", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := audit.Event{EventID: "e", ErrorCode: tt.code, Decision: &audit.Decision{Decision: tt.decision}}
			rec, err := ev.Record()
			if err != nil {
				t.Fatal(err)
			}
			if rec.Denied != tt.want {
				t.Errorf("Denied = %v, want %v", rec.Denied, tt.want)
			}
		})
	}
}

func TestEventJSONFields(t *testing.T) {
	t.Parallel()
	ev, err := audit.NewEvent(call(userPrincipal(), "iam"), audit.Details{EventName: "ListRoles", ReadOnly: true, Response: &createRoleOutput{}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ev)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"eventVersion": "1.09", "eventTime": "2024-01-02T03:04:05Z", "eventSource": "iam.amazonaws.com",
		"eventType": "AwsApiCall", "eventCategory": "Management", "managementEvent": true,
		"recipientAccountId": "123456789012", "readOnly": true, "requestParameters": nil, "responseElements": nil,
	}
	for k, v := range want {
		got, ok := m[k]
		if !ok {
			t.Errorf("field %s missing", k)
			continue
		}
		if !cmp.Equal(got, v) {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
	for _, k := range []string{"tlsDetails", "sessionCredentialFromConsole", "errorCode", "additionalEventData"} {
		if _, ok := m[k]; ok {
			t.Errorf("field %s present, want it omitted", k)
		}
	}
	if bytes.Contains(b, []byte(`"sessionContext"`)) {
		t.Errorf("long-term user credentials must not carry a sessionContext: %s", b)
	}
}

func TestRecordBoundsEventSize(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", audit.MaxEventSize)
	ev := audit.Event{
		EventID: "e", EventName: "PutRolePolicy", EventTime: t0,
		RequestParameters: map[string]any{"policyDocument": huge},
		ResponseElements:  nil,
		Decision:          &audit.Decision{Decision: audit.DecisionAllow},
	}
	rec, err := ev.Record()
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Event) > audit.MaxEventSize {
		t.Fatalf("stored event is %d bytes, more than %d", len(rec.Event), audit.MaxEventSize)
	}
	var back audit.Event
	if err := json.Unmarshal(rec.Event, &back); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"abacusOmitted": fmt.Sprintf("%d bytes exceed the event size limit", len(huge)+len(`{"policyDocument":""}`))}
	if diff := cmp.Diff(want, back.RequestParameters); diff != "" {
		t.Errorf("requestParameters (-want +got):\n%s", diff)
	}
	if back.ResponseElements != nil || back.EventName != "PutRolePolicy" || back.Decision == nil {
		t.Errorf("other fields changed: %+v", back)
	}
}

func TestServiceAndInvokedBy(t *testing.T) {
	t.Parallel()
	b := audit.Builder{IDs: model.IDGenerator{Rand: &zeroRand{}}}
	ev, err := b.Event(call(nil, "sts"), audit.Details{EventName: "AssumeRole", ReadOnly: true, Service: "sagemaker.amazonaws.com"})
	if err != nil {
		t.Fatal(err)
	}
	want := audit.UserIdentity{Type: "AWSService", InvokedBy: "sagemaker.amazonaws.com"}
	if diff := cmp.Diff(want, ev.UserIdentity); diff != "" {
		t.Errorf("service call identity (-want +got):\n%s", diff)
	}
	if u := ev.UserIdentity.Username(); u != "sagemaker.amazonaws.com" {
		t.Errorf("Username() = %q, want the service principal", u)
	}
	ev, err = b.Event(call(userPrincipal(), "s3"), audit.Details{EventName: "GetObject", ReadOnly: true, InvokedBy: "sagemaker.amazonaws.com"})
	if err != nil {
		t.Fatal(err)
	}
	if ev.UserIdentity.Type != "IAMUser" || ev.UserIdentity.UserName != "alice" || ev.UserIdentity.InvokedBy != "sagemaker.amazonaws.com" {
		t.Errorf("forwarded call identity = %+v, want alice with invokedBy sagemaker.amazonaws.com", ev.UserIdentity)
	}
}

func TestMatchedStatementsDeduplicated(t *testing.T) {
	t.Parallel()
	a := audit.Statement{Policy: "arn:aws:iam::123456789012:role/Studio", Effect: "Allow", Action: "sts:AssumeRole"}
	b := audit.Statement{Policy: "user/alice/a", Effect: "Allow", Action: "sts:AssumeRole"}
	c := audit.Statement{Policy: "user/alice/a", Effect: "Allow", Action: "sts:SetSourceIdentity"}
	ev, err := audit.NewEvent(call(userPrincipal(), "sts"), audit.Details{
		EventName: "AssumeRole",
		Decision:  audit.Decision{Decision: audit.DecisionAllow, MatchedStatements: []audit.Statement{a, b, a, b, c, c}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]audit.Statement{a, b, c}, ev.Decision.MatchedStatements); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
