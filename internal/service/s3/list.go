package s3

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"abacus/internal/op"
	"abacus/internal/store"
)

// listToken is where a listing continues: the store's marker of the page
// that holds the next entry, how many items of that page to skip, and the
// last common prefix returned (its keys are skipped, not repeated). Each
// page of a listing therefore reads the store from where the previous one
// stopped, whatever the delimiter rolls up.
type listToken struct {
	M string `json:"m,omitempty"`
	S int    `json:"s,omitempty"`
	P string `json:"p,omitempty"`
}

func (t listToken) encode() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string) (listToken, error) {
	var t listToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.S < 0 {
		return t, errInvalidArgument("The continuation token provided is incorrect", "continuation-token", s)
	}
	return t, nil
}

// listing is one page of a bucket listing.
type listing struct {
	contents  []Object
	prefixes  []string
	truncated bool
	next      listToken
	last      string // the last key or common prefix returned
}

// list returns up to max entries (objects and common prefixes) of bucket
// b whose keys start with prefix, after startAfter, from tok.
func (s *Service) list(ctx context.Context, tx store.ReadTx, b bucket, prefix, delim string, max int, startAfter string, tok listToken, owner bool) (listing, error) {
	var out listing
	if max == 0 {
		return out, nil
	}
	base := b.res.ID + "/"
	opts := store.ResourceListOptions{Prefix: base + prefix, Marker: tok.M, MaxItems: store.MaxMaxItems}
	skip, lastCP, pageStart := tok.S, tok.P, tok.M
	count := 0
	for {
		page, err := tx.ListResources(ctx, b.owner, typeObject, opts)
		if err != nil {
			return out, err
		}
		for i, r := range page.Items {
			if i < skip {
				continue
			}
			key := strings.TrimPrefix(r.ID, base)
			if startAfter != "" && key <= startAfter {
				continue
			}
			if delim != "" {
				if j := strings.Index(key[len(prefix):], delim); j >= 0 {
					cp := key[:len(prefix)+j+len(delim)]
					if cp == lastCP {
						continue
					}
					if count == max {
						out.truncated, out.next = true, listToken{M: pageStart, S: i, P: lastCP}
						return out, nil
					}
					out.prefixes = append(out.prefixes, cp)
					out.last, lastCP = cp, cp
					count++
					continue
				}
			}
			if count == max {
				out.truncated, out.next = true, listToken{M: pageStart, S: i, P: lastCP}
				return out, nil
			}
			var d objectDoc
			if err := jsonUnmarshal(r.Document, &d); err != nil {
				return out, err
			}
			lm := d.LastModified
			o := Object{Key: ptr(key), LastModified: &lm, ETag: ptr(d.ETag), Size: ptr(d.Size), StorageClass: ptr("STANDARD")}
			if owner {
				o.Owner = &Owner{ID: ptr(canonicalID(b.owner))}
			}
			out.contents = append(out.contents, o)
			out.last = key
			count++
		}
		skip = 0
		if !page.IsTruncated {
			return out, nil
		}
		pageStart, opts.Marker = page.Marker, page.Marker
	}
}

func maxKeys(p *int32) (int, error) {
	if p == nil {
		return 1000, nil
	}
	if *p < 0 {
		return 0, errInvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", itoa(int(*p)))
	}
	return min(int(*p), 1000), nil
}

// encoder returns the key encoding of encoding-type: url encodes keys and
// prefixes in the response as S3 does (botocore decodes them).
func encoder(t *string) (func(string) string, error) {
	switch {
	case t == nil:
		return func(s string) string { return s }, nil
	case *t == "url":
		return url.QueryEscape, nil
	}
	return nil, newError(http.StatusBadRequest, CodeInvalidArgument, "Invalid Encoding Method specified in Request").
		with("ArgumentName", "encoding-type").with("ArgumentValue", *t)
}

func encodePtr(enc func(string) string, p *string) *string {
	if p == nil {
		return nil
	}
	return ptr(enc(*p))
}

func (s *Service) authorizeListObjectsV2(ctx context.Context, _ *op.Call, in *ListObjectsV2Input) ([]op.Check, error) {
	return s.bucketCheck(ctx, in.Bucket, "s3:ListBucket", listKeys(in.Prefix, in.Delimiter, in.MaxKeys))
}

// ListObjectsV2 lists a bucket's objects by key, rolling keys up into
// common prefixes at the delimiter.
func (s *Service) ListObjectsV2(ctx context.Context, _ *op.Call, in *ListObjectsV2Input) (*ListObjectsV2Output, error) {
	max, err := maxKeys(in.MaxKeys)
	if err != nil {
		return nil, err
	}
	enc, err := encoder(in.EncodingType)
	if err != nil {
		return nil, err
	}
	var tok listToken
	startAfter := deref(in.StartAfter)
	if in.ContinuationToken != nil {
		if tok, err = decodeToken(*in.ContinuationToken); err != nil {
			return nil, err
		}
		startAfter = ""
	}
	var l listing
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		l, err = s.list(ctx, tx, b, deref(in.Prefix), deref(in.Delimiter), max, startAfter, tok, deref(in.FetchOwner))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &ListObjectsV2Output{
		IsTruncated: ptr(l.truncated), Name: &in.Bucket, Prefix: ptr(enc(deref(in.Prefix))), Delimiter: encodePtr(enc, in.Delimiter),
		MaxKeys: ptr(int32(max)), EncodingType: in.EncodingType, KeyCount: ptr(int32(len(l.contents) + len(l.prefixes))),
		ContinuationToken: in.ContinuationToken, StartAfter: encodePtr(enc, in.StartAfter),
	}
	for _, o := range l.contents {
		o.Key = ptr(enc(*o.Key))
		out.Contents = append(out.Contents, o)
	}
	for _, p := range l.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, CommonPrefix{Prefix: ptr(enc(p))})
	}
	if l.truncated {
		out.NextContinuationToken = ptr(l.next.encode())
	}
	return out, nil
}

func (s *Service) authorizeListObjects(ctx context.Context, _ *op.Call, in *ListObjectsInput) ([]op.Check, error) {
	return s.bucketCheck(ctx, in.Bucket, "s3:ListBucket", listKeys(in.Prefix, in.Delimiter, in.MaxKeys))
}

// ListObjects is version 1 of the listing: Marker is a key to start
// after, and NextMarker is sent when a delimiter is given.
func (s *Service) ListObjects(ctx context.Context, _ *op.Call, in *ListObjectsInput) (*ListObjectsOutput, error) {
	max, err := maxKeys(in.MaxKeys)
	if err != nil {
		return nil, err
	}
	enc, err := encoder(in.EncodingType)
	if err != nil {
		return nil, err
	}
	marker, delim := deref(in.Marker), deref(in.Delimiter)
	var tok listToken
	if delim != "" && strings.HasSuffix(marker, delim) {
		// A marker that is a common prefix continues after its keys.
		tok.P = marker
	}
	var l listing
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		l, err = s.list(ctx, tx, b, deref(in.Prefix), delim, max, marker, tok, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &ListObjectsOutput{
		IsTruncated: ptr(l.truncated), Marker: ptr(enc(marker)), Name: &in.Bucket, Prefix: ptr(enc(deref(in.Prefix))),
		Delimiter: encodePtr(enc, in.Delimiter), MaxKeys: ptr(int32(max)), EncodingType: in.EncodingType,
	}
	for _, o := range l.contents {
		o.Key = ptr(enc(*o.Key))
		out.Contents = append(out.Contents, o)
	}
	for _, p := range l.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, CommonPrefix{Prefix: ptr(enc(p))})
	}
	if l.truncated && delim != "" {
		out.NextMarker = ptr(enc(l.last))
	}
	return out, nil
}
