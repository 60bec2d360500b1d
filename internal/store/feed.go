package store

import (
	"context"
	"errors"
	"sync"

	"abacus/internal/model"
)

// ErrClosed is returned by [Subscription.Next] once the subscription or its
// store is closed.
var ErrClosed = errors.New("store closed")

// ChangeKind says what kind of record a [Change] is about.
type ChangeKind string

// The change kinds. What Name holds depends on the kind.
const (
	ChangeUser      ChangeKind = "user"       // Name: user name; also membership, policies, boundary, keys of the user
	ChangeGroup     ChangeKind = "group"      // Name: group name; also members and policies of the group
	ChangeRole      ChangeKind = "role"       // Name: role name; also trust, policies, boundary of the role
	ChangePolicy    ChangeKind = "policy"     // Name: managed policy ARN (versions, default version, deletion)
	ChangeAccessKey ChangeKind = "access-key" // Name: access key ID
	ChangeSession   ChangeKind = "session"    // Name: session access key ID
	ChangeResource  ChangeKind = "resource"   // Type and Name: resource type and ID
	// ChangeReset means changes were dropped because the subscriber fell
	// behind: every cache fed by the subscription must be discarded.
	ChangeReset ChangeKind = "reset"
)

// Change announces one committed change. Renames announce the old and the
// new name. Changes to AWS managed policies carry [model.AWSAccount].
type Change struct {
	Account model.AccountID
	Kind    ChangeKind
	Type    string // resource type, for ChangeResource
	Name    string
}

// ChangeFeed announces committed changes so that caches of compiled
// policies, principals and credentials can be invalidated precisely.
// Announcements follow commit; a rolled-back transaction announces nothing.
// Publishing never waits for subscribers.
type ChangeFeed interface {
	// Subscribe starts a subscription that receives changes committed
	// after it starts. Close it when done.
	Subscribe() Subscription
}

// Subscription receives changes from a [ChangeFeed].
type Subscription interface {
	// Next waits until changes are available (or ctx ends, or the
	// subscription closes with [ErrClosed]) and returns every change
	// collected since the previous call, in commit order. Not safe for
	// concurrent calls.
	Next(ctx context.Context) ([]Change, error)
	// Close ends the subscription; it is safe to call more than once.
	Close()
}

// DefaultFeedBacklog is how many undelivered changes a [Feed] subscriber
// may accumulate before they are replaced by one [ChangeReset].
const DefaultFeedBacklog = 4096

// Feed is an in-process [ChangeFeed] for backends that commit in this
// process (SQLite). Publish never blocks: a subscriber that falls more than
// Backlog changes behind gets a single [ChangeReset] instead. The zero value
// is ready to use with [DefaultFeedBacklog]. A Feed is safe for concurrent
// use.
type Feed struct {
	// Backlog bounds each subscriber's queue; 0 means DefaultFeedBacklog.
	Backlog int

	mu     sync.Mutex
	subs   map[*feedSub]struct{}
	closed bool
}

type feedSub struct {
	f      *Feed
	mu     sync.Mutex
	queue  []Change
	notify chan struct{} // capacity 1: "queue is not empty"
	done   chan struct{} // closed by Close
	once   sync.Once
}

// Subscribe implements [ChangeFeed].
func (f *Feed) Subscribe() Subscription {
	s := &feedSub{f: f, notify: make(chan struct{}, 1), done: make(chan struct{})}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		s.once.Do(func() { close(s.done) })
		return s
	}
	if f.subs == nil {
		f.subs = make(map[*feedSub]struct{})
	}
	f.subs[s] = struct{}{}
	return s
}

// Publish hands changes to every subscriber without waiting for any.
func (f *Feed) Publish(changes []Change) {
	if len(changes) == 0 {
		return
	}
	limit := f.Backlog
	if limit <= 0 {
		limit = DefaultFeedBacklog
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		s.mu.Lock()
		switch {
		case len(s.queue) == 1 && s.queue[0].Kind == ChangeReset:
			// Already told to drop everything; nothing to add.
		case len(s.queue)+len(changes) > limit:
			s.queue = append(s.queue[:0], Change{Kind: ChangeReset})
		default:
			s.queue = append(s.queue, changes...)
		}
		s.mu.Unlock()
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}
}

// Close closes every subscription; later subscriptions start closed.
func (f *Feed) Close() {
	f.mu.Lock()
	subs := f.subs
	f.subs = nil
	f.closed = true
	f.mu.Unlock()
	for s := range subs {
		s.once.Do(func() { close(s.done) })
	}
}

func (s *feedSub) Next(ctx context.Context) ([]Change, error) {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			out := s.queue
			s.queue = nil
			s.mu.Unlock()
			return out, nil
		}
		s.mu.Unlock()
		select {
		case <-s.notify:
		case <-s.done:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (s *feedSub) Close() {
	s.f.mu.Lock()
	delete(s.f.subs, s)
	s.f.mu.Unlock()
	s.once.Do(func() { close(s.done) })
}
