package xmlcodec

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"abacus/internal/protocol"
)

// MaxDepth is the deepest element nesting [Unmarshal] accepts.
const MaxDepth = 64

// Node is one parsed XML element: its local name, attributes, character data
// and child elements.
type Node struct {
	Name     string
	Attrs    []xml.Attr
	Text     string
	Children []*Node
}

// Child returns the first child element named name.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Parse parses one XML document into its root element. Namespaces are
// dropped (elements are matched by local name, as S3 does). Documents
// nested deeper than [MaxDepth] are rejected.
func Parse(data []byte) (*Node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*Node
	var texts [][]byte // character data of the open elements, in stack order
	var root *Node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, errors.New("more than one root element")
			}
			if len(stack) >= MaxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", MaxDepth)
			}
			n := &Node{Name: t.Name.Local, Attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
			texts = append(texts, nil)
		case xml.EndElement:
			stack[len(stack)-1].Text = string(texts[len(texts)-1])
			stack = stack[:len(stack)-1]
			texts = texts[:len(texts)-1]
		case xml.CharData:
			if len(stack) > 0 {
				texts[len(texts)-1] = append(texts[len(texts)-1], t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("character data outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// DecodeError reports a value that does not fit its member's type.
type DecodeError struct {
	Path string
	Msg  string
}

// Error implements error.
func (e *DecodeError) Error() string { return e.Path + ": " + e.Msg }

// Unmarshal parses data and decodes its root element's children into v, a
// non-nil pointer to a struct, returning the root element's name and the
// validation paths of absent members tagged required. Absent members stay
// unset; an empty element is an empty string, list or structure.
func Unmarshal(data []byte, v any) (root string, missing []string, err error) {
	n, err := Parse(data)
	if err != nil {
		return "", nil, err
	}
	missing, err = DecodeNode(n, v)
	return n.Name, missing, err
}

// DecodeNode decodes the children of n into v as [Unmarshal] does.
func DecodeNode(n *Node, v any) (missing []string, err error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, fmt.Errorf("xmlcodec: DecodeNode needs a non-nil pointer, got %T", v)
	}
	d := decoder{}
	if err := d.structure(rv.Elem(), n, ""); err != nil {
		return nil, err
	}
	return d.missing, nil
}

type decoder struct {
	missing []string
}

func join(p, name string) string {
	if p == "" {
		return name
	}
	return p + "." + name
}

func (d *decoder) structure(v reflect.Value, n *Node, vpath string) error {
	fields, err := protocol.Fields(v.Type())
	if err != nil {
		return err
	}
	for i := range fields {
		f := &fields[i]
		if f.Location != protocol.InBody {
			continue
		}
		fpath := join(vpath, protocol.ValidationPath(f.Name))
		if f.XMLAttr {
			found := false
			for _, a := range n.Attrs {
				if a.Name.Local == f.XMLName {
					fv, _ := protocol.FieldValue(v, f.Index, true)
					if err := d.scalar(fv, a.Value, fpath, f); err != nil {
						return err
					}
					found = true
					break
				}
			}
			if !found && f.Required {
				d.missing = append(d.missing, fpath)
			}
			continue
		}
		var matched []*Node
		for _, c := range n.Children {
			if c.Name == f.XMLName {
				matched = append(matched, c)
			}
		}
		if len(matched) == 0 {
			if f.Required {
				d.missing = append(d.missing, fpath)
			}
			continue
		}
		fv, _ := protocol.FieldValue(v, f.Index, true)
		if err := d.member(fv, matched, fpath, f); err != nil {
			return err
		}
	}
	return nil
}

func elemField() protocol.Field {
	return protocol.Field{MemberName: "member", KeyName: "key", ValueName: "value"}
}

// member decodes the elements matched for one member: one element, or every
// repetition of a flattened list or map.
func (d *decoder) member(v reflect.Value, nodes []*Node, vpath string, f *protocol.Field) error {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		nv := reflect.New(t.Elem())
		if err := d.member(nv.Elem(), nodes, vpath, f); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	}
	switch {
	case t == protocol.TimeType():
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		items := nodes
		if !f.Flattened {
			items = nil
			for _, c := range nodes[0].Children {
				if c.Name == f.MemberName {
					items = append(items, c)
				}
			}
		}
		out := reflect.MakeSlice(t, 0, len(items))
		ef := elemField()
		for i, it := range items {
			ev := reflect.New(t.Elem()).Elem()
			if err := d.member(ev, []*Node{it}, vpath+"."+strconv.Itoa(i+1)+".member", &ef); err != nil {
				return err
			}
			out = reflect.Append(out, ev)
		}
		v.Set(out)
		return nil
	case t.Kind() == reflect.Map:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("xmlcodec: map key type %s", t.Key())
		}
		entries := nodes
		if !f.Flattened {
			entries = nil
			for _, c := range nodes[0].Children {
				if c.Name == "entry" {
					entries = append(entries, c)
				}
			}
		}
		out := reflect.MakeMap(t)
		ef := elemField()
		for _, e := range entries {
			k := e.Child(f.KeyName)
			if k == nil {
				d.missing = append(d.missing, vpath+".entry.key")
				continue
			}
			ev := reflect.New(t.Elem()).Elem()
			if val := e.Child(f.ValueName); val != nil {
				if err := d.member(ev, []*Node{val}, vpath+"."+k.Text, &ef); err != nil {
					return err
				}
			}
			out.SetMapIndex(reflect.ValueOf(k.Text).Convert(t.Key()), ev)
		}
		v.Set(out)
		return nil
	case t.Kind() == reflect.Struct:
		return d.structure(v, nodes[0], vpath)
	}
	return d.scalar(v, nodes[0].Text, vpath, f)
}

func (d *decoder) scalar(v reflect.Value, s, vpath string, f *protocol.Field) error {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		nv := reflect.New(t.Elem())
		if err := d.scalar(nv.Elem(), s, vpath, f); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	}
	bad := func(what string) error {
		return &DecodeError{Path: vpath, Msg: fmt.Sprintf("value %q is not %s", s, what)}
	}
	if t == protocol.TimeType() {
		tm, err := protocol.ParseTimestamp(s)
		if err != nil {
			return bad("a timestamp")
		}
		v.Set(reflect.ValueOf(tm))
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		switch strings.TrimSpace(s) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			return bad("a boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || v.OverflowInt(n) {
			return bad("an integer")
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return bad("a number")
		}
		v.SetFloat(n)
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 {
			return fmt.Errorf("xmlcodec: unsupported Go type %s", t)
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return bad("base64")
		}
		v.SetBytes(b)
	default:
		return fmt.Errorf("xmlcodec: unsupported Go type %s", t)
	}
	return nil
}
