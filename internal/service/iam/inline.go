package iam

import (
	"context"
	"strings"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/store"
)

// putInline creates or replaces an inline policy, keeping the aggregate
// size of the entity's inline policies within its quota.
func (s *Service) putInline(ctx context.Context, c *op.Call, k kindRules, entity, name, doc string) error {
	var v validator
	v.name(k.noun+"Name", entity, 128)
	v.name("policyName", name, 128)
	if err := v.err(); err != nil {
		return err
	}
	if err := checkDocument("policyDocument", doc, policy.KindIdentity, 0, ""); err != nil {
		return err
	}
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		entity, err := entityName(ctx, tx, c.Account, k.kind, entity)
		if err != nil {
			return err
		}
		size := policy.Size([]byte(doc))
		err = forEachPage(func(o store.ListOptions) (store.Page[model.InlinePolicy], error) {
			return tx.ListInlinePolicies(ctx, c.Account, k.kind, entity, o)
		}, func(p model.InlinePolicy) {
			if !strings.EqualFold(p.PolicyName, name) {
				size += policy.Size([]byte(p.Document))
			}
		})
		if err != nil {
			return err
		}
		if size > k.maxInline {
			return errorf(ErrLimitExceeded, "Maximum policy size of %d bytes exceeded for %s %s", k.maxInline, k.noun, entity)
		}
		return tx.PutInlinePolicy(ctx, c.Account, k.kind, entity, model.InlinePolicy{PolicyName: name, Document: doc})
	})
}

func noSuchInline(k kindRules, name string) error {
	return errorf(ErrNoSuchEntity, "The %s policy with name %s cannot be found.", k.noun, name)
}

// getInline returns the entity's stored name and the inline policy.
func (s *Service) getInline(ctx context.Context, c *op.Call, k kindRules, entity, name string) (string, model.InlinePolicy, error) {
	var v validator
	v.name(k.noun+"Name", entity, 128)
	v.name("policyName", name, 128)
	if err := v.err(); err != nil {
		return "", model.InlinePolicy{}, err
	}
	var p model.InlinePolicy
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		if entity, err = entityName(ctx, tx, c.Account, k.kind, entity); err != nil {
			return err
		}
		p, err = tx.GetInlinePolicy(ctx, c.Account, k.kind, entity, name)
		if notFound(err) {
			return noSuchInline(k, name)
		}
		return err
	})
	return entity, p, err
}

func (s *Service) deleteInline(ctx context.Context, c *op.Call, k kindRules, entity, name string) error {
	var v validator
	v.name(k.noun+"Name", entity, 128)
	v.name("policyName", name, 128)
	if err := v.err(); err != nil {
		return err
	}
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		entity, err := entityName(ctx, tx, c.Account, k.kind, entity)
		if err != nil {
			return err
		}
		err = tx.DeleteInlinePolicy(ctx, c.Account, k.kind, entity, name)
		if notFound(err) {
			return noSuchInline(k, name)
		}
		return err
	})
}

func (s *Service) listInline(ctx context.Context, c *op.Call, k kindRules, entity string, marker *string, max *int32) ([]string, bool, *string, error) {
	var v validator
	v.name(k.noun+"Name", entity, 128)
	v.paging(marker, max)
	if err := v.err(); err != nil {
		return nil, false, nil, err
	}
	var p store.Page[model.InlinePolicy]
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		if entity, err = entityName(ctx, tx, c.Account, k.kind, entity); err != nil {
			return err
		}
		p, err = tx.ListInlinePolicies(ctx, c.Account, k.kind, entity, listOpts(nil, marker, max))
		return err
	})
	if err != nil {
		return nil, false, nil, err
	}
	names := make([]string, 0, len(p.Items))
	for _, ip := range p.Items {
		names = append(names, ip.PolicyName)
	}
	return names, p.IsTruncated, markerOut(p), nil
}

// PutUserPolicy creates or replaces an inline policy of a user.
func (s *Service) PutUserPolicy(ctx context.Context, c *op.Call, in *PutUserPolicyInput) (*PutUserPolicyOutput, error) {
	if err := s.putInline(ctx, c, userRules, in.UserName, in.PolicyName, in.PolicyDocument); err != nil {
		return nil, err
	}
	return &PutUserPolicyOutput{}, nil
}

// GetUserPolicy returns an inline policy of a user, its document
// URL-encoded as IAM returns it.
func (s *Service) GetUserPolicy(ctx context.Context, c *op.Call, in *GetUserPolicyInput) (*GetUserPolicyOutput, error) {
	entity, p, err := s.getInline(ctx, c, userRules, in.UserName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &GetUserPolicyOutput{UserName: entity, PolicyName: p.PolicyName, PolicyDocument: encodeDocument(p.Document)}, nil
}

// DeleteUserPolicy deletes an inline policy of a user.
func (s *Service) DeleteUserPolicy(ctx context.Context, c *op.Call, in *DeleteUserPolicyInput) (*DeleteUserPolicyOutput, error) {
	if err := s.deleteInline(ctx, c, userRules, in.UserName, in.PolicyName); err != nil {
		return nil, err
	}
	return &DeleteUserPolicyOutput{}, nil
}

// ListUserPolicies lists the names of a user's inline policies.
func (s *Service) ListUserPolicies(ctx context.Context, c *op.Call, in *ListUserPoliciesInput) (*ListUserPoliciesOutput, error) {
	names, tr, m, err := s.listInline(ctx, c, userRules, in.UserName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListUserPoliciesOutput{PolicyNames: names, IsTruncated: tr, Marker: m}, nil
}

// PutGroupPolicy creates or replaces an inline policy of a group.
func (s *Service) PutGroupPolicy(ctx context.Context, c *op.Call, in *PutGroupPolicyInput) (*PutGroupPolicyOutput, error) {
	if err := s.putInline(ctx, c, groupRules, in.GroupName, in.PolicyName, in.PolicyDocument); err != nil {
		return nil, err
	}
	return &PutGroupPolicyOutput{}, nil
}

// GetGroupPolicy returns an inline policy of a group.
func (s *Service) GetGroupPolicy(ctx context.Context, c *op.Call, in *GetGroupPolicyInput) (*GetGroupPolicyOutput, error) {
	entity, p, err := s.getInline(ctx, c, groupRules, in.GroupName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &GetGroupPolicyOutput{GroupName: entity, PolicyName: p.PolicyName, PolicyDocument: encodeDocument(p.Document)}, nil
}

// DeleteGroupPolicy deletes an inline policy of a group.
func (s *Service) DeleteGroupPolicy(ctx context.Context, c *op.Call, in *DeleteGroupPolicyInput) (*DeleteGroupPolicyOutput, error) {
	if err := s.deleteInline(ctx, c, groupRules, in.GroupName, in.PolicyName); err != nil {
		return nil, err
	}
	return &DeleteGroupPolicyOutput{}, nil
}

// ListGroupPolicies lists the names of a group's inline policies.
func (s *Service) ListGroupPolicies(ctx context.Context, c *op.Call, in *ListGroupPoliciesInput) (*ListGroupPoliciesOutput, error) {
	names, tr, m, err := s.listInline(ctx, c, groupRules, in.GroupName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListGroupPoliciesOutput{PolicyNames: names, IsTruncated: tr, Marker: m}, nil
}

// PutRolePolicy creates or replaces an inline policy of a role.
func (s *Service) PutRolePolicy(ctx context.Context, c *op.Call, in *PutRolePolicyInput) (*PutRolePolicyOutput, error) {
	if err := s.putInline(ctx, c, roleRules, in.RoleName, in.PolicyName, in.PolicyDocument); err != nil {
		return nil, err
	}
	return &PutRolePolicyOutput{}, nil
}

// GetRolePolicy returns an inline policy of a role.
func (s *Service) GetRolePolicy(ctx context.Context, c *op.Call, in *GetRolePolicyInput) (*GetRolePolicyOutput, error) {
	entity, p, err := s.getInline(ctx, c, roleRules, in.RoleName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &GetRolePolicyOutput{RoleName: entity, PolicyName: p.PolicyName, PolicyDocument: encodeDocument(p.Document)}, nil
}

// DeleteRolePolicy deletes an inline policy of a role.
func (s *Service) DeleteRolePolicy(ctx context.Context, c *op.Call, in *DeleteRolePolicyInput) (*DeleteRolePolicyOutput, error) {
	if err := s.deleteInline(ctx, c, roleRules, in.RoleName, in.PolicyName); err != nil {
		return nil, err
	}
	return &DeleteRolePolicyOutput{}, nil
}

// ListRolePolicies lists the names of a role's inline policies.
func (s *Service) ListRolePolicies(ctx context.Context, c *op.Call, in *ListRolePoliciesInput) (*ListRolePoliciesOutput, error) {
	names, tr, m, err := s.listInline(ctx, c, roleRules, in.RoleName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListRolePoliciesOutput{PolicyNames: names, IsTruncated: tr, Marker: m}, nil
}
