package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/server"
	"abacus/internal/service/sagemaker"
	"abacus/internal/sigv4"
)

// fakeLanding serves one notebook page ("notebook/nb") and one Studio page
// ("studio/d-1/alice") with tokens "good-nb" and "good-studio", each usable
// once; "expired" is an expired token.
type fakeLanding struct {
	mu   sync.Mutex
	used map[string]bool
}

const creatorKey = "AKIACREATOR"

func (f *fakeLanding) landing(page string) (sagemaker.Landing, bool) {
	switch page {
	case "notebook/nb":
		return sagemaker.Landing{Kind: "notebook", Account: acct, Region: "us-east-1", Name: "nb", Status: "InService",
			ResourceARN: "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb", Action: "sagemaker:CreatePresignedNotebookInstanceUrl",
			CreatorARN: "arn:aws:iam::123456789012:user/alice", CreatorKeyID: creatorKey, SessionExpires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
			ResourceTags: map[string]string{"team": "ml"}}, true
	case "studio/d-1/alice":
		return sagemaker.Landing{Kind: "studio", Account: acct, Region: "us-east-1", DomainID: "d-1", UserProfileName: "alice", Status: "InService",
			ResourceARN: "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-1/alice", Action: "sagemaker:CreatePresignedDomainUrl",
			CreatorARN: "arn:aws:iam::123456789012:user/alice", CreatorKeyID: creatorKey, SessionExpires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}, true
	}
	return sagemaker.Landing{}, false
}

func (f *fakeLanding) PeekLanding(_ context.Context, _ model.AccountID, page, token string, _ time.Time) (sagemaker.Landing, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.landing(page)
	switch {
	case token == "expired":
		return sagemaker.Landing{}, sagemaker.ErrURLExpired
	case !ok || !strings.HasPrefix(token, "good-") || "good-"+l.Kind != token:
		return sagemaker.Landing{}, sagemaker.ErrURLInvalid
	case f.used[token]:
		return sagemaker.Landing{}, sagemaker.ErrURLUsed
	}
	return l, nil
}

func (f *fakeLanding) OpenLanding(ctx context.Context, a model.AccountID, page, token string, now time.Time) (sagemaker.Landing, error) {
	l, err := f.PeekLanding(ctx, a, page, token, now)
	if err != nil {
		return l, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.used[token] = true
	l.Cookie = "cookie-" + page
	return l, nil
}

func (f *fakeLanding) LandingSession(_ context.Context, _ model.AccountID, page, cookie string, _ time.Time) (sagemaker.Landing, error) {
	l, ok := f.landing(page)
	if !ok || cookie != "cookie-"+page {
		return sagemaker.Landing{}, sagemaker.ErrSessionInvalid
	}
	return l, nil
}

func (f *fakeLanding) StudioCredentials(_ context.Context, _ model.AccountID, page, cookie string, _ time.Time) (sagemaker.RoleCredentials, error) {
	if cookie != "cookie-"+page {
		return sagemaker.RoleCredentials{}, sagemaker.ErrSessionInvalid
	}
	return sagemaker.RoleCredentials{AccessKeyID: "ASIASTUDIO", SecretAccessKey: "sec", SessionToken: "tok",
		Expiration: time.Date(2030, 1, 1, 1, 0, 0, 0, time.UTC), AssumedRoleARN: "arn:aws:sts::123456789012:assumed-role/exec/SageMaker"}, nil
}

// newPageServer serves landing pages whose creator has the given identity
// policy.
func newPageServer(t *testing.T, identity string) (*httptest.Server, *fakeSink) {
	t.Helper()
	sink := &fakeSink{}
	p := &model.Principal{Type: model.PrincipalIAMUser, AccountID: acct, ARN: "arn:aws:iam::123456789012:user/alice",
		ID: "AIDAEXAMPLE", UserName: "alice", AccessKeyID: creatorKey}
	creds := sigv4.CredentialLookupFunc(func(_ context.Context, id string) (sigv4.Credential, error) {
		if id != creatorKey {
			return sigv4.Credential{}, sigv4.ErrUnknownAccessKey
		}
		return sigv4.Credential{AccessKeyID: id, Secret: sigv4.NewSecretKey(secret), Principal: p}, nil
	})
	pol, err := policy.CompileJSON([]byte(identity), policy.Options{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Options{Account: acct, Registry: &op.Registry{}, Credentials: creds,
		Policies: fakePolicies{policy.NewSet(pol)}, Audit: sink, Landing: &fakeLanding{used: map[string]bool{}}})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, sink
}

func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

func fetch(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestLandingPages: opening a presigned URL sets the session and shows the
// page; invalid, expired and reused URLs get a 403 page; the creator's
// policy (here aws:SourceIp) is re-checked on every page request
// (https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html:
// the policy "is enforced for every HTTP request and WebSocket frame that
// attempts to connect to the notebook instance"); each open is one audit
// event.
func TestLandingPages(t *testing.T) {
	t.Parallel()
	const fromLoopback = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:CreatePresignedNotebookInstanceUrl","sagemaker:CreatePresignedDomainUrl"],"Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"},"StringEquals":{"aws:ResourceTag/team":"ml"}}},
 {"Effect":"Allow","Action":"sagemaker:CreatePresignedDomainUrl","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]}`
	const elsewhere = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:CreatePresignedNotebookInstanceUrl","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}`
	tests := []struct {
		name       string
		policy     string
		path       string
		wantStatus int
		wantBody   []string
		wantEvents []string // "eventName errorCode"
	}{
		{"notebook opens", fromLoopback, "/_abacus/notebook/nb?authToken=good-notebook", 200,
			[]string{`<dd id="name">nb</dd>`, `<dd id="status">InService</dd>`, `<dd id="opened-by">arn:aws:iam::123456789012:user/alice</dd>`, `2030-01-01T00:00:00Z`},
			[]string{"OpenPresignedNotebookInstanceUrl "}},
		{"studio opens with credentials", fromLoopback, "/_abacus/studio/d-1/alice?authToken=good-studio", 200,
			[]string{`<dd id="profile">alice</dd>`, "export AWS_ACCESS_KEY_ID=ASIASTUDIO", `&#34;SessionToken&#34;: &#34;tok&#34;`},
			[]string{"OpenPresignedDomainUrl "}},
		{"altered token", fromLoopback, "/_abacus/notebook/nb?authToken=good-notebookX", 403, []string{"not valid"},
			[]string{"OpenPresignedNotebookInstanceUrl AccessDenied"}},
		{"token of another page", fromLoopback, "/_abacus/notebook/other?authToken=good-notebook", 403, []string{"not valid"},
			[]string{"OpenPresignedNotebookInstanceUrl AccessDenied"}},
		{"expired", fromLoopback, "/_abacus/notebook/nb?authToken=expired", 403, []string{"expired"},
			[]string{"OpenPresignedNotebookInstanceUrl AccessDenied"}},
		{"creator's IP condition fails", elsewhere, "/_abacus/notebook/nb?authToken=good-notebook", 403,
			[]string{"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sagemaker:CreatePresignedNotebookInstanceUrl on resource: arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb"},
			[]string{"OpenPresignedNotebookInstanceUrl AccessDenied"}},
		{"no session", fromLoopback, "/_abacus/notebook/nb", 403, []string{"no session"}, nil},
		{"unknown page kind", fromLoopback, "/_abacus/studio/d-1?authToken=good-studio", 404, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, sink := newPageServer(t, tt.policy)
			code, body := fetch(t, browser(t), srv.URL+tt.path)
			if code != tt.wantStatus {
				t.Fatalf("status %d, want %d\n%s", code, tt.wantStatus, body)
			}
			for _, w := range tt.wantBody {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q:\n%s", w, body)
				}
			}
			var got []string
			for _, ev := range sink.all() {
				got = append(got, ev.EventName+" "+ev.ErrorCode)
				if ev.EventSource != "sagemaker.amazonaws.com" {
					t.Errorf("eventSource %s", ev.EventSource)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.wantEvents, "|") {
				t.Errorf("audit events %q, want %q", got, tt.wantEvents)
			}
		})
	}
}

// TestLandingSessionRecheck: a URL opens once; the session page and the
// Studio credentials endpoint answer with the cookie and are re-authorized
// each time.
func TestLandingSessionRecheck(t *testing.T) {
	t.Parallel()
	srv, sink := newPageServer(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:CreatePresignedDomainUrl","Resource":"*"}]}`)
	b := browser(t)
	if code, body := fetch(t, b, srv.URL+"/_abacus/studio/d-1/alice?authToken=good-studio"); code != 200 {
		t.Fatalf("open: %d %s", code, body)
	}
	if code, body := fetch(t, browser(t), srv.URL+"/_abacus/studio/d-1/alice?authToken=good-studio"); code != 403 || !strings.Contains(body, "already been used") {
		t.Errorf("reuse: %d %s", code, body)
	}
	code, body := fetch(t, b, srv.URL+"/_abacus/studio/d-1/alice/credentials")
	var cp map[string]any
	if code != 200 || json.Unmarshal([]byte(body), &cp) != nil || cp["Version"] != float64(1) || cp["AccessKeyId"] != "ASIASTUDIO" ||
		cp["Expiration"] != "2030-01-01T01:00:00Z" {
		t.Errorf("credentials: %d %s", code, body)
	}
	if n := len(sink.all()); n != 2 {
		t.Errorf("%d audit events, want 2 (the open and the reuse)", n)
	}
	resp, err := http.Post(srv.URL+"/_abacus/studio/d-1/alice", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}
