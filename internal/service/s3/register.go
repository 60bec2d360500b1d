package s3

import (
	"context"

	"abacus/internal/op"
)

// Register registers every S3 operation abacus serves with r, each with
// the checks of the Service Authorization Reference.
func Register(r *op.Registry, s *Service) {
	const svc = "s3"
	op.Register(r, op.Spec[CreateBucketInput, CreateBucketOutput]{Service: svc, Name: "CreateBucket",
		Authorize: s.authorizeCreateBucket, Handle: s.CreateBucket})
	op.Register(r, op.Spec[HeadBucketInput, HeadBucketOutput]{Service: svc, Name: "HeadBucket", ReadOnly: true,
		Authorize: func(ctx context.Context, _ *op.Call, in *HeadBucketInput) ([]op.Check, error) {
			return s.bucketCheck(ctx, in.Bucket, "s3:ListBucket", nil)
		}, Handle: s.HeadBucket})
	op.Register(r, op.Spec[GetBucketLocationInput, GetBucketLocationOutput]{Service: svc, Name: "GetBucketLocation", ReadOnly: true,
		Authorize: func(ctx context.Context, _ *op.Call, in *GetBucketLocationInput) ([]op.Check, error) {
			return s.bucketCheck(ctx, in.Bucket, "s3:GetBucketLocation", nil)
		}, Handle: s.GetBucketLocation})
	op.Register(r, op.Spec[ListBucketsInput, ListBucketsOutput]{Service: svc, Name: "ListBuckets", ReadOnly: true,
		Authorize: op.Any[ListBucketsInput]("s3:ListAllMyBuckets"), Handle: s.ListBuckets})
	op.Register(r, op.Spec[DeleteBucketInput, Empty]{Service: svc, Name: "DeleteBucket",
		Authorize: func(ctx context.Context, _ *op.Call, in *DeleteBucketInput) ([]op.Check, error) {
			return s.bucketCheck(ctx, in.Bucket, "s3:DeleteBucket", nil)
		}, Handle: s.DeleteBucket})

	op.Register(r, op.Spec[PutObjectInput, PutObjectOutput]{Service: svc, Name: "PutObject",
		Authorize: s.authorizePutObject, Handle: s.PutObject})
	op.Register(r, op.Spec[GetObjectInput, GetObjectOutput]{Service: svc, Name: "GetObject", ReadOnly: true,
		Authorize: s.authorizeGetObject, Handle: s.GetObject})
	op.Register(r, op.Spec[HeadObjectInput, HeadObjectOutput]{Service: svc, Name: "HeadObject", ReadOnly: true,
		Authorize: s.authorizeHeadObject, Handle: s.HeadObject})
	op.Register(r, op.Spec[DeleteObjectInput, DeleteObjectOutput]{Service: svc, Name: "DeleteObject",
		Authorize: s.authorizeDeleteObject, Handle: s.DeleteObject})
	op.Register(r, op.Spec[DeleteObjectsInput, DeleteObjectsOutput]{Service: svc, Name: "DeleteObjects",
		Authorize: s.authorizeDeleteObjects, Handle: s.DeleteObjects})
	op.Register(r, op.Spec[CopyObjectInput, CopyObjectOutput]{Service: svc, Name: "CopyObject",
		Authorize: s.authorizeCopyObject, Handle: s.CopyObject})

	op.Register(r, op.Spec[CreateMultipartUploadInput, CreateMultipartUploadOutput]{Service: svc, Name: "CreateMultipartUpload",
		Authorize: s.authorizeCreateMultipartUpload, Handle: s.CreateMultipartUpload})
	op.Register(r, op.Spec[UploadPartInput, UploadPartOutput]{Service: svc, Name: "UploadPart",
		Authorize: s.authorizeUploadPart, Handle: s.UploadPart})
	op.Register(r, op.Spec[CompleteMultipartUploadInput, CompleteMultipartUploadOutput]{Service: svc, Name: "CompleteMultipartUpload",
		Authorize: s.authorizeCompleteMultipartUpload, Handle: s.CompleteMultipartUpload})
	op.Register(r, op.Spec[AbortMultipartUploadInput, AbortMultipartUploadOutput]{Service: svc, Name: "AbortMultipartUpload",
		Authorize: s.authorizeAbortMultipartUpload, Handle: s.AbortMultipartUpload})
	op.Register(r, op.Spec[ListPartsInput, ListPartsOutput]{Service: svc, Name: "ListParts", ReadOnly: true,
		Authorize: s.authorizeListParts, Handle: s.ListParts})

	op.Register(r, op.Spec[ListObjectsV2Input, ListObjectsV2Output]{Service: svc, Name: "ListObjectsV2", ReadOnly: true,
		Authorize: s.authorizeListObjectsV2, Handle: s.ListObjectsV2})
	op.Register(r, op.Spec[ListObjectsInput, ListObjectsOutput]{Service: svc, Name: "ListObjects", ReadOnly: true,
		Authorize: s.authorizeListObjects, Handle: s.ListObjects})

	op.Register(r, op.Spec[PutObjectTaggingInput, PutObjectTaggingOutput]{Service: svc, Name: "PutObjectTagging",
		Authorize: s.authorizePutObjectTagging, Handle: s.PutObjectTagging})
	op.Register(r, op.Spec[GetObjectTaggingInput, GetObjectTaggingOutput]{Service: svc, Name: "GetObjectTagging", ReadOnly: true,
		Authorize: s.authorizeGetObjectTagging, Handle: s.GetObjectTagging})
	op.Register(r, op.Spec[DeleteObjectTaggingInput, DeleteObjectTaggingOutput]{Service: svc, Name: "DeleteObjectTagging",
		Authorize: s.authorizeDeleteObjectTagging, Handle: s.DeleteObjectTagging})
	op.Register(r, op.Spec[PutBucketTaggingInput, Empty]{Service: svc, Name: "PutBucketTagging",
		Authorize: s.authorizePutBucketTagging, Handle: s.PutBucketTagging})
	op.Register(r, op.Spec[BucketInput, GetBucketTaggingOutput]{Service: svc, Name: "GetBucketTagging", ReadOnly: true,
		Authorize: s.authorizeGetBucketTagging, Handle: s.GetBucketTagging})
	op.Register(r, op.Spec[BucketInput, Empty]{Service: svc, Name: "DeleteBucketTagging",
		Authorize: s.authorizeDeleteBucketTagging, Handle: s.DeleteBucketTagging})
	op.Register(r, op.Spec[PutBucketPolicyInput, Empty]{Service: svc, Name: "PutBucketPolicy",
		Authorize: s.authorizePutBucketPolicy, Handle: s.PutBucketPolicy})
	op.Register(r, op.Spec[BucketInput, GetBucketPolicyOutput]{Service: svc, Name: "GetBucketPolicy", ReadOnly: true,
		Authorize: s.authorizeGetBucketPolicy, Handle: s.GetBucketPolicy})
	op.Register(r, op.Spec[BucketInput, Empty]{Service: svc, Name: "DeleteBucketPolicy",
		Authorize: s.authorizeDeleteBucketPolicy, Handle: s.DeleteBucketPolicy})
	registerConfig(r, s)
}
