// Package awsjson implements AWS's JSON 1.0 and 1.1 protocols (SageMaker,
// Secrets Manager, EMR, FSx, CloudTrail): the request body is one JSON object
// holding the operation's input, the response body one object holding its
// output, errors are {"__type": ..., "message": ...} with the
// x-amzn-ErrorType header. Types follow the convention documented in package
// protocol.
package awsjson

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
)

// Decode decodes the JSON request body into in, which must be a non-nil
// pointer to a struct. An empty body is an empty object. Unknown members are
// ignored, as AWS ignores them; JSON null is treated as absent. Fields bound
// outside the body (REST-JSON headers, labels, query parameters) are left
// alone. Malformed
// JSON and values of the wrong JSON type are a 400 SerializationException
// whose message names the member; a missing member tagged required is a 400
// ValidationException.
func Decode(body []byte, in any) *apierr.Error {
	rv := reflect.ValueOf(in)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return apierr.Internal(fmt.Errorf("awsjson: Decode needs a non-nil pointer, got %T", in))
	}
	d := decoder{}
	obj := map[string]any{}
	if len(bytes.TrimSpace(body)) != 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return serialization("Malformed JSON request body: " + jsonErrText(err))
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return serialization("Malformed JSON request body: unexpected data after the top-level value")
		}
		var ok bool
		obj, ok = doc.(map[string]any)
		if !ok {
			return serialization(fmt.Sprintf("Expected a JSON object as the request body but found %s", kindOf(doc)))
		}
	}
	if err := d.assign(rv.Elem(), obj); err != nil {
		return err
	}
	return protocol.ValidationError(apierr.CodeValidationException, d.missing)
}

// decoder collects the validation paths of absent required members. segs
// is the path from the top-level object to the value being decoded; paths
// are spelled out only when a message needs them.
type decoder struct {
	missing []string
	segs    []seg
}

// seg is one step of a path: a structure member, a map key or a list index.
type seg struct {
	name  string
	index int // list index when name is ""
	key   bool
}

// path spells the current path for serialization messages: Tags[0].Key.
func (d *decoder) path() string {
	var b strings.Builder
	for _, s := range d.segs {
		switch {
		case s.name == "" && !s.key:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		}
	}
	return b.String()
}

// vpath spells the current path, plus member when not empty, as AWS's
// validation messages do: tags.1.member.key.
func (d *decoder) vpath(member string) string {
	var b strings.Builder
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	for _, s := range d.segs {
		switch {
		case s.key:
			add(s.name)
		case s.name == "":
			add(strconv.Itoa(s.index+1) + ".member")
		default:
			add(protocol.ValidationPath(s.name))
		}
	}
	if member != "" {
		add(protocol.ValidationPath(member))
	}
	return b.String()
}

// descend decodes j into v one step below the current path.
func (d *decoder) descend(s seg, v reflect.Value, j any) *apierr.Error {
	d.segs = append(d.segs, s)
	err := d.assign(v, j)
	d.segs = d.segs[:len(d.segs)-1]
	return err
}

func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at offset %d", se.Error(), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of input"
	}
	return err.Error()
}

func serialization(msg string) *apierr.Error {
	return apierr.New(http.StatusBadRequest, apierr.CodeSerializationException, msg)
}

func kindOf(j any) string {
	switch j.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", j)
}

func (d *decoder) mismatch(want string, j any) *apierr.Error {
	return serialization(fmt.Sprintf("Expected %s for member '%s' but found %s", want, d.path(), kindOf(j)))
}

// assign stores the JSON value j into v. j is never nil.
func (d *decoder) assign(v reflect.Value, j any) *apierr.Error {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		nv := reflect.New(t.Elem())
		if err := d.assign(nv.Elem(), j); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	}
	if t == protocol.TimeType() {
		var (
			tm  any
			err error
		)
		switch x := j.(type) {
		case json.Number:
			var f float64
			f, err = x.Float64()
			if err == nil {
				tm, err = protocol.EpochToTime(f)
			}
		case string:
			tm, err = protocol.ParseTimestamp(x)
		default:
			return d.mismatch("a timestamp", j)
		}
		if err != nil {
			return serialization(fmt.Sprintf("Invalid timestamp for member '%s': %v", d.path(), err))
		}
		v.Set(reflect.ValueOf(tm))
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return apierr.Internal(fmt.Errorf("awsjson: unsupported interface type %s at %s", t, d.path()))
		}
		v.Set(reflect.ValueOf(j))
	case reflect.String:
		s, ok := j.(string)
		if !ok {
			return d.mismatch("a string", j)
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := j.(bool)
		if !ok {
			return d.mismatch("a boolean", j)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := j.(json.Number)
		if !ok {
			return d.mismatch("an integer", j)
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || v.OverflowInt(i) {
			return serialization(fmt.Sprintf("Value %s for member '%s' is not an integer in range", n, d.path()))
		}
		v.SetInt(i)
	case reflect.Float32, reflect.Float64:
		var f float64
		switch x := j.(type) {
		case json.Number:
			var err error
			f, err = x.Float64()
			if err != nil {
				return serialization(fmt.Sprintf("Value %s for member '%s' is not a number in range", x, d.path()))
			}
		case string:
			// Smithy sends non-finite floats as strings.
			switch x {
			case "NaN":
				f = math.NaN()
			case "Infinity":
				f = math.Inf(1)
			case "-Infinity":
				f = math.Inf(-1)
			default:
				return d.mismatch("a number", j)
			}
		default:
			return d.mismatch("a number", j)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			s, ok := j.(string)
			if !ok {
				return d.mismatch("a base64-encoded string", j)
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return serialization(fmt.Sprintf("Value for member '%s' is not valid base64", d.path()))
			}
			v.SetBytes(b)
			return nil
		}
		arr, ok := j.([]any)
		if !ok {
			return d.mismatch("an array", j)
		}
		out := reflect.MakeSlice(t, 0, len(arr))
		for i, e := range arr {
			ev := reflect.New(t.Elem()).Elem()
			if e != nil {
				if err := d.descend(seg{index: i}, ev, e); err != nil {
					return err
				}
			}
			out = reflect.Append(out, ev)
		}
		v.Set(out)
	case reflect.Map:
		obj, ok := j.(map[string]any)
		if !ok {
			return d.mismatch("an object", j)
		}
		if t.Key().Kind() != reflect.String {
			return apierr.Internal(fmt.Errorf("awsjson: map key type %s at %s", t.Key(), d.path()))
		}
		out := reflect.MakeMapWithSize(t, len(obj))
		// Sorted, so that messages about several entries are deterministic.
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			e := obj[k]
			ev := reflect.New(t.Elem()).Elem()
			if e != nil {
				if err := d.descend(seg{name: k, key: true}, ev, e); err != nil {
					return err
				}
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		v.Set(out)
	case reflect.Struct:
		obj, ok := j.(map[string]any)
		if !ok {
			return d.mismatch("an object", j)
		}
		fields, err := protocol.Fields(t)
		if err != nil {
			return apierr.Internal(err)
		}
		for i := range fields {
			f := &fields[i]
			if f.Location != protocol.InBody {
				// Bound to a header, the URI or the query string (REST-JSON).
				continue
			}
			e, ok := obj[f.Name]
			if !ok || e == nil {
				if f.Required {
					d.missing = append(d.missing, d.vpath(f.Name))
				}
				continue
			}
			fv, _ := protocol.FieldValue(v, f.Index, true)
			if err := d.descend(seg{name: f.Name}, fv, e); err != nil {
				return err
			}
		}
	default:
		return apierr.Internal(fmt.Errorf("awsjson: unsupported Go type %s at %s", t, d.path()))
	}
	return nil
}
