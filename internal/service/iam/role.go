package iam

import (
	"context"
	"errors"
	"strconv"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/store"
)

const (
	defaultMaxSessionDuration = 3600
	minMaxSessionDuration     = 3600
	maxMaxSessionDuration     = 43200
)

// wireRole converts a stored role. full adds what only GetRole, CreateRole
// and the authorization details return: tags, boundary and last use.
func wireRole(r model.Role, full bool) Role {
	w := Role{
		Path: r.Path, RoleName: r.RoleName, RoleId: r.RoleID, Arn: r.ARN, CreateDate: r.CreateDate,
		AssumeRolePolicyDocument: ptr(encodeDocument(r.AssumeRolePolicyDocument)),
		Description:              nonEmpty(r.Description),
		MaxSessionDuration:       ptr(r.MaxSessionDuration),
	}
	if full {
		w.PermissionsBoundary = boundary(r.PermissionsBoundary)
		w.Tags = wireTags(r.Tags)
		w.RoleLastUsed = &RoleLastUsed{}
		if !r.RoleLastUsed.LastUsedDate.IsZero() {
			w.RoleLastUsed = &RoleLastUsed{LastUsedDate: ptr(r.RoleLastUsed.LastUsedDate), Region: nonEmpty(r.RoleLastUsed.Region)}
		}
	}
	return w
}

func noSuchRole(name string) error {
	return errorf(ErrNoSuchEntity, "The role with name %s cannot be found.", name)
}

func getRole(ctx context.Context, tx store.ReadTx, acct model.AccountID, name string) (model.Role, error) {
	r, err := tx.GetRole(ctx, acct, name)
	if notFound(err) {
		return r, noSuchRole(name)
	}
	return r, err
}

// roleCheck is the check of action on a role: its ARN with its path, its
// tags as iam:ResourceTag/*, and, when withBoundary, its permissions
// boundary as iam:PermissionsBoundary.
func (s *Service) roleCheck(ctx context.Context, c *op.Call, action, name string, withBoundary bool, extra map[string][]string) ([]op.Check, error) {
	var r model.Role
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		r, err = tx.GetRole(ctx, c.Account, name)
		return err
	})
	if err != nil && !notFound(err) {
		return nil, err
	}
	ch := op.Check{
		Action:       action,
		Resource:     entityARN(c.Account, "role", r.Path, name),
		ResourceTags: tagMap(r.Tags),
		TagKeyPrefix: "iam:ResourceTag/",
		Context:      extra,
	}
	if withBoundary && r.PermissionsBoundary != "" {
		ch.Context = with(ch.Context, "iam:PermissionsBoundary", r.PermissionsBoundary)
	}
	return []op.Check{ch}, nil
}

func (s *Service) authCreateRole(_ context.Context, c *op.Call, in *CreateRoleInput) ([]op.Check, error) {
	arn := entityARN(c.Account, "role", orDefault(in.Path, "/"), in.RoleName)
	ctx := requestTagContext(nil, in.Tags)
	if in.PermissionsBoundary != nil {
		ctx = with(ctx, "iam:PermissionsBoundary", *in.PermissionsBoundary)
	}
	checks := []op.Check{{Action: "iam:CreateRole", Resource: arn, Context: ctx}}
	if len(in.Tags) > 0 {
		checks = append(checks, op.Check{Action: "iam:TagRole", Resource: arn, Context: requestTagContext(nil, in.Tags)})
	}
	return checks, nil
}

func validateRoleFields(v *validator, desc *string, maxSession *int32) {
	v.optStr("description", desc, 0, 1000, descPattern, descPatternText)
	if maxSession != nil && (*maxSession < minMaxSessionDuration || *maxSession > maxMaxSessionDuration) {
		constraint := "must have value greater than or equal to " + strconv.Itoa(minMaxSessionDuration)
		if *maxSession > maxMaxSessionDuration {
			constraint = "must have value less than or equal to " + strconv.Itoa(maxMaxSessionDuration)
		}
		v.fail("maxSessionDuration", strconv.Itoa(int(*maxSession)), constraint)
	}
}

func checkTrustPolicy(doc string) error {
	return checkDocument("assumeRolePolicyDocument", doc, policy.KindTrust, maxTrustPolicySize, "ACLSizePerRole")
}

// CreateRole creates a role with its trust policy, optionally with a
// description, maximum session duration, permissions boundary and tags.
func (s *Service) CreateRole(ctx context.Context, c *op.Call, in *CreateRoleInput) (*CreateRoleOutput, error) {
	var v validator
	v.path("path", in.Path)
	v.name("roleName", in.RoleName, 64)
	if in.PermissionsBoundary != nil {
		v.arn("permissionsBoundary", *in.PermissionsBoundary)
	}
	validateRoleFields(&v, in.Description, in.MaxSessionDuration)
	v.tags(in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkTrustPolicy(in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	id, err := s.ids.RoleID()
	if err != nil {
		return nil, err
	}
	path := orDefault(in.Path, "/")
	r := model.Role{
		RoleName: in.RoleName, RoleID: id, Path: path,
		ARN:                      entityARN(c.Account, "role", path, in.RoleName),
		AssumeRolePolicyDocument: in.AssumeRolePolicyDocument,
		MaxSessionDuration:       defaultMaxSessionDuration,
		Tags:                     modelTags(in.Tags),
		CreateDate:               now(c),
	}
	if in.Description != nil {
		r.Description = *in.Description
	}
	if in.MaxSessionDuration != nil {
		r.MaxSessionDuration = *in.MaxSessionDuration
	}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		if in.PermissionsBoundary != nil {
			if err := checkBoundaryPolicy(ctx, tx, c.Account, *in.PermissionsBoundary); err != nil {
				return err
			}
			r.PermissionsBoundary = *in.PermissionsBoundary
		}
		err := tx.CreateRole(ctx, c.Account, r)
		if errors.Is(err, store.ErrConflict) {
			return errorf(ErrEntityAlreadyExists, "Role with name %s already exists.", in.RoleName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	w := wireRole(r, true)
	w.RoleLastUsed = nil
	return &CreateRoleOutput{Role: w}, nil
}

// GetRole returns a role with its trust policy (URL-encoded, as IAM sends
// it), tags, boundary and last use.
func (s *Service) GetRole(ctx context.Context, c *op.Call, in *GetRoleInput) (*GetRoleOutput, error) {
	var v validator
	v.name("roleName", in.RoleName, 64)
	if err := v.err(); err != nil {
		return nil, err
	}
	var r model.Role
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		r, err = getRole(ctx, tx, c.Account, in.RoleName)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GetRoleOutput{Role: wireRole(r, true)}, nil
}

// ListRoles lists the account's roles whose path starts with PathPrefix.
func (s *Service) ListRoles(ctx context.Context, c *op.Call, in *ListRolesInput) (*ListRolesOutput, error) {
	var v validator
	v.pathPrefix(in.PathPrefix)
	v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	var p store.Page[model.Role]
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		p, err = tx.ListRoles(ctx, c.Account, listOpts(in.PathPrefix, in.Marker, in.MaxItems))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &ListRolesOutput{Roles: make([]Role, 0, len(p.Items)), IsTruncated: p.IsTruncated, Marker: markerOut(p)}
	for _, r := range p.Items {
		out.Roles = append(out.Roles, wireRole(r, false))
	}
	return out, nil
}

// modifyRole runs change on the stored role named name in one transaction.
func (s *Service) modifyRole(ctx context.Context, c *op.Call, name string, change func(ctx context.Context, tx store.Tx, r *model.Role) error) (model.Role, error) {
	var r model.Role
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		if r, err = getRole(ctx, tx, c.Account, name); err != nil {
			return err
		}
		if err := change(ctx, tx, &r); err != nil {
			return err
		}
		return tx.UpdateRole(ctx, c.Account, r)
	})
	return r, err
}

// UpdateRole changes a role's description or maximum session duration.
func (s *Service) UpdateRole(ctx context.Context, c *op.Call, in *UpdateRoleInput) (*UpdateRoleOutput, error) {
	var v validator
	v.name("roleName", in.RoleName, 64)
	validateRoleFields(&v, in.Description, in.MaxSessionDuration)
	if err := v.err(); err != nil {
		return nil, err
	}
	_, err := s.modifyRole(ctx, c, in.RoleName, func(_ context.Context, _ store.Tx, r *model.Role) error {
		if in.Description != nil {
			r.Description = *in.Description
		}
		if in.MaxSessionDuration != nil {
			r.MaxSessionDuration = *in.MaxSessionDuration
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateRoleOutput{}, nil
}

// UpdateRoleDescription changes a role's description and returns the role.
func (s *Service) UpdateRoleDescription(ctx context.Context, c *op.Call, in *UpdateRoleDescriptionInput) (*UpdateRoleDescriptionOutput, error) {
	var v validator
	v.name("roleName", in.RoleName, 64)
	validateRoleFields(&v, &in.Description, nil)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.modifyRole(ctx, c, in.RoleName, func(_ context.Context, _ store.Tx, r *model.Role) error {
		r.Description = in.Description
		return nil
	})
	if err != nil {
		return nil, err
	}
	w := wireRole(r, true)
	return &UpdateRoleDescriptionOutput{Role: &w}, nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, c *op.Call, in *UpdateAssumeRolePolicyInput) (*UpdateAssumeRolePolicyOutput, error) {
	var v validator
	v.name("roleName", in.RoleName, 64)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkDocument("policyDocument", in.PolicyDocument, policy.KindTrust, maxTrustPolicySize, "ACLSizePerRole"); err != nil {
		return nil, err
	}
	_, err := s.modifyRole(ctx, c, in.RoleName, func(_ context.Context, _ store.Tx, r *model.Role) error {
		r.AssumeRolePolicyDocument = in.PolicyDocument
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateAssumeRolePolicyOutput{}, nil
}

// DeleteRole deletes a role that has no policies left.
func (s *Service) DeleteRole(ctx context.Context, c *op.Call, in *DeleteRoleInput) (*DeleteRoleOutput, error) {
	var v validator
	v.name("roleName", in.RoleName, 64)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		r, err := getRole(ctx, tx, c.Account, in.RoleName)
		if err != nil {
			return err
		}
		if n, err := countInline(ctx, tx, c.Account, model.EntityRole, r.RoleName); err != nil {
			return err
		} else if n > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must delete policies first.")
		}
		if n, err := tx.CountAttachedPolicies(ctx, c.Account, model.EntityRole, r.RoleName); err != nil {
			return err
		} else if n > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must detach all policies first.")
		}
		err = tx.DeleteRole(ctx, c.Account, r.RoleName)
		if errors.Is(err, store.ErrInUse) {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must remove all dependencies first.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DeleteRoleOutput{}, nil
}

// ListInstanceProfilesForRole lists the instance profiles a role is in.
// abacus has no instance profiles, so the list is always empty; the role
// must exist.
func (s *Service) ListInstanceProfilesForRole(ctx context.Context, c *op.Call, in *ListInstanceProfilesForRoleInput) (*ListInstanceProfilesForRoleOutput, error) {
	var v validator
	v.name("roleName", in.RoleName, 64)
	v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		_, err := getRole(ctx, tx, c.Account, in.RoleName)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ListInstanceProfilesForRoleOutput{InstanceProfiles: []InstanceProfile{}}, nil
}
