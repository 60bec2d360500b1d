package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/audit"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/sagemaker"
)

// LandingPages is the state behind the landing pages of presigned URLs
// (SageMaker notebook instances and Studio); *sagemaker.Service implements
// it. page is the path after /_abacus/: "notebook/NAME" or
// "studio/DOMAIN/PROFILE".
type LandingPages interface {
	// PeekLanding validates a presigned URL's token without consuming it.
	PeekLanding(ctx context.Context, acct model.AccountID, page, token string, now time.Time) (sagemaker.Landing, error)
	// OpenLanding consumes the token and starts a landing session.
	OpenLanding(ctx context.Context, acct model.AccountID, page, token string, now time.Time) (sagemaker.Landing, error)
	// LandingSession returns the landing of an open session.
	LandingSession(ctx context.Context, acct model.AccountID, page, cookie string, now time.Time) (sagemaker.Landing, error)
	// StudioCredentials mints the Studio session's credentials.
	StudioCredentials(ctx context.Context, acct model.AccountID, page, cookie string, now time.Time) (sagemaker.RoleCredentials, error)
}

// landingCookie is the cookie of a landing session.
const landingCookie = "abacus-landing-session"

// Audit event names of landing-page opens.
const (
	eventOpenNotebook = "OpenPresignedNotebookInstanceUrl"
	eventOpenStudio   = "OpenPresignedDomainUrl"
)

// landingRequest is what a landing-page audit event records as its
// requestParameters (never the token or the cookie).
type landingRequest struct {
	NotebookInstanceName string `json:",omitempty"`
	DomainId             string `json:",omitempty"`
	UserProfileName      string `json:",omitempty"`
}

// isLandingPath reports whether path is a landing page's.
func isLandingPath(path string) bool {
	return strings.HasPrefix(path, "/_abacus/notebook/") || strings.HasPrefix(path, "/_abacus/studio/")
}

// serveLanding serves a presigned URL's landing page. With ?authToken= it
// opens the URL (once; within its validity) and redirects to the page
// without the token; with the session cookie it shows the page, or for
// /_abacus/studio/DOMAIN/PROFILE/credentials the Studio session's
// credentials in the credential_process JSON format. Every request is
// re-authorized as the URL's creator, with this request's source IP, for
// the action that created the URL, as AWS enforces the creator's policies
// on every request to the notebook or app. Each open, allowed or not, is
// one audit event.
func (s *Server) serveLanding(w http.ResponseWriter, r *http.Request) {
	if s.opt.Landing == nil {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	x := &exchange{s: s, w: w, r: r, start: s.opt.Now()}
	x.reqID, x.hostID = newRequestID()
	ctx := r.Context()
	page := strings.TrimPrefix(r.URL.Path, "/_abacus/")
	creds := false
	if p, ok := strings.CutSuffix(page, "/credentials"); ok && strings.HasPrefix(page, "studio/") {
		page, creds = p, true
	}
	kind, rest, _ := strings.Cut(page, "/")
	if rest == "" || (kind == "studio" && strings.Count(rest, "/") != 1) || (kind == "notebook" && strings.Contains(rest, "/")) {
		http.NotFound(w, r)
		return
	}
	now := x.start
	acct := s.opt.Account

	if token := r.URL.Query().Get("authToken"); token != "" {
		l, err := s.opt.Landing.PeekLanding(ctx, acct, page, token, now)
		if err != nil {
			s.landingFailed(x, kind, page, nil, l, err)
			return
		}
		if ok := s.landingAuthorized(x, kind, page, &l, true); !ok {
			return
		}
		l, err = s.opt.Landing.OpenLanding(ctx, acct, page, token, now)
		if err != nil {
			s.landingFailed(x, kind, page, x.call, l, err)
			return
		}
		if aerr := s.landingAudit(x, kind, page, nil); aerr != nil {
			writeLandingError(w, http.StatusInternalServerError, "The request could not be recorded in the audit trail.")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: landingCookie, Value: l.Cookie, Path: "/_abacus/" + page,
			Expires: l.SessionExpires, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		http.Redirect(w, r, "/_abacus/"+page, http.StatusSeeOther)
		return
	}

	cookie := ""
	if c, err := r.Cookie(landingCookie); err == nil {
		cookie = c.Value
	}
	l, err := s.opt.Landing.LandingSession(ctx, acct, page, cookie, now)
	if err != nil {
		writeLandingError(w, http.StatusForbidden, landingMessage(err))
		return
	}
	if ok := s.landingAuthorized(x, kind, page, &l, false); !ok {
		return
	}
	if kind == "studio" {
		cr, err := s.opt.Landing.StudioCredentials(ctx, acct, page, cookie, now)
		if err != nil {
			e := apierr.From(err, s.opt.Mappers...)
			s.log.LogAttrs(ctx, slog.LevelWarn, "studio credentials", slog.String("request_id", x.reqID), slog.Any("error", err))
			writeLandingError(w, http.StatusForbidden, "Studio credentials could not be issued: "+e.Message)
			return
		}
		if creds {
			writeCredentialProcess(w, cr)
			return
		}
		renderLanding(w, l, &cr)
		return
	}
	renderLanding(w, l, nil)
}

// landingAuthorized re-authorizes the landing's action for its creator with
// this request's source IP. A denial is answered with a 403 page; when open
// is set (the request carries the URL's token) the denial is audited.
func (s *Server) landingAuthorized(x *exchange, kind, page string, l *sagemaker.Landing, open bool) bool {
	ctx := x.r.Context()
	x.call = &op.Call{Account: s.opt.Account, Region: l.Region, RequestID: x.reqID, SourceIP: sourceIP(x.r),
		UserAgent: x.r.UserAgent(), Now: x.start, Service: "sagemaker"}
	var p *model.Principal
	if l.CreatorKeyID != "" {
		if cr, err := s.opt.Credentials.LookupCredential(ctx, l.CreatorKeyID); err == nil {
			p, _ = cr.Principal.(*model.Principal)
		}
	}
	if p == nil {
		msg := "The credentials that created this presigned URL are no longer valid."
		if open {
			s.landingAudit(x, kind, page, apierr.New(http.StatusForbidden, apierr.CodeAccessDenied, msg))
		}
		writeLandingError(x.w, http.StatusForbidden, msg)
		return false
	}
	x.call.Principal = p
	x.call.Authz = &callAuthorizer{s: s, x: x}
	check := op.Check{Action: l.Action, Resource: l.ResourceARN, ResourceTags: l.ResourceTags, TagKeyPrefix: sagemaker.ResourceTagPrefix}
	err := x.call.Authz.Authorize(ctx, x.call, check)
	if err == nil {
		return true
	}
	e := apierr.From(err, s.opt.Mappers...)
	if open {
		if aerr := s.landingAudit(x, kind, page, e); aerr != nil {
			writeLandingError(x.w, http.StatusInternalServerError, "The request could not be recorded in the audit trail.")
			return false
		}
	}
	status := http.StatusForbidden
	if e.Fault == apierr.Receiver {
		status = http.StatusInternalServerError
	}
	writeLandingError(x.w, status, e.Message)
	return false
}

// landingFailed answers and audits an open that failed before or after
// authorization (an invalid, expired or reused URL).
func (s *Server) landingFailed(x *exchange, kind, page string, call *op.Call, l sagemaker.Landing, err error) {
	if call == nil {
		x.call = &op.Call{Account: s.opt.Account, Region: l.Region, RequestID: x.reqID, SourceIP: sourceIP(x.r),
			UserAgent: x.r.UserAgent(), Now: x.start, Service: "sagemaker"}
		if x.call.Region == "" {
			x.call.Region = "us-east-1"
		}
	}
	msg := landingMessage(err)
	code := apierr.CodeAccessDenied
	status := http.StatusForbidden
	if !isLandingError(err) {
		e := apierr.From(err, s.opt.Mappers...)
		code, msg = e.Code, e.Message
		if e.Fault == apierr.Receiver {
			status = http.StatusInternalServerError
		}
	}
	if aerr := s.landingAudit(x, kind, page, apierr.New(status, code, msg)); aerr != nil {
		status, msg = http.StatusInternalServerError, "The request could not be recorded in the audit trail."
	}
	writeLandingError(x.w, status, msg)
}

func isLandingError(err error) bool {
	for _, e := range []error{sagemaker.ErrURLInvalid, sagemaker.ErrURLExpired, sagemaker.ErrURLUsed,
		sagemaker.ErrSessionInvalid, sagemaker.ErrSessionExpired} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// landingMessage is the error page's text for err.
func landingMessage(err error) string {
	switch {
	case errors.Is(err, sagemaker.ErrURLExpired):
		return "This presigned URL has expired. Ask for a new one (presigned URLs are valid for a few minutes)."
	case errors.Is(err, sagemaker.ErrURLUsed):
		return "This presigned URL has already been used. Each presigned URL opens one session; ask for a new one."
	case errors.Is(err, sagemaker.ErrURLInvalid):
		return "This presigned URL is not valid (it was altered, or it is for another page)."
	case errors.Is(err, sagemaker.ErrSessionExpired):
		return "Your session has expired. Open a new presigned URL."
	case errors.Is(err, sagemaker.ErrSessionInvalid):
		return "You have no session for this page. Open a presigned URL to start one."
	}
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	return "The page could not be opened."
}

// landingAudit records the one audit event of a landing-page open.
func (s *Server) landingAudit(x *exchange, kind, page string, e *apierr.Error) *apierr.Error {
	name := eventOpenNotebook
	req := landingRequest{}
	parts := strings.Split(strings.TrimPrefix(page, kind+"/"), "/")
	if kind == "studio" {
		name = eventOpenStudio
		req.DomainId = parts[0]
		if len(parts) > 1 {
			req.UserProfileName = parts[1]
		}
	} else {
		req.NotebookInstanceName = parts[0]
	}
	ev, err := s.events.Event(x.call, audit.Details{
		EventSource: "sagemaker.amazonaws.com",
		EventName:   name,
		ReadOnly:    true,
		Request:     req,
		Err:         e,
		Decision:    x.dec.audit(),
		Resources:   x.dec.resources(),
	})
	if err == nil {
		err = s.opt.Audit.Record(context.WithoutCancel(x.r.Context()), ev)
	}
	if err != nil {
		s.log.LogAttrs(x.r.Context(), slog.LevelError, "audit record failed", slog.String("request_id", x.reqID), slog.Any("error", err))
		return apierr.Internal(err)
	}
	return nil
}

// credentialProcess is the AWS credential_process output format.
type credentialProcess struct {
	Version         int
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

func toCredentialProcess(cr sagemaker.RoleCredentials) credentialProcess {
	return credentialProcess{Version: 1, AccessKeyId: cr.AccessKeyID, SecretAccessKey: cr.SecretAccessKey,
		SessionToken: cr.SessionToken, Expiration: cr.Expiration.UTC().Format(time.RFC3339)}
}

func writeCredentialProcess(w http.ResponseWriter, cr sagemaker.RoleCredentials) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	b, _ := json.MarshalIndent(toCredentialProcess(cr), "", "  ")
	w.Write(append(b, '\n'))
}

var landingTmpl = template.Must(template.New("landing").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} - abacus</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}dt{font-weight:600}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>
</head><body>
<h1>{{.Title}}</h1>
{{if .Error}}<p role="alert" id="error">{{.Error}}</p>{{else}}
<dl>
{{if eq .L.Kind "notebook"}}<dt>Notebook instance</dt><dd id="name">{{.L.Name}}</dd>
<dt>Status</dt><dd id="status">{{.L.Status}}</dd>{{else}}<dt>Domain</dt><dd id="domain">{{.L.DomainID}}</dd>
<dt>User profile</dt><dd id="profile">{{.L.UserProfileName}}</dd><dt>Status</dt><dd id="status">{{.L.Status}}</dd>{{end}}
<dt>Resource</dt><dd id="arn">{{.L.ResourceARN}}</dd>
<dt>Opened by</dt><dd id="opened-by">{{.L.CreatorARN}}</dd>
<dt>Session expires</dt><dd id="expires">{{.Expires}}</dd>
</dl>
{{if .Creds}}<h2>Studio session credentials</h2>
<p>These are the temporary credentials of this Studio user's session ({{.Creds.AssumedRoleARN}}).</p>
<h3>JSON (credential_process)</h3><pre id="credentials-json">{{.JSON}}</pre>
<h3>Shell</h3><pre id="credentials-shell">export AWS_ACCESS_KEY_ID={{.Creds.AccessKeyID}}
export AWS_SECRET_ACCESS_KEY={{.Creds.SecretAccessKey}}
export AWS_SESSION_TOKEN={{.Creds.SessionToken}}</pre>
<p><a href="{{.CredsPath}}">credentials as JSON</a></p>{{end}}
{{end}}
</body></html>
`))

type landingView struct {
	Title     string
	Error     string
	L         sagemaker.Landing
	Expires   string
	Creds     *sagemaker.RoleCredentials
	JSON      string
	CredsPath string
}

func renderLanding(w http.ResponseWriter, l sagemaker.Landing, cr *sagemaker.RoleCredentials) {
	v := landingView{L: l, Expires: l.SessionExpires.UTC().Format(time.RFC3339), Creds: cr}
	if l.Kind == sagemaker.LandingNotebook {
		v.Title = "SageMaker notebook instance " + l.Name
	} else {
		v.Title = fmt.Sprintf("SageMaker Studio: %s / %s", l.DomainID, l.UserProfileName)
		v.CredsPath = "/_abacus/studio/" + l.DomainID + "/" + l.UserProfileName + "/credentials"
	}
	if cr != nil {
		b, _ := json.MarshalIndent(toCredentialProcess(*cr), "", "  ")
		v.JSON = string(b)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	landingTmpl.Execute(w, v)
}

func writeLandingError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	landingTmpl.Execute(w, landingView{Title: "Access denied", Error: msg})
}
