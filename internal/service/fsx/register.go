package fsx

import (
	"context"

	"abacus/internal/op"
)

const svc = "fsx"

// Register registers every FSx operation abacus serves with r, each with
// the checks the Service Authorization Reference lists for it.
func Register(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[CreateFileSystemInput, CreateFileSystemOutput]{Service: svc, Name: "CreateFileSystem",
		Authorize: s.authorizeCreate, Handle: s.CreateFileSystem})
	op.Register(r, op.Spec[DescribeFileSystemsInput, DescribeFileSystemsOutput]{Service: svc, Name: "DescribeFileSystems", ReadOnly: true,
		Authorize: op.Any[DescribeFileSystemsInput]("fsx:DescribeFileSystems"), Handle: s.DescribeFileSystems})
	op.Register(r, op.Spec[DeleteFileSystemInput, DeleteFileSystemOutput]{Service: svc, Name: "DeleteFileSystem",
		Authorize: func(ctx context.Context, c *op.Call, in *DeleteFileSystemInput) ([]op.Check, error) {
			return s.fsCheck(ctx, c, in.FileSystemId, "fsx:DeleteFileSystem", nil)
		}, Handle: s.DeleteFileSystem})
	op.Register(r, op.Spec[TagResourceInput, EmptyOutput]{Service: svc, Name: "TagResource",
		Authorize: func(ctx context.Context, c *op.Call, in *TagResourceInput) ([]op.Check, error) {
			k := map[string][]string{}
			requestTags(k, in.Tags)
			return s.arnCheck(ctx, c, in.ResourceARN, "fsx:TagResource", k)
		}, Handle: s.TagResource})
	op.Register(r, op.Spec[UntagResourceInput, EmptyOutput]{Service: svc, Name: "UntagResource",
		Authorize: func(ctx context.Context, c *op.Call, in *UntagResourceInput) ([]op.Check, error) {
			return s.arnCheck(ctx, c, in.ResourceARN, "fsx:UntagResource", map[string][]string{"aws:TagKeys": append([]string{}, in.TagKeys...)})
		}, Handle: s.UntagResource})
	op.Register(r, op.Spec[ListTagsForResourceInput, ListTagsForResourceOutput]{Service: svc, Name: "ListTagsForResource", ReadOnly: true,
		Authorize: func(ctx context.Context, c *op.Call, in *ListTagsForResourceInput) ([]op.Check, error) {
			return s.arnCheck(ctx, c, in.ResourceARN, "fsx:ListTagsForResource", nil)
		}, Handle: s.ListTagsForResource})
}
