package s3

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"abacus/internal/blob"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// Multipart limits
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html):
// parts 1 to 10000, every part but the last at least 5 MiB.
const (
	maxPartNumber = 10000
	minPartSize   = 5 << 20
)

// uploadDoc is a multipart upload's stored document.
type uploadDoc struct {
	objectMeta
	Key       string    `json:"key"`
	Tagging   []Tag     `json:"tagging,omitempty"`
	Initiated time.Time `json:"initiated"`
	Algorithm string    `json:"algorithm,omitempty"`
}

// partDoc is an uploaded part's stored document.
type partDoc struct {
	Number       int32             `json:"number"`
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"`
	MD5          string            `json:"md5"`
	Blob         string            `json:"blob"`
	Checksums    map[string]string `json:"checksums,omitempty"`
	LastModified time.Time         `json:"lastModified"`
}

func uploadID(bucket, id string) string { return bucket + "/" + id }
func partID(bucket, id string, n int32) string {
	return fmt.Sprintf("%s/%s/%05d", bucket, id, n)
}

func (s *Service) authorizeCreateMultipartUpload(ctx context.Context, _ *op.Call, in *CreateMultipartUploadInput) ([]op.Check, error) {
	if err := checkKey(in.Key); err != nil {
		return nil, err
	}
	tags, err := parseTagging(in.Tagging)
	if err != nil {
		return nil, err
	}
	actions := []string{"s3:PutObject"}
	if tags != nil {
		actions = append(actions, "s3:PutObjectTagging")
	}
	return s.writeChecks(ctx, in.Bucket, in.Key, writeKeys(in.ACL, tags), actions...)
}

// CreateMultipartUpload starts a multipart upload.
func (s *Service) CreateMultipartUpload(ctx context.Context, c *op.Call, in *CreateMultipartUploadInput) (*CreateMultipartUploadOutput, error) {
	tags, err := parseTagging(in.Tagging)
	if err != nil {
		return nil, err
	}
	id, err := s.newUploadID()
	if err != nil {
		return nil, err
	}
	doc := uploadDoc{
		objectMeta: metaOf(in.ContentType, in.ContentEncoding, in.ContentDisposition, in.ContentLanguage, in.CacheControl, in.Expires, in.Metadata),
		Key:        in.Key, Tagging: tags, Initiated: c.Now, Algorithm: strings.ToUpper(deref(in.ChecksumAlgorithm)),
	}
	err = s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		_, err = tx.CreateResource(ctx, b.owner, model.Resource{Type: typeUpload, ID: uploadID(in.Bucket, id), Name: in.Key,
			Document: mustJSON(doc), CreateDate: c.Now, UpdateDate: c.Now})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &CreateMultipartUploadOutput{Bucket: &in.Bucket, Key: &in.Key, UploadId: &id}
	if doc.Algorithm != "" {
		out.ChecksumAlgorithm = ptr(doc.Algorithm)
		out.ChecksumType = ptr("COMPOSITE")
	}
	return out, nil
}

// loadUpload finds an upload of a loaded bucket for key.
func loadUpload(ctx context.Context, tx store.ReadTx, b bucket, key, id string) (model.Resource, uploadDoc, error) {
	var d uploadDoc
	r, err := tx.GetResource(ctx, b.owner, typeUpload, uploadID(b.res.ID, id))
	if errors.Is(err, store.ErrNotFound) {
		return r, d, errNoSuchUpload(id)
	}
	if err != nil {
		return r, d, err
	}
	if err := jsonUnmarshal(r.Document, &d); err != nil {
		return r, d, err
	}
	if d.Key != key {
		return r, d, errNoSuchUpload(id)
	}
	return r, d, nil
}

// listParts returns every stored part of an upload, by number.
func listParts(ctx context.Context, tx store.ReadTx, b bucket, id string) ([]model.Resource, []partDoc, error) {
	var res []model.Resource
	var docs []partDoc
	opts := store.ResourceListOptions{Prefix: uploadID(b.res.ID, id) + "/", MaxItems: store.MaxMaxItems}
	for {
		page, err := tx.ListResources(ctx, b.owner, typePart, opts)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range page.Items {
			var d partDoc
			if err := jsonUnmarshal(r.Document, &d); err != nil {
				return nil, nil, err
			}
			res, docs = append(res, r), append(docs, d)
		}
		if !page.IsTruncated {
			return res, docs, nil
		}
		opts.Marker = page.Marker
	}
}

func (s *Service) authorizeUploadPart(ctx context.Context, _ *op.Call, in *UploadPartInput) ([]op.Check, error) {
	return s.objectChecks(ctx, in.Bucket, in.Key, nil, "s3:PutObject")
}

// UploadPart stores one part; uploading a part number again replaces it.
func (s *Service) UploadPart(ctx context.Context, c *op.Call, in *UploadPartInput) (*UploadPartOutput, error) {
	if err := checkSize(in.ContentLength); err != nil {
		return nil, err
	}
	if in.PartNumber < 1 || in.PartNumber > maxPartNumber {
		return nil, errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", itoa(int(in.PartNumber)))
	}
	// Fail fast on an unknown upload before reading the body.
	if err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		_, _, err = loadUpload(ctx, tx, b, in.Key, in.UploadId)
		return err
	}); err != nil {
		return nil, err
	}
	bl, etag, sums, md5sum, err := s.ingest(ctx, in.Body, in.ContentMD5, &in.Checksums, in.ChecksumAlgorithm)
	if err != nil {
		return nil, err
	}
	doc := partDoc{Number: in.PartNumber, Size: bl.Size, ETag: etag, MD5: hex.EncodeToString(md5sum), Blob: bl.ID,
		Checksums: sums, LastModified: c.Now}
	var old string
	err = s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		if _, _, err := loadUpload(ctx, tx, b, in.Key, in.UploadId); err != nil {
			return err
		}
		r := model.Resource{Type: typePart, ID: partID(in.Bucket, in.UploadId, in.PartNumber), Document: mustJSON(doc),
			CreateDate: c.Now, UpdateDate: c.Now}
		cur, err := tx.GetResource(ctx, b.owner, typePart, r.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			_, err = tx.CreateResource(ctx, b.owner, r)
			return err
		case err != nil:
			return err
		}
		var cd partDoc
		_ = jsonUnmarshal(cur.Document, &cd)
		old = cd.Blob
		r.Version = cur.Version
		_, err = tx.UpdateResource(ctx, b.owner, r)
		return err
	})
	if err != nil {
		s.deleteBlobs(ctx, []blob.Segment{{ID: bl.ID}})
		return nil, err
	}
	if old != "" {
		s.deleteBlobs(ctx, []blob.Segment{{ID: old}})
	}
	out := &UploadPartOutput{ETag: &etag}
	for a, v := range sums {
		if a != "CRC64NVME" || in.ChecksumCRC64NVME != nil {
			out.Checksums.set(map[string]string{a: v})
		}
	}
	return out, nil
}

func (s *Service) authorizeCompleteMultipartUpload(ctx context.Context, _ *op.Call, in *CompleteMultipartUploadInput) ([]op.Check, error) {
	return s.objectChecks(ctx, in.Bucket, in.Key, nil, "s3:PutObject")
}

// CompleteMultipartUpload assembles the listed parts into the object. The
// parts' blobs become the object's segments, so nothing is copied.
func (s *Service) CompleteMultipartUpload(ctx context.Context, c *op.Call, in *CompleteMultipartUploadInput) (*CompleteMultipartUploadOutput, error) {
	if in.MultipartUpload == nil || len(in.MultipartUpload.Parts) == 0 {
		return nil, newError(http.StatusBadRequest, CodeMalformedXML,
			"The XML you provided was not well-formed or did not validate against our published schema")
	}
	var doc objectDoc
	var unused, replaced []blob.Segment
	err := s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		ur, ud, err := loadUpload(ctx, tx, b, in.Key, in.UploadId)
		if err != nil {
			return err
		}
		prs, pds, err := listParts(ctx, tx, b, in.UploadId)
		if err != nil {
			return err
		}
		byNum := map[int32]partDoc{}
		for _, d := range pds {
			byNum[d.Number] = d
		}
		used := map[int32]bool{}
		var md5s [][]byte
		var segs []blob.Segment
		var size int64
		last := int32(0)
		for i, p := range in.MultipartUpload.Parts {
			n := deref(p.PartNumber)
			if n <= last {
				return newError(http.StatusBadRequest, CodeInvalidPartOrder, "The list of parts was not in ascending order. Parts must be ordered by part number.").
					with("UploadId", in.UploadId)
			}
			last = n
			d, ok := byNum[n]
			if !ok || p.ETag == nil || !etagMatch(*p.ETag, d.ETag) {
				return newError(http.StatusBadRequest, CodeInvalidPart,
					"One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.").
					with("UploadId", in.UploadId).with("PartNumber", itoa(int(n))).with("ETag", deref(p.ETag))
			}
			if i < len(in.MultipartUpload.Parts)-1 && d.Size < minPartSize {
				return newError(http.StatusBadRequest, CodeEntityTooSmall, "Your proposed upload is smaller than the minimum allowed size").
					with("ProposedSize", itoa(int(d.Size))).with("MinSizeAllowed", itoa(minPartSize)).
					with("PartNumber", itoa(int(n))).with("ETag", d.ETag)
			}
			m, _ := hex.DecodeString(d.MD5)
			md5s = append(md5s, m)
			segs = append(segs, blob.Segment{ID: d.Blob, Size: d.Size})
			size += d.Size
			used[n] = true
		}
		for _, d := range pds {
			if !used[d.Number] {
				unused = append(unused, blob.Segment{ID: d.Blob, Size: d.Size})
			}
		}
		doc = objectDoc{objectMeta: ud.objectMeta, Size: size, ETag: multipartETag(md5s), Segments: segs, LastModified: c.Now}
		// The object replaces any existing one and the upload is consumed
		// in the same transaction: a failed precondition leaves the upload
		// as it was, to be retried or aborted.
		replaced, err = storeObject(ctx, tx, c, b, in.Key, doc, modelTags(ud.Tagging), in.IfMatch, in.IfNoneMatch)
		if err != nil {
			return err
		}
		for _, r := range prs {
			if err := tx.DeleteResource(ctx, b.owner, typePart, r.ID, 0); err != nil {
				return err
			}
		}
		return tx.DeleteResource(ctx, b.owner, typeUpload, ur.ID, 0)
	})
	if err != nil {
		return nil, err
	}
	s.deleteBlobs(ctx, unused)
	s.deleteBlobs(ctx, replaced)
	loc := "/" + in.Bucket + "/" + in.Key
	return &CompleteMultipartUploadOutput{Location: &loc, Bucket: &in.Bucket, Key: &in.Key, ETag: ptr(doc.ETag)}, nil
}

func (s *Service) authorizeAbortMultipartUpload(ctx context.Context, _ *op.Call, in *AbortMultipartUploadInput) ([]op.Check, error) {
	return s.objectChecks(ctx, in.Bucket, in.Key, nil, "s3:AbortMultipartUpload")
}

// AbortMultipartUpload discards an upload and its parts.
func (s *Service) AbortMultipartUpload(ctx context.Context, _ *op.Call, in *AbortMultipartUploadInput) (*AbortMultipartUploadOutput, error) {
	var segs []blob.Segment
	err := s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		ur, _, err := loadUpload(ctx, tx, b, in.Key, in.UploadId)
		if err != nil {
			return err
		}
		segs, err = s.dropUploadSegs(ctx, tx, b, ur)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.deleteBlobs(ctx, segs)
	return &AbortMultipartUploadOutput{}, nil
}

// uploadsOf lists a bucket's open uploads.
func (s *Service) uploadsOf(ctx context.Context, tx store.ReadTx, b bucket) ([]model.Resource, error) {
	var out []model.Resource
	opts := store.ResourceListOptions{Prefix: b.res.ID + "/", MaxItems: store.MaxMaxItems}
	for {
		page, err := tx.ListResources(ctx, b.owner, typeUpload, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if !page.IsTruncated {
			return out, nil
		}
		opts.Marker = page.Marker
	}
}

// dropUploadSegs deletes an upload and its parts in tx and returns the
// parts' blobs, to delete once tx commits.
func (s *Service) dropUploadSegs(ctx context.Context, tx store.Tx, b bucket, ur model.Resource) ([]blob.Segment, error) {
	id := strings.TrimPrefix(ur.ID, b.res.ID+"/")
	prs, pds, err := listParts(ctx, tx, b, id)
	if err != nil {
		return nil, err
	}
	var segs []blob.Segment
	for i, r := range prs {
		if err := tx.DeleteResource(ctx, b.owner, typePart, r.ID, 0); err != nil {
			return nil, err
		}
		segs = append(segs, blob.Segment{ID: pds[i].Blob, Size: pds[i].Size})
	}
	return segs, tx.DeleteResource(ctx, b.owner, typeUpload, ur.ID, 0)
}

func (s *Service) authorizeListParts(ctx context.Context, _ *op.Call, in *ListPartsInput) ([]op.Check, error) {
	return s.objectChecks(ctx, in.Bucket, in.Key, nil, "s3:ListMultipartUploadParts")
}

// ListParts lists an upload's parts by number.
func (s *Service) ListParts(ctx context.Context, c *op.Call, in *ListPartsInput) (*ListPartsOutput, error) {
	maxParts := int32(1000)
	if in.MaxParts != nil && *in.MaxParts >= 0 && *in.MaxParts < 1000 {
		maxParts = *in.MaxParts
	}
	marker := deref(in.PartNumberMarker)
	out := &ListPartsOutput{Bucket: &in.Bucket, Key: &in.Key, UploadId: &in.UploadId, PartNumberMarker: &marker,
		MaxParts: &maxParts, IsTruncated: ptr(false), StorageClass: ptr("STANDARD")}
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		if _, _, err := loadUpload(ctx, tx, b, in.Key, in.UploadId); err != nil {
			return err
		}
		out.Owner = &Owner{ID: ptr(canonicalID(b.owner))}
		_, pds, err := listParts(ctx, tx, b, in.UploadId)
		if err != nil {
			return err
		}
		for _, d := range pds {
			if d.Number <= marker {
				continue
			}
			if int32(len(out.Parts)) == maxParts {
				out.IsTruncated = ptr(true)
				break
			}
			lm := d.LastModified
			out.Parts = append(out.Parts, Part{PartNumber: ptr(d.Number), LastModified: &lm, ETag: ptr(d.ETag), Size: ptr(d.Size)})
		}
		if n := len(out.Parts); n > 0 {
			out.NextPartNumberMarker = out.Parts[n-1].PartNumber
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
