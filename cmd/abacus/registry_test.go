package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/protocol"
)

// noPermissionNeeded lists the operations that AWS documents as needing no
// permission: "No permissions are required to perform this operation" in
// the STS API reference for GetCallerIdentity and GetSessionToken
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
var noPermissionNeeded = map[string]bool{
	"sts:GetCallerIdentity": true,
	"sts:GetSessionToken":   true,
}

// TestEveryOperationDeclaresItsChecks fails closed: every registered
// operation must name a real operation of its service's model and, for an
// empty input, declare at least one check whose action belongs to the
// service (an IAM action with its prefix) and whose resource is an ARN or
// "*". An operation that forgot its authorization cannot be served.
func TestEveryOperationDeclaresItsChecks(t *testing.T) {
	a, err := newApp(context.Background(), config{InMemory: true, AccountID: "123456789012", Enforce: "on",
		RootKeyID: "AKIAIOSFODNN7EXAMPLE", RootSecret: "secret"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	entries := a.registry.Entries()
	if len(entries) == 0 {
		t.Fatal("no operations registered")
	}
	p := &model.Principal{Type: model.PrincipalRoot, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:root", ID: "123456789012"}
	for _, e := range entries {
		t.Run(e.Service()+"/"+e.Name(), func(t *testing.T) {
			svc, ok := protocol.LookupService(e.Service())
			if !ok {
				t.Fatalf("service %q is not in the protocol table", e.Service())
			}
			if _, ok := svc.Operation(e.Name()); !ok {
				t.Fatalf("%s has no operation %s in botocore's model", e.Service(), e.Name())
			}
			call := &op.Call{Account: "123456789012", Region: "us-east-1", Principal: p, Now: time.Now(), Service: svc.SigningName}
			checks, err := e.Authorize(context.Background(), call, e.NewInput())
			if err != nil {
				// An empty input may be invalid; the operation must then
				// refuse it before any state changes, which is fine.
				t.Skipf("Authorize refuses an empty input: %v", err)
			}
			if len(checks) == 0 && !noPermissionNeeded[e.Service()+":"+e.Name()] {
				t.Fatal("Authorize declares no check")
			}
			for _, c := range checks {
				prefix, name, ok := strings.Cut(c.Action, ":")
				if !ok || prefix == "" || name == "" {
					t.Errorf("check action %q is not service:Action", c.Action)
				}
				// An empty resource comes from a required member that the
				// empty input lacks; the decoder rejects such requests.
				if c.Resource != "" && c.Resource != "*" && !strings.HasPrefix(c.Resource, "arn:") {
					t.Errorf("check %s resource %q is neither an ARN nor *", c.Action, c.Resource)
				}
			}
		})
	}
}
