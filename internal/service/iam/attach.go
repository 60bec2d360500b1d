package iam

import (
	"context"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// kindRules are the per-kind names and quotas of users, groups and roles.
type kindRules struct {
	kind        model.EntityKind
	noun        string // "user", as in IAM's messages and ARNs
	maxAttached int
	attachQuota string // the quota's name in LimitExceeded messages
	maxInline   int    // aggregate inline policy size
	inlineQuota string
}

var (
	userRules  = kindRules{model.EntityUser, "user", maxPoliciesPerUser, "PoliciesPerUser", maxUserInlinePolicySize, "UserPolicySize"}
	groupRules = kindRules{model.EntityGroup, "group", maxPoliciesPerGroup, "PoliciesPerGroup", maxGroupInlinePolicySize, "GroupPolicySize"}
	roleRules  = kindRules{model.EntityRole, "role", maxPoliciesPerRole, "PoliciesPerRole", maxRoleInlinePolicySize, "RolePolicySize"}
)

// entityName reads the entity and returns its stored name, or NoSuchEntity.
func entityName(ctx context.Context, tx store.ReadTx, acct model.AccountID, kind model.EntityKind, name string) (string, error) {
	switch kind {
	case model.EntityUser:
		u, err := getUser(ctx, tx, acct, name)
		return u.UserName, err
	case model.EntityGroup:
		g, err := getGroup(ctx, tx, acct, name)
		return g.GroupName, err
	default:
		r, err := getRole(ctx, tx, acct, name)
		return r.RoleName, err
	}
}

// attach attaches a managed policy to an entity within its quota.
func (s *Service) attach(ctx context.Context, c *op.Call, k kindRules, name, arn string) error {
	var v validator
	v.name(k.noun+"Name", name, 128)
	v.arn("policyArn", arn)
	if err := v.err(); err != nil {
		return err
	}
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		name, err := entityName(ctx, tx, c.Account, k.kind, name)
		if err != nil {
			return err
		}
		p, err := tx.GetPolicy(ctx, c.Account, arn)
		if notFound(err) {
			return errorf(ErrNoSuchEntity, "Policy %s does not exist or is not attachable.", arn)
		}
		if err != nil {
			return err
		}
		if !attachable(p) {
			return errorf(ErrPolicyNotAttachable, "Cannot attach a Service Role Policy to a Customer Role.")
		}
		attached, err := tx.ListAttachedPolicies(ctx, c.Account, k.kind, name, store.ListOptions{MaxItems: store.MaxMaxItems})
		if err != nil {
			return err
		}
		for _, a := range attached.Items {
			if a.PolicyARN == arn {
				return nil
			}
		}
		if len(attached.Items) >= k.maxAttached {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for %s: %d", k.attachQuota, k.maxAttached)
		}
		return tx.AttachPolicy(ctx, c.Account, k.kind, name, arn)
	})
}

// detach detaches a managed policy from an entity.
func (s *Service) detach(ctx context.Context, c *op.Call, k kindRules, name, arn string) error {
	var v validator
	v.name(k.noun+"Name", name, 128)
	v.arn("policyArn", arn)
	if err := v.err(); err != nil {
		return err
	}
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		name, err := entityName(ctx, tx, c.Account, k.kind, name)
		if err != nil {
			return err
		}
		err = tx.DetachPolicy(ctx, c.Account, k.kind, name, arn)
		if notFound(err) {
			return noSuchPolicy(arn)
		}
		return err
	})
}

// listAttached lists the managed policies attached to an entity.
func (s *Service) listAttached(ctx context.Context, c *op.Call, k kindRules, name string, pathPrefix, marker *string, max *int32) ([]AttachedPolicy, bool, *string, error) {
	var v validator
	v.name(k.noun+"Name", name, 128)
	v.optStr("pathPrefix", pathPrefix, 1, 512, policyPathPattern, policyPathPatternText)
	v.paging(marker, max)
	if err := v.err(); err != nil {
		return nil, false, nil, err
	}
	var p store.Page[model.AttachedPolicy]
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		name, err := entityName(ctx, tx, c.Account, k.kind, name)
		if err != nil {
			return err
		}
		p, err = tx.ListAttachedPolicies(ctx, c.Account, k.kind, name, listOpts(pathPrefix, marker, max))
		return err
	})
	if err != nil {
		return nil, false, nil, err
	}
	out := make([]AttachedPolicy, 0, len(p.Items))
	for _, a := range p.Items {
		out = append(out, AttachedPolicy{PolicyName: ptr(a.PolicyName), PolicyArn: ptr(a.PolicyARN)})
	}
	return out, p.IsTruncated, markerOut(p), nil
}

// AttachUserPolicy attaches a managed policy to a user.
func (s *Service) AttachUserPolicy(ctx context.Context, c *op.Call, in *AttachUserPolicyInput) (*AttachUserPolicyOutput, error) {
	if err := s.attach(ctx, c, userRules, in.UserName, in.PolicyArn); err != nil {
		return nil, err
	}
	return &AttachUserPolicyOutput{}, nil
}

// DetachUserPolicy detaches a managed policy from a user.
func (s *Service) DetachUserPolicy(ctx context.Context, c *op.Call, in *DetachUserPolicyInput) (*DetachUserPolicyOutput, error) {
	if err := s.detach(ctx, c, userRules, in.UserName, in.PolicyArn); err != nil {
		return nil, err
	}
	return &DetachUserPolicyOutput{}, nil
}

// AttachGroupPolicy attaches a managed policy to a group.
func (s *Service) AttachGroupPolicy(ctx context.Context, c *op.Call, in *AttachGroupPolicyInput) (*AttachGroupPolicyOutput, error) {
	if err := s.attach(ctx, c, groupRules, in.GroupName, in.PolicyArn); err != nil {
		return nil, err
	}
	return &AttachGroupPolicyOutput{}, nil
}

// DetachGroupPolicy detaches a managed policy from a group.
func (s *Service) DetachGroupPolicy(ctx context.Context, c *op.Call, in *DetachGroupPolicyInput) (*DetachGroupPolicyOutput, error) {
	if err := s.detach(ctx, c, groupRules, in.GroupName, in.PolicyArn); err != nil {
		return nil, err
	}
	return &DetachGroupPolicyOutput{}, nil
}

// AttachRolePolicy attaches a managed policy to a role.
func (s *Service) AttachRolePolicy(ctx context.Context, c *op.Call, in *AttachRolePolicyInput) (*AttachRolePolicyOutput, error) {
	if err := s.attach(ctx, c, roleRules, in.RoleName, in.PolicyArn); err != nil {
		return nil, err
	}
	return &AttachRolePolicyOutput{}, nil
}

// DetachRolePolicy detaches a managed policy from a role.
func (s *Service) DetachRolePolicy(ctx context.Context, c *op.Call, in *DetachRolePolicyInput) (*DetachRolePolicyOutput, error) {
	if err := s.detach(ctx, c, roleRules, in.RoleName, in.PolicyArn); err != nil {
		return nil, err
	}
	return &DetachRolePolicyOutput{}, nil
}

// ListAttachedUserPolicies lists the managed policies attached to a user.
func (s *Service) ListAttachedUserPolicies(ctx context.Context, c *op.Call, in *ListAttachedUserPoliciesInput) (*ListAttachedUserPoliciesOutput, error) {
	ps, tr, m, err := s.listAttached(ctx, c, userRules, in.UserName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListAttachedUserPoliciesOutput{AttachedPolicies: ps, IsTruncated: tr, Marker: m}, nil
}

// ListAttachedGroupPolicies lists the managed policies attached to a group.
func (s *Service) ListAttachedGroupPolicies(ctx context.Context, c *op.Call, in *ListAttachedGroupPoliciesInput) (*ListAttachedGroupPoliciesOutput, error) {
	ps, tr, m, err := s.listAttached(ctx, c, groupRules, in.GroupName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListAttachedGroupPoliciesOutput{AttachedPolicies: ps, IsTruncated: tr, Marker: m}, nil
}

// ListAttachedRolePolicies lists the managed policies attached to a role.
func (s *Service) ListAttachedRolePolicies(ctx context.Context, c *op.Call, in *ListAttachedRolePoliciesInput) (*ListAttachedRolePoliciesOutput, error) {
	ps, tr, m, err := s.listAttached(ctx, c, roleRules, in.RoleName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListAttachedRolePoliciesOutput{AttachedPolicies: ps, IsTruncated: tr, Marker: m}, nil
}
