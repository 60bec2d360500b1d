package protocol

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// BindError reports a URI label, header or query parameter whose value does
// not parse as its member's type. Name is the label, header or parameter
// name.
type BindError struct {
	Name  string
	Value string
	Err   error
}

// Error implements error.
func (e *BindError) Error() string {
	return fmt.Sprintf("invalid value %q for %s: %v", e.Value, e.Name, e.Err)
}

// Unwrap returns the parse error.
func (e *BindError) Unwrap() error { return e.Err }

// BindRequest sets the fields of in (a non-nil pointer to a struct) that REST
// protocols bind outside the body: uri= fields from labels (the path labels
// already extracted by routing), header= fields from r's headers (several
// values joined by ","), headers= maps from every header with the prefix
// (keys lower-cased, prefix removed), and querystring= fields from r's URL
// query (a slice field takes every value). Absent values leave fields unset.
// A value that does not parse is a *BindError; a field of an unsupported
// type is another error (a programming error in the type).
func BindRequest(r *http.Request, labels map[string]string, in any) error {
	rv := reflect.ValueOf(in)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("protocol: BindRequest needs a pointer to a struct, got %T", in)
	}
	fields, err := Fields(rv.Type())
	if err != nil {
		return err
	}
	var query map[string][]string
	for i := range fields {
		f := &fields[i]
		switch f.Location {
		case InURI, InHeader, InHeaders, InQueryString:
		default:
			continue
		}
		fv, _ := FieldValue(rv.Elem(), f.Index, true)
		switch f.Location {
		case InURI:
			if s, ok := labels[f.LocationName]; ok {
				if err := setString(fv, s); err != nil {
					return bindErr(f.LocationName, s, err)
				}
			}
		case InHeader:
			if vals, ok := r.Header[http.CanonicalHeaderKey(f.LocationName)]; ok {
				s := strings.Join(vals, ",")
				if err := setString(fv, s); err != nil {
					return bindErr(f.LocationName, s, err)
				}
			}
		case InQueryString:
			if query == nil {
				query = r.URL.Query()
			}
			if vals, ok := query[f.LocationName]; ok {
				if err := setStrings(fv, vals); err != nil {
					return bindErr(f.LocationName, vals[0], err)
				}
			}
		case InHeaders:
			t := fv.Type()
			if t.Kind() != reflect.Map || t.Key().Kind() != reflect.String || t.Elem().Kind() != reflect.String {
				return fmt.Errorf("protocol: headers= field %s must be map[string]string", f.GoName)
			}
			prefix := strings.ToLower(f.LocationName)
			m := reflect.MakeMap(t)
			for k, vals := range r.Header {
				if lk := strings.ToLower(k); strings.HasPrefix(lk, prefix) {
					m.SetMapIndex(reflect.ValueOf(lk[len(prefix):]).Convert(t.Key()),
						reflect.ValueOf(strings.Join(vals, ",")).Convert(t.Elem()))
				}
			}
			if m.Len() > 0 {
				fv.Set(m)
			}
		}
	}
	return nil
}

func bindErr(name, value string, err error) error {
	var be *BindError
	if errors.As(err, &be) {
		return err
	}
	if errors.Is(err, errUnsupported) {
		return fmt.Errorf("protocol: %s: %w", name, err)
	}
	return &BindError{Name: name, Value: value, Err: err}
}

var errUnsupported = errors.New("unsupported field type")

func setStrings(v reflect.Value, vals []string) error {
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8 {
		out := reflect.MakeSlice(v.Type(), 0, len(vals))
		for _, s := range vals {
			ev := reflect.New(v.Type().Elem()).Elem()
			if err := setString(ev, s); err != nil {
				return err
			}
			out = reflect.Append(out, ev)
		}
		v.Set(out)
		return nil
	}
	return setString(v, vals[0])
}

// setString parses a header, query or label value into v.
func setString(v reflect.Value, s string) error {
	if v.Kind() == reflect.Pointer {
		nv := reflect.New(v.Type().Elem())
		if err := setString(nv.Elem(), s); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	}
	if v.Type() == timeType {
		t, err := ParseTimestamp(s)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(t))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		switch s {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			return errors.New("not a boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return errors.New("not an integer")
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return errors.New("not a number")
		}
		v.SetFloat(n)
	default:
		return fmt.Errorf("%w %s", errUnsupported, v.Type())
	}
	return nil
}

// BindResponse sets h from out's header= fields (timestamps in RFC 1123
// unless the field says otherwise) and headers= maps (each key appended to
// the prefix), and returns the value of its statuscode field (0 when it has
// none or it is zero). Unset fields set nothing. out may be a struct, a
// pointer to one, or nil.
func BindResponse(h http.Header, out any) (status int, err error) {
	rv := reflect.ValueOf(out)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return 0, nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Kind() != reflect.Struct {
		return 0, nil
	}
	fields, err := Fields(rv.Type())
	if err != nil {
		return 0, err
	}
	for i := range fields {
		f := &fields[i]
		fv, ok := FieldValue(rv, f.Index, false)
		if !ok {
			continue
		}
		switch f.Location {
		case InStatusCode:
			if fv.CanInt() {
				status = int(fv.Int())
			}
		case InHeader:
			if f.IsUnset(fv) {
				continue
			}
			s, err := headerValue(fv, f)
			if err != nil {
				return 0, err
			}
			h.Set(f.LocationName, s)
		case InHeaders:
			if fv.Kind() != reflect.Map || fv.Type().Key().Kind() != reflect.String || fv.Type().Elem().Kind() != reflect.String {
				return 0, fmt.Errorf("protocol: headers= field %s must be map[string]string", f.GoName)
			}
			iter := fv.MapRange()
			for iter.Next() {
				h.Set(f.LocationName+iter.Key().String(), iter.Value().String())
			}
		}
	}
	return status, nil
}

func headerValue(v reflect.Value, f *Field) (string, error) {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Type() == timeType {
		t := TimeOf(v)
		switch f.Timestamp {
		case TimestampISO8601:
			return FormatISO8601(t), nil
		case TimestampUnix:
			return FormatEpoch(t), nil
		}
		return FormatRFC1123(t), nil
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), nil
	}
	return "", fmt.Errorf("protocol: header field %s has unsupported type %s", f.GoName, v.Type())
}
