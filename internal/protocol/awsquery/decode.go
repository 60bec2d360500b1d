// Package awsquery implements AWS's Query protocol (IAM, STS): the input is
// form-encoded parameters (Action=CreateRole&Version=2010-05-08&RoleName=...)
// in the body or the URL, the output an XML document
// <OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>, and
// errors an <ErrorResponse>. Types follow the convention documented in
// package protocol; parameter names follow botocore's query serializer
// (Tags.member.1.Key for lists, Attributes.entry.1.key for maps, Name.1 for
// flattened lists, an empty "Name=" for an empty list).
package awsquery

import (
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
)

// Values returns the request's parameters: the URL query merged with a
// form-encoded body (body values first). A body whose Content-Type is not
// application/x-www-form-urlencoded is ignored. Malformed encoding is a 400
// MalformedQueryString.
func Values(r *http.Request, body []byte) (url.Values, *apierr.Error) {
	vals := url.Values{}
	if len(body) > 0 {
		ct := r.Header.Get("Content-Type")
		mt, _, _ := mime.ParseMediaType(ct)
		if ct == "" || mt == "application/x-www-form-urlencoded" {
			bv, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, malformed(err)
			}
			vals = bv
		}
	}
	qv, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, malformed(err)
	}
	for k, v := range qv {
		vals[k] = append(vals[k], v...)
	}
	return vals, nil
}

func malformed(err error) *apierr.Error {
	return apierr.New(http.StatusBadRequest, apierr.CodeMalformedQueryString, "The query string is malformed: "+err.Error())
}

// Decode decodes the parameters into in, a non-nil pointer to a struct.
// Action, Version and the SigV4 query parameters are not members and are
// ignored, as are unknown parameters. A value that does not parse as its
// member's type is a 400 ValidationError; a missing member tagged required a
// 400 ValidationError in IAM's words.
func Decode(vals url.Values, in any) *apierr.Error {
	rv := reflect.ValueOf(in)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return apierr.Internal(fmt.Errorf("awsquery: Decode needs a non-nil pointer, got %T", in))
	}
	d := decoder{vals: vals, keys: make([]string, 0, len(vals))}
	for k := range vals {
		d.keys = append(d.keys, k)
	}
	sort.Strings(d.keys)
	if err := d.structure(rv.Elem(), ""); err != nil {
		return err
	}
	return protocol.ValidationError(apierr.CodeValidationError, d.missing)
}

type decoder struct {
	vals    url.Values
	keys    []string // sorted
	missing []string // validation paths of absent required members
}

// present reports whether key itself or any key below it (key + ".") is a
// parameter.
func (d *decoder) present(key string) bool {
	i := sort.SearchStrings(d.keys, key)
	if i < len(d.keys) && d.keys[i] == key {
		return true
	}
	return d.below(key)
}

// below reports whether some parameter starts with key + ".".
func (d *decoder) below(key string) bool {
	p := key + "."
	i := sort.SearchStrings(d.keys, p)
	return i < len(d.keys) && strings.HasPrefix(d.keys[i], p)
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// structure decodes the members of struct v found below prefix.
func (d *decoder) structure(v reflect.Value, prefix string) *apierr.Error {
	fields, err := protocol.Fields(v.Type())
	if err != nil {
		return apierr.Internal(err)
	}
	for i := range fields {
		f := &fields[i]
		key := join(prefix, f.Name)
		if !d.present(key) {
			if f.Required {
				d.missing = append(d.missing, vpathOf(key))
			}
			continue
		}
		fv, _ := protocol.FieldValue(v, f.Index, true)
		if err := d.value(fv, key, f); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) value(v reflect.Value, key string, f *protocol.Field) *apierr.Error {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		nv := reflect.New(t.Elem())
		if err := d.value(nv.Elem(), key, f); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	}
	if t == protocol.TimeType() {
		s := d.vals.Get(key)
		tm, err := protocol.ParseTimestamp(s)
		if err != nil {
			return invalid(key, s, "be a timestamp")
		}
		v.Set(reflect.ValueOf(tm))
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(d.vals.Get(key))
	case reflect.Bool:
		s := d.vals.Get(key)
		b, err := strconv.ParseBool(s)
		if err != nil || (s != "true" && s != "false") {
			return invalid(key, s, "be a boolean")
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s := d.vals.Get(key)
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return invalid(key, s, "be an integer")
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		s := d.vals.Get(key)
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return invalid(key, s, "be a number")
		}
		v.SetFloat(n)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			s := d.vals.Get(key)
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return invalid(key, s, "be base64-encoded")
			}
			v.SetBytes(b)
			return nil
		}
		return d.list(v, key, f)
	case reflect.Map:
		return d.mapping(v, key, f)
	case reflect.Struct:
		return d.structure(v, key)
	default:
		return apierr.Internal(fmt.Errorf("awsquery: unsupported Go type %s at %s", t, key))
	}
	return nil
}

// elemField describes list elements and map values: they inherit nothing
// but the defaults.
func elemField() protocol.Field {
	return protocol.Field{MemberName: "member", KeyName: "key", ValueName: "value"}
}

func (d *decoder) list(v reflect.Value, key string, f *protocol.Field) *apierr.Error {
	base := key + "." + f.MemberName
	if f.Flattened {
		base = key
	}
	out := reflect.MakeSlice(v.Type(), 0, 0)
	// Elements are numbered from 1; stop at the first gap. There can be no
	// more elements than parameters.
	for n := 1; n <= len(d.keys); n++ {
		ek := base + "." + strconv.Itoa(n)
		if !d.present(ek) {
			break
		}
		ev := reflect.New(v.Type().Elem()).Elem()
		ef := elemField()
		if err := d.value(ev, ek, &ef); err != nil {
			return err
		}
		out = reflect.Append(out, ev)
	}
	v.Set(out)
	return nil
}

func (d *decoder) mapping(v reflect.Value, key string, f *protocol.Field) *apierr.Error {
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		return apierr.Internal(fmt.Errorf("awsquery: map key type %s at %s", t.Key(), key))
	}
	base := key + ".entry"
	if f.Flattened {
		base = key
	}
	out := reflect.MakeMap(t)
	for n := 1; n <= len(d.keys); n++ {
		ek := base + "." + strconv.Itoa(n)
		if !d.present(ek) {
			break
		}
		kk := ek + "." + f.KeyName
		if _, ok := d.vals[kk]; !ok {
			d.missing = append(d.missing, vpathOf(kk))
			continue
		}
		ev := reflect.New(t.Elem()).Elem()
		vk := ek + "." + f.ValueName
		if d.present(vk) {
			ef := elemField()
			if err := d.value(ev, vk, &ef); err != nil {
				return err
			}
		}
		out.SetMapIndex(reflect.ValueOf(d.vals.Get(kk)).Convert(t.Key()), ev)
	}
	v.Set(out)
	return nil
}

func invalid(key, val, what string) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, apierr.CodeValidationError,
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must %s", val, vpathOf(key), what)
}

// vpathOf spells a parameter name as AWS's validation messages do: member
// names start lower-case and a list index precedes its element name
// ("Tags.member.2.Value" -> "tags.2.member.value"). It runs only when a
// message needs it.
func vpathOf(key string) string {
	parts := strings.Split(key, ".")
	out := make([]string, 0, len(parts))
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if i+1 < len(parts) && isIndex(parts[i+1]) && (p == "member" || p == "entry") {
			out = append(out, parts[i+1], p)
			i++
			continue
		}
		out = append(out, protocol.ValidationPath(p))
	}
	return strings.Join(out, ".")
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
