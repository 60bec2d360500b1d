package audit

import (
	"io"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"abacus/internal/model"
)

// Rule rewrites the already redacted requestParameters and responseElements
// of one operation. Both are generic JSON values (map[string]any, []any,
// string, bool, numbers) or nil; a Rule returns the values to record. It
// must not keep references to its arguments.
type Rule func(req, resp any) (any, any)

// Redactor turns an operation's input and output structs into CloudTrail's
// requestParameters and responseElements without their secrets.
//
// It converts values by reflection, following the operation type
// conventions of internal/protocol (field name = botocore member name, an
// `aws:"Name"` tag overrides it, `aws:"-"` excludes it) and writes member
// names in lower camel case as CloudTrail does (RoleName -> roleName). On
// the way it drops, wherever they occur:
//   - members whose name is a sensitive field or ends with a sensitive
//     suffix (see [DefaultSensitiveFields] and [DefaultSensitiveSuffixes];
//     compared case-insensitively), such as SecretAccessKey in
//     CreateAccessKey's output: CloudTrail records the access key without
//     its secret. abacus also drops AssumeRole's session token, which
//     CloudTrail records, because here it is a working bearer credential
//     on a trail that tests and CI logs pass around;
//   - values of the secret types [model.Secret] and [model.SecretKey];
//   - blobs ([]byte) and streams (io.Reader), which CloudTrail never
//     records (object bodies, SecretBinary);
//   - nil pointers, slices and maps (members that were not sent).
//
// Policy documents are kept, as CloudTrail keeps them. Then the [Rule] of
// the operation, if any, runs; and a read-only operation's responseElements
// are null, as CloudTrail writes them for Get*, List* and Describe* calls,
// unless [Redactor.KeepResponse] says otherwise (STS's AssumeRole and
// friends by default).
//
// A Redactor is configured before use and is then safe for concurrent use
// by any number of goroutines. Build one with [NewRedactor].
type Redactor struct {
	fields   map[string]bool
	suffixes []string // lower case
	rules    map[string]Rule
	keepResp map[string]bool
	rename   map[string]map[string]string // eventSource -> requestParameters member -> CloudTrail's name

	plans   sync.Map // reflect.Type (struct) -> []fieldPlan
	classes sync.Map // reflect.Type -> typeClass
}

// fieldPlan is how one struct field is recorded, computed once per type.
type fieldPlan struct {
	index     int
	name      string // CloudTrail's member name
	omitEmpty bool
	embedded  bool // promote the fields of this embedded struct
}

// typeClass says how values of a type are recorded, computed once per
// type.
type typeClass uint8

const (
	classOther typeClass = iota
	classDrop            // secrets, blobs, streams, funcs, channels
	classTime
)

// DefaultSensitiveFields are the member names [NewRedactor] drops
// everywhere: credentials, secret values, one-time codes and URLs that
// carry a bearer token (SageMaker's presigned AuthorizedUrl).
func DefaultSensitiveFields() []string {
	return []string{
		"SecretAccessKey", "SessionToken", "SecretKey",
		"SecretString", "SecretBinary",
		"Password", "ClientSecret",
		"SAMLAssertion", "WebIdentityToken",
		"AuthenticationCode1", "AuthenticationCode2", "TokenCode",
		"Base32StringSeed", "QRCodePNG",
		"AuthorizedUrl",
	}
}

// DefaultSensitiveSuffixes are the name endings [NewRedactor] drops
// everywhere, for the many spellings services give the same secret
// (NewPassword, MasterUserPassword, KdcAdminPassword, SSECustomerKey,
// CopySourceSSECustomerKey, ...).
func DefaultSensitiveSuffixes() []string {
	return []string{"Password", "Passphrase", "SecretAccessKey", "PrivateKey", "SSECustomerKey", "SecretString"}
}

// NewRedactor returns a Redactor that drops [DefaultSensitiveFields] and
// names ending in [DefaultSensitiveSuffixes] and applies the default per-operation rules (Secrets Manager's
// GetSecretValue records null responseElements).
func NewRedactor() *Redactor {
	r := &Redactor{fields: map[string]bool{}, rules: map[string]Rule{}, keepResp: map[string]bool{}, rename: map[string]map[string]string{}}
	r.Drop(DefaultSensitiveFields()...)
	r.DropSuffix(DefaultSensitiveSuffixes()...)
	// STS's credential-issuing calls are read-only, yet CloudTrail records
	// what they returned (the temporary access key ID, the assumed-role
	// user, the source identity); the secrets are dropped as everywhere.
	for _, op := range []string{"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetSessionToken", "GetFederationToken"} {
		r.KeepResponse("sts.amazonaws.com", op)
	}
	r.SetRule("secretsmanager.amazonaws.com", "GetSecretValue", func(req, _ any) (any, any) { return req, nil })
	r.SetRule("secretsmanager.amazonaws.com", "BatchGetSecretValue", func(req, _ any) (any, any) { return req, nil })
	// S3 names the bucket bucketName in requestParameters, not by its API
	// member Bucket ("CloudTrail log file entries for Amazon S3 and S3 on
	// Outposts", Amazon S3 User Guide).
	r.Rename("s3.amazonaws.com", "bucket", "bucketName")
	return r
}

// Rename makes the requestParameters of every operation of eventSource
// record the top-level member from under the name to. It must not be
// called concurrently with other methods.
func (r *Redactor) Rename(eventSource, from, to string) {
	if r.rename[eventSource] == nil {
		r.rename[eventSource] = map[string]string{}
	}
	r.rename[eventSource][from] = to
}

// Drop adds member names that are removed wherever they occur. It must not
// be called concurrently with other methods.
func (r *Redactor) Drop(fields ...string) {
	for _, f := range fields {
		r.fields[strings.ToLower(f)] = true
	}
}

// DropSuffix adds name endings: members whose name ends with one of them
// (compared case-insensitively) are removed wherever they occur. It must
// not be called concurrently with other methods.
func (r *Redactor) DropSuffix(suffixes ...string) {
	for _, s := range suffixes {
		r.suffixes = append(r.suffixes, strings.ToLower(s))
	}
}

// sensitive reports whether a member name is dropped.
func (r *Redactor) sensitive(name string) bool {
	l := strings.ToLower(name)
	if r.fields[l] {
		return true
	}
	for _, s := range r.suffixes {
		if strings.HasSuffix(l, s) {
			return true
		}
	}
	return false
}

// SetRule installs the rule for one operation, replacing any earlier one.
// It must not be called concurrently with other methods.
func (r *Redactor) SetRule(eventSource, eventName string, rule Rule) {
	r.rules[eventSource+" "+eventName] = rule
}

// KeepResponse makes a read-only operation record its responseElements,
// which read-only operations otherwise record as null. It must not be
// called concurrently with other methods.
func (r *Redactor) KeepResponse(eventSource, eventName string) {
	r.keepResp[eventSource+" "+eventName] = true
}

// Redact returns the requestParameters and responseElements to record for
// an operation called with in that returned out. in and out are the
// operation's input and output (structs or pointers to them) or nil.
func (r *Redactor) Redact(eventSource, eventName string, readOnly bool, in, out any) (req, resp any) {
	key := eventSource + " " + eventName
	req = r.Value(in)
	if !readOnly || r.keepResp[key] {
		resp = r.Value(out)
	}
	if names := r.rename[eventSource]; names != nil {
		if m, ok := req.(map[string]any); ok {
			for from, to := range names {
				if v, ok := m[from]; ok {
					delete(m, from)
					m[to] = v
				}
			}
		}
	}
	if rule, ok := r.rules[key]; ok {
		req, resp = rule(req, resp)
	}
	return req, resp
}

// Value converts v to a generic JSON value with every sensitive part
// removed. It returns nil for nil, for values that are entirely sensitive
// and for structs without any recorded member.
func (r *Redactor) Value(v any) any {
	if v == nil {
		return nil
	}
	out, ok := r.value(reflect.ValueOf(v), 0)
	if !ok {
		return nil
	}
	if m, isMap := out.(map[string]any); isMap && len(m) == 0 {
		return nil
	}
	return out
}

// maxDepth bounds recursion on cyclic or absurdly deep values.
const maxDepth = 32

var (
	timeType      = reflect.TypeFor[time.Time]()
	secretType    = reflect.TypeFor[model.Secret]()
	secretKeyType = reflect.TypeFor[model.SecretKey]()
	readerType    = reflect.TypeFor[io.Reader]()
)

// class returns how values of t are recorded.
func (r *Redactor) class(t reflect.Type) typeClass {
	if c, ok := r.classes.Load(t); ok {
		return c.(typeClass)
	}
	c := classOther
	switch {
	case t == secretType || t == secretKeyType:
		c = classDrop
	case t == timeType:
		c = classTime
	case t.Kind() != reflect.Interface && t.Implements(readerType):
		c = classDrop
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		c = classDrop // blobs are never recorded
	case t.Kind() == reflect.Func || t.Kind() == reflect.Chan || t.Kind() == reflect.UnsafePointer ||
		t.Kind() == reflect.Complex64 || t.Kind() == reflect.Complex128:
		c = classDrop
	}
	r.classes.Store(t, c)
	return c
}

// value converts one value; ok is false when nothing is to be recorded.
func (r *Redactor) value(v reflect.Value, depth int) (any, bool) {
	if depth > maxDepth || !v.IsValid() {
		return nil, false
	}
	t := v.Type()
	switch r.class(t) {
	case classDrop:
		return nil, false
	case classTime:
		tm := v.Interface().(time.Time)
		if tm.IsZero() {
			return nil, false
		}
		return FormatTime(tm), true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, false
		}
		return r.value(v.Elem(), depth+1)
	case reflect.Struct:
		m := map[string]any{}
		r.collect(v, m, depth)
		return m, true
	case reflect.Map:
		if v.IsNil() || t.Key().Kind() != reflect.String {
			return nil, false
		}
		m := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key().String()
			if r.sensitive(k) {
				continue
			}
			if ev, ok := r.value(iter.Value(), depth+1); ok {
				m[k] = ev
			}
		}
		return m, true
	case reflect.Slice:
		if v.IsNil() {
			return nil, false
		}
		fallthrough
	case reflect.Array:
		l := make([]any, 0, v.Len())
		for i := range v.Len() {
			if ev, ok := r.value(v.Index(i), depth+1); ok {
				l = append(l, ev)
			}
		}
		return l, true
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint(), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	}
	return nil, false
}

// plan returns the recorded fields of struct type t.
func (r *Redactor) plan(t reflect.Type) []fieldPlan {
	if p, ok := r.plans.Load(t); ok {
		return p.([]fieldPlan)
	}
	var plan []fieldPlan
	for i := range t.NumField() {
		f := t.Field(i)
		name, omitEmpty, skip := fieldName(f)
		if skip {
			continue
		}
		if f.Anonymous && f.Tag.Get("aws") == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != timeType {
				plan = append(plan, fieldPlan{index: i, embedded: true})
				continue
			}
		}
		if !f.IsExported() || r.sensitive(name) {
			continue
		}
		plan = append(plan, fieldPlan{index: i, name: lowerFirst(name), omitEmpty: omitEmpty})
	}
	r.plans.Store(t, plan)
	return plan
}

// collect adds the recorded members of struct v to m, promoting the
// members of embedded structs as encoding/json does.
func (r *Redactor) collect(v reflect.Value, m map[string]any, depth int) {
	if depth > maxDepth {
		return
	}
	for _, f := range r.plan(v.Type()) {
		fv := v.Field(f.index)
		if f.embedded {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			r.collect(fv, m, depth+1)
			continue
		}
		if f.omitEmpty && fv.IsZero() {
			continue
		}
		if ev, ok := r.value(fv, depth+1); ok {
			m[f.name] = ev
		}
	}
}

// fieldName returns a struct field's member name and tag options per the
// protocol conventions.
func fieldName(f reflect.StructField) (name string, omitEmpty, skip bool) {
	tag := f.Tag.Get("aws")
	if tag == "-" {
		return "", false, true
	}
	name = f.Name
	if tag != "" {
		parts := strings.Split(tag, ",")
		if parts[0] != "" {
			name = parts[0]
		}
		for _, o := range parts[1:] {
			if o == "omitempty" {
				omitEmpty = true
			}
		}
	}
	return name, omitEmpty, false
}

// lowerFirst lower-cases the first letter only, as CloudTrail spells member
// names (RoleName -> roleName, DBInstanceIdentifier -> dBInstanceIdentifier).
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
