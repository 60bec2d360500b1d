package sigv4

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

// Limits of the aws-chunked framing.
const (
	maxChunkLine = 4096 // one chunk header or trailer line
	maxTrailers  = 16   // trailing headers in one payload
	minChunkSize = 8192 // every chunk but the last data chunk
)

// Algorithms of the strings to sign for chunks and trailers.
const (
	chunkAlgorithm   = "AWS4-HMAC-SHA256-PAYLOAD"
	trailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER"
)

// chunkedParams is what a chunked body needs to verify its chunks.
type chunkedParams struct {
	mode        payloadMode
	key         [sha256.Size]byte
	seed        string // the request signature, which chains the first chunk
	canonical   string // the request's canonical request, for error reports
	amzDate     string
	scope       string
	accessKeyID string
	decodedLen  int64
	maxChunk    int64
	trailer     http.Header // filled with the trailing headers at EOF
	declared    []string    // lower-case names listed in x-amz-trailer
}

// chunkedBody decodes an aws-chunked payload as it is read.
//
// In the signed modes each chunk is read whole, and its data handed out only
// once its signature (chained from the previous one) is verified. In the
// unsigned-trailer mode data is passed through as it arrives. Once the final
// chunk and trailer are checked and the decoded length matches
// x-amz-decoded-content-length, Read returns io.EOF. Errors are sticky
// *apierr.Error values in S3's codes.
type chunkedBody struct {
	src       *bufio.Reader
	closer    io.Closer
	p         chunkedParams
	prevSig   string
	data      []byte // the current signed chunk; handed out once verified
	off       int
	remaining int64 // unread bytes of the current unsigned chunk
	total     int64 // decoded bytes announced so far
	chunks    int   // chunk headers read so far
	lastSize  int64 // size of the previous chunk
	done      bool
	err       error
}

func newChunkedBody(body io.ReadCloser, p chunkedParams) *chunkedBody {
	return &chunkedBody{src: bufio.NewReaderSize(body, maxChunkLine), closer: body, p: p, prevSig: p.seed}
}

// Read implements io.Reader.
func (c *chunkedBody) Read(b []byte) (int, error) {
	for {
		if c.err != nil {
			return 0, c.err
		}
		if c.off < len(c.data) {
			n := copy(b, c.data[c.off:])
			c.off += n
			return n, nil
		}
		if c.remaining > 0 {
			return c.readUnsigned(b)
		}
		if c.done {
			return 0, io.EOF
		}
		if len(b) == 0 {
			return 0, nil
		}
		c.err = c.nextChunk()
	}
}

// Close closes the underlying body.
func (c *chunkedBody) Close() error { return c.closer.Close() }

// readUnsigned passes through data of the current unsigned chunk.
func (c *chunkedBody) readUnsigned(b []byte) (int, error) {
	if int64(len(b)) > c.remaining {
		b = b[:c.remaining]
	}
	n, err := c.src.Read(b)
	c.remaining -= int64(n)
	if err != nil && c.remaining > 0 {
		c.err = errS3IncompleteBody()
		return n, c.err
	}
	if c.remaining == 0 {
		if e := c.readCRLF(); e != nil {
			c.err = e
		}
	}
	return n, nil
}

// nextChunk reads the next chunk header and, in the signed modes, the chunk.
func (c *chunkedBody) nextChunk() error {
	line, err := c.readLine()
	if err != nil {
		return err
	}
	sizeHex, ext, hasExt := strings.Cut(line, ";")
	size, perr := strconv.ParseUint(sizeHex, 16, 63)
	if perr != nil {
		return errS3BadChunkEncoding("bad chunk size " + strconv.Quote(sizeHex))
	}
	signed := c.p.mode != modeStreamUnsignedTrailer
	var sig string
	if signed {
		var ok bool
		sig, ok = strings.CutPrefix(ext, "chunk-signature=")
		if !hasExt || !ok {
			return errS3BadChunkEncoding("chunk without chunk-signature")
		}
	}
	c.chunks++
	if size > 0 && c.chunks > 1 && c.lastSize < minChunkSize {
		return errS3ChunkTooSmall(c.chunks, c.lastSize)
	}
	c.lastSize = int64(size)
	if int64(size) > c.p.decodedLen-c.total {
		return errS3IncompleteBody()
	}
	c.total += int64(size)
	if !signed {
		if size == 0 {
			return c.finish()
		}
		c.remaining = int64(size)
		return nil
	}
	if int64(size) > c.p.maxChunk {
		return errS3BadChunkEncoding("chunk larger than " + strconv.FormatInt(c.p.maxChunk, 10) + " bytes")
	}
	if err := c.readData(int(size)); err != nil {
		return err
	}
	if size > 0 {
		if err := c.readCRLF(); err != nil {
			return err
		}
	}
	if err := c.verifyChunk(sig, c.data); err != nil {
		return err
	}
	if size == 0 {
		return c.finish()
	}
	return nil
}

// readData reads size bytes of chunk data into c.data. The buffer grows as
// data arrives, not at once to the size the client claims, and is reused
// from chunk to chunk.
func (c *chunkedBody) readData(size int) error {
	c.data, c.off = c.data[:0], 0
	for len(c.data) < size {
		if len(c.data) == cap(c.data) {
			c.data = slices.Grow(c.data, min(size-len(c.data), max(cap(c.data), 64<<10)))
		}
		n, err := c.src.Read(c.data[len(c.data):min(cap(c.data), size)])
		c.data = c.data[:len(c.data)+n]
		if err != nil && len(c.data) < size {
			return errS3IncompleteBody()
		}
	}
	return nil
}

// verifyChunk checks one chunk signature and advances the chain.
func (c *chunkedBody) verifyChunk(sig string, data []byte) error {
	sts := appendStringToSign(make([]byte, 0, 256), chunkAlgorithm, c.p.amzDate, c.p.scope, c.prevSig, emptySHA256)
	sts = appendHexSHA256(append(sts, '\n'), data)
	want := sign(c.p.key, sts)
	if !signatureEqual(want, sig) {
		return errS3ChunkSignature(c.p.accessKeyID, sig, string(sts), c.p.canonical)
	}
	c.prevSig = hex.EncodeToString(want[:])
	return nil
}

// finish reads what follows the final chunk (an empty line, or trailing
// headers and, when signed, their signature) and checks the decoded length.
func (c *chunkedBody) finish() error {
	c.data, c.off = c.data[:0], 0
	if c.p.mode == modeStreamSigned {
		if err := c.readCRLF(); err != nil {
			return err
		}
	} else if err := c.readTrailer(); err != nil {
		return err
	}
	if c.total != c.p.decodedLen {
		return errS3IncompleteBody()
	}
	c.done = true
	return nil
}

// readTrailer reads "name:value" lines up to an empty line. In the signed
// trailer mode the x-amz-trailer-signature line signs the others.
func (c *chunkedBody) readTrailer() error {
	type field struct{ name, value string }
	var fields []field
	var sig string
	haveSig := false
	for {
		line, err := c.readLine()
		if err != nil {
			return err
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || len(fields) >= maxTrailers {
			return errS3BadChunkEncoding("bad trailer line")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if name == "x-amz-trailer-signature" {
			sig, haveSig = value, true
			continue
		}
		fields = append(fields, field{name, value})
	}
	if c.p.mode == modeStreamSignedTrailer {
		slices.SortStableFunc(fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
		var canon bytes.Buffer
		for _, f := range fields {
			canon.WriteString(f.name)
			canon.WriteByte(':')
			canon.WriteString(f.value)
			canon.WriteByte('\n')
		}
		sts := appendStringToSign(nil, trailerAlgorithm, c.p.amzDate, c.p.scope, c.prevSig, hexSHA256(canon.Bytes()))
		if !haveSig || !signatureEqual(sign(c.p.key, sts), sig) {
			return errS3ChunkSignature(c.p.accessKeyID, sig, string(sts), c.p.canonical)
		}
	}
	for _, f := range fields {
		c.p.trailer.Add(textproto.CanonicalMIMEHeaderKey(f.name), f.value)
	}
	for _, name := range c.p.declared {
		if _, ok := c.p.trailer[textproto.CanonicalMIMEHeaderKey(name)]; !ok {
			return errS3MalformedTrailer()
		}
	}
	return nil
}

// readLine reads one CRLF-terminated line, without its CRLF.
func (c *chunkedBody) readLine() (string, error) {
	line, err := c.src.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", errS3BadChunkEncoding("line too long")
	case err != nil:
		return "", errS3IncompleteBody()
	}
	s, ok := strings.CutSuffix(string(line), "\r\n")
	if !ok {
		return "", errS3BadChunkEncoding("line not terminated by CRLF")
	}
	return s, nil
}

// readCRLF consumes the CRLF that ends a chunk's data.
func (c *chunkedBody) readCRLF() error {
	line, err := c.readLine()
	if err != nil {
		return err
	}
	if line != "" {
		return errS3BadChunkEncoding("chunk data longer than its size")
	}
	return nil
}

// hashCheckBody passes a body through and, at EOF, compares its SHA-256 with
// the x-amz-content-sha256 the client declared.
type hashCheckBody struct {
	r        io.ReadCloser
	declared string
	h        hash.Hash
	err      error
}

// Read implements io.Reader.
func (b *hashCheckBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	b.h.Write(p[:n])
	if errors.Is(err, io.EOF) {
		var sum [sha256.Size]byte
		if got := hex.EncodeToString(b.h.Sum(sum[:0])); !strings.EqualFold(got, b.declared) {
			err = errS3SHAMismatch(b.declared, got)
		}
	}
	b.err = err
	return n, err
}

// Close closes the underlying body.
func (b *hashCheckBody) Close() error { return b.r.Close() }
