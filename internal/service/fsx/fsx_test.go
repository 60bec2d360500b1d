package fsx_test

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/protocol/shapecheck"
	"abacus/internal/service/fsx"
	"abacus/internal/store/sqlite"
)

const acct = model.AccountID("123456789012")

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const delay = 10 * time.Second

func newService(t *testing.T, now *time.Time) (*fsx.Service, *op.Registry) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := fsx.New(fsx.Options{Store: st, Delay: delay, Now: func() time.Time { return *now }})
	reg := &op.Registry{}
	fsx.Register(reg, svc)
	return svc, reg
}

func at(d time.Duration) *op.Call {
	id, _ := model.IDGenerator{}.UUID()
	return &op.Call{Account: acct, Region: "us-east-1", Now: t0.Add(d), RequestID: id,
		Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: string(acct)}}
}

func TestShapes(t *testing.T) {
	c := shapecheck.New(t)
	m, err := c.Model("fsx")
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
		c.Check(t, "fsx", e.Name(), in, out, shapecheck.Required())
	}
}

func lustre(token string) *fsx.CreateFileSystemInput {
	in := &fsx.CreateFileSystemInput{FileSystemType: "LUSTRE", StorageCapacity: new(int32(1200)), SubnetIds: []string{"subnet-1"},
		Tags: []fsx.Tag{{Key: "owner", Value: "alice"}}}
	if token != "" {
		in.ClientRequestToken = &token
	}
	return in
}

func TestLifecycleAndLookup(t *testing.T) {
	now := t0
	svc, reg := newService(t, &now)
	ctx := context.Background()
	c := at(0)
	e, _ := reg.Lookup("fsx", "CreateFileSystem")
	checks, err := e.Authorize(ctx, c, lustre("tok"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := svc.CreateFileSystem(ctx, c, lustre("tok"))
	if err != nil {
		t.Fatal(err)
	}
	fs := out.FileSystem
	if !regexp.MustCompile(`^fs-[0-9a-f]{17}$`).MatchString(*fs.FileSystemId) || *fs.ResourceARN != "arn:aws:fsx:us-east-1:123456789012:file-system/"+*fs.FileSystemId {
		t.Errorf("ID %s ARN %s", *fs.FileSystemId, *fs.ResourceARN)
	}
	// CreateFileSystem is authorized on the new file system's ARN with the
	// request's tags:
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonfsx.html
	want := []op.Check{{Action: "fsx:CreateFileSystem", Resource: *fs.ResourceARN,
		Context: map[string][]string{"aws:RequestTag/owner": {"alice"}, "aws:TagKeys": {"owner"}}}}
	if diff := cmp.Diff(want, checks); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	again, err := svc.CreateFileSystem(ctx, at(time.Second), lustre("tok"))
	if err != nil || *again.FileSystem.FileSystemId != *fs.FileSystemId {
		t.Errorf("same token: %v %v", again, err)
	}
	if _, err := svc.CreateFileSystem(ctx, at(0), &fsx.CreateFileSystemInput{FileSystemType: "LUSTRE", StorageCapacity: new(int32(100)), SubnetIds: []string{"s"}}); !errors.Is(err, &fsx.Error{Code: fsx.CodeIncompatible}) {
		t.Errorf("small Lustre: %v", err)
	}
	for _, tt := range []struct {
		d     time.Duration
		state string
	}{{0, "CREATING"}, {delay, "AVAILABLE"}} {
		now = t0.Add(tt.d)
		info, err := svc.FileSystem(ctx, acct, "us-east-1", *fs.FileSystemId)
		if err != nil || info.Lifecycle != tt.state || info.Type != "LUSTRE" || info.MountName != *fs.LustreConfiguration.MountName || info.Tags["owner"] != "alice" {
			t.Errorf("+%v: %+v %v", tt.d, info, err)
		}
	}
	if _, err := svc.TagResource(ctx, at(delay), &fsx.TagResourceInput{ResourceARN: *fs.ResourceARN, Tags: []fsx.Tag{{Key: "k", Value: "v"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UntagResource(ctx, at(delay), &fsx.UntagResourceInput{ResourceARN: *fs.ResourceARN, TagKeys: []string{"owner"}}); err != nil {
		t.Fatal(err)
	}
	lt, err := svc.ListTagsForResource(ctx, at(delay), &fsx.ListTagsForResourceInput{ResourceARN: *fs.ResourceARN})
	if err != nil || !cmp.Equal(lt.Tags, []fsx.Tag{{Key: "k", Value: "v"}}) {
		t.Errorf("tags %+v %v", lt, err)
	}
	_, err = svc.ListTagsForResource(ctx, at(delay), &fsx.ListTagsForResourceInput{ResourceARN: "arn:aws:fsx:us-east-1:123456789012:file-system/fs-00000000000000000"})
	if !errors.Is(err, &fsx.Error{Code: fsx.CodeResourceNotFound}) {
		t.Errorf("tags of a missing file system: %v", err)
	}
	del, err := svc.DeleteFileSystem(ctx, at(delay), &fsx.DeleteFileSystemInput{FileSystemId: *fs.FileSystemId})
	if err != nil || *del.Lifecycle != "DELETING" {
		t.Fatalf("DeleteFileSystem: %v", err)
	}
	now = t0.Add(2 * delay)
	if _, err := svc.FileSystem(ctx, acct, "us-east-1", *fs.FileSystemId); !errors.Is(err, fsx.ErrNotFound) {
		t.Errorf("after deletion: %v", err)
	}
	d, err := svc.DescribeFileSystems(ctx, at(2*delay), &fsx.DescribeFileSystemsInput{})
	if err != nil || len(d.FileSystems) != 0 {
		t.Errorf("DescribeFileSystems after deletion: %+v %v", d, err)
	}
	_, err = svc.DescribeFileSystems(ctx, at(2*delay), &fsx.DescribeFileSystemsInput{FileSystemIds: []string{*fs.FileSystemId}})
	if !errors.Is(err, fsx.ErrNotFound) {
		t.Errorf("DescribeFileSystems of a deleted ID: %v", err)
	}
}

func TestFileSystemExists(t *testing.T) {
	now := t0
	svc, _ := newService(t, &now)
	ctx := context.Background()
	out, err := svc.CreateFileSystem(ctx, at(0), lustre(""))
	if err != nil {
		t.Fatal(err)
	}
	id := *out.FileSystem.FileSystemId
	for _, tt := range []struct {
		region, id string
		want       bool
	}{{"us-east-1", id, true}, {"eu-west-1", id, false}, {"us-east-1", "fs-00000000000000000", false}} {
		if got, err := svc.FileSystemExists(ctx, acct, tt.region, tt.id); got != tt.want || err != nil {
			t.Errorf("FileSystemExists(%s, %s) = %v, %v; want %v", tt.region, tt.id, got, err, tt.want)
		}
	}
}
