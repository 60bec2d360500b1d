// Package shapecheck checks, in tests, that a service's Go input and output
// types agree with botocore's model of the operation: every Go field must be
// a member of the shape with a matching type, recursively (string and enum
// -> string, integer -> int32, long -> int64 (int is accepted for both),
// boolean -> bool, float/double -> float32/float64, timestamp -> time.Time,
// blob -> []byte (or io.Reader for a streaming payload), list -> slice, map
// -> map[string]T, structure -> struct, document -> any), and its REST
// binding, XML name and flattening must agree with the model's. With
// [Required] it also reports required members that have no field, and input
// fields for required members that lack the `required` tag option.
//
// The models are read from botocore, found through the ABACUS_BOTOCORE
// environment variable (the botocore package directory) or by asking
// python3; tests skip with a message saying so when neither finds it.
//
//	func TestShapes(t *testing.T) {
//		c := shapecheck.New(t)
//		c.Check(t, "iam", "CreateRole", &CreateRoleInput{}, &CreateRoleOutput{}, shapecheck.Required())
//	}
package shapecheck

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"abacus/internal/protocol"
)

// Model is the part of a botocore service model the checker reads.
type Model struct {
	Metadata struct {
		Protocol string `json:"protocol"`
	} `json:"metadata"`
	Operations map[string]struct {
		Input  *ShapeRef `json:"input"`
		Output *ShapeRef `json:"output"`
	} `json:"operations"`
	Shapes map[string]*Shape `json:"shapes"`
}

// ShapeRef is a reference to a shape with its serialization traits.
type ShapeRef struct {
	Shape        string `json:"shape"`
	Location     string `json:"location"`
	LocationName string `json:"locationName"`
	Flattened    bool   `json:"flattened"`
	XMLAttribute bool   `json:"xmlAttribute"`
	// TimestampFormat overrides the shape's and protocol's format.
	TimestampFormat string `json:"timestampFormat"`
	JSONValue       bool   `json:"jsonvalue"`
	Streaming       bool   `json:"streaming"`
}

// Shape is one botocore shape.
type Shape struct {
	Type      string               `json:"type"`
	Members   map[string]*ShapeRef `json:"members"`
	Required  []string             `json:"required"`
	Member    *ShapeRef            `json:"member"`
	Key       *ShapeRef            `json:"key"`
	Value     *ShapeRef            `json:"value"`
	Flattened bool                 `json:"flattened"`
	Payload   string               `json:"payload"`
	Streaming bool                 `json:"streaming"`
	Document  bool                 `json:"document"`
	// TimestampFormat is the format of a timestamp shape, when set.
	TimestampFormat string `json:"timestampFormat"`
}

// Checker loads botocore models once and checks types against them. It is
// safe for concurrent use by parallel tests.
type Checker struct {
	dir    string
	mu     sync.Mutex
	models map[string]*Model
}

// New returns a Checker over the installed botocore, skipping t when
// botocore cannot be found.
func New(t testing.TB) *Checker {
	t.Helper()
	dir, err := botocoreDir()
	if err != nil {
		t.Skipf("shapecheck: botocore not found, skipping model checks (set ABACUS_BOTOCORE or install botocore for python3): %v", err)
	}
	return &Checker{dir: dir, models: map[string]*Model{}}
}

func botocoreDir() (string, error) {
	if d := os.Getenv("ABACUS_BOTOCORE"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "data")); err != nil {
			return "", err
		}
		return d, nil
	}
	b, err := exec.Command("python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))").Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// Model returns the botocore model of service (a botocore directory name
// such as "iam" or "efs"), loading it on first use.
func (c *Checker) Model(service string) (*Model, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.models[service]; ok {
		return m, nil
	}
	matches, _ := filepath.Glob(filepath.Join(c.dir, "data", service, "*", "service-2.json*"))
	if len(matches) == 0 {
		return nil, fmt.Errorf("no botocore model for service %q", service)
	}
	sort.Strings(matches)
	path := matches[len(matches)-1]
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	var m Model
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.models[service] = &m
	return &m, nil
}

// Option changes what Check reports.
type Option func(*options)

type options struct {
	required bool
}

// Required makes Check also report required members without a Go field,
// and input fields of required members not tagged `aws:",required"`.
func Required() Option { return func(o *options) { o.required = true } }

// Check reports through t.Errorf every disagreement between in and out
// (pointers to, or values of, the operation's input and output structs;
// nil to skip one) and the model of service's operation.
func (c *Checker) Check(t testing.TB, service, operation string, in, out any, opts ...Option) {
	t.Helper()
	for _, p := range c.Problems(service, operation, in, out, opts...) {
		t.Errorf("shapecheck %s.%s: %s", service, operation, p)
	}
}

// Check is a one-off [Checker.Check]: it loads the model on every call, so
// tests checking many operations should share a [New] Checker.
func Check(t testing.TB, service, operation string, in, out any, opts ...Option) {
	t.Helper()
	New(t).Check(t, service, operation, in, out, opts...)
}

// Problems returns the disagreements Check would report, one per string,
// sorted.
func (c *Checker) Problems(service, operation string, in, out any, opts ...Option) []string {
	var o options
	for _, f := range opts {
		f(&o)
	}
	m, err := c.Model(service)
	if err != nil {
		return []string{err.Error()}
	}
	op, ok := m.Operations[operation]
	if !ok {
		return []string{fmt.Sprintf("the model has no operation %q", operation)}
	}
	w := walker{m: m, opts: o, proto: m.Metadata.Protocol, rest: strings.HasPrefix(m.Metadata.Protocol, "rest-"), xml: m.Metadata.Protocol == "rest-xml" || m.Metadata.Protocol == "query" || m.Metadata.Protocol == "ec2"}
	for _, side := range []struct {
		name  string
		v     any
		ref   *ShapeRef
		input bool
	}{{"input", in, op.Input, true}, {"output", out, op.Output, false}} {
		if side.v == nil {
			continue
		}
		t := reflect.TypeOf(side.v)
		if side.ref == nil {
			w.errorf(t.String(), "the operation has no %s shape", side.name)
			continue
		}
		w.input = side.input
		w.top = true
		w.structure(deref(t), side.ref.Shape, deref(t).Name(), map[string]bool{})
	}
	sort.Strings(w.problems)
	return w.problems
}

type walker struct {
	m        *Model
	proto    string
	opts     options
	rest     bool
	xml      bool
	input    bool
	top      bool
	problems []string
}

func (w *walker) errorf(path, format string, args ...any) {
	w.problems = append(w.problems, path+": "+fmt.Sprintf(format, args...))
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func (w *walker) structure(t reflect.Type, shapeName, path string, seen map[string]bool) {
	key := t.String() + "|" + shapeName
	if seen[key] {
		return
	}
	seen[key] = true
	defer delete(seen, key)
	top := w.top
	w.top = false
	shape := w.m.Shapes[shapeName]
	if shape == nil {
		w.errorf(path, "unknown shape %q", shapeName)
		return
	}
	if t.Kind() != reflect.Struct {
		w.errorf(path, "Go type %s for structure %s", t, shapeName)
		return
	}
	fields, err := protocol.Fields(t)
	if err != nil {
		w.errorf(path, "%v", err)
		return
	}
	byName := map[string]*protocol.Field{}
	for i := range fields {
		f := &fields[i]
		fpath := path + "." + f.GoName
		ref, ok := shape.Members[f.Name]
		if !ok && f.Location == protocol.InStatusCode {
			// A status code the service sets; most models do not list it.
			continue
		}
		if !ok {
			w.errorf(fpath, "member %q is not in shape %s (members: %s)", f.Name, shapeName, memberList(shape))
			continue
		}
		byName[f.Name] = f
		w.binding(f, ref, shape, top, fpath)
		w.timestamp(f, ref, fpath)
		w.value(f.Type, ref, fpath, seen)
	}
	if w.opts.required {
		for _, r := range shape.Required {
			f, ok := byName[r]
			switch {
			case !ok:
				w.errorf(path, "required member %s of shape %s has no field", r, shapeName)
			case w.input && !f.Required && shape.Members[r].Location != "uri":
				w.errorf(path+"."+f.GoName, "member %s is required by the model; tag it `aws:\",required\"`", r)
			}
		}
	}
}

func memberList(s *Shape) string {
	names := make([]string, 0, len(s.Members))
	for n := range s.Members {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// binding compares a field's REST location, XML name and flattening with
// the model's.
func (w *walker) binding(f *protocol.Field, ref *ShapeRef, parent *Shape, top bool, path string) {
	if w.rest && top {
		want := protocol.InBody
		switch ref.Location {
		case "header":
			want = protocol.InHeader
		case "headers":
			want = protocol.InHeaders
		case "querystring":
			want = protocol.InQueryString
		case "uri":
			want = protocol.InURI
		case "statusCode":
			want = protocol.InStatusCode
		}
		if parent.Payload == f.Name {
			want = protocol.InPayload
		}
		if f.Location != want {
			w.errorf(path, "bound to %s, the model binds it to %s", locName(f.Location), locName(want))
		} else if ref.LocationName != "" && (want == protocol.InHeader || want == protocol.InHeaders || want == protocol.InQueryString || want == protocol.InURI) &&
			!strings.EqualFold(f.LocationName, ref.LocationName) {
			w.errorf(path, "bound to %q, the model says %q", f.LocationName, ref.LocationName)
		}
	}
	if !w.xml || f.Location != protocol.InBody {
		return
	}
	target := w.m.Shapes[ref.Shape]
	flattened := ref.Flattened || target != nil && target.Flattened
	if f.Flattened != flattened {
		w.errorf(path, "flattened is %v, the model says %v", f.Flattened, flattened)
	}
	if ref.LocationName != "" && f.XMLName != ref.LocationName {
		w.errorf(path, "XML name %q, the model says %q (tag xml=%s)", f.XMLName, ref.LocationName, ref.LocationName)
	}
	if ref.XMLAttribute != f.XMLAttr {
		w.errorf(path, "xmlattr is %v, the model says %v", f.XMLAttr, ref.XMLAttribute)
	}
	if target != nil && target.Type == "list" && !flattened {
		want := "member"
		if target.Member != nil && target.Member.LocationName != "" {
			want = target.Member.LocationName
		}
		if f.MemberName != want {
			w.errorf(path, "list member element %q, the model says %q (tag member=%s)", f.MemberName, want, want)
		}
	}
	if target != nil && target.Type == "map" {
		wantKey, wantValue := "key", "value"
		if target.Key != nil && target.Key.LocationName != "" {
			wantKey = target.Key.LocationName
		}
		if target.Value != nil && target.Value.LocationName != "" {
			wantValue = target.Value.LocationName
		}
		if f.KeyName != wantKey || f.ValueName != wantValue {
			w.errorf(path, "map entry names %q/%q, the model says %q/%q", f.KeyName, f.ValueName, wantKey, wantValue)
		}
	}
}

// timestamp compares a timestamp field's format with the model's: the
// member's or shape's timestampFormat, else the protocol's default for the
// field's location (headers RFC 822, query strings ISO 8601, JSON bodies
// epoch seconds, XML bodies ISO 8601).
func (w *walker) timestamp(f *protocol.Field, ref *ShapeRef, path string) {
	shape := w.m.Shapes[ref.Shape]
	if shape == nil || shape.Type != "timestamp" {
		return
	}
	def := protocol.TimestampISO8601
	switch {
	case f.Location == protocol.InHeader:
		def = protocol.TimestampRFC822
	case f.Location == protocol.InQueryString:
		def = protocol.TimestampISO8601
	case w.proto == "json" || w.proto == "rest-json":
		def = protocol.TimestampUnix
	}
	want := def
	if shape.TimestampFormat != "" {
		want = shape.TimestampFormat
	}
	if ref.TimestampFormat != "" {
		want = ref.TimestampFormat
	}
	got := def
	if f.Timestamp != "" {
		got = f.Timestamp
	}
	if got != want {
		w.errorf(path, "timestamp format %s, the model says %s (tag timestamp=%s)", got, want, want)
	}
}

func locName(l protocol.Location) string {
	return [...]string{"the body", "a header", "prefixed headers", "the query string", "the URI", "the payload", "the status code"}[l]
}

var readerType = reflect.TypeFor[io.Reader]()

// value compares Go type gt with the shape ref refers to.
func (w *walker) value(gt reflect.Type, ref *ShapeRef, path string, seen map[string]bool) {
	shape := w.m.Shapes[ref.Shape]
	if shape == nil {
		w.errorf(path, "unknown shape %q", ref.Shape)
		return
	}
	t := deref(gt)
	mismatch := func() { w.errorf(path, "Go type %s does not fit %s shape %s", gt, shape.Type, ref.Shape) }
	switch shape.Type {
	case "string":
		if t.Kind() != reflect.String && !(ref.JSONValue && t.Kind() == reflect.Interface) {
			mismatch()
		}
	case "integer":
		if k := t.Kind(); k != reflect.Int32 && k != reflect.Int {
			mismatch()
		}
	case "long":
		if k := t.Kind(); k != reflect.Int64 && k != reflect.Int {
			mismatch()
		}
	case "boolean":
		if t.Kind() != reflect.Bool {
			mismatch()
		}
	case "float":
		if k := t.Kind(); k != reflect.Float32 && k != reflect.Float64 {
			mismatch()
		}
	case "double":
		if t.Kind() != reflect.Float64 {
			mismatch()
		}
	case "timestamp":
		if t != protocol.TimeType() {
			mismatch()
		}
	case "blob":
		streaming := shape.Streaming || ref.Streaming
		if !(t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8) && !(streaming && t.Implements(readerType)) {
			mismatch()
		}
	case "list":
		if t.Kind() != reflect.Slice || t.Elem().Kind() == reflect.Uint8 {
			mismatch()
			return
		}
		if shape.Member != nil {
			w.value(t.Elem(), shape.Member, path+"[]", seen)
		}
	case "map":
		if t.Kind() != reflect.Map || t.Key().Kind() != reflect.String {
			mismatch()
			return
		}
		if shape.Value != nil {
			w.value(t.Elem(), shape.Value, path+"[*]", seen)
		}
	case "structure":
		if shape.Document {
			if t.Kind() != reflect.Interface {
				mismatch()
			}
			return
		}
		if t.Kind() != reflect.Struct || t == protocol.TimeType() {
			mismatch()
			return
		}
		w.structure(t, ref.Shape, path, seen)
	default:
		w.errorf(path, "shape %s has unsupported type %s", ref.Shape, shape.Type)
	}
}
