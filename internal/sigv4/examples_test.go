package sigv4_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"abacus/internal/sigv4"
)

// docVerifier verifies with the example credentials of AWS's SigV4
// documentation at the documentation's request time.
func docVerifier(akid, secret string, now time.Time) *sigv4.Verifier {
	return sigv4.New(sigv4.Config{
		Lookup: sigv4.CredentialLookupFunc(func(_ context.Context, id string) (sigv4.Credential, error) {
			if id != akid {
				return sigv4.Credential{}, sigv4.ErrUnknownAccessKey
			}
			return sigv4.Credential{AccessKeyID: akid, Secret: sigv4.NewSecretKey(secret)}, nil
		}),
		Now: func() time.Time { return now },
	})
}

// TestDocumentedExamples verifies the signed requests printed in AWS's
// documentation, whose signatures were computed by AWS:
//   - https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
//     (GET ?Action=ListUsers, signature 5d672d79...)
//   - https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
//     (GET /test.txt with Range, signature f0e8bdb8...)
//   - https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
//     (presigned GET /test.txt, signature aeeed9bb...)
func TestDocumentedExamples(t *testing.T) {
	t.Parallel()
	s3Time := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		proto   sigv4.Protocol
		akid    string
		secret  string
		now     time.Time
		method  string
		url     string
		headers map[string]string
	}{
		{
			name: "iam ListUsers", proto: sigv4.ProtocolQuery,
			akid: "AKIDEXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
			now:    time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC),
			method: "GET", url: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
			headers: map[string]string{
				"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
				"X-Amz-Date":   "20150830T123600Z",
				"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, " +
					"SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
			},
		},
		{
			name: "s3 GET object", proto: sigv4.ProtocolS3, akid: testAKID, secret: testSecret, now: s3Time,
			method: "GET", url: "https://examplebucket.s3.amazonaws.com/test.txt",
			headers: map[string]string{
				"Range":                "bytes=0-9",
				"X-Amz-Content-Sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				"X-Amz-Date":           "20130524T000000Z",
				"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
					"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date," +
					"Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
			},
		},
		{
			name: "s3 presigned GET", proto: sigv4.ProtocolS3, akid: testAKID, secret: testSecret, now: s3Time.Add(time.Hour),
			method: "GET",
			url: "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
				"&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
				"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
				"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := http.NewRequest(tt.method, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			_, service, _ := sigv4.Scope(r)
			res, err := docVerifier(tt.akid, tt.secret, tt.now).Verify(context.Background(), r, sigv4.Options{Protocol: tt.proto, Service: service})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.AccessKeyID != tt.akid {
				t.Errorf("AccessKeyID = %q", res.AccessKeyID)
			}
		})
	}
}

// TestDocumentedChunkedUpload verifies the chunked upload example of
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html:
// 65 KiB of 'a' in a 64 KiB and a 1 KiB chunk, with the seed and chunk
// signatures AWS printed.
func TestDocumentedChunkedUpload(t *testing.T) {
	t.Parallel()
	const (
		seed   = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
		chunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
		chunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
		final  = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
	)
	payload := bytes.Repeat([]byte{'a'}, 65*1024)
	var body bytes.Buffer
	body.WriteString("10000;chunk-signature=" + chunk1 + "\r\n")
	body.Write(payload[:64*1024])
	body.WriteString("\r\n400;chunk-signature=" + chunk2 + "\r\n")
	body.Write(payload[64*1024:])
	body.WriteString("\r\n0;chunk-signature=" + final + "\r\n\r\n")
	if body.Len() != 66824 {
		t.Fatalf("encoded length %d, want 66824 as documented", body.Len())
	}
	build := func(b []byte) *http.Request {
		r, err := http.NewRequest("PUT", "https://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Length", "66824")
		r.Header.Set("Content-Encoding", "aws-chunked")
		r.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
		r.Header.Set("X-Amz-Date", "20130524T000000Z")
		r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
		r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
			"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
			"Signature="+seed)
		return r
	}
	v := docVerifier(testAKID, testSecret, time.Date(2013, 5, 24, 0, 1, 0, 0, time.UTC))
	res, err := v.Verify(context.Background(), build(body.Bytes()), sigv4.Options{Protocol: sigv4.ProtocolS3})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	got, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	if !bytes.Equal(got, payload) || res.DecodedContentLength != 66560 {
		t.Errorf("decoded %d bytes (declared %d), want the 66560-byte payload", len(got), res.DecodedContentLength)
	}

	// The same upload with one byte of the second chunk changed fails on
	// that chunk, after the first chunk's data has been delivered.
	bad := bytes.Clone(body.Bytes())
	bad[len(bad)-200] = 'b'
	res, err = v.Verify(context.Background(), build(bad), sigv4.Options{Protocol: sigv4.ProtocolS3})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	got, err = io.ReadAll(res.Body)
	if w := toWire(t, err); w.Code != "SignatureDoesNotMatch" || w.Status != 403 {
		t.Errorf("tampered chunk: error %+v, want SignatureDoesNotMatch 403", w)
	}
	if len(got) != 64*1024 || strings.Contains(string(got), "b") {
		t.Errorf("tampered chunk: delivered %d bytes before failing, want only the verified 65536", len(got))
	}
}
