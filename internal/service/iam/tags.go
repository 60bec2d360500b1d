package iam

import (
	"context"
	"strings"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// mergeTags adds or replaces tags (keys compare without regard to case, the
// new spelling wins) within the quota of 50 tags per entity.
func mergeTags(have []model.Tag, add []Tag) ([]model.Tag, error) {
	out := append([]model.Tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = model.Tag{Key: t.Key, Value: t.Value}
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, model.Tag{Key: t.Key, Value: t.Value})
		}
	}
	if len(out) > maxTags {
		return nil, errorf(ErrLimitExceeded, "The number of tags has reached the maximum limit.")
	}
	return out, nil
}

// removeTags removes the tags with the given keys (without regard to case);
// keys that are absent are ignored, as in IAM.
func removeTags(have []model.Tag, keys []string) []model.Tag {
	out := make([]model.Tag, 0, len(have))
	for _, t := range have {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

func validateTagging(member, name string, maxLen int, tags []Tag) error {
	var v validator
	if member == "policyArn" {
		v.arn(member, name)
	} else {
		v.name(member, name, maxLen)
	}
	v.tags(tags)
	if err := v.err(); err != nil {
		return err
	}
	return checkTags(tags)
}

func validateUntagging(member, name string, maxLen int, keys []string) error {
	var v validator
	if member == "policyArn" {
		v.arn(member, name)
	} else {
		v.name(member, name, maxLen)
	}
	v.tagKeys(keys)
	return v.err()
}

func (s *Service) retagUser(ctx context.Context, c *op.Call, name string, change func([]model.Tag) ([]model.Tag, error)) error {
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		u, err := getUser(ctx, tx, c.Account, name)
		if err != nil {
			return err
		}
		if u.Tags, err = change(u.Tags); err != nil {
			return err
		}
		return tx.UpdateUser(ctx, c.Account, u.UserName, u)
	})
}

func (s *Service) retagRole(ctx context.Context, c *op.Call, name string, change func([]model.Tag) ([]model.Tag, error)) error {
	_, err := s.modifyRole(ctx, c, name, func(_ context.Context, _ store.Tx, r *model.Role) error {
		var err error
		r.Tags, err = change(r.Tags)
		return err
	})
	return err
}

func (s *Service) retagPolicy(ctx context.Context, c *op.Call, arn string, change func([]model.Tag) ([]model.Tag, error)) error {
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := getOwnPolicy(ctx, tx, c.Account, arn)
		if err != nil {
			return err
		}
		if p.Tags, err = change(p.Tags); err != nil {
			return err
		}
		return tx.UpdatePolicy(ctx, c.Account, p)
	})
}

func tagPage(tags []model.Tag, marker *string, max *int32) ([]Tag, bool, *string, error) {
	var v validator
	v.paging(marker, max)
	if err := v.err(); err != nil {
		return nil, false, nil, err
	}
	all := make([]Tag, 0, len(tags))
	for _, t := range tags {
		all = append(all, Tag{Key: t.Key, Value: t.Value})
	}
	return pageSlice(all, marker, max)
}

// TagUser adds tags to a user or replaces the values of existing keys.
func (s *Service) TagUser(ctx context.Context, c *op.Call, in *TagUserInput) (*TagUserOutput, error) {
	if err := validateTagging("userName", in.UserName, 128, in.Tags); err != nil {
		return nil, err
	}
	err := s.retagUser(ctx, c, in.UserName, func(have []model.Tag) ([]model.Tag, error) { return mergeTags(have, in.Tags) })
	if err != nil {
		return nil, err
	}
	return &TagUserOutput{}, nil
}

// UntagUser removes tags from a user.
func (s *Service) UntagUser(ctx context.Context, c *op.Call, in *UntagUserInput) (*UntagUserOutput, error) {
	if err := validateUntagging("userName", in.UserName, 128, in.TagKeys); err != nil {
		return nil, err
	}
	err := s.retagUser(ctx, c, in.UserName, func(have []model.Tag) ([]model.Tag, error) { return removeTags(have, in.TagKeys), nil })
	if err != nil {
		return nil, err
	}
	return &UntagUserOutput{}, nil
}

// ListUserTags lists a user's tags.
func (s *Service) ListUserTags(ctx context.Context, c *op.Call, in *ListUserTagsInput) (*ListUserTagsOutput, error) {
	var u model.User
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		u, err = getUser(ctx, tx, c.Account, in.UserName)
		return err
	})
	if err != nil {
		return nil, err
	}
	tags, tr, m, err := tagPage(u.Tags, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListUserTagsOutput{Tags: tags, IsTruncated: tr, Marker: m}, nil
}

// TagRole adds tags to a role or replaces the values of existing keys.
func (s *Service) TagRole(ctx context.Context, c *op.Call, in *TagRoleInput) (*TagRoleOutput, error) {
	if err := validateTagging("roleName", in.RoleName, 64, in.Tags); err != nil {
		return nil, err
	}
	err := s.retagRole(ctx, c, in.RoleName, func(have []model.Tag) ([]model.Tag, error) { return mergeTags(have, in.Tags) })
	if err != nil {
		return nil, err
	}
	return &TagRoleOutput{}, nil
}

// UntagRole removes tags from a role.
func (s *Service) UntagRole(ctx context.Context, c *op.Call, in *UntagRoleInput) (*UntagRoleOutput, error) {
	if err := validateUntagging("roleName", in.RoleName, 64, in.TagKeys); err != nil {
		return nil, err
	}
	err := s.retagRole(ctx, c, in.RoleName, func(have []model.Tag) ([]model.Tag, error) { return removeTags(have, in.TagKeys), nil })
	if err != nil {
		return nil, err
	}
	return &UntagRoleOutput{}, nil
}

// ListRoleTags lists a role's tags.
func (s *Service) ListRoleTags(ctx context.Context, c *op.Call, in *ListRoleTagsInput) (*ListRoleTagsOutput, error) {
	var r model.Role
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		r, err = getRole(ctx, tx, c.Account, in.RoleName)
		return err
	})
	if err != nil {
		return nil, err
	}
	tags, tr, m, err := tagPage(r.Tags, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListRoleTagsOutput{Tags: tags, IsTruncated: tr, Marker: m}, nil
}

// TagPolicy adds tags to a customer managed policy.
func (s *Service) TagPolicy(ctx context.Context, c *op.Call, in *TagPolicyInput) (*TagPolicyOutput, error) {
	if err := validateTagging("policyArn", in.PolicyArn, 0, in.Tags); err != nil {
		return nil, err
	}
	err := s.retagPolicy(ctx, c, in.PolicyArn, func(have []model.Tag) ([]model.Tag, error) { return mergeTags(have, in.Tags) })
	if err != nil {
		return nil, err
	}
	return &TagPolicyOutput{}, nil
}

// UntagPolicy removes tags from a customer managed policy.
func (s *Service) UntagPolicy(ctx context.Context, c *op.Call, in *UntagPolicyInput) (*UntagPolicyOutput, error) {
	if err := validateUntagging("policyArn", in.PolicyArn, 0, in.TagKeys); err != nil {
		return nil, err
	}
	err := s.retagPolicy(ctx, c, in.PolicyArn, func(have []model.Tag) ([]model.Tag, error) { return removeTags(have, in.TagKeys), nil })
	if err != nil {
		return nil, err
	}
	return &UntagPolicyOutput{}, nil
}

// ListPolicyTags lists a managed policy's tags.
func (s *Service) ListPolicyTags(ctx context.Context, c *op.Call, in *ListPolicyTagsInput) (*ListPolicyTagsOutput, error) {
	var p model.ManagedPolicy
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		p, err = getPolicy(ctx, tx, c.Account, in.PolicyArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	tags, tr, m, err := tagPage(p.Tags, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListPolicyTagsOutput{Tags: tags, IsTruncated: tr, Marker: m}, nil
}
