package efs

import (
	"context"

	"abacus/internal/op"
)

const svc = "efs"

// Register registers every EFS operation abacus serves with r, each with
// the checks the Service Authorization Reference lists for it.
func Register(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[CreateFileSystemInput, FileSystemDescription]{Service: svc, Name: "CreateFileSystem",
		Authorize: s.authorizeCreate, Handle: s.CreateFileSystem})
	op.Register(r, op.Spec[DescribeFileSystemsInput, DescribeFileSystemsOutput]{Service: svc, Name: "DescribeFileSystems", ReadOnly: true,
		Authorize: s.authorizeDescribe, Handle: s.DescribeFileSystems})
	op.Register(r, op.Spec[DeleteFileSystemInput, EmptyOutput]{Service: svc, Name: "DeleteFileSystem",
		Authorize: func(ctx context.Context, c *op.Call, in *DeleteFileSystemInput) ([]op.Check, error) {
			return s.fsCheck(ctx, c, in.FileSystemId, "elasticfilesystem:DeleteFileSystem", nil)
		}, Handle: s.DeleteFileSystem})
	op.Register(r, op.Spec[TagResourceInput, EmptyOutput]{Service: svc, Name: "TagResource",
		Authorize: func(ctx context.Context, c *op.Call, in *TagResourceInput) ([]op.Check, error) {
			k := map[string][]string{}
			requestTags(k, in.Tags)
			return s.fsCheck(ctx, c, in.ResourceId, "elasticfilesystem:TagResource", k)
		}, Handle: s.TagResource})
	op.Register(r, op.Spec[UntagResourceInput, EmptyOutput]{Service: svc, Name: "UntagResource",
		Authorize: func(ctx context.Context, c *op.Call, in *UntagResourceInput) ([]op.Check, error) {
			return s.fsCheck(ctx, c, in.ResourceId, "elasticfilesystem:UntagResource", map[string][]string{"aws:TagKeys": append([]string{}, in.TagKeys...)})
		}, Handle: s.UntagResource})
	op.Register(r, op.Spec[ListTagsForResourceInput, ListTagsForResourceOutput]{Service: svc, Name: "ListTagsForResource", ReadOnly: true,
		Authorize: func(ctx context.Context, c *op.Call, in *ListTagsForResourceInput) ([]op.Check, error) {
			return s.fsCheck(ctx, c, in.ResourceId, "elasticfilesystem:ListTagsForResource", nil)
		}, Handle: s.ListTagsForResource})
	op.Register(r, op.Spec[CreateTagsInput, EmptyOutput]{Service: svc, Name: "CreateTags",
		Authorize: func(ctx context.Context, c *op.Call, in *CreateTagsInput) ([]op.Check, error) {
			k := map[string][]string{}
			requestTags(k, in.Tags)
			return s.fsCheck(ctx, c, in.FileSystemId, "elasticfilesystem:CreateTags", k)
		}, Handle: s.CreateTags})
	op.Register(r, op.Spec[DescribeTagsInput, DescribeTagsOutput]{Service: svc, Name: "DescribeTags", ReadOnly: true,
		Authorize: func(ctx context.Context, c *op.Call, in *DescribeTagsInput) ([]op.Check, error) {
			return s.fsCheck(ctx, c, in.FileSystemId, "elasticfilesystem:DescribeTags", nil)
		}, Handle: s.DescribeTags})
}
