package sigv4

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ErrUnknownAccessKey is wrapped by a [CredentialLookup] error when no
// credential has the requested access key ID. Any other lookup error is
// treated as a server fault, so the request fails closed with a 5xx.
var ErrUnknownAccessKey = errors.New("sigv4: unknown access key")

// SecretKey is a secret access key. It never prints: its String, GoString
// and slog.LogValue return "REDACTED". Use [SecretKey.Reveal] to read it.
type SecretKey struct {
	s   string
	sum [sha256.Size]byte // identifies the secret in the signing key cache
}

// NewSecretKey wraps a secret access key.
func NewSecretKey(secret string) SecretKey {
	return SecretKey{s: secret, sum: sha256.Sum256([]byte(secret))}
}

// Reveal returns the secret itself, for the code that derives signing keys.
func (k SecretKey) Reveal() string { return k.s }

// IsZero reports whether k holds no secret.
func (k SecretKey) IsZero() bool { return k.s == "" }

// String returns "REDACTED", so that the secret never reaches a log or error.
func (k SecretKey) String() string { return redacted }

// GoString returns "REDACTED", for %#v.
func (k SecretKey) GoString() string { return redacted }

// LogValue implements slog.LogValuer and returns "REDACTED".
func (k SecretKey) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText returns "REDACTED", so that encoding a struct that holds a
// secret does not reveal it.
func (k SecretKey) MarshalText() ([]byte, error) { return []byte(redacted), nil }

const redacted = "REDACTED"

// Credential is what a [CredentialLookup] knows about one access key.
//
// SessionToken is set for temporary credentials issued by STS; a request
// signed with them must carry the same token. Expires is when temporary
// credentials stop working; the zero value means never. Principal is opaque
// to this package and is handed back in [Result].
type Credential struct {
	AccessKeyID  string
	Secret       SecretKey
	SessionToken string
	Expires      time.Time
	Principal    any
}

// LogValue implements slog.LogValuer: it logs the access key ID and expiry
// and redacts the secret and the session token.
func (c Credential) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("access_key_id", c.AccessKeyID),
		slog.String("secret", redacted),
	}
	if c.SessionToken != "" {
		attrs = append(attrs, slog.String("session_token", redacted))
	}
	if !c.Expires.IsZero() {
		attrs = append(attrs, slog.Time("expires", c.Expires))
	}
	return slog.GroupValue(attrs...)
}

// CredentialLookup finds the credential for an access key ID. It returns an
// error wrapping [ErrUnknownAccessKey] when there is none. It is called once
// per verified request and must be safe for concurrent use.
type CredentialLookup interface {
	LookupCredential(ctx context.Context, accessKeyID string) (Credential, error)
}

// CredentialLookupFunc adapts a function to [CredentialLookup].
type CredentialLookupFunc func(ctx context.Context, accessKeyID string) (Credential, error)

// LookupCredential calls f.
func (f CredentialLookupFunc) LookupCredential(ctx context.Context, accessKeyID string) (Credential, error) {
	return f(ctx, accessKeyID)
}

// StaticCredentials is a fixed set of credentials keyed by access key ID,
// for tests and for keys configured at start-up. It is safe for concurrent
// lookups as long as nobody modifies it.
type StaticCredentials map[string]Credential

// LookupCredential returns the credential for accessKeyID, or an error
// wrapping [ErrUnknownAccessKey].
func (s StaticCredentials) LookupCredential(_ context.Context, accessKeyID string) (Credential, error) {
	c, ok := s[accessKeyID]
	if !ok {
		return Credential{}, fmt.Errorf("access key %q: %w", accessKeyID, ErrUnknownAccessKey)
	}
	return c, nil
}
