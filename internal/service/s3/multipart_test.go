package s3_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"abacus/internal/service/s3"
)

// TestCompleteKeepsUploadOnFailedPrecondition: a CompleteMultipartUpload
// refused by If-None-Match
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html)
// changes nothing: the existing object stays and the upload can still be
// listed and completed without the condition.
func TestCompleteKeepsUploadOnFailedPrecondition(t *testing.T) {
	t.Parallel()
	svc, _, _ := newService(t)
	ctx := context.Background()
	c := call(acct)
	if _, err := svc.CreateBucket(ctx, c, &s3.CreateBucketInput{Bucket: "mpu"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutObject(ctx, c, &s3.PutObjectInput{Bucket: "mpu", Key: "k", Body: strings.NewReader("old")}); err != nil {
		t.Fatal(err)
	}
	up, err := svc.CreateMultipartUpload(ctx, c, &s3.CreateMultipartUploadInput{Bucket: "mpu", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	part, err := svc.UploadPart(ctx, c, &s3.UploadPartInput{Bucket: "mpu", Key: "k", UploadId: *up.UploadId, PartNumber: 1, Body: strings.NewReader("new")})
	if err != nil {
		t.Fatal(err)
	}
	one := int32(1)
	complete := &s3.CompleteMultipartUploadInput{Bucket: "mpu", Key: "k", UploadId: *up.UploadId, IfNoneMatch: s("*"),
		MultipartUpload: &s3.CompletedMultipartUpload{Parts: []s3.CompletedPart{{ETag: part.ETag, PartNumber: &one}}}}
	if _, err := svc.CompleteMultipartUpload(ctx, c, complete); !errors.Is(err, &s3.Error{Code: s3.CodePreconditionFailed}) {
		t.Fatalf("complete over an existing key with If-None-Match: *: %v", err)
	}
	if lp, err := svc.ListParts(ctx, c, &s3.ListPartsInput{Bucket: "mpu", Key: "k", UploadId: *up.UploadId}); err != nil || len(lp.Parts) != 1 {
		t.Fatalf("the upload after a refused complete: %+v, %v", lp, err)
	}
	if got := readAll(t, svc, "mpu", "k"); got != "old" {
		t.Errorf("object = %q after a refused complete", got)
	}
	complete.IfNoneMatch = nil
	if _, err := svc.CompleteMultipartUpload(ctx, c, complete); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, svc, "mpu", "k"); got != "new" {
		t.Errorf("object = %q after complete", got)
	}
}
