package s3

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strings"
)

// The flexible checksum algorithms S3 verifies, by their header suffix
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
var algorithms = []string{"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"}

// crc64NVME is the CRC-64/NVME table: polynomial 0xad93d23594c93659,
// reflected (Go's tables take the reversed polynomial).
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

func newHash(alg string) hash.Hash {
	switch alg {
	case "CRC32":
		return crc32.NewIEEE()
	case "CRC32C":
		return crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case "CRC64NVME":
		return crc64.New(crc64NVME)
	case "SHA1":
		return sha1.New()
	case "SHA256":
		return sha256.New()
	}
	return nil
}

// checksumField returns the member of c for alg.
func (c *Checksums) field(alg string) **string {
	switch alg {
	case "CRC32":
		return &c.ChecksumCRC32
	case "CRC32C":
		return &c.ChecksumCRC32C
	case "CRC64NVME":
		return &c.ChecksumCRC64NVME
	case "SHA1":
		return &c.ChecksumSHA1
	case "SHA256":
		return &c.ChecksumSHA256
	}
	return nil
}

// declared returns the checksums c carries, by algorithm.
func (c *Checksums) declared() map[string]string {
	var m map[string]string
	for _, alg := range algorithms {
		if v := *c.field(alg); v != nil {
			if m == nil {
				m = map[string]string{}
			}
			m[alg] = *v
		}
	}
	return m
}

// set fills c from a map of algorithm to value.
func (c *Checksums) set(m map[string]string) {
	for alg, v := range m {
		if f := c.field(alg); f != nil {
			*f = ptr(v)
		}
	}
}

// trailerBody is what the server's S3 request body offers beyond
// io.Reader: the trailing headers of an aws-chunked payload, available once
// the body has been read to EOF, and the names announced in x-amz-trailer.
type trailerBody interface {
	Trailer(name string) string
	TrailerNames() []string
}

// digester hashes a payload as it streams: MD5 for the ETag and every
// flexible checksum the request names.
type digester struct {
	r    io.Reader
	md5  hash.Hash
	algs map[string]hash.Hash
	n    int64
}

// newDigester wraps body, computing MD5 and the checksums of algs (and
// CRC64NVME when algs is empty, as S3 stores for every new object).
func newDigester(body io.Reader, algs []string) *digester {
	d := &digester{r: body, md5: md5.New(), algs: map[string]hash.Hash{}}
	for _, a := range algs {
		if h := newHash(a); h != nil {
			d.algs[a] = h
		}
	}
	if len(d.algs) == 0 {
		d.algs["CRC64NVME"] = newHash("CRC64NVME")
	}
	return d
}

// Read implements io.Reader.
func (d *digester) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if n > 0 {
		d.md5.Write(p[:n])
		for _, h := range d.algs {
			h.Write(p[:n])
		}
		d.n += int64(n)
	}
	return n, err
}

// sums returns the computed checksums in base64.
func (d *digester) sums() map[string]string {
	m := make(map[string]string, len(d.algs))
	for a, h := range d.algs {
		m[a] = base64.StdEncoding.EncodeToString(h.Sum(nil))
	}
	return m
}

// wantedAlgorithms lists the checksum algorithms a request names: in
// checksum headers, in x-amz-sdk-checksum-algorithm, or as trailers.
func wantedAlgorithms(c *Checksums, sdkAlg *string, body io.Reader) []string {
	seen := map[string]bool{}
	var out []string
	add := func(a string) {
		a = strings.ToUpper(a)
		if newHash(a) != nil && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	for a := range c.declared() {
		add(a)
	}
	if sdkAlg != nil {
		add(*sdkAlg)
	}
	if tb, ok := body.(trailerBody); ok {
		for _, name := range tb.TrailerNames() {
			if a, ok := strings.CutPrefix(strings.ToLower(name), "x-amz-checksum-"); ok {
				add(a)
			}
		}
	}
	return out
}

// verify checks the computed digests against Content-MD5, the checksum
// headers and the checksum trailers; it returns the checksums to store.
func (d *digester) verify(contentMD5 *string, c *Checksums, body io.Reader) (map[string]string, error) {
	if contentMD5 != nil {
		want, err := base64.StdEncoding.DecodeString(*contentMD5)
		if err != nil || len(want) != md5.Size {
			return nil, newError(http.StatusBadRequest, CodeInvalidDigest, "The Content-MD5 you specified was invalid.").with("Content-MD5", *contentMD5)
		}
		if string(want) != string(d.md5.Sum(nil)) {
			return nil, errBadDigest("The Content-MD5 you specified did not match what we received.").
				with("ExpectedDigest", *contentMD5).with("CalculatedDigest", base64.StdEncoding.EncodeToString(d.md5.Sum(nil)))
		}
	}
	got := d.sums()
	declared := c.declared()
	if tb, ok := body.(trailerBody); ok {
		for _, a := range algorithms {
			if v := tb.Trailer("x-amz-checksum-" + strings.ToLower(a)); v != "" {
				if declared == nil {
					declared = map[string]string{}
				}
				declared[a] = v
			}
		}
	}
	for a, v := range declared {
		if got[a] != v {
			return nil, errBadDigest("The " + a + " you specified did not match the calculated checksum.")
		}
	}
	return got, nil
}

// etag returns the quoted hex MD5 of the digested bytes.
func (d *digester) etag() string {
	return `"` + hexString(d.md5.Sum(nil)) + `"`
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// multipartETag is S3's ETag of a completed multipart upload: the MD5 of
// the concatenated binary MD5s of the parts, then "-" and the part count.
func multipartETag(partMD5s [][]byte) string {
	h := md5.New()
	for _, m := range partMD5s {
		h.Write(m)
	}
	return `"` + hexString(h.Sum(nil)) + "-" + itoa(len(partMD5s)) + `"`
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
