package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/audit"
	"abacus/internal/audit/audittest"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsjson"
	ctsvc "abacus/internal/service/cloudtrail"
)

const auditAcct = model.AccountID("123456789012")

var auditBase = time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)

// lookupServer answers CloudTrail's LookupEvents over JSON 1.1 with the
// cloudtrail service on an in-memory trail, the way the server routes it
// (X-Amz-Target from botocore's model, awsjson codecs), and remembers the
// requests it got. It does not verify signatures; it checks that requests
// are signed with the expected access key.
type lookupServer struct {
	t     *testing.T
	svc   *ctsvc.Service
	keyID string

	mu   sync.Mutex
	reqs []ctsvc.LookupEventsInput
}

// pages returns how many distinct pages were asked for; the SDK may retry
// a request (a reset connection on a loaded machine), which asks for the
// same page again.
func (s *lookupServer) pages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, r := range s.reqs {
		tok := ""
		if r.NextToken != nil {
			tok = *r.NextToken
		}
		seen[tok] = true
	}
	return len(seen)
}

func (s *lookupServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The Go SDK sends "CloudTrail_20131101.LookupEvents", botocore the
	// model's full prefix; the protocol table accepts both, as AWS does.
	target := r.Header.Get("X-Amz-Target")
	i := strings.LastIndexByte(target, '.')
	meta, ok := protocol.ServiceByTargetPrefix(target[:max(i, 0)])
	if !ok || meta.Name != "cloudtrail" || target[i+1:] != "LookupEvents" {
		awsjson.WriteError(w, "1.1", "rid", awsjson.UnknownOperation(target))
		return
	}
	if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential="+s.keyID+"/") ||
		!strings.Contains(auth, "/cloudtrail/aws4_request") {
		awsjson.WriteError(w, meta.JSONVersion, "rid", apierr.New(403, "UnrecognizedClientException", "The security token included in the request is invalid. ("+auth+")"))
		return
	}
	body, aerr := protocol.ReadBody(r, 0)
	if aerr != nil {
		awsjson.WriteError(w, meta.JSONVersion, "rid", aerr)
		return
	}
	var in ctsvc.LookupEventsInput
	if aerr := awsjson.Decode(body, &in); aerr != nil {
		awsjson.WriteError(w, meta.JSONVersion, "rid", aerr)
		return
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, in)
	s.mu.Unlock()
	out, err := s.svc.LookupEvents(r.Context(), auditAcct, &in)
	if err != nil {
		awsjson.WriteError(w, meta.JSONVersion, "rid", apierr.From(err))
		return
	}
	if err := awsjson.WriteResponse(w, meta.JSONVersion, "rid", out); err != nil {
		s.t.Error(err)
	}
}

type trailCall struct {
	who    string // alice, bob (role session, source identity bob), carol (session, source identity carol), root
	svc    string
	name   string
	ro     bool
	denied bool
	code   string
	ua     string // user agent; "test" when empty
}

func trailPrincipal(who string) *model.Principal {
	switch who {
	case "root":
		return &model.Principal{Type: model.PrincipalRoot, AccountID: auditAcct, ARN: "arn:aws:iam::123456789012:root", ID: "123456789012", AccessKeyID: "AKIAROOT"}
	case "alice":
		return &model.Principal{Type: model.PrincipalIAMUser, AccountID: auditAcct, ARN: "arn:aws:iam::123456789012:user/alice", ID: "AIDAALICE", UserName: "alice", AccessKeyID: "AKIAALICE"}
	default:
		return &model.Principal{
			Type: model.PrincipalAssumedRole, AccountID: auditAcct,
			ARN: "arn:aws:sts::123456789012:assumed-role/Studio/" + who + "-session", ID: "AROASTUDIO:" + who + "-session",
			AccessKeyID: "ASIA" + strings.ToUpper(who), Temporary: true,
			Session: &model.RoleSession{RoleName: "Studio", RoleARN: "arn:aws:iam::123456789012:role/Studio", RoleID: "AROASTUDIO", Name: who + "-session", SourceIdentity: who},
		}
	}
}

// trail stores calls[i] at auditBase + i minutes and returns the events.
func trail(t *testing.T, calls []trailCall) (*audittest.Memory, []audit.Event) {
	t.Helper()
	mem := audittest.NewMemory()
	br := audit.NewBroker(mem, audit.BrokerOptions{})
	defer br.Close()
	b := audit.Builder{IDs: model.IDGenerator{Rand: &countingRand{}}}
	var evs []audit.Event
	for i, c := range calls {
		d := audit.Details{EventName: c.name, ReadOnly: c.ro, Decision: audit.Decision{Decision: audit.DecisionAllow}}
		if c.denied {
			d.Decision = audit.Decision{Decision: audit.DecisionExplicitDeny, Explanation: "denied by Guardrail"}
			d.Err = apierr.New(400, "AccessDeniedException", "User: x is not authorized")
		} else if c.code != "" {
			d.Err = apierr.New(400, c.code, "failed")
		}
		ev, err := b.Event(&op.Call{
			Account: auditAcct, Region: "us-east-1", Principal: trailPrincipal(c.who), RequestID: fmt.Sprint("req-", i),
			SourceIP: "127.0.0.1", UserAgent: "test", Now: auditBase.Add(time.Duration(i) * time.Minute), Service: c.svc,
		}, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := br.Record(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	return mem, evs
}

// countingRand makes deterministic, distinct IDs: each read is a counter.
type countingRand struct{ n uint64 }

func (c *countingRand) Read(b []byte) (int, error) {
	c.n++
	clear(b)
	binary.BigEndian.PutUint64(b[len(b)-8:], c.n)
	return len(b), nil
}

func startLookupServer(t *testing.T, mem *audittest.Memory) (*lookupServer, *httptest.Server) {
	t.Helper()
	ls := &lookupServer{t: t, svc: ctsvc.New(mem), keyID: "AKIATESTTESTTESTTEST"}
	srv := httptest.NewServer(ls)
	t.Cleanup(srv.Close)
	return ls, srv
}

func testEnv(srv *httptest.Server, vars map[string]string) auditEnv {
	return auditEnv{
		getenv: func(k string) string {
			if k == "AWS_ENDPOINT_URL" {
				if v, ok := vars[k]; ok {
					return v
				}
				return srv.URL
			}
			return vars[k]
		},
		now:    func() time.Time { return auditBase.Add(24 * time.Hour) },
		client: srv.Client(),
	}
}

var keys = map[string]string{"AWS_ACCESS_KEY_ID": "AKIATESTTESTTESTTEST", "AWS_SECRET_ACCESS_KEY": "secret"}

var smallTrail = []trailCall{
	{who: "alice", svc: "iam", name: "CreateRole"},
	{who: "bob", svc: "sagemaker", name: "CreateTrainingJob", denied: true},
	{who: "bob", svc: "sagemaker", name: "DescribeTrainingJob", ro: true},
	{who: "carol", svc: "sagemaker", name: "CreateTrainingJob"},
	{who: "root", svc: "iam", name: "GetUser", ro: true, code: "NoSuchEntity"},
	{who: "carol", svc: "s3", name: "GetObject", ro: true, denied: true},
}

func TestAuditTable(t *testing.T) {
	t.Parallel()
	mem, _ := trail(t, smallTrail)
	_, srv := startLookupServer(t, mem)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "everything, newest first",
			want: `TIME                  USER           SOURCE IDENTITY  EVENT                          RESULT
2024-06-01T08:05:00Z  carol-session  carol            s3:GetObject                   explicitDeny AccessDeniedException
2024-06-01T08:04:00Z  root           -                iam:GetUser                    allowed NoSuchEntity
2024-06-01T08:03:00Z  carol-session  carol            sagemaker:CreateTrainingJob    allowed
2024-06-01T08:02:00Z  bob-session    bob              sagemaker:DescribeTrainingJob  allowed
2024-06-01T08:01:00Z  bob-session    bob              sagemaker:CreateTrainingJob    explicitDeny AccessDeniedException
2024-06-01T08:00:00Z  alice          -                iam:CreateRole                 allowed
`,
		},
		{
			name: "denied",
			args: []string{"--denied"},
			want: `TIME                  USER           SOURCE IDENTITY  EVENT                        RESULT
2024-06-01T08:05:00Z  carol-session  carol            s3:GetObject                 explicitDeny AccessDeniedException
2024-06-01T08:01:00Z  bob-session    bob              sagemaker:CreateTrainingJob  explicitDeny AccessDeniedException
`,
		},
		{
			name: "source identity and event source",
			args: []string{"--source-identity", "carol", "--event-source", "sagemaker.amazonaws.com"},
			want: `TIME                  USER           SOURCE IDENTITY  EVENT                        RESULT
2024-06-01T08:03:00Z  carol-session  carol            sagemaker:CreateTrainingJob  allowed
`,
		},
		{
			name: "event name and user",
			args: []string{"--event-name", "CreateTrainingJob", "--user", "bob-session"},
			want: `TIME                  USER         SOURCE IDENTITY  EVENT                        RESULT
2024-06-01T08:01:00Z  bob-session  bob              sagemaker:CreateTrainingJob  explicitDeny AccessDeniedException
`,
		},
		{
			name: "time range and max",
			args: []string{"--start", "2024-06-01T08:01:00Z", "--end", "2024-06-01T08:04:00Z", "--max", "2"},
			want: `TIME                  USER           SOURCE IDENTITY  EVENT                        RESULT
2024-06-01T08:04:00Z  root           -                iam:GetUser                  allowed NoSuchEntity
2024-06-01T08:03:00Z  carol-session  carol            sagemaker:CreateTrainingJob  allowed
`,
		},
		{
			name: "nothing matches",
			args: []string{"--user", "nobody"},
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := runAudit(context.Background(), tt.args, testEnv(srv, keys), &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d, stderr: %s", code, stderr.String())
			}
			if diff := cmp.Diff(tt.want, stdout.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuditJSONL(t *testing.T) {
	t.Parallel()
	mem, evs := trail(t, smallTrail)
	_, srv := startLookupServer(t, mem)
	var stdout, stderr bytes.Buffer
	if code := runAudit(context.Background(), []string{"--output", "jsonl", "--source-identity", "bob"}, testEnv(srv, keys), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	var want []string
	for _, i := range []int{2, 1} {
		b, err := json.Marshal(evs[i])
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, string(b))
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

func TestAuditRecordsDocument(t *testing.T) {
	t.Parallel()
	mem, evs := trail(t, smallTrail)
	_, srv := startLookupServer(t, mem)
	for _, tt := range []struct {
		args []string
		want []int
	}{
		{[]string{"--output", "records", "--user", "bob-session"}, []int{2, 1}},
		{[]string{"--output", "records", "--user", "nobody"}, nil},
	} {
		var stdout, stderr bytes.Buffer
		if code := runAudit(context.Background(), tt.args, testEnv(srv, keys), &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, stderr.String())
		}
		var doc struct{ Records []json.RawMessage }
		if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
			t.Fatalf("output is not one JSON document: %v\n%s", err, stdout.String())
		}
		if doc.Records == nil {
			t.Errorf("Records missing or null in %s", stdout.String())
		}
		var got, want []string
		for _, r := range doc.Records {
			got = append(got, string(r))
		}
		for _, i := range tt.want {
			b, _ := json.Marshal(evs[i])
			want = append(want, string(b))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%v: records (-want +got):\n%s", tt.args, diff)
		}
	}
}

// TestAuditPagesAndOneAttribute checks that only one lookup attribute is
// sent (LookupEvents accepts one) and that the other filters are applied
// across pages, bounded by --max and --scan.
func TestAuditPagesAndOneAttribute(t *testing.T) {
	t.Parallel()
	var calls []trailCall
	for i := range 130 {
		who := "bob"
		if i%10 == 3 {
			who = "carol"
		}
		calls = append(calls, trailCall{who: who, svc: "sagemaker", name: "DescribeTrainingJob", ro: true, denied: i%20 == 3})
	}
	mem, _ := trail(t, calls)

	t.Run("filters across pages", func(t *testing.T) {
		t.Parallel()
		ls, srv := startLookupServer(t, mem)
		var stdout, stderr bytes.Buffer
		args := []string{"--event-name", "DescribeTrainingJob", "--user", "carol-session", "--event-source", "sagemaker.amazonaws.com", "--denied", "--output", "jsonl"}
		if code := runAudit(context.Background(), args, testEnv(srv, keys), &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, stderr.String())
		}
		// carol's denied calls are i = 3, 23, 43, ..., 123: seven of them.
		if n := strings.Count(stdout.String(), "\n"); n != 7 {
			t.Errorf("printed %d events, want 7", n)
		}
		if n := ls.pages(); n != 3 {
			t.Errorf("asked for %d pages, want 3 pages of at most 50 for 130 events", n)
		}
		ls.mu.Lock()
		defer ls.mu.Unlock()
		for _, r := range ls.reqs {
			want := []ctsvc.LookupAttribute{{AttributeKey: "EventName", AttributeValue: "DescribeTrainingJob"}}
			if diff := cmp.Diff(want, r.LookupAttributes); diff != "" {
				t.Errorf("lookup attributes sent (-want +got):\n%s", diff)
			}
		}
	})
	t.Run("max stops paging", func(t *testing.T) {
		t.Parallel()
		ls, srv := startLookupServer(t, mem)
		var stdout, stderr bytes.Buffer
		if code := runAudit(context.Background(), []string{"--source-identity", "carol", "--max", "2", "--output", "jsonl"}, testEnv(srv, keys), &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, stderr.String())
		}
		if n := strings.Count(stdout.String(), "\n"); n != 2 {
			t.Errorf("printed %d events, want 2", n)
		}
		if n := ls.pages(); n != 1 {
			t.Errorf("asked for %d pages, want 1", n)
		}
		ls.mu.Lock()
		defer ls.mu.Unlock()
		if len(ls.reqs[0].LookupAttributes) != 0 {
			t.Errorf("sent %v; --source-identity is not a lookup attribute", ls.reqs[0].LookupAttributes)
		}
	})
	t.Run("scan bounds the events read", func(t *testing.T) {
		t.Parallel()
		ls, srv := startLookupServer(t, mem)
		var stdout, stderr bytes.Buffer
		if code := runAudit(context.Background(), []string{"--source-identity", "carol", "--scan", "60", "--output", "jsonl"}, testEnv(srv, keys), &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, stderr.String())
		}
		// The newest 60 events are i = 129..70; carol's among them are
		// 123, 113, ..., 73: six.
		if n := strings.Count(stdout.String(), "\n"); n != 6 {
			t.Errorf("printed %d events, want 6", n)
		}
		if n := ls.pages(); n != 2 {
			t.Errorf("asked for %d pages, want 2", n)
		}
	})
}

func TestAuditCredentialsFromDataDir(t *testing.T) {
	t.Parallel()
	mem, _ := trail(t, smallTrail)
	_, srv := startLookupServer(t, mem)
	dir := t.TempDir()
	creds := "# written by abacus serve\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n\n[default]\naws_access_key_id = AKIATESTTESTTESTTEST\naws_secret_access_key = s3cr3t\n"
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	// The endpoint comes from the data dir too when AWS_ENDPOINT_URL is
	// unset.
	if err := os.WriteFile(filepath.Join(dir, "endpoint"), []byte(srv.URL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	env := testEnv(srv, map[string]string{"AWS_ENDPOINT_URL": ""})
	if code := runAudit(context.Background(), []string{"--data-dir", dir, "--max", "1"}, env, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "s3:GetObject") {
		t.Errorf("output %q lacks the newest event", stdout.String())
	}
}

func TestAuditErrors(t *testing.T) {
	t.Parallel()
	mem, _ := trail(t, smallTrail)
	_, srv := startLookupServer(t, mem)
	tests := []struct {
		name     string
		args     []string
		vars     map[string]string
		wantCode int
		wantErr  string
	}{
		{"bad output", []string{"--output", "yaml"}, keys, 2, "--output must be table, jsonl or records"},
		{"bad start", []string{"--start", "yesterday"}, keys, 2, `--start: "yesterday" is neither`},
		{"bad max", []string{"--max", "0"}, keys, 2, "--max must be at least 1"},
		{"follow a document", []string{"--follow", "--output", "records"}, keys, 2, "--follow writes a stream"},
		{"follow with an end", []string{"--follow", "--end", "1h"}, keys, 2, "--follow and --end exclude each other"},
		{"bad interval", []string{"--follow", "--interval", "0s"}, keys, 2, "--interval must be positive"},
		{"stray argument", []string{"extra"}, keys, 2, `unexpected argument "extra"`},
		{"unknown flag", []string{"--nope"}, keys, 2, "flag provided but not defined"},
		{"no credentials", []string{"--data-dir", t.TempDir()}, map[string]string{}, 1, "no credentials"},
		{"wrong key", nil, map[string]string{"AWS_ACCESS_KEY_ID": "AKIAWRONG", "AWS_SECRET_ACCESS_KEY": "x"}, 1, "UnrecognizedClientException"},
		{"server rejects the time range", []string{"--start", "2024-06-02T00:00:00Z", "--end", "2024-06-01T00:00:00Z"}, keys, 1, "InvalidTimeRangeException: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := runAudit(context.Background(), tt.args, testEnv(srv, tt.vars), &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

func TestAuditHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := runAudit(context.Background(), []string{"-h"}, auditEnv{getenv: func(string) string { return "" }, now: time.Now}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, s := range []string{"only one lookup attribute", "--source-identity", "--denied", "--scan", "jsonl"} {
		if !strings.Contains(stderr.String(), s) {
			t.Errorf("help lacks %q", s)
		}
	}
}

// TestAuditAgainstServer runs `abacus audit` against the real server
// (in-process, in-memory store): the query is signed, authorized and
// audited like any other call, denials and role sessions with a source
// identity show up, and a caller without cloudtrail:LookupEvents is denied.
func TestAuditAgainstServer(t *testing.T) {
	t.Parallel()
	if raceEnabled() {
		// Server start-up seeds AWS's managed policies into SQLite, which
		// takes about 30 s under the race detector; the concurrent parts
		// (broker, store, server) have race-checked tests of their own.
		t.Skip("skipped under -race: starting a server costs ~30 s there")
	}
	const rootID, rootSecret = "AKIAAUDITROOT0000001", "auditRootSecretKeyAuditRootSecretKey0001"
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, config{
			Addr: "127.0.0.1:0", InMemory: true, AccountID: string(auditAcct), Enforce: "on",
			RootKeyID: rootID, RootSecret: rootSecret,
		}, slog.New(slog.DiscardHandler), ready)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	var endpoint string
	select {
	case addr := <-ready:
		endpoint = "http://" + addr
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}

	awsCfg := func(id, secret, token string) aws.Config {
		return aws.Config{
			Region:           "us-east-1",
			Credentials:      credentials.NewStaticCredentialsProvider(id, secret, token),
			BaseEndpoint:     aws.String(endpoint),
			RetryMaxAttempts: 1,
		}
	}
	root := awsCfg(rootID, rootSecret, "")
	rootIAM := iamsdk.NewFromConfig(root)
	if _, err := rootIAM.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	key, err := rootIAM.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`
	if _, err := rootIAM.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("Studio"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	alice := awsCfg(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")
	if _, err := iamsdk.NewFromConfig(alice).ListRoles(ctx, &iamsdk.ListRolesInput{}); err == nil {
		t.Fatal("alice, without policies, may list roles")
	}
	// Root may not assume roles; alice may, through her inline policy.
	assume := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Resource":"arn:aws:iam::123456789012:role/Studio"}]}`
	if _, err := rootIAM.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("assume"), PolicyDocument: aws.String(assume)}); err != nil {
		t.Fatal(err)
	}
	ar, err := stssdk.NewFromConfig(alice).AssumeRole(ctx, &stssdk.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/Studio"), RoleSessionName: aws.String("bob-session"),
		SourceIdentity: aws.String("bob"),
	})
	if err != nil {
		t.Fatal(err)
	}
	bob := awsCfg(aws.ToString(ar.Credentials.AccessKeyId), aws.ToString(ar.Credentials.SecretAccessKey), aws.ToString(ar.Credentials.SessionToken))
	if _, err := stssdk.NewFromConfig(bob).GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}

	run := func(id, secret, token string, args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		vars := map[string]string{"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token}
		env := auditEnv{getenv: func(k string) string { return vars[k] }, now: time.Now}
		code := runAudit(ctx, args, env, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	events := func(out string) []audit.Event {
		var evs []audit.Event
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var ev audit.Event
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("%v in %q", err, line)
			}
			evs = append(evs, ev)
		}
		return evs
	}

	code, out, errOut := run(rootID, rootSecret, "", "--denied", "--output", "jsonl")
	if code != 0 {
		t.Fatalf("audit --denied: exit %d: %s", code, errOut)
	}
	denied := events(out)
	if len(denied) != 1 || denied[0].EventName != "ListRoles" || denied[0].UserIdentity.UserName != "alice" ||
		denied[0].Decision == nil || denied[0].Decision.Decision != audit.DecisionImplicitDeny {
		t.Errorf("denied events = %s, want alice's ListRoles, implicitly denied", out)
	}

	code, out, errOut = run(rootID, rootSecret, "", "--source-identity", "bob", "--output", "jsonl")
	if code != 0 {
		t.Fatalf("audit --source-identity: exit %d: %s", code, errOut)
	}
	if evs := events(out); len(evs) != 1 || evs[0].EventName != "GetCallerIdentity" || evs[0].UserIdentity.Type != "AssumedRole" {
		t.Errorf("bob's events = %s, want his GetCallerIdentity as an assumed role", out)
	}

	// CreateAccessKey is recorded without the secret.
	code, out, _ = run(rootID, rootSecret, "", "--event-name", "CreateAccessKey", "--output", "jsonl")
	if code != 0 || !strings.Contains(out, aws.ToString(key.AccessKey.AccessKeyId)) || strings.Contains(out, aws.ToString(key.AccessKey.SecretAccessKey)) {
		t.Errorf("CreateAccessKey event (exit %d) = %s; want the key ID and not its secret", code, out)
	}

	// No back door: alice may not read the trail, and her attempt is in it.
	code, _, errOut = run(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")
	if code != 1 || !strings.Contains(errOut, "AccessDenied") {
		t.Errorf("alice's audit: exit %d, stderr %q; want AccessDenied", code, errOut)
	}
	code, out, errOut = run(rootID, rootSecret, "", "--user", "alice", "--event-name", "LookupEvents", "--output", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if evs := events(out); len(evs) != 1 || !audit.IsAccessDenied(evs[0].ErrorCode) {
		t.Errorf("alice's LookupEvents attempts = %s, want one denied", out)
	}
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, st := range bi.Settings {
		if st.Key == "-race" {
			return st.Value == "true"
		}
	}
	return false
}

// appendCall stores one more call at time at and returns its event.
func appendCall(t *testing.T, mem *audittest.Memory, id uint64, c trailCall, at time.Time) audit.Event {
	t.Helper()
	b := audit.Builder{IDs: model.IDGenerator{Rand: &countingRand{n: id << 32}}}
	d := audit.Details{EventName: c.name, ReadOnly: c.ro, Decision: audit.Decision{Decision: audit.DecisionAllow}}
	if c.denied {
		d.Decision = audit.Decision{Decision: audit.DecisionImplicitDeny}
		d.Err = apierr.New(400, "AccessDeniedException", "denied")
	}
	ua := c.ua
	if ua == "" {
		ua = "test"
	}
	ev, err := b.Event(&op.Call{Account: auditAcct, Region: "us-east-1", Principal: trailPrincipal(c.who), Now: at, Service: c.svc, UserAgent: ua}, d)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ev.Record()
	if err != nil {
		t.Fatal(err)
	}
	if err := mem.AppendAuditEvents(context.Background(), []model.AuditRecord{rec}); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestAuditFollow(t *testing.T) {
	t.Parallel()
	mem, evs := trail(t, smallTrail)
	_, srv := startLookupServer(t, mem)
	newest := auditBase.Add(5 * time.Minute) // smallTrail's last event
	var added []audit.Event
	polls := 0
	env := testEnv(srv, keys)
	env.sleep = func(_ context.Context, d time.Duration) error {
		if d != 3*time.Second {
			t.Errorf("slept %v, want --interval 3s", d)
		}
		polls++
		switch polls {
		case 1:
			// One at the same second as the newest seen (the inclusive
			// StartTime returns both; only the new one may print), one
			// later, one that does not match.
			added = append(added,
				appendCall(t, mem, 1, trailCall{who: "bob", svc: "iam", name: "GetUser", ro: true}, newest),
				appendCall(t, mem, 2, trailCall{who: "carol", svc: "iam", name: "GetRole", ro: true}, newest.Add(time.Minute)))
			appendCall(t, mem, 3, trailCall{who: "alice", svc: "iam", name: "GetRole", ro: true}, newest.Add(time.Minute))
		case 2:
			// Nothing new.
		case 3:
			added = append(added, appendCall(t, mem, 4, trailCall{who: "bob", svc: "s3", name: "GetObject", ro: true, denied: true}, newest.Add(2*time.Minute)))
		default:
			return context.Canceled
		}
		return nil
	}
	var stdout, stderr bytes.Buffer
	code := runAudit(context.Background(), []string{"--follow", "--interval", "3s", "--max", "2", "--output", "jsonl"}, env, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var ev audit.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.EventName+"@"+ev.EventTime.Format("15:04"))
	}
	want := []string{
		// the last two, oldest first
		evs[4].EventName + "@08:04", evs[5].EventName + "@08:05",
		// first poll: the new event at 08:05, then both at 08:06
		"GetUser@08:05", "GetRole@08:06", "GetRole@08:06",
		// third poll
		"GetObject@08:07",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("followed events (-want +got):\n%s", diff)
	}
	if polls != 4 {
		t.Errorf("polled %d times, want 4", polls)
	}
}

func TestAuditFollowFilters(t *testing.T) {
	t.Parallel()
	mem, _ := trail(t, smallTrail)
	_, srv := startLookupServer(t, mem)
	polls := 0
	env := testEnv(srv, keys)
	env.sleep = func(context.Context, time.Duration) error {
		polls++
		if polls == 1 {
			appendCall(t, mem, 1, trailCall{who: "alice", svc: "iam", name: "DeleteRole", denied: true}, auditBase.Add(time.Hour))
			appendCall(t, mem, 2, trailCall{who: "bob", svc: "iam", name: "GetRole", ro: true}, auditBase.Add(time.Hour))
			// A poll of a --follow: recorded, not printed; another
			// client's LookupEvents is printed.
			appendCall(t, mem, 3, trailCall{who: "alice", svc: "cloudtrail", name: "LookupEvents", ro: true,
				ua: "aws-sdk-go-v2/1.41.0 ua/2.1 app/abacus-audit-follow"}, auditBase.Add(time.Hour))
			appendCall(t, mem, 4, trailCall{who: "alice", svc: "cloudtrail", name: "LookupEvents", ro: true,
				ua: "aws-cli/2.15.0"}, auditBase.Add(time.Hour+time.Second))
			return nil
		}
		return context.Canceled
	}
	var stdout, stderr bytes.Buffer
	if code := runAudit(context.Background(), []string{"--follow", "--max", "1", "--user", "alice"}, env, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := "" +
		"TIME                  USER              SOURCE IDENTITY   EVENT                                 RESULT\n" +
		"2024-06-01T08:00:00Z  alice             -                 iam:CreateRole                        allowed\n" +
		"2024-06-01T09:00:00Z  alice             -                 iam:DeleteRole                        implicitDeny AccessDeniedException\n" +
		"2024-06-01T09:00:01Z  alice             -                 cloudtrail:LookupEvents               allowed\n"
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSleepCtx(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); err == nil {
		t.Error("sleepCtx on a cancelled context returned nil")
	}
	if err := sleepCtx(context.Background(), time.Microsecond); err != nil {
		t.Errorf("sleepCtx = %v", err)
	}
}

// FuzzReadSharedCredentials: the credentials-file reader never panics, and
// whatever it accepts has both keys, taken from the profile asked for.
func FuzzReadSharedCredentials(f *testing.F) {
	f.Add("[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n")
	f.Add("# c\n[other]\naws_access_key_id=X\naws_secret_access_key=Y\n[default]\naws_access_key_id=A\naws_secret_access_key=B")
	f.Add("[default\naws_access_key_id")
	f.Add("")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data string) {
		path := filepath.Join(dir, "credentials")
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		id, secret, err := readSharedCredentials(path, "default")
		if err != nil {
			return
		}
		if id == "" || secret == "" {
			t.Fatalf("accepted %q with an empty key: %q %q", data, id, secret)
		}
		if !strings.Contains(data, "[default]") && !strings.Contains(data, "[ default") && !strings.Contains(data, "default") {
			t.Fatalf("accepted keys from %q, which has no default profile", data)
		}
	})
}
