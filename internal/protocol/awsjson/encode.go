package awsjson

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
)

// Marshal encodes out, a struct or pointer to one, as a JSON object following
// the convention of package protocol: unset members are omitted, timestamps
// are epoch seconds, blobs base64, map keys sorted; fields bound outside the
// body (REST-JSON headers, status code) are left out. A nil out is "{}".
func Marshal(out any) ([]byte, error) {
	buf := make([]byte, 0, 256)
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return append(buf, "{}"...), nil
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return append(buf, "{}"...), nil
	}
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("awsjson: Marshal needs a struct, got %s", v.Type())
	}
	return appendValue(buf, v, "")
}

// ContentType returns the Content-Type of the JSON protocol version: "1.0"
// and "1.1" give application/x-amz-json-1.0 and -1.1, "" (REST-JSON)
// application/json, anything else is treated as 1.1.
func ContentType(version string) string {
	switch version {
	case "1.0":
		return "application/x-amz-json-1.0"
	case "":
		return "application/json"
	}
	return "application/x-amz-json-1.1"
}

// WriteResponse writes a 200 response whose body is out encoded by
// [Marshal], with the JSON version's Content-Type and the x-amzn-RequestId
// header. If out cannot be encoded (a programming error in the service's
// types) it writes InternalFailure instead and returns the cause.
func WriteResponse(w http.ResponseWriter, version, requestID string, out any) error {
	body, err := Marshal(out)
	if err != nil {
		WriteError(w, version, requestID, apierr.Internal(err))
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ContentType(version))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// ErrorBody returns e rendered as the JSON protocols' error body:
// {"__type":"Code","message":"..."} followed by e's extra fields as string
// members. botocore reads "message" or "Message"; the Go SDK matches either
// case.
func ErrorBody(e *apierr.Error) []byte {
	b := make([]byte, 0, 64+len(e.Message))
	b = append(b, `{"__type":`...)
	b = appendString(b, e.Code)
	b = append(b, `,"message":`...)
	b = appendString(b, e.Message)
	for _, f := range e.Extra {
		b = append(b, ',')
		b = appendString(b, f.Name)
		b = append(b, ':')
		b = appendString(b, f.Value)
	}
	return append(b, '}')
}

// WriteError writes e with its HTTP status, the x-amzn-ErrorType and
// x-amzn-RequestId headers and the body of [ErrorBody].
func WriteError(w http.ResponseWriter, version, requestID string, e *apierr.Error) {
	body := ErrorBody(e)
	status := e.HTTPStatus
	if status == 0 {
		status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", ContentType(version))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	h.Set("x-amzn-ErrorType", e.Code)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func appendValue(b []byte, v reflect.Value, tsFormat string) ([]byte, error) {
	t := v.Type()
	switch t {
	case protocol.TimeType():
		return appendTime(b, v, tsFormat), nil
	case numberType:
		// A number inside a document value, kept as decoded.
		n := v.String()
		if _, err := strconv.ParseFloat(n, 64); err != nil {
			return nil, fmt.Errorf("awsjson: invalid number %q", n)
		}
		return append(b, n...), nil
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		return appendValue(b, v.Elem(), tsFormat)
	case reflect.String:
		return appendString(b, v.String()), nil
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return append(b, `"NaN"`...), nil
		case math.IsInf(f, 1):
			return append(b, `"Infinity"`...), nil
		case math.IsInf(f, -1):
			return append(b, `"-Infinity"`...), nil
		}
		bits := 64
		if t.Kind() == reflect.Float32 {
			bits = 32
		}
		return strconv.AppendFloat(b, f, 'g', -1, bits), nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, v.Bytes())
			return append(b, '"'), nil
		}
		fallthrough
	case reflect.Array:
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, v.Index(i), tsFormat); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("awsjson: map key type %s is not a string", t.Key())
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, c reflect.Value) int {
			switch {
			case a.String() < c.String():
				return -1
			case a.String() > c.String():
				return 1
			}
			return 0
		})
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k.String())
			b = append(b, ':')
			var err error
			if b, err = appendValue(b, v.MapIndex(k), tsFormat); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case reflect.Struct:
		fields, err := protocol.Fields(t)
		if err != nil {
			return nil, err
		}
		b = append(b, '{')
		first := true
		for i := range fields {
			f := &fields[i]
			if f.Location != protocol.InBody {
				continue
			}
			fv, ok := protocol.FieldValue(v, f.Index, false)
			if !ok || f.IsUnset(fv) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendString(b, f.Name)
			b = append(b, ':')
			if b, err = appendValue(b, fv, f.Timestamp); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("awsjson: unsupported Go type %s", t)
}

func appendTime(b []byte, v reflect.Value, format string) []byte {
	t := protocol.TimeOf(v)
	switch format {
	case protocol.TimestampISO8601:
		return appendString(b, protocol.FormatISO8601(t))
	case protocol.TimestampRFC822:
		return appendString(b, protocol.FormatRFC1123(t))
	}
	return append(b, protocol.FormatEpoch(t)...)
}

const hex = "0123456789abcdef"

var numberType = reflect.TypeFor[json.Number]()

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD;
// HTML characters are not escaped (AWS does not escape them).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// UnknownOperation returns the error a JSON service sends for an
// X-Amz-Target it does not know: 400 UnknownOperationException.
func UnknownOperation(target string) *apierr.Error {
	msg := "The action or operation requested is invalid. Verify that the action is typed correctly."
	if target == "" {
		msg = "Missing X-Amz-Target header."
	}
	return apierr.New(http.StatusBadRequest, apierr.CodeUnknownOperation, msg)
}
