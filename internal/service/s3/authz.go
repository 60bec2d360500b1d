package s3

import (
	"context"
	"strconv"

	"abacus/internal/op"
	"abacus/internal/store"
)

// Authorization follows the Amazon S3 actions, resources and condition
// keys of the Service Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html):
// bucket actions on arn:aws:s3:::BUCKET, object actions on
// arn:aws:s3:::BUCKET/KEY, the bucket policy as the resource-based policy
// of every check on the bucket or its objects, and the bucket's owner as
// the resource account.

// bucketCheck is one check of action on a bucket, with the bucket policy.
func (s *Service) bucketCheck(ctx context.Context, name, action string, keys map[string][]string) ([]op.Check, error) {
	var b bucket
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		b, err = loadBucket(ctx, tx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return []op.Check{{Action: action, Resource: bucketARN(name), Context: keys,
		ResourcePolicy: b.doc.Policy, ResourceOwner: b.owner}}, nil
}

// objectChecks are checks of actions on one object, with
// s3:ExistingObjectTag/* from the object's tags when it exists.
func (s *Service) objectChecks(ctx context.Context, bucketName, key string, keys map[string][]string, actions ...string) ([]op.Check, error) {
	return s.objectChecksTags(ctx, bucketName, key, keys, true, actions...)
}

// writeChecks are the checks of a write that creates or replaces the
// object: the tagging action it implies is about the new object's tags, so
// no s3:ExistingObjectTag/* keys are set.
func (s *Service) writeChecks(ctx context.Context, bucketName, key string, keys map[string][]string, actions ...string) ([]op.Check, error) {
	return s.objectChecksTags(ctx, bucketName, key, keys, false, actions...)
}

func (s *Service) objectChecksTags(ctx context.Context, bucketName, key string, keys map[string][]string, existing bool, actions ...string) ([]op.Check, error) {
	var b bucket
	var tags map[string]string
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		if b, err = loadBucket(ctx, tx, bucketName); err != nil {
			return err
		}
		if o, err := loadObject(ctx, tx, b, key); err == nil {
			tags = tagsOf(o.res.Tags)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	checks := make([]op.Check, 0, len(actions))
	for _, a := range actions {
		ctxKeys := keys
		if existing && existingTagActions[a] && len(tags) > 0 {
			ctxKeys = make(map[string][]string, len(keys)+len(tags))
			for k, v := range keys {
				ctxKeys[k] = v
			}
			for k, v := range tags {
				ctxKeys["s3:ExistingObjectTag/"+k] = []string{v}
			}
		}
		checks = append(checks, op.Check{Action: a, Resource: objectARN(bucketName, key), Context: ctxKeys,
			ResourcePolicy: b.doc.Policy, ResourceOwner: b.owner})
	}
	return checks, nil
}

// existingTagActions are the object actions for which the Service
// Authorization Reference lists s3:ExistingObjectTag/<key>; for the others
// (PutObject, DeleteObject, ...) the key is absent, as on AWS.
var existingTagActions = map[string]bool{
	"s3:GetObject":           true,
	"s3:GetObjectTagging":    true,
	"s3:PutObjectTagging":    true,
	"s3:DeleteObjectTagging": true,
}

// listKeys are the condition keys of s3:ListBucket.
func listKeys(prefix, delimiter *string, maxKeys *int32) map[string][]string {
	m := map[string][]string{}
	if prefix != nil {
		m["s3:prefix"] = []string{*prefix}
	}
	if delimiter != nil {
		m["s3:delimiter"] = []string{*delimiter}
	}
	if maxKeys != nil {
		m["s3:max-keys"] = []string{strconv.Itoa(int(*maxKeys))}
	}
	return m
}

// writeKeys are the condition keys of an object write: s3:x-amz-acl and
// the request's tags as s3:RequestObjectTag/* and s3:RequestObjectTagKeys.
func writeKeys(acl *string, tags []Tag) map[string][]string {
	m := map[string][]string{}
	if acl != nil {
		m["s3:x-amz-acl"] = []string{*acl}
	}
	if tags != nil {
		keys := make([]string, 0, len(tags))
		for _, t := range tags {
			m["s3:RequestObjectTag/"+t.Key] = []string{t.Value}
			keys = append(keys, t.Key)
		}
		m["s3:RequestObjectTagKeys"] = keys
	}
	return m
}
