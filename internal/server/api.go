package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/audit"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsjson"
	"abacus/internal/protocol/awsquery"
	"abacus/internal/protocol/restjson"
	"abacus/internal/protocol/restxml"
	"abacus/internal/protocol/route"
	"abacus/internal/sigv4"
)

// exchange is the state of one API request as it moves through the
// pipeline. It is confined to the request's goroutine.
type exchange struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	start   time.Time
	reqID   string
	hostID  string
	svc     *protocol.Service
	opName  string
	wrote   bool
	call    *op.Call
	dec     decisionLog
	errCode string
	// audited reports whether the request's one audit event was recorded;
	// readOnly is the operation's, once known.
	audited  bool
	readOnly bool
	// op is the identified operation; trailer receives an aws-chunked
	// payload's trailing headers (S3).
	op      *protocol.Operation
	trailer http.Header
}

// serveAPI runs the request pipeline; see the package documentation.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	x := &exchange{s: s, w: w, r: r, start: s.opt.Now()}
	x.reqID, x.hostID = newRequestID()
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("request_id", x.reqID), slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			e := apierr.Internal(fmt.Errorf("panic: %v", p))
			if !x.audited {
				x.audit(nil, nil, e)
			}
			if !x.wrote {
				x.writeError(e)
			}
		}
		svc := "unknown"
		if x.svc != nil {
			svc = x.svc.Name
		}
		s.metrics.observe(svc, x.opName, x.errCode, s.opt.Now().Sub(x.start))
	}()
	x.serve()
}

func (x *exchange) serve() {
	s, r := x.s, x.r
	ctx := r.Context()

	// 1. Identify the service and operation. Query requests carry their
	// Action in the body, and every non-S3 body is small and signed as a
	// whole, so it is read (bounded) up front; S3 bodies stream.
	var body []byte
	if s.routes.WantsBody(r) || needsBody(r) {
		b, aerr := readBody(r, s.opt.MaxBodyBytes)
		if aerr != nil {
			x.guessService()
			x.fail(aerr)
			return
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	rt, aerr := s.routes.Identify(r, body)
	x.svc = rt.Service
	if rt.Operation != nil {
		x.opName = rt.Operation.Name
		x.op = rt.Operation
	}
	if aerr != nil {
		x.fail(aerr)
		return
	}
	entry, ok := s.opt.Registry.Lookup(rt.Service.Name, rt.Operation.Name)
	if !ok {
		x.fail(notImplemented(rt.Service, rt.Operation.Name))
		return
	}
	x.readOnly = entry.ReadOnly()

	// 2. Authenticate.
	proto := sigv4.ProtocolJSON
	switch rt.Service.Protocol {
	case protocol.Query:
		proto = sigv4.ProtocolQuery
	case protocol.RESTXML:
		if rt.Service.Name == "s3" {
			proto = sigv4.ProtocolS3
		}
	}
	res, err := s.verifier.Verify(ctx, r, sigv4.Options{Protocol: proto, MaxBodyBytes: s.opt.MaxBodyBytes, Service: rt.Service.SigningName})
	if err != nil {
		x.fail(apierr.From(err))
		return
	}
	p, _ := res.Credential.Principal.(*model.Principal)
	if p == nil {
		x.fail(apierr.Internal(errors.New("credential without a principal")))
		return
	}
	if res.Body != nil {
		r.Body = res.Body
	}
	x.trailer = res.Trailer
	x.call = &op.Call{
		Account:   p.AccountID,
		Region:    res.Region,
		Principal: p,
		RequestID: x.reqID,
		SourceIP:  sourceIP(r),
		UserAgent: r.UserAgent(),
		Now:       x.start,
		Service:   rt.Service.SigningName,
	}
	x.call.Authz = &callAuthorizer{s: s, x: x}

	// 3. Decode.
	in := entry.NewInput()
	if aerr := x.decode(rt, body, in); aerr != nil {
		x.audit(in, nil, aerr)
		x.writeError(aerr)
		return
	}

	// 4. Authorize every declared check before anything changes.
	checks, err := entry.Authorize(ctx, x.call, in)
	if err != nil {
		e := apierr.From(err, s.opt.Mappers...)
		x.audit(in, nil, e)
		x.writeError(e)
		return
	}
	if err := x.call.Authz.Authorize(ctx, x.call, checks...); err != nil {
		e := apierr.From(err, s.opt.Mappers...)
		x.audit(in, nil, e)
		x.writeError(e)
		return
	}

	// 5. Run, 6. audit durably, 7. respond.
	out, err := entry.Handle(ctx, x.call, in)
	var e *apierr.Error
	if err != nil {
		e = apierr.From(err, s.opt.Mappers...)
		if e.Fault == apierr.Receiver {
			s.log.LogAttrs(ctx, slog.LevelError, "operation failed", slog.String("request_id", x.reqID),
				slog.String("operation", entry.Name()), slog.Any("error", e.Err))
		}
	}
	if aerr := x.audit(in, out, e); aerr != nil && e == nil {
		closePayload(out)
		x.writeError(aerr)
		return
	}
	if e != nil {
		x.writeError(e)
		return
	}
	x.writeOutput(out)
}

// fail audits a request that failed before its operation could run
// (unroutable, too large, unauthenticated) and answers it with e.
func (x *exchange) fail(e *apierr.Error) {
	x.audit(nil, nil, e)
	x.writeError(e)
}

// audit records the request's one event and reports an error when it could
// not be made durable; the caller must then not acknowledge the request.
// Before authentication the event has no principal (userIdentity type
// Unknown) and is recorded in the server's account.
func (x *exchange) audit(in, out any, e *apierr.Error) *apierr.Error {
	x.audited = true
	if x.call == nil {
		x.call = &op.Call{Account: x.s.opt.Account, Region: scopeRegion(x.r), RequestID: x.reqID,
			SourceIP: sourceIP(x.r), UserAgent: x.r.UserAgent(), Now: x.start}
		if x.svc != nil {
			x.call.Service = x.svc.SigningName
		}
	}
	name := x.opName
	if name == "" {
		name = "Unknown"
	}
	d := audit.Details{
		EventName: name,
		ReadOnly:  x.readOnly,
		Request:   in,
		Response:  out,
		Err:       e,
		Decision:  x.dec.audit(),
		Resources: x.dec.resources(),
	}
	if x.svc != nil {
		// CloudTrail names a service by its signing name
		// (sagemaker.amazonaws.com, not the endpoint prefix api.sagemaker).
		d.EventSource = x.svc.SigningName + ".amazonaws.com"
	} else {
		d.EventSource = "unknown"
	}
	ev, err := x.s.events.Event(x.call, d)
	if err == nil {
		start := time.Now()
		ctx := context.WithoutCancel(x.r.Context())
		err = x.s.opt.Audit.Record(ctx, ev)
		x.s.metrics.audit.Observe(time.Since(start).Seconds())
	}
	if err != nil {
		x.s.log.LogAttrs(x.r.Context(), slog.LevelError, "audit record failed; request not acknowledged",
			slog.String("request_id", x.reqID), slog.Any("error", err))
		return apierr.Internal(err)
	}
	return nil
}

func (x *exchange) decode(rt route.Route, body []byte, in any) *apierr.Error {
	switch x.svc.Protocol {
	case protocol.JSON:
		if len(bytes.TrimSpace(body)) == 0 {
			body = []byte("{}")
		}
		return awsjson.Decode(body, in)
	case protocol.Query:
		return awsquery.Decode(rt.Params, in)
	case protocol.RESTXML:
		if x.svc.Name == "s3" {
			return x.decodeS3(rt, in, x.trailer)
		}
		return restxml.DecodeRequest(x.r, body, rt.Labels, in)
	case protocol.RESTJSON:
		return restjson.DecodeRequest(x.r, body, rt.Labels, in)
	}
	return apierr.New(http.StatusBadRequest, apierr.CodeValidationException, "unsupported protocol "+string(x.svc.Protocol))
}

func (x *exchange) writeOutput(out any) {
	x.wrote = true
	var err error
	switch x.svc.Protocol {
	case protocol.JSON:
		err = awsjson.WriteResponse(x.w, x.svc.JSONVersion, x.reqID, out)
	case protocol.Query:
		err = awsquery.WriteResponse(x.w, x.svc.XMLNamespace, x.opName, x.reqID, out)
	case protocol.RESTXML:
		err = x.writeS3Output(x.op, out)
	case protocol.RESTJSON:
		status := 0
		if x.op != nil {
			status = x.op.ResponseCode
		}
		err = restjson.WriteResponse(x.w, x.reqID, status, out)
	}
	if err != nil {
		x.s.log.LogAttrs(x.r.Context(), slog.LevelError, "encode response", slog.String("request_id", x.reqID), slog.Any("error", err))
	}
}

// writeError renders e in the protocol of the request's service; when the
// service is unknown it answers in S3's shape, as AWS's shared endpoints do
// for requests they cannot place.
func (x *exchange) writeError(e *apierr.Error) {
	x.wrote = true
	x.errCode = e.Code
	if e.Fault == apierr.Receiver && e.Err != nil {
		x.s.log.LogAttrs(x.r.Context(), slog.LevelError, "internal failure", slog.String("request_id", x.reqID), slog.Any("error", e.Err))
	}
	if x.svc == nil {
		restxml.WriteError(x.w, x.r.Method, x.reqID, x.hostID, e)
		return
	}
	if e.HTTPStatus == http.StatusNotModified && x.svc.Protocol == protocol.RESTXML {
		x.writeS3NotModified(e)
		return
	}
	switch x.svc.Protocol {
	case protocol.JSON, protocol.RESTJSON:
		awsjson.WriteError(x.w, x.svc.JSONVersion, x.reqID, e)
	case protocol.Query:
		awsquery.WriteError(x.w, x.svc.XMLNamespace, x.reqID, e)
	default:
		restxml.WriteError(x.w, x.r.Method, x.reqID, x.hostID, e)
	}
}

// guessService sets the service from the credential scope, so that an
// error found before identification is still rendered in its protocol.
func (x *exchange) guessService() {
	if svc, ok := protocol.ServiceBySigningName(route.ScopeService(x.r)); ok {
		x.svc = svc
	}
}

func needsBody(r *http.Request) bool {
	if r.Header.Get("X-Amz-Target") != "" {
		return true
	}
	if svc, ok := protocol.ServiceBySigningName(route.ScopeService(r)); ok {
		return svc.Protocol == protocol.JSON || svc.Protocol == protocol.Query || svc.Protocol == protocol.RESTJSON
	}
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "application/x-amz-json-")
}

func readBody(r *http.Request, limit int64) ([]byte, *apierr.Error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, apierr.New(http.StatusBadRequest, "IncompleteBody", "The request body could not be read: "+err.Error())
	}
	if int64(len(b)) > limit {
		return nil, apierr.Newf(http.StatusRequestEntityTooLarge, apierr.CodeRequestEntityTooLarge,
			"Request body of more than %d bytes is not accepted.", limit)
	}
	return b, nil
}

func notImplemented(svc *protocol.Service, name string) *apierr.Error {
	msg := fmt.Sprintf("abacus does not implement %s:%s yet.", svc.SigningName, name)
	switch svc.Protocol {
	case protocol.Query:
		return apierr.New(http.StatusBadRequest, apierr.CodeInvalidAction, msg)
	case protocol.RESTXML:
		return apierr.New(http.StatusNotImplemented, "NotImplemented", msg)
	}
	return apierr.New(http.StatusBadRequest, apierr.CodeUnknownOperation, msg)
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// scopeRegion returns the region of r's credential scope, or us-east-1
// when r carries none.
func scopeRegion(r *http.Request) string {
	if region, _, ok := sigv4.Scope(r); ok {
		return region
	}
	return "us-east-1"
}
