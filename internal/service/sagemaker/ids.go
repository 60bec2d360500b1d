package sagemaker

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strings"

	"abacus/internal/op"
)

// randomBytes reads n bytes from the service's random source.
func (s *Service) randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return nil, err
	}
	return b, nil
}

// hexID returns n random lower-case hex characters; on a failing random
// source it falls back to a digest of the call's request ID, which is
// unique per request.
func (s *Service) hexID(c *op.Call, n int) string {
	b, err := s.randomBytes((n + 1) / 2)
	if err != nil {
		sum := sha256.Sum256([]byte(c.RequestID))
		b = sum[:]
	}
	return hex.EncodeToString(b)[:n]
}

// base36 is the alphabet of domain IDs (d-[a-z0-9]{12}).
const base36 = "abcdefghijklmnopqrstuvwxyz0123456789"

// newDomainID returns the ID of the domain a CreateDomain call creates,
// such as d-abcdefgh1234. It is derived from the call's request ID, which is
// unique, so that authorization (before the domain exists) and the handler
// name the same domain; a call without a request ID gets a random one.
func (s *Service) newDomainID(c *op.Call) (string, error) {
	var b []byte
	if c.RequestID != "" {
		sum := sha256.Sum256([]byte("domain:" + c.RequestID))
		b = sum[:12]
	} else {
		var err error
		if b, err = s.randomBytes(12); err != nil {
			return "", err
		}
	}
	var sb strings.Builder
	sb.WriteString("d-")
	for _, x := range b {
		sb.WriteByte(base36[int(x)%len(base36)])
	}
	return sb.String(), nil
}

// newToken returns a URL-safe random token of 32 bytes and the digest under
// which it is stored (tokens themselves are never stored).
func (s *Service) newToken() (token, digest string, err error) {
	b, err := s.randomBytes(32)
	if err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenDigest(token), nil
}

// tokenDigest is the store key of a token.
func tokenDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
