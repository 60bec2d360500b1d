package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeStudio answers CreatePresignedDomainUrl and serves a landing page and
// its credentials as abacus does.
func fakeStudio(t *testing.T, deny bool) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			auth := r.Header.Get("Authorization")
			body, _ := io.ReadAll(r.Body)
			if r.Header.Get("X-Amz-Target") != "SageMaker.CreatePresignedDomainUrl" || !strings.Contains(auth, "Credential=AKIDSAM/") ||
				!strings.Contains(auth, "/us-west-2/sagemaker/aws4_request") || string(body) != `{"DomainId":"d-1","UserProfileName":"alice"}` {
				http.Error(w, "bad request: "+auth+" "+string(body), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			if deny {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"__type":"AccessDeniedException","Message":"User: sam is not authorized"}`)
				return
			}
			io.WriteString(w, `{"AuthorizedUrl":"`+srv.URL+`/_abacus/studio/d-1/alice?authToken=tok"}`)
		case r.URL.Query().Get("authToken") == "tok":
			http.SetCookie(w, &http.Cookie{Name: "abacus-landing-session", Value: "c", Path: "/_abacus/studio/d-1/alice"})
			http.Redirect(w, r, "/_abacus/studio/d-1/alice", http.StatusSeeOther)
		case r.URL.Path == "/_abacus/studio/d-1/alice":
			io.WriteString(w, "<html>page</html>")
		case r.URL.Path == "/_abacus/studio/d-1/alice/credentials":
			if c, err := r.Cookie("abacus-landing-session"); err != nil || c.Value != "c" {
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, `<p role="alert" id="error">You have no session for this page.</p>`)
				return
			}
			io.WriteString(w, `{"Version": 1, "AccessKeyId": "ASIA"}`+"\n")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestStudioCommand(t *testing.T) {
	t.Parallel()
	ok, denied := fakeStudio(t, false), fakeStudio(t, true)
	env := func(endpoint string) studioEnv {
		vars := map[string]string{"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "AKIDSAM", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-west-2"}
		return studioEnv{getenv: func(k string) string { return vars[k] }, now: time.Now}
	}
	tests := []struct {
		name       string
		args       []string
		endpoint   string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"no subcommand", nil, ok.URL, 2, "", "Usage: abacus studio credentials"},
		{"help", []string{"-h"}, ok.URL, 0, "Usage: abacus studio credentials", ""},
		{"missing flags", []string{"credentials", "--domain-id", "d-1"}, ok.URL, 2, "", "--domain-id and --user-profile are required"},
		{"credentials", []string{"credentials", "--domain-id", "d-1", "--user-profile", "alice"}, ok.URL, 0, `{"Version": 1, "AccessKeyId": "ASIA"}` + "\n", ""},
		{"denied", []string{"credentials", "--domain-id", "d-1", "--user-profile", "alice"}, denied.URL, 1, "",
			"CreatePresignedDomainUrl: AccessDeniedException: User: sam is not authorized"},
	}
	for _, tt := range tests {
		var stdout, stderr strings.Builder
		code := runStudio(tt.args, &stdout, &stderr, env(tt.endpoint))
		if code != tt.wantCode || (tt.wantStdout != "" && !strings.Contains(stdout.String(), tt.wantStdout)) ||
			(tt.wantStderr != "" && !strings.Contains(stderr.String(), tt.wantStderr)) {
			t.Errorf("%s: exit %d\nstdout: %s\nstderr: %s", tt.name, code, stdout.String(), stderr.String())
		}
	}
}
