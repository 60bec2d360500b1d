package policy

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jkind is the kind of a JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// String names the kind for error messages.
func (k jkind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// jvalue is a JSON value with the byte offset where it starts. Objects keep
// their members in document order, duplicates included, so that the
// validator can report them.
type jvalue struct {
	kind    jkind
	off     int
	str     string // string contents, number text, "true"/"false"
	arr     []*jvalue
	members []jmember
}

type jmember struct {
	key    string
	keyOff int
	val    *jvalue
}

// jparser is a small strict JSON (RFC 8259) parser that records offsets.
type jparser struct {
	src   []byte
	pos   int
	depth int
}

const maxDepth = 64

func parseJSON(src []byte) (*jvalue, error) {
	p := &jparser{src: src}
	p.skipWS()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.pos < len(p.src) {
		return nil, p.errorf(p.pos, "unexpected "+p.describe()+" after the top-level value")
	}
	return v, nil
}

func (p *jparser) errorf(off int, msg string) *SyntaxError {
	return newSyntaxError(p.src, off, msg)
}

func (p *jparser) describe() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.src[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *jparser) skipWS() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jparser) value() (*jvalue, error) {
	if p.pos >= len(p.src) {
		return nil, p.errorf(p.pos, "unexpected end of input, want a value")
	}
	start := p.pos
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		return &jvalue{kind: jString, off: start, str: s}, nil
	case c == 't':
		return p.literal("true", jBool)
	case c == 'f':
		return p.literal("false", jBool)
	case c == 'n':
		return p.literal("null", jNull)
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	default:
		return nil, p.errorf(p.pos, "unexpected "+p.describe()+", want a value")
	}
}

func (p *jparser) literal(word string, k jkind) (*jvalue, error) {
	start := p.pos
	if !strings.HasPrefix(string(p.src[p.pos:min(len(p.src), p.pos+len(word))]), word) {
		return nil, p.errorf(p.pos, "invalid literal, want "+word)
	}
	p.pos += len(word)
	return &jvalue{kind: k, off: start, str: word}, nil
}

func (p *jparser) number() (*jvalue, error) {
	start := p.pos
	if p.src[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && '0' <= p.src[p.pos] && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if digits() == 0 {
		return nil, p.errorf(p.pos, "invalid number")
	}
	if p.src[intStart] == '0' && p.pos-intStart > 1 {
		return nil, p.errorf(intStart, "invalid number: leading zero")
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.errorf(p.pos, "invalid number: want a digit after '.'")
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf(p.pos, "invalid number: want a digit in the exponent")
		}
	}
	return &jvalue{kind: jNumber, off: start, str: string(p.src[start:p.pos])}, nil
}

func (p *jparser) string() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	var b []byte
	plain := p.pos
	for {
		if p.pos >= len(p.src) {
			return "", p.errorf(start, "unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == '"':
			var s string
			if b == nil {
				s = string(p.src[plain:p.pos])
			} else {
				s = string(append(b, p.src[plain:p.pos]...))
			}
			p.pos++
			return s, nil
		case c == '\\':
			b = append(b, p.src[plain:p.pos]...)
			if p.pos+1 >= len(p.src) {
				return "", p.errorf(start, "unterminated string")
			}
			esc := p.src[p.pos+1]
			p.pos += 2
			switch esc {
			case '"', '\\', '/':
				b = append(b, esc)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, err := p.hex4()
				if err != nil {
					return "", err
				}
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if p.pos+1 < len(p.src) && p.src[p.pos] == '\\' && p.src[p.pos+1] == 'u' {
						save := p.pos
						p.pos += 2
						var err2 error
						r2, err2 = p.hex4()
						if err2 != nil {
							return "", err2
						}
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							r = dec
						} else {
							p.pos = save
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				return "", p.errorf(p.pos-2, "invalid escape sequence in string")
			}
			plain = p.pos
		case c < 0x20:
			return "", p.errorf(p.pos, "control character in string")
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(p.src[p.pos:])
			if r == utf8.RuneError && n == 1 {
				return "", p.errorf(p.pos, "invalid UTF-8 in string")
			}
			p.pos += n
		default:
			p.pos++
		}
	}
}

func (p *jparser) hex4() (rune, error) {
	if p.pos+4 > len(p.src) {
		return 0, p.errorf(p.pos, "invalid \\u escape")
	}
	v, err := strconv.ParseUint(string(p.src[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, p.errorf(p.pos, "invalid \\u escape")
	}
	p.pos += 4
	return rune(v), nil
}

func (p *jparser) array() (*jvalue, error) {
	v := &jvalue{kind: jArray, off: p.pos}
	if p.depth++; p.depth > maxDepth {
		return nil, p.errorf(p.pos, "nesting too deep")
	}
	defer func() { p.depth-- }()
	p.pos++
	p.skipWS()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		v.arr = []*jvalue{}
		return v, nil
	}
	for {
		p.skipWS()
		e, err := p.value()
		if err != nil {
			return nil, err
		}
		v.arr = append(v.arr, e)
		p.skipWS()
		if p.pos >= len(p.src) {
			return nil, p.errorf(p.pos, "unexpected end of input, want ',' or ']'")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return v, nil
		default:
			return nil, p.errorf(p.pos, "unexpected "+p.describe()+", want ',' or ']'")
		}
	}
}

func (p *jparser) object() (*jvalue, error) {
	v := &jvalue{kind: jObject, off: p.pos}
	if p.depth++; p.depth > maxDepth {
		return nil, p.errorf(p.pos, "nesting too deep")
	}
	defer func() { p.depth-- }()
	p.pos++
	p.skipWS()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return v, nil
	}
	for {
		p.skipWS()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return nil, p.errorf(p.pos, "unexpected "+p.describe()+", want a member name in double quotes")
		}
		keyOff := p.pos
		k, err := p.string()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, p.errorf(p.pos, "unexpected "+p.describe()+", want ':'")
		}
		p.pos++
		p.skipWS()
		e, err := p.value()
		if err != nil {
			return nil, err
		}
		v.members = append(v.members, jmember{key: k, keyOff: keyOff, val: e})
		p.skipWS()
		if p.pos >= len(p.src) {
			return nil, p.errorf(p.pos, "unexpected end of input, want ',' or '}'")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return v, nil
		default:
			return nil, p.errorf(p.pos, "unexpected "+p.describe()+", want ',' or '}'")
		}
	}
}

// lineCol converts a byte offset into a 1-based line and column (columns
// count characters, not bytes).
func lineCol(src []byte, off int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < off; {
		r, n := utf8.DecodeRune(src[i:])
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		i += n
	}
	return line, col
}
