package principal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"abacus/internal/model"
	"abacus/internal/policy"
	"abacus/internal/store"
)

// Sets are the compiled policy sets of one principal, as authz.Input takes
// them. A nil Boundary or Session means the principal has none; Identity is
// never nil (it is empty for the root, which needs no identity policy).
// Sets are immutable and shared: do not modify them.
type Sets struct {
	// Identity holds a user's inline and attached managed policies and
	// those of each of its groups, or a role's inline and attached
	// policies.
	Identity *policy.Set
	// Boundary is the user's or role's permissions boundary.
	Boundary *policy.Set
	// Session holds a role session's session policies (the inline Policy
	// and the managed PolicyArns passed to AssumeRole).
	Session *policy.Set
}

// Stats counts the work of the policy cache since the resolver started.
type Stats struct {
	// Hits and Builds count PolicySets lookups served from the cache and
	// user, role or session entries built from the store.
	Hits, Builds uint64
	// GroupBuilds counts groups whose policies were read and compiled; a
	// user's rebuild reuses the cached policies of its unchanged groups.
	GroupBuilds uint64
	// Compiles counts managed policy versions and inline policies compiled.
	Compiles uint64
	// Invalidations counts entries dropped because of a change.
	Invalidations uint64
	// CredentialHits counts Resolve calls served from the credential
	// cache.
	CredentialHits uint64
}

// Stats returns the cache's counters.
func (r *Resolver) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.cache.stats
	st.CredentialHits = r.creds.hits
	return st
}

// ErrClosed is returned by [Resolver.PolicySets] after [Resolver.Close].
var ErrClosed = errors.New("principal: resolver closed")

// PolicySets returns p's compiled policy sets. They are built from the store
// on first use and cached: per IAM user or role (a user's GetSessionToken
// sessions share the user's entry, a role's sessions share the role's) and
// per role session for session policies. Each managed policy version is
// compiled once and shared by every principal it is attached to.
//
// Cached entries are dropped precisely through the store's change feed,
// which is drained before every lookup, so a committed change is seen by
// the very next decision: a change to user U drops U's entry, to group G
// the entries of G's members, to role R R's entry, to managed policy P
// every entry that uses P (attached, as boundary or as session policy), and
// a feed reset drops everything.
func (r *Resolver) PolicySets(ctx context.Context, p *model.Principal) (Sets, error) {
	var sets Sets
	var err error
	switch p.Type {
	case model.PrincipalRoot:
		sets.Identity = policy.NewSet()
		return sets, r.drain()
	case model.PrincipalIAMUser:
		var e *entry
		if e, err = r.entity(ctx, p.AccountID, model.EntityUser, p.UserName); err != nil {
			return Sets{}, err
		}
		sets.Identity, sets.Boundary = e.identity, e.boundary
	case model.PrincipalAssumedRole:
		if p.Session == nil {
			return Sets{}, fmt.Errorf("principal: role session %s without session data", p.ARN)
		}
		var e *entry
		if e, err = r.entity(ctx, p.AccountID, model.EntityRole, p.Session.RoleName); err != nil {
			return Sets{}, err
		}
		sets.Identity, sets.Boundary = e.identity, e.boundary
		if p.Session.PolicyDocument != "" || len(p.Session.PolicyARNs) > 0 {
			if e, err = r.session(ctx, p); err != nil {
				return Sets{}, err
			}
			sets.Session = e.session
		}
	default:
		return Sets{}, fmt.Errorf("principal: unknown principal type %q", p.Type)
	}
	return sets, nil
}

// entry is one cached build: an entity's identity and boundary sets, a
// session's session set, or a group's compiled policies (parts), with what
// it depends on.
type entry struct {
	identity, boundary, session *policy.Set
	parts                       []*policy.Policy
	groups                      []key    // group keys
	policies                    []string // managed policy ARNs
}

// policyCache is the resolver's cache; the resolver's mutex guards it.
type policyCache struct {
	entries  map[key]*entry
	byGroup  map[key]map[key]struct{}    // group key -> entry keys
	byPolicy map[string]map[key]struct{} // policy ARN -> entry keys
	// managed holds the compiled default version of each managed policy
	// by ARN; a change to the policy (a new default version, deletion)
	// drops it.
	managed map[string]*policy.Policy
	// While builds are in flight, the changes applied meanwhile are kept
	// in log (log[0] has the absolute index logBase) so that a build can
	// tell whether one of them concerns what it read; such a build is
	// returned but not cached. Unrelated changes do not stop caching.
	inflight int
	logBase  int
	log      []store.Change
	stats    Stats
	closed   bool
}

func (c *policyCache) init() {
	c.entries = map[key]*entry{}
	c.byGroup = map[key]map[key]struct{}{}
	c.byPolicy = map[string]map[key]struct{}{}
	c.managed = map[string]*policy.Policy{}
}

// key names a cache entry: an entity (acct, kind, lower-case name) or a
// session (kind "session", name the access key ID). A struct key keeps the
// lookup free of allocations.
type key struct {
	acct model.AccountID
	kind model.EntityKind
	name string
}

func entityKey(acct model.AccountID, kind model.EntityKind, name string) key {
	return key{acct, kind, strings.ToLower(name)}
}

func sessionKey(accessKeyID string) key { return key{kind: "session", name: accessKeyID} }

// drain applies the queued change-feed announcements.
func (r *Resolver) drain() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.drainLocked()
}

func (r *Resolver) drainLocked() error {
	if r.cache.closed {
		return ErrClosed
	}
	for {
		changes, err := r.sub.Next(r.poll)
		if err != nil {
			if errors.Is(err, store.ErrClosed) {
				// The store closed the feed: nothing can be trusted.
				r.cache.dropAll()
				r.creds.init()
				r.cache.closed = true
				return ErrClosed
			}
			return nil // nothing queued
		}
		for _, ch := range changes {
			r.cache.apply(ch)
			r.creds.apply(ch)
		}
	}
}

func (c *policyCache) apply(ch store.Change) {
	switch ch.Kind {
	case store.ChangeResource, store.ChangeAccessKey:
		return // no policy set depends on them
	}
	if c.inflight > 0 {
		c.log = append(c.log, ch)
	}
	switch ch.Kind {
	case store.ChangeUser:
		c.drop(entityKey(ch.Account, model.EntityUser, ch.Name))
	case store.ChangeRole:
		c.drop(entityKey(ch.Account, model.EntityRole, ch.Name))
	case store.ChangeGroup:
		g := entityKey(ch.Account, model.EntityGroup, ch.Name)
		c.drop(g)
		for k := range c.byGroup[g] {
			c.drop(k)
		}
	case store.ChangePolicy:
		for k := range c.byPolicy[ch.Name] {
			c.drop(k)
		}
		delete(c.managed, ch.Name)
	case store.ChangeSession:
		c.drop(sessionKey(ch.Name))
	case store.ChangeReset:
		c.dropAll()
	}
}

func (c *policyCache) drop(k key) {
	e, ok := c.entries[k]
	if !ok {
		return
	}
	delete(c.entries, k)
	for _, g := range e.groups {
		delete(c.byGroup[g], k)
		if len(c.byGroup[g]) == 0 {
			delete(c.byGroup, g)
		}
	}
	for _, a := range e.policies {
		delete(c.byPolicy[a], k)
		if len(c.byPolicy[a]) == 0 {
			delete(c.byPolicy, a)
		}
	}
	c.stats.Invalidations++
}

func (c *policyCache) dropAll() {
	c.stats.Invalidations += uint64(len(c.entries))
	c.init()
}

// concerns reports whether change ch may make the build e of key k stale.
func concerns(ch store.Change, k key, e *entry) bool {
	switch ch.Kind {
	case store.ChangeReset:
		return true
	case store.ChangeUser:
		return entityKey(ch.Account, model.EntityUser, ch.Name) == k
	case store.ChangeRole:
		return entityKey(ch.Account, model.EntityRole, ch.Name) == k
	case store.ChangeGroup:
		return slices.Contains(e.groups, entityKey(ch.Account, model.EntityGroup, ch.Name))
	case store.ChangePolicy:
		return slices.Contains(e.policies, ch.Name)
	case store.ChangeSession:
		return sessionKey(ch.Name) == k
	}
	return false
}

func (c *policyCache) put(k key, e *entry) {
	c.entries[k] = e
	for _, g := range e.groups {
		if c.byGroup[g] == nil {
			c.byGroup[g] = map[key]struct{}{}
		}
		c.byGroup[g][k] = struct{}{}
	}
	for _, a := range e.policies {
		if c.byPolicy[a] == nil {
			c.byPolicy[a] = map[key]struct{}{}
		}
		c.byPolicy[a][k] = struct{}{}
	}
}

// lookup drains the feed and returns the cached entry for key; on a miss
// it registers a build and returns its ticket for [Resolver.keep].
func (r *Resolver) lookup(k key) (*entry, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.drainLocked(); err != nil {
		return nil, 0, err
	}
	if e, ok := r.cache.entries[k]; ok {
		r.cache.stats.Hits++
		return e, 0, nil
	}
	r.cache.inflight++
	return nil, r.cache.logBase + len(r.cache.log), nil
}

// keep ends the build registered with ticket and caches e under k (with
// the group parts and managed policies it compiled) unless the build
// failed or a change applied since the ticket concerns it.
func (r *Resolver) keep(k key, e *entry, ticket int, b *builder, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := &r.cache
	stale := r.drainLocked() != nil || failed
	for _, ch := range c.log[ticket-c.logBase:] {
		if stale {
			break
		}
		stale = concerns(ch, k, e)
	}
	if c.inflight--; c.inflight == 0 {
		c.logBase += len(c.log)
		c.log = c.log[:0]
	}
	if failed {
		return
	}
	c.stats.Builds++
	c.stats.GroupBuilds += uint64(len(b.groupParts))
	c.stats.Compiles += b.compiles
	if stale {
		return
	}
	for a, p := range b.fresh {
		r.cache.managed[a] = p
	}
	for gk, ge := range b.groupParts {
		r.cache.put(gk, ge)
	}
	r.cache.put(k, e)
}

func (r *Resolver) cachedEntry(k key) *entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cache.entries[k]
}

func (r *Resolver) cachedManaged(k string) *policy.Policy {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cache.managed[k]
}

// builder compiles the policies of one entry inside one read transaction.
type builder struct {
	r        *Resolver
	tx       store.ReadTx
	acct     model.AccountID
	e        *entry
	compiles uint64
	fresh    map[string]*policy.Policy
	seen     map[string]bool
	// part is the group entry being built, which records its own
	// managed-policy dependencies; groupParts are the groups built.
	part       *entry
	groupParts map[key]*entry
}

func (r *Resolver) entity(ctx context.Context, acct model.AccountID, kind model.EntityKind, name string) (*entry, error) {
	k := entityKey(acct, kind, name)
	e, ticket, err := r.lookup(k)
	if e != nil || err != nil {
		return e, err
	}
	e = &entry{}
	b := &builder{r: r, acct: acct, e: e, fresh: map[string]*policy.Policy{}, seen: map[string]bool{}}
	err = r.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		b.tx = tx
		return b.entity(ctx, kind, name)
	})
	r.keep(k, e, ticket, b, err != nil)
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (r *Resolver) session(ctx context.Context, p *model.Principal) (*entry, error) {
	k := sessionKey(p.AccessKeyID)
	e, ticket, err := r.lookup(k)
	if e != nil || err != nil {
		return e, err
	}
	e = &entry{}
	b := &builder{r: r, acct: p.AccountID, e: e, fresh: map[string]*policy.Policy{}, seen: map[string]bool{}}
	err = r.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		b.tx = tx
		var pols []*policy.Policy
		if doc := p.Session.PolicyDocument; doc != "" {
			cp, err := b.compile([]byte(doc), policy.Options{Name: "session policy", Kind: policy.KindSession})
			if err != nil {
				return fmt.Errorf("principal: session policy of %s: %w", p.ARN, err)
			}
			pols = append(pols, cp)
		}
		for _, a := range p.Session.PolicyARNs {
			cp, err := b.managed(ctx, a)
			if err != nil {
				return err
			}
			pols = append(pols, cp)
		}
		e.session = policy.NewSet(pols...)
		return nil
	})
	r.keep(k, e, ticket, b, err != nil)
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (b *builder) compile(src []byte, o policy.Options) (*policy.Policy, error) {
	b.compiles++
	return policy.CompileJSON(src, o)
}

// entity builds the identity and boundary sets of a user or role. A stored
// policy that does not compile fails the build (fail closed) rather than
// being skipped.
func (b *builder) entity(ctx context.Context, kind model.EntityKind, name string) error {
	var boundary string
	switch kind {
	case model.EntityUser:
		u, err := b.tx.GetUser(ctx, b.acct, name)
		if err != nil {
			return fmt.Errorf("principal: user %s: %w", name, err)
		}
		boundary = u.PermissionsBoundary
	case model.EntityRole:
		ro, err := b.tx.GetRole(ctx, b.acct, name)
		if err != nil {
			return fmt.Errorf("principal: role %s: %w", name, err)
		}
		boundary = ro.PermissionsBoundary
	}
	var pols []*policy.Policy
	add := func(kind model.EntityKind, name string) error {
		ps, err := b.policiesOf(ctx, kind, name)
		pols = append(pols, ps...)
		return err
	}
	if err := add(kind, name); err != nil {
		return err
	}
	if kind == model.EntityUser {
		groups, err := b.groups(ctx, name)
		if err != nil {
			return err
		}
		for _, g := range groups {
			gk := entityKey(b.acct, model.EntityGroup, g)
			b.e.groups = append(b.e.groups, gk)
			ge := b.r.cachedEntry(gk)
			if ge == nil {
				ge = &entry{}
				b.part = ge
				ps, err := b.policiesOf(ctx, model.EntityGroup, g)
				b.part = nil
				if err != nil {
					return err
				}
				ge.parts = ps
				if b.groupParts == nil {
					b.groupParts = map[key]*entry{}
				}
				b.groupParts[gk] = ge
			}
			for _, a := range ge.policies {
				b.depend(a)
			}
			pols = append(pols, ge.parts...)
		}
	}
	b.e.identity = policy.NewSet(pols...)
	if boundary != "" {
		p, err := b.managed(ctx, boundary)
		if err != nil {
			return err
		}
		b.e.boundary = policy.NewSet(p)
	}
	return nil
}

func (b *builder) groups(ctx context.Context, user string) ([]string, error) {
	var out []string
	opts := store.ListOptions{MaxItems: store.MaxMaxItems}
	for {
		pg, err := b.tx.ListGroupsForUser(ctx, b.acct, user, opts)
		if err != nil {
			return nil, fmt.Errorf("principal: groups of %s: %w", user, err)
		}
		for _, g := range pg.Items {
			out = append(out, g.GroupName)
		}
		if !pg.IsTruncated {
			return out, nil
		}
		opts.Marker = pg.Marker
	}
}

// policiesOf compiles an entity's inline policies and its attached managed
// policies.
func (b *builder) policiesOf(ctx context.Context, kind model.EntityKind, name string) ([]*policy.Policy, error) {
	var out []*policy.Policy
	opts := store.ListOptions{MaxItems: store.MaxMaxItems}
	for {
		pg, err := b.tx.ListInlinePolicies(ctx, b.acct, kind, name, opts)
		if err != nil {
			return nil, fmt.Errorf("principal: inline policies of %s %s: %w", kind, name, err)
		}
		for _, ip := range pg.Items {
			p, err := b.compile([]byte(ip.Document), policy.Options{Name: string(kind) + "/" + name + "/" + ip.PolicyName, Kind: policy.KindIdentity})
			if err != nil {
				return nil, fmt.Errorf("principal: inline policy %s of %s %s: %w", ip.PolicyName, kind, name, err)
			}
			out = append(out, p)
		}
		if !pg.IsTruncated {
			break
		}
		opts.Marker = pg.Marker
	}
	opts = store.ListOptions{MaxItems: store.MaxMaxItems}
	for {
		pg, err := b.tx.ListAttachedPolicies(ctx, b.acct, kind, name, opts)
		if err != nil {
			return nil, fmt.Errorf("principal: attached policies of %s %s: %w", kind, name, err)
		}
		for _, ap := range pg.Items {
			p, err := b.managed(ctx, ap.PolicyARN)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		if !pg.IsTruncated {
			return out, nil
		}
		opts.Marker = pg.Marker
	}
}

// depend records that the entry being built uses managed policy arn.
func (b *builder) depend(arn string) {
	if !b.seen[arn] {
		b.seen[arn] = true
		b.e.policies = append(b.e.policies, arn)
	}
}

// managed returns the compiled default version of a managed policy, from
// the shared cache when it holds it (no store read then), and records the
// dependency.
func (b *builder) managed(ctx context.Context, arn string) (*policy.Policy, error) {
	b.depend(arn)
	if b.part != nil && !slices.Contains(b.part.policies, arn) {
		b.part.policies = append(b.part.policies, arn)
	}
	if p := b.fresh[arn]; p != nil {
		return p, nil
	}
	if p := b.r.cachedManaged(arn); p != nil {
		return p, nil
	}
	mp, err := b.tx.GetPolicy(ctx, b.acct, arn)
	if err != nil {
		return nil, fmt.Errorf("principal: managed policy %s: %w", arn, err)
	}
	v, err := b.tx.GetPolicyVersion(ctx, b.acct, arn, mp.DefaultVersionID)
	if err != nil {
		return nil, fmt.Errorf("principal: managed policy %s %s: %w", arn, mp.DefaultVersionID, err)
	}
	p, err := b.compile([]byte(v.Document), policy.Options{Name: mp.PolicyName, ARN: arn, Kind: policy.KindIdentity})
	if err != nil {
		return nil, fmt.Errorf("principal: managed policy %s %s: %w", arn, mp.DefaultVersionID, err)
	}
	b.fresh[arn] = p
	return p, nil
}
