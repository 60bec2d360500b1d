package policy

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The policy language versions IAM accepts. A document without a Version
// element is treated as [Version2008], which has no policy variables.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Document is a parsed IAM JSON policy, as written: nothing is validated
// or normalised beyond JSON types. Build one with [Parse]; check it with
// [Document.Validate]; turn it into something that evaluates with
// [Compile]. A Document is not modified by any function of this package.
type Document struct {
	// Version is the Version element, "" when absent.
	Version string
	// ID is the Id element, "" when absent.
	ID string
	// Statements in document order. A single statement object counts as
	// one statement.
	Statements []*Statement

	src      []byte
	unknown  []unknownElem
	hasStmt  bool
	hasVer   bool
	hasID    bool
	stmtOff  int
	verOff   int
	stmtKind jkind
}

type unknownElem struct {
	name string
	off  int
}

// Statement is one statement of a [Document]. String-or-array elements are
// held as slices; nil means the element is absent.
type Statement struct {
	Sid          string
	Effect       string
	Principal    *Principal
	NotPrincipal *Principal
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Condition    []Condition

	// Offset is the byte offset of the statement in the source.
	Offset int

	present elemSet
	offs    map[string]int
	unknown []unknownElem
	hasSid  bool
}

// Principal is a Principal or NotPrincipal element. All is set for the
// bare string "*"; the other fields hold the values of the object form.
type Principal struct {
	All           bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string

	unknown []unknownElem
}

// Condition is one key of one operator block of a Condition element:
// "Condition": {Operator: {Key: Values}}. Values keep their JSON text for
// numbers and booleans ("3600", "true").
type Condition struct {
	Operator string
	Key      string
	Values   []string

	opOff, keyOff int
}

type elemSet uint16

const (
	eSid elemSet = 1 << iota
	eEffect
	ePrincipal
	eNotPrincipal
	eAction
	eNotAction
	eResource
	eNotResource
	eCondition
)

var stmtElems = map[string]elemSet{
	"Sid": eSid, "Effect": eEffect, "Principal": ePrincipal, "NotPrincipal": eNotPrincipal,
	"Action": eAction, "NotAction": eNotAction, "Resource": eResource, "NotResource": eNotResource,
	"Condition": eCondition,
}

// Parse parses an IAM JSON policy. It returns a [*SyntaxError] for text
// that is not JSON, and a [*ValidationError] when an element has a JSON
// type IAM does not accept there (a numeric Effect, a Statement that is a
// string). Unknown elements and semantic problems are left for
// [Document.Validate]. Parse never panics, whatever its input.
func Parse(src []byte) (*Document, error) {
	root, err := parseJSON(src)
	if err != nil {
		return nil, err
	}
	d := &Document{src: src}
	if root.kind != jObject {
		return nil, d.errAt(-1, "", "", root.off, "the policy must be a JSON object, not "+root.kind.String())
	}
	seen := map[string]bool{}
	for _, m := range root.members {
		if seen[m.key] {
			d.unknown = append(d.unknown, unknownElem{"duplicate " + m.key, m.keyOff})
			continue
		}
		seen[m.key] = true
		switch m.key {
		case "Version":
			if m.val.kind != jString {
				return nil, d.errAt(-1, "", "Version", m.val.off, "must be a string")
			}
			d.Version, d.hasVer, d.verOff = m.val.str, true, m.val.off
		case "Id":
			if m.val.kind != jString {
				return nil, d.errAt(-1, "", "Id", m.val.off, "must be a string")
			}
			d.ID, d.hasID = m.val.str, true
		case "Statement":
			d.hasStmt, d.stmtOff, d.stmtKind = true, m.val.off, m.val.kind
			var list []*jvalue
			switch m.val.kind {
			case jObject:
				list = []*jvalue{m.val}
			case jArray:
				list = m.val.arr
			default:
				return nil, d.errAt(-1, "", "Statement", m.val.off, "must be an object or an array of objects")
			}
			d.Statements = make([]*Statement, 0, len(list))
			for i, sv := range list {
				st, err := d.parseStatement(i, sv)
				if err != nil {
					return nil, err
				}
				d.Statements = append(d.Statements, st)
			}
		default:
			d.unknown = append(d.unknown, unknownElem{m.key, m.keyOff})
		}
	}
	return d, nil
}

func (d *Document) errAt(stmt int, sid, elem string, off int, msg string) *ValidationError {
	e := &ValidationError{Statement: stmt, Sid: sid, Element: elem, Msg: msg, Offset: off}
	if d.src != nil {
		e.Line, e.Col = lineCol(d.src, off)
	}
	return e
}

func (d *Document) parseStatement(i int, v *jvalue) (*Statement, error) {
	if v.kind != jObject {
		return nil, d.errAt(i, "", "", v.off, "a statement must be an object, not "+v.kind.String())
	}
	st := &Statement{Offset: v.off, offs: make(map[string]int, len(v.members))}
	// Sid first, so that later errors can name it.
	for _, m := range v.members {
		if m.key == "Sid" && m.val.kind == jString {
			st.Sid, st.hasSid = m.val.str, true
		}
	}
	for _, m := range v.members {
		bit, known := stmtElems[m.key]
		if !known {
			st.unknown = append(st.unknown, unknownElem{m.key, m.keyOff})
			continue
		}
		if st.present&bit != 0 {
			st.unknown = append(st.unknown, unknownElem{"duplicate " + m.key, m.keyOff})
		}
		st.present |= bit
		st.offs[m.key] = m.keyOff
		var err error
		switch bit {
		case eSid:
			if m.val.kind != jString {
				err = d.errAt(i, "", "Sid", m.val.off, "must be a string")
			}
		case eEffect:
			if m.val.kind != jString {
				err = d.errAt(i, st.Sid, "Effect", m.val.off, "must be the string \"Allow\" or \"Deny\"")
			}
			st.Effect = m.val.str
		case ePrincipal:
			st.Principal, err = d.parsePrincipal(i, st.Sid, "Principal", m.val)
		case eNotPrincipal:
			st.NotPrincipal, err = d.parsePrincipal(i, st.Sid, "NotPrincipal", m.val)
		case eAction:
			st.Action, err = d.stringList(i, st.Sid, "Action", m.val)
		case eNotAction:
			st.NotAction, err = d.stringList(i, st.Sid, "NotAction", m.val)
		case eResource:
			st.Resource, err = d.stringList(i, st.Sid, "Resource", m.val)
		case eNotResource:
			st.NotResource, err = d.stringList(i, st.Sid, "NotResource", m.val)
		case eCondition:
			st.Condition, err = d.parseCondition(i, st.Sid, m.val)
		}
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (d *Document) stringList(i int, sid, elem string, v *jvalue) ([]string, error) {
	switch v.kind {
	case jString:
		return []string{v.str}, nil
	case jArray:
		out := make([]string, 0, len(v.arr))
		for _, e := range v.arr {
			if e.kind != jString {
				return nil, d.errAt(i, sid, elem, e.off, "must be a string or an array of strings, found "+e.kind.String())
			}
			out = append(out, e.str)
		}
		return out, nil
	}
	return nil, d.errAt(i, sid, elem, v.off, "must be a string or an array of strings, found "+v.kind.String())
}

func (d *Document) parsePrincipal(i int, sid, elem string, v *jvalue) (*Principal, error) {
	switch v.kind {
	case jString:
		if v.str != "*" {
			return nil, d.errAt(i, sid, elem, v.off, "a string principal must be \"*\"; use {\"AWS\": ...} or {\"Service\": ...}")
		}
		return &Principal{All: true}, nil
	case jObject:
		p := &Principal{}
		for _, m := range v.members {
			var dst *[]string
			switch m.key {
			case "AWS":
				dst = &p.AWS
			case "Service":
				dst = &p.Service
			case "Federated":
				dst = &p.Federated
			case "CanonicalUser":
				dst = &p.CanonicalUser
			default:
				p.unknown = append(p.unknown, unknownElem{m.key, m.keyOff})
				continue
			}
			l, err := d.stringList(i, sid, elem+"."+m.key, m.val)
			if err != nil {
				return nil, err
			}
			*dst = append(*dst, l...)
		}
		return p, nil
	}
	return nil, d.errAt(i, sid, elem, v.off, "must be \"*\" or an object, found "+v.kind.String())
}

func (d *Document) parseCondition(i int, sid string, v *jvalue) ([]Condition, error) {
	if v.kind != jObject {
		return nil, d.errAt(i, sid, "Condition", v.off, "must be an object of operator blocks, found "+v.kind.String())
	}
	var out []Condition
	seenOp := map[string]bool{}
	for _, op := range v.members {
		if seenOp[op.key] {
			return nil, d.errAt(i, sid, "Condition", op.keyOff, "operator "+strconv.Quote(op.key)+" appears more than once; put all its keys in one block")
		}
		seenOp[op.key] = true
		seenKey := map[string]bool{}
		if op.val.kind != jObject {
			return nil, d.errAt(i, sid, "Condition", op.val.off, "operator "+strconv.Quote(op.key)+" must map to an object of keys, found "+op.val.kind.String())
		}
		for _, k := range op.val.members {
			if seenKey[k.key] {
				return nil, d.errAt(i, sid, "Condition", k.keyOff, "condition key "+strconv.Quote(k.key)+" appears more than once under "+op.key+"; list its values in one array")
			}
			seenKey[k.key] = true
			c := Condition{Operator: op.key, Key: k.key, opOff: op.keyOff, keyOff: k.keyOff}
			scalar := func(e *jvalue) error {
				switch e.kind {
				case jString, jNumber, jBool:
					c.Values = append(c.Values, e.str)
					return nil
				}
				return d.errAt(i, sid, "Condition", e.off, "value of "+strconv.Quote(k.key)+" must be a string, number or boolean, found "+e.kind.String())
			}
			if k.val.kind == jArray {
				c.Values = make([]string, 0, len(k.val.arr))
				for _, e := range k.val.arr {
					if err := scalar(e); err != nil {
						return nil, err
					}
				}
			} else if err := scalar(k.val); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// MarshalJSON renders d as compact JSON in a canonical form: elements in a
// fixed order, string-or-array elements as arrays, condition values as
// strings. Parse(Marshal(d)) describes the same policy as d.
func (d *Document) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	sep := false
	field := func(name string) {
		if sep {
			b.WriteByte(',')
		}
		sep = true
		writeString(&b, name)
		b.WriteByte(':')
	}
	if d.Version != "" || d.hasVer {
		field("Version")
		writeString(&b, d.Version)
	}
	if d.ID != "" || d.hasID {
		field("Id")
		writeString(&b, d.ID)
	}
	if d.hasStmt || len(d.Statements) > 0 {
		field("Statement")
		b.WriteByte('[')
		for i, st := range d.Statements {
			if i > 0 {
				b.WriteByte(',')
			}
			st.marshal(&b)
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (st *Statement) marshal(b *bytes.Buffer) {
	b.WriteByte('{')
	sep := false
	field := func(name string) {
		if sep {
			b.WriteByte(',')
		}
		sep = true
		writeString(b, name)
		b.WriteByte(':')
	}
	if st.Sid != "" || st.hasSid {
		field("Sid")
		writeString(b, st.Sid)
	}
	if st.Effect != "" || st.present&eEffect != 0 {
		field("Effect")
		writeString(b, st.Effect)
	}
	for _, p := range []struct {
		name string
		v    *Principal
	}{{"Principal", st.Principal}, {"NotPrincipal", st.NotPrincipal}} {
		if p.v == nil {
			continue
		}
		field(p.name)
		p.v.marshal(b)
	}
	for _, l := range []struct {
		name string
		v    []string
	}{{"Action", st.Action}, {"NotAction", st.NotAction}, {"Resource", st.Resource}, {"NotResource", st.NotResource}} {
		if l.v == nil {
			continue
		}
		field(l.name)
		writeList(b, l.v)
	}
	if st.Condition != nil {
		field("Condition")
		b.WriteByte('{')
		// Group keys by operator, operators in order of first appearance.
		done := make([]bool, len(st.Condition))
		for i, c := range st.Condition {
			if done[i] {
				continue
			}
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, c.Operator)
			b.WriteString(":{")
			for j := i; j < len(st.Condition); j++ {
				cj := st.Condition[j]
				if done[j] || cj.Operator != c.Operator {
					continue
				}
				if j > i {
					b.WriteByte(',')
				}
				done[j] = true
				writeString(b, cj.Key)
				b.WriteByte(':')
				writeList(b, cj.Values)
			}
			b.WriteByte('}')
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

func (p *Principal) marshal(b *bytes.Buffer) {
	if p.All {
		writeString(b, "*")
		return
	}
	b.WriteByte('{')
	sep := false
	for _, l := range []struct {
		name string
		v    []string
	}{{"AWS", p.AWS}, {"Service", p.Service}, {"Federated", p.Federated}, {"CanonicalUser", p.CanonicalUser}} {
		if l.v == nil {
			continue
		}
		if sep {
			b.WriteByte(',')
		}
		sep = true
		writeString(b, l.name)
		b.WriteByte(':')
		writeList(b, l.v)
	}
	b.WriteByte('}')
}

func writeList(b *bytes.Buffer, l []string) {
	b.WriteByte('[')
	for i, s := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, s)
	}
	b.WriteByte(']')
}

func writeString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}

// Size returns the size of a policy document as IAM counts it against its
// quotas: the number of characters, not counting white space outside
// string values.
func Size(src []byte) int {
	n := 0
	inStr, esc := false, false
	for i := 0; i < len(src); {
		r, w := utf8.DecodeRune(src[i:])
		i += w
		switch {
		case inStr:
			n++
			switch {
			case esc:
				esc = false
			case r == '\\':
				esc = true
			case r == '"':
				inStr = false
			}
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		default:
			n++
			if r == '"' {
				inStr = true
			}
		}
	}
	return n
}
