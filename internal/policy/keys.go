package policy

import (
	"strconv"
	"strings"
	"time"
)

type keyKind uint8

const (
	kGeneric keyKind = iota
	kUsername
	kUserID
	kPrincipalARN
	kPrincipalAccount
	kPrincipalType
	kSourceIdentity
	kPrincipalTag
	kCurrentTime
	kEpochTime
)

// ckey is a compiled condition key or variable name. Key names are
// case-insensitive
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
type ckey struct {
	name  string
	lower string // name with ASCII letters lowered, as Context stores keys
	kind  keyKind
	tag   string // kPrincipalTag: the tag key
	hash  uint64 // keyHash(name)
}

func compileKey(name string) ckey {
	k := ckey{name: name, hash: keyHash(name)}
	lb := []byte(name)
	for i := range lb {
		lb[i] = lowerASCII(lb[i])
	}
	k.lower = string(lb)
	l := strings.ToLower(name)
	switch l {
	case "aws:username":
		k.kind = kUsername
	case "aws:userid":
		k.kind = kUserID
	case "aws:principalarn":
		k.kind = kPrincipalARN
	case "aws:principalaccount":
		k.kind = kPrincipalAccount
	case "aws:principaltype":
		k.kind = kPrincipalType
	case "aws:sourceidentity":
		k.kind = kSourceIdentity
	case "aws:currenttime":
		k.kind = kCurrentTime
	case "aws:epochtime":
		k.kind = kEpochTime
	default:
		if strings.HasPrefix(l, "aws:principaltag/") {
			k.kind, k.tag = kPrincipalTag, name[len("aws:principaltag/"):]
		}
	}
	return k
}

// rvals is the request's values for one key, without copying them.
type rvals struct {
	one    string
	list   []string
	n      int
	multi  bool
	t      time.Time
	isTime bool
	epoch  bool
}

func (v *rvals) at(i int) string {
	switch {
	case v.list != nil:
		return v.list[i]
	case v.isTime && v.epoch:
		return strconv.FormatInt(v.t.Unix(), 10)
	case v.isTime:
		return v.t.UTC().Format(time.RFC3339)
	}
	return v.one
}

// lookup returns the request's values for k. Principal and time keys come
// from the typed fields when those are set, and from Context otherwise.
func (r *Request) lookup(k *ckey) (rvals, bool) {
	if k.kind != kGeneric {
		if s, ok := r.derived(k); ok {
			return rvals{one: s, n: 1}, true
		}
		if (k.kind == kCurrentTime || k.kind == kEpochTime) && !r.Time.IsZero() {
			return rvals{t: r.Time, n: 1, isTime: true, epoch: k.kind == kEpochTime}, true
		}
	}
	if i := r.Context.indexLower(k.lower, k.hash); i >= 0 {
		e := &r.Context.entries[i]
		return rvals{list: e.Values, n: len(e.Values), multi: e.Multi || len(e.Values) > 1}, true
	}
	return rvals{}, false
}

// derived returns the value of a principal key from the typed fields.
func (r *Request) derived(k *ckey) (string, bool) {
	p := &r.Principal
	var s string
	switch k.kind {
	case kUsername:
		s = p.UserName
	case kUserID:
		s = p.UserID
	case kPrincipalARN:
		s = p.PrincipalARN()
	case kPrincipalAccount:
		s = p.Account
	case kPrincipalType:
		if p.Type != PrincipalService {
			s = string(p.Type)
		}
	case kSourceIdentity:
		s = p.SourceIdentity
	case kPrincipalTag:
		if t, found := tagValue(p.SessionTags, k.tag); found {
			return t, true
		}
		return tagValue(p.Tags, k.tag)
	}
	return s, s != ""
}

// lookupOne returns the single value of k for use as a policy variable. A
// multivalued key cannot be a variable
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
func (r *Request) lookupOne(k *ckey) (string, bool) {
	if k.kind == kGeneric {
		if i := r.Context.indexLower(k.lower, k.hash); i >= 0 {
			if sl := &r.Context.slots[i]; sl.n == 1 && !sl.multi {
				return sl.one, true
			}
		}
		return "", false
	}
	v, ok := r.lookup(k)
	if !ok || v.n != 1 || v.multi {
		return "", false
	}
	return v.at(0), true
}
