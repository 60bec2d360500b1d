package sagemaker

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"time"

	"abacus/internal/store"
)

// Store is the slice of storage SageMaker needs: generic resources (and, to
// check that a passed role exists, IAM roles) in read and read-write
// transactions. *sqlite.Store satisfies it.
type Store interface {
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
	Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
}

// RoleAssumer mints role sessions that SageMaker creates for itself: a
// Studio user's session of the profile's execution role. The wiring adapts
// the STS service's AssumeRoleAsService to it.
type RoleAssumer interface {
	AssumeRoleAsService(ctx context.Context, req RoleSessionRequest) (RoleCredentials, error)
}

// RoleSessionRequest asks for a session of RoleARN for the SageMaker
// service principal.
type RoleSessionRequest struct {
	RoleARN string
	// SessionName is the role session name; Studio uses "SageMaker".
	SessionName string
	// SourceIdentity is aws:SourceIdentity of the session, or empty.
	SourceIdentity string
	// ContextKeys are carried by every request made with the session
	// (sagemaker:DomainId, sagemaker:UserProfileName).
	ContextKeys map[string][]string
	// Duration is the session's lifetime; zero means one hour.
	Duration time.Duration
	// Region is the region the session is for (recorded as the role's
	// last-used region).
	Region string
}

// RoleCredentials are temporary credentials of a role session.
type RoleCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	// AssumedRoleARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
	AssumedRoleARN string
}

// Default delays of status transitions.
const (
	// DefaultDelay is how long a transitional status (Pending, Stopping,
	// Deleting, ...) lasts when Options.Delay is zero.
	DefaultDelay = 2 * time.Second
)

// Options configure a [Service]. Store is required; the zero value of every
// other field is valid.
type Options struct {
	Store Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Delay is how long each transitional status lasts before it settles
	// (Pending -> InService, Stopping -> Stopped, ...). Zero means
	// [DefaultDelay]; a negative value makes every transition immediate.
	Delay time.Duration
	// Roles mints Studio sessions; nil makes CreatePresignedDomainUrl's
	// landing page unable to offer credentials.
	Roles RoleAssumer
	// Rand is the source of identifiers and URL tokens; nil means
	// crypto/rand.
	Rand io.Reader
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
}

// Service implements SageMaker. It keeps no state of its own beyond its
// configuration, so it is safe for concurrent use and several nodes may
// serve one store.
type Service struct {
	store Store
	now   func() time.Time
	delay time.Duration
	roles RoleAssumer
	rand  io.Reader
	log   *slog.Logger
}

// New returns a Service.
func New(o Options) *Service {
	s := &Service{store: o.Store, now: o.Now, delay: o.Delay, roles: o.Roles, rand: o.Rand, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case s.delay == 0:
		s.delay = DefaultDelay
	case s.delay < 0:
		s.delay = 0
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}
