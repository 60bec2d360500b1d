package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"abacus/internal/blob"
)

func open(t *testing.T) *blob.Store {
	t.Helper()
	s, err := blob.Open(filepath.Join(t.TempDir(), "objects"), blob.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// files returns every regular file under dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteOpenDelete(t *testing.T) {
	t.Parallel()
	s := open(t)
	data := bytes.Repeat([]byte("abcdefgh"), 100000)
	b, err := s.Write(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b.Size != int64(len(data)) || len(b.ID) != 32 {
		t.Fatalf("blob %+v", b)
	}
	f, err := s.Open(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, data) {
		t.Fatal("bytes differ")
	}
	if err := s.Delete(b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(b.ID); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("open after delete: %v", err)
	}
	if err := s.Delete(b.ID); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	for _, id := range []string{"", "../../etc/passwd", "ZZ", "0123456789abcdef0123456789abcdeg"} {
		if _, err := s.Open(id); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

type failingReader struct{ n int }

var errCut = errors.New("client went away")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errCut
	}
	m := min(len(p), r.n)
	r.n -= m
	return m, nil
}

// TestInterruptedWriteLeavesNothing: a body cut short, or a cancelled
// context, leaves no file at all.
func TestInterruptedWriteLeavesNothing(t *testing.T) {
	t.Parallel()
	s := open(t)
	if _, err := s.Write(context.Background(), &failingReader{n: 1 << 20}); !errors.Is(err, errCut) {
		t.Fatalf("err = %v, want the reader's", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Write(ctx, bytes.NewReader([]byte("x"))); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if f := files(t, s.Dir()); len(f) != 0 {
		t.Fatalf("left behind: %v", f)
	}
}

// TestOpenSweepsTemporaryFiles: a crash mid-write leaves a temporary file,
// which the next Open removes.
func TestOpenSweepsTemporaryFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "objects")
	s, err := blob.Open(dir, blob.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tmp", "partial"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := s.Write(context.Background(), bytes.NewReader([]byte("kept")))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := blob.Open(dir, blob.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f := files(t, filepath.Join(dir, "tmp")); len(f) != 0 {
		t.Fatalf("temporary files survived: %v", f)
	}
	f, err := s2.Open(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestSegmentReader(t *testing.T) {
	t.Parallel()
	s := open(t)
	parts := []string{"hello ", "wide ", "world"}
	var segs []blob.Segment
	var all string
	for _, p := range parts {
		b, err := s.Write(context.Background(), bytes.NewReader([]byte(p)))
		if err != nil {
			t.Fatal(err)
		}
		segs = append(segs, blob.Segment{ID: b.ID, Size: b.Size})
		all += p
	}
	if err := s.Check(segs); err != nil {
		t.Fatal(err)
	}
	for off := 0; off <= len(all); off++ {
		for n := 0; off+n <= len(all); n++ {
			r := s.NewReader(segs, int64(off), int64(n))
			got, err := io.ReadAll(r)
			r.Close()
			if err != nil || string(got) != all[off:off+n] {
				t.Fatalf("range %d+%d = %q, %v; want %q", off, n, got, err, all[off:off+n])
			}
		}
	}
	s.Delete(segs[1].ID)
	if err := s.Check(segs); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Check with a missing segment = %v", err)
	}
}

// BenchmarkWrite64MiB writes 64 MiB blobs with fsync; allocations per op
// stay constant whatever the size.
func BenchmarkWrite64MiB(b *testing.B) {
	s, err := blob.Open(filepath.Join(b.TempDir(), "objects"), blob.Options{})
	if err != nil {
		b.Fatal(err)
	}
	const size = 64 << 20
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		bl, err := s.Write(context.Background(), io.LimitReader(zeros{}, size))
		if err != nil {
			b.Fatal(err)
		}
		s.Delete(bl.ID)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestOpenRangeOutlivesDelete: a range opened before its blobs are deleted
// is still read whole; one opened after fails with ErrNotFound.
func TestOpenRangeOutlivesDelete(t *testing.T) {
	t.Parallel()
	s := open(t)
	var segs []blob.Segment
	for _, p := range []string{"first-", "second-", "third"} {
		b, err := s.Write(context.Background(), bytes.NewReader([]byte(p)))
		if err != nil {
			t.Fatal(err)
		}
		segs = append(segs, blob.Segment{ID: b.ID, Size: b.Size})
	}
	r, err := s.OpenRange(segs, 3, 12)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range segs {
		s.Delete(g.ID)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != "st-second-th" {
		t.Fatalf("read %q, %v", got, err)
	}
	if _, err := s.OpenRange(segs, 0, 5); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("OpenRange of deleted blobs: %v", err)
	}
}
