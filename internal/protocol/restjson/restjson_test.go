package restjson_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol/botocoretest"
	"abacus/internal/protocol/restjson"
	"abacus/internal/protocol/route"
	"abacus/internal/protocol/shapecheck"
)

// Types mirroring EFS's model.
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

type CreateFileSystemInput struct {
	CreationToken                string `aws:",required"`
	PerformanceMode              *string
	Encrypted                    *bool
	ThroughputMode               *string
	ProvisionedThroughputInMibps *float64
	Backup                       *bool
	Tags                         []Tag
}

type FileSystemSize struct {
	Value     int64
	Timestamp *time.Time
}

type FileSystemDescription struct {
	OwnerId              string
	CreationToken        string
	FileSystemId         string
	FileSystemArn        *string
	CreationTime         time.Time
	LifeCycleState       string
	Name                 *string
	NumberOfMountTargets int32
	SizeInBytes          FileSystemSize
	PerformanceMode      string
	Encrypted            *bool
	Tags                 []Tag
}

type DescribeFileSystemsInput struct {
	MaxItems      *int32  `aws:",querystring=MaxItems"`
	Marker        *string `aws:",querystring=Marker"`
	CreationToken *string `aws:",querystring=CreationToken"`
	FileSystemId  *string `aws:",querystring=FileSystemId"`
}

type DescribeFileSystemsOutput struct {
	Marker      *string
	FileSystems []FileSystemDescription
	NextMarker  *string
}

type DeleteFileSystemInput struct {
	FileSystemId string `aws:",required,uri=FileSystemId"`
}

func ptr[T any](v T) *T { return &v }

func TestShapes(t *testing.T) {
	t.Parallel()
	c := shapecheck.New(t)
	c.Check(t, "efs", "CreateFileSystem", &CreateFileSystemInput{}, &FileSystemDescription{}, shapecheck.Required())
	c.Check(t, "efs", "DescribeFileSystems", &DescribeFileSystemsInput{}, &DescribeFileSystemsOutput{}, shapecheck.Required())
	c.Check(t, "efs", "DeleteFileSystem", &DeleteFileSystemInput{}, nil, shapecheck.Required())
}

func fsDesc() FileSystemDescription {
	return FileSystemDescription{OwnerId: "123456789012", CreationToken: "tok", FileSystemId: "fs-1", FileSystemArn: ptr("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"),
		CreationTime: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), LifeCycleState: "available", NumberOfMountTargets: 0,
		SizeInBytes: FileSystemSize{Value: 6144}, PerformanceMode: "generalPurpose", Encrypted: ptr(true), Tags: []Tag{{"Name", "shared"}}}
}

// TestBotocore routes and decodes EFS requests as botocore serializes them
// and parses our responses with botocore's REST-JSON parser.
func TestBotocore(t *testing.T) {
	t.Parallel()
	create := httptest.NewRecorder()
	if err := restjson.WriteResponse(create, "rid-1", 201, ptr(fsDesc())); err != nil {
		t.Fatal(err)
	}
	notFound := httptest.NewRecorder()
	restjson.WriteError(notFound, "rid-2", apierr.New(404, "FileSystemNotFound", "File system 'fs-9' does not exist.").With("ErrorCode", "FileSystemNotFound"))
	res := botocoretest.Run(t, []botocoretest.Job{
		{Mode: "serialize", Service: "efs", Operation: "CreateFileSystem", Params: map[string]any{"CreationToken": "tok", "Encrypted": true,
			"ProvisionedThroughputInMibps": 1.5, "Tags": []any{map[string]any{"Key": "Name", "Value": "shared"}}}},
		{Mode: "serialize", Service: "efs", Operation: "DescribeFileSystems", Params: map[string]any{"MaxItems": 5, "FileSystemId": "fs-1"}},
		{Mode: "serialize", Service: "efs", Operation: "DeleteFileSystem", Params: map[string]any{"FileSystemId": "fs-1"}},
		{Mode: "parse", Service: "efs", Operation: "CreateFileSystem", Status: 201, Body: create.Body.String(), Headers: map[string]string{"x-amzn-requestid": "rid-1"}},
		{Mode: "parse", Service: "efs", Operation: "DescribeFileSystems", Status: 404, Body: notFound.Body.String(),
			Headers: map[string]string{"x-amzn-requestid": "rid-2", "x-amzn-errortype": notFound.Header().Get("x-amzn-ErrorType")}},
	})
	for i, r := range res {
		if r.Error != "" {
			t.Fatalf("job %d: botocore: %s", i, r.Error)
		}
	}
	rt := route.New(route.Options{})
	decode := func(r botocoretest.Result, wantOp string, in any) {
		t.Helper()
		target := r.Path
		if len(r.Query) > 0 {
			var q []string
			for k, v := range r.Query {
				q = append(q, k+"="+strings.TrimSpace(toString(v)))
			}
			target += "?" + strings.Join(q, "&")
		}
		req := httptest.NewRequest(r.Method, target, strings.NewReader(r.Body))
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/elasticfilesystem/aws4_request, SignedHeaders=host, Signature=x")
		got, aerr := rt.Identify(req, []byte(r.Body))
		if aerr != nil || got.Operation.Name != wantOp {
			t.Fatalf("Identify(%s %s) = %v, %v; want %s", r.Method, target, got.Operation, aerr, wantOp)
		}
		if aerr := restjson.DecodeRequest(req, []byte(r.Body), got.Labels, in); aerr != nil {
			t.Fatalf("DecodeRequest(%s %s %s): %v", r.Method, target, r.Body, aerr)
		}
	}
	var cf CreateFileSystemInput
	decode(res[0], "CreateFileSystem", &cf)
	if diff := cmp.Diff(CreateFileSystemInput{CreationToken: "tok", Encrypted: ptr(true), ProvisionedThroughputInMibps: ptr(1.5), Tags: []Tag{{"Name", "shared"}}}, cf); diff != "" {
		t.Errorf("CreateFileSystem from botocore (-want +got):\n%s", diff)
	}
	var df DescribeFileSystemsInput
	decode(res[1], "DescribeFileSystems", &df)
	if diff := cmp.Diff(DescribeFileSystemsInput{MaxItems: ptr(int32(5)), FileSystemId: ptr("fs-1")}, df); diff != "" {
		t.Errorf("DescribeFileSystems from botocore (-want +got):\n%s", diff)
	}
	var del DeleteFileSystemInput
	decode(res[2], "DeleteFileSystem", &del)
	if del.FileSystemId != "fs-1" {
		t.Errorf("DeleteFileSystem from botocore = %+v", del)
	}

	got := res[3].Parsed
	delete(got, "ResponseMetadata")
	want := map[string]any{"OwnerId": "123456789012", "CreationToken": "tok", "FileSystemId": "fs-1",
		"FileSystemArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1", "CreationTime": "2024-01-01T00:00:00.000000Z",
		"LifeCycleState": "available", "NumberOfMountTargets": float64(0), "SizeInBytes": map[string]any{"Value": float64(6144)},
		"PerformanceMode": "generalPurpose", "Encrypted": true, "Tags": []any{map[string]any{"Key": "Name", "Value": "shared"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CreateFileSystem as botocore parses it (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"Code": "FileSystemNotFound", "Message": "File system 'fs-9' does not exist."}, res[4].Parsed["Error"]); diff != "" {
		t.Errorf("error as botocore parses it (-want +got):\n%s", diff)
	}
}

func toString(v any) string {
	if l, ok := v.([]any); ok {
		if len(l) == 0 {
			return ""
		}
		v = l[0]
	}
	return fmt.Sprint(v)
}

func TestWriteResponse(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	if err := restjson.WriteResponse(rec, "rid", 204, nil); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 204 || rec.Body.Len() != 0 || rec.Header().Get("x-amzn-RequestId") != "rid" {
		t.Errorf("204: %d %q %v", rec.Code, rec.Body, rec.Header())
	}
	rec = httptest.NewRecorder()
	if err := restjson.WriteResponse(rec, "rid", 0, &DescribeFileSystemsOutput{FileSystems: []FileSystemDescription{}}); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || rec.Body.String() != `{"FileSystems":[]}` || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("200: %d %q %v", rec.Code, rec.Body, rec.Header())
	}
}

func TestDecodeRequestErrors(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/2015-02-01/file-systems?MaxItems=abc", nil)
	var in DescribeFileSystemsInput
	if err := restjson.DecodeRequest(r, nil, nil, &in); err == nil || err.Code != "BadRequest" || err.HTTPStatus != 400 {
		t.Errorf("bad MaxItems: %v", err)
	}
	var del DeleteFileSystemInput
	if err := restjson.DecodeRequest(r, nil, map[string]string{}, &del); err == nil || err.Code != "ValidationException" {
		t.Errorf("missing label: %v", err)
	}
	var cf CreateFileSystemInput
	if err := restjson.DecodeRequest(r, []byte(`{"CreationToken":1}`), nil, &cf); err == nil || err.Code != "SerializationException" {
		t.Errorf("wrong JSON type: %v", err)
	}
}
