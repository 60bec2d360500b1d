package sigv4_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/encoding/httpbinding"

	"abacus/internal/apierr"
	"abacus/internal/sigv4"
)

// isWireError reports whether err is nil or an *apierr.Error.
func isWireError(err error) bool {
	var ae *apierr.Error
	return err == nil || errors.As(err, &ae)
}

// FuzzParseAuthorization feeds arbitrary Authorization and X-Amz-Date
// headers and query strings to Verify: it must never panic, and every
// failure must be an *apierr.Error.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc", "20261124T120000Z", "", uint8(0))
	f.Add("AWS4-HMAC-SHA256 Credential=/, SignedHeaders=, Signature=", "", "", uint8(1))
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request,SignedHeaders=;;;,Signature=,,,", "x", "", uint8(2))
	f.Add("AWS4-HMAC-SHA256", "20261124T120000Z", "", uint8(2))
	f.Add("", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261124%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261124T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00", uint8(2))
	f.Add("", "", "X-Amz-Algorithm=&X-Amz-Expires=-1&X-Amz-Credential=%zz", uint8(0))
	f.Fuzz(func(t *testing.T, authz, amzDate, rawQuery string, proto uint8) {
		r, err := http.NewRequest("GET", "http://example.local/b/k", nil)
		if err != nil {
			t.Skip()
		}
		r.URL.RawQuery = rawQuery
		r.Header["Authorization"] = []string{authz}
		r.Header["X-Amz-Date"] = []string{amzDate}
		r.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
		p := sigv4.Protocol(proto % 3)
		res, err := newTestVerifier(testNow).Verify(context.Background(), r, sigv4.Options{Protocol: p})
		if !isWireError(err) {
			t.Fatalf("Verify returned %T %v, not an *apierr.Error", err, err)
		}
		if err == nil && res.AccessKeyID == "" {
			t.Fatal("Verify succeeded without an access key")
		}
	})
}

// FuzzSigV4Canonical is a differential test: whatever the object key,
// query parameter and header value, a request signed or presigned by the
// AWS SDK for Go v2 must verify, for S3 (single-encoded, unnormalized
// paths) and for other services (double-encoded paths).
func FuzzSigV4Canonical(f *testing.F) {
	f.Add("photos/2026/ü é.jpg", "prefix", "a b+c", " spaced   value ", false, false, []byte("body"))
	f.Add("a+b=c&d", "list-type", "2", "v", true, false, []byte{})
	f.Add("double//slash/./x/../", "k", "", "", true, true, []byte("x"))
	f.Add("~!*'();:@&=+$,?#[]", "", "=", "\t", false, true, []byte{0, 1, 2})
	f.Add("%2F%41", "X-Amz-Date", "v", "a  b  c", false, false, []byte(nil))
	f.Fuzz(func(t *testing.T, key, qk, qv, hv string, s3, presign bool, body []byte) {
		for _, c := range []byte(hv + qk) {
			if c < 0x20 || c == 0x7f {
				t.Skip("not a valid header value or query name")
			}
		}
		if strings.HasPrefix(qk, "X-Amz-") {
			t.Skip("signing parameters are not ordinary query parameters")
		}
		escaped := "/bucket/" + httpbinding.EscapePath(key, false)
		service := "s3"
		if !s3 {
			service = "sagemaker"
			// The SDK does not normalize paths; AWS (and botocore) do, so
			// only paths that are already normal are comparable.
			if strings.Contains(escaped, "//") || strings.Contains(escaped+"/", "/./") || strings.Contains(escaped+"/", "/../") {
				t.Skip("path needs normalization")
			}
		}
		u, err := url.Parse("http://svc.local" + escaped)
		if err != nil {
			t.Skip()
		}
		q := url.Values{qk: {qv}, "x-id": {"Op"}}
		if presign {
			q.Set("X-Amz-Expires", "900")
		}
		u.RawQuery = q.Encode()
		r, err := http.NewRequest("PUT", u.String(), bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		r.Header.Set("X-Amz-Meta-Fuzz", hv)
		payload := sha256Hex(body)
		if s3 && presign {
			payload = sigv4.UnsignedPayload
		} else if s3 {
			r.Header.Set("X-Amz-Content-Sha256", payload)
		}
		creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
		opt := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = s3 }
		if presign {
			// The SDK hoists X-Amz-* headers into the query; the URL and
			// the headers it returns are what a client then sends.
			signed, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, payload, service, testRegion, testNow, opt)
			if err != nil {
				t.Skip()
			}
			if r, err = http.NewRequest("PUT", signed, bytes.NewReader(body)); err != nil {
				t.Fatalf("presigned URL %q does not parse: %v", signed, err)
			}
			for k, vs := range hdr {
				if !strings.EqualFold(k, "Host") {
					r.Header[k] = vs
				}
			}
		} else if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payload, service, testRegion, testNow, opt); err != nil {
			t.Skip()
		}
		p := sigv4.ProtocolJSON
		if s3 {
			p = sigv4.ProtocolS3
		}
		res, err := newTestVerifier(testNow).Verify(context.Background(), r, sigv4.Options{Protocol: p})
		if err != nil {
			t.Fatalf("SDK-signed %s %s did not verify: %v", r.Method, r.URL, err)
		}
		got, err := io.ReadAll(res.Body)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("body = %q, %v; want %q", got, err, body)
		}
	})
}

// FuzzChunkedDecoder feeds arbitrary bytes as an aws-chunked body in each
// streaming mode: decoding must never panic, never return more than the
// declared length, and fail only with *apierr.Error values.
func FuzzChunkedDecoder(f *testing.F) {
	for mode := range uint8(3) {
		f.Add([]byte("0;chunk-signature=00\r\n\r\n"), mode, int64(0))
		f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), mode, int64(5))
		f.Add([]byte("ffffffffffffffff;chunk-signature=\r\n"), mode, int64(1<<40))
		f.Add([]byte("3;chunk-signature=abc\r\nabc\r\n0;chunk-signature=def\r\nx:y\r\nx-amz-trailer-signature:0\r\n\r\n"), mode, int64(3))
	}
	modes := []string{sigv4.StreamingSignedPayload, sigv4.StreamingSignedPayloadTrailer, sigv4.StreamingUnsignedPayloadTrailer}
	f.Fuzz(func(t *testing.T, body []byte, mode uint8, decodedLen int64) {
		if decodedLen < 0 {
			decodedLen = -decodedLen
		}
		r := req{method: "PUT", service: "s3", url: "http://s3.local/bucket/streamed%20key", contentSHA: modes[int(mode)%len(modes)],
			headers: map[string]string{
				"Content-Encoding":             "aws-chunked",
				"X-Amz-Decoded-Content-Length": strconv.FormatInt(decodedLen, 10),
				"X-Amz-Trailer":                "x-amz-checksum-crc32",
			}}.build(t)
		r.Body = io.NopCloser(bytes.NewReader(body))
		res, err := newTestVerifier(testNow).Verify(context.Background(), r, sigv4.Options{Protocol: sigv4.ProtocolS3, MaxChunkBytes: 1 << 16})
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		got, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		if !isWireError(err) {
			t.Fatalf("read error %T %v is not an *apierr.Error", err, err)
		}
		if int64(len(got)) > decodedLen {
			t.Fatalf("decoded %d bytes, more than the declared %d", len(got), decodedLen)
		}
	})
}

// FuzzChunkedIntegrity encodes a payload as a valid signed aws-chunked body
// (with or without a signed trailer), corrupts one byte of it, and checks
// the decoder's integrity promise: it either returns exactly the payload
// (and trailer) or fails.
func FuzzChunkedIntegrity(f *testing.F) {
	f.Add([]byte("hello, chunks"), uint8(40), uint32(0), uint8(0), false)
	f.Add([]byte("0123456789abcdef"), uint8(255), uint32(100), uint8(1), true)
	f.Add([]byte{0}, uint8(0), uint32(5), uint8(0x20), true)
	f.Fuzz(func(t *testing.T, unit []byte, reps uint8, at uint32, xor uint8, trailer bool) {
		if len(unit) == 0 || len(unit) > 512 {
			t.Skip()
		}
		payload := bytes.Repeat(unit, 1+int(reps)%64)
		const crc = "AAAAAA=="
		mode := sigv4.StreamingSignedPayload
		if trailer {
			mode = sigv4.StreamingSignedPayloadTrailer
		}
		r := chunkedRequest(t, mode, len(payload), func(e *chunkEncoder) []byte {
			var b []byte
			for off := 0; off < len(payload); off += 8192 {
				b = append(b, e.signed(payload[off:min(off+8192, len(payload))])...)
			}
			if !trailer {
				return append(b, e.signed(nil)...)
			}
			return append(append(b, e.signedFinal()...), e.trailer("x-amz-checksum-crc32", crc)...)
		})
		body, _ := io.ReadAll(r.Body)
		if xor != 0 {
			body[int(at)%len(body)] ^= xor
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		res, err := newTestVerifier(testNow).Verify(context.Background(), r, sigv4.Options{Protocol: sigv4.ProtocolS3})
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		got, err := io.ReadAll(res.Body)
		if !isWireError(err) {
			t.Fatalf("read error %T %v is not an *apierr.Error", err, err)
		}
		if err == nil && (!bytes.Equal(got, payload) || trailer && res.Trailer.Get("X-Amz-Checksum-Crc32") != crc) {
			t.Fatalf("corrupted body (byte %d ^ %#x) decoded without error to %d bytes, trailer %v",
				int(at)%len(body), xor, len(got), res.Trailer)
		}
		if xor == 0 && err != nil {
			t.Fatalf("valid body failed: %v", err)
		}
	})
}
