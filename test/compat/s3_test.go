package compat

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// s3Client returns a path-style S3 client for cfg.
func s3Client(cfg aws.Config, opts ...func(*s3.Options)) *s3.Client {
	return s3.NewFromConfig(cfg, append([]func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true }}, opts...)...)
}

// httpStatus returns the HTTP status of an SDK error, or 0.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func s3Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func getBody(t *testing.T, c context.Context, cl *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func md5hex(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// TestS3BucketsAndObjects drives the bucket and object operations with the
// SDK, path-style.
func TestS3BucketsAndObjects(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	cl := s3Client(s.root())

	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("my-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.HeadBucket(c, &s3.HeadBucketInput{Bucket: aws.String("my-bucket")}); err != nil {
		t.Fatal(err)
	}
	lb, err := cl.ListBuckets(c, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Buckets) != 1 || aws.ToString(lb.Buckets[0].Name) != "my-bucket" {
		t.Fatalf("ListBuckets = %+v", lb.Buckets)
	}

	body := []byte("hello, abacus")
	put, err := cl.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("dir/a.txt"),
		Body: bytes.NewReader(body), ContentType: aws.String("text/plain"), Metadata: map[string]string{"owner": "alice"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(put.ETag), `"`+md5hex(body)+`"`; got != want {
		t.Errorf("ETag %s, want %s", got, want)
	}
	if got := getBody(t, c, cl, "my-bucket", "dir/a.txt"); got != string(body) {
		t.Errorf("GetObject = %q", got)
	}
	head, err := cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("dir/a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(head.ContentLength) != int64(len(body)) || aws.ToString(head.ContentType) != "text/plain" ||
		head.Metadata["owner"] != "alice" || aws.ToString(head.ETag) != aws.ToString(put.ETag) {
		t.Errorf("HeadObject = len %d type %q meta %v etag %s", aws.ToInt64(head.ContentLength), aws.ToString(head.ContentType), head.Metadata, aws.ToString(head.ETag))
	}

	// Ranges.
	rg, err := cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("dir/a.txt"), Range: aws.String("bytes=7-12")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rg.Body)
	rg.Body.Close()
	if string(b) != "abacus" || aws.ToString(rg.ContentRange) != "bytes 7-12/13" {
		t.Errorf("range = %q %q", b, aws.ToString(rg.ContentRange))
	}
	_, err = cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("dir/a.txt"), Range: aws.String("bytes=100-")})
	if s3Code(err) != "InvalidRange" || httpStatus(err) != 416 {
		t.Errorf("unsatisfiable range: %v", err)
	}

	// Conditional reads.
	_, err = cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("dir/a.txt"), IfMatch: aws.String(`"nope"`)})
	if s3Code(err) != "PreconditionFailed" || httpStatus(err) != 412 {
		t.Errorf("If-Match mismatch: %v", err)
	}
	_, err = cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("dir/a.txt"), IfNoneMatch: put.ETag})
	if httpStatus(err) != 304 {
		t.Errorf("If-None-Match match: %v", err)
	}
	_, err = cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("dir/a.txt"), IfModifiedSince: aws.Time(time.Now().Add(time.Hour))})
	if httpStatus(err) != 304 {
		t.Errorf("If-Modified-Since in the future: %v", err)
	}
	_, err = cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("dir/a.txt"), IfUnmodifiedSince: aws.Time(time.Now().Add(-time.Hour))})
	if s3Code(err) != "PreconditionFailed" {
		t.Errorf("If-Unmodified-Since in the past: %v", err)
	}
	// Conditional write: If-None-Match: * refuses to overwrite.
	_, err = cl.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("dir/a.txt"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
	if s3Code(err) != "PreconditionFailed" {
		t.Errorf("If-None-Match: * on an existing key: %v", err)
	}

	// Copy, with metadata kept and then replaced.
	cp, err := cl.CopyObject(c, &s3.CopyObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("copy.txt"), CopySource: aws.String("my-bucket/dir/a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(cp.CopyObjectResult.ETag) != aws.ToString(put.ETag) {
		t.Errorf("copy ETag %s", aws.ToString(cp.CopyObjectResult.ETag))
	}
	if got := getBody(t, c, cl, "my-bucket", "copy.txt"); got != string(body) {
		t.Errorf("copy = %q", got)
	}
	_, err = cl.CopyObject(c, &s3.CopyObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("copy.txt"), CopySource: aws.String("my-bucket/copy.txt")})
	if s3Code(err) != "InvalidRequest" {
		t.Errorf("copy onto itself without changes: %v", err)
	}

	// Tagging.
	if _, err := cl.PutObjectTagging(c, &s3.PutObjectTaggingInput{Bucket: aws.String("my-bucket"), Key: aws.String("copy.txt"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}}}}); err != nil {
		t.Fatal(err)
	}
	ot, err := cl.GetObjectTagging(c, &s3.GetObjectTaggingInput{Bucket: aws.String("my-bucket"), Key: aws.String("copy.txt")})
	if err != nil || len(ot.TagSet) != 1 || aws.ToString(ot.TagSet[0].Value) != "alice" {
		t.Fatalf("GetObjectTagging = %+v, %v", ot, err)
	}
	if _, err := cl.DeleteObjectTagging(c, &s3.DeleteObjectTaggingInput{Bucket: aws.String("my-bucket"), Key: aws.String("copy.txt")}); err != nil {
		t.Fatal(err)
	}
	_, err = cl.GetBucketTagging(c, &s3.GetBucketTaggingInput{Bucket: aws.String("my-bucket")})
	if s3Code(err) != "NoSuchTagSet" {
		t.Errorf("GetBucketTagging without tags: %v", err)
	}
	if _, err := cl.PutBucketTagging(c, &s3.PutBucketTaggingInput{Bucket: aws.String("my-bucket"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("team"), Value: aws.String("ml")}}}}); err != nil {
		t.Fatal(err)
	}
	bt, err := cl.GetBucketTagging(c, &s3.GetBucketTaggingInput{Bucket: aws.String("my-bucket")})
	if err != nil || len(bt.TagSet) != 1 {
		t.Fatalf("GetBucketTagging = %+v, %v", bt, err)
	}
	if _, err := cl.DeleteBucketTagging(c, &s3.DeleteBucketTaggingInput{Bucket: aws.String("my-bucket")}); err != nil {
		t.Fatal(err)
	}

	// Errors.
	_, err = cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("missing")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("missing key: %v", err)
	}
	_, err = cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("missing")})
	if httpStatus(err) != 404 {
		t.Errorf("HeadObject of a missing key: %v", err)
	}
	_, err = cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("k")})
	if s3Code(err) != "NoSuchBucket" || httpStatus(err) != 404 {
		t.Errorf("missing bucket: %v", err)
	}
	_, err = cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
	if s3Code(err) != "InvalidBucketName" {
		t.Errorf("invalid bucket name: %v", err)
	}
	_, err = cl.DeleteBucket(c, &s3.DeleteBucketInput{Bucket: aws.String("my-bucket")})
	if s3Code(err) != "BucketNotEmpty" || httpStatus(err) != 409 {
		t.Errorf("DeleteBucket of a non-empty bucket: %v", err)
	}
	// Outside us-east-1 a second CreateBucket of one's own bucket is
	// BucketAlreadyOwnedByYou.
	eu := s3Client(s.root(), func(o *s3.Options) { o.Region = "eu-west-1" })
	if _, err := eu.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	_, err = eu.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	var owned *s3types.BucketAlreadyOwnedByYou
	if !errors.As(err, &owned) {
		t.Errorf("second CreateBucket: %v", err)
	}
	loc, err := eu.GetBucketLocation(c, &s3.GetBucketLocationInput{Bucket: aws.String("eu-bucket")})
	if err != nil || loc.LocationConstraint != "eu-west-1" {
		t.Errorf("GetBucketLocation = %+v, %v", loc, err)
	}

	// Delete one, then several.
	if _, err := cl.DeleteObject(c, &s3.DeleteObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("copy.txt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.DeleteObject(c, &s3.DeleteObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("copy.txt")}); err != nil {
		t.Errorf("deleting a missing key succeeds: %v", err)
	}
	del, err := cl.DeleteObjects(c, &s3.DeleteObjectsInput{Bucket: aws.String("my-bucket"), Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("dir/a.txt")}, {Key: aws.String("never")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.Deleted) != 2 || len(del.Errors) != 0 {
		t.Errorf("DeleteObjects = %+v", del)
	}
	if _, err := cl.DeleteBucket(c, &s3.DeleteBucketInput{Bucket: aws.String("my-bucket")}); err != nil {
		t.Fatal(err)
	}
	_, err = cl.HeadBucket(c, &s3.HeadBucketInput{Bucket: aws.String("my-bucket")})
	if httpStatus(err) != 404 {
		t.Errorf("HeadBucket after delete: %v", err)
	}
}
