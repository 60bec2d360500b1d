package protocol

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Location says where a member travels in a REST request or response.
type Location int

const (
	// InBody is the default: the member is part of the body (a JSON key,
	// a Query parameter, an XML element).
	InBody Location = iota
	// InHeader binds the member to one HTTP header.
	InHeader
	// InHeaders binds a map[string]string to every header with a prefix.
	InHeaders
	// InQueryString binds the member to a URL query parameter.
	InQueryString
	// InURI binds the member to a label of the request path.
	InURI
	// InPayload makes the member the whole body.
	InPayload
	// InStatusCode binds an int member to the HTTP status code.
	InStatusCode
)

// Timestamp formats, spelled as botocore's timestampFormat spells them.
const (
	TimestampISO8601 = "iso8601"
	TimestampUnix    = "unixTimestamp"
	TimestampRFC822  = "rfc822"
)

// Field describes how one Go struct field maps to a model member. It is
// derived from the field's name and its `aws` tag by [Fields].
type Field struct {
	// Index is the field's index path for reflect.Value.FieldByIndex.
	Index []int
	// GoName is the Go field name, for messages.
	GoName string
	// Name is the model member name (the JSON key and Query parameter name).
	Name string
	// XMLName is the element name in XML bodies; it defaults to Name.
	XMLName string
	// Location and LocationName give a REST binding (header name, query
	// parameter name, URI label or header prefix).
	Location     Location
	LocationName string
	// Flattened reports whether a list or map repeats its element in place
	// instead of wrapping members in an element named for the field.
	Flattened bool
	// MemberName is the element name of list members (default "member").
	MemberName string
	// KeyName and ValueName name a map entry's parts (default "key" and
	// "value").
	KeyName, ValueName string
	// OmitEmpty reports whether a zero value counts as unset.
	OmitEmpty bool
	// Required reports whether decoders reject a request lacking the member.
	Required bool
	// XMLAttr reports whether the member is an XML attribute.
	XMLAttr bool
	// Timestamp overrides the protocol's timestamp format ("" = default).
	Timestamp string
	// Type is the field's Go type.
	Type reflect.Type
}

var timeType = reflect.TypeFor[time.Time]()

// TimeType is reflect.TypeFor[time.Time](), for codecs.
func TimeType() reflect.Type { return timeType }

// Fields returns the member fields of struct type t in declaration order,
// promoting the fields of embedded structs. It returns an error for a
// malformed tag or two fields naming the same member.
func Fields(t reflect.Type) ([]Field, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("protocol: %s is not a struct", t)
	}
	out := make([]Field, 0, t.NumField())
	if err := appendFields(&out, t, nil); err != nil {
		return nil, err
	}
	for i := range out {
		for j := range i {
			if out[i].Name == out[j].Name {
				return nil, fmt.Errorf("protocol: %s: fields %s and %s both map to member %q", t, out[j].GoName, out[i].GoName, out[i].Name)
			}
		}
	}
	return out, nil
}

func appendFields(out *[]Field, t reflect.Type, index []int) error {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, hasTag := sf.Tag.Lookup("aws")
		if tag == "-" {
			continue
		}
		idx := make([]int, len(index)+1)
		copy(idx, index)
		idx[len(index)] = i
		if sf.Anonymous && !hasTag {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != timeType {
				if err := appendFields(out, ft, idx); err != nil {
					return err
				}
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		f, err := parseTag(sf, tag)
		if err != nil {
			return err
		}
		f.Index = idx
		*out = append(*out, f)
	}
	return nil
}

func parseTag(sf reflect.StructField, tag string) (Field, error) {
	f := Field{GoName: sf.Name, Name: sf.Name, Type: sf.Type}
	name, opts, _ := strings.Cut(tag, ",")
	if name != "" {
		f.Name = name
	}
	bad := func(opt string) error {
		return fmt.Errorf("protocol: field %s: bad aws tag option %q", sf.Name, opt)
	}
	for opts != "" {
		var opt string
		opt, opts, _ = strings.Cut(opts, ",")
		key, val, hasVal := strings.Cut(opt, "=")
		switch key {
		case "omitempty":
			f.OmitEmpty = true
		case "required":
			f.Required = true
		case "flattened":
			f.Flattened = true
		case "xmlattr":
			f.XMLAttr = true
		case "payload":
			f.Location = InPayload
		case "statuscode":
			f.Location = InStatusCode
		case "header", "headers", "querystring", "uri":
			if !hasVal || val == "" {
				return f, bad(opt)
			}
			f.LocationName = val
			switch key {
			case "header":
				f.Location = InHeader
			case "headers":
				f.Location = InHeaders
			case "querystring":
				f.Location = InQueryString
			default:
				f.Location = InURI
			}
		case "member", "key", "value", "xml":
			if val == "" {
				return f, bad(opt)
			}
			switch key {
			case "member":
				f.MemberName = val
			case "key":
				f.KeyName = val
			case "value":
				f.ValueName = val
			default:
				f.XMLName = val
			}
		case "timestamp":
			switch val {
			case TimestampISO8601, TimestampUnix, TimestampRFC822:
				f.Timestamp = val
			default:
				return f, bad(opt)
			}
		case "":
		default:
			return f, bad(opt)
		}
	}
	if f.XMLName == "" {
		f.XMLName = f.Name
	}
	if f.MemberName == "" {
		f.MemberName = "member"
	}
	if f.KeyName == "" {
		f.KeyName = "key"
	}
	if f.ValueName == "" {
		f.ValueName = "value"
	}
	return f, nil
}

// IsUnset reports whether the field value v counts as unset under the
// convention in the package documentation: a nil pointer, slice, map or
// interface, or a zero value of a field tagged omitempty.
func (f *Field) IsUnset(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		if v.IsNil() {
			return true
		}
		if f.OmitEmpty && v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface {
			return v.Len() == 0
		}
		return false
	}
	return f.OmitEmpty && v.IsZero()
}

// ValidationPath converts a member name into the spelling AWS uses in
// validation messages: the first letter lowercased ("RoleName" ->
// "roleName").
func ValidationPath(name string) string {
	r, n := utf8.DecodeRuneInString(name)
	if r == utf8.RuneError {
		return name
	}
	return string(unicode.ToLower(r)) + name[n:]
}

// FieldValue returns the field of struct value v at index. When the path
// crosses a nil embedded pointer, it allocates the embedded struct if alloc
// is true (v must be settable) and otherwise reports false.
func FieldValue(v reflect.Value, index []int, alloc bool) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !alloc {
					return reflect.Value{}, false
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}
