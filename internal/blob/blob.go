// Package blob keeps object bytes in files under one directory, written so
// that a blob is visible only once it is complete and durable:
//
//	s, err := blob.Open(filepath.Join(dataDir, "objects"), blob.Options{})
//	b, err := s.Write(ctx, body)  // temp file, fsync, rename, fsync dir
//	// ... commit metadata naming b.ID; on failure s.Delete(b.ID)
//	f, err := s.Open(b.ID)        // *os.File: ReadAt, Seek, io.Copy
//
// Bytes stream through a fixed-size buffer, so a blob of any size is
// written and read in constant memory. A write that fails, or is cut short
// (the reader returns an error, the context is cancelled, the process
// dies), leaves only a temporary file, which Open sweeps away. A blob's ID
// says nothing about its content: the metadata that names it decides
// whether it is visible, so a crash between Write and the metadata commit
// leaves an unreferenced file, never a partial object.
package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// ErrNotFound means no blob has the ID.
var ErrNotFound = errors.New("blob not found")

// bufferSize is the copy buffer of one write.
const bufferSize = 256 << 10

// Options configure a [Store]. The zero value is valid.
type Options struct {
	// Rand is the source of blob IDs; nil means crypto/rand.
	Rand io.Reader
	// NoSync skips fsync (tests that do not test durability); never set
	// it in production.
	NoSync bool
}

// Store is a directory of blobs. It is safe for concurrent use.
type Store struct {
	dir  string
	tmp  string
	opt  Options
	bufs sync.Pool
}

// Blob is a written blob.
type Blob struct {
	// ID names the blob within its Store: 32 lower-case hex digits.
	ID string
	// Size is its length in bytes.
	Size int64
}

// Open returns the Store in dir, creating dir and its fan-out directories
// as needed and removing temporary files left by interrupted writes.
func Open(dir string, opt Options) (*Store, error) {
	s := &Store{dir: dir, tmp: filepath.Join(dir, "tmp"), opt: opt}
	if s.opt.Rand == nil {
		s.opt.Rand = rand.Reader
	}
	s.bufs.New = func() any { b := make([]byte, bufferSize); return &b }
	if err := os.RemoveAll(s.tmp); err != nil {
		return nil, fmt.Errorf("blob: sweep temporary files: %w", err)
	}
	if err := os.MkdirAll(s.tmp, 0o700); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	for i := range 256 {
		if err := os.MkdirAll(filepath.Join(dir, fmt.Sprintf("%02x", i)), 0o700); err != nil {
			return nil, fmt.Errorf("blob: %w", err)
		}
	}
	if err := s.syncDir(dir); err != nil {
		return nil, err
	}
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) newID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.opt.Rand, b[:]); err != nil {
		return "", fmt.Errorf("blob: id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// path returns the file of a blob, or "" for an ID that is not one.
func (s *Store) path(id string) string {
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return ""
	}
	return filepath.Join(s.dir, id[:2], id[2:])
}

// Write copies r into a new blob and returns it once its bytes and its
// name are on stable storage. When r fails, ctx is done, or anything else
// goes wrong, nothing is left behind and the error is returned (r's error
// unwrapped as it came).
func (s *Store) Write(ctx context.Context, r io.Reader) (Blob, error) {
	id, err := s.newID()
	if err != nil {
		return Blob{}, err
	}
	f, err := os.CreateTemp(s.tmp, id+"-*")
	if err != nil {
		return Blob{}, fmt.Errorf("blob: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bp := s.bufs.Get().(*[]byte)
	n, err := copyCtx(ctx, f, r, *bp)
	s.bufs.Put(bp)
	if err != nil {
		return Blob{}, err
	}
	if !s.opt.NoSync {
		if err := f.Sync(); err != nil {
			return Blob{}, fmt.Errorf("blob: sync: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return Blob{}, fmt.Errorf("blob: close: %w", err)
	}
	final := s.path(id)
	if err := os.Rename(f.Name(), final); err != nil {
		return Blob{}, fmt.Errorf("blob: rename: %w", err)
	}
	if err := s.syncDir(filepath.Dir(final)); err != nil {
		os.Remove(final)
		return Blob{}, err
	}
	ok = true
	return Blob{ID: id, Size: n}, nil
}

// copyCtx copies src to dst through buf, checking ctx between reads. A
// read error is returned as is; a write error is wrapped.
func copyCtx(ctx context.Context, dst io.Writer, src io.Reader, buf []byte) (int64, error) {
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, rerr := src.Read(buf)
		if m > 0 {
			if _, err := dst.Write(buf[:m]); err != nil {
				return n, fmt.Errorf("blob: write: %w", err)
			}
			n += int64(m)
		}
		if errors.Is(rerr, io.EOF) {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

func (s *Store) syncDir(dir string) error {
	if s.opt.NoSync {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("blob: sync dir: %w", err)
	}
	return nil
}

// Open opens a blob for reading; [ErrNotFound] when there is none.
func (s *Store) Open(id string) (*os.File, error) {
	p := s.path(id)
	if p == "" {
		return nil, fmt.Errorf("blob %q: %w", id, ErrNotFound)
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return f, nil
}

// Delete removes a blob; deleting one that does not exist is not an error.
// Readers that opened it before keep reading it.
func (s *Store) Delete(id string) error {
	p := s.path(id)
	if p == "" {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// Segment is one blob of a multi-blob object (an object assembled from
// multipart upload parts, each kept as its own blob).
type Segment struct {
	ID   string
	Size int64
}

// NewReader returns a reader of n bytes starting at off of the
// concatenation of segs. It opens each segment's file only when reading
// reaches it, and Close closes the open one. A missing segment file is an
// error wrapping [ErrNotFound] at the point the reader reaches it; callers
// that must fail before sending anything should call [Store.Check] first.
func (s *Store) NewReader(segs []Segment, off, n int64) io.ReadCloser {
	return &segReader{s: s, segs: segs, off: off, left: n}
}

// Check reports an error wrapping [ErrNotFound] when a segment's file is
// missing.
func (s *Store) Check(segs []Segment) error {
	for _, g := range segs {
		p := s.path(g.ID)
		if p == "" {
			return fmt.Errorf("blob %q: %w", g.ID, ErrNotFound)
		}
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("blob %q: %w", g.ID, ErrNotFound)
			}
			return fmt.Errorf("blob: %w", err)
		}
	}
	return nil
}

// maxEagerSegments bounds how many segment files [Store.OpenRange] opens
// up front.
const maxEagerSegments = 256

// OpenRange is [Store.NewReader] with the files of the segments the range
// touches (up to 256 of them) opened at once: a missing one is an error
// wrapping [ErrNotFound] now, and a blob deleted afterwards (an object
// overwritten while it is being read) is still read whole, since an open
// file outlives its name.
func (s *Store) OpenRange(segs []Segment, off, n int64) (io.ReadCloser, error) {
	r := &segReader{s: s, segs: segs, off: off, left: n}
	for len(r.segs) > 0 && r.off >= r.segs[0].Size {
		r.off -= r.segs[0].Size
		r.segs = r.segs[1:]
	}
	end := r.off + n
	for _, g := range r.segs {
		if end <= 0 || len(r.opened) == maxEagerSegments {
			break
		}
		f, err := s.Open(g.ID)
		if err != nil {
			r.Close()
			return nil, err
		}
		r.opened = append(r.opened, f)
		end -= g.Size
	}
	return r, nil
}

type segReader struct {
	s    *Store
	segs []Segment
	off  int64 // offset within the concatenation of the remaining segs
	left int64
	cur  *io.SectionReader
	f    *os.File
	// opened are files of the next segments, opened ahead by OpenRange.
	opened []*os.File
}

func (r *segReader) Read(p []byte) (int, error) {
	for {
		if r.left <= 0 {
			return 0, io.EOF
		}
		if r.cur == nil {
			if err := r.next(); err != nil {
				return 0, err
			}
		}
		if int64(len(p)) > r.left {
			p = p[:r.left]
		}
		n, err := r.cur.Read(p)
		r.left -= int64(n)
		if errors.Is(err, io.EOF) {
			r.f.Close()
			r.f, r.cur = nil, nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

// next opens the segment that holds r.off.
func (r *segReader) next() error {
	for len(r.segs) > 0 && r.off >= r.segs[0].Size {
		r.off -= r.segs[0].Size
		r.segs = r.segs[1:]
	}
	if len(r.segs) == 0 {
		return io.ErrUnexpectedEOF
	}
	g := r.segs[0]
	var f *os.File
	if len(r.opened) > 0 {
		f, r.opened = r.opened[0], r.opened[1:]
	} else {
		var err error
		if f, err = r.s.Open(g.ID); err != nil {
			return err
		}
	}
	r.f = f
	r.cur = io.NewSectionReader(f, r.off, g.Size-r.off)
	r.segs = r.segs[1:]
	r.off = 0
	return nil
}

func (r *segReader) Close() error {
	var err error
	if r.f != nil {
		err = r.f.Close()
		r.f, r.cur = nil, nil
	}
	for _, f := range r.opened {
		f.Close()
	}
	r.opened = nil
	return err
}

// IDs calls fn with the ID of every blob in the store, in no particular
// order, until fn returns false.
func (s *Store) IDs(fn func(id string) bool) error {
	for i := range 256 {
		d := filepath.Join(s.dir, fmt.Sprintf("%02x", i))
		entries, err := os.ReadDir(d)
		if err != nil {
			return fmt.Errorf("blob: %w", err)
		}
		for _, e := range entries {
			id := d[len(d)-2:] + e.Name()
			if e.Type().IsRegular() && s.path(id) != "" && !fn(id) {
				return nil
			}
		}
	}
	return nil
}
