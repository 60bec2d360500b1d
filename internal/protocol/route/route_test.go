package route_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/route"
)

func sign(r *http.Request, service string) {
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/"+service+
		"/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
}

func TestIdentify(t *testing.T) {
	t.Parallel()
	rt := route.New(route.Options{})
	type req struct {
		method, target, body, scope, host, ctype string
		headers                                  map[string]string
	}
	tests := []struct {
		name       string
		req        req
		wantSvc    string
		wantOp     string
		wantBucket string
		wantKey    string
		wantErr    string
	}{
		{name: "iam by scope", req: req{method: "POST", target: "/", body: "Action=CreateRole&Version=2010-05-08", scope: "iam"}, wantSvc: "iam", wantOp: "CreateRole"},
		{name: "sts by scope", req: req{method: "POST", target: "/", body: "Action=AssumeRole&Version=2011-06-15", scope: "sts"}, wantSvc: "sts", wantOp: "AssumeRole"},
		{name: "sts GetCallerIdentity in URL", req: req{method: "GET", target: "/?Action=GetCallerIdentity&Version=2011-06-15", scope: "sts"}, wantSvc: "sts", wantOp: "GetCallerIdentity"},
		{name: "iam action sent to sts", req: req{method: "POST", target: "/", body: "Action=CreateRole&Version=2011-06-15", scope: "sts"}, wantSvc: "sts", wantErr: "InvalidAction: Could not find operation CreateRole for version 2011-06-15"},
		{name: "unknown iam action", req: req{method: "POST", target: "/", body: "Action=Frob&Version=2010-05-08", scope: "iam"}, wantSvc: "iam", wantErr: "InvalidAction: Could not find operation Frob for version 2010-05-08"},
		{name: "unsigned query picks the service with the action", req: req{method: "POST", target: "/", body: "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"}, wantSvc: "sts", wantOp: "AssumeRoleWithWebIdentity"},
		{name: "missing action", req: req{method: "POST", target: "/", body: "Version=2010-05-08", scope: "iam"}, wantSvc: "iam", wantErr: "MissingAction: Missing Action"},
		{name: "sagemaker", req: req{method: "POST", target: "/", body: "{}", scope: "sagemaker", headers: map[string]string{"X-Amz-Target": "SageMaker.CreateNotebookInstance"}, ctype: "application/x-amz-json-1.1"}, wantSvc: "sagemaker", wantOp: "CreateNotebookInstance"},
		{name: "secretsmanager", req: req{method: "POST", target: "/", body: "{}", scope: "secretsmanager", headers: map[string]string{"X-Amz-Target": "secretsmanager.GetSecretValue"}}, wantSvc: "secretsmanager", wantOp: "GetSecretValue"},
		{name: "emr", req: req{method: "POST", target: "/", body: "{}", scope: "elasticmapreduce", headers: map[string]string{"X-Amz-Target": "ElasticMapReduce.ListClusters"}}, wantSvc: "emr", wantOp: "ListClusters"},
		{name: "cloudtrail long prefix", req: req{method: "POST", target: "/", body: "{}", scope: "cloudtrail", headers: map[string]string{"X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"}}, wantSvc: "cloudtrail", wantOp: "LookupEvents"},
		{name: "fsx", req: req{method: "POST", target: "/", body: "{}", scope: "fsx", headers: map[string]string{"X-Amz-Target": "AWSSimbaAPIService_v20180301.DescribeFileSystems"}}, wantSvc: "fsx", wantOp: "DescribeFileSystems"},
		{name: "unknown json op", req: req{method: "POST", target: "/", body: "{}", scope: "sagemaker", headers: map[string]string{"X-Amz-Target": "SageMaker.Frob"}}, wantSvc: "sagemaker", wantErr: "UnknownOperationException: The action or operation requested is invalid. Verify that the action is typed correctly."},
		{name: "json target of another service", req: req{method: "POST", target: "/", body: "{}", scope: "sagemaker", headers: map[string]string{"X-Amz-Target": "secretsmanager.GetSecretValue"}}, wantSvc: "sagemaker", wantErr: "UnknownOperationException: The action or operation requested is invalid. Verify that the action is typed correctly."},
		{name: "json without target", req: req{method: "POST", target: "/", body: "{}", scope: "secretsmanager", ctype: "application/x-amz-json-1.1"}, wantSvc: "secretsmanager", wantErr: "UnknownOperationException: Missing X-Amz-Target header."},
		{name: "efs rest-json", req: req{method: "POST", target: "/2015-02-01/file-systems", scope: "elasticfilesystem"}, wantSvc: "efs", wantOp: "CreateFileSystem"},
		{name: "efs label", req: req{method: "DELETE", target: "/2015-02-01/file-systems/fs-123", scope: "elasticfilesystem"}, wantSvc: "efs", wantOp: "DeleteFileSystem"},
		{name: "s3 list buckets", req: req{method: "GET", target: "/", scope: "s3"}, wantSvc: "s3", wantOp: "ListBuckets"},
		{name: "s3 unsigned list buckets", req: req{method: "GET", target: "/"}, wantSvc: "s3", wantOp: "ListBuckets"},
		{name: "s3 create bucket", req: req{method: "PUT", target: "/b", scope: "s3"}, wantSvc: "s3", wantOp: "CreateBucket", wantBucket: "b"},
		{name: "s3 list objects", req: req{method: "GET", target: "/b/", scope: "s3"}, wantSvc: "s3", wantOp: "ListObjects", wantBucket: "b"},
		{name: "s3 list objects v2", req: req{method: "GET", target: "/b?list-type=2&prefix=a", scope: "s3"}, wantSvc: "s3", wantOp: "ListObjectsV2", wantBucket: "b"},
		{name: "s3 bucket policy", req: req{method: "PUT", target: "/b?policy", scope: "s3"}, wantSvc: "s3", wantOp: "PutBucketPolicy", wantBucket: "b"},
		{name: "s3 bucket tagging", req: req{method: "GET", target: "/b?tagging", scope: "s3"}, wantSvc: "s3", wantOp: "GetBucketTagging", wantBucket: "b"},
		{name: "s3 lifecycle prefers the current operation", req: req{method: "GET", target: "/b?lifecycle", scope: "s3"}, wantSvc: "s3", wantOp: "GetBucketLifecycleConfiguration", wantBucket: "b"},
		{name: "s3 delete objects", req: req{method: "POST", target: "/b?delete", scope: "s3"}, wantSvc: "s3", wantOp: "DeleteObjects", wantBucket: "b"},
		{name: "s3 put object", req: req{method: "PUT", target: "/b/my_domain/users/alice/x.txt", scope: "s3"}, wantSvc: "s3", wantOp: "PutObject", wantBucket: "b", wantKey: "my_domain/users/alice/x.txt"},
		{name: "s3 copy object", req: req{method: "PUT", target: "/b/k", scope: "s3", headers: map[string]string{"x-amz-copy-source": "/a/b"}}, wantSvc: "s3", wantOp: "CopyObject", wantBucket: "b", wantKey: "k"},
		{name: "s3 upload part", req: req{method: "PUT", target: "/b/k?partNumber=1&uploadId=u", scope: "s3"}, wantSvc: "s3", wantOp: "UploadPart", wantBucket: "b", wantKey: "k"},
		{name: "s3 upload part copy", req: req{method: "PUT", target: "/b/k?partNumber=1&uploadId=u", scope: "s3", headers: map[string]string{"x-amz-copy-source": "/a/b"}}, wantSvc: "s3", wantOp: "UploadPartCopy", wantBucket: "b", wantKey: "k"},
		{name: "s3 create multipart", req: req{method: "POST", target: "/b/k?uploads", scope: "s3"}, wantSvc: "s3", wantOp: "CreateMultipartUpload", wantBucket: "b", wantKey: "k"},
		{name: "s3 complete multipart", req: req{method: "POST", target: "/b/k?uploadId=u", scope: "s3"}, wantSvc: "s3", wantOp: "CompleteMultipartUpload", wantBucket: "b", wantKey: "k"},
		{name: "s3 list parts", req: req{method: "GET", target: "/b/k?uploadId=u", scope: "s3"}, wantSvc: "s3", wantOp: "ListParts", wantBucket: "b", wantKey: "k"},
		{name: "s3 abort multipart", req: req{method: "DELETE", target: "/b/k?uploadId=u", scope: "s3"}, wantSvc: "s3", wantOp: "AbortMultipartUpload", wantBucket: "b", wantKey: "k"},
		{name: "s3 list multipart uploads", req: req{method: "GET", target: "/b?uploads", scope: "s3"}, wantSvc: "s3", wantOp: "ListMultipartUploads", wantBucket: "b"},
		{name: "s3 object tagging", req: req{method: "PUT", target: "/b/k?tagging", scope: "s3"}, wantSvc: "s3", wantOp: "PutObjectTagging", wantBucket: "b", wantKey: "k"},
		{name: "s3 head object", req: req{method: "HEAD", target: "/b/k", scope: "s3"}, wantSvc: "s3", wantOp: "HeadObject", wantBucket: "b", wantKey: "k"},
		{name: "s3 delete object", req: req{method: "DELETE", target: "/b/k", scope: "s3"}, wantSvc: "s3", wantOp: "DeleteObject", wantBucket: "b", wantKey: "k"},
		{name: "s3 escaped key", req: req{method: "GET", target: "/b/a%20b/c%2Bd+e%2Ff", scope: "s3"}, wantSvc: "s3", wantOp: "GetObject", wantBucket: "b", wantKey: "a b/c+d+e/f"},
		{name: "s3 key with slashes", req: req{method: "GET", target: "/b//a//", scope: "s3"}, wantSvc: "s3", wantOp: "GetObject", wantBucket: "b", wantKey: "/a//"},
		{name: "s3 virtual hosted", req: req{method: "GET", target: "/dir/k.txt", scope: "s3", host: "my.bucket.localhost:4599"}, wantSvc: "s3", wantOp: "GetObject", wantBucket: "my.bucket", wantKey: "dir/k.txt"},
		{name: "s3 virtual hosted bucket", req: req{method: "GET", target: "/?list-type=2", scope: "s3", host: "bkt.localhost"}, wantSvc: "s3", wantOp: "ListObjectsV2", wantBucket: "bkt"},
		{name: "s3 presigned", req: req{method: "GET", target: "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=x"}, wantSvc: "s3", wantOp: "GetObject", wantBucket: "b", wantKey: "k"},
		{name: "s3 method not allowed", req: req{method: "PATCH", target: "/b/k", scope: "s3"}, wantSvc: "s3", wantBucket: "b", wantKey: "k", wantErr: "MethodNotAllowed: The specified method is not allowed against this resource."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tt.req.method, tt.req.target, strings.NewReader(tt.req.body))
			if tt.req.host != "" {
				r.Host = tt.req.host
			}
			if tt.req.scope != "" {
				sign(r, tt.req.scope)
			}
			switch {
			case tt.req.ctype != "":
				r.Header.Set("Content-Type", tt.req.ctype)
			case strings.HasPrefix(tt.req.body, "Action") || strings.HasPrefix(tt.req.body, "Version"):
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			}
			for k, v := range tt.req.headers {
				r.Header.Set(k, v)
			}
			got, err := rt.Identify(r, []byte(tt.req.body))
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("error = %q, want %q", gotErr, tt.wantErr)
			}
			svc, op := "", ""
			if got.Service != nil {
				svc = got.Service.Name
			}
			if got.Operation != nil {
				op = got.Operation.Name
			}
			if svc != tt.wantSvc || op != tt.wantOp || got.Bucket != tt.wantBucket || got.Key != tt.wantKey {
				t.Errorf("Identify = (%q, %q, bucket %q, key %q), want (%q, %q, %q, %q)", svc, op, got.Bucket, got.Key, tt.wantSvc, tt.wantOp, tt.wantBucket, tt.wantKey)
			}
		})
	}
}

func TestEFSLabels(t *testing.T) {
	t.Parallel()
	rt := route.New(route.Options{})
	r := httptest.NewRequest("GET", "/2015-02-01/file-systems/fs-1/policy", nil)
	sign(r, "elasticfilesystem")
	got, err := rt.Identify(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Operation.Name != "DescribeFileSystemPolicy" || got.Labels["FileSystemId"] != "fs-1" {
		t.Errorf("got %s %v", got.Operation.Name, got.Labels)
	}
}

func TestS3Operation(t *testing.T) {
	t.Parallel()
	rt := route.New(route.Options{S3Domains: []string{"s3.example.test"}})
	r := httptest.NewRequest("GET", "/k?tagging", nil)
	r.Host = "data.s3.example.test"
	op, bucket, key := rt.S3Operation(r)
	if op != "GetObjectTagging" || bucket != "data" || key != "k" {
		t.Errorf("S3Operation = %q %q %q", op, bucket, key)
	}
}

func TestScopeService(t *testing.T) {
	t.Parallel()
	tests := []struct{ auth, query, want string }{
		{auth: "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x", want: "sts"},
		{auth: "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/sts, SignedHeaders=host", want: ""},
		{auth: "Bearer x", want: ""},
		{query: "X-Amz-Credential=AK%2F20240101%2Fus-east-1%2Fs3%2Faws4_request", want: "s3"},
		{want: ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/?"+tt.query, nil)
		if tt.auth != "" {
			r.Header.Set("Authorization", tt.auth)
		}
		if got := route.ScopeService(r); got != tt.want {
			t.Errorf("ScopeService(%q, %q) = %q, want %q", tt.auth, tt.query, got, tt.want)
		}
	}
}

func TestWriteError(t *testing.T) {
	t.Parallel()
	rt := route.New(route.Options{})
	tests := []struct {
		name, scope, target, method string
		wantCT, wantBody            string
	}{
		{"query", "sts", "", "POST", "text/xml", "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"},
		{"json 1.1", "secretsmanager", "secretsmanager.GetSecretValue", "POST", "application/x-amz-json-1.1", `{"__type":"InternalFailure"`},
		{"rest-json", "elasticfilesystem", "", "GET", "application/json", `{"__type":"InternalFailure"`},
		{"s3", "s3", "", "GET", "application/xml", "<Error><Code>InternalError</Code>"},
		{"s3 head", "s3", "", "HEAD", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tt.method, "/2015-02-01/file-systems", nil)
			sign(r, tt.scope)
			if tt.target != "" {
				r.Header.Set("X-Amz-Target", tt.target)
			}
			got, _ := rt.Identify(r, nil)
			rec := httptest.NewRecorder()
			route.WriteError(rec, r, got.Service, "rid", apierrInternal())
			if rec.Code != 500 || rec.Header().Get("Content-Type") != tt.wantCT || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("WriteError: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		})
	}
}

func apierrInternal() *apierr.Error { return apierr.Internal(nil) }

func TestWantsBody(t *testing.T) {
	t.Parallel()
	rt := route.New(route.Options{})
	tests := []struct {
		name, scope, target, ctype, url string
		want                            bool
	}{
		{name: "iam", scope: "iam", want: true},
		{name: "sts", scope: "sts", want: true},
		{name: "s3 put object", scope: "s3", ctype: "application/x-www-form-urlencoded", want: false},
		{name: "json", scope: "sagemaker", target: "SageMaker.ListDomains", want: false},
		{name: "efs", scope: "elasticfilesystem", want: false},
		{name: "unsigned form post", ctype: "application/x-www-form-urlencoded", url: "/", want: true},
		{name: "unsigned form post to an object", ctype: "application/x-www-form-urlencoded", want: false},
		{name: "unsigned action in url", url: "/?Action=GetCallerIdentity", want: true},
		{name: "unsigned json", target: "secretsmanager.ListSecrets", want: false},
		{name: "unsigned get", want: false},
	}
	for _, tt := range tests {
		u := tt.url
		if u == "" {
			u = "/b/k"
		}
		method := "POST"
		if tt.name == "unsigned get" {
			method = "GET"
		}
		r := httptest.NewRequest(method, u, nil)
		if tt.scope != "" {
			sign(r, tt.scope)
		}
		if tt.target != "" {
			r.Header.Set("X-Amz-Target", tt.target)
		}
		if tt.ctype != "" {
			r.Header.Set("Content-Type", tt.ctype)
		}
		if got := rt.WantsBody(r); got != tt.want {
			t.Errorf("%s: WantsBody = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestEveryOperationRoutes builds, for every operation in the generated
// table, the request an SDK would send and checks that Identify finds that
// operation again. REST operations get their path template filled in, their
// query markers and their required query parameters and headers.
func TestEveryOperationRoutes(t *testing.T) {
	t.Parallel()
	rt := route.New(route.Options{})
	// Operations that share a binding with another one; the router picks
	// the other, as documented in identifyREST.
	shadowed := map[string]string{
		"s3.ListDirectoryBuckets":  "ListBuckets",
		"s3.GetBucketLifecycle":    "GetBucketLifecycleConfiguration",
		"s3.PutBucketLifecycle":    "PutBucketLifecycleConfiguration",
		"s3.GetBucketNotification": "GetBucketNotificationConfiguration",
		"s3.PutBucketNotification": "PutBucketNotificationConfiguration",
	}
	for _, svc := range protocol.Services() {
		for _, op := range svc.Operations {
			var r *http.Request
			var body string
			switch svc.Protocol {
			case protocol.JSON:
				r = httptest.NewRequest("POST", "/", nil)
				r.Header.Set("X-Amz-Target", svc.TargetPrefix+"."+op.Name)
			case protocol.Query:
				body = "Action=" + op.Name + "&Version=" + svc.APIVersion
				r = httptest.NewRequest("POST", "/", strings.NewReader(body))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			default:
				path, markers, _ := strings.Cut(op.RequestURI, "?")
				path = strings.NewReplacer("{Bucket}", "bkt", "{Key+}", "dir/key").Replace(path)
				for strings.Contains(path, "{") {
					i := strings.Index(path, "{")
					j := strings.Index(path, "}")
					path = path[:i] + "id-1" + path[j+1:]
				}
				var q []string
				if markers != "" {
					q = append(q, markers)
				}
				for _, p := range op.RequiredQuery {
					q = append(q, p+"=1")
				}
				target := path
				if len(q) > 0 {
					target += "?" + strings.Join(q, "&")
				}
				r = httptest.NewRequest(op.Method, target, nil)
				for _, h := range op.RequiredHeaders {
					r.Header.Set(h, "x")
				}
			}
			sign(r, svc.SigningName)
			got, err := rt.Identify(r, []byte(body))
			name := svc.Name + "." + op.Name
			want := op.Name
			if s, ok := shadowed[name]; ok {
				want = s
			}
			if err != nil || got.Operation == nil || got.Service != svc || got.Operation.Name != want {
				gotName := ""
				if got.Operation != nil {
					gotName = got.Operation.Name
				}
				t.Errorf("%s (%s %s): identified as %q, %v; want %s", name, r.Method, r.URL, gotName, err, want)
			}
		}
	}
}

func TestCloudTrailShortTarget(t *testing.T) {
	t.Parallel()
	rt := route.New(route.Options{})
	r := httptest.NewRequest("POST", "/", nil)
	sign(r, "cloudtrail")
	r.Header.Set("X-Amz-Target", "CloudTrail_20131101.LookupEvents")
	got, err := rt.Identify(r, nil)
	if err != nil || got.Operation == nil || got.Operation.Name != "LookupEvents" {
		t.Errorf("short CloudTrail target: %+v, %v", got, err)
	}
}

func TestUnsignedFormPostToABucketIsS3(t *testing.T) {
	t.Parallel()
	rt := route.New(route.Options{})
	r := httptest.NewRequest("POST", "/bkt?delete", strings.NewReader("<Delete/>"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got, err := rt.Identify(r, []byte("<Delete/>"))
	if err != nil || got.Service.Name != "s3" || got.Operation.Name != "DeleteObjects" {
		t.Errorf("Identify = %+v, %v", got, err)
	}
}
