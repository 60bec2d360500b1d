package compat

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestS3PresignedURLs fetches and uploads through presigned URLs made by
// the SDK's presign client, without any SDK on the request.
func TestS3PresignedURLs(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	cl := s3Client(s.root())
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("presign")}); err != nil {
		t.Fatal(err)
	}
	ps := s3.NewPresignClient(cl)
	put, err := ps.PresignPutObject(c, &s3.PutObjectInput{Bucket: aws.String("presign"), Key: aws.String("up/file.bin")},
		s3.WithPresignExpires(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(c, put.Method, put.URL, strings.NewReader("uploaded via URL"))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range put.SignedHeader {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" {
		t.Fatalf("presigned PUT: %s", resp.Status)
	}
	get, err := ps.PresignGetObject(c, &s3.GetObjectInput{Bucket: aws.String("presign"), Key: aws.String("up/file.bin")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "uploaded via URL" || resp.Header.Get("x-amz-request-id") == "" || resp.Header.Get("x-amz-id-2") == "" {
		t.Fatalf("presigned GET: %s %q %v", resp.Status, b, resp.Header)
	}
	// A tampered signature is refused in S3's shape.
	resp, err = http.Get(strings.Replace(get.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "<Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("tampered URL: %s %s", resp.Status, b)
	}
}

// TestS3VirtualHostedStyle addresses BUCKET.localhost, resolved to the
// loopback server by the client's dialer.
func TestS3VirtualHostedStyle(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(s.Endpoint, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	var d net.Dialer
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, p, err := net.SplitHostPort(addr)
		if err == nil && (host == "localhost" || strings.HasSuffix(host, ".localhost")) {
			addr = net.JoinHostPort("127.0.0.1", p)
		}
		return d.DialContext(ctx, network, addr)
	}}}
	cfg := s.root()
	cfg.BaseEndpoint = aws.String("http://localhost:" + port)
	cfg.HTTPClient = hc
	var hosts []string
	var mu sync.Mutex
	cl := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = false
		o.APIOptions = append(o.APIOptions, func(st *middlewareStack) error { return recordHosts(st, &mu, &hosts) })
	})
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("vhost-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("vhost-bucket"), Key: aws.String("a/b.txt"), Body: strings.NewReader("virtual")}); err != nil {
		t.Fatal(err)
	}
	if got := getBody(t, c, cl, "vhost-bucket", "a/b.txt"); got != "virtual" {
		t.Errorf("GetObject = %q", got)
	}
	out, err := cl.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("vhost-bucket")})
	if err != nil || len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "a/b.txt" {
		t.Fatalf("ListObjectsV2 = %+v, %v", out, err)
	}
	// The same object is there path-style.
	if got := getBody(t, c, s3Client(s.root()), "vhost-bucket", "a/b.txt"); got != "virtual" {
		t.Errorf("path-style GetObject = %q", got)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, h := range hosts {
		if !strings.HasPrefix(h, "vhost-bucket.localhost:") {
			t.Errorf("request went to %s, not the virtual host", h)
		}
	}
	if len(hosts) == 0 {
		t.Error("no request recorded")
	}
}

// signedRequest returns a request signed with the root keys with the
// given payload hash.
func signedRequest(t testing.TB, method, u string, body io.Reader, payloadHash string, h http.Header) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds := aws.Credentials{AccessKeyID: rootKeyID, SecretAccessKey: rootSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payloadHash, "s3", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

// TestS3TrailingChecksum sends an aws-chunked body with its CRC32 in the
// trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER, which the SDKs use over
// TLS), correct and wrong.
func TestS3TrailingChecksum(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	cl := s3Client(s.root())
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("trailer")}); err != nil {
		t.Fatal(err)
	}
	data := "hello trailer"
	sum := crc32.ChecksumIEEE([]byte(data))
	good := base64.StdEncoding.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
	for _, tt := range []struct {
		key, crc string
		status   int
	}{{"good", good, 200}, {"bad", "AAAAAA==", 400}} {
		body := fmt.Sprintf("%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n", len(data), data, tt.crc)
		h := http.Header{}
		h.Set("Content-Encoding", "aws-chunked")
		h.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
		h.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
		req := signedRequest(t, "PUT", s.Endpoint+"/trailer/"+tt.key, strings.NewReader(body), "STREAMING-UNSIGNED-PAYLOAD-TRAILER", h)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %s %s", tt.key, resp.Status, b)
		}
		if tt.status == 400 && !strings.Contains(string(b), "<Code>BadDigest</Code>") {
			t.Errorf("%s: %s", tt.key, b)
		}
	}
	if got := getBody(t, c, cl, "trailer", "good"); got != data {
		t.Errorf("stored %q", got)
	}
	head, err := cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("trailer"), Key: aws.String("good"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil || aws.ToString(head.ChecksumCRC32) != good || head.ContentEncoding != nil {
		t.Errorf("HeadObject = crc %q encoding %q, %v", aws.ToString(head.ChecksumCRC32), aws.ToString(head.ContentEncoding), err)
	}
	if _, err := cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("trailer"), Key: aws.String("bad")}); httpStatus(err) != 404 {
		t.Errorf("object with a wrong trailer is visible: %v", err)
	}
}

// objectFiles lists the blob files under a data dir, temporary ones
// included.
func objectFiles(t *testing.T, dataDir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(filepath.Join(dataDir, "objects"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestS3InterruptedUpload: a client that closes its connection halfway
// through a PutObject body leaves no object and no file behind.
func TestS3InterruptedUpload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, "--data-dir", dir)
	c := ctx(t)
	cl := s3Client(s.root())
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("cut")}); err != nil {
		t.Fatal(err)
	}
	const size = 4 << 20
	h := http.Header{}
	req := signedRequest(t, "PUT", s.Endpoint+"/cut/half", nil, "UNSIGNED-PAYLOAD", h)
	req.ContentLength = size
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.Endpoint, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(conn)
	fmt.Fprintf(w, "PUT /cut/half HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.Host, size)
	for k, v := range req.Header {
		fmt.Fprintf(w, "%s: %s\r\n", k, strings.Join(v, ","))
	}
	w.WriteString("\r\n")
	w.Write(bytes.Repeat([]byte("x"), size/2))
	w.Flush()
	time.Sleep(100 * time.Millisecond) // let the server start streaming to its blob
	conn.Close()

	deadline := time.Now().Add(10 * time.Second)
	for len(objectFiles(t, dir)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if f := objectFiles(t, dir); len(f) > 0 {
		t.Errorf("files left behind: %v", f)
	}
	if _, err := cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("cut"), Key: aws.String("half")}); httpStatus(err) != 404 {
		t.Errorf("interrupted upload is visible: %v", err)
	}
	out, err := cl.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("cut")})
	if err != nil || len(out.Contents) != 0 {
		t.Errorf("listing after an interrupted upload: %+v, %v", out, err)
	}
}

// TestS3KillNineKeepsAcknowledgedObjects writes objects from several
// clients, kills the server with SIGKILL, restarts it on the same data dir
// and reads back every object whose PutObject was acknowledged.
func TestS3KillNineKeepsAcknowledgedObjects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, "--data-dir", dir)
	c := ctx(t)
	cl := s3Client(s.root())
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("durable")}); err != nil {
		t.Fatal(err)
	}
	content := func(key string) []byte {
		h := sha256.Sum256([]byte(key))
		return bytes.Repeat([]byte(hex.EncodeToString(h[:])), 1+int(h[0])*8)
	}
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d/obj-%d", w, i)
				_, err := cl.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("durable"), Key: aws.String(key), Body: bytes.NewReader(content(key))})
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked = append(acked, key)
				n := len(acked)
				mu.Unlock()
				if n >= 200 {
					return
				}
			}
		}()
	}
	// Kill once enough writes were acknowledged, while others are in flight.
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 100 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.done
	close(stop)
	wg.Wait()

	s2 := start(t, "--data-dir", dir)
	cl2 := s3Client(s2.root())
	mu.Lock()
	defer mu.Unlock()
	for _, key := range acked {
		if got := getBody(t, c, cl2, "durable", key); got != string(content(key)) {
			t.Errorf("%s: %d bytes, want %d", key, len(got), len(content(key)))
		}
	}
	// The restart swept what the kill left: every file on disk belongs to
	// a listed object (each PutObject is one file).
	listed := 0
	p := s3.NewListObjectsV2Paginator(cl2, &s3.ListObjectsV2Input{Bucket: aws.String("durable")})
	for p.HasMorePages() {
		out, err := p.NextPage(c)
		if err != nil {
			t.Fatal(err)
		}
		listed += len(out.Contents)
	}
	if files := objectFiles(t, dir); len(files) != listed {
		t.Errorf("%d object files on disk for %d objects", len(files), listed)
	}
	t.Logf("%d acknowledged objects survived SIGKILL (%d stored)", len(acked), listed)
}

// TestS3PerUserPrefixes is setup 2's S3 part: one shared execution role,
// sessions with SourceIdentity alice and bob, each confined to
// my-bucket/my_domain/users/<self>/ by ${aws:SourceIdentity}; denials are
// AWS's AccessDenied, change nothing, and every call is audited with its
// source identity.
func TestS3PerUserPrefixes(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	root := s3Client(s.root())
	if _, err := root.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("my-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("my_domain/users/bob/data.csv"), Body: strings.NewReader("bob's")}); err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`
	if _, err := admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("studio-exec"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	perms := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"OwnPrefix","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::my-bucket/my_domain/users/${aws:SourceIdentity}/*"},
	 {"Sid":"ListOwnPrefix","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::my-bucket","Condition":{"StringLike":{"s3:prefix":"my_domain/users/${aws:SourceIdentity}/*"}}}]}`
	if _, err := admin.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("studio-exec"), PolicyName: aws.String("s3"), PolicyDocument: aws.String(perms)}); err != nil {
		t.Fatal(err)
	}
	// A platform user starts the sessions (the account root may not
	// assume roles).
	if _, err := admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("platform")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("platform"), PolicyName: aws.String("assume"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Resource":"arn:aws:iam::123456789012:role/studio-exec"}]}`)}); err != nil {
		t.Fatal(err)
	}
	pk, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("platform")})
	if err != nil {
		t.Fatal(err)
	}
	platform := sts.NewFromConfig(s.config(*pk.AccessKey.AccessKeyId, *pk.AccessKey.SecretAccessKey, ""))
	session := func(who string) (*s3.Client, string) {
		out, err := platform.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/studio-exec"),
			RoleSessionName: aws.String("SageMaker"), SourceIdentity: aws.String(who)})
		if err != nil {
			t.Fatal(err)
		}
		cr := out.Credentials
		return s3Client(s.config(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)), *cr.AccessKeyId
	}
	alice, aliceKey := session("alice")

	if _, err := alice.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("my_domain/users/alice/notes.txt"), Body: strings.NewReader("mine")}); err != nil {
		t.Fatalf("alice writes her prefix: %v", err)
	}
	if got := getBody(t, c, alice, "my-bucket", "my_domain/users/alice/notes.txt"); got != "mine" {
		t.Errorf("alice reads %q", got)
	}
	if _, err := alice.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("my-bucket"), Prefix: aws.String("my_domain/users/alice/")}); err != nil {
		t.Errorf("alice lists her prefix: %v", err)
	}
	denied := []struct {
		name string
		call func() error
	}{
		{"read bob's object", func() error {
			_, err := alice.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("my_domain/users/bob/data.csv")})
			return err
		}},
		{"overwrite bob's object", func() error {
			_, err := alice.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("my_domain/users/bob/data.csv"), Body: strings.NewReader("x")})
			return err
		}},
		{"delete bob's object", func() error {
			_, err := alice.DeleteObject(c, &s3.DeleteObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("my_domain/users/bob/data.csv")})
			return err
		}},
		{"list bob's prefix", func() error {
			_, err := alice.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("my-bucket"), Prefix: aws.String("my_domain/users/bob/")})
			return err
		}},
		{"list the whole bucket", func() error {
			_, err := alice.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("my-bucket")})
			return err
		}},
		{"read a missing key without s3:ListBucket on it", func() error {
			_, err := alice.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("my_domain/users/alice/missing")})
			return err
		}},
	}
	for _, d := range denied {
		err := d.call()
		if s3Code(err) != "AccessDenied" || httpStatus(err) != 403 {
			t.Errorf("%s: %v", d.name, err)
			continue
		}
		var ae interface{ ErrorMessage() string }
		if errors.As(err, &ae) && !strings.Contains(ae.ErrorMessage(), "assumed-role/studio-exec/SageMaker is not authorized to perform: s3:") {
			t.Errorf("%s: message %q", d.name, ae.ErrorMessage())
		}
	}
	if got := getBody(t, c, root, "my-bucket", "my_domain/users/bob/data.csv"); got != "bob's" {
		t.Errorf("bob's object changed to %q", got)
	}
	bob, _ := session("bob")
	if got := getBody(t, c, bob, "my-bucket", "my_domain/users/bob/data.csv"); got != "bob's" {
		t.Errorf("bob reads %q", got)
	}
	if _, err := bob.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("my_domain/users/alice/notes.txt")}); s3Code(err) != "AccessDenied" {
		t.Errorf("bob reads alice's object: %v", err)
	}
	// DeleteObjects reports a denied key in Errors and deletes the rest.
	del, err := alice.DeleteObjects(c, &s3.DeleteObjectsInput{Bucket: aws.String("my-bucket"), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("my_domain/users/alice/notes.txt")}, {Key: aws.String("my_domain/users/bob/data.csv")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.Deleted) != 1 || len(del.Errors) != 1 || aws.ToString(del.Errors[0].Code) != "AccessDenied" {
		t.Errorf("DeleteObjects = deleted %+v errors %+v", del.Deleted, del.Errors)
	}
	if got := getBody(t, c, root, "my-bucket", "my_domain/users/bob/data.csv"); got != "bob's" {
		t.Errorf("bob's object changed to %q", got)
	}

	// Every call of alice's session is in the trail with her source identity.
	evs, err := cloudtrail.NewFromConfig(s.root()).LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyAccessKeyId, AttributeValue: aws.String(aliceKey)}},
		MaxResults:       aws.Int32(50),
	})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, e := range evs.Events {
		names[aws.ToString(e.EventName)]++
		if !strings.Contains(aws.ToString(e.CloudTrailEvent), `"sourceIdentity":"alice"`) {
			t.Errorf("event %s without alice's source identity: %s", aws.ToString(e.EventName), aws.ToString(e.CloudTrailEvent))
		}
		if aws.ToString(e.EventSource) != "s3.amazonaws.com" {
			t.Errorf("event source %s", aws.ToString(e.EventSource))
		}
	}
	if names["PutObject"] != 2 || names["GetObject"] != 3 || names["ListObjectsV2"] != 3 || names["DeleteObjects"] != 1 || names["DeleteObject"] != 1 {
		t.Errorf("audited events %v", names)
	}
}

// TestS3BucketPolicy evaluates bucket policies as resource-based policies:
// a grant to another principal, an explicit deny that binds even the
// account root, and the policy operations' errors.
func TestS3BucketPolicy(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	root := s3Client(s.root())
	if _, err := root.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("report.csv"), Body: strings.NewReader("1,2,3")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("carol")})
	if err != nil {
		t.Fatal(err)
	}
	carol := s3Client(s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	if _, err := carol.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String("report.csv")}); s3Code(err) != "AccessDenied" {
		t.Fatalf("carol without any policy: %v", err)
	}
	_, err = root.GetBucketPolicy(c, &s3.GetBucketPolicyInput{Bucket: aws.String("shared")})
	if s3Code(err) != "NoSuchBucketPolicy" {
		t.Errorf("GetBucketPolicy without a policy: %v", err)
	}
	_, err = root.PutBucketPolicy(c, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}`)})
	if s3Code(err) != "MalformedPolicy" {
		t.Errorf("a bucket policy without Principal: %v", err)
	}
	pol := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"CarolReads","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/carol"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"},
	 {"Sid":"NoDeletes","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::shared/*"}]}`
	if _, err := root.PutBucketPolicy(c, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	got, err := root.GetBucketPolicy(c, &s3.GetBucketPolicyInput{Bucket: aws.String("shared")})
	if err != nil || aws.ToString(got.Policy) != pol {
		t.Errorf("GetBucketPolicy = %v, %v", aws.ToString(got.Policy), err)
	}
	if body := getBody(t, c, carol, "shared", "report.csv"); body != "1,2,3" {
		t.Errorf("carol reads %q through the bucket policy", body)
	}
	if _, err := carol.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("x"), Body: strings.NewReader("x")}); s3Code(err) != "AccessDenied" {
		t.Errorf("carol writes: %v", err)
	}
	if _, err := root.DeleteObject(c, &s3.DeleteObjectInput{Bucket: aws.String("shared"), Key: aws.String("report.csv")}); s3Code(err) != "AccessDenied" {
		t.Errorf("the explicit deny binds root too: %v", err)
	}
	if _, err := root.DeleteBucketPolicy(c, &s3.DeleteBucketPolicyInput{Bucket: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteObject(c, &s3.DeleteObjectInput{Bucket: aws.String("shared"), Key: aws.String("report.csv")}); err != nil {
		t.Errorf("delete after the policy is gone: %v", err)
	}
}

// TestS3ObjectTagConditions: s3:ExistingObjectTag/* and
// s3:RequestObjectTag/* in an identity policy.
func TestS3ObjectTagConditions(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	root := s3Client(s.root())
	if _, err := root.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("tagged")}); err != nil {
		t.Fatal(err)
	}
	for key, owner := range map[string]string{"dave.txt": "dave", "erin.txt": "erin"} {
		if _, err := root.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("tagged"), Key: aws.String(key), Body: strings.NewReader(key), Tagging: aws.String("owner=" + owner)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("dave")}); err != nil {
		t.Fatal(err)
	}
	pol := `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::tagged/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/owner":"${aws:username}"}}},
	 {"Effect":"Allow","Action":["s3:PutObject","s3:PutObjectTagging"],"Resource":"arn:aws:s3:::tagged/*","Condition":{"StringEquals":{"s3:RequestObjectTag/owner":"${aws:username}"}}}]}`
	if _, err := admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("dave"), PolicyName: aws.String("tags"), PolicyDocument: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("dave")})
	if err != nil {
		t.Fatal(err)
	}
	dave := s3Client(s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	if got := getBody(t, c, dave, "tagged", "dave.txt"); got != "dave.txt" {
		t.Errorf("dave reads %q", got)
	}
	if _, err := dave.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("tagged"), Key: aws.String("erin.txt")}); s3Code(err) != "AccessDenied" {
		t.Errorf("dave reads erin's object: %v", err)
	}
	if _, err := dave.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("tagged"), Key: aws.String("new.txt"), Body: strings.NewReader("n"), Tagging: aws.String("owner=dave")}); err != nil {
		t.Errorf("dave writes with his tag: %v", err)
	}
	if _, err := dave.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("tagged"), Key: aws.String("new2.txt"), Body: strings.NewReader("n"), Tagging: aws.String("owner=erin")}); s3Code(err) != "AccessDenied" {
		t.Errorf("dave writes with erin's tag: %v", err)
	}
	if _, err := dave.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("tagged"), Key: aws.String("new3.txt"), Body: strings.NewReader("n")}); s3Code(err) != "AccessDenied" {
		t.Errorf("dave writes without a tag: %v", err)
	}
}

// TestS3PayloadDigestErrors: a body that does not match its signed
// x-amz-content-sha256 is XAmzContentSHA256Mismatch, and an XML body whose
// Content-MD5 is wrong is BadDigest; neither changes anything.
func TestS3PayloadDigestErrors(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	cl := s3Client(s.root())
	if _, err := cl.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("digest")}); err != nil {
		t.Fatal(err)
	}
	other := sha256.Sum256([]byte("something else"))
	req := signedRequest(t, "PUT", s.Endpoint+"/digest/k", strings.NewReader("the body"), hex.EncodeToString(other[:]), http.Header{})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "<Code>XAmzContentSHA256Mismatch</Code>") {
		t.Errorf("mismatched payload hash: %s %s", resp.Status, b)
	}
	if _, err := cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String("digest"), Key: aws.String("k")}); httpStatus(err) != 404 {
		t.Errorf("object with a mismatched payload hash is visible: %v", err)
	}

	tagging := `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet/></Tagging>`
	sum := sha256.Sum256([]byte(tagging))
	h := http.Header{}
	h.Set("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==") // the MD5 of no bytes
	req = signedRequest(t, "PUT", s.Endpoint+"/digest?tagging", strings.NewReader(tagging), hex.EncodeToString(sum[:]), h)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "<Code>BadDigest</Code>") {
		t.Errorf("wrong Content-MD5 on an XML body: %s %s", resp.Status, b)
	}
}
