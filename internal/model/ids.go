package model

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
)

// Prefixes of IAM unique identifiers and access key IDs, as listed under
// "Understanding unique ID prefixes" in
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html.
const (
	PrefixUser               = "AIDA"
	PrefixGroup              = "AGPA"
	PrefixRole               = "AROA"
	PrefixManagedPolicy      = "ANPA"
	PrefixInstanceProfile    = "AIPA"
	PrefixAccessKey          = "AKIA"
	PrefixTemporaryAccessKey = "ASIA"
)

// base32 alphabet (RFC 4648) that AWS unique IDs and access key IDs use
// after their prefix.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// secretAlphabet is the alphabet of secret access keys.
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// IDGenerator makes identifiers that are unique without coordination
// between nodes: every identifier carries enough random bits (at least 80)
// that collisions are negligible. The zero value reads crypto/rand; set Rand
// to a deterministic reader in tests. An IDGenerator is safe for concurrent
// use when its Rand is.
type IDGenerator struct {
	Rand io.Reader
}

func (g IDGenerator) read(b []byte) error {
	r := g.Rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("generate identifier: %w", err)
	}
	return nil
}

// fromAlphabet returns n characters drawn uniformly from alphabet, whose
// length must be a power of two no larger than 256.
func (g IDGenerator) fromAlphabet(alphabet string, n int) (string, error) {
	b := make([]byte, n)
	if err := g.read(b); err != nil {
		return "", err
	}
	mask := byte(len(alphabet) - 1)
	for i := range b {
		b[i] = alphabet[b[i]&mask]
	}
	return string(b), nil
}

// UniqueID returns an IAM unique ID: prefix (four characters, e.g.
// [PrefixRole]) followed by 17 random base32 characters, 21 characters in
// all.
func (g IDGenerator) UniqueID(prefix string) (string, error) {
	s, err := g.fromAlphabet(idAlphabet, 17)
	if err != nil {
		return "", err
	}
	return prefix + s, nil
}

// UserID returns a new IAM user ID (AIDA...).
func (g IDGenerator) UserID() (string, error) { return g.UniqueID(PrefixUser) }

// GroupID returns a new IAM group ID (AGPA...).
func (g IDGenerator) GroupID() (string, error) { return g.UniqueID(PrefixGroup) }

// RoleID returns a new IAM role ID (AROA...).
func (g IDGenerator) RoleID() (string, error) { return g.UniqueID(PrefixRole) }

// PolicyID returns a new managed policy ID (ANPA...).
func (g IDGenerator) PolicyID() (string, error) { return g.UniqueID(PrefixManagedPolicy) }

// AccessKeyID returns a new long-term access key ID: AKIA followed by 16
// random base32 characters (20 characters, as AWS's).
func (g IDGenerator) AccessKeyID() (string, error) { return g.keyID(PrefixAccessKey) }

// TemporaryAccessKeyID returns a new STS access key ID (ASIA...).
func (g IDGenerator) TemporaryAccessKeyID() (string, error) {
	return g.keyID(PrefixTemporaryAccessKey)
}

func (g IDGenerator) keyID(prefix string) (string, error) {
	s, err := g.fromAlphabet(idAlphabet, 16)
	if err != nil {
		return "", err
	}
	return prefix + s, nil
}

// SecretAccessKey returns a new 40-character secret access key.
func (g IDGenerator) SecretAccessKey() (Secret, error) {
	s, err := g.fromAlphabet(secretAlphabet, 40)
	return Secret(s), err
}

// SessionToken returns a new opaque session token: 96 random bytes in
// standard base64 (128 characters).
func (g IDGenerator) SessionToken() (Secret, error) {
	b := make([]byte, 96)
	if err := g.read(b); err != nil {
		return "", err
	}
	return Secret(base64.StdEncoding.EncodeToString(b)), nil
}

// UUID returns a random (version 4, RFC 9562) UUID in its canonical
// lower-case form, as used for request IDs and audit event IDs.
func (g IDGenerator) UUID() (string, error) {
	var b [16]byte
	if err := g.read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:]), nil
}
