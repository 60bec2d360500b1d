// Package secretbox encrypts values at rest with AES-256-GCM under a key
// kept apart from the database.
//
// Each value is sealed with a fresh random 96-bit nonce, prepended to the
// ciphertext; the additional data binds a ciphertext to what it belongs to
// (a secret's ARN and version), so a ciphertext copied onto another record
// does not open. The key lives in its own file, KeyFile, in the data
// directory (mode 0600), created on first start; a database copied without
// that file reveals no value.
//
//	box, err := secretbox.LoadOrCreate(dataDir, nil) // "" keeps a random key in memory
//	ct, err := box.Seal([]byte("s3cr3t"), []byte(arn+"/"+versionID))
//	pt, err := box.Open(ct, []byte(arn+"/"+versionID))
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is the name of the key file in the data directory.
const KeyFile = "secret.key"

// KeySize is the size of an AES-256 key in bytes.
const KeySize = 32

// ErrOpen means a ciphertext did not authenticate: it was changed, is
// bound to other additional data, or was sealed under another key.
var ErrOpen = errors.New("secretbox: message authentication failed")

// Box seals and opens values under one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
	rand io.Reader
}

// New returns a Box for a 32-byte key. rand is the nonce source; nil means
// crypto/rand.
func New(key []byte, rand io.Reader) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return &Box{aead: aead, rand: rand}, nil
}

// LoadOrCreate returns the Box of the key in dir/KeyFile, creating the file
// (mode 0600, hex-encoded key) with a random key when it does not exist. An
// empty dir gives a Box with a random key kept only in memory. rand is the
// source of the key and the nonces; nil means crypto/rand.
func LoadOrCreate(dir string, random io.Reader) (*Box, error) {
	if random == nil {
		random = rand.Reader
	}
	if dir == "" {
		key := make([]byte, KeySize)
		if _, err := io.ReadFull(random, key); err != nil {
			return nil, fmt.Errorf("secretbox: generate key: %w", err)
		}
		return New(key, random)
	}
	path := filepath.Join(dir, KeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return create(path, random)
	}
	if err != nil {
		return nil, fmt.Errorf("secretbox: read key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: %s does not hold a %d-byte hex key", path, KeySize)
	}
	return New(key, random)
}

// create writes a new key file without overwriting one that appeared
// meanwhile.
func create(path string, random io.Reader) (*Box, error) {
	key := make([]byte, KeySize)
	if _, err := io.ReadFull(random, key); err != nil {
		return nil, fmt.Errorf("secretbox: generate key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("secretbox: create key file: %w", err)
	}
	_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return nil, fmt.Errorf("secretbox: write key file: %w", werr)
	}
	return New(key, random)
}

// Seal encrypts plaintext bound to additional data ad and returns
// nonce||ciphertext||tag.
func (b *Box) Seal(plaintext, ad []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	out := make([]byte, ns, ns+len(plaintext)+b.aead.Overhead())
	r := b.rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, fmt.Errorf("secretbox: nonce: %w", err)
	}
	return b.aead.Seal(out, out[:ns], plaintext, ad), nil
}

// Open decrypts what Seal returned for the same additional data; anything
// else gives an error wrapping [ErrOpen].
func (b *Box) Open(sealed, ad []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	if len(sealed) < ns+b.aead.Overhead() {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrOpen, len(sealed))
	}
	pt, err := b.aead.Open(nil, sealed[:ns], sealed[ns:], ad)
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}
