package efs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/protocol/restjson"
	"abacus/internal/service/efs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/wire")

// TestWire pins EFS's REST-JSON bodies, statuses and error shapes
// (ErrorCode next to the message, FileSystemId in FileSystemAlreadyExists)
// to golden files in testdata/wire. Run with -update to rewrite them.
func TestWire(t *testing.T) {
	now := t0
	svc, _ := newService(t, &now)
	ctx := context.Background()
	c := at(0)
	c.RequestID = "req-golden"
	created, err := svc.CreateFileSystem(ctx, c, &efs.CreateFileSystemInput{CreationToken: "tok", Encrypted: new(true), Tags: []efs.Tag{{Key: "Name", Value: "shared"}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		status int
		run    func() (any, error)
	}{
		{"CreateFileSystem", 201, func() (any, error) { return created, nil }},
		{"DescribeFileSystems", 200, func() (any, error) {
			return svc.DescribeFileSystems(ctx, at(time.Minute), &efs.DescribeFileSystemsInput{})
		}},
		{"FileSystemAlreadyExists", 0, func() (any, error) {
			return svc.CreateFileSystem(ctx, at(time.Minute), &efs.CreateFileSystemInput{CreationToken: "tok"})
		}},
		{"FileSystemNotFound", 0, func() (any, error) {
			return svc.DeleteFileSystem(ctx, at(time.Minute), &efs.DeleteFileSystemInput{FileSystemId: "fs-00000000000000000"})
		}},
		{"BadRequest", 0, func() (any, error) {
			return svc.DescribeFileSystems(ctx, at(time.Minute), &efs.DescribeFileSystemsInput{FileSystemId: new("not-an-id")})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.run()
			rec := httptest.NewRecorder()
			if err != nil {
				restjson.WriteError(rec, "req-1", apierr.From(err, efs.MapError))
			} else if err := restjson.WriteResponse(rec, "req-1", tt.status, res); err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, rec.Body.Bytes(), "", "  "); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, rec.Body)
			}
			body := []byte(rec.Header().Get("X-Amzn-Errortype") + " " + rec.Result().Status + "\n" + pretty.String() + "\n")
			path := filepath.Join("testdata", "wire", tt.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("%s differs from the golden file:\n got %s\nwant %s", tt.name, body, want)
			}
		})
	}
}
