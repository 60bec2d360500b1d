package compat

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// fsDelay is the creating/deleting duration the file-system tests run with.
const fsDelay = 300 * time.Millisecond

// TestEFSFileSystems drives EFS's REST-JSON operations with the SDK:
// creation (idempotent by CreationToken), the life cycle, tags both ways,
// deletion, and EFS's error shape.
func TestEFSFileSystems(t *testing.T) {
	t.Parallel()
	s := start(t, "--provision-delay", fsDelay.String())
	c := ctx(t)
	cl := efs.NewFromConfig(s.root())
	created, err := cl.CreateFileSystem(c, &efs.CreateFileSystemInput{CreationToken: aws.String("training-data"), Encrypted: aws.Bool(true),
		PerformanceMode: efstypes.PerformanceModeGeneralPurpose, Tags: []efstypes.Tag{{Key: aws.String("Name"), Value: aws.String("shared")}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(created.FileSystemId)
	if !regexp.MustCompile(`^fs-[0-9a-f]{17}$`).MatchString(id) || aws.ToString(created.FileSystemArn) != "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/"+id {
		t.Errorf("ID %s ARN %s", id, aws.ToString(created.FileSystemArn))
	}
	if created.LifeCycleState != efstypes.LifeCycleStateCreating || aws.ToString(created.Name) != "shared" || aws.ToString(created.OwnerId) != accountID {
		t.Errorf("created: %+v", created)
	}
	_, err = cl.CreateFileSystem(c, &efs.CreateFileSystemInput{CreationToken: aws.String("training-data")})
	var exists *efstypes.FileSystemAlreadyExists
	if !errorsAs(err, &exists) || aws.ToString(exists.FileSystemId) != id || exists.ErrorCode() != "FileSystemAlreadyExists" {
		t.Errorf("second create with the token: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := cl.DescribeFileSystems(c, &efs.DescribeFileSystemsInput{FileSystemId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if d.FileSystems[0].LifeCycleState == efstypes.LifeCycleStateAvailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never available: %s", d.FileSystems[0].LifeCycleState)
		}
		time.Sleep(fsDelay / 3)
	}
	must := mustOK(t)
	must(cl.TagResource(c, &efs.TagResourceInput{ResourceId: aws.String(id), Tags: []efstypes.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}}}))
	must(cl.CreateTags(c, &efs.CreateTagsInput{FileSystemId: aws.String(id), Tags: []efstypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}}}))
	must(cl.UntagResource(c, &efs.UntagResourceInput{ResourceId: aws.String(id), TagKeys: []string{"team"}}))
	lt, err := cl.ListTagsForResource(c, &efs.ListTagsForResourceInput{ResourceId: aws.String(id)})
	if err != nil || len(lt.Tags) != 2 {
		t.Errorf("ListTagsForResource: %+v %v", lt, err)
	}
	dt, err := cl.DescribeTags(c, &efs.DescribeTagsInput{FileSystemId: aws.String(id)})
	if err != nil || len(dt.Tags) != 2 {
		t.Errorf("DescribeTags: %+v %v", dt, err)
	}
	all, err := cl.DescribeFileSystems(c, &efs.DescribeFileSystemsInput{CreationToken: aws.String("training-data")})
	if err != nil || len(all.FileSystems) != 1 {
		t.Errorf("DescribeFileSystems by token: %+v %v", all, err)
	}
	must(cl.DeleteFileSystem(c, &efs.DeleteFileSystemInput{FileSystemId: aws.String(id)}))
	// deleting until the delay has passed (or already gone on a slow run).
	d, err := cl.DescribeFileSystems(c, &efs.DescribeFileSystemsInput{FileSystemId: aws.String(id)})
	if err == nil && d.FileSystems[0].LifeCycleState != efstypes.LifeCycleStateDeleting || err != nil && apiCode(err) != "FileSystemNotFound" {
		t.Errorf("after DeleteFileSystem: %v", err)
	}
	time.Sleep(fsDelay + 50*time.Millisecond)
	_, err = cl.DescribeFileSystems(c, &efs.DescribeFileSystemsInput{FileSystemId: aws.String(id)})
	var nf *efstypes.FileSystemNotFound
	if !errorsAs(err, &nf) || nf.ErrorCode() != "FileSystemNotFound" {
		t.Errorf("after deletion: %v", err)
	}
}

// TestFSxFileSystems drives FSx's JSON operations with the SDK: a Lustre
// file system through CREATING, AVAILABLE and DELETING, tags by ARN, and a
// user who may tag only file systems tagged with their name.
func TestFSxFileSystems(t *testing.T) {
	t.Parallel()
	s := start(t, "--provision-delay", fsDelay.String())
	c := ctx(t)
	cl := fsx.NewFromConfig(s.root())
	created, err := cl.CreateFileSystem(c, &fsx.CreateFileSystemInput{FileSystemType: fsxtypes.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200),
		SubnetIds: []string{"subnet-0123"}, ClientRequestToken: aws.String("lustre-1"),
		LustreConfiguration: &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypeScratch2},
		Tags:                []fsxtypes.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}}})
	if err != nil {
		t.Fatal(err)
	}
	fs := created.FileSystem
	id, arn := aws.ToString(fs.FileSystemId), aws.ToString(fs.ResourceARN)
	if !regexp.MustCompile(`^fs-[0-9a-f]{17}$`).MatchString(id) || arn != "arn:aws:fsx:us-east-1:123456789012:file-system/"+id {
		t.Errorf("ID %s ARN %s", id, arn)
	}
	if fs.Lifecycle != fsxtypes.FileSystemLifecycleCreating || aws.ToString(fs.LustreConfiguration.MountName) == "" {
		t.Errorf("created: %+v", fs)
	}
	again, err := cl.CreateFileSystem(c, &fsx.CreateFileSystemInput{FileSystemType: fsxtypes.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200),
		SubnetIds: []string{"subnet-0123"}, ClientRequestToken: aws.String("lustre-1")})
	if err != nil || aws.ToString(again.FileSystem.FileSystemId) != id {
		t.Errorf("same token: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := cl.DescribeFileSystems(c, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		if d.FileSystems[0].Lifecycle == fsxtypes.FileSystemLifecycleAvailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("never AVAILABLE")
		}
		time.Sleep(fsDelay / 3)
	}
	must := mustOK(t)
	// Per-user tags: the shared role may tag and delete only file systems
	// tagged owner=${aws:SourceIdentity}.
	sess := sharedRoleSessions(t, s, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["fsx:TagResource","fsx:ListTagsForResource","fsx:DeleteFileSystem"],
	  "Resource":"arn:aws:fsx:*:*:file-system/*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:SourceIdentity}"}}},
	  {"Effect":"Allow","Action":"fsx:DescribeFileSystems","Resource":"*"}]}`, "alice", "bob")
	alice, bob := fsx.NewFromConfig(sess["alice"]), fsx.NewFromConfig(sess["bob"])
	must(alice.TagResource(c, &fsx.TagResourceInput{ResourceARN: aws.String(arn), Tags: []fsxtypes.Tag{{Key: aws.String("project"), Value: aws.String("llm")}}}))
	if _, err := bob.TagResource(c, &fsx.TagResourceInput{ResourceARN: aws.String(arn), Tags: []fsxtypes.Tag{{Key: aws.String("owner"), Value: aws.String("bob")}}}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("bob tags alice's file system: %v", err)
	}
	if _, err := bob.DeleteFileSystem(c, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("bob deletes alice's file system: %v", err)
	}
	lt, err := cl.ListTagsForResource(c, &fsx.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil || len(lt.Tags) != 2 {
		t.Errorf("tags after bob's denied call: %+v %v", lt, err)
	}
	must(cl.UntagResource(c, &fsx.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"project"}}))
	del, err := alice.DeleteFileSystem(c, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)})
	if err != nil || del.Lifecycle != fsxtypes.FileSystemLifecycleDeleting {
		t.Fatalf("alice deletes her file system: %v", err)
	}
	time.Sleep(fsDelay + 50*time.Millisecond)
	_, err = cl.DescribeFileSystems(c, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	var nf *fsxtypes.FileSystemNotFound
	if !errorsAs(err, &nf) {
		t.Errorf("after deletion: %v", err)
	}
}
