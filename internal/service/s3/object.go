package s3

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"abacus/internal/apierr"
	"abacus/internal/blob"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

func jsonUnmarshal(b []byte, v any) error {
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, v)
}

// maxKeyBytes is the longest object key S3 accepts.
const maxKeyBytes = 1024

func checkKey(key string) error {
	if len(key) > maxKeyBytes {
		return newError(http.StatusBadRequest, CodeKeyTooLong, "Your key is too long").with("MaxSizeAllowed", "1024").with("Size", itoa(len(key)))
	}
	if !utf8.ValidString(key) {
		return errInvalidArgument("Object key is not valid UTF-8", "key", key)
	}
	return nil
}

// parseTagging parses an x-amz-tagging header (URL query encoding) and
// checks S3's object tag limits: at most 10 tags, keys of 1 to 128 and
// values of at most 256 characters, keys unique.
func parseTagging(h *string) ([]Tag, error) {
	if h == nil {
		return nil, nil
	}
	q, err := url.ParseQuery(*h)
	if err != nil {
		return nil, newError(http.StatusBadRequest, CodeInvalidArgument, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	}
	tags := make([]Tag, 0, len(q))
	for k, vs := range q {
		if len(vs) != 1 {
			return nil, newError(http.StatusBadRequest, CodeInvalidTag, "Cannot provide multiple Tags with the same key").with("TagKey", k)
		}
		tags = append(tags, Tag{Key: k, Value: vs[0]})
	}
	return tags, checkTags(tags, 10)
}

// checkTags checks tag limits: at most limit tags (10 for objects, 50 for
// buckets), keys of 1 to 128 and values of at most 256 characters, unique
// keys, no aws: prefix.
func checkTags(tags []Tag, limit int) error {
	if len(tags) > limit {
		if limit == 10 {
			return newError(http.StatusBadRequest, CodeInvalidTag, "Object tags cannot be greater than 10")
		}
		return newError(http.StatusBadRequest, CodeInvalidTag, "Bucket tag count cannot be greater than %d", limit)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case utf8.RuneCountInString(t.Key) < 1 || utf8.RuneCountInString(t.Key) > 128:
			return newError(http.StatusBadRequest, CodeInvalidTag, "The TagKey you have provided is invalid").with("TagKey", t.Key)
		case utf8.RuneCountInString(t.Value) > 256:
			return newError(http.StatusBadRequest, CodeInvalidTag, "The TagValue you have provided is invalid").with("TagKey", t.Key).with("TagValue", t.Value)
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return newError(http.StatusBadRequest, CodeInvalidTag, "Your TagKey cannot be prefixed with aws:").with("TagKey", t.Key)
		case seen[t.Key]:
			return newError(http.StatusBadRequest, CodeInvalidTag, "Cannot provide multiple Tags with the same key").with("TagKey", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func modelTags(tags []Tag) []model.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]model.Tag, len(tags))
	for i, t := range tags {
		out[i] = model.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func wireTags(tags []model.Tag) []Tag {
	out := make([]Tag, len(tags))
	for i, t := range tags {
		out[i] = Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func (s *Service) authorizePutObject(ctx context.Context, _ *op.Call, in *PutObjectInput) ([]op.Check, error) {
	if err := checkKey(in.Key); err != nil {
		return nil, err
	}
	tags, err := parseTagging(in.Tagging)
	if err != nil {
		return nil, err
	}
	actions := []string{"s3:PutObject"}
	if tags != nil {
		// "To use tagging with PutObject you must have the
		// s3:PutObjectTagging permission" (PutObject, Amazon S3 API
		// Reference).
		actions = append(actions, "s3:PutObjectTagging")
	}
	return s.writeChecks(ctx, in.Bucket, in.Key, writeKeys(in.ACL, tags), actions...)
}

// readErr turns a failure to read a request body into S3's error: the
// body's own *apierr.Error (a chunk signature, a SHA-256 mismatch), 400
// IncompleteBody for a body cut short, or the error as is.
func readErr(err error) error {
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return newError(http.StatusBadRequest, CodeIncompleteBody, "You did not provide the number of bytes specified by the Content-Length HTTP header")
	}
	return err
}

// ingest streams body into a new blob, verifying Content-MD5 and the
// checksums, and returns the blob with its ETag and checksums. On any
// error nothing is left behind.
func (s *Service) ingest(ctx context.Context, body io.Reader, contentMD5 *string, sums *Checksums, sdkAlg *string) (blob.Blob, string, map[string]string, []byte, error) {
	if body == nil {
		body = strings.NewReader("")
	}
	d := newDigester(body, wantedAlgorithms(sums, sdkAlg, body))
	b, err := s.blobs.Write(ctx, &capped{r: d, left: maxObjectBytes})
	if err != nil {
		return blob.Blob{}, "", nil, nil, readErr(err)
	}
	got, err := d.verify(contentMD5, sums, body)
	if err != nil {
		s.deleteBlobs(ctx, []blob.Segment{{ID: b.ID}})
		return blob.Blob{}, "", nil, nil, err
	}
	return b, d.etag(), got, d.md5.Sum(nil), nil
}

// maxObjectBytes is the largest single upload S3 accepts: 5 GiB for
// PutObject and for each UploadPart
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html).
const maxObjectBytes = 5 << 30

// capped fails with EntityTooLarge once more than left bytes are read.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, errEntityTooLarge()
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, errEntityTooLarge()
	}
	return n, err
}

func errEntityTooLarge() *Error {
	return newError(http.StatusBadRequest, CodeEntityTooLarge, "Your proposed upload exceeds the maximum allowed size").
		with("MaxSizeAllowed", strconv.FormatInt(maxObjectBytes, 10))
}

// checkSize refuses a declared length over the limit before any byte is
// read.
func checkSize(n *int64) error {
	if n != nil && *n > maxObjectBytes {
		return errEntityTooLarge().with("ProposedSize", strconv.FormatInt(*n, 10))
	}
	return nil
}

// metaOf collects the stored headers of an object. The aws-chunked
// content coding describes only the request's framing and is dropped, as
// S3 does.
func metaOf(ct, ce, cd, cl, cc, ex *string, md map[string]string) objectMeta {
	var codings []string
	for c := range strings.SplitSeq(deref(ce), ",") {
		if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "aws-chunked") {
			codings = append(codings, c)
		}
	}
	return objectMeta{ContentType: deref(ct), ContentEncoding: strings.Join(codings, ","), ContentDisposition: deref(cd),
		ContentLanguage: deref(cl), CacheControl: deref(cc), Expires: deref(ex), Metadata: md}
}

// PutObject stores an object: the bytes stream to a blob, and only once
// they are complete, verified and durable is the metadata committed, so a
// failed or interrupted upload leaves nothing visible.
func (s *Service) PutObject(ctx context.Context, c *op.Call, in *PutObjectInput) (*PutObjectOutput, error) {
	if err := checkSize(in.ContentLength); err != nil {
		return nil, err
	}
	tags, err := parseTagging(in.Tagging)
	if err != nil {
		return nil, err
	}
	b, etag, sums, _, err := s.ingest(ctx, in.Body, in.ContentMD5, &in.Checksums, in.ChecksumAlgorithm)
	if err != nil {
		return nil, err
	}
	doc := objectDoc{
		objectMeta:   metaOf(in.ContentType, in.ContentEncoding, in.ContentDisposition, in.ContentLanguage, in.CacheControl, in.Expires, in.Metadata),
		Size:         b.Size,
		ETag:         etag,
		Checksums:    sums,
		ChecksumType: "FULL_OBJECT",
		Segments:     []blob.Segment{{ID: b.ID, Size: b.Size}},
		LastModified: c.Now,
	}
	if err := s.commitObject(ctx, c, in.Bucket, in.Key, doc, modelTags(tags), in.IfMatch, in.IfNoneMatch); err != nil {
		return nil, err
	}
	out := &PutObjectOutput{ETag: &etag, ChecksumType: ptr("FULL_OBJECT")}
	out.Checksums.set(sums)
	return out, nil
}

// commitObject stores doc as the object bucket/key, replacing any existing
// object (whose blobs are then deleted). On failure doc's blobs are
// deleted. ifMatch and ifNoneMatch are the conditional-write headers.
func (s *Service) commitObject(ctx context.Context, c *op.Call, bucketName, key string, doc objectDoc, tags []model.Tag, ifMatch, ifNoneMatch *string) error {
	var old []blob.Segment
	err := s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := loadBucket(ctx, tx, bucketName)
		if err != nil {
			return err
		}
		old, err = storeObject(ctx, tx, c, b, key, doc, tags, ifMatch, ifNoneMatch)
		return err
	})
	if err != nil {
		s.deleteBlobs(ctx, doc.Segments)
		return err
	}
	s.deleteBlobs(ctx, old)
	return nil
}

// storeObject writes doc as the object b/key in tx after checking the
// conditional-write headers, and returns the segments of the object it
// replaced, to delete once tx commits.
func storeObject(ctx context.Context, tx store.Tx, c *op.Call, b bucket, key string, doc objectDoc, tags []model.Tag, ifMatch, ifNoneMatch *string) ([]blob.Segment, error) {
	cur, err := loadObject(ctx, tx, b, key)
	exists := err == nil
	if err != nil && !errors.Is(err, &Error{Code: CodeNoSuchKey}) {
		return nil, err
	}
	if ifNoneMatch != nil && exists && (*ifNoneMatch == "*" || etagMatch(*ifNoneMatch, cur.doc.ETag)) {
		return nil, errPreconditionFailed("If-None-Match")
	}
	if ifMatch != nil && (!exists || !etagMatch(*ifMatch, cur.doc.ETag)) {
		if !exists {
			return nil, errNoSuchKey(key)
		}
		return nil, errPreconditionFailed("If-Match")
	}
	r := model.Resource{Type: typeObject, ID: objectID(b.res.ID, key), ARN: objectARN(b.res.ID, key), Name: key,
		Tags: tags, Document: mustJSON(doc), CreateDate: c.Now, UpdateDate: c.Now}
	if !exists {
		_, err = tx.CreateResource(ctx, b.owner, r)
		return nil, err
	}
	r.Version = cur.res.Version
	if _, err := tx.UpdateResource(ctx, b.owner, r); err != nil {
		return nil, err
	}
	return cur.doc.Segments, nil
}

// etagMatch reports whether an If-Match / If-None-Match list matches etag
// ("*" matches any; quotes and W/ are optional in the list).
func etagMatch(list, etag string) bool {
	for v := range strings.SplitSeq(list, ",") {
		v = strings.TrimSpace(v)
		v = strings.TrimPrefix(v, "W/")
		if v == "*" || strings.Trim(v, `"`) == strings.Trim(etag, `"`) {
			return true
		}
	}
	return false
}

func (s *Service) authorizeGetObject(ctx context.Context, _ *op.Call, in *GetObjectInput) ([]op.Check, error) {
	return s.objectChecks(ctx, in.Bucket, in.Key, nil, "s3:GetObject")
}

// missingObject is the error for a key that does not exist: NoSuchKey
// when the caller may list the bucket, else AccessDenied, as S3 answers
// so that a caller without s3:ListBucket cannot probe for keys
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
// "If the object you request doesn't exist").
func (s *Service) missingObject(ctx context.Context, c *op.Call, b bucket, key string) error {
	if c.Authz == nil {
		return errNoSuchKey(key)
	}
	err := c.Authz.Authorize(ctx, c, op.Check{Action: "s3:ListBucket", Resource: bucketARN(b.res.ID),
		ResourcePolicy: b.doc.Policy, ResourceOwner: b.owner})
	if err != nil {
		return err
	}
	return errNoSuchKey(key)
}

// conditional applies the conditional request headers of a read in the
// order of RFC 7232 section 6 as S3 documents them: If-Match, then
// If-Unmodified-Since (only without If-Match), then If-None-Match, then
// If-Modified-Since (only without If-None-Match).
func conditional(in *GetObjectInput, o objectDoc) error {
	lm := o.LastModified.Truncate(time.Second)
	if in.IfMatch != nil {
		if !etagMatch(*in.IfMatch, o.ETag) {
			return errPreconditionFailed("If-Match")
		}
	} else if in.IfUnmodifiedSince != nil && lm.After(*in.IfUnmodifiedSince) {
		return errPreconditionFailed("If-Unmodified-Since")
	}
	notModified := &Error{Code: CodeNotModified, Status: http.StatusNotModified, Message: "Not Modified"}
	if in.IfNoneMatch != nil {
		if etagMatch(*in.IfNoneMatch, o.ETag) {
			return notModified
		}
	} else if in.IfModifiedSince != nil && !lm.After(*in.IfModifiedSince) {
		return notModified
	}
	return nil
}

// parseRange parses a single byte range of a Range header against size.
// ok is false for a header S3 ignores (not bytes=, several ranges,
// malformed); an unsatisfiable range is InvalidRange.
func parseRange(h string, size int64) (start, end int64, ok bool, err error) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, nil
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return 0, 0, false, nil
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	invalid := newError(http.StatusRequestedRangeNotSatisfiable, CodeInvalidRange, "The requested range is not satisfiable").
		with("RangeRequested", h).with("ActualObjectSize", strconv.FormatInt(size, 10))
	if a == "" {
		n, perr := strconv.ParseInt(b, 10, 64)
		if perr != nil || n < 0 {
			return 0, 0, false, nil
		}
		if n == 0 || size == 0 {
			return 0, 0, false, invalid
		}
		return max(size-n, 0), size - 1, true, nil
	}
	st, perr := strconv.ParseInt(a, 10, 64)
	if perr != nil || st < 0 {
		return 0, 0, false, nil
	}
	en := size - 1
	if b != "" {
		e, perr := strconv.ParseInt(b, 10, 64)
		if perr != nil || e < st {
			return 0, 0, false, nil
		}
		en = min(e, size-1)
	}
	if st >= size {
		return 0, 0, false, invalid
	}
	return st, en, true, nil
}

// read loads an object and applies the conditional and range headers; it
// returns the headers of the response and the byte range to send.
func (s *Service) read(ctx context.Context, c *op.Call, in *GetObjectInput) (objectHeaders, object, int64, int64, error) {
	var h objectHeaders
	if in.PartNumber != nil {
		if *in.PartNumber < 1 || *in.PartNumber > maxPartNumber {
			return h, object{}, 0, 0, errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", itoa(int(*in.PartNumber)))
		}
		if in.Range != nil {
			return h, object{}, 0, 0, newError(http.StatusBadRequest, CodeInvalidRequest, "Cannot specify both Range header and partNumber query parameter")
		}
	}
	var o object
	var b bucket
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		if b, err = loadBucket(ctx, tx, in.Bucket); err != nil {
			return err
		}
		o, err = loadObject(ctx, tx, b, in.Key)
		return err
	})
	if errors.Is(err, &Error{Code: CodeNoSuchKey}) {
		return h, o, 0, 0, s.missingObject(ctx, c, b, in.Key)
	}
	if err != nil {
		return h, o, 0, 0, err
	}
	d := o.doc
	lm := d.LastModified.UTC().Truncate(time.Second)
	h = objectHeaders{
		AcceptRanges: ptr("bytes"), LastModified: &lm, ETag: ptr(d.ETag), Metadata: d.Metadata,
	}
	if d.ContentType != "" {
		h.ContentType = ptr(d.ContentType)
	} else {
		h.ContentType = ptr("binary/octet-stream")
	}
	for v, f := range map[string]**string{d.ContentEncoding: &h.ContentEncoding, d.ContentDisposition: &h.ContentDisposition,
		d.ContentLanguage: &h.ContentLanguage, d.CacheControl: &h.CacheControl, d.Expires: &h.Expires} {
		if v != "" {
			*f = ptr(v)
		}
	}
	if n := len(o.res.Tags); n > 0 {
		h.TagCount = ptr(int32(n))
	}
	if err := conditional(in, d); err != nil {
		if e := (*Error)(nil); errors.As(err, &e) && e.Code == CodeNotModified {
			// 304 carries the validators.
			e.Extra = append(e.Extra, apierr.Field{Name: "ETag", Value: d.ETag})
		}
		return h, o, 0, 0, err
	}
	start, end := int64(0), d.Size-1
	if in.PartNumber != nil {
		// A completed multipart upload keeps one segment per part; any
		// other object is one part.
		parts := 1
		if strings.Contains(d.ETag, "-") {
			parts = len(d.Segments)
			h.PartsCount = ptr(int32(parts))
		}
		pn := int(*in.PartNumber)
		if pn > parts {
			return h, o, 0, 0, newError(http.StatusRequestedRangeNotSatisfiable, "InvalidPartNumber", "The requested partnumber is not satisfiable").
				with("PartNumberRequested", itoa(pn)).with("ActualPartCount", itoa(parts))
		}
		if parts > 1 {
			for _, g := range d.Segments[:pn-1] {
				start += g.Size
			}
			end = start + d.Segments[pn-1].Size - 1
			h.ContentRange = ptr("bytes " + strconv.FormatInt(start, 10) + "-" + strconv.FormatInt(end, 10) + "/" + strconv.FormatInt(d.Size, 10))
		}
	}
	if in.Range != nil {
		st, en, ok, err := parseRange(*in.Range, d.Size)
		if err != nil {
			return h, o, 0, 0, err
		}
		if ok {
			start, end = st, en
			h.ContentRange = ptr("bytes " + strconv.FormatInt(st, 10) + "-" + strconv.FormatInt(en, 10) + "/" + strconv.FormatInt(d.Size, 10))
		}
	}
	n := end - start + 1
	h.ContentLength = &n
	if h.ContentRange == nil && strings.EqualFold(deref(in.ChecksumMode), "ENABLED") {
		h.Checksums.set(d.Checksums)
		if d.ChecksumType != "" {
			h.ChecksumType = ptr(d.ChecksumType)
		}
	}
	return h, o, start, n, nil
}

// GetObject returns an object's bytes (or a range of them) as a stream.
//
// The object's files are opened before GetObject returns, so a concurrent
// overwrite or delete cannot cut the response short. When the files are
// already gone (the object was replaced between reading its metadata and
// opening them), the metadata is read again: the reader then gets the
// newer version, whole.
func (s *Service) GetObject(ctx context.Context, c *op.Call, in *GetObjectInput) (*GetObjectOutput, error) {
	for attempt := 0; ; attempt++ {
		h, o, start, n, err := s.read(ctx, c, in)
		if err != nil {
			return nil, err
		}
		body, err := s.blobs.OpenRange(o.doc.Segments, start, n)
		if errors.Is(err, blob.ErrNotFound) && attempt < maxReopen {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &GetObjectOutput{Body: body, objectHeaders: h}, nil
	}
}

// maxReopen is how many times a read starts over when the object was
// replaced under it.
const maxReopen = 8

func (s *Service) authorizeHeadObject(ctx context.Context, c *op.Call, in *HeadObjectInput) ([]op.Check, error) {
	return s.authorizeGetObject(ctx, c, (*GetObjectInput)(in))
}

// HeadObject returns an object's metadata.
func (s *Service) HeadObject(ctx context.Context, c *op.Call, in *HeadObjectInput) (*HeadObjectOutput, error) {
	h, _, _, _, err := s.read(ctx, c, (*GetObjectInput)(in))
	if err != nil {
		return nil, err
	}
	return &HeadObjectOutput{objectHeaders: h}, nil
}

func (s *Service) authorizeDeleteObject(ctx context.Context, _ *op.Call, in *DeleteObjectInput) ([]op.Check, error) {
	return s.objectChecks(ctx, in.Bucket, in.Key, nil, "s3:DeleteObject")
}

// DeleteObject deletes an object; deleting a key that does not exist
// succeeds, as on an unversioned bucket.
func (s *Service) DeleteObject(ctx context.Context, _ *op.Call, in *DeleteObjectInput) (*DeleteObjectOutput, error) {
	if _, err := s.deleteObject(ctx, in.Bucket, in.Key, in.IfMatch); err != nil {
		return nil, err
	}
	return &DeleteObjectOutput{}, nil
}

func (s *Service) deleteObject(ctx context.Context, bucketName, key string, ifMatch *string) (bool, error) {
	var segs []blob.Segment
	err := s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := loadBucket(ctx, tx, bucketName)
		if err != nil {
			return err
		}
		o, err := loadObject(ctx, tx, b, key)
		if errors.Is(err, &Error{Code: CodeNoSuchKey}) {
			if ifMatch != nil {
				return errNoSuchKey(key)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if ifMatch != nil && !etagMatch(*ifMatch, o.doc.ETag) {
			return errPreconditionFailed("If-Match")
		}
		segs = o.doc.Segments
		return tx.DeleteResource(ctx, b.owner, typeObject, o.res.ID, o.res.Version)
	})
	if err != nil {
		return false, err
	}
	s.deleteBlobs(ctx, segs)
	return segs != nil, nil
}

func (s *Service) authorizeDeleteObjects(ctx context.Context, _ *op.Call, in *DeleteObjectsInput) ([]op.Check, error) {
	// Each key is authorized on its own while the operation runs, and a
	// denied key is an AccessDenied entry of Errors, as S3 reports it; the
	// request itself needs the bucket to exist.
	if in.Delete != nil && len(in.Delete.Objects) > 1000 {
		return nil, newError(http.StatusBadRequest, CodeMalformedXML,
			"The XML you provided was not well-formed or did not validate against our published schema")
	}
	return nil, s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		_, err := loadBucket(ctx, tx, in.Bucket)
		return err
	})
}

// DeleteObjects deletes up to 1000 objects, authorizing s3:DeleteObject on
// each key; a denied or failed key is reported in Errors and the others
// are deleted.
func (s *Service) DeleteObjects(ctx context.Context, c *op.Call, in *DeleteObjectsInput) (*DeleteObjectsOutput, error) {
	out := &DeleteObjectsOutput{}
	quiet := in.Delete != nil && deref(in.Delete.Quiet)
	for _, o := range in.Delete.Objects {
		checks, err := s.objectChecks(ctx, in.Bucket, o.Key, nil, "s3:DeleteObject")
		if err == nil && c.Authz != nil {
			err = c.Authz.Authorize(ctx, c, checks...)
		}
		if err == nil {
			_, err = s.deleteObject(ctx, in.Bucket, o.Key, o.ETag)
		}
		if err != nil {
			code, msg := apierr.CodeInternalError, "We encountered an internal error. Please try again."
			var e *Error
			var ae *apierr.Error
			switch {
			case errors.As(err, &e):
				code, msg = e.Code, e.Message
			case errors.As(err, &ae):
				code, msg = ae.Code, ae.Message
			default:
				s.log.ErrorContext(ctx, "delete object", "bucket", in.Bucket, "key", o.Key, "error", err)
			}
			out.Errors = append(out.Errors, DeleteError{Key: ptr(o.Key), Code: &code, Message: &msg})
			continue
		}
		if !quiet {
			out.Deleted = append(out.Deleted, DeletedObject{Key: ptr(o.Key)})
		}
	}
	return out, nil
}
