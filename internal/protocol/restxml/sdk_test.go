package restxml_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/restxml"
	"abacus/internal/protocol/route"
	"abacus/internal/protocol/shapecheck"
)

type ListObjectsV2Input struct {
	Bucket            string  `aws:",uri=Bucket"`
	Prefix            *string `aws:",querystring=prefix"`
	Delimiter         *string `aws:",querystring=delimiter"`
	MaxKeys           *int32  `aws:",querystring=max-keys"`
	ContinuationToken *string `aws:",querystring=continuation-token"`
}

type GetObjectInput struct {
	Bucket string  `aws:",uri=Bucket"`
	Key    string  `aws:",uri=Key"`
	Range  *string `aws:",header=Range"`
}

// s3Server routes with route.Router and answers through restxml.
type s3Server struct {
	rt  *route.Router
	mu  sync.Mutex
	got map[string]any
}

func (s *s3Server) record(op string, in any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got[op] = in
}

func (s *s3Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, aerr := protocol.ReadBody(r, 1<<20)
	if aerr != nil {
		restxml.WriteError(w, r.Method, "R", "H", aerr)
		return
	}
	rt, aerr := s.rt.Identify(r, body)
	if aerr != nil {
		restxml.WriteError(w, r.Method, "R", "H", aerr)
		return
	}
	lm := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	fail := func(e *apierr.Error) { restxml.WriteError(w, r.Method, "R-err", "H-err", e) }
	switch rt.Operation.Name {
	case "PutObjectTagging":
		var in PutObjectTaggingInput
		if e := restxml.DecodeRequest(r, body, rt.Labels, &in); e != nil {
			fail(e)
			return
		}
		s.record("PutObjectTagging", &in)
		w.Header().Set("x-amz-version-id", "v1")
		_ = restxml.WriteResponse(w, "R", "H", "", nil)
	case "DeleteObjects":
		var in DeleteObjectsInput
		if e := restxml.DecodeRequest(r, body, rt.Labels, &in); e != nil {
			fail(e)
			return
		}
		s.record("DeleteObjects", &in)
		out := DeleteObjectsOutput{Deleted: []DeletedObject{}}
		for _, o := range in.Delete.Objects {
			if o.Key == "locked" {
				out.Errors = append(out.Errors, DeleteError{Key: ptr(o.Key), Code: ptr("AccessDenied"), Message: ptr("Access Denied")})
				continue
			}
			out.Deleted = append(out.Deleted, DeletedObject{Key: ptr(o.Key)})
		}
		_ = restxml.WriteResponse(w, "R", "H", "DeleteResult", &out)
	case "ListObjectsV2":
		var in ListObjectsV2Input
		if e := restxml.DecodeRequest(r, body, rt.Labels, &in); e != nil {
			fail(e)
			return
		}
		s.record("ListObjectsV2", &in)
		_ = restxml.WriteResponse(w, "R", "H", "ListBucketResult", &ListObjectsV2Output{
			Name: in.Bucket, Prefix: aws.ToString(in.Prefix), Delimiter: in.Delimiter, MaxKeys: aws.ToInt32(in.MaxKeys), KeyCount: 1,
			IsTruncated: true, NextContinuationToken: ptr("tok"),
			Contents:       []Object{{Key: "p/a b+c.txt", LastModified: lm, ETag: `"abc"`, Size: 42, StorageClass: "STANDARD"}},
			CommonPrefixes: []CommonPrefix{{Prefix: "p/alice/"}},
		})
	case "GetObject", "HeadObject":
		var in GetObjectInput
		if e := restxml.DecodeRequest(r, body, rt.Labels, &in); e != nil {
			fail(e)
			return
		}
		s.record(rt.Operation.Name, &in)
		if in.Key != "my_domain/users/alice/x y+z.txt" {
			fail(apierr.New(404, "NoSuchKey", "The specified key does not exist.").With("Key", in.Key))
			return
		}
		out := &GetObjectOutput{Body: []byte("hello"), ContentType: ptr("text/plain"), LastModified: &lm, ETag: ptr(`"e"`),
			Metadata: map[string]string{"owner": "alice"}, TagCount: ptr(int32(3))}
		if r.Method == http.MethodHead {
			out.Body = nil
		}
		_ = restxml.WriteResponse(w, "R", "H", "", out)
	default:
		fail(apierr.New(501, "NotImplemented", "A header you provided implies functionality that is not implemented"))
	}
}

func TestS3ClientRoundTrip(t *testing.T) {
	t.Parallel()
	ss := &s3Server{rt: route.New(route.Options{}), got: map[string]any{}}
	srv := httptest.NewServer(ss)
	defer srv.Close()
	client := s3.NewFromConfig(aws.Config{
		Region:                     "us-east-1",
		BaseEndpoint:               aws.String(srv.URL),
		Credentials:                credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "SECRET", ""),
		Retryer:                    func() aws.Retryer { return aws.NopRetryer{} },
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}, func(o *s3.Options) { o.UsePathStyle = true })
	ctx := context.Background()
	key := "my_domain/users/alice/x y+z.txt"

	if _, err := client.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{
		Bucket: aws.String("my-bucket"), Key: aws.String(key), VersionId: aws.String("v0"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("owner"), Value: aws.String("alice & <bob>")}}},
	}); err != nil {
		t.Fatalf("PutObjectTagging: %v", err)
	}
	wantTag := &PutObjectTaggingInput{Bucket: "my-bucket", Key: key, VersionId: ptr("v0"), Tagging: &Tagging{TagSet: []Tag{{"owner", "alice & <bob>"}}}}
	if diff := cmp.Diff(wantTag, ss.got["PutObjectTagging"]); diff != "" {
		t.Errorf("decoded PutObjectTagging (-want +got):\n%s", diff)
	}

	del, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("my-bucket"), Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("a")}, {Key: aws.String("locked"), VersionId: aws.String("v2")}}, Quiet: aws.Bool(false)}})
	if err != nil {
		t.Fatalf("DeleteObjects: %v", err)
	}
	wantDel := &DeleteObjectsInput{Bucket: "my-bucket", Delete: &Delete{Objects: []ObjectIdentifier{{Key: "a"}, {Key: "locked", VersionId: ptr("v2")}}, Quiet: ptr(false)}}
	if diff := cmp.Diff(wantDel, ss.got["DeleteObjects"]); diff != "" {
		t.Errorf("decoded DeleteObjects (-want +got):\n%s", diff)
	}
	if len(del.Deleted) != 1 || aws.ToString(del.Deleted[0].Key) != "a" || len(del.Errors) != 1 || aws.ToString(del.Errors[0].Code) != "AccessDenied" {
		t.Errorf("SDK read DeleteObjects = %+v", del)
	}

	lo, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("my-bucket"), Prefix: aws.String("p/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(10)})
	if err != nil {
		t.Fatalf("ListObjectsV2: %v", err)
	}
	if diff := cmp.Diff(&ListObjectsV2Input{Bucket: "my-bucket", Prefix: ptr("p/"), Delimiter: ptr("/"), MaxKeys: ptr(int32(10))}, ss.got["ListObjectsV2"]); diff != "" {
		t.Errorf("decoded ListObjectsV2 (-want +got):\n%s", diff)
	}
	if len(lo.Contents) != 1 || aws.ToString(lo.Contents[0].Key) != "p/a b+c.txt" || aws.ToInt64(lo.Contents[0].Size) != 42 ||
		!aws.ToTime(lo.Contents[0].LastModified).Equal(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)) || aws.ToString(lo.Contents[0].ETag) != `"abc"` ||
		len(lo.CommonPrefixes) != 1 || !aws.ToBool(lo.IsTruncated) || aws.ToString(lo.NextContinuationToken) != "tok" || aws.ToInt32(lo.KeyCount) != 1 {
		t.Errorf("SDK read ListObjectsV2 = %+v", lo)
	}

	g, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String(key), Range: aws.String("bytes=0-4")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	b, _ := io.ReadAll(g.Body)
	g.Body.Close()
	if string(b) != "hello" || g.Metadata["owner"] != "alice" || aws.ToInt32(g.TagCount) != 3 ||
		!aws.ToTime(g.LastModified).Equal(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)) || aws.ToString(g.ContentType) != "text/plain" {
		t.Errorf("SDK read GetObject = %q %+v", b, g)
	}
	if got := ss.got["GetObject"].(*GetObjectInput); got.Key != key || aws.ToString(got.Range) != "bytes=0-4" {
		t.Errorf("decoded GetObject = %+v", got)
	}

	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("nope")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) || nsk.ErrorMessage() != "The specified key does not exist." {
		t.Fatalf("GetObject(nope) error = %v, want NoSuchKey", err)
	}
	var re interface{ ServiceRequestID() string }
	if !errors.As(err, &re) || re.ServiceRequestID() != "R-err" {
		t.Errorf("request ID not read from the error: %v", err)
	}

	_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("nope")})
	var nf *s3types.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("HeadObject(nope) error = %v, want NotFound", err)
	}
	if !strings.Contains(err.Error(), "404") {
		t.Errorf("HeadObject error lacks the status: %v", err)
	}
}

// TestShapes checks this package's S3 types against botocore's model.
func TestShapes(t *testing.T) {
	t.Parallel()
	c := shapecheck.New(t)
	c.Check(t, "s3", "PutObjectTagging", &PutObjectTaggingInput{}, nil, shapecheck.Required())
	c.Check(t, "s3", "DeleteObjects", &DeleteObjectsInput{}, &DeleteObjectsOutput{})
	c.Check(t, "s3", "ListObjectsV2", &ListObjectsV2Input{}, &ListObjectsV2Output{})
	c.Check(t, "s3", "GetObject", &GetObjectInput{}, &GetObjectOutput{})
	c.Check(t, "s3", "CompleteMultipartUpload", nil, nil)
	if p := c.Problems("s3", "CompleteMultipartUpload", &struct {
		Bucket          string                    `aws:",uri=Bucket"`
		Key             string                    `aws:",uri=Key"`
		UploadId        string                    `aws:",querystring=uploadId"`
		MultipartUpload *CompletedMultipartUpload `aws:",payload"`
	}{}, nil); len(p) != 0 {
		t.Errorf("CompleteMultipartUpload: %v", p)
	}
}

// TestS3ClientVirtualHosted lets the SDK address buckets as
// BUCKET.localhost:PORT (its default addressing) and checks that routing
// reads the bucket from the host and the key from the whole path.
func TestS3ClientVirtualHosted(t *testing.T) {
	t.Parallel()
	ss := &s3Server{rt: route.New(route.Options{}), got: map[string]any{}}
	srv := httptest.NewServer(ss)
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	dialer := &net.Dialer{}
	httpClient := &http.Client{Transport: &http.Transport{
		// Every host name (my-bucket.localhost) reaches the test server.
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
	}}
	client := s3.NewFromConfig(aws.Config{
		Region:                     "us-east-1",
		BaseEndpoint:               aws.String("http://localhost:" + port),
		Credentials:                credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "SECRET", ""),
		Retryer:                    func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:                 httpClient,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	ctx := context.Background()
	key := "my_domain/users/alice/x y+z.txt"
	g, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	g.Body.Close()
	got := ss.got["GetObject"].(*GetObjectInput)
	if got.Bucket != "my-bucket" || got.Key != key {
		t.Errorf("virtual-hosted GetObject decoded as bucket %q key %q", got.Bucket, got.Key)
	}
	if _, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("my-bucket"), Prefix: aws.String("p/")}); err != nil {
		t.Fatalf("ListObjectsV2: %v", err)
	}
	if lo := ss.got["ListObjectsV2"].(*ListObjectsV2Input); lo.Bucket != "my-bucket" || aws.ToString(lo.Prefix) != "p/" {
		t.Errorf("virtual-hosted ListObjectsV2 decoded as %+v", lo)
	}
}
