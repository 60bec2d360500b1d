// Package server wires abacus together on one HTTP port: it identifies the
// service and operation of each request, verifies its SigV4 signature,
// resolves the caller, decodes the input, authorizes every check the
// operation's registry entry declares, runs the operation, records exactly
// one CloudTrail-format audit event and only then encodes the response.
//
//	HTTP -> route.Identify -> sigv4.Verify -> principal -> decode
//	     -> entry.Authorize -> authz (every check) -> entry.Handle
//	     -> audit.Broker.Record (durable) -> encode
//
// Paths under /_abacus/ are abacus's own: health, metrics and, later,
// presigned-URL landing pages and the console.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/audit"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/principal"
	"abacus/internal/protocol/route"
	"abacus/internal/sigv4"
)

// Enforcement says what happens to a request that authorization denies.
type Enforcement int

const (
	// EnforceOn denies the request with AWS's AccessDenied error.
	EnforceOn Enforcement = iota
	// EnforceSoft logs and audits the would-be denial and lets the request
	// through.
	EnforceSoft
)

// String returns the flag spelling of e.
func (e Enforcement) String() string {
	if e == EnforceSoft {
		return "soft"
	}
	return "on"
}

// PolicySource gives the compiled policy sets of a principal; the principal
// resolver implements it, with caching and precise invalidation.
type PolicySource interface {
	PolicySets(ctx context.Context, p *model.Principal) (principal.Sets, error)
}

// AuditSink records one event durably; *audit.Broker implements it.
type AuditSink interface {
	Record(ctx context.Context, ev audit.Event) error
}

// Options configure a [Server]. Registry, Credentials, Policies and Audit
// are required.
type Options struct {
	// Account is the account every request is served in.
	Account model.AccountID
	// Enforce says whether denials are enforced.
	Enforce Enforcement
	// Logger receives operational logs; nil discards.
	Logger *slog.Logger
	// Registry holds the served operations.
	Registry *op.Registry
	// Credentials looks up access keys for SigV4; the Principal of each
	// credential it returns must be a *model.Principal.
	Credentials sigv4.CredentialLookup
	// Policies gives the caller's policy sets.
	Policies PolicySource
	// Audit records the audit event of every request.
	Audit AuditSink
	// Mappers map service errors to wire errors, tried in order.
	Mappers []apierr.Mapper
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxBodyBytes bounds the body of non-streaming requests; 0 means
	// sigv4.DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Routes identifies requests; nil means route.New(route.Options{}).
	Routes *route.Router
	// Events builds audit events; nil means a zero audit.Builder.
	Events *audit.Builder
	// Landing serves presigned-URL landing pages under /_abacus/notebook/
	// and /_abacus/studio/; nil serves none.
	Landing LandingPages
}

// Server is the HTTP handler of abacus. It is safe for concurrent use.
type Server struct {
	opt      Options
	log      *slog.Logger
	verifier *sigv4.Verifier
	routes   *route.Router
	events   *audit.Builder
	metrics  *metrics
	ready    atomic.Bool
	started  time.Time
	policies *resourcePolicies
}

// New returns a Server; it reports itself ready at once (see SetReady).
func New(opt Options) *Server {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxBodyBytes == 0 {
		opt.MaxBodyBytes = sigv4.DefaultMaxBodyBytes
	}
	s := &Server{opt: opt, log: opt.Logger, routes: opt.Routes, events: opt.Events, metrics: newMetrics()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.routes == nil {
		s.routes = route.New(route.Options{})
	}
	if s.events == nil {
		s.events = &audit.Builder{}
	}
	s.verifier = sigv4.New(sigv4.Config{Lookup: opt.Credentials, Now: opt.Now})
	s.policies = newResourcePolicies()
	s.started = opt.Now()
	s.ready.Store(true)
	return s
}

// SetReady sets whether /_abacus/health reports the server ready.
func (s *Server) SetReady(ok bool) { s.ready.Store(ok) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_abacus/") {
		s.serveInternal(w, r)
		return
	}
	s.serveAPI(w, r)
}

func (s *Server) serveInternal(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_abacus/health":
		s.serveHealth(w, r)
	case "/_abacus/metrics":
		s.metrics.handler().ServeHTTP(w, r)
	default:
		if isLandingPath(r.URL.Path) {
			s.serveLanding(w, r)
			return
		}
		http.NotFound(w, r)
	}
}
