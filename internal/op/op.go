// Package op is the operation registry: every AWS operation abacus serves is
// registered once, next to its handler, with the authorizations it needs.
//
// A registry entry is data as much as code: the server routes by it and
// authorizes with it before the handler runs; the analyzer and the docs read
// it. The flow for one call is
//
//	in := entry.NewInput()            // protocol layer decodes into it
//	checks, err := entry.Authorize(ctx, call, in)
//	...authz decides every check; any denial stops here, nothing changed...
//	out, err := entry.Handle(ctx, call, in)
//
// Services import op (never net/http or the server) and export a
// Register(*op.Registry) function.
package op

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"time"

	"abacus/internal/model"
)

// Call is what a handler knows about the request besides its input. It is
// built by the server after authentication and is read-only for handlers.
type Call struct {
	Account   model.AccountID
	Region    string
	Principal *model.Principal
	RequestID string
	SourceIP  string
	UserAgent string
	// Now is the request's time, the same one authorization used.
	Now time.Time
	// Authz lets an operation make further decisions while it runs (a
	// trust policy, a check that depends on stored state). It is never nil
	// in a server-built Call.
	Authz Authorizer
	// Service is the name of the service that received the call
	// (CloudTrail's eventSource prefix), e.g. "sagemaker".
	Service string
}

// Authorizer decides checks for the caller of a call. It returns nil when
// every check is allowed and an *apierr.Error (AccessDenied in the
// protocol's spelling, with AWS's message) for the first denial.
type Authorizer interface {
	Authorize(ctx context.Context, c *Call, checks ...Check) error
}

// Check is one authorization an operation needs: an IAM action on a
// resource, with the condition keys the request supplies and the attributes
// of the resource that conditions may read.
type Check struct {
	// Action is the IAM action, e.g. "sagemaker:CreateTrainingJob".
	Action string
	// Resource is the resource ARN, or "*" for actions without a resource
	// type (List* and the like).
	Resource string
	// Context holds the request-derived condition keys for this check:
	// service keys (sagemaker:InstanceTypes), aws:RequestTag/*,
	// aws:TagKeys, iam:PassedToService. Keys use AWS's spelling; lookups
	// are case-insensitive. Global keys (aws:PrincipalArn, aws:SourceIp,
	// ...) are added by the server and must not be set here.
	Context map[string][]string
	// ResourceTags are the existing resource's tags; the server exposes
	// them as aws:ResourceTag/* and, when TagKeyPrefix is set, under the
	// service's alias too (e.g. "sagemaker:ResourceTag/").
	ResourceTags map[string]string
	TagKeyPrefix string
	// ResourcePolicy is the resource's resource-based policy document (a
	// bucket policy, a secret's resource policy, a role's trust policy
	// when the action is sts:AssumeRole), or empty.
	ResourcePolicy string
	// ResourceOwner is the account that owns the resource; empty means the
	// caller's account.
	ResourceOwner model.AccountID
}

// Entry is one registered operation with its types erased, as the server
// uses it.
type Entry interface {
	// Service is the service's signing name, e.g. "iam", "sagemaker", "s3".
	Service() string
	// Name is the operation name as in botocore's model, e.g. "CreateRole".
	Name() string
	// ReadOnly reports whether the operation changes nothing (CloudTrail's
	// readOnly).
	ReadOnly() bool
	// NewInput returns a pointer to a zero input struct for decoding.
	NewInput() any
	// InputType and OutputType are the struct types (not pointers), for
	// model checks and docs.
	InputType() reflect.Type
	OutputType() reflect.Type
	// Authorize returns the checks that must all be allowed before Handle
	// may run. It may read state (resource tags, policies) but must not
	// change any.
	Authorize(ctx context.Context, c *Call, in any) ([]Check, error)
	// Handle runs the operation. in is the value NewInput returned.
	Handle(ctx context.Context, c *Call, in any) (any, error)
}

// Spec describes one operation with its concrete input and output types.
// Authorize and Handle are required.
type Spec[In, Out any] struct {
	Service   string
	Name      string
	ReadOnly  bool
	Authorize func(ctx context.Context, c *Call, in *In) ([]Check, error)
	Handle    func(ctx context.Context, c *Call, in *In) (*Out, error)
}

type entry[In, Out any] struct{ s Spec[In, Out] }

func (e entry[In, Out]) Service() string          { return e.s.Service }
func (e entry[In, Out]) Name() string             { return e.s.Name }
func (e entry[In, Out]) ReadOnly() bool           { return e.s.ReadOnly }
func (e entry[In, Out]) NewInput() any            { return new(In) }
func (e entry[In, Out]) InputType() reflect.Type  { return reflect.TypeFor[In]() }
func (e entry[In, Out]) OutputType() reflect.Type { return reflect.TypeFor[Out]() }

func (e entry[In, Out]) Authorize(ctx context.Context, c *Call, in any) ([]Check, error) {
	return e.s.Authorize(ctx, c, in.(*In))
}

func (e entry[In, Out]) Handle(ctx context.Context, c *Call, in any) (any, error) {
	out, err := e.s.Handle(ctx, c, in.(*In))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Registry holds the registered operations. It is filled at start-up and
// read-only afterwards, so concurrent lookups need no locking. The zero
// value is ready to use.
type Registry struct {
	byKey map[string]Entry
}

// Register adds s to r. It panics on a missing Authorize or Handle or a
// duplicate registration, because both are programming errors found at
// start-up by every test that builds a server.
func Register[In, Out any](r *Registry, s Spec[In, Out]) {
	if s.Service == "" || s.Name == "" || s.Authorize == nil || s.Handle == nil {
		panic(fmt.Sprintf("op: incomplete registration of %s:%s", s.Service, s.Name))
	}
	if r.byKey == nil {
		r.byKey = make(map[string]Entry)
	}
	k := s.Service + ":" + s.Name
	if _, dup := r.byKey[k]; dup {
		panic("op: duplicate registration of " + k)
	}
	r.byKey[k] = entry[In, Out]{s}
}

// Lookup returns the entry for an operation of a service.
func (r *Registry) Lookup(service, name string) (Entry, bool) {
	e, ok := r.byKey[service+":"+name]
	return e, ok
}

// Entries returns every entry, sorted by service then name.
func (r *Registry) Entries() []Entry {
	out := make([]Entry, 0, len(r.byKey))
	for _, e := range r.byKey {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service() != out[j].Service() {
			return out[i].Service() < out[j].Service()
		}
		return out[i].Name() < out[j].Name()
	})
	return out
}

// On is the common Authorize for an operation that needs exactly one check
// on one resource derived from its input: op.On("iam:GetRole", roleARN).
func On[In any](action string, resource func(c *Call, in *In) string) func(context.Context, *Call, *In) ([]Check, error) {
	return func(_ context.Context, c *Call, in *In) ([]Check, error) {
		return []Check{{Action: action, Resource: resource(c, in)}}, nil
	}
}

// Any is the Authorize for an action that has no resource type (Resource
// "*" in AWS's Service Authorization Reference), such as sts:GetCallerIdentity
// or iam:ListRoles... (ListRoles does have one; use On for those).
func Any[In any](action string) func(context.Context, *Call, *In) ([]Check, error) {
	return func(context.Context, *Call, *In) ([]Check, error) {
		return []Check{{Action: action, Resource: "*"}}, nil
	}
}

// Time returns the call's time in UTC to the millisecond, the precision of
// AWS's timestamps, or now()'s when the call carries none (a call built
// outside the server, in a test).
func (c *Call) Time(now func() time.Time) time.Time {
	t := c.Now
	if t.IsZero() {
		t = now()
	}
	return t.UTC().Truncate(time.Millisecond)
}
