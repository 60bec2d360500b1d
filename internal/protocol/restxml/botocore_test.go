package restxml_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol/botocoretest"
	"abacus/internal/protocol/restxml"
	"abacus/internal/protocol/route"
)

// TestBotocore routes and decodes requests serialized by botocore's
// REST-XML serializer (what boto3 and the AWS CLI send) and parses our
// responses and errors with botocore's REST-XML parser.
func TestBotocore(t *testing.T) {
	t.Parallel()
	list, _ := restxml.Marshal("ListBucketResult", &ListObjectsV2Output{Name: "b", Prefix: "p/", MaxKeys: 1000, KeyCount: 1,
		Contents: []Object{{Key: "p/a&b.txt", LastModified: time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC), ETag: `"e"`, Size: 3, StorageClass: "STANDARD"}}})
	noKey := restxml.ErrorBody("rid", "hid", apierr.New(404, "NoSuchKey", "The specified key does not exist.").With("Key", "k"))
	res := botocoretest.Run(t, []botocoretest.Job{
		{Mode: "serialize", Service: "s3", Operation: "DeleteObjects", Params: map[string]any{"Bucket": "b", "Delete": map[string]any{
			"Objects": []any{map[string]any{"Key": "a b"}, map[string]any{"Key": "c", "VersionId": "v"}}, "Quiet": true}}},
		{Mode: "serialize", Service: "s3", Operation: "PutObjectTagging", Params: map[string]any{"Bucket": "b", "Key": "dir/x y+z.txt",
			"Tagging": map[string]any{"TagSet": []any{map[string]any{"Key": "owner", "Value": "alice"}}}}},
		{Mode: "parse", Service: "s3", Operation: "ListObjectsV2", Status: 200, Body: string(list)},
		{Mode: "parse", Service: "s3", Operation: "GetObject", Status: 404, Body: string(noKey)},
	})
	for i, r := range res {
		if r.Error != "" {
			t.Fatalf("job %d: botocore: %s", i, r.Error)
		}
	}
	rt := route.New(route.Options{})
	request := func(r botocoretest.Result) *http.Request {
		t.Helper()
		target := r.Path
		var q []string
		for k, v := range r.Query {
			if s, ok := v.(string); ok && s != "" {
				q = append(q, k+"="+s)
			} else {
				q = append(q, k)
			}
		}
		if len(q) > 0 {
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			target += sep + strings.Join(q, "&")
		}
		req := httptest.NewRequest(r.Method, target, strings.NewReader(r.Body))
		for k, v := range r.Headers {
			req.Header.Set(k, v)
		}
		sign(req)
		return req
	}

	req := request(res[0])
	route0, aerr := rt.Identify(req, []byte(res[0].Body))
	if aerr != nil || route0.Operation.Name != "DeleteObjects" {
		t.Fatalf("Identify(%s %s) = %v, %v", req.Method, req.URL, route0.Operation, aerr)
	}
	var del DeleteObjectsInput
	if err := restxml.DecodeRequest(req, []byte(res[0].Body), route0.Labels, &del); err != nil {
		t.Fatalf("DecodeRequest(%s): %v", res[0].Body, err)
	}
	if diff := cmp.Diff(DeleteObjectsInput{Bucket: "b", Delete: &Delete{Objects: []ObjectIdentifier{{Key: "a b"}, {Key: "c", VersionId: ptr("v")}}, Quiet: ptr(true)}}, del); diff != "" {
		t.Errorf("DeleteObjects from botocore (-want +got):\n%s", diff)
	}

	req = request(res[1])
	route1, aerr := rt.Identify(req, []byte(res[1].Body))
	if aerr != nil || route1.Operation.Name != "PutObjectTagging" || route1.Key != "dir/x y+z.txt" {
		t.Fatalf("Identify(%s %s) = %+v, %v", req.Method, req.URL, route1, aerr)
	}
	var tag PutObjectTaggingInput
	if err := restxml.DecodeRequest(req, []byte(res[1].Body), route1.Labels, &tag); err != nil {
		t.Fatalf("DecodeRequest(%s): %v", res[1].Body, err)
	}
	if diff := cmp.Diff(PutObjectTaggingInput{Bucket: "b", Key: "dir/x y+z.txt", Tagging: &Tagging{TagSet: []Tag{{"owner", "alice"}}}}, tag); diff != "" {
		t.Errorf("PutObjectTagging from botocore (-want +got):\n%s", diff)
	}

	got := res[2].Parsed
	delete(got, "ResponseMetadata")
	want := map[string]any{"Name": "b", "Prefix": "p/", "MaxKeys": float64(1000), "KeyCount": float64(1), "IsTruncated": false,
		"Contents": []any{map[string]any{"Key": "p/a&b.txt", "LastModified": "2024-01-01T12:00:00.000000Z", "ETag": `"e"`, "Size": float64(3), "StorageClass": "STANDARD"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListObjectsV2 as botocore parses it (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"Code": "NoSuchKey", "Message": "The specified key does not exist.", "Key": "k"}, res[3].Parsed["Error"]); diff != "" {
		t.Errorf("S3 error as botocore parses it (-want +got):\n%s", diff)
	}
}

func sign(r *http.Request) {
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc")
}
