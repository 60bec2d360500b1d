package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// DefaultKeyCacheSize is the number of derived signing keys a [Verifier]
// keeps when [Config.KeyCacheSize] is zero.
const DefaultKeyCacheSize = 4096

// keyCacheKey identifies one derived signing key. The secret is held only as
// its SHA-256, so a rotated secret never hits a stale key.
type keyCacheKey struct {
	accessKeyID string
	secret      [sha256.Size]byte
	date        string
	region      string
	service     string
}

// keyCache is a bounded map of derived signing keys, safe for concurrent
// use. When full, an arbitrary entry is dropped to make room.
type keyCache struct {
	mu  sync.Mutex
	max int
	m   map[keyCacheKey][sha256.Size]byte
}

func newKeyCache(size int) *keyCache {
	if size <= 0 {
		size = DefaultKeyCacheSize
	}
	return &keyCache{max: size, m: make(map[keyCacheKey][sha256.Size]byte)}
}

// signingKey returns the SigV4 signing key for the scope, deriving it on a miss.
func (c *keyCache) signingKey(accessKeyID string, secret SecretKey, date, region, service string) [sha256.Size]byte {
	k := keyCacheKey{
		accessKeyID: accessKeyID,
		secret:      secret.sum,
		date:        date,
		region:      region,
		service:     service,
	}
	c.mu.Lock()
	key, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return key
	}
	key = deriveSigningKey(secret, date, region, service)
	c.mu.Lock()
	if len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = key
	c.mu.Unlock()
	return key
}

// len returns the number of cached keys.
func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// deriveSigningKey computes
// HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
func deriveSigningKey(secret SecretKey, date, region, service string) [sha256.Size]byte {
	k := hmacSHA256([]byte("AWS4"+secret.Reveal()), date)
	k = hmacSHA256(k[:], region)
	k = hmacSHA256(k[:], service)
	return hmacSHA256(k[:], scopeTerminator)
}

func hmacSHA256(key []byte, data string) [sha256.Size]byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// sign returns the HMAC-SHA256 of stringToSign under key.
func sign(key [sha256.Size]byte, stringToSign []byte) [sha256.Size]byte {
	h := hmac.New(sha256.New, key[:])
	h.Write(stringToSign)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// signatureEqual reports, in constant time, whether provided is the
// lower-case hex encoding of computed.
func signatureEqual(computed [sha256.Size]byte, provided string) bool {
	var want [2 * sha256.Size]byte
	hex.Encode(want[:], computed[:])
	if len(provided) != len(want) {
		return false
	}
	var got [2 * sha256.Size]byte
	copy(got[:], provided)
	return hmac.Equal(want[:], got[:])
}

// appendStringToSign appends the string to sign for a canonical request or a
// chunk: algorithm, timestamp, scope and the hex hashes given.
func appendStringToSign(b []byte, alg, amzDate, scope string, parts ...string) []byte {
	b = append(b, alg...)
	b = append(b, '\n')
	b = append(b, amzDate...)
	b = append(b, '\n')
	b = append(b, scope...)
	for _, p := range parts {
		b = append(b, '\n')
		b = append(b, p...)
	}
	return b
}

// hexSHA256 returns the lower-case hex SHA-256 of b.
func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// appendHexSHA256 appends the lower-case hex SHA-256 of b.
func appendHexSHA256(dst, b []byte) []byte {
	sum := sha256.Sum256(b)
	return hex.AppendEncode(dst, sum[:])
}
