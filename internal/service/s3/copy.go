package s3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"abacus/internal/blob"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// parseCopySource splits x-amz-copy-source ("bucket/key" or "/bucket/key",
// URL-encoded, optionally with ?versionId=).
func parseCopySource(src string) (bucket, key string, err error) {
	src, _, _ = strings.Cut(src, "?versionId=")
	u, uerr := url.PathUnescape(strings.TrimPrefix(src, "/"))
	b, k, ok := strings.Cut(u, "/")
	if uerr != nil || !ok || b == "" || k == "" {
		return "", "", newError(http.StatusBadRequest, CodeInvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey").
			with("ArgumentName", "x-amz-copy-source").with("ArgumentValue", src)
	}
	return b, k, nil
}

func (s *Service) authorizeCopyObject(ctx context.Context, c *op.Call, in *CopyObjectInput) ([]op.Check, error) {
	if err := checkKey(in.Key); err != nil {
		return nil, err
	}
	sb, sk, err := parseCopySource(in.CopySource)
	if err != nil {
		return nil, err
	}
	tags, err := parseTagging(in.Tagging)
	if err != nil {
		return nil, err
	}
	src, err := s.objectChecks(ctx, sb, sk, nil, "s3:GetObject")
	if err != nil {
		return nil, err
	}
	keys := writeKeys(in.ACL, tags)
	keys["s3:x-amz-copy-source"] = []string{in.CopySource}
	if in.MetadataDirective != nil {
		keys["s3:x-amz-metadata-directive"] = []string{*in.MetadataDirective}
	}
	actions := []string{"s3:PutObject"}
	if strings.EqualFold(deref(in.TaggingDirective), "REPLACE") && tags != nil {
		actions = append(actions, "s3:PutObjectTagging")
	}
	dst, err := s.writeChecks(ctx, in.Bucket, in.Key, keys, actions...)
	if err != nil {
		return nil, err
	}
	return append(src, dst...), nil
}

// CopyObject copies an object's bytes into a new blob (streamed, constant
// memory) and stores it under the destination key with the source's or the
// request's metadata and tags.
func (s *Service) CopyObject(ctx context.Context, c *op.Call, in *CopyObjectInput) (*CopyObjectOutput, error) {
	sb, sk, err := parseCopySource(in.CopySource)
	if err != nil {
		return nil, err
	}
	replaceMeta := strings.EqualFold(deref(in.MetadataDirective), "REPLACE")
	replaceTags := strings.EqualFold(deref(in.TaggingDirective), "REPLACE")
	if sb == in.Bucket && sk == in.Key && !replaceMeta && !replaceTags {
		return nil, newError(http.StatusBadRequest, CodeInvalidRequest,
			"This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	var src object
	var r io.ReadCloser
	for attempt := 0; ; attempt++ {
		var srcBucket bucket
		err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
			var err error
			if srcBucket, err = loadBucket(ctx, tx, sb); err != nil {
				return err
			}
			src, err = loadObject(ctx, tx, srcBucket, sk)
			return err
		})
		if errors.Is(err, &Error{Code: CodeNoSuchKey}) {
			return nil, s.missingObject(ctx, c, srcBucket, sk)
		}
		if err != nil {
			return nil, err
		}
		if err := copyConditions(in, src.doc); err != nil {
			return nil, err
		}
		// As in GetObject: a source replaced under us is read again.
		r, err = s.blobs.OpenRange(src.doc.Segments, 0, src.doc.Size)
		if errors.Is(err, blob.ErrNotFound) && attempt < maxReopen {
			continue
		}
		if err != nil {
			return nil, err
		}
		break
	}
	defer r.Close()
	d := newDigester(r, []string{"CRC64NVME"})
	bl, err := s.blobs.Write(ctx, d)
	if err != nil {
		return nil, err
	}
	doc := objectDoc{objectMeta: src.doc.objectMeta, Size: bl.Size, ETag: d.etag(), Checksums: d.sums(), ChecksumType: "FULL_OBJECT",
		Segments: []blob.Segment{{ID: bl.ID, Size: bl.Size}}, LastModified: c.Now}
	if replaceMeta {
		doc.objectMeta = metaOf(in.ContentType, in.ContentEncoding, in.ContentDisposition, in.ContentLanguage, in.CacheControl, in.Expires, in.Metadata)
	}
	tags := src.res.Tags
	if replaceTags {
		t, err := parseTagging(in.Tagging)
		if err != nil {
			s.deleteBlobs(ctx, doc.Segments)
			return nil, err
		}
		tags = modelTags(t)
	}
	if err := s.commitObject(ctx, c, in.Bucket, in.Key, doc, append([]model.Tag(nil), tags...), nil, nil); err != nil {
		return nil, err
	}
	lm := c.Now.UTC()
	res := &CopyObjectResult{ETag: ptr(doc.ETag), LastModified: &lm, ChecksumType: ptr("FULL_OBJECT"),
		ChecksumCRC64NVME: ptr(doc.Checksums["CRC64NVME"])}
	return &CopyObjectOutput{CopyObjectResult: res}, nil
}

// copyConditions applies the x-amz-copy-source-if-* headers; every failure
// is 412 PreconditionFailed.
func copyConditions(in *CopyObjectInput, d objectDoc) error {
	lm := d.LastModified.Truncate(time.Second)
	if in.CopySourceIfMatch != nil {
		if !etagMatch(*in.CopySourceIfMatch, d.ETag) {
			return errPreconditionFailed("x-amz-copy-source-If-Match")
		}
	} else if in.CopySourceIfUnmodifiedSince != nil && lm.After(*in.CopySourceIfUnmodifiedSince) {
		return errPreconditionFailed("x-amz-copy-source-If-Unmodified-Since")
	}
	if in.CopySourceIfNoneMatch != nil {
		if etagMatch(*in.CopySourceIfNoneMatch, d.ETag) {
			return errPreconditionFailed("x-amz-copy-source-If-None-Match")
		}
	} else if in.CopySourceIfModifiedSince != nil && !lm.After(*in.CopySourceIfModifiedSince) {
		return errPreconditionFailed("x-amz-copy-source-If-Modified-Since")
	}
	return nil
}
