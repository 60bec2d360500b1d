package sigv4_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"abacus/internal/sigv4"
)

// reusableBody lets a benchmark hand the same bytes to Verify every
// iteration without allocating a new reader.
type reusableBody struct{ bytes.Reader }

func (*reusableBody) Close() error { return nil }

// BenchmarkVerifySigV4 measures verifying one request with the signing key
// cache warm: a header-signed small POST (STS/IAM Query protocol, body
// hashed), an S3 GET with a declared payload hash, and a presigned S3 GET.
func BenchmarkVerifySigV4(b *testing.B) {
	const form = "Action=GetCallerIdentity&Version=2011-06-15"
	benches := []struct {
		name  string
		proto sigv4.Protocol
		req   req
		body  []byte
	}{
		{"query-post", sigv4.ProtocolQuery, req{service: "sts", body: form,
			headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}}, []byte(form)},
		{"s3-get", sigv4.ProtocolS3, req{method: "GET", service: "s3", url: "http://s3.local/bucket/photos/2026/a%20b.jpg"}, nil},
		{"s3-presigned", sigv4.ProtocolS3, req{method: "GET", service: "s3", url: "http://s3.local/bucket/k?response-content-type=text%2Fplain",
			presign: true, expires: "900"}, nil},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			r := bb.req.build(b)
			v := newTestVerifier(testNow)
			body := &reusableBody{}
			ctx := context.Background()
			opt := sigv4.Options{Protocol: bb.proto}
			b.ReportAllocs()
			for b.Loop() {
				body.Reset(bb.body)
				r.Body = body
				if _, err := v.Verify(ctx, r, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkChunkedDecode measures decoding and verifying a signed
// aws-chunked upload of 1 MiB in 64 KiB chunks.
func BenchmarkChunkedDecode(b *testing.B) {
	payload := bytes.Repeat([]byte("x"), 1<<20)
	var encoded []byte
	r := chunkedRequest(b, sigv4.StreamingSignedPayload, len(payload), func(e *chunkEncoder) []byte {
		for off := 0; off < len(payload); off += 64 << 10 {
			encoded = append(encoded, e.signed(payload[off:off+64<<10])...)
		}
		encoded = append(encoded, e.signed(nil)...)
		return encoded
	})
	v := newTestVerifier(testNow)
	body := &reusableBody{}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		body.Reset(encoded)
		r.Body = body
		res, err := v.Verify(context.Background(), r, sigv4.Options{Protocol: sigv4.ProtocolS3})
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, res.Body); err != nil || n != int64(len(payload)) {
			b.Fatal(n, err)
		}
	}
}
