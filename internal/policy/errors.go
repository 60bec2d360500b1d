package policy

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrMalformedPolicyDocument is the family of every error that Parse,
// Validate and Compile return for a document IAM would reject:
// errors.Is(err, ErrMalformedPolicyDocument) holds for [*SyntaxError] and
// [*ValidationError]. The IAM service maps it to the MalformedPolicyDocument
// wire error.
var ErrMalformedPolicyDocument = errors.New("MalformedPolicyDocument")

// SyntaxError reports a document that is not valid JSON. Line and Col are
// 1-based (Col counts characters); Offset is the byte offset.
type SyntaxError struct {
	Offset int
	Line   int
	Col    int
	Msg    string
}

func newSyntaxError(src []byte, off int, msg string) *SyntaxError {
	l, c := lineCol(src, off)
	return &SyntaxError{Offset: off, Line: l, Col: c, Msg: msg}
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: invalid JSON: %s", e.Line, e.Col, e.Msg)
}

// Is reports whether target is [ErrMalformedPolicyDocument].
func (e *SyntaxError) Is(target error) bool { return target == ErrMalformedPolicyDocument }

// ValidationError reports one reason IAM would reject a well-formed JSON
// document. Statement is the statement's 0-based index, or -1 for a problem
// with the document as a whole; Sid is the statement's Sid if it has one;
// Element names the policy element at fault ("Effect", "Action",
// "Condition", ...). Offset, Line and Col locate the element in the source
// (zero when the document was not parsed from text).
type ValidationError struct {
	Statement int
	Sid       string
	Element   string
	Msg       string
	Offset    int
	Line      int
	Col       int
}

// Error implements error. The text names the statement and the element,
// for example `statement 2 (Sid "AllowRead"): Action: both Action and
// NotAction are present`.
func (e *ValidationError) Error() string {
	pos := ""
	if e.Line > 0 {
		pos = strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": "
	}
	where := "policy"
	if e.Statement >= 0 {
		where = "statement " + strconv.Itoa(e.Statement+1)
		if e.Sid != "" {
			where += " (Sid " + strconv.Quote(e.Sid) + ")"
		}
	}
	if e.Element != "" {
		where += ": " + e.Element
	}
	return pos + where + ": " + e.Msg
}

// Is reports whether target is [ErrMalformedPolicyDocument].
func (e *ValidationError) Is(target error) bool { return target == ErrMalformedPolicyDocument }
