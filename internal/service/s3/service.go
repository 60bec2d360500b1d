package s3

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"abacus/internal/blob"
	"abacus/internal/model"
	"abacus/internal/store"
)

// Store is the slice of storage S3 needs: generic resources in read and
// read-write transactions. *sqlite.Store satisfies it.
type Store interface {
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
	Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
}

// Resource types of the generic store.
const (
	typeBucket = "s3:bucket" // ID: bucket name; held by the owner's account
	typeObject = "s3:object" // ID: bucket + "/" + key; in the bucket owner's account
	typeUpload = "s3:upload" // ID: upload ID
	typePart   = "s3:part"   // ID: upload ID + "/" + five-digit part number
)

// Options configure a [Service]. Store and Blobs are required. The
// service reads the time only from each call (op.Call.Now), which the
// server takes from its injected clock.
type Options struct {
	Store Store
	// Blobs holds object bytes.
	Blobs *blob.Store
	// Rand is the source of upload IDs; nil means crypto/rand.
	Rand io.Reader
	// ValidatePolicy checks a bucket policy document (a resource-based
	// policy with Principal); nil accepts any JSON object. Its error
	// message becomes MalformedPolicy's.
	ValidatePolicy func(doc string) error
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
}

// Service implements S3: buckets, objects, multipart uploads, tagging and
// bucket policies. Metadata lives in the store, bytes in the blob store.
// It is safe for concurrent use.
type Service struct {
	st    Store
	blobs *blob.Store
	rand  io.Reader
	valid func(string) error
	log   *slog.Logger
}

// New returns a Service.
func New(opt Options) *Service {
	s := &Service{st: opt.Store, blobs: opt.Blobs, rand: opt.Rand, valid: opt.ValidatePolicy, log: opt.Logger}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// bucketDoc is a bucket's stored document.
type bucketDoc struct {
	Region string `json:"region"`
	Policy string `json:"policy,omitempty"`
	// Tagged tells an empty tag set that was put from none (NoSuchTagSet).
	Tagged bool `json:"tagged,omitempty"`
}

// bucket is a loaded bucket.
type bucket struct {
	res   model.Resource
	doc   bucketDoc
	owner model.AccountID
}

// objectMeta is the stored metadata of an object or a multipart upload.
type objectMeta struct {
	ContentType        string            `json:"contentType,omitempty"`
	ContentEncoding    string            `json:"contentEncoding,omitempty"`
	ContentDisposition string            `json:"contentDisposition,omitempty"`
	ContentLanguage    string            `json:"contentLanguage,omitempty"`
	CacheControl       string            `json:"cacheControl,omitempty"`
	Expires            string            `json:"expires,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
}

// objectDoc is an object's stored document.
type objectDoc struct {
	objectMeta
	Size int64 `json:"size"`
	// ETag is quoted, as S3 sends it.
	ETag string `json:"etag"`
	// Checksums maps an algorithm (CRC32, CRC32C, CRC64NVME, SHA1,
	// SHA256) to its base64 value; ChecksumType is FULL_OBJECT or
	// COMPOSITE.
	Checksums    map[string]string `json:"checksums,omitempty"`
	ChecksumType string            `json:"checksumType,omitempty"`
	// Segments are the blobs holding the bytes, in order: one for PutObject
	// and CopyObject, one per part for a completed multipart upload.
	Segments     []blob.Segment `json:"segments"`
	LastModified time.Time      `json:"lastModified"`
}

// object is a loaded object.
type object struct {
	res model.Resource
	doc objectDoc
}

func bucketARN(name string) string        { return "arn:aws:s3:::" + name }
func objectARN(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }
func objectID(bucket, key string) string  { return bucket + "/" + key }

// canonicalID is the canonical user ID S3 shows as an account's Owner ID:
// 64 hex digits derived from the account.
func canonicalID(acct model.AccountID) string {
	h := sha256.Sum256([]byte("abacus canonical user " + string(acct)))
	return hex.EncodeToString(h[:])
}

// loadBucket finds a bucket by name in any account.
func loadBucket(ctx context.Context, tx store.ReadTx, name string) (bucket, error) {
	owner, err := tx.ResourceOwner(ctx, typeBucket, name)
	if errors.Is(err, store.ErrNotFound) {
		return bucket{}, errNoSuchBucket(name)
	}
	if err != nil {
		return bucket{}, err
	}
	res, err := tx.GetResource(ctx, owner, typeBucket, name)
	if errors.Is(err, store.ErrNotFound) {
		return bucket{}, errNoSuchBucket(name)
	}
	if err != nil {
		return bucket{}, err
	}
	b := bucket{res: res, owner: owner}
	if len(res.Document) > 0 {
		if err := json.Unmarshal(res.Document, &b.doc); err != nil {
			return bucket{}, fmt.Errorf("bucket %q: %w", name, err)
		}
	}
	return b, nil
}

// loadObject finds an object of a loaded bucket.
func loadObject(ctx context.Context, tx store.ReadTx, b bucket, key string) (object, error) {
	res, err := tx.GetResource(ctx, b.owner, typeObject, objectID(b.res.ID, key))
	if errors.Is(err, store.ErrNotFound) {
		return object{}, errNoSuchKey(key)
	}
	if err != nil {
		return object{}, err
	}
	o := object{res: res}
	if err := json.Unmarshal(res.Document, &o.doc); err != nil {
		return object{}, fmt.Errorf("object %q: %w", res.ID, err)
	}
	return o, nil
}

func (s *Service) view(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error {
	return s.st.View(ctx, fn)
}

// newUploadID returns a random upload ID.
func (s *Service) newUploadID() (string, error) {
	var b [24]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("upload id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // documents are plain structs
	}
	return b
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var z T
	if p == nil {
		return z
	}
	return *p
}

// tagsOf converts stored tags to a map.
func tagsOf(tags []model.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// deleteBlobs removes the blobs of segments no longer referenced; a
// failure only leaves an unreferenced file, so it is logged.
func (s *Service) deleteBlobs(ctx context.Context, segs []blob.Segment) {
	for _, g := range segs {
		if err := s.blobs.Delete(g.ID); err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "delete blob", slog.String("blob", g.ID), slog.Any("error", err))
		}
	}
}
