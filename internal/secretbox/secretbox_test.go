package secretbox_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"abacus/internal/secretbox"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	box, err := secretbox.LoadOrCreate("", nil)
	if err != nil {
		t.Fatal(err)
	}
	ad := []byte("arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf/v1")
	tests := []struct {
		name string
		pt   []byte
	}{
		{"empty", []byte{}},
		{"short", []byte("s3cr3t")},
		{"binary", []byte{0, 1, 2, 255}},
		{"large", bytes.Repeat([]byte("x"), 65536)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, err := box.Seal(tt.pt, ad)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.pt) > 0 && bytes.Contains(ct, tt.pt) {
				t.Fatal("ciphertext contains the plaintext")
			}
			got, err := box.Open(ct, ad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.pt) {
				t.Fatalf("Open = %q, want %q", got, tt.pt)
			}
			ct2, _ := box.Seal(tt.pt, ad)
			if bytes.Equal(ct, ct2) {
				t.Fatal("two seals of one value are equal: nonce reused")
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	t.Parallel()
	box, _ := secretbox.LoadOrCreate("", nil)
	other, _ := secretbox.LoadOrCreate("", nil)
	ct, err := box.Seal([]byte("value"), []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(ct)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name string
		box  *secretbox.Box
		ct   []byte
		ad   string
	}{
		{"other additional data", box, ct, "b"},
		{"other key", other, ct, "a"},
		{"tampered", box, flipped, "a"},
		{"truncated", box, ct[:10], "a"},
		{"empty", box, nil, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.box.Open(tt.ct, []byte(tt.ad)); !errors.Is(err, secretbox.ErrOpen) {
				t.Fatalf("Open = %v, want ErrOpen", err)
			}
		})
	}
}

func TestKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	box, err := secretbox.LoadOrCreate(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, secretbox.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	ct, err := box.Seal([]byte("kept"), nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := secretbox.LoadOrCreate(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(ct, nil); err != nil || string(got) != "kept" {
		t.Fatalf("reopened key: Open = %q, %v", got, err)
	}
}

func TestBadKeys(t *testing.T) {
	t.Parallel()
	if _, err := secretbox.New(make([]byte, 16), nil); err == nil {
		t.Error("New accepted a 16-byte key")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, secretbox.KeyFile), []byte("not hex"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := secretbox.LoadOrCreate(dir, nil); err == nil {
		t.Error("LoadOrCreate accepted a malformed key file")
	}
}

func BenchmarkSealOpen(b *testing.B) {
	box, _ := secretbox.LoadOrCreate("", nil)
	pt := bytes.Repeat([]byte("x"), 256)
	ad := []byte("arn/v")
	b.ReportAllocs()
	for b.Loop() {
		ct, _ := box.Seal(pt, ad)
		if _, err := box.Open(ct, ad); err != nil {
			b.Fatal(err)
		}
	}
}
