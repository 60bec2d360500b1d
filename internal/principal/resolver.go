package principal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"abacus/internal/model"
	"abacus/internal/sigv4"
	"abacus/internal/store"
)

// Store is the slice of storage the resolver needs: read transactions and
// the change feed. *sqlite.Store satisfies it.
type Store interface {
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
	Subscribe() store.Subscription
}

// RootKey is a long-term access key of an account's root user that comes
// from configuration rather than from the store.
type RootKey struct {
	Account     model.AccountID
	AccessKeyID string
	Secret      model.Secret
}

// Options configures a [Resolver]. Store is required.
type Options struct {
	Store Store
	// Roots are the configured root keys (ABACUS_ROOT_ACCESS_KEY_ID or the
	// generated credentials file).
	Roots  []RootKey
	Logger *slog.Logger
}

// Resolver resolves access key IDs to credentials and principals, and
// principals to their compiled policy sets. It implements
// [sigv4.CredentialLookup]. It is safe for concurrent use; Close it to end
// its change-feed subscription.
type Resolver struct {
	store Store
	roots map[string]Credential
	log   *slog.Logger

	// poll is an already-cancelled context: Subscription.Next with it
	// returns the queued changes without waiting.
	poll context.Context

	mu    sync.Mutex // guards everything below
	sub   store.Subscription
	cache policyCache
	creds credCache
}

// New returns a Resolver subscribed to the store's change feed.
func New(o Options) *Resolver {
	r := &Resolver{store: o.Store, roots: make(map[string]Credential, len(o.Roots)), log: o.Logger}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	for _, k := range o.Roots {
		r.roots[k.AccessKeyID] = Credential{AccessKeyID: k.AccessKeyID, Secret: k.Secret, Principal: rootPrincipal(k.Account, k.AccessKeyID)}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.poll = ctx
	r.sub = o.Store.Subscribe()
	r.cache.init()
	r.creds.init()
	return r
}

// Close ends the resolver's change-feed subscription. Cached policy sets
// are no longer invalidated afterwards, so a closed resolver serves no more
// policy sets.
func (r *Resolver) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sub.Close()
	r.cache.closed = true
}

var _ sigv4.CredentialLookup = (*Resolver)(nil)

// ErrUnknownKey is wrapped by [Resolver.Resolve] errors for an access key
// that does not exist, is Inactive, or belongs to a deleted user or role.
// AWS answers all of these alike (InvalidClientTokenId), and so does
// sigv4 for [sigv4.ErrUnknownAccessKey], which this wraps.
var ErrUnknownKey = fmt.Errorf("principal: %w", sigv4.ErrUnknownAccessKey)

// Credential is what the resolver knows about one access key: the secret
// that signs requests, the session token and expiry of temporary
// credentials, and the verified principal.
type Credential struct {
	AccessKeyID  string
	Secret       model.Secret
	SessionToken model.Secret
	// Expires is when temporary credentials stop working; zero for
	// long-term keys. An expired session is still resolved, so that
	// signature verification can answer ExpiredToken rather than
	// InvalidClientTokenId.
	Expires   time.Time
	Principal *model.Principal
}

// LookupCredential implements [sigv4.CredentialLookup]; the principal is
// handed back as a *model.Principal.
func (r *Resolver) LookupCredential(ctx context.Context, accessKeyID string) (sigv4.Credential, error) {
	c, err := r.Resolve(ctx, accessKeyID)
	if err != nil {
		return sigv4.Credential{}, err
	}
	return sigv4.Credential{
		AccessKeyID:  c.AccessKeyID,
		Secret:       sigv4.NewSecretKey(string(c.Secret)),
		SessionToken: string(c.SessionToken),
		Expires:      c.Expires,
		Principal:    c.Principal,
	}, nil
}

// Resolve returns the credential for accessKeyID. Configured root keys come
// first; then long-term keys (only Active ones); then STS sessions.
//
// Resolved credentials are cached and dropped through the change feed,
// which is drained before every lookup, so a deactivated or deleted key, a
// deleted session, and a changed or deleted user or role take effect on the
// very next request. Unknown keys are not cached.
func (r *Resolver) Resolve(ctx context.Context, accessKeyID string) (Credential, error) {
	if c, ok := r.roots[accessKeyID]; ok {
		return c, nil
	}
	r.mu.Lock()
	if err := r.drainLocked(); err != nil {
		r.mu.Unlock()
		return Credential{}, err
	}
	if c, ok := r.creds.byID[accessKeyID]; ok {
		r.creds.hits++
		r.mu.Unlock()
		return c, nil
	}
	pend := r.creds.begin(accessKeyID)
	oe := r.creds.ownerEpoch
	r.mu.Unlock()

	c, err := r.load(ctx, accessKeyID)
	r.mu.Lock()
	defer r.mu.Unlock()
	// Cache unless a change to this key or session, to any user or role,
	// or a reset arrived while the store was read.
	if r.drainLocked() == nil && err == nil && !pend.changed && r.creds.ownerEpoch == oe {
		r.creds.put(c)
	}
	r.creds.end(accessKeyID, pend)
	if err != nil {
		return Credential{}, err
	}
	return c, nil
}

func (r *Resolver) load(ctx context.Context, accessKeyID string) (Credential, error) {
	var c Credential
	err := r.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		if strings.HasPrefix(accessKeyID, model.PrefixTemporaryAccessKey) {
			c, err = resolveSession(ctx, tx, accessKeyID)
		} else {
			c, err = resolveKey(ctx, tx, accessKeyID)
		}
		return err
	})
	if err != nil {
		return Credential{}, err
	}
	return c, nil
}

func notFound(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: %w", what, ErrUnknownKey)
	}
	return fmt.Errorf("principal: %s: %w", what, err)
}

func resolveKey(ctx context.Context, tx store.ReadTx, id string) (Credential, error) {
	k, err := tx.GetAccessKey(ctx, id)
	if err != nil {
		return Credential{}, notFound(err, "access key "+id)
	}
	if k.Status != model.AccessKeyActive {
		// AWS treats an Inactive key like an unknown one.
		return Credential{}, fmt.Errorf("access key %s is %s: %w", id, k.Status, ErrUnknownKey)
	}
	c := Credential{AccessKeyID: id, Secret: k.SecretAccessKey}
	if k.UserName == "" {
		c.Principal = rootPrincipal(k.AccountID, id)
		return c, nil
	}
	u, err := tx.GetUser(ctx, k.AccountID, k.UserName)
	if err != nil {
		return Credential{}, notFound(err, "user of access key "+id)
	}
	c.Principal = userPrincipal(k.AccountID, u, id)
	return c, nil
}

func resolveSession(ctx context.Context, tx store.ReadTx, id string) (Credential, error) {
	s, err := tx.GetSession(ctx, id)
	if err != nil {
		return Credential{}, notFound(err, "session "+id)
	}
	c := Credential{AccessKeyID: id, Secret: s.SecretAccessKey, SessionToken: s.SessionToken, Expires: s.Expiration}
	var p *model.Principal
	switch s.Kind {
	case model.SessionUser:
		if s.UserName == "" {
			p = rootPrincipal(s.AccountID, id)
			break
		}
		u, err := tx.GetUser(ctx, s.AccountID, s.UserName)
		if err != nil {
			return Credential{}, notFound(err, "user of session "+id)
		}
		if s.UserID != "" && u.UserID != s.UserID {
			// The user was deleted and re-created: the session belonged
			// to someone else.
			return Credential{}, fmt.Errorf("session %s: user recreated: %w", id, ErrUnknownKey)
		}
		p = userPrincipal(s.AccountID, u, id)
	case model.SessionAssumedRole:
		role, err := tx.GetRole(ctx, s.AccountID, s.RoleName)
		if err != nil {
			return Credential{}, notFound(err, "role of session "+id)
		}
		if s.RoleID != "" && role.RoleID != s.RoleID {
			return Credential{}, fmt.Errorf("session %s: role recreated: %w", id, ErrUnknownKey)
		}
		p = sessionPrincipal(s, role)
	default:
		return Credential{}, fmt.Errorf("session %s has unknown kind %q: %w", id, s.Kind, ErrUnknownKey)
	}
	p.Temporary = true
	p.IssuedAt = s.IssuedAt
	c.Principal = p
	return c, nil
}

func rootPrincipal(acct model.AccountID, keyID string) *model.Principal {
	return &model.Principal{
		Type:        model.PrincipalRoot,
		AccountID:   acct,
		ARN:         "arn:aws:iam::" + string(acct) + ":root",
		ID:          string(acct),
		AccessKeyID: keyID,
	}
}

func userPrincipal(acct model.AccountID, u model.User, keyID string) *model.Principal {
	return &model.Principal{
		Type:        model.PrincipalIAMUser,
		AccountID:   acct,
		ARN:         u.ARN,
		ID:          u.UserID,
		UserName:    u.UserName,
		AccessKeyID: keyID,
		Tags:        tagMap(u.Tags),
	}
}

// sessionPrincipal builds the principal of a role session. Its tags are the
// role's tags overlaid by the session tags: "session tags override a role
// tag with the same key, regardless of case"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html).
func sessionPrincipal(s model.Session, role model.Role) *model.Principal {
	tags := tagMap(role.Tags)
	st := tagMap(s.Tags)
	for k, v := range st {
		for rk := range tags {
			if strings.EqualFold(rk, k) {
				delete(tags, rk)
			}
		}
		if tags == nil {
			tags = make(map[string]string, len(st))
		}
		tags[k] = v
	}
	return &model.Principal{
		Type:        model.PrincipalAssumedRole,
		AccountID:   s.AccountID,
		ARN:         "arn:aws:sts::" + string(s.AccountID) + ":assumed-role/" + role.RoleName + "/" + s.SessionName,
		ID:          role.RoleID + ":" + s.SessionName,
		AccessKeyID: s.AccessKeyID,
		Tags:        tags,
		Session: &model.RoleSession{
			RoleName:          role.RoleName,
			RolePath:          role.Path,
			RoleARN:           role.ARN,
			RoleID:            role.RoleID,
			Name:              s.SessionName,
			SourceIdentity:    s.SourceIdentity,
			Expires:           s.Expiration,
			SessionTags:       st,
			TransitiveTagKeys: s.TransitiveTagKeys,
			Chained:           s.OriginARN != "",
			PolicyDocument:    s.Policy,
			PolicyARNs:        s.PolicyARNs,
			ContextKeys:       s.ContextKeys,
		},
	}
}

func tagMap(tags []model.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// credCache holds resolved credentials by access key ID, indexed by the
// user or role they depend on; the resolver's mutex guards it.
type credCache struct {
	byID   map[string]Credential
	byUser map[key]map[string]struct{} // user or role key -> access key IDs
	// pending marks the keys being read from the store, so that a change
	// to one of them announced meanwhile keeps the (possibly stale) result
	// out of the cache; ownerEpoch counts changes to any user or role (and
	// resets) for the same purpose. Tracking keys individually keeps a
	// stream of changes to one key (such as last-used updates) from
	// defeating the cache of every other key.
	pending    map[string]*pendingKey
	ownerEpoch uint64
	hits       uint64
}

type pendingKey struct {
	refs    int
	changed bool
}

func (c *credCache) begin(id string) *pendingKey {
	p := c.pending[id]
	if p == nil {
		p = &pendingKey{}
		c.pending[id] = p
	}
	p.refs++
	return p
}

func (c *credCache) end(id string, p *pendingKey) {
	if p.refs--; p.refs == 0 {
		delete(c.pending, id)
	}
}

func (c *credCache) init() {
	c.byID = map[string]Credential{}
	c.byUser = map[key]map[string]struct{}{}
	if c.pending == nil {
		c.pending = map[string]*pendingKey{}
	}
	c.ownerEpoch++
}

// owner returns the user or role a credential depends on, if any.
func owner(cr Credential) (key, bool) {
	p := cr.Principal
	switch {
	case p.Type == model.PrincipalIAMUser:
		return entityKey(p.AccountID, model.EntityUser, p.UserName), true
	case p.Type == model.PrincipalAssumedRole && p.Session != nil:
		return entityKey(p.AccountID, model.EntityRole, p.Session.RoleName), true
	}
	return key{}, false
}

func (c *credCache) put(cr Credential) {
	c.byID[cr.AccessKeyID] = cr
	if k, ok := owner(cr); ok {
		if c.byUser[k] == nil {
			c.byUser[k] = map[string]struct{}{}
		}
		c.byUser[k][cr.AccessKeyID] = struct{}{}
	}
}

func (c *credCache) drop(id string) {
	cr, ok := c.byID[id]
	if !ok {
		return
	}
	delete(c.byID, id)
	if k, ok := owner(cr); ok {
		delete(c.byUser[k], id)
		if len(c.byUser[k]) == 0 {
			delete(c.byUser, k)
		}
	}
}

func (c *credCache) apply(ch store.Change) {
	var owner key
	switch ch.Kind {
	case store.ChangeAccessKey, store.ChangeSession:
		if p := c.pending[ch.Name]; p != nil {
			p.changed = true
		}
		c.drop(ch.Name)
		return
	case store.ChangeUser:
		owner = entityKey(ch.Account, model.EntityUser, ch.Name)
	case store.ChangeRole:
		owner = entityKey(ch.Account, model.EntityRole, ch.Name)
	case store.ChangeReset:
		c.init()
		return
	default:
		return
	}
	c.ownerEpoch++
	for id := range c.byUser[owner] {
		c.drop(id)
	}
}
