package iam

import (
	"context"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

func (s *Service) setUserBoundary(ctx context.Context, c *op.Call, name, arn string) error {
	var v validator
	v.name("userName", name, 128)
	if arn != "" {
		v.arn("permissionsBoundary", arn)
	}
	if err := v.err(); err != nil {
		return err
	}
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		u, err := getUser(ctx, tx, c.Account, name)
		if err != nil {
			return err
		}
		if arn != "" {
			if err := checkBoundaryPolicy(ctx, tx, c.Account, arn); err != nil {
				return err
			}
		}
		u.PermissionsBoundary = arn
		return tx.UpdateUser(ctx, c.Account, u.UserName, u)
	})
}

func (s *Service) setRoleBoundary(ctx context.Context, c *op.Call, name, arn string) error {
	var v validator
	v.name("roleName", name, 64)
	if arn != "" {
		v.arn("permissionsBoundary", arn)
	}
	if err := v.err(); err != nil {
		return err
	}
	_, err := s.modifyRole(ctx, c, name, func(ctx context.Context, tx store.Tx, r *model.Role) error {
		if arn != "" {
			if err := checkBoundaryPolicy(ctx, tx, c.Account, arn); err != nil {
				return err
			}
		}
		r.PermissionsBoundary = arn
		return nil
	})
	return err
}

// PutUserPermissionsBoundary sets the managed policy that caps a user's
// permissions.
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, c *op.Call, in *PutUserPermissionsBoundaryInput) (*PutUserPermissionsBoundaryOutput, error) {
	if err := s.setUserBoundary(ctx, c, in.UserName, in.PermissionsBoundary); err != nil {
		return nil, err
	}
	return &PutUserPermissionsBoundaryOutput{}, nil
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary.
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, c *op.Call, in *DeleteUserPermissionsBoundaryInput) (*DeleteUserPermissionsBoundaryOutput, error) {
	if err := s.setUserBoundary(ctx, c, in.UserName, ""); err != nil {
		return nil, err
	}
	return &DeleteUserPermissionsBoundaryOutput{}, nil
}

// PutRolePermissionsBoundary sets the managed policy that caps a role's
// permissions.
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, c *op.Call, in *PutRolePermissionsBoundaryInput) (*PutRolePermissionsBoundaryOutput, error) {
	if err := s.setRoleBoundary(ctx, c, in.RoleName, in.PermissionsBoundary); err != nil {
		return nil, err
	}
	return &PutRolePermissionsBoundaryOutput{}, nil
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, c *op.Call, in *DeleteRolePermissionsBoundaryInput) (*DeleteRolePermissionsBoundaryOutput, error) {
	if err := s.setRoleBoundary(ctx, c, in.RoleName, ""); err != nil {
		return nil, err
	}
	return &DeleteRolePermissionsBoundaryOutput{}, nil
}
