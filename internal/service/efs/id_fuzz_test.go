package efs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"abacus/internal/service/efs"
)

// FuzzFileSystemID feeds arbitrary file-system IDs and ARNs to
// DescribeFileSystems and the FileSystem lookup: nothing panics, only the
// real ID or ARN finds the file system, malformed IDs are BadRequest and
// well-formed unknown ones FileSystemNotFound.
func FuzzFileSystemID(f *testing.F) {
	now := t0
	svc, _ := newServiceTB(f, &now)
	ctx := context.Background()
	fs, err := svc.CreateFileSystem(ctx, at(0), &efs.CreateFileSystemInput{CreationToken: "t"})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{fs.FileSystemId, fs.FileSystemArn, "fs-01234567", "fs-", "arn:aws:elasticfilesystem:us-east-1:999999999999:file-system/" + fs.FileSystemId, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := s
		out, err := svc.DescribeFileSystems(ctx, at(time.Second), &efs.DescribeFileSystemsInput{FileSystemId: &id})
		real := s == fs.FileSystemId || s == fs.FileSystemArn
		switch {
		case err == nil:
			if !real || len(out.FileSystems) != 1 || out.FileSystems[0].FileSystemId != fs.FileSystemId {
				t.Fatalf("DescribeFileSystems(%q) = %+v", s, out)
			}
		case real:
			t.Fatalf("DescribeFileSystems(%q): %v", s, err)
		case !errors.Is(err, efs.ErrNotFound) && !errors.Is(err, &efs.Error{Code: efs.CodeBadRequest}):
			t.Fatalf("DescribeFileSystems(%q): %v", s, err)
		}
		if _, err := svc.FileSystem(ctx, acct, "us-east-1", s); (err == nil) != real {
			t.Fatalf("FileSystem(%q): %v", s, err)
		}
	})
}
