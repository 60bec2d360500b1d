package audit_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/audit"
	"abacus/internal/model"
)

const secret = "s3cr3t-VALUE-never-in-audit"

type credentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

type assumeRoleInput struct {
	RoleArn         string
	RoleSessionName string
	SourceIdentity  *string
	Policy          *string
	DurationSeconds *int32
}

type assumeRoleOutput struct {
	Credentials    *credentials
	SourceIdentity *string
}

type createSecretInput struct {
	Name         string
	SecretString *string
	SecretBinary []byte
	Tags         []tag
}

type getSecretValueOutput struct {
	ARN, Name    string
	SecretString *string
}

type loginProfileInput struct {
	UserName              string
	Password              string
	PasswordResetRequired bool
}

type typedSecrets struct {
	Name  string
	Key   model.Secret
	Token model.SecretKey
}

type Common struct{ ClientToken string }

type tagged struct {
	Common
	Renamed  string `aws:"DBInstanceIdentifier"`
	Hidden   string `aws:"-"`
	Empty    string `aws:",omitempty"`
	Labels   map[string]string
	Body     *bytes.Reader
	unexport string
}

func TestRedact(t *testing.T) {
	t.Parallel()
	sec := secret
	tests := []struct {
		name     string
		source   string
		op       string
		readOnly bool
		in, out  any
		wantReq  any
		wantResp any
	}{
		{
			// CloudTrail records AssumeRole's credentials without the
			// secret key; abacus also drops the session token, which is a
			// bearer credential.
			name: "AssumeRole keeps the access key ID and policy, drops secret and token", source: "sts.amazonaws.com", op: "AssumeRole", readOnly: true,
			in: &assumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/R", RoleSessionName: "s", SourceIdentity: ptr("bob"), Policy: ptr(`{"Version":"2012-10-17"}`)},
			out: &assumeRoleOutput{
				Credentials:    &credentials{AccessKeyId: "ASIAX", SecretAccessKey: secret, SessionToken: secret, Expiration: t0},
				SourceIdentity: ptr("bob"),
			},
			wantReq: map[string]any{"roleArn": "arn:aws:iam::123456789012:role/R", "roleSessionName": "s", "sourceIdentity": "bob", "policy": `{"Version":"2012-10-17"}`},
			wantResp: map[string]any{
				"credentials":    map[string]any{"accessKeyId": "ASIAX", "expiration": "2024-01-02T03:04:05Z"},
				"sourceIdentity": "bob",
			},
		},
		{
			name: "CreateSecret drops SecretString and SecretBinary", source: "secretsmanager.amazonaws.com", op: "CreateSecret",
			in:      &createSecretInput{Name: "user-secrets/bob/db", SecretString: &sec, SecretBinary: []byte(secret), Tags: []tag{{"owner", "bob"}}},
			wantReq: map[string]any{"name": "user-secrets/bob/db", "tags": []any{map[string]any{"key": "owner", "value": "bob"}}},
		},
		{
			name: "GetSecretValue records null responseElements", source: "secretsmanager.amazonaws.com", op: "GetSecretValue", readOnly: false,
			in:      &struct{ SecretId string }{"user-secrets/bob/db"},
			out:     &getSecretValueOutput{ARN: "arn", Name: "n", SecretString: &sec},
			wantReq: map[string]any{"secretId": "user-secrets/bob/db"},
		},
		{
			name: "read-only calls record null responseElements", source: "iam.amazonaws.com", op: "GetRole", readOnly: true,
			in:      &struct{ RoleName string }{"R"},
			out:     &createRoleOutput{Role: role{RoleName: "R"}},
			wantReq: map[string]any{"roleName": "R"},
		},
		{
			name: "CreateLoginProfile drops the password", source: "iam.amazonaws.com", op: "CreateLoginProfile",
			in:      &loginProfileInput{UserName: "alice", Password: secret, PasswordResetRequired: true},
			wantReq: map[string]any{"userName": "alice", "passwordResetRequired": true},
		},
		{
			name: "suffixes: other spellings of passwords and customer keys", source: "x.amazonaws.com", op: "X",
			in: &struct {
				Bucket, Key                              string
				SSECustomerKey, CopySourceSSECustomerKey *string
				KerberosAttributes                       struct{ Realm, KdcAdminPassword, ADDomainJoinPassword string }
				MasterUserPassword                       string
				NextToken                                string
			}{"b", "k", &sec, &sec, struct{ Realm, KdcAdminPassword, ADDomainJoinPassword string }{"EC2.INTERNAL", secret, secret}, secret, "page-2"},
			wantReq: map[string]any{"bucket": "b", "key": "k", "kerberosAttributes": map[string]any{"realm": "EC2.INTERNAL"}, "nextToken": "page-2"},
		},
		{
			// https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-understanding-s3-entries.html
			name: "S3 records the bucket as bucketName", source: "s3.amazonaws.com", op: "PutObject",
			in: &struct {
				Bucket, Key   string
				ContentLength int64
				Body          io.Reader
			}{"drain", "big.bin", 3, strings.NewReader("abc")},
			wantReq: map[string]any{"bucketName": "drain", "key": "big.bin", "contentLength": int64(3)},
		},
		{
			name: "other services keep a member named Bucket", source: "x.amazonaws.com", op: "X",
			in:      &struct{ Bucket string }{"b"},
			wantReq: map[string]any{"bucket": "b"},
		},
		{
			name: "presigned URLs carry a bearer token", source: "sagemaker.amazonaws.com", op: "CreatePresignedNotebookInstanceUrl",
			in:      &struct{ NotebookInstanceName string }{"nb"},
			out:     &struct{ AuthorizedUrl string }{"https://nb.notebook.us-east-1.sagemaker.aws?authToken=" + secret},
			wantReq: map[string]any{"notebookInstanceName": "nb"},
		},
		{
			name: "secret types are dropped whatever their field name", source: "x.amazonaws.com", op: "X",
			in:      typedSecrets{Name: "n", Key: secret, Token: secret},
			wantReq: map[string]any{"name": "n"},
		},
		{
			name: "protocol tags, embedded structs, maps, blobs and streams", source: "x.amazonaws.com", op: "X",
			in: &tagged{
				Common: Common{ClientToken: "tok"}, Renamed: "db-1", Hidden: "h",
				Labels: map[string]string{"Team": "ml", "Password": secret}, Body: bytes.NewReader([]byte(secret)), unexport: "u",
			},
			wantReq: map[string]any{"clientToken": "tok", "dBInstanceIdentifier": "db-1", "labels": map[string]any{"Team": "ml"}},
		},
		{
			name: "nil input and empty struct record null", source: "sts.amazonaws.com", op: "GetCallerIdentity",
			in: &struct{}{}, out: nil,
		},
	}
	r := audit.NewRedactor()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, resp := r.Redact(tt.source, tt.op, tt.readOnly, tt.in, tt.out)
			if diff := cmp.Diff(tt.wantReq, req); diff != "" {
				t.Errorf("requestParameters (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantResp, resp); diff != "" {
				t.Errorf("responseElements (-want +got):\n%s", diff)
			}
			b, err := json.Marshal([]any{req, resp})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), secret) {
				t.Errorf("secret leaked into the audit record: %s", b)
			}
		})
	}
}

func TestRedactorRulesAndFields(t *testing.T) {
	t.Parallel()
	r := audit.NewRedactor()
	r.Drop("ApiKey")
	r.SetRule("emr.amazonaws.com", "RunJobFlow", func(req, resp any) (any, any) {
		m := req.(map[string]any)
		m["steps"] = "HIDDEN"
		return m, resp
	})
	in := &struct {
		Name   string
		ApiKey string
		Steps  []string
	}{"c", secret, []string{"s1"}}
	req, _ := r.Redact("emr.amazonaws.com", "RunJobFlow", false, in, nil)
	want := map[string]any{"name": "c", "steps": "HIDDEN"}
	if diff := cmp.Diff(want, req); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The rule is keyed by event source and name: other operations keep
	// their steps.
	req, _ = r.Redact("emr.amazonaws.com", "AddJobFlowSteps", false, in, nil)
	if diff := cmp.Diff(map[string]any{"name": "c", "steps": []any{"s1"}}, req); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

type cyclic struct {
	Name string
	Next *cyclic
}

func TestRedactCycleTerminates(t *testing.T) {
	t.Parallel()
	c := &cyclic{Name: "a"}
	c.Next = c
	v := audit.NewRedactor().Value(c)
	if v == nil {
		t.Fatal("Value of a cyclic struct = nil, want a bounded tree")
	}
	if _, err := json.Marshal(v); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRedact measures the redaction of a typical create call.
func BenchmarkRedact(b *testing.B) {
	r := audit.NewRedactor()
	in := &createRoleInput{RoleName: "R", AssumeRolePolicyDocument: `{"Version":"2012-10-17"}`, Tags: []tag{{"a", "b"}, {"c", "d"}}}
	out := &createRoleOutput{Role: role{RoleName: "R", RoleId: "AROA", Arn: "arn", CreateDate: t0}}
	b.ReportAllocs()
	for b.Loop() {
		r.Redact("iam.amazonaws.com", "CreateRole", false, in, out)
	}
}

// BenchmarkEventRecord measures what the request path pays per audit event
// before the write: building the event (identity, redaction) and its JSON.
func BenchmarkEventRecord(b *testing.B) {
	var bld audit.Builder
	c := call(rolePrincipal(), "iam")
	d := audit.Details{
		EventName: "CreateRole",
		Request:   &createRoleInput{RoleName: "R", AssumeRolePolicyDocument: `{"Version":"2012-10-17"}`, Tags: []tag{{"a", "b"}}},
		Response:  &createRoleOutput{Role: role{RoleName: "R", RoleId: "AROA", Arn: "arn", CreateDate: t0}},
		Decision:  audit.Decision{Decision: audit.DecisionAllow, MatchedStatements: []audit.Statement{{Policy: "p", Sid: "s", Effect: "Allow"}}},
	}
	b.ReportAllocs()
	for b.Loop() {
		ev, err := bld.Event(c, d)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ev.Record(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRedactConcurrent runs one Redactor from many goroutines on many
// types at once; run with -race.
func TestRedactConcurrent(t *testing.T) {
	t.Parallel()
	r := audit.NewRedactor()
	values := []any{
		&createRoleInput{RoleName: "R", Tags: []tag{{"a", "b"}}},
		&createAccessKeyOutput{AccessKey: accessKey{UserName: "u", SecretAccessKey: secret}},
		&assumeRoleOutput{Credentials: &credentials{AccessKeyId: "A", SessionToken: secret}},
		&tagged{Renamed: "x"},
	}
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				v := r.Value(values[(g+i)%len(values)])
				if b, _ := json.Marshal(v); strings.Contains(string(b), secret) {
					t.Errorf("secret leaked: %s", b)
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}
