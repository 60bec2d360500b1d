package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"abacus/internal/audit"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/principal"
	"abacus/internal/server"
	"abacus/internal/sigv4"
)

const (
	keyID  = "AKIAIOSFODNN7EXAMPLE"
	secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	acct   = "123456789012"
)

// fakeSink keeps audit events in memory; fail makes it refuse them.
type fakeSink struct {
	mu     sync.Mutex
	events []audit.Event
	fail   bool
}

func (f *fakeSink) Record(_ context.Context, ev audit.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return errors.New("disk full")
	}
	f.events = append(f.events, ev)
	return nil
}

func (f *fakeSink) all() []audit.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]audit.Event(nil), f.events...)
}

// fakePolicies gives every principal the same identity policy.
type fakePolicies struct{ set *policy.Set }

func (f fakePolicies) PolicySets(context.Context, *model.Principal) (principal.Sets, error) {
	return principal.Sets{Identity: f.set}, nil
}

// Operation types of the fake registry: a JSON operation (SageMaker's
// DescribeDomain) and a Query one (IAM's GetUser).
type describeDomainInput struct {
	DomainId string `aws:",required"`
}

type describeDomainOutput struct {
	DomainId   string
	DomainName string
}

type getUserInput struct{ UserName *string }

type getUserOutput struct{ User struct{ UserName string } }

type fixture struct {
	t       *testing.T
	srv     *httptest.Server
	sink    *fakeSink
	handled int
	mu      sync.Mutex
}

func newFixture(t *testing.T, enforce server.Enforcement, identity string) *fixture {
	t.Helper()
	f := &fixture{t: t, sink: &fakeSink{}}
	reg := &op.Registry{}
	op.Register(reg, op.Spec[describeDomainInput, describeDomainOutput]{
		Service: "sagemaker", Name: "DescribeDomain", ReadOnly: true,
		Authorize: op.On("sagemaker:DescribeDomain", func(c *op.Call, in *describeDomainInput) string {
			return "arn:aws:sagemaker:" + c.Region + ":" + string(c.Account) + ":domain/" + in.DomainId
		}),
		Handle: func(_ context.Context, _ *op.Call, in *describeDomainInput) (*describeDomainOutput, error) {
			f.mu.Lock()
			f.handled++
			f.mu.Unlock()
			if in.DomainId == "d-panic" {
				panic("boom")
			}
			return &describeDomainOutput{DomainId: in.DomainId, DomainName: "studio"}, nil
		},
	})
	op.Register(reg, op.Spec[getUserInput, getUserOutput]{
		Service: "iam", Name: "GetUser", ReadOnly: true,
		Authorize: op.Any[getUserInput]("iam:GetUser"),
		Handle: func(_ context.Context, _ *op.Call, in *getUserInput) (*getUserOutput, error) {
			out := &getUserOutput{}
			out.User.UserName = aws.ToString(in.UserName)
			return out, nil
		},
	})
	p := &model.Principal{Type: model.PrincipalIAMUser, AccountID: acct, ARN: "arn:aws:iam::123456789012:user/alice",
		ID: "AIDAEXAMPLE", UserName: "alice", AccessKeyID: keyID}
	creds := sigv4.CredentialLookupFunc(func(_ context.Context, id string) (sigv4.Credential, error) {
		if id != keyID {
			return sigv4.Credential{}, sigv4.ErrUnknownAccessKey
		}
		return sigv4.Credential{AccessKeyID: id, Secret: sigv4.NewSecretKey(secret), Principal: p}, nil
	})
	pol, err := policy.CompileJSON([]byte(identity), policy.Options{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Options{
		Account: acct, Enforce: enforce, Registry: reg, Credentials: creds,
		Policies: fakePolicies{policy.NewSet(pol)}, Audit: f.sink, MaxBodyBytes: 1 << 10,
	})
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// send signs and sends a request: a JSON 1.1 call when target is set, a
// Query call otherwise.
func (f *fixture) send(service, target, body string) (*http.Response, string) {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/", strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		f.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestProtocolErrors(t *testing.T) {
	f := newFixture(t, server.EnforceOn, allowAll)
	tests := []struct {
		name, service, target, body string
		status                      int
		wantBody, wantType          string
	}{
		{"JSON success", "sagemaker", "SageMaker.DescribeDomain", `{"DomainId":"d-1"}`, 200, `"DomainName":"studio"`, ""},
		{"JSON unknown operation", "sagemaker", "SageMaker.NoSuchThing", `{}`, 400, "UnknownOperationException", "UnknownOperationException"},
		{"JSON operation not served", "sagemaker", "SageMaker.ListDomains", `{}`, 400, "does not implement sagemaker:ListDomains", "UnknownOperationException"},
		{"JSON malformed body", "sagemaker", "SageMaker.DescribeDomain", `{"DomainId":`, 400, "SerializationException", "SerializationException"},
		{"JSON wrong type", "sagemaker", "SageMaker.DescribeDomain", `{"DomainId":5}`, 400, "SerializationException", "SerializationException"},
		{"JSON missing required member", "sagemaker", "SageMaker.DescribeDomain", `{}`, 400, "domainId", "ValidationException"},
		{"JSON oversized body", "sagemaker", "SageMaker.DescribeDomain", `{"DomainId":"` + strings.Repeat("x", 2000) + `"}`, 413, "RequestEntityTooLarge", "RequestEntityTooLarge"},
		{"JSON panic becomes InternalFailure", "sagemaker", "SageMaker.DescribeDomain", `{"DomainId":"d-panic"}`, 500, "InternalFailure", "InternalFailure"},
		{"Query success", "iam", "", "Action=GetUser&Version=2010-05-08&UserName=bob", 200, "<UserName>bob</UserName>", ""},
		{"Query unknown action", "iam", "", "Action=Frobnicate&Version=2010-05-08", 400, "<Code>InvalidAction</Code>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.send(tt.service, tt.target, tt.body)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.wantBody) {
				t.Fatalf("got %d %s, want %d containing %q", resp.StatusCode, body, tt.status, tt.wantBody)
			}
			if tt.wantType != "" && !strings.HasPrefix(resp.Header.Get("X-Amzn-Errortype"), tt.wantType) {
				t.Errorf("x-amzn-ErrorType %q, want %s", resp.Header.Get("X-Amzn-Errortype"), tt.wantType)
			}
			if resp.Header.Get("X-Amzn-Requestid") == "" {
				t.Errorf("no x-amzn-RequestId header")
			}
		})
	}
	// The server survived the panic.
	if resp, _ := f.send("sagemaker", "SageMaker.DescribeDomain", `{"DomainId":"d-2"}`); resp.StatusCode != 200 {
		t.Fatalf("after the panic: %d", resp.StatusCode)
	}
	// Every request, whatever became of it, is one audit event.
	evs := f.sink.all()
	if len(evs) != len(tests)+1 {
		t.Fatalf("%d audit events for %d requests", len(evs), len(tests)+1)
	}
	for i, tt := range tests {
		if got := evs[i].ErrorCode; (tt.status == 200) != (got == "") {
			t.Errorf("%s: audited error code %q for status %d", tt.name, got, tt.status)
		}
	}
	if evs[7].ErrorCode != "InternalFailure" || evs[7].EventName != "DescribeDomain" || evs[7].UserIdentity.Type != "IAMUser" {
		t.Errorf("panic event: %+v", evs[7])
	}
}

func TestOneAuditEventPerRequest(t *testing.T) {
	f := newFixture(t, server.EnforceOn,
		`{"Version":"2012-10-17","Statement":[{"Sid":"Own","Effect":"Allow","Action":"sagemaker:DescribeDomain","Resource":"arn:aws:sagemaker:*:*:domain/d-mine"}]}`)
	resp, _ := f.send("sagemaker", "SageMaker.DescribeDomain", `{"DomainId":"d-mine"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("own domain: %d", resp.StatusCode)
	}
	resp, body := f.send("sagemaker", "SageMaker.DescribeDomain", `{"DomainId":"d-other"}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "AccessDeniedException") ||
		!strings.Contains(body, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sagemaker:DescribeDomain on resource: arn:aws:sagemaker:us-east-1:123456789012:domain/d-other because no identity-based policy allows the sagemaker:DescribeDomain action") {
		t.Fatalf("other's domain: %d %s", resp.StatusCode, body)
	}
	if f.handled != 1 {
		t.Errorf("the denied request reached the handler (%d handled)", f.handled)
	}
	evs := f.sink.all()
	if len(evs) != 2 {
		t.Fatalf("%d audit events for 2 requests", len(evs))
	}
	ok, denied := evs[0], evs[1]
	if ok.ErrorCode != "" || ok.Decision == nil || ok.Decision.Decision != "allowed" || len(ok.Decision.MatchedStatements) != 1 || ok.Decision.MatchedStatements[0].Sid != "Own" {
		t.Errorf("allowed event: %+v decision %+v", ok, ok.Decision)
	}
	if denied.ErrorCode != "AccessDeniedException" || denied.Decision == nil || denied.Decision.Decision != "implicitDeny" ||
		!strings.Contains(denied.Decision.Explanation, `does not match`) {
		t.Errorf("denied event: %+v decision %+v", denied, denied.Decision)
	}
	if len(denied.Resources) != 1 || denied.Resources[0].ARN != "arn:aws:sagemaker:us-east-1:123456789012:domain/d-other" {
		t.Errorf("denied event resources: %+v", denied.Resources)
	}
}

func TestSoftEnforcementAllowsAndAudits(t *testing.T) {
	f := newFixture(t, server.EnforceSoft, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)
	resp, body := f.send("sagemaker", "SageMaker.DescribeDomain", `{"DomainId":"d-1"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("soft enforcement denied: %d %s", resp.StatusCode, body)
	}
	evs := f.sink.all()
	if len(evs) != 1 || evs[0].Decision == nil || evs[0].Decision.Decision != "explicitDeny" ||
		evs[0].Decision.Enforced == nil || *evs[0].Decision.Enforced {
		t.Fatalf("soft denial event: %+v", evs)
	}
}

func TestAuditFailureIsNotAcknowledged(t *testing.T) {
	f := newFixture(t, server.EnforceOn, allowAll)
	f.sink.fail = true
	resp, body := f.send("sagemaker", "SageMaker.DescribeDomain", `{"DomainId":"d-1"}`)
	if resp.StatusCode != 500 || !strings.Contains(body, "InternalFailure") || strings.Contains(body, "studio") {
		t.Fatalf("with a failing audit sink: %d %s", resp.StatusCode, body)
	}
}

func TestAuthenticationFailureIsAudited(t *testing.T) {
	f := newFixture(t, server.EnforceOn, allowAll)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/", bytes.NewReader([]byte(`{"DomainId":"d-1"}`)))
	req.Header.Set("X-Amz-Target", "SageMaker.DescribeDomain")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	sum := sha256.Sum256([]byte(`{"DomainId":"d-1"}`))
	v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: "wrong"},
		req, hex.EncodeToString(sum[:]), "sagemaker", "us-east-1", time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// JSON services answer a bad signature with InvalidSignatureException
	// (400), as SageMaker does.
	if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("X-Amzn-Errortype"), "InvalidSignatureException") {
		t.Fatalf("bad signature: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
	}
	evs := f.sink.all()
	if len(evs) != 1 || evs[0].ErrorCode != "InvalidSignatureException" || evs[0].UserIdentity.Type != "Unknown" {
		t.Fatalf("authentication failure events: %+v", evs)
	}
}

func TestHealth(t *testing.T) {
	f := newFixture(t, server.EnforceOn, allowAll)
	resp, err := http.Get(f.srv.URL + "/_abacus/health")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"status":"ok"`) {
		t.Fatalf("health: %d %s", resp.StatusCode, b)
	}
}
