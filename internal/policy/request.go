package policy

import (
	"strings"
	"time"
)

// Request is the request context one decision is made for: who asks, to do
// what, on which resource, with which condition keys. Build it once per
// authorization; evaluating it does not modify or retain it, and does not
// allocate.
//
// Global condition keys that describe the principal (aws:username,
// aws:userid, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
// aws:SourceIdentity, aws:PrincipalTag/*) and the time (aws:CurrentTime,
// aws:EpochTime) are derived from the typed fields when those are set
// (non-empty, non-zero), and looked up in Context otherwise; every other
// key comes from Context.
type Request struct {
	Principal Caller
	// Action is the IAM action, "service:Operation"; matched
	// case-insensitively.
	Action string
	// Resource is the resource ARN, or "*" for actions that take none.
	Resource string
	// Time is aws:CurrentTime and aws:EpochTime; the zero time leaves
	// both keys absent.
	Time time.Time
	// Context holds every other condition key.
	Context Context
}

// PrincipalType is aws:PrincipalType: "Account" (root), "User",
// "AssumedRole", "FederatedUser", "Anonymous"; "Service" marks an AWS
// service principal (which has no aws:PrincipalType).
type PrincipalType string

// The principal types of aws:PrincipalType
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltype).
const (
	PrincipalAccount       PrincipalType = "Account"
	PrincipalUser          PrincipalType = "User"
	PrincipalAssumedRole   PrincipalType = "AssumedRole"
	PrincipalFederatedUser PrincipalType = "FederatedUser"
	PrincipalAnonymous     PrincipalType = "Anonymous"
	PrincipalService       PrincipalType = "Service"
)

// Caller describes the principal making a request. For a role session, ARN is the session
// ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) and RoleARN the
// role's IAM ARN, which is what aws:PrincipalArn resolves to. For a service
// principal, Service is its name (sagemaker.amazonaws.com).
type Caller struct {
	ARN            string
	RoleARN        string
	Type           PrincipalType
	Account        string
	UserName       string
	UserID         string
	SourceIdentity string
	Service        string
	// Tags are the principal's tags (aws:PrincipalTag/*). SessionTags are
	// a role session's tags; they override Tags with the same key.
	Tags        []Tag
	SessionTags []Tag
}

// PrincipalARN returns aws:PrincipalArn: the role ARN for a role session,
// ARN otherwise.
func (p *Caller) PrincipalARN() string {
	if p.RoleARN != "" {
		return p.RoleARN
	}
	return p.ARN
}

// Tag is one key/value tag. Tag keys are looked up case-insensitively.
type Tag struct {
	Key   string
	Value string
}

// Context is a set of condition keys with their values. Key names are
// case-insensitive; values are case-sensitive strings whose type each
// condition operator decides (a date in ISO 8601 or epoch seconds, a
// number, "true"/"false", an IP address, base64 for binary). A key is
// multivalued when it was set with [Context.SetMulti] or holds more than one
// value; a multivalued key with no values is present but empty, which
// matters to ForAllValues and ForAnyValue. The zero value is empty and
// ready to use. A Context is not safe for concurrent mutation but may be
// read concurrently; a copy of a Context shares its storage with the
// original, so build a new one rather than copying and modifying.
type Context struct {
	// slots[i] is what a lookup needs of entries[i]: its key's hash,
	// where the key is in keys, and its first value. A lookup scans the
	// slots by hash, then reads the key bytes and the value; the slots
	// and the keys are the Context's own contiguous arrays rather than
	// strings wherever the caller built them.
	slots []cslot
	// keys holds every key, ASCII letters lowered, back to back.
	keys    []byte
	entries []ContextEntry
	// vals holds the values of every entry back to back, so that a
	// request's keys and values sit in two arrays rather than one small
	// allocation per key.
	vals []string
}

// cslot is the lookup view of one [ContextEntry].
type cslot struct {
	h     uint64 // keyHash(Key)
	one   string // Values[0], or "" when there are none
	koff  uint32 // the key is keys[koff:koff+klen]
	klen  uint32
	n     uint32 // len(Values)
	multi bool   // Multi || n > 1
}

// ContextEntry is one key of a [Context].
type ContextEntry struct {
	Key    string
	Values []string
	Multi  bool

	off int // start of Values in Context.vals
}

// Set sets key to one value (a single-valued key), replacing any earlier
// values.
func (c *Context) Set(key, value string) { c.put(key, false, value) }

// SetMulti sets key to a multivalued key with the given values (possibly
// none), replacing any earlier values.
func (c *Context) SetMulti(key string, values ...string) { c.put(key, true, values...) }

// Add appends value to key's values; a key with more than one value is
// multivalued.
func (c *Context) Add(key, value string) {
	if i := c.index(key); i >= 0 {
		e := &c.entries[i]
		vals := append(append(make([]string, 0, len(e.Values)+1), e.Values...), value)
		c.put(key, e.Multi || len(vals) > 1, vals...)
		return
	}
	c.put(key, false, value)
}

// Reset removes every key but keeps the storage, so that a server can
// reuse one Context (for example from a sync.Pool) for request after
// request without allocating. Slices returned by Get and Entries before
// Reset must not be used after it.
func (c *Context) Reset() {
	clear(c.vals) // drop references to the old values
	clear(c.slots)
	c.entries, c.vals = c.entries[:0], c.vals[:0]
	c.slots, c.keys = c.slots[:0], c.keys[:0]
}

// Delete removes key.
func (c *Context) Delete(key string) {
	if i := c.index(key); i >= 0 {
		c.entries = append(c.entries[:i], c.entries[i+1:]...)
		c.slots = append(c.slots[:i], c.slots[i+1:]...)
	}
}

func (c *Context) put(key string, multi bool, values ...string) {
	off := len(c.vals)
	grown := cap(c.vals)
	c.vals = append(c.vals, values...)
	if cap(c.vals) != grown {
		// The backing array moved: re-point every entry into it.
		for i := range c.entries {
			e := &c.entries[i]
			n := len(e.Values)
			e.Values = c.vals[e.off : e.off+n : e.off+n]
		}
	}
	vs := c.vals[off:len(c.vals):len(c.vals)]
	sl := cslot{n: uint32(len(vs)), multi: multi || len(vs) > 1}
	if len(vs) > 0 {
		sl.one = vs[0]
	}
	if i := c.index(key); i >= 0 {
		c.entries[i].Values, c.entries[i].Multi, c.entries[i].off = vs, multi, off
		sl.h, sl.koff, sl.klen = c.slots[i].h, c.slots[i].koff, c.slots[i].klen
		c.slots[i] = sl
		return
	}
	sl.h, sl.koff, sl.klen = keyHash(key), uint32(len(c.keys)), uint32(len(key))
	for i := 0; i < len(key); i++ {
		c.keys = append(c.keys, lowerASCII(key[i]))
	}
	c.entries = append(c.entries, ContextEntry{Key: key, Values: vs, Multi: multi, off: off})
	c.slots = append(c.slots, sl)
}

// Get returns key's values and whether the key is present.
func (c *Context) Get(key string) ([]string, bool) {
	if i := c.index(key); i >= 0 {
		return c.entries[i].Values, true
	}
	return nil, false
}

// Entries returns the keys in the order they were first set. The slice
// must not be modified.
func (c *Context) Entries() []ContextEntry { return c.entries }

// Len returns the number of keys.
func (c *Context) Len() int { return len(c.entries) }

func (c *Context) index(key string) int {
	h := keyHash(key)
	for i := range c.slots {
		if sl := &c.slots[i]; sl.h == h && int(sl.klen) == len(key) && equalLowered(c.keys[sl.koff:sl.koff+sl.klen], key) {
			return i
		}
	}
	return -1
}

// equalLowered reports whether k, ASCII-lowered key bytes, is key with its
// ASCII letters lowered; the lengths are equal.
func equalLowered(k []byte, key string) bool {
	for j := range k {
		if k[j] != lowerASCII(key[j]) {
			return false
		}
	}
	return true
}

// indexLower finds the key whose ASCII-lowered text is lower and whose
// keyHash is h, without allocating: entries are compared by hash first,
// then by the lowered key bytes.
func (c *Context) indexLower(lower string, h uint64) int {
	for i := range c.slots {
		if sl := &c.slots[i]; sl.h == h && int(sl.klen) == len(lower) && string(c.keys[sl.koff:sl.koff+sl.klen]) == lower {
			return i
		}
	}
	return -1
}

// keyHash is FNV-1a over the key with ASCII letters lowered, so that keys
// that differ only in ASCII case hash alike. (Condition key names are
// ASCII; a non-ASCII letter in a key must match case exactly.)
func keyHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

func tagValue(tags []Tag, key string) (string, bool) {
	for i := range tags {
		if len(tags[i].Key) == len(key) && strings.EqualFold(tags[i].Key, key) {
			return tags[i].Value, true
		}
	}
	return "", false
}
