package efs_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/protocol/shapecheck"
	"abacus/internal/service/efs"
	"abacus/internal/store/sqlite"
)

const acct = model.AccountID("123456789012")

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const delay = 10 * time.Second

func newService(t *testing.T, now *time.Time) (*efs.Service, *op.Registry) {
	t.Helper()
	return newServiceTB(t, now)
}

func newServiceTB(t testing.TB, now *time.Time) (*efs.Service, *op.Registry) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := efs.New(efs.Options{Store: st, Delay: delay, Now: func() time.Time { return *now }})
	reg := &op.Registry{}
	efs.Register(reg, svc)
	return svc, reg
}

func at(d time.Duration) *op.Call {
	id, _ := model.IDGenerator{}.UUID()
	return &op.Call{Account: acct, Region: "us-east-1", Now: t0.Add(d), RequestID: id,
		Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: string(acct)}}
}

func TestShapes(t *testing.T) {
	c := shapecheck.New(t)
	m, err := c.Model("efs")
	if err != nil {
		t.Fatal(err)
	}
	now := t0
	_, reg := newService(t, &now)
	for _, e := range reg.Entries() {
		in := reflect.New(e.InputType()).Interface()
		var out any = reflect.New(e.OutputType()).Interface()
		if m.Operations[e.Name()].Output == nil {
			out = nil
		}
		c.Check(t, "efs", e.Name(), in, out, shapecheck.Required())
	}
}

func TestLifecycleAndLookup(t *testing.T) {
	now := t0
	svc, reg := newService(t, &now)
	ctx := context.Background()
	c := at(0)
	in := &efs.CreateFileSystemInput{CreationToken: "tok", Tags: []efs.Tag{{Key: "owner", Value: "alice"}}}
	checks, err := func() ([]op.Check, error) {
		e, _ := reg.Lookup("efs", "CreateFileSystem")
		return e.Authorize(ctx, c, in)
	}()
	if err != nil {
		t.Fatal(err)
	}
	fs, err := svc.CreateFileSystem(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	// Tag-on-create is also authorized as TagResource on the new file
	// system: https://docs.aws.amazon.com/efs/latest/ug/API_CreateFileSystem.html
	want := []op.Check{
		{Action: "elasticfilesystem:CreateFileSystem", Resource: "*", Context: map[string][]string{
			"elasticfilesystem:Encrypted": {"false"}, "aws:RequestTag/owner": {"alice"}, "aws:TagKeys": {"owner"}}},
		{Action: "elasticfilesystem:TagResource", Resource: fs.FileSystemArn, Context: map[string][]string{
			"elasticfilesystem:CreateAction": {"CreateFileSystem"}, "aws:RequestTag/owner": {"alice"}, "aws:TagKeys": {"owner"}}},
	}
	if diff := cmp.Diff(want, checks); diff != "" {
		t.Errorf("CreateFileSystem checks (-want +got):\n%s", diff)
	}
	if fs.LifeCycleState != "creating" {
		t.Errorf("state %s", fs.LifeCycleState)
	}
	_, err = svc.CreateFileSystem(ctx, at(time.Second), &efs.CreateFileSystemInput{CreationToken: "tok"})
	var e *efs.Error
	if !errors.As(err, &e) || e.Code != efs.CodeAlreadyExists || e.FileSystemID != fs.FileSystemId {
		t.Errorf("same token: %v", err)
	}
	tests := []struct {
		d     time.Duration
		state string
	}{{0, "creating"}, {delay - time.Millisecond, "creating"}, {delay, "available"}}
	for _, tt := range tests {
		now = t0.Add(tt.d)
		info, err := svc.FileSystem(ctx, acct, "us-east-1", fs.FileSystemId)
		if err != nil || info.Lifecycle != tt.state || info.Type != "EFS" || info.ARN != fs.FileSystemArn || info.Tags["owner"] != "alice" {
			t.Errorf("+%v: FileSystem = %+v, %v; want %s", tt.d, info, err, tt.state)
		}
	}
	if _, err := svc.FileSystem(ctx, acct, "eu-west-1", fs.FileSystemId); !errors.Is(err, efs.ErrNotFound) {
		t.Errorf("other region: %v", err)
	}
	if _, err := svc.DeleteFileSystem(ctx, at(time.Second), &efs.DeleteFileSystemInput{FileSystemId: fs.FileSystemId}); !errors.Is(err, &efs.Error{Code: efs.CodeInUse}) {
		t.Errorf("delete while creating: %v", err)
	}
	if _, err := svc.DeleteFileSystem(ctx, at(delay), &efs.DeleteFileSystemInput{FileSystemId: fs.FileSystemId}); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(2*delay - time.Millisecond)
	if info, _ := svc.FileSystem(ctx, acct, "us-east-1", fs.FileSystemId); info.Lifecycle != "deleting" {
		t.Errorf("deleting: %+v", info)
	}
	now = t0.Add(2 * delay)
	if _, err := svc.FileSystem(ctx, acct, "us-east-1", fs.FileSystemId); !errors.Is(err, efs.ErrNotFound) {
		t.Errorf("after deletion: %v", err)
	}
	// The token is free again once the file system is gone.
	if _, err := svc.CreateFileSystem(ctx, at(2*delay), &efs.CreateFileSystemInput{CreationToken: "tok"}); err != nil {
		t.Errorf("token reuse after deletion: %v", err)
	}
}

func TestMapError(t *testing.T) {
	e, ok := efs.MapError(&efs.Error{Code: efs.CodeAlreadyExists, Message: "m", FileSystemID: "fs-0123456789abcdef0"})
	if !ok || e.HTTPStatus != 409 || len(e.Extra) != 2 || e.Extra[0].Name != "ErrorCode" || e.Extra[1].Value != "fs-0123456789abcdef0" {
		t.Errorf("MapError = %+v", e)
	}
	e, _ = efs.MapError(&efs.Error{Code: efs.CodeNotFound, Message: "m"})
	if e.HTTPStatus != 404 {
		t.Errorf("FileSystemNotFound status %d", e.HTTPStatus)
	}
}

func TestFileSystemExists(t *testing.T) {
	now := t0
	svc, _ := newService(t, &now)
	ctx := context.Background()
	fs, err := svc.CreateFileSystem(ctx, at(0), &efs.CreateFileSystemInput{CreationToken: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		region, id string
		want       bool
	}{{"us-east-1", fs.FileSystemId, true}, {"us-east-1", fs.FileSystemArn, true}, {"eu-west-1", fs.FileSystemId, false},
		{"us-east-1", "fs-00000000000000000", false}, {"us-east-1", "garbage", false}} {
		if got, err := svc.FileSystemExists(ctx, acct, tt.region, tt.id); got != tt.want || err != nil {
			t.Errorf("FileSystemExists(%s, %s) = %v, %v; want %v", tt.region, tt.id, got, err, tt.want)
		}
	}
}
