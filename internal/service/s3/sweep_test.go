package s3_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"abacus/internal/blob"
	"abacus/internal/op"
	"abacus/internal/service/s3"
)

// TestSweepRemovesOnlyOrphans: blobs no object or part refers to (as a
// crash before the metadata commit leaves them) are deleted; the bytes of
// objects and of open uploads' parts are kept.
func TestSweepRemovesOnlyOrphans(t *testing.T) {
	t.Parallel()
	svc, _, st := newService(t)
	ctx := context.Background()
	c := call(acct)
	blobs, err := blob.Open(filepath.Join(st.Dir(), "sweep-objects"), blob.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	svc = s3.New(s3.Options{Store: st, Blobs: blobs})
	reg := &op.Registry{}
	s3.Register(reg, svc)
	if _, err := svc.CreateBucket(ctx, c, &s3.CreateBucketInput{Bucket: "sweep"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutObject(ctx, c, &s3.PutObjectInput{Bucket: "sweep", Key: "kept", Body: strings.NewReader("kept")}); err != nil {
		t.Fatal(err)
	}
	up, err := svc.CreateMultipartUpload(ctx, c, &s3.CreateMultipartUploadInput{Bucket: "sweep", Key: "big"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UploadPart(ctx, c, &s3.UploadPartInput{Bucket: "sweep", Key: "big", UploadId: *up.UploadId, PartNumber: 1, Body: strings.NewReader("part")}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := blobs.Write(ctx, bytes.NewReader([]byte("orphan"))); err != nil {
			t.Fatal(err)
		}
	}
	n, err := svc.Sweep(ctx, acct)
	if err != nil || n != 3 {
		t.Fatalf("Sweep = %d, %v; want 3 orphans", n, err)
	}
	out, err := svc.GetObject(ctx, c, &s3.GetObjectInput{Bucket: "sweep", Key: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(b) != "kept" {
		t.Errorf("object reads %q after the sweep", b)
	}
	lp, err := svc.ListParts(ctx, c, &s3.ListPartsInput{Bucket: "sweep", Key: "big", UploadId: *up.UploadId})
	if err != nil || len(lp.Parts) != 1 {
		t.Fatalf("ListParts = %+v, %v", lp, err)
	}
	if n, err := svc.Sweep(ctx, acct); err != nil || n != 0 {
		t.Errorf("second Sweep = %d, %v", n, err)
	}
	if _, err := svc.CompleteMultipartUpload(ctx, c, &s3.CompleteMultipartUploadInput{Bucket: "sweep", Key: "big", UploadId: *up.UploadId,
		MultipartUpload: &s3.CompletedMultipartUpload{Parts: []s3.CompletedPart{{ETag: lp.Parts[0].ETag, PartNumber: lp.Parts[0].PartNumber}}}}); err != nil {
		t.Errorf("completing after the sweep: %v", err)
	}
}
