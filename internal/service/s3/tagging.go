package s3

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

func (s *Service) authorizePutObjectTagging(ctx context.Context, _ *op.Call, in *PutObjectTaggingInput) ([]op.Check, error) {
	var tags []Tag
	if in.Tagging != nil {
		tags = in.Tagging.TagSet
	}
	if tags == nil {
		tags = []Tag{}
	}
	return s.objectChecks(ctx, in.Bucket, in.Key, writeKeys(nil, tags), "s3:PutObjectTagging")
}

// updateObject applies fn to an existing object's resource in one
// transaction.
func (s *Service) updateObject(ctx context.Context, c *op.Call, bucketName, key string, fn func(r *model.Resource) error) error {
	return s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := loadBucket(ctx, tx, bucketName)
		if err != nil {
			return err
		}
		o, err := loadObject(ctx, tx, b, key)
		if err != nil {
			return err
		}
		if err := fn(&o.res); err != nil {
			return err
		}
		_, err = tx.UpdateResource(ctx, b.owner, o.res)
		return err
	})
}

// PutObjectTagging replaces an object's tags.
func (s *Service) PutObjectTagging(ctx context.Context, c *op.Call, in *PutObjectTaggingInput) (*PutObjectTaggingOutput, error) {
	if err := checkTags(in.Tagging.TagSet, 10); err != nil {
		return nil, err
	}
	err := s.updateObject(ctx, c, in.Bucket, in.Key, func(r *model.Resource) error {
		r.Tags = modelTags(in.Tagging.TagSet)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutObjectTaggingOutput{}, nil
}

func (s *Service) authorizeGetObjectTagging(ctx context.Context, _ *op.Call, in *GetObjectTaggingInput) ([]op.Check, error) {
	return s.objectChecks(ctx, in.Bucket, in.Key, nil, "s3:GetObjectTagging")
}

// GetObjectTagging returns an object's tags (an empty set when it has
// none).
func (s *Service) GetObjectTagging(ctx context.Context, _ *op.Call, in *GetObjectTaggingInput) (*GetObjectTaggingOutput, error) {
	var o object
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		b, err := loadBucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		o, err = loadObject(ctx, tx, b, in.Key)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GetObjectTaggingOutput{TagSet: wireTags(o.res.Tags)}, nil
}

func (s *Service) authorizeDeleteObjectTagging(ctx context.Context, _ *op.Call, in *DeleteObjectTaggingInput) ([]op.Check, error) {
	return s.objectChecks(ctx, in.Bucket, in.Key, nil, "s3:DeleteObjectTagging")
}

// DeleteObjectTagging removes an object's tags.
func (s *Service) DeleteObjectTagging(ctx context.Context, c *op.Call, in *DeleteObjectTaggingInput) (*DeleteObjectTaggingOutput, error) {
	err := s.updateObject(ctx, c, in.Bucket, in.Key, func(r *model.Resource) error {
		r.Tags = nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteObjectTaggingOutput{}, nil
}

// updateBucket applies fn to a bucket's resource and document in one
// transaction.
func (s *Service) updateBucket(ctx context.Context, c *op.Call, name string, fn func(r *model.Resource, d *bucketDoc) error) error {
	return s.st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := loadBucket(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := fn(&b.res, &b.doc); err != nil {
			return err
		}
		b.res.Document = mustJSON(b.doc)
		b.res.UpdateDate = c.Now
		_, err = tx.UpdateResource(ctx, b.owner, b.res)
		return err
	})
}

func (s *Service) authorizePutBucketTagging(ctx context.Context, _ *op.Call, in *PutBucketTaggingInput) ([]op.Check, error) {
	// The Service Authorization Reference lists no condition keys for
	// s3:PutBucketTagging.
	return s.bucketCheck(ctx, in.Bucket, "s3:PutBucketTagging", nil)
}

// PutBucketTagging replaces a bucket's tags (at most 50).
func (s *Service) PutBucketTagging(ctx context.Context, c *op.Call, in *PutBucketTaggingInput) (*Empty, error) {
	if err := checkTags(in.Tagging.TagSet, 50); err != nil {
		return nil, err
	}
	err := s.updateBucket(ctx, c, in.Bucket, func(r *model.Resource, d *bucketDoc) error {
		r.Tags = modelTags(in.Tagging.TagSet)
		d.Tagged = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

func (s *Service) authorizeGetBucketTagging(ctx context.Context, _ *op.Call, in *BucketInput) ([]op.Check, error) {
	return s.bucketCheck(ctx, in.Bucket, "s3:GetBucketTagging", nil)
}

// GetBucketTagging returns a bucket's tags; NoSuchTagSet when it has none.
func (s *Service) GetBucketTagging(ctx context.Context, _ *op.Call, in *BucketInput) (*GetBucketTaggingOutput, error) {
	var b bucket
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		b, err = loadBucket(ctx, tx, in.Bucket)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(b.res.Tags) == 0 {
		return nil, newError(http.StatusNotFound, CodeNoSuchTagSet, "The TagSet does not exist").with("BucketName", in.Bucket)
	}
	return &GetBucketTaggingOutput{TagSet: wireTags(b.res.Tags)}, nil
}

func (s *Service) authorizeDeleteBucketTagging(ctx context.Context, _ *op.Call, in *BucketInput) ([]op.Check, error) {
	// DeleteBucketTagging is authorized as s3:PutBucketTagging (Service
	// Authorization Reference).
	return s.bucketCheck(ctx, in.Bucket, "s3:PutBucketTagging", nil)
}

// DeleteBucketTagging removes a bucket's tags.
func (s *Service) DeleteBucketTagging(ctx context.Context, c *op.Call, in *BucketInput) (*Empty, error) {
	err := s.updateBucket(ctx, c, in.Bucket, func(r *model.Resource, d *bucketDoc) error {
		r.Tags, d.Tagged = nil, false
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

func (s *Service) authorizePutBucketPolicy(ctx context.Context, _ *op.Call, in *PutBucketPolicyInput) ([]op.Check, error) {
	return s.bucketCheck(ctx, in.Bucket, "s3:PutBucketPolicy", nil)
}

// PutBucketPolicy sets a bucket's policy after validating it.
func (s *Service) PutBucketPolicy(ctx context.Context, c *op.Call, in *PutBucketPolicyInput) (*Empty, error) {
	doc := string(in.Policy)
	var v map[string]any
	if err := json.Unmarshal(in.Policy, &v); err != nil {
		return nil, newError(http.StatusBadRequest, CodeMalformedPolicy, "Policies must be valid JSON and the first byte must be '{'")
	}
	if s.valid != nil {
		if err := s.valid(doc); err != nil {
			return nil, newError(http.StatusBadRequest, CodeMalformedPolicy, "%s", err.Error())
		}
	}
	if err := checkPolicyScope(in.Bucket, v); err != nil {
		return nil, err
	}
	err := s.updateBucket(ctx, c, in.Bucket, func(_ *model.Resource, d *bucketDoc) error {
		d.Policy = doc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

func (s *Service) authorizeGetBucketPolicy(ctx context.Context, _ *op.Call, in *BucketInput) ([]op.Check, error) {
	return s.bucketCheck(ctx, in.Bucket, "s3:GetBucketPolicy", nil)
}

// GetBucketPolicy returns a bucket's policy; NoSuchBucketPolicy when it
// has none.
func (s *Service) GetBucketPolicy(ctx context.Context, _ *op.Call, in *BucketInput) (*GetBucketPolicyOutput, error) {
	var b bucket
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		b, err = loadBucket(ctx, tx, in.Bucket)
		return err
	})
	if err != nil {
		return nil, err
	}
	if b.doc.Policy == "" {
		return nil, errNoSuchBucketPolicy(in.Bucket)
	}
	return &GetBucketPolicyOutput{Policy: []byte(b.doc.Policy)}, nil
}

func errNoSuchBucketPolicy(name string) *Error {
	return newError(http.StatusNotFound, CodeNoSuchBucketPolicy, "The bucket policy does not exist").with("BucketName", name)
}

func (s *Service) authorizeDeleteBucketPolicy(ctx context.Context, _ *op.Call, in *BucketInput) ([]op.Check, error) {
	return s.bucketCheck(ctx, in.Bucket, "s3:DeleteBucketPolicy", nil)
}

// DeleteBucketPolicy removes a bucket's policy; deleting none succeeds.
func (s *Service) DeleteBucketPolicy(ctx context.Context, c *op.Call, in *BucketInput) (*Empty, error) {
	err := s.updateBucket(ctx, c, in.Bucket, func(_ *model.Resource, d *bucketDoc) error {
		d.Policy = ""
		return nil
	})
	if err != nil && !errors.Is(err, &Error{Code: CodeNoSuchBucketPolicy}) {
		return nil, err
	}
	return &Empty{}, nil
}

// checkPolicyScope applies S3's own rules to a bucket policy: every action
// is an S3 action and every resource is the bucket or inside it, else
// MalformedPolicy "Policy has invalid action" / "Policy has invalid
// resource", as PutBucketPolicy answers them.
func checkPolicyScope(bucket string, doc map[string]any) error {
	stmts, _ := doc["Statement"].([]any)
	if st, ok := doc["Statement"].(map[string]any); ok {
		stmts = []any{st}
	}
	strs := func(v any) []string {
		switch x := v.(type) {
		case string:
			return []string{x}
		case []any:
			var out []string
			for _, e := range x {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return nil
	}
	arn := bucketARN(bucket)
	for _, raw := range stmts {
		st, _ := raw.(map[string]any)
		for _, a := range append(strs(st["Action"]), strs(st["NotAction"])...) {
			if a != "*" && !strings.HasPrefix(strings.ToLower(a), "s3:") {
				return newError(http.StatusBadRequest, CodeMalformedPolicy, "Policy has invalid action")
			}
		}
		for _, r := range append(strs(st["Resource"]), strs(st["NotResource"])...) {
			if r != arn && !strings.HasPrefix(r, arn+"/") && !wildcardCovers(r, arn) {
				return newError(http.StatusBadRequest, CodeMalformedPolicy, "Policy has invalid resource")
			}
		}
	}
	return nil
}

// wildcardCovers reports whether a resource pattern with wildcards can
// name the bucket or its objects (arn:aws:s3:::my-*, arn:aws:s3:::*/key).
func wildcardCovers(pattern, bucketARN string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return false
	}
	head, _, _ := strings.Cut(pattern, "/")
	return matchWildcard(head, bucketARN)
}

// matchWildcard matches s against a pattern of * (any run) and ? (any
// one character).
func matchWildcard(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if matchWildcard(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			p, s = p[1:], s[1:]
		default:
			if s == "" || p[0] != s[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return s == ""
}
