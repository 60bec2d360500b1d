package compat

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
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

// TestS3Listing pages through ListObjectsV2 and ListObjects with prefix,
// delimiter, continuation and URL encoding.
func TestS3Listing(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	cl := s3Client(s.root())
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("list")}); err != nil {
		t.Fatal(err)
	}
	keys := []string{"a.txt", "dir/1", "dir/2", "dir/sub/3", "dir/sub/4", "dir2/5", "top", "with space/6"}
	for _, k := range keys {
		if _, err := cl.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("list"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	type page struct {
		Keys, Prefixes []string
	}
	listV2 := func(in s3.ListObjectsV2Input) []page {
		t.Helper()
		in.Bucket = aws.String("list")
		var pages []page
		p := s3.NewListObjectsV2Paginator(cl, &in)
		for p.HasMorePages() {
			out, err := p.NextPage(c)
			if err != nil {
				t.Fatal(err)
			}
			var pg page
			// The Go SDK leaves EncodingType=url keys encoded (botocore
			// decodes them); decode them here.
			dec := func(s *string) string {
				if out.EncodingType != s3types.EncodingTypeUrl {
					return aws.ToString(s)
				}
				d, err := url.QueryUnescape(aws.ToString(s))
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			for _, o := range out.Contents {
				pg.Keys = append(pg.Keys, dec(o.Key))
			}
			for _, cp := range out.CommonPrefixes {
				pg.Prefixes = append(pg.Prefixes, dec(cp.Prefix))
			}
			if int(aws.ToInt32(out.KeyCount)) != len(pg.Keys)+len(pg.Prefixes) {
				t.Errorf("KeyCount %d for %+v", aws.ToInt32(out.KeyCount), pg)
			}
			pages = append(pages, pg)
		}
		return pages
	}
	tests := []struct {
		name string
		in   s3.ListObjectsV2Input
		want []page
	}{
		{"all", s3.ListObjectsV2Input{}, []page{{Keys: keys}}},
		{"prefix", s3.ListObjectsV2Input{Prefix: aws.String("dir/")}, []page{{Keys: []string{"dir/1", "dir/2", "dir/sub/3", "dir/sub/4"}}}},
		{"delimiter", s3.ListObjectsV2Input{Delimiter: aws.String("/")},
			[]page{{Keys: []string{"a.txt", "top"}, Prefixes: []string{"dir/", "dir2/", "with space/"}}}},
		{"prefix and delimiter", s3.ListObjectsV2Input{Prefix: aws.String("dir/"), Delimiter: aws.String("/")},
			[]page{{Keys: []string{"dir/1", "dir/2"}, Prefixes: []string{"dir/sub/"}}}},
		{"pages of two", s3.ListObjectsV2Input{MaxKeys: aws.Int32(2)},
			[]page{{Keys: keys[0:2]}, {Keys: keys[2:4]}, {Keys: keys[4:6]}, {Keys: keys[6:8]}}},
		// A common prefix counts as one entry and is never repeated on the
		// next page, however many keys it rolls up.
		{"pages of two with delimiter", s3.ListObjectsV2Input{MaxKeys: aws.Int32(2), Delimiter: aws.String("/")},
			[]page{{Keys: []string{"a.txt"}, Prefixes: []string{"dir/"}}, {Prefixes: []string{"dir2/"}, Keys: []string{"top"}}, {Prefixes: []string{"with space/"}}}},
		{"start after", s3.ListObjectsV2Input{StartAfter: aws.String("dir/sub/3")}, []page{{Keys: keys[4:]}}},
		// EncodingType=url: the SDK decodes what S3 encodes.
		{"url encoding", s3.ListObjectsV2Input{Prefix: aws.String("with "), EncodingType: s3types.EncodingTypeUrl}, []page{{Keys: []string{"with space/6"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, listV2(tt.in)); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
		})
	}

	// Version 1: Marker and NextMarker.
	var got []string
	in := &s3.ListObjectsInput{Bucket: aws.String("list"), MaxKeys: aws.Int32(3), Delimiter: aws.String("/")}
	for {
		out, err := cl.ListObjects(c, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.Contents {
			got = append(got, aws.ToString(o.Key))
		}
		for _, p := range out.CommonPrefixes {
			got = append(got, aws.ToString(p.Prefix))
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.Marker = out.NextMarker
	}
	want := []string{"a.txt", "dir/", "dir2/", "top", "with space/"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListObjects (-want +got):\n%s", diff)
	}
	_, err := cl.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("list"), ContinuationToken: aws.String("garbage!")})
	if s3Code(err) != "InvalidArgument" {
		t.Errorf("bad continuation token: %v", err)
	}
}

// TestS3MultipartUpload uploads in parts, lists them, completes with AWS's
// multipart ETag, and checks the part-size and ordering errors.
func TestS3MultipartUpload(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	cl := s3Client(s.root())
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("mp-bucket")}); err != nil {
		t.Fatal(err)
	}
	create := func(key string) string {
		t.Helper()
		out, err := cl.CreateMultipartUpload(c, &s3.CreateMultipartUploadInput{Bucket: aws.String("mp-bucket"), Key: aws.String(key),
			ContentType: aws.String("application/x-big"), Metadata: map[string]string{"k": "v"}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.UploadId)
	}
	parts := [][]byte{bytes.Repeat([]byte("a"), 5<<20), bytes.Repeat([]byte("b"), 5<<20), []byte("tail")}
	id := create("big")
	var completed []s3types.CompletedPart
	var md5s []byte
	for i, p := range parts {
		out, err := cl.UploadPart(c, &s3.UploadPartInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big"), UploadId: aws.String(id),
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.ETag) != `"`+md5hex(p)+`"` {
			t.Errorf("part %d ETag %s", i+1, aws.ToString(out.ETag))
		}
		sum := md5.Sum(p)
		md5s = append(md5s, sum[:]...)
		completed = append(completed, s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	lp, err := cl.ListParts(c, &s3.ListPartsInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big"), UploadId: aws.String(id), MaxParts: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.Parts) != 2 || !aws.ToBool(lp.IsTruncated) || aws.ToInt64(lp.Parts[1].Size) != 5<<20 {
		t.Errorf("ListParts = %+v", lp)
	}
	_, err = cl.CompleteMultipartUpload(c, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big"), UploadId: aws.String(id),
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{completed[1], completed[0]}}})
	if s3Code(err) != "InvalidPartOrder" {
		t.Errorf("parts out of order: %v", err)
	}
	_, err = cl.CompleteMultipartUpload(c, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big"), UploadId: aws.String(id),
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{ETag: aws.String(`"00"`), PartNumber: aws.Int32(1)}}}})
	if s3Code(err) != "InvalidPart" {
		t.Errorf("wrong part ETag: %v", err)
	}
	done, err := cl.CompleteMultipartUpload(c, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big"), UploadId: aws.String(id),
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: completed}})
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(md5s)
	if want := `"` + hex.EncodeToString(sum[:]) + `-3"`; aws.ToString(done.ETag) != want {
		t.Errorf("multipart ETag %s, want %s", aws.ToString(done.ETag), want)
	}
	whole := bytes.Join(parts, nil)
	if got := getBody(t, c, cl, "mp-bucket", "big"); got != string(whole) {
		t.Errorf("assembled object differs (%d bytes, want %d)", len(got), len(whole))
	}
	// A range across the part boundary.
	rg, err := cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big"), Range: aws.String(fmt.Sprintf("bytes=%d-%d", 5<<20-2, 5<<20+1))})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rg.Body)
	rg.Body.Close()
	if string(b) != "aabb" {
		t.Errorf("range across parts = %q", b)
	}
	// Parts are addressable by number, as the SDKs' downloaders read them.
	pt, err := cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big"), PartNumber: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(pt.Body)
	pt.Body.Close()
	if string(b) != "tail" || aws.ToInt32(pt.PartsCount) != 3 || aws.ToString(pt.ContentRange) != fmt.Sprintf("bytes %d-%d/%d", 10<<20, 10<<20+3, 10<<20+4) {
		t.Errorf("part 3 = %q, parts %d, range %s", b, aws.ToInt32(pt.PartsCount), aws.ToString(pt.ContentRange))
	}
	_, err = cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big"), PartNumber: aws.Int32(4)})
	if s3Code(err) != "InvalidPartNumber" || httpStatus(err) != 416 {
		t.Errorf("part 4 of 3: %v", err)
	}
	head, err := cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big")})
	if err != nil || aws.ToString(head.ContentType) != "application/x-big" || head.Metadata["k"] != "v" {
		t.Errorf("HeadObject = %+v, %v", head, err)
	}
	_, err = cl.ListParts(c, &s3.ListPartsInput{Bucket: aws.String("mp-bucket"), Key: aws.String("big"), UploadId: aws.String(id)})
	if s3Code(err) != "NoSuchUpload" {
		t.Errorf("ListParts after complete: %v", err)
	}

	// A small part that is not the last is EntityTooSmall.
	id2 := create("small")
	var small []s3types.CompletedPart
	for i := range 2 {
		out, err := cl.UploadPart(c, &s3.UploadPartInput{Bucket: aws.String("mp-bucket"), Key: aws.String("small"), UploadId: aws.String(id2),
			PartNumber: aws.Int32(int32(i + 1)), Body: strings.NewReader("tiny")})
		if err != nil {
			t.Fatal(err)
		}
		small = append(small, s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	_, err = cl.CompleteMultipartUpload(c, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mp-bucket"), Key: aws.String("small"), UploadId: aws.String(id2),
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: small}})
	if s3Code(err) != "EntityTooSmall" {
		t.Errorf("small part: %v", err)
	}
	if _, err := cl.AbortMultipartUpload(c, &s3.AbortMultipartUploadInput{Bucket: aws.String("mp-bucket"), Key: aws.String("small"), UploadId: aws.String(id2)}); err != nil {
		t.Fatal(err)
	}
	_, err = cl.UploadPart(c, &s3.UploadPartInput{Bucket: aws.String("mp-bucket"), Key: aws.String("small"), UploadId: aws.String(id2),
		PartNumber: aws.Int32(3), Body: strings.NewReader("x")})
	if s3Code(err) != "NoSuchUpload" {
		t.Errorf("UploadPart after abort: %v", err)
	}
	_, err = cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("mp-bucket"), Key: aws.String("small")})
	if httpStatus(err) != 404 {
		t.Errorf("aborted upload is visible: %v", err)
	}
}

// TestS3Checksums sends every flexible checksum the SDK offers and checks
// they are verified, stored and returned, and that wrong digests are
// refused with S3's codes.
func TestS3Checksums(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	cl := s3Client(s.root())
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("sums")}); err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("checksum me "), 10000)
	for _, alg := range []s3types.ChecksumAlgorithm{s3types.ChecksumAlgorithmCrc32, s3types.ChecksumAlgorithmCrc32c,
		s3types.ChecksumAlgorithmSha1, s3types.ChecksumAlgorithmSha256, s3types.ChecksumAlgorithmCrc64nvme} {
		t.Run(string(alg), func(t *testing.T) {
			key := "obj-" + string(alg)
			put, err := cl.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String(key), Body: bytes.NewReader(data), ChecksumAlgorithm: alg})
			if err != nil {
				t.Fatal(err)
			}
			get, err := cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("sums"), Key: aws.String(key), ChecksumMode: s3types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			// The SDK validates the returned checksum while reading.
			b, err := io.ReadAll(get.Body)
			get.Body.Close()
			if err != nil || !bytes.Equal(b, data) {
				t.Fatalf("read back: %v", err)
			}
			pv := map[s3types.ChecksumAlgorithm]*string{s3types.ChecksumAlgorithmCrc32: put.ChecksumCRC32, s3types.ChecksumAlgorithmCrc32c: put.ChecksumCRC32C,
				s3types.ChecksumAlgorithmSha1: put.ChecksumSHA1, s3types.ChecksumAlgorithmSha256: put.ChecksumSHA256, s3types.ChecksumAlgorithmCrc64nvme: put.ChecksumCRC64NVME}[alg]
			gv := map[s3types.ChecksumAlgorithm]*string{s3types.ChecksumAlgorithmCrc32: get.ChecksumCRC32, s3types.ChecksumAlgorithmCrc32c: get.ChecksumCRC32C,
				s3types.ChecksumAlgorithmSha1: get.ChecksumSHA1, s3types.ChecksumAlgorithmSha256: get.ChecksumSHA256, s3types.ChecksumAlgorithmCrc64nvme: get.ChecksumCRC64NVME}[alg]
			if pv == nil || gv == nil || *pv != *gv {
				t.Errorf("checksum put %v get %v", aws.ToString(pv), aws.ToString(gv))
			}
		})
	}
	// Wrong digests, set by hand.
	tests := []struct {
		name string
		in   *s3.PutObjectInput
		code string
	}{
		{"bad Content-MD5", &s3.PutObjectInput{ContentMD5: aws.String("1B2M2Y8AsgTpgAmY7PhCfg==")}, "BadDigest"},
		{"invalid Content-MD5", &s3.PutObjectInput{ContentMD5: aws.String("not-base64")}, "InvalidDigest"},
		{"bad CRC32", &s3.PutObjectInput{ChecksumCRC32: aws.String("AAAAAA==")}, "BadDigest"},
		{"bad SHA256", &s3.PutObjectInput{ChecksumSHA256: aws.String("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")}, "BadDigest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Bucket, tt.in.Key, tt.in.Body = aws.String("sums"), aws.String("bad"), bytes.NewReader(data)
			_, err := cl.PutObject(c, tt.in)
			if s3Code(err) != tt.code {
				t.Errorf("err = %v, want %s", err, tt.code)
			}
			_, err = cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("sums"), Key: aws.String("bad")})
			if httpStatus(err) != 404 {
				t.Errorf("a refused upload is visible: %v", err)
			}
		})
	}
}

// TestBoto3S3UserPrefixes runs the boto3 example of setup 2's S3 part.
func TestBoto3S3UserPrefixes(t *testing.T) {
	t.Parallel()
	s := start(t)
	out := runBoto3Example(t, s, "s3_user_prefixes.py")
	if !strings.Contains(out, "setup 2 S3 checks passed") {
		t.Fatalf("unexpected output:\n%s", out)
	}
}

// TestTerraformS3 applies examples/terraform/s3 (aws_s3_bucket with tags
// and aws_s3_bucket_policy), plans clean and destroys.
func TestTerraformS3(t *testing.T) {
	t.Parallel()
	s := start(t)
	terraform(t, s, "s3")
}

// TestAWSCLIS3 drives the AWS CLI's high-level S3 commands (mb, cp up and
// down with multipart, ls, sync, rm, rb) and s3api against abacus.
func TestAWSCLIS3(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI (aws) is not installed; skipping the S3 CLI test")
	}
	s := start(t)
	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := "[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n  multipart_threshold = 8MB\n  multipart_chunksize = 8MB\n"
	if err := os.WriteFile(filepath.Join(work, ".aws", "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	script := `
E="--endpoint-url $ENDPOINT"
head -c 17000000 /dev/urandom > big.bin
echo "small file" > small.txt
mkdir -p tree/a/b && echo 1 > tree/a/one && echo 2 > tree/a/b/two
aws $E s3 mb s3://cli-bucket
aws $E s3 cp big.bin s3://cli-bucket/data/big.bin
aws $E s3 cp small.txt "s3://cli-bucket/data/with space.txt"
aws $E s3 sync tree s3://cli-bucket/tree
aws $E s3 ls s3://cli-bucket/ --recursive
aws $E s3api head-object --bucket cli-bucket --key data/big.bin --query ETag --output text
aws $E s3 cp s3://cli-bucket/data/big.bin big.copy
cmp big.bin big.copy && echo "big round trip ok"
aws $E s3 cp "s3://cli-bucket/data/with space.txt" - 
aws $E s3 rm s3://cli-bucket --recursive
aws $E s3 rb s3://cli-bucket
aws $E s3 ls
`
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = work
	cmd.Env = append(cleanAWSEnv(os.Environ()), "HOME="+work, "ENDPOINT="+s.Endpoint,
		"AWS_ACCESS_KEY_ID="+rootKeyID, "AWS_SECRET_ACCESS_KEY="+rootSecret, "AWS_MAX_ATTEMPTS=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws s3 script: %v\n%s\nserver log:\n%s", err, out, tail(s.Log(), 30))
	}
	got := string(out)
	for _, want := range []string{"make_bucket: cli-bucket", "data/big.bin", "data/with space.txt", "tree/a/b/two", `-3"`,
		"big round trip ok", "small file", "remove_bucket: cli-bucket"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// TestS3KeyEncoding round-trips keys that URL handling tends to mangle.
func TestS3KeyEncoding(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	cl := s3Client(s.root())
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("keys")}); err != nil {
		t.Fatal(err)
	}
	keys := []string{"a+b", "c%d", "sp ace", "ü/ñ/漢字", "q?x=1", "hash#1", "semi;colon", "tilde~", "double//slash", "trailing/", "amp&eq=", "quote'\"", "star*"}
	for _, k := range keys {
		if _, err := cl.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("keys"), Key: aws.String(k), Body: strings.NewReader("v:" + k)}); err != nil {
			t.Fatalf("PutObject %q: %v", k, err)
		}
		if got := getBody(t, c, cl, "keys", k); got != "v:"+k {
			t.Errorf("GetObject %q = %q", k, got)
		}
	}
	out, err := cl.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("keys")})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, o := range out.Contents {
		listed = append(listed, aws.ToString(o.Key))
	}
	want := slices.Clone(keys)
	slices.Sort(want)
	if diff := cmp.Diff(want, listed); diff != "" {
		t.Errorf("listed keys (-want +got):\n%s", diff)
	}
	if _, err := cl.CopyObject(c, &s3.CopyObjectInput{Bucket: aws.String("keys"), Key: aws.String("copy of ü"),
		CopySource: aws.String("keys/" + url.PathEscape("ü/ñ/漢字"))}); err != nil {
		t.Fatalf("CopyObject of an encoded source: %v", err)
	}
	if got := getBody(t, c, cl, "keys", "copy of ü"); got != "v:ü/ñ/漢字" {
		t.Errorf("copy = %q", got)
	}
}
