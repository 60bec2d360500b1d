// Package xmlcodec encodes and decodes the XML bodies of AWS's Query and
// REST-XML protocols from and to Go structs that follow the convention
// documented in package protocol. It is shared by awsquery and restxml.
package xmlcodec

import (
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"abacus/internal/protocol"
)

// Encoder appends XML to a buffer. Indent, when non-empty, is repeated once
// per nesting level with a newline before each element, as AWS's Query
// responses are laid out; an empty Indent writes everything on one line. The
// zero value is ready to use.
type Encoder struct {
	Buf    []byte
	Indent string
	// Millis makes ISO 8601 timestamps always carry milliseconds
	// ("2024-01-01T00:00:00.000Z"), as S3 writes them; otherwise they have
	// milliseconds only when non-zero, as IAM and STS write them.
	Millis bool
	depth  int
	opened int // len(Buf) right after the last start tag
}

// Bytes returns the encoded document.
func (e *Encoder) Bytes() []byte { return e.Buf }

func (e *Encoder) newline() {
	if e.Indent == "" {
		return
	}
	e.Buf = append(e.Buf, '\n')
	for range e.depth {
		e.Buf = append(e.Buf, e.Indent...)
	}
}

// Open writes a start tag with optional attributes given as name, value
// pairs, and nests one level.
func (e *Encoder) Open(name string, attrs ...string) {
	if len(e.Buf) > 0 {
		e.newline()
	}
	e.Buf = append(e.Buf, '<')
	e.Buf = append(e.Buf, name...)
	for i := 0; i+1 < len(attrs); i += 2 {
		e.Buf = append(e.Buf, ' ')
		e.Buf = append(e.Buf, attrs[i]...)
		e.Buf = append(e.Buf, `="`...)
		e.Buf = appendEscaped(e.Buf, attrs[i+1])
		e.Buf = append(e.Buf, '"')
	}
	e.Buf = append(e.Buf, '>')
	e.depth++
	e.opened = len(e.Buf)
}

// Close ends the element opened last, by name. An element without content
// closes on the same line: <Name></Name>.
func (e *Encoder) Close(name string) {
	e.depth--
	if len(e.Buf) != e.opened {
		e.newline()
	}
	e.Buf = append(e.Buf, "</"...)
	e.Buf = append(e.Buf, name...)
	e.Buf = append(e.Buf, '>')
}

// Leaf writes <name>text</name> with text escaped.
func (e *Encoder) Leaf(name, text string) {
	if len(e.Buf) > 0 {
		e.newline()
	}
	e.Buf = append(e.Buf, '<')
	e.Buf = append(e.Buf, name...)
	e.Buf = append(e.Buf, '>')
	e.Buf = appendEscaped(e.Buf, text)
	e.Buf = append(e.Buf, "</"...)
	e.Buf = append(e.Buf, name...)
	e.Buf = append(e.Buf, '>')
}

// Empty writes <name></name>: an empty list or structure.
func (e *Encoder) Empty(name string) { e.Leaf(name, "") }

// Fields writes the members of struct v (a struct or pointer to one) as
// child elements of the currently open element, skipping unset members. A
// nil pointer writes nothing.
func (e *Encoder) Fields(v reflect.Value) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return fmt.Errorf("xmlcodec: %s is not a struct", v.Type())
	}
	fields, err := protocol.Fields(v.Type())
	if err != nil {
		return err
	}
	return e.fields(v, fields)
}

func (e *Encoder) fields(v reflect.Value, fields []protocol.Field) error {
	for i := range fields {
		f := &fields[i]
		if f.Location != protocol.InBody || f.XMLAttr {
			continue
		}
		fv, ok := protocol.FieldValue(v, f.Index, false)
		if !ok || f.IsUnset(fv) {
			continue
		}
		if err := e.member(f.XMLName, fv, f); err != nil {
			return err
		}
	}
	return nil
}

// Attrs returns the name, value pairs of v's members tagged xmlattr, for
// [Encoder.Open].
func Attrs(v reflect.Value) ([]string, error) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, nil
	}
	fields, err := protocol.Fields(v.Type())
	if err != nil {
		return nil, err
	}
	return attrs(v, fields, false)
}

func attrs(v reflect.Value, fields []protocol.Field, millis bool) ([]string, error) {
	var out []string
	for i := range fields {
		f := &fields[i]
		if !f.XMLAttr {
			continue
		}
		fv, ok := protocol.FieldValue(v, f.Index, false)
		if !ok || f.IsUnset(fv) {
			continue
		}
		s, err := scalar(fv, f.Timestamp, millis)
		if err != nil {
			return nil, err
		}
		out = append(out, f.XMLName, s)
	}
	return out, nil
}

// Value writes v as the element name, following f's list and map options
// (f may be nil for defaults).
func (e *Encoder) Value(name string, v reflect.Value, f *protocol.Field) error {
	if f == nil {
		d := defaultField()
		f = &d
	}
	return e.member(name, v, f)
}

func defaultField() protocol.Field {
	return protocol.Field{MemberName: "member", KeyName: "key", ValueName: "value"}
}

func (e *Encoder) member(name string, v reflect.Value, f *protocol.Field) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	t := v.Type()
	switch {
	case t == protocol.TimeType():
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		elem := defaultField()
		if f.Flattened {
			for i := range v.Len() {
				if err := e.member(name, v.Index(i), &elem); err != nil {
					return err
				}
			}
			return nil
		}
		if v.Len() == 0 {
			e.Empty(name)
			return nil
		}
		e.Open(name)
		for i := range v.Len() {
			if err := e.member(f.MemberName, v.Index(i), &elem); err != nil {
				return err
			}
		}
		e.Close(name)
		return nil
	case t.Kind() == reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		elem := defaultField()
		entry := "entry"
		if f.Flattened {
			entry = name
		} else {
			if len(keys) == 0 {
				e.Empty(name)
				return nil
			}
			e.Open(name)
		}
		for _, k := range keys {
			e.Open(entry)
			e.Leaf(f.KeyName, fmt.Sprint(k.Interface()))
			if err := e.member(f.ValueName, v.MapIndex(k), &elem); err != nil {
				return err
			}
			e.Close(entry)
		}
		if !f.Flattened {
			e.Close(name)
		}
		return nil
	case t.Kind() == reflect.Struct:
		fields, err := protocol.Fields(t)
		if err != nil {
			return err
		}
		as, err := attrs(v, fields, e.Millis)
		if err != nil {
			return err
		}
		e.Open(name, as...)
		if err := e.fields(v, fields); err != nil {
			return err
		}
		e.Close(name)
		return nil
	}
	s, err := scalar(v, f.Timestamp, e.Millis)
	if err != nil {
		return err
	}
	e.Leaf(name, s)
	return nil
}

// scalar formats a scalar value as XML text.
func scalar(v reflect.Value, tsFormat string, millis bool) (string, error) {
	t := v.Type()
	if t == protocol.TimeType() {
		tm := protocol.TimeOf(v)
		switch tsFormat {
		case protocol.TimestampUnix:
			return protocol.FormatEpoch(tm), nil
		case protocol.TimestampRFC822:
			return protocol.FormatRFC1123(tm), nil
		}
		if millis {
			return tm.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z"), nil
		}
		return protocol.FormatISO8601(tm), nil
	}
	switch t.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return "NaN", nil
		case math.IsInf(f, 1):
			return "Infinity", nil
		case math.IsInf(f, -1):
			return "-Infinity", nil
		}
		bits := 64
		if t.Kind() == reflect.Float32 {
			bits = 32
		}
		return strconv.FormatFloat(f, 'g', -1, bits), nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes()), nil
		}
	}
	return "", fmt.Errorf("xmlcodec: unsupported Go type %s", t)
}

// appendEscaped appends s escaped for XML text and attribute values: the
// five predefined entities (&quot; as S3 writes ETags), carriage return as
// a character reference so that parsers keep it, and characters XML 1.0
// cannot carry (other control characters, invalid UTF-8) as U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		size := 1
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '"':
			esc = "&quot;"
		case c == '\r':
			esc = "&#13;"
		case c < 0x20 && c != '\n' && c != '\t':
			esc = "\uFFFD"
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF {
				esc = "\uFFFD"
			}
		}
		if esc == "" {
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, esc...)
		i += size
		start = i
	}
	return append(b, s[start:]...)
}
