package protocol_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/protocol"
)

func TestFormatTimestamps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                  time.Time
		iso, epoch, rfc1123 string
	}{
		{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "2024-01-01T00:00:00Z", "1704067200", "Mon, 01 Jan 2024 00:00:00 GMT"},
		{time.Date(2024, 1, 1, 0, 0, 0, 123456789, time.UTC), "2024-01-01T00:00:00.123Z", "1704067200.123", "Mon, 01 Jan 2024 00:00:00 GMT"},
		{time.Date(2024, 1, 1, 0, 0, 0, 500e6, time.UTC), "2024-01-01T00:00:00.500Z", "1704067200.5", "Mon, 01 Jan 2024 00:00:00 GMT"},
		{time.Date(2024, 1, 1, 9, 0, 0, 0, time.FixedZone("KST", 9*3600)), "2024-01-01T00:00:00Z", "1704067200", "Mon, 01 Jan 2024 00:00:00 GMT"},
	}
	for _, tt := range tests {
		if got := protocol.FormatISO8601(tt.in); got != tt.iso {
			t.Errorf("FormatISO8601(%v) = %q, want %q", tt.in, got, tt.iso)
		}
		if got := protocol.FormatEpoch(tt.in); got != tt.epoch {
			t.Errorf("FormatEpoch(%v) = %q, want %q", tt.in, got, tt.epoch)
		}
		if got := protocol.FormatRFC1123(tt.in); got != tt.rfc1123 {
			t.Errorf("FormatRFC1123(%v) = %q, want %q", tt.in, got, tt.rfc1123)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	want := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	wantMs := want.Add(250 * time.Millisecond)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024-01-01T00:00:00Z", want, true},
		{"2024-01-01T00:00:00.250Z", wantMs, true},
		{"2024-01-01T09:00:00+09:00", want, true},
		{"2024-01-01T09:00:00+0900", want, true},
		{"2024-01-01T00:00:00", want, true},
		{"1704067200", want, true},
		{"1704067200.25", wantMs, true},
		{"Mon, 01 Jan 2024 00:00:00 GMT", want, true},
		{"Monday, 01-Jan-24 00:00:00 GMT", want, true},
		{"Mon Jan  1 00:00:00 2024", want, true},
		{"", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"1e300", time.Time{}, false},
		{"NaN", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := protocol.ParseTimestamp(tt.in)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

type embedded struct {
	Shared string
}

type tagged struct {
	embedded
	Plain   string
	Renamed string `aws:"RealName"`
	Skipped string `aws:"-"`
	private string
	Hdr     *string           `aws:",header=x-amz-foo"`
	Meta    map[string]string `aws:",headers=x-amz-meta-"`
	Q       []string          `aws:",querystring=q"`
	URI     string            `aws:",uri=Key,required"`
	Body    []byte            `aws:",payload"`
	Status  int               `aws:",statuscode"`
	List    []string          `aws:",flattened,member=Item,xml=Items"`
	Map     map[string]int    `aws:",key=Name,value=Value"`
	Attr    string            `aws:",xmlattr,omitempty"`
	When    time.Time         `aws:",timestamp=rfc822"`
}

func TestFields(t *testing.T) {
	t.Parallel()
	fields, err := protocol.Fields(reflect.TypeFor[*tagged]())
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		Name, XMLName, LocationName, MemberName, KeyName, ValueName, Timestamp string
		Location                                                               protocol.Location
		Flattened, OmitEmpty, Required, XMLAttr                                bool
	}
	got := map[string]view{}
	for _, f := range fields {
		got[f.GoName] = view{f.Name, f.XMLName, f.LocationName, f.MemberName, f.KeyName, f.ValueName, f.Timestamp, f.Location, f.Flattened, f.OmitEmpty, f.Required, f.XMLAttr}
	}
	d := func(name string) view {
		return view{Name: name, XMLName: name, MemberName: "member", KeyName: "key", ValueName: "value"}
	}
	want := map[string]view{
		"Shared":  d("Shared"),
		"Plain":   d("Plain"),
		"Renamed": {Name: "RealName", XMLName: "RealName", MemberName: "member", KeyName: "key", ValueName: "value"},
		"Hdr":     func() view { v := d("Hdr"); v.Location, v.LocationName = protocol.InHeader, "x-amz-foo"; return v }(),
		"Meta":    func() view { v := d("Meta"); v.Location, v.LocationName = protocol.InHeaders, "x-amz-meta-"; return v }(),
		"Q":       func() view { v := d("Q"); v.Location, v.LocationName = protocol.InQueryString, "q"; return v }(),
		"URI": func() view {
			v := d("URI")
			v.Location, v.LocationName, v.Required = protocol.InURI, "Key", true
			return v
		}(),
		"Body":   func() view { v := d("Body"); v.Location = protocol.InPayload; return v }(),
		"Status": func() view { v := d("Status"); v.Location = protocol.InStatusCode; return v }(),
		"List":   func() view { v := d("List"); v.XMLName, v.MemberName, v.Flattened = "Items", "Item", true; return v }(),
		"Map":    func() view { v := d("Map"); v.KeyName, v.ValueName = "Name", "Value"; return v }(),
		"Attr":   func() view { v := d("Attr"); v.XMLAttr, v.OmitEmpty = true, true; return v }(),
		"When":   func() view { v := d("When"); v.Timestamp = protocol.TimestampRFC822; return v }(),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Fields mismatch (-want +got):\n%s", diff)
	}
}

func TestFieldsErrors(t *testing.T) {
	t.Parallel()
	tests := []any{
		struct {
			A string `aws:",bogus"`
		}{},
		struct {
			A string `aws:",header"`
		}{},
		struct {
			A time.Time `aws:",timestamp=julian"`
		}{},
		struct {
			A []string `aws:",member="`
		}{},
		struct {
			A string `aws:"B"`
			B string
		}{},
		42,
	}
	for _, v := range tests {
		if _, err := protocol.Fields(reflect.TypeOf(v)); err == nil {
			t.Errorf("Fields(%T) succeeded, want an error", v)
		}
	}
}

func TestIsUnset(t *testing.T) {
	t.Parallel()
	type s struct {
		P  *string
		L  []string
		M  map[string]string
		S  string
		SO string   `aws:",omitempty"`
		LO []string `aws:",omitempty"`
		B  bool
	}
	fields, _ := protocol.Fields(reflect.TypeFor[s]())
	check := func(v s, want map[string]bool) {
		t.Helper()
		rv := reflect.ValueOf(v)
		for i := range fields {
			f := &fields[i]
			if got := f.IsUnset(rv.FieldByIndex(f.Index)); got != want[f.GoName] {
				t.Errorf("%+v: IsUnset(%s) = %v, want %v", v, f.GoName, got, want[f.GoName])
			}
		}
	}
	check(s{}, map[string]bool{"P": true, "L": true, "M": true, "SO": true, "LO": true})
	empty := ""
	check(s{P: &empty, L: []string{}, M: map[string]string{}, LO: []string{}}, map[string]bool{"SO": true, "LO": true})
}

func TestReadBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		unknown  bool // hide Content-Length
		limit    int64
		wantCode string
	}{
		{name: "fits", body: "abc", limit: 3},
		{name: "declared too large", body: "abcd", limit: 3, wantCode: "RequestEntityTooLarge"},
		{name: "streamed too large", body: "abcd", limit: 3, unknown: true, wantCode: "RequestEntityTooLarge"},
		{name: "default limit", body: "abc", limit: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			if tt.unknown {
				r.ContentLength = -1
				r.Body = readerOnly{strings.NewReader(tt.body)}
			}
			b, err := protocol.ReadBody(r, tt.limit)
			if tt.wantCode != "" {
				if err == nil || err.Code != tt.wantCode || err.HTTPStatus != http.StatusRequestEntityTooLarge {
					t.Fatalf("ReadBody error = %v, want %s", err, tt.wantCode)
				}
				return
			}
			if err != nil || string(b) != tt.body {
				t.Fatalf("ReadBody = %q, %v", b, err)
			}
		})
	}
}

type readerOnly struct{ r *strings.Reader }

func (r readerOnly) Read(p []byte) (int, error) { return r.r.Read(p) }
func (readerOnly) Close() error                 { return nil }

func TestValidationError(t *testing.T) {
	t.Parallel()
	if e := protocol.ValidationError("ValidationError", nil); e != nil {
		t.Errorf("no paths: %v", e)
	}
	e := protocol.ValidationError("ValidationException", []string{"roleName", "tags.1.member.key"})
	want := "2 validation errors detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null; Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null"
	if e.Code != "ValidationException" || e.HTTPStatus != 400 || e.Message != want {
		t.Errorf("ValidationError = %+v", e)
	}
}

func TestServiceTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, signing, target, proto, version, xmlns, op string
	}{
		{"iam", "iam", "", "query", "2010-05-08", "https://iam.amazonaws.com/doc/2010-05-08/", "CreateRole"},
		{"sts", "sts", "", "query", "2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/", "AssumeRole"},
		{"sagemaker", "sagemaker", "SageMaker", "json", "2017-07-24", "", "CreatePresignedNotebookInstanceUrl"},
		{"s3", "s3", "", "rest-xml", "2006-03-01", "", "PutObject"},
		{"secretsmanager", "secretsmanager", "secretsmanager", "json", "2017-10-17", "", "GetSecretValue"},
		{"emr", "elasticmapreduce", "ElasticMapReduce", "json", "2009-03-31", "", "RunJobFlow"},
		{"efs", "elasticfilesystem", "", "rest-json", "2015-02-01", "", "CreateFileSystem"},
		{"fsx", "fsx", "AWSSimbaAPIService_v20180301", "json", "2018-03-01", "", "CreateFileSystem"},
		{"cloudtrail", "cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "json", "2013-11-01", "", "LookupEvents"},
	}
	if got := len(protocol.Services()); got != len(tests) {
		t.Errorf("Services() has %d services, want %d", got, len(tests))
	}
	for _, tt := range tests {
		s, ok := protocol.LookupService(tt.name)
		if !ok {
			t.Errorf("LookupService(%q) failed", tt.name)
			continue
		}
		if s.SigningName != tt.signing || s.TargetPrefix != tt.target || string(s.Protocol) != tt.proto || s.APIVersion != tt.version || s.XMLNamespace != tt.xmlns {
			t.Errorf("%s = %+v", tt.name, s)
		}
		if bs, ok := protocol.ServiceBySigningName(tt.signing); !ok || bs != s {
			t.Errorf("ServiceBySigningName(%q) = %v", tt.signing, bs)
		}
		if tt.target != "" {
			if bt, ok := protocol.ServiceByTargetPrefix(tt.target); !ok || bt != s {
				t.Errorf("ServiceByTargetPrefix(%q) = %v", tt.target, bt)
			}
		}
		if _, ok := s.Operation(tt.op); !ok {
			t.Errorf("%s has no operation %s", tt.name, tt.op)
		}
		if _, ok := s.Operation(strings.ToLower(tt.op)); ok {
			t.Errorf("%s: operation names must be case-sensitive", tt.name)
		}
	}
	if _, ok := protocol.ServiceByTargetPrefix(""); ok {
		t.Error("empty target prefix matched a service")
	}
	iam, _ := protocol.LookupService("iam")
	if op, _ := iam.Operation("DeleteRole"); !op.NoOutput || op.NoInput {
		t.Errorf("DeleteRole = %+v, want output-less", op)
	}
}

// TestGeneratedTableIsCurrent regenerates the table from the installed
// botocore and compares it with the committed file.
func TestGeneratedTableIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating needs botocore and go run")
	}
	dir := os.Getenv("ABACUS_BOTOCORE")
	if dir == "" {
		out, err := exec.Command("python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))").Output()
		if err != nil {
			t.Skipf("botocore not found (set ABACUS_BOTOCORE or install botocore for python3): %v", err)
		}
		dir = strings.TrimSpace(string(out))
	}
	tmp := filepath.Join(t.TempDir(), "services_gen.go")
	cmd := exec.Command("go", "run", "./gen", "-botocore", dir, "-out", tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(tmp)
	want, _ := os.ReadFile("services_gen.go")
	if !bytes.Equal(got, want) {
		t.Errorf("services_gen.go differs from what botocore at %s generates; if botocore was upgraded on purpose, run go generate ./internal/protocol", filepath.Base(dir))
	}
}
