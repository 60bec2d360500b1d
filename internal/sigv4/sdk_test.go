package sigv4_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"abacus/internal/sigv4"
)

// outcome is what the test server saw for one request.
type outcome struct {
	method, uri string
	res         *sigv4.Result
	body        []byte
	err         error
}

// verifyServer is an HTTP server that verifies every request it gets.
type verifyServer struct {
	*httptest.Server
	mu       sync.Mutex
	outcomes []outcome
}

// newVerifyServer starts a server verifying with the wall clock, as the SDK
// signs with it.
func newVerifyServer(t *testing.T, proto sigv4.Protocol) *verifyServer {
	t.Helper()
	v := sigv4.New(sigv4.Config{Lookup: testLookup(time.Now())})
	s := &verifyServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := outcome{method: r.Method, uri: r.RequestURI}
		o.res, o.err = v.Verify(r.Context(), r, sigv4.Options{Protocol: proto})
		if o.err == nil {
			o.body, o.err = io.ReadAll(o.res.Body)
		}
		s.mu.Lock()
		s.outcomes = append(s.outcomes, o)
		s.mu.Unlock()
		if o.err != nil {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(s.Close)
	return s
}

// take returns and clears the recorded outcomes.
func (s *verifyServer) take() []outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.outcomes
	s.outcomes = nil
	return o
}

// expectVerified checks that exactly one request arrived and verified.
func (s *verifyServer) expectVerified(t *testing.T, akid, service string) outcome {
	t.Helper()
	got := s.take()
	if len(got) != 1 {
		t.Fatalf("server saw %d requests, want 1", len(got))
	}
	o := got[0]
	if o.err != nil {
		t.Fatalf("%s %s: verify: %v", o.method, o.uri, o.err)
	}
	if o.res.AccessKeyID != akid || o.res.Service != service || o.res.Region != testRegion {
		t.Errorf("%s %s: result key/service/region = %s/%s/%s, want %s/%s/%s", o.method, o.uri,
			o.res.AccessKeyID, o.res.Service, o.res.Region, akid, service, testRegion)
	}
	return o
}

func staticCreds(akid, secret, token string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}, nil
	})
}

func awsConfig(srv *verifyServer, creds aws.CredentialsProvider) aws.Config {
	return aws.Config{
		Region:           testRegion,
		Credentials:      creds,
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1,
		BaseEndpoint:     aws.String(srv.URL),
	}
}

// trickyKeys are S3 object keys whose paths S3 signs without normalizing
// or double-encoding.
var trickyKeys = []string{
	"plain.txt",
	"with space.txt",
	"a+b=c&d.txt",
	"unicode/ünïcødé/日本語.txt",
	"double//slash",
	"trailing/",
	"tilde~key",
	"percent%25literal",
	"quote'and\"dq",
	"semi;colon,comma:colon@at",
	"star*paren(1)!$",
	"dots/./and/../x",
	"..",
	"hash#question?",
}

func TestSDKS3HeaderSigned(t *testing.T) {
	t.Parallel()
	srv := newVerifyServer(t, sigv4.ProtocolS3)
	for _, creds := range []struct {
		name              string
		akid, secret, tok string
	}{
		{"long-term", testAKID, testSecret, ""},
		{"session", tempAKID, tempSecret, tempToken},
	} {
		client := s3.NewFromConfig(awsConfig(srv, staticCreds(creds.akid, creds.secret, creds.tok)), func(o *s3.Options) {
			o.UsePathStyle = true
		})
		ctx := context.Background()
		for _, key := range trickyKeys {
			body := []byte("payload of " + key)
			_, _ = client.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String("bucket"), Key: aws.String(key), Body: bytes.NewReader(body),
				Metadata: map[string]string{"note": "  spaced   value  "},
			})
			o := srv.expectVerified(t, creds.akid, "s3")
			if !bytes.Equal(o.body, body) {
				t.Errorf("%s PutObject %q: body = %q, want %q", creds.name, key, o.body, body)
			}
			if o.res.Credential.Principal == nil {
				t.Errorf("%s PutObject %q: no principal in result", creds.name, key)
			}
			_, _ = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key), Range: aws.String("bytes=0-9")})
			srv.expectVerified(t, creds.akid, "s3")
			_, _ = client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
				Bucket: aws.String("bucket"), Prefix: aws.String(key), Delimiter: aws.String("/"),
				StartAfter: aws.String("a b+c"),
			})
			srv.expectVerified(t, creds.akid, "s3")
			_, _ = client.CopyObject(ctx, &s3.CopyObjectInput{
				Bucket: aws.String("bucket"), Key: aws.String(key + ".copy"), CopySource: aws.String("bucket/" + key),
			})
			srv.expectVerified(t, creds.akid, "s3")
		}
		_, _ = client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String("bucket"),
			Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("x y")}, {Key: aws.String("ü")}}},
		})
		o := srv.expectVerified(t, creds.akid, "s3")
		if !bytes.Contains(o.body, []byte("<Key>x y</Key>")) {
			t.Errorf("DeleteObjects body = %q", o.body)
		}
	}
}

func TestSDKS3Presigned(t *testing.T) {
	t.Parallel()
	srv := newVerifyServer(t, sigv4.ProtocolS3)
	for _, creds := range []struct{ akid, secret, tok string }{
		{testAKID, testSecret, ""},
		{tempAKID, tempSecret, tempToken},
	} {
		client := s3.NewFromConfig(awsConfig(srv, staticCreds(creds.akid, creds.secret, creds.tok)), func(o *s3.Options) {
			o.UsePathStyle = true
		})
		pc := s3.NewPresignClient(client, s3.WithPresignExpires(10*time.Minute))
		ctx := context.Background()
		for _, key := range trickyKeys {
			get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{
				Bucket: aws.String("bucket"), Key: aws.String(key),
				ResponseContentDisposition: aws.String(`attachment; filename="a b.txt"`),
			})
			if err != nil {
				t.Fatal(err)
			}
			sendPresigned(t, srv, get.Method, get.URL, get.SignedHeader, nil)
			o := srv.expectVerified(t, creds.akid, "s3")
			if !o.res.Presigned || o.res.Expires.IsZero() {
				t.Errorf("GET %q: Presigned=%v Expires=%v", key, o.res.Presigned, o.res.Expires)
			}
			put, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String("bucket"), Key: aws.String(key), ContentType: aws.String("text/plain"),
			})
			if err != nil {
				t.Fatal(err)
			}
			sendPresigned(t, srv, put.Method, put.URL, put.SignedHeader, []byte("presigned body"))
			if o := srv.expectVerified(t, creds.akid, "s3"); string(o.body) != "presigned body" {
				t.Errorf("PUT %q: body = %q", key, o.body)
			}
		}
	}
}

func sendPresigned(t *testing.T, srv *verifyServer, method, url string, h http.Header, body []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		if strings.EqualFold(k, "Host") {
			continue
		}
		req.Header[k] = vs
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestSDKQueryServices(t *testing.T) {
	t.Parallel()
	srv := newVerifyServer(t, sigv4.ProtocolQuery)
	ctx := context.Background()
	for _, creds := range []struct{ akid, secret, tok string }{
		{testAKID, testSecret, ""},
		{tempAKID, tempSecret, tempToken},
	} {
		cfg := awsConfig(srv, staticCreds(creds.akid, creds.secret, creds.tok))
		ic := iam.NewFromConfig(cfg)
		_, _ = ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/team a/ü/")})
		if o := srv.expectVerified(t, creds.akid, "iam"); !strings.Contains(string(o.body), "Action=CreateUser") {
			t.Errorf("CreateUser body = %q", o.body)
		}
		_, _ = ic.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/team a/")})
		srv.expectVerified(t, creds.akid, "iam")
		sc := sts.NewFromConfig(cfg)
		_, _ = sc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		srv.expectVerified(t, creds.akid, "sts")
		_, _ = sc.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:aws:iam::123456789012:role/ml"), RoleSessionName: aws.String("s+1=2"),
			SourceIdentity: aws.String("alice@example.com"),
		})
		srv.expectVerified(t, creds.akid, "sts")

		pc := sts.NewPresignClient(sc)
		pr, err := pc.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		sendPresigned(t, srv, pr.Method, pr.URL, pr.SignedHeader, nil)
		if o := srv.expectVerified(t, creds.akid, "sts"); !o.res.Presigned {
			t.Error("presigned GetCallerIdentity not reported as presigned")
		}
	}
}

// TestSDKJSONServices signs JSON-protocol requests (X-Amz-Target) with the
// SDK's signer, as the service clients of SageMaker, Secrets Manager, EMR
// and CloudTrail do.
func TestSDKJSONServices(t *testing.T) {
	t.Parallel()
	srv := newVerifyServer(t, sigv4.ProtocolJSON)
	tests := []struct{ service, target, body string }{
		{"sagemaker", "SageMaker.CreateNotebookInstance", `{"NotebookInstanceName":"nb-1","InstanceType":"ml.t3.medium"}`},
		{"sagemaker", "SageMaker.CreatePresignedNotebookInstanceUrl", `{"NotebookInstanceName":"nb 1"}`},
		{"secretsmanager", "secretsmanager.GetSecretValue", `{"SecretId":"db/password"}`},
		{"elasticmapreduce", "ElasticMapReduce.ListClusters", `{}`},
		{"cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", ``},
	}
	signer := v4.NewSigner()
	for _, tt := range tests {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", tt.target)
		req.Header.Add("X-Custom", "  a   b ")
		req.Header.Add("X-Custom", "c")
		sum := sha256Hex([]byte(tt.body))
		creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
		if err := signer.SignHTTP(context.Background(), creds, req, sum, tt.service, testRegion, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if o := srv.expectVerified(t, testAKID, tt.service); string(o.body) != tt.body {
			t.Errorf("%s: body = %q, want %q", tt.target, o.body, tt.body)
		}
	}
}

// TestSDKS3OverTLS uploads over TLS, where the SDK does not hash the
// payload (UNSIGNED-PAYLOAD) and streams a body of unknown length with
// Transfer-Encoding: chunked.
func TestSDKS3OverTLS(t *testing.T) {
	t.Parallel()
	srv := newTLSVerifyServer(t)
	cfg := aws.Config{Region: testRegion, Credentials: staticCreds(testAKID, testSecret, ""), HTTPClient: srv.Client(),
		RetryMaxAttempts: 1, BaseEndpoint: aws.String(srv.URL)}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	bodies := map[string]io.Reader{
		"seekable":   strings.NewReader("seekable body"),
		"unseekable": struct{ io.Reader }{strings.NewReader("unseekable body")},
	}
	for key, body := range bodies {
		_, _ = client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key), Body: body})
		o := srv.expectVerified(t, testAKID, "s3")
		if want := key + " body"; string(o.body) != want {
			t.Errorf("PUT %s: body = %q, want %q (payload %s)", key, o.body, want, o.res.PayloadHash)
		}
	}
}

// TestSDKS3VirtualHosted signs virtual-hosted-style requests, where the
// bucket is in the Host header and the path is only the key.
func TestSDKS3VirtualHosted(t *testing.T) {
	t.Parallel()
	srv := newVerifyServer(t, sigv4.ProtocolS3)
	addr := srv.Listener.Addr().String()
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr) // every bucket host is the test server
	}}
	cfg := awsConfig(srv, staticCreds(testAKID, testSecret, ""))
	cfg.HTTPClient = &http.Client{Transport: transport}
	cfg.BaseEndpoint = aws.String("http://s3.abacus.test")
	client := s3.NewFromConfig(cfg)
	for _, key := range []string{"a b/c+d.txt", "ünï/日本"} {
		_, _ = client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String(key), Body: strings.NewReader("x")})
		o := srv.expectVerified(t, testAKID, "s3")
		if strings.HasPrefix(o.uri, "/my-bucket") {
			t.Errorf("request %s is path-style, want virtual-hosted", o.uri)
		}
	}
}
