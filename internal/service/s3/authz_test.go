package s3_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/s3"
)

const acct = model.AccountID("123456789012")

func call(a model.AccountID) *op.Call {
	return &op.Call{Account: a, Region: "us-east-1", Now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: a, ARN: "arn:aws:iam::" + string(a) + ":root", ID: string(a)}}
}

func s(v string) *string { return &v }

// fixture is a service with bucket "b" (with a policy) holding object
// "k" tagged owner=alice.
func fixture(t *testing.T) (*s3.Service, *op.Registry) {
	t.Helper()
	svc, reg, _ := newService(t)
	ctx := context.Background()
	c := call(acct)
	if _, err := svc.CreateBucket(ctx, c, &s3.CreateBucketInput{Bucket: "bkt"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutObject(ctx, c, &s3.PutObjectInput{Bucket: "bkt", Key: "k", Body: strings.NewReader("data"), Tagging: s("owner=alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutBucketPolicy(ctx, c, &s3.PutBucketPolicyInput{Bucket: "bkt", Policy: []byte(bucketPolicy)}); err != nil {
		t.Fatal(err)
	}
	return svc, reg
}

const bucketPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`

// TestAuthorizeChecks pins each operation's checks to the Amazon S3 entry
// of the Service Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html):
// the action, the bucket or object ARN, the condition keys the request
// supplies, s3:ExistingObjectTag/* only for the actions that list it, and
// the bucket policy with the bucket owner.
func TestAuthorizeChecks(t *testing.T) {
	t.Parallel()
	_, reg := fixture(t)
	type check struct {
		Action, Resource string
		Context          map[string][]string
		Policy           bool
	}
	obj, bkt := "arn:aws:s3:::bkt/k", "arn:aws:s3:::bkt"
	existing := map[string][]string{"s3:ExistingObjectTag/owner": {"alice"}}
	tests := []struct {
		op   string
		in   any
		want []check
	}{
		{"GetObject", &s3.GetObjectInput{Bucket: "bkt", Key: "k"}, []check{{"s3:GetObject", obj, existing, true}}},
		{"HeadObject", &s3.HeadObjectInput{Bucket: "bkt", Key: "k"}, []check{{"s3:GetObject", obj, existing, true}}},
		{"PutObject", &s3.PutObjectInput{Bucket: "bkt", Key: "k", ACL: s("private")},
			[]check{{"s3:PutObject", obj, map[string][]string{"s3:x-amz-acl": {"private"}}, true}}},
		{"PutObject with tags", &s3.PutObjectInput{Bucket: "bkt", Key: "k", Tagging: s("owner=bob")}, []check{
			{"s3:PutObject", obj, map[string][]string{"s3:RequestObjectTag/owner": {"bob"}, "s3:RequestObjectTagKeys": {"owner"}}, true},
			{"s3:PutObjectTagging", obj, map[string][]string{"s3:RequestObjectTag/owner": {"bob"}, "s3:RequestObjectTagKeys": {"owner"}}, true},
		}},
		{"DeleteObject", &s3.DeleteObjectInput{Bucket: "bkt", Key: "k"}, []check{{"s3:DeleteObject", obj, nil, true}}},
		{"CopyObject", &s3.CopyObjectInput{Bucket: "bkt", Key: "k2", CopySource: "bkt/k", MetadataDirective: s("COPY")}, []check{
			{"s3:GetObject", obj, existing, true},
			{"s3:PutObject", "arn:aws:s3:::bkt/k2", map[string][]string{"s3:x-amz-copy-source": {"bkt/k"}, "s3:x-amz-metadata-directive": {"COPY"}}, true},
		}},
		{"ListObjectsV2", &s3.ListObjectsV2Input{Bucket: "bkt", Prefix: s("home/alice/"), Delimiter: s("/"), MaxKeys: func() *int32 { v := int32(10); return &v }()},
			[]check{{"s3:ListBucket", bkt, map[string][]string{"s3:prefix": {"home/alice/"}, "s3:delimiter": {"/"}, "s3:max-keys": {"10"}}, true}}},
		{"ListObjects", &s3.ListObjectsInput{Bucket: "bkt"}, []check{{"s3:ListBucket", bkt, map[string][]string{}, true}}},
		{"HeadBucket", &s3.HeadBucketInput{Bucket: "bkt"}, []check{{"s3:ListBucket", bkt, nil, true}}},
		{"ListBuckets", &s3.ListBucketsInput{}, []check{{"s3:ListAllMyBuckets", "*", nil, false}}},
		{"CreateBucket", &s3.CreateBucketInput{Bucket: "new-bucket", ACL: s("private")},
			[]check{{"s3:CreateBucket", "arn:aws:s3:::new-bucket", map[string][]string{"s3:x-amz-acl": {"private"}}, false}}},
		{"DeleteBucket", &s3.DeleteBucketInput{Bucket: "bkt"}, []check{{"s3:DeleteBucket", bkt, nil, true}}},
		{"CreateMultipartUpload", &s3.CreateMultipartUploadInput{Bucket: "bkt", Key: "k"}, []check{{"s3:PutObject", obj, map[string][]string{}, true}}},
		{"UploadPart", &s3.UploadPartInput{Bucket: "bkt", Key: "k", UploadId: "u", PartNumber: 1}, []check{{"s3:PutObject", obj, nil, true}}},
		{"CompleteMultipartUpload", &s3.CompleteMultipartUploadInput{Bucket: "bkt", Key: "k", UploadId: "u"}, []check{{"s3:PutObject", obj, nil, true}}},
		{"AbortMultipartUpload", &s3.AbortMultipartUploadInput{Bucket: "bkt", Key: "k", UploadId: "u"}, []check{{"s3:AbortMultipartUpload", obj, nil, true}}},
		{"ListParts", &s3.ListPartsInput{Bucket: "bkt", Key: "k", UploadId: "u"}, []check{{"s3:ListMultipartUploadParts", obj, nil, true}}},
		{"PutObjectTagging", &s3.PutObjectTaggingInput{Bucket: "bkt", Key: "k", Tagging: &s3.Tagging{TagSet: []s3.Tag{{Key: "owner", Value: "bob"}}}}, []check{
			{"s3:PutObjectTagging", obj, map[string][]string{"s3:ExistingObjectTag/owner": {"alice"}, "s3:RequestObjectTag/owner": {"bob"}, "s3:RequestObjectTagKeys": {"owner"}}, true}}},
		{"GetObjectTagging", &s3.GetObjectTaggingInput{Bucket: "bkt", Key: "k"}, []check{{"s3:GetObjectTagging", obj, existing, true}}},
		{"DeleteObjectTagging", &s3.DeleteObjectTaggingInput{Bucket: "bkt", Key: "k"}, []check{{"s3:DeleteObjectTagging", obj, existing, true}}},
		{"PutBucketTagging", &s3.PutBucketTaggingInput{Bucket: "bkt", Tagging: &s3.Tagging{}}, []check{{"s3:PutBucketTagging", bkt, nil, true}}},
		{"GetBucketTagging", &s3.BucketInput{Bucket: "bkt"}, []check{{"s3:GetBucketTagging", bkt, nil, true}}},
		{"DeleteBucketTagging", &s3.BucketInput{Bucket: "bkt"}, []check{{"s3:PutBucketTagging", bkt, nil, true}}},
		{"PutBucketPolicy", &s3.PutBucketPolicyInput{Bucket: "bkt"}, []check{{"s3:PutBucketPolicy", bkt, nil, true}}},
		{"GetBucketPolicy", &s3.BucketInput{Bucket: "bkt"}, []check{{"s3:GetBucketPolicy", bkt, nil, true}}},
		{"DeleteBucketPolicy", &s3.BucketInput{Bucket: "bkt"}, []check{{"s3:DeleteBucketPolicy", bkt, nil, true}}},
		{"GetBucketLocation", &s3.GetBucketLocationInput{Bucket: "bkt"}, []check{{"s3:GetBucketLocation", bkt, nil, true}}},
		{"GetBucketCors", &s3.BucketInput{Bucket: "bkt"}, []check{{"s3:GetBucketCORS", bkt, nil, true}}},
		{"GetBucketEncryption", &s3.BucketInput{Bucket: "bkt"}, []check{{"s3:GetEncryptionConfiguration", bkt, nil, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			name, _, _ := strings.Cut(tt.op, " ")
			e, ok := reg.Lookup("s3", name)
			if !ok {
				t.Fatalf("%s is not registered", name)
			}
			checks, err := e.Authorize(context.Background(), call(acct), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []check
			for _, ch := range checks {
				if ch.ResourcePolicy != "" && ch.ResourceOwner != acct {
					t.Errorf("resource owner %q", ch.ResourceOwner)
				}
				got = append(got, check{ch.Action, ch.Resource, ch.Context, ch.ResourcePolicy == bucketPolicy})
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBucketNamesAreGlobal: a bucket name taken by one account is
// BucketAlreadyExists for another
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html),
// and its objects are authorized with the owner as the resource account.
func TestBucketNamesAreGlobal(t *testing.T) {
	t.Parallel()
	svc, reg := fixture(t)
	other := model.AccountID("210987654321")
	_, err := svc.CreateBucket(context.Background(), call(other), &s3.CreateBucketInput{Bucket: "bkt"})
	if !errors.Is(err, &s3.Error{Code: s3.CodeBucketAlreadyExists}) {
		t.Fatalf("CreateBucket by another account: %v", err)
	}
	e, _ := reg.Lookup("s3", "GetObject")
	checks, err := e.Authorize(context.Background(), call(other), &s3.GetObjectInput{Bucket: "bkt", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if checks[0].ResourceOwner != acct {
		t.Errorf("resource owner %q, want %q", checks[0].ResourceOwner, acct)
	}
	// In us-east-1 the owner's second CreateBucket succeeds.
	if _, err := svc.CreateBucket(context.Background(), call(acct), &s3.CreateBucketInput{Bucket: "bkt"}); err != nil {
		t.Errorf("second CreateBucket in us-east-1: %v", err)
	}
}
