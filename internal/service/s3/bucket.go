package s3

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strings"

	"abacus/internal/blob"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// validBucketName reports whether name follows the general purpose bucket
// naming rules
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
// 3 to 63 lower-case letters, digits, dots and hyphens, beginning and
// ending with a letter or digit, no two adjacent dots, not an IP address,
// and none of the reserved prefixes and suffixes.
func validBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	alnum := func(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
	if !alnum(name[0]) || !alnum(name[len(name)-1]) || strings.Contains(name, "..") {
		return false
	}
	if net.ParseIP(name) != nil {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	for _, sfx := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, sfx) {
			return false
		}
	}
	return true
}

func errInvalidBucketName(name string) *Error {
	return newError(http.StatusBadRequest, CodeInvalidBucketName, "The specified bucket is not valid.").with("BucketName", name)
}

func (s *Service) authorizeCreateBucket(_ context.Context, _ *op.Call, in *CreateBucketInput) ([]op.Check, error) {
	if !validBucketName(in.Bucket) {
		return nil, errInvalidBucketName(in.Bucket)
	}
	keys := map[string][]string{}
	if in.ACL != nil {
		keys["s3:x-amz-acl"] = []string{*in.ACL}
	}
	if in.CreateBucketConfiguration != nil && in.CreateBucketConfiguration.LocationConstraint != nil {
		keys["s3:LocationConstraint"] = []string{*in.CreateBucketConfiguration.LocationConstraint}
	}
	if in.ObjectOwnership != nil {
		keys["s3:x-amz-object-ownership"] = []string{*in.ObjectOwnership}
	}
	return []op.Check{{Action: "s3:CreateBucket", Resource: bucketARN(in.Bucket), Context: keys}}, nil
}

// CreateBucket creates a bucket in the caller's account and region. As in
// us-east-1 on AWS, creating a bucket the caller's account already owns
// there succeeds; elsewhere it is BucketAlreadyOwnedByYou.
func (s *Service) CreateBucket(ctx context.Context, c *op.Call, in *CreateBucketInput) (*CreateBucketOutput, error) {
	if !validBucketName(in.Bucket) {
		return nil, errInvalidBucketName(in.Bucket)
	}
	region := c.Region
	if region == "" {
		region = "us-east-1"
	}
	var lc string
	if in.CreateBucketConfiguration != nil {
		lc = deref(in.CreateBucketConfiguration.LocationConstraint)
	}
	switch {
	case lc == "us-east-1":
		return nil, newError(http.StatusBadRequest, CodeInvalidLocationConstraint, "The specified location-constraint is not valid").
			with("LocationConstraint", lc)
	case lc == "" && region != "us-east-1":
		return nil, newError(http.StatusBadRequest, CodeIllegalLocationConstraint,
			"The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case lc != "" && lc != region:
		return nil, newError(http.StatusBadRequest, CodeIllegalLocationConstraint,
			"The %s location constraint is incompatible for the region specific endpoint this request was sent to.", lc)
	}
	now := c.Now
	err := s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		owner, err := tx.ResourceOwner(ctx, typeBucket, in.Bucket)
		switch {
		case err == nil && owner == c.Account:
			if region == "us-east-1" {
				return nil
			}
			return newError(http.StatusConflict, CodeBucketAlreadyOwnedByYou,
				"Your previous request to create the named bucket succeeded and you already own it.").with("BucketName", in.Bucket)
		case err == nil:
			return newError(http.StatusConflict, CodeBucketAlreadyExists,
				"The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.").
				with("BucketName", in.Bucket)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		_, err = tx.CreateResource(ctx, c.Account, model.Resource{
			Type: typeBucket, ID: in.Bucket, ARN: bucketARN(in.Bucket), Name: in.Bucket,
			Document: mustJSON(bucketDoc{Region: region}), CreateDate: now, UpdateDate: now,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	loc := "/" + in.Bucket
	if region != "us-east-1" {
		loc = "http://" + in.Bucket + ".s3.amazonaws.com/"
	}
	return &CreateBucketOutput{Location: &loc, BucketArn: ptr(bucketARN(in.Bucket))}, nil
}

// HeadBucket reports whether the bucket exists and the caller may list it.
func (s *Service) HeadBucket(ctx context.Context, _ *op.Call, in *HeadBucketInput) (*HeadBucketOutput, error) {
	var b bucket
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		b, err = loadBucket(ctx, tx, in.Bucket)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &HeadBucketOutput{BucketArn: ptr(bucketARN(in.Bucket)), BucketRegion: ptr(b.doc.Region)}, nil
}

// GetBucketLocation returns the bucket's region; us-east-1 is the empty
// constraint.
func (s *Service) GetBucketLocation(ctx context.Context, _ *op.Call, in *GetBucketLocationInput) (*GetBucketLocationOutput, error) {
	var b bucket
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		b, err = loadBucket(ctx, tx, in.Bucket)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &GetBucketLocationOutput{}
	if b.doc.Region != "us-east-1" {
		out.LocationConstraint = ptr(b.doc.Region)
	}
	return out, nil
}

// ListBuckets lists the caller's account's buckets by name.
func (s *Service) ListBuckets(ctx context.Context, c *op.Call, in *ListBucketsInput) (*ListBucketsOutput, error) {
	max := 10000
	if in.MaxBuckets != nil {
		if *in.MaxBuckets < 1 || *in.MaxBuckets > 10000 {
			return nil, errInvalidArgument("Argument max-buckets must be an integer between 1 and 10000", "max-buckets", itoa(int(*in.MaxBuckets)))
		}
		max = int(*in.MaxBuckets)
	}
	after := ""
	if in.ContinuationToken != nil {
		b, err := base64.RawURLEncoding.DecodeString(*in.ContinuationToken)
		if err != nil {
			return nil, errInvalidArgument("The continuation token provided is incorrect", "continuation-token", *in.ContinuationToken)
		}
		after = string(b)
	}
	out := &ListBucketsOutput{Buckets: []Bucket{}, Owner: &Owner{ID: ptr(canonicalID(c.Account))}, Prefix: in.Prefix}
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		opts := store.ResourceListOptions{Prefix: deref(in.Prefix), MaxItems: store.MaxMaxItems}
		for {
			page, err := tx.ListResources(ctx, c.Account, typeBucket, opts)
			if err != nil {
				return err
			}
			for _, r := range page.Items {
				if r.ID <= after {
					continue
				}
				var d bucketDoc
				_ = jsonUnmarshal(r.Document, &d)
				if in.BucketRegion != nil && d.Region != *in.BucketRegion {
					continue
				}
				if len(out.Buckets) == max {
					out.ContinuationToken = ptr(base64.RawURLEncoding.EncodeToString([]byte(out.Buckets[max-1].Name)))
					return nil
				}
				out.Buckets = append(out.Buckets, Bucket{Name: r.ID, CreationDate: r.CreateDate, BucketRegion: ptr(d.Region), BucketArn: ptr(r.ARN)})
			}
			if !page.IsTruncated {
				return nil
			}
			opts.Marker = page.Marker
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteBucket deletes an empty bucket.
func (s *Service) DeleteBucket(ctx context.Context, _ *op.Call, in *DeleteBucketInput) (*Empty, error) {
	var dropped []blob.Segment
	err := s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		page, err := tx.ListResources(ctx, b.owner, typeObject, store.ResourceListOptions{Prefix: in.Bucket + "/", MaxItems: 1})
		if err != nil {
			return err
		}
		if len(page.Items) > 0 {
			return newError(http.StatusConflict, CodeBucketNotEmpty, "The bucket you tried to delete is not empty").with("BucketName", in.Bucket)
		}
		// Open multipart uploads are aborted with the bucket.
		uploads, err := s.uploadsOf(ctx, tx, b)
		if err != nil {
			return err
		}
		for _, u := range uploads {
			segs, err := s.dropUploadSegs(ctx, tx, b, u)
			if err != nil {
				return err
			}
			dropped = append(dropped, segs...)
		}
		return tx.DeleteResource(ctx, b.owner, typeBucket, in.Bucket, 0)
	})
	if err != nil {
		return nil, err
	}
	s.deleteBlobs(ctx, dropped)
	return &Empty{}, nil
}
