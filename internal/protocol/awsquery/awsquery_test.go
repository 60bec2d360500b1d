package awsquery_test

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol/awsquery"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

const iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"

// Types written against the convention in package protocol, mirroring
// IAM's model.
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

type CreateRoleInput struct {
	Path                     *string
	RoleName                 string `aws:",required"`
	AssumeRolePolicyDocument string `aws:",required"`
	Description              *string
	MaxSessionDuration       *int32
	PermissionsBoundary      *string
	Tags                     []Tag
}

type RoleLastUsed struct {
	LastUsedDate *time.Time
	Region       *string
}

type Role struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               time.Time
	AssumeRolePolicyDocument string `aws:",omitempty"`
	Description              *string
	MaxSessionDuration       *int32
	Tags                     []Tag
	RoleLastUsed             *RoleLastUsed
}

type CreateRoleOutput struct {
	Role Role
}

type ListRolesOutput struct {
	Roles       []Role
	IsTruncated bool
	Marker      *string
}

func ptr[T any](v T) *T { return &v }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestMarshalGolden(t *testing.T) {
	t.Parallel()
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	role := Role{
		Path:                     "/",
		RoleName:                 "ml-team",
		RoleId:                   "AROAEXAMPLEID0000001",
		Arn:                      "arn:aws:iam::123456789012:role/ml-team",
		CreateDate:               created,
		AssumeRolePolicyDocument: "%7B%22Version%22%3A%222012-10-17%22%7D",
		MaxSessionDuration:       ptr(int32(3600)),
		Tags:                     []Tag{{Key: "team", Value: "a<b&c"}},
	}
	tests := []struct {
		name string
		op   string
		out  any
	}{
		{"CreateRole.xml", "CreateRole", &CreateRoleOutput{Role: role}},
		{"DeleteRole.xml", "DeleteRole", nil},
		{"ListRoles.xml", "ListRoles", ListRolesOutput{Roles: []Role{role, {Path: "/x/", RoleName: "b", RoleId: "AROAB", Arn: "arn:aws:iam::123456789012:role/x/b", CreateDate: created.Add(1500 * time.Millisecond), Tags: []Tag{}}}, IsTruncated: false}},
		{"ListRolesEmpty.xml", "ListRoles", ListRolesOutput{Roles: []Role{}, IsTruncated: true, Marker: ptr("m1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := awsquery.Marshal(iamNS, tt.op, "req-1", tt.out)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, got)
		})
	}
}

func TestErrorGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *apierr.Error
	}{
		{"error_NoSuchEntity.xml", apierr.New(404, "NoSuchEntity", "The role with name nope cannot be found.")},
		{"error_InternalFailure.xml", apierr.Internal(nil)},
		{"error_InvalidAction.xml", awsquery.InvalidAction("Frobnicate", "2010-05-08")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			awsquery.WriteError(rec, iamNS, "req-2", tt.err)
			if rec.Code != tt.err.HTTPStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.err.HTTPStatus)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/xml" {
				t.Errorf("Content-Type = %q", ct)
			}
			golden(t, tt.name, rec.Body.Bytes())
		})
	}
}

// TestDecode pins IAM's and STS's validation errors: a missing required
// member is ValidationError with the member's lower-camel path, as STS
// answers for AssumeRole ("ValidationError: 2 validation errors detected:
// Value ... at 'roleArn' failed to satisfy constraint", quoted in
// https://github.com/mmmorris1975/aws-runas/issues/80 and
// https://github.com/newscorpaus/consigliere/issues/18).
func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		query   string
		want    CreateRoleInput
		wantErr string
	}{
		{
			name:  "all members",
			query: "Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D&Path=%2Fa%2F&MaxSessionDuration=7200&Tags.member.1.Key=k1&Tags.member.1.Value=v1&Tags.member.2.Key=k2&Tags.member.2.Value=",
			want: CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: "{}", Path: ptr("/a/"), MaxSessionDuration: ptr(int32(7200)),
				Tags: []Tag{{"k1", "v1"}, {"k2", ""}}},
		},
		{
			name:    "missing nested required member",
			query:   "RoleName=r&AssumeRolePolicyDocument=x&Tags.member.1.Key=k1&Tags.member.2.Key=k2&Tags.member.2.Value=v",
			wantErr: "ValidationError: 1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
		},
		{
			name:  "absent optional members stay nil",
			query: "RoleName=r&AssumeRolePolicyDocument=x",
			want:  CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: "x"},
		},
		{
			name:  "empty list is not absent",
			query: "RoleName=r&AssumeRolePolicyDocument=x&Tags=",
			want:  CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: "x", Tags: []Tag{}},
		},
		{
			name:  "empty string is not absent",
			query: "RoleName=r&AssumeRolePolicyDocument=x&Description=",
			want:  CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: "x", Description: ptr("")},
		},
		{
			name:    "missing required",
			query:   "Action=CreateRole",
			wantErr: "ValidationError: 2 validation errors detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null; Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
		},
		{
			name:    "bad integer",
			query:   "RoleName=r&AssumeRolePolicyDocument=x&MaxSessionDuration=abc",
			wantErr: "ValidationError: 1 validation error detected: Value 'abc' at 'maxSessionDuration' failed to satisfy constraint: Member must be an integer",
		},
		{
			name:    "integer overflow",
			query:   "RoleName=r&AssumeRolePolicyDocument=x&MaxSessionDuration=4294967296",
			wantErr: "ValidationError: 1 validation error detected: Value '4294967296' at 'maxSessionDuration' failed to satisfy constraint: Member must be an integer",
		},
		{
			name:  "list stops at the first gap",
			query: "RoleName=r&AssumeRolePolicyDocument=x&Tags.member.1.Key=a&Tags.member.1.Value=b&Tags.member.3.Key=c&Tags.member.3.Value=d",
			want:  CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: "x", Tags: []Tag{{"a", "b"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vals, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			var got CreateRoleInput
			aerr := awsquery.Decode(vals, &got)
			if tt.wantErr != "" {
				if aerr == nil || aerr.Error() != tt.wantErr || aerr.HTTPStatus != 400 {
					t.Fatalf("Decode error = %v, want %s", aerr, tt.wantErr)
				}
				return
			}
			if aerr != nil {
				t.Fatalf("Decode: %v", aerr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decode mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

type mapsAndFlat struct {
	Attributes map[string]string
	Flat       []string         `aws:",flattened"`
	Entries    map[string]int64 `aws:"E,flattened,key=Name,value=Value"`
	When       *time.Time
	Blob       []byte
	On         *bool
	Ratio      float64
}

func TestDecodeMapsAndFlattened(t *testing.T) {
	t.Parallel()
	q := "Attributes.entry.1.key=a&Attributes.entry.1.value=1&Attributes.entry.2.key=b&Attributes.entry.2.value=2" +
		"&Flat.1=x&Flat.2=y&E.1.Name=n&E.1.Value=5&When=2024-01-01T00%3A00%3A00.250Z&Blob=aGk%3D&On=true&Ratio=0.5"
	vals, _ := url.ParseQuery(q)
	var got mapsAndFlat
	if err := awsquery.Decode(vals, &got); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2024, 1, 1, 0, 0, 0, 250e6, time.UTC)
	on := true
	want := mapsAndFlat{
		Attributes: map[string]string{"a": "1", "b": "2"},
		Flat:       []string{"x", "y"},
		Entries:    map[string]int64{"n": 5},
		When:       &when,
		Blob:       []byte("hi"),
		On:         &on,
		Ratio:      0.5,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestValues(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/?Version=2010-05-08", strings.NewReader("Action=ListRoles&Marker=a%2Bb"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	vals, err := awsquery.Values(r, []byte("Action=ListRoles&Marker=a%2Bb"))
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"Action": {"ListRoles"}, "Marker": {"a+b"}, "Version": {"2010-05-08"}}
	if diff := cmp.Diff(want, vals); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if _, err := awsquery.Values(r, []byte("a=%zz")); err == nil || err.Code != apierr.CodeMalformedQueryString {
		t.Errorf("malformed body: err = %v", err)
	}
}

func TestMarshalEmptyResult(t *testing.T) {
	t.Parallel()
	type empty struct {
		Marker *string
	}
	got, err := awsquery.Marshal(iamNS, "Op", "r", &empty{})
	if err != nil {
		t.Fatal(err)
	}
	want := "<OpResponse xmlns=\"" + iamNS + "\">\n  <OpResult></OpResult>\n  <ResponseMetadata>\n    <RequestId>r</RequestId>\n  </ResponseMetadata>\n</OpResponse>\n"
	if string(got) != want {
		t.Errorf("Marshal = %q, want %q", got, want)
	}
}
