package sigv4_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"abacus/internal/sigv4"
)

// chunkEncoder writes aws-chunked bodies as the S3 documentation describes
// them, independently of the decoder under test:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html.
//
// A signed chunk is "hex(size);chunk-signature=sig\r\ndata\r\n" where sig is
// the HMAC of "AWS4-HMAC-SHA256-PAYLOAD\n" + date + "\n" + scope + "\n" +
// previous signature + "\n" + hash("") + "\n" + hash(data), chained from the
// request's seed signature. The trailer's signature is the HMAC of
// "AWS4-HMAC-SHA256-TRAILER\n" + date + "\n" + scope + "\n" + previous
// signature + "\n" + hash(trailer lines, each ending in "\n").
type chunkEncoder struct {
	key     []byte
	amzDate string
	scope   string
	prev    string
}

func hmacBytes(key []byte, s string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return h.Sum(nil)
}

func newChunkEncoder(secret, amzDate, service, seed string) *chunkEncoder {
	k := hmacBytes([]byte("AWS4"+secret), amzDate[:8])
	k = hmacBytes(k, testRegion)
	k = hmacBytes(k, service)
	k = hmacBytes(k, "aws4_request")
	return &chunkEncoder{key: k, amzDate: amzDate, scope: amzDate[:8] + "/" + testRegion + "/" + service + "/aws4_request", prev: seed}
}

// signed frames one signed chunk. The final chunk is signed(nil).
func (e *chunkEncoder) signed(data []byte) []byte {
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + e.amzDate + "\n" + e.scope + "\n" + e.prev + "\n" +
		sha256Hex(nil) + "\n" + sha256Hex(data)
	e.prev = hex.EncodeToString(hmacBytes(e.key, sts))
	return []byte(fmt.Sprintf("%x;chunk-signature=%s\r\n%s\r\n", len(data), e.prev, data))
}

// signedFinal frames the final zero-length chunk of a payload with a trailer.
func (e *chunkEncoder) signedFinal() []byte {
	b := e.signed(nil)
	return b[:len(b)-2]
}

// trailer writes signed trailing headers, in the order given, and the
// trailer signature, computed over the headers sorted by name.
func (e *chunkEncoder) trailer(fields ...string) []byte {
	var lines []string
	var wire strings.Builder
	for i := 0; i < len(fields); i += 2 {
		lines = append(lines, fields[i]+":"+fields[i+1]+"\n")
		wire.WriteString(fields[i] + ":" + fields[i+1] + "\r\n")
	}
	sort.Strings(lines)
	var canon strings.Builder
	for _, l := range lines {
		canon.WriteString(l)
	}
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + e.amzDate + "\n" + e.scope + "\n" + e.prev + "\n" + sha256Hex([]byte(canon.String()))
	wire.WriteString("x-amz-trailer-signature:" + hex.EncodeToString(hmacBytes(e.key, sts)) + "\r\n\r\n")
	return []byte(wire.String())
}

// unsigned frames one chunk of the STREAMING-UNSIGNED-PAYLOAD-TRAILER mode.
func unsigned(data []byte) []byte {
	return []byte(fmt.Sprintf("%x\r\n%s\r\n", len(data), data))
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

var (
	part1 = bytes.Repeat([]byte("0123456789abcdef"), 512) // 8 KiB
	part2 = bytes.Repeat([]byte("ghijklmnopqrstuv"), 512)
	part3 = []byte("the last, short chunk")
	whole = join(part1, part2, part3)
)

// chunkedRequest signs an S3 PUT whose x-amz-content-sha256 is mode and
// whose body is made by body from an encoder seeded with its signature.
func chunkedRequest(t testing.TB, mode string, decodedLen int, body func(e *chunkEncoder) []byte) *http.Request {
	t.Helper()
	r := req{method: "PUT", service: "s3", url: "http://s3.local/bucket/streamed%20key", contentSHA: mode,
		headers: map[string]string{
			"Content-Encoding":             "aws-chunked",
			"X-Amz-Decoded-Content-Length": strconv.Itoa(decodedLen),
			"X-Amz-Trailer":                "x-amz-checksum-crc32",
		}}.build(t)
	a := r.Header.Get("Authorization")
	seed := a[strings.LastIndex(a, "=")+1:]
	b := body(newChunkEncoder(testSecret, r.Header.Get("X-Amz-Date"), "s3", seed))
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	return r
}

func TestChunkedPayloads(t *testing.T) {
	t.Parallel()
	const crc = "AAAAAA=="
	corrupt := func(b []byte, at int) []byte {
		b = bytes.Clone(b)
		b[at] ^= 1
		return b
	}
	tests := []struct {
		name        string
		mode        string
		decodedLen  int // -1: len(whole)
		body        func(e *chunkEncoder) []byte
		maxChunk    int64
		oneByte     bool
		wantBody    []byte // a prefix when an error is expected
		wantCode    string
		wantStatus  int
		wantExtra   map[string]string // extra error elements to check
		wantTrailer string
	}{
		{name: "signed", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: whole,
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part1), e.signed(part2), e.signed(part3), e.signed(nil))
			}},
		{name: "signed one byte reads", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: whole, oneByte: true,
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part1), e.signed(part2), e.signed(part3), e.signed(nil))
			}},
		{name: "signed empty payload", mode: sigv4.StreamingSignedPayload, decodedLen: 0, wantBody: []byte{},
			body: func(e *chunkEncoder) []byte { return e.signed(nil) }},
		{name: "signed trailer", mode: sigv4.StreamingSignedPayloadTrailer, decodedLen: -1, wantBody: whole, wantTrailer: crc,
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part1), e.signed(part2), e.signed(part3), e.signedFinal(), e.trailer("x-amz-checksum-crc32", crc))
			}},
		{name: "signed trailer, two fields", mode: sigv4.StreamingSignedPayloadTrailer, decodedLen: -1, wantBody: whole, wantTrailer: crc,
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part1), e.signed(part2), e.signed(part3), e.signedFinal(),
					e.trailer("x-amz-checksum-crc32", crc, "x-amz-checksum-crc32c", "sOO8/Q=="))
			}},
		{name: "unsigned trailer", mode: sigv4.StreamingUnsignedPayloadTrailer, decodedLen: -1, wantBody: whole, wantTrailer: crc,
			body: func(*chunkEncoder) []byte {
				return join(unsigned(part1), unsigned(part2), unsigned(part3), []byte("0\r\nx-amz-checksum-crc32:"+crc+"\r\n\r\n"))
			}},
		{name: "unsigned trailer one byte reads", mode: sigv4.StreamingUnsignedPayloadTrailer, decodedLen: -1, wantBody: whole, oneByte: true, wantTrailer: crc,
			body: func(*chunkEncoder) []byte {
				return join(unsigned(part1), unsigned(part2), unsigned(part3), []byte("0\r\nx-amz-checksum-crc32:"+crc+"\r\n\r\n"))
			}},
		{name: "bad chunk signature", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: part1, wantCode: "SignatureDoesNotMatch", wantStatus: 403,
			wantExtra: map[string]string{"AWSAccessKeyId": testAKID, "CanonicalRequest": "PUT\n/bucket/streamed%20key\n\n" +
				"content-encoding:aws-chunked\nhost:s3.local\nx-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD\n" +
				"x-amz-date:20261124T120000Z\nx-amz-decoded-content-length:16405\nx-amz-trailer:x-amz-checksum-crc32\n\n" +
				"content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-trailer\n" +
				"STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
			body: func(e *chunkEncoder) []byte {
				c1 := e.signed(part1)
				c2 := e.signed(part2)
				return join(c1, corrupt(c2, 30), e.signed(part3), e.signed(nil))
			}},
		{name: "tampered chunk data", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: part1, wantCode: "SignatureDoesNotMatch", wantStatus: 403,
			body: func(e *chunkEncoder) []byte {
				c1 := e.signed(part1)
				c2 := e.signed(part2)
				return join(c1, corrupt(c2, 200), e.signed(part3), e.signed(nil))
			}},
		{name: "small middle chunk", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: part3, wantCode: "InvalidChunkSizeError", wantStatus: 400,
			wantExtra: map[string]string{"Chunk": "2", "BadChunkSize": "21"},
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part3), e.signed(part1), e.signed(part2), e.signed(nil))
			}},
		{name: "small middle unsigned chunk", mode: sigv4.StreamingUnsignedPayloadTrailer, decodedLen: -1, wantBody: join(part1, part3), wantCode: "InvalidChunkSizeError", wantStatus: 400,
			body: func(*chunkEncoder) []byte {
				return join(unsigned(part1), unsigned(part3), unsigned(part2), []byte("0\r\nx-amz-checksum-crc32:"+crc+"\r\n\r\n"))
			}},
		{name: "reordered chunks", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: []byte{}, wantCode: "SignatureDoesNotMatch", wantStatus: 403,
			body: func(e *chunkEncoder) []byte {
				c1, c2 := e.signed(part1), e.signed(part2)
				return join(c2, c1, e.signed(part3), e.signed(nil))
			}},
		{name: "final chunk missing", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: whole, wantCode: "IncompleteBody", wantStatus: 400,
			body: func(e *chunkEncoder) []byte { return join(e.signed(part1), e.signed(part2), e.signed(part3)) }},
		{name: "truncated in data", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: part1, wantCode: "IncompleteBody", wantStatus: 400,
			body: func(e *chunkEncoder) []byte { return join(e.signed(part1), e.signed(part2)[:500]) }},
		{name: "truncated in header", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: part1, wantCode: "IncompleteBody", wantStatus: 400,
			body: func(e *chunkEncoder) []byte { return join(e.signed(part1), e.signed(part2)[:20]) }},
		{name: "more than declared", mode: sigv4.StreamingSignedPayload, decodedLen: len(part1), wantBody: part1, wantCode: "IncompleteBody", wantStatus: 400,
			body: func(e *chunkEncoder) []byte { return join(e.signed(part1), e.signed(part2), e.signed(nil)) }},
		{name: "less than declared", mode: sigv4.StreamingSignedPayload, decodedLen: len(whole) + 1, wantBody: whole, wantCode: "IncompleteBody", wantStatus: 400,
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part1), e.signed(part2), e.signed(part3), e.signed(nil))
			}},
		{name: "no chunk signature", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: []byte{}, wantCode: "InvalidRequest", wantStatus: 400,
			body: func(*chunkEncoder) []byte { return unsigned(part1) }},
		{name: "bad chunk size", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: []byte{}, wantCode: "InvalidRequest", wantStatus: 400,
			body: func(*chunkEncoder) []byte { return []byte("zz;chunk-signature=00\r\n") }},
		{name: "chunk over limit", mode: sigv4.StreamingSignedPayload, decodedLen: -1, maxChunk: 1024, wantBody: []byte{}, wantCode: "InvalidRequest", wantStatus: 400,
			body: func(e *chunkEncoder) []byte { return e.signed(part1) }},
		{name: "data longer than size", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: []byte{}, wantCode: "InvalidRequest", wantStatus: 400,
			body: func(e *chunkEncoder) []byte {
				c := e.signed(part3)
				return join(bytes.Replace(c, []byte("15;"), []byte("14;"), 1), e.signed(nil))
			}},
		{name: "bare LF", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: []byte{}, wantCode: "InvalidRequest", wantStatus: 400,
			body: func(e *chunkEncoder) []byte { return bytes.Replace(e.signed(part1), []byte("\r\n"), []byte("\n"), 1) }},
		{name: "header line too long", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: []byte{}, wantCode: "InvalidRequest", wantStatus: 400,
			body: func(*chunkEncoder) []byte { return bytes.Repeat([]byte("1"), 10000) }},
		{name: "final chunk without CRLF", mode: sigv4.StreamingSignedPayload, decodedLen: -1, wantBody: whole, wantCode: "IncompleteBody", wantStatus: 400,
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part1), e.signed(part2), e.signed(part3), e.signedFinal())
			}},
		{name: "bad trailer signature", mode: sigv4.StreamingSignedPayloadTrailer, decodedLen: -1, wantBody: whole, wantCode: "SignatureDoesNotMatch", wantStatus: 403,
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part1), e.signed(part2), e.signed(part3), e.signedFinal(),
					bytes.Replace(e.trailer("x-amz-checksum-crc32", crc), []byte(crc), []byte("BBBBBB=="), 1))
			}},
		{name: "missing trailer signature", mode: sigv4.StreamingSignedPayloadTrailer, decodedLen: -1, wantBody: whole, wantCode: "SignatureDoesNotMatch", wantStatus: 403,
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part1), e.signed(part2), e.signed(part3), e.signedFinal(), []byte("x-amz-checksum-crc32:"+crc+"\r\n\r\n"))
			}},
		{name: "declared trailer missing", mode: sigv4.StreamingUnsignedPayloadTrailer, decodedLen: -1, wantBody: whole, wantCode: "MalformedTrailerError", wantStatus: 400,
			body: func(*chunkEncoder) []byte {
				return join(unsigned(part1), unsigned(part2), unsigned(part3), []byte("0\r\nx-amz-checksum-sha256:abc=\r\n\r\n"))
			}},
		{name: "declared signed trailer missing", mode: sigv4.StreamingSignedPayloadTrailer, decodedLen: -1, wantBody: whole, wantCode: "MalformedTrailerError", wantStatus: 400,
			body: func(e *chunkEncoder) []byte {
				return join(e.signed(part1), e.signed(part2), e.signed(part3), e.signedFinal(), e.trailer())
			}},
		{name: "bad trailer line", mode: sigv4.StreamingUnsignedPayloadTrailer, decodedLen: -1, wantBody: whole, wantCode: "InvalidRequest", wantStatus: 400,
			body: func(*chunkEncoder) []byte {
				return join(unsigned(part1), unsigned(part2), unsigned(part3), []byte("0\r\nno colon here\r\n\r\n"))
			}},
		{name: "truncated trailer", mode: sigv4.StreamingUnsignedPayloadTrailer, decodedLen: -1, wantBody: whole, wantCode: "IncompleteBody", wantStatus: 400,
			body: func(*chunkEncoder) []byte {
				return join(unsigned(part1), unsigned(part2), unsigned(part3), []byte("0\r\nx-amz-checksum-crc32:"))
			}},
		{name: "unsigned truncated", mode: sigv4.StreamingUnsignedPayloadTrailer, decodedLen: -1, wantBody: part1[:100], wantCode: "IncompleteBody", wantStatus: 400,
			body: func(*chunkEncoder) []byte { return unsigned(part1)[:106] }},
		{name: "unsigned data longer than size", mode: sigv4.StreamingUnsignedPayloadTrailer, decodedLen: -1, wantBody: part3[:20], wantCode: "InvalidRequest", wantStatus: 400,
			body: func(*chunkEncoder) []byte {
				return bytes.Replace(unsigned(part3), []byte("15\r\n"), []byte("14\r\n"), 1)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := tt.decodedLen
			if n < 0 {
				n = len(whole)
			}
			r := chunkedRequest(t, tt.mode, n, tt.body)
			res, err := newTestVerifier(testNow).Verify(context.Background(), r, sigv4.Options{Protocol: sigv4.ProtocolS3, MaxChunkBytes: tt.maxChunk})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.DecodedContentLength != int64(n) {
				t.Errorf("DecodedContentLength = %d, want %d", res.DecodedContentLength, n)
			}
			if n, err := res.Body.Read(nil); n != 0 || err != nil {
				t.Errorf("zero-length read = %d, %v; want 0, nil", n, err)
			}
			var src io.Reader = res.Body
			if tt.oneByte {
				src = iotest.OneByteReader(src)
			}
			got, err := io.ReadAll(src)
			if !bytes.Equal(got, tt.wantBody) {
				t.Errorf("read %d bytes, want %d", len(got), len(tt.wantBody))
			}
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("read: %v", err)
				}
			} else {
				var keep []string
				for k := range tt.wantExtra {
					keep = append(keep, k)
				}
				w := toWire(t, err, keep...)
				if w.Code != tt.wantCode || w.Status != tt.wantStatus {
					t.Errorf("read error = %s %d (%s), want %s %d", w.Code, w.Status, w.Message, tt.wantCode, tt.wantStatus)
				}
				if d := diff(tt.wantExtra, w.Extra); d != "" {
					t.Errorf("error elements (-want +got):\n%s", d)
				}
			}
			if got := res.Trailer.Get("X-Amz-Checksum-Crc32"); got != tt.wantTrailer && tt.wantCode == "" {
				t.Errorf("trailer checksum = %q, want %q", got, tt.wantTrailer)
			}
			// Errors are sticky.
			if tt.wantCode != "" {
				if _, err2 := res.Body.Read(make([]byte, 8)); err2 == nil {
					t.Error("read after error succeeded")
				}
			}
			if err := res.Body.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// TestS3PayloadHash covers the non-streaming S3 modes: a declared hex
// SHA-256 is checked at EOF, UNSIGNED-PAYLOAD passes the body through.
func TestS3PayloadHash(t *testing.T) {
	t.Parallel()
	const content = "object content"
	tests := []struct {
		name, sha, send string
		wantErr         wireError
	}{
		{name: "matching hash", sha: sha256Hex([]byte(content)), send: content},
		{name: "upper-case hash", sha: strings.ToUpper(sha256Hex([]byte(content))), send: content},
		{name: "unsigned", sha: sigv4.UnsignedPayload, send: content},
		{name: "mismatch", sha: sha256Hex([]byte("something else")), send: content,
			wantErr: wireError{"XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed.",
				map[string]string{"ClientComputedContentSHA256": sha256Hex([]byte("something else")), "S3ComputedContentSHA256": sha256Hex([]byte(content))}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := req{method: "PUT", service: "s3", url: "http://s3.local/b/k", contentSHA: tt.sha}.build(t)
			r.Body = io.NopCloser(strings.NewReader(tt.send))
			res, err := newTestVerifier(testNow).Verify(context.Background(), r, sigv4.Options{Protocol: sigv4.ProtocolS3})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			got, err := io.ReadAll(iotest.OneByteReader(r.Body))
			if string(got) != tt.send {
				t.Errorf("body = %q, want %q", got, tt.send)
			}
			if tt.wantErr.Code == "" {
				if err != nil {
					t.Fatalf("read: %v", err)
				}
			} else if d := diff(tt.wantErr, toWire(t, err, "ClientComputedContentSHA256", "S3ComputedContentSHA256")); d != "" {
				t.Errorf("error (-want +got):\n%s", d)
			}
			if _, err2 := res.Body.Read(make([]byte, 1)); (err2 == io.EOF) != (tt.wantErr.Code == "") {
				t.Errorf("second read error = %v", err2)
			}
			res.Body.Close()
		})
	}
}
