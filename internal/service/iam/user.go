package iam

import (
	"context"
	"errors"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

func wireUser(u model.User, full bool) User {
	w := User{Path: u.Path, UserName: u.UserName, UserId: u.UserID, Arn: u.ARN, CreateDate: u.CreateDate}
	if full {
		w.PermissionsBoundary = boundary(u.PermissionsBoundary)
		w.Tags = wireTags(u.Tags)
	}
	return w
}

func noSuchUser(name string) error {
	return errorf(ErrNoSuchEntity, "The user with name %s cannot be found.", name)
}

// getUser reads a user, turning the store's not-found into IAM's
// NoSuchEntity.
func getUser(ctx context.Context, tx store.ReadTx, acct model.AccountID, name string) (model.User, error) {
	u, err := tx.GetUser(ctx, acct, name)
	if notFound(err) {
		return u, noSuchUser(name)
	}
	return u, err
}

// userCheck is the check of action on an existing (or missing) user: its
// ARN with its path, its tags as iam:ResourceTag/*, and, when withBoundary,
// its permissions boundary as iam:PermissionsBoundary.
func (s *Service) userCheck(ctx context.Context, c *op.Call, action, name string, withBoundary bool, extra map[string][]string) ([]op.Check, error) {
	var u model.User
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		u, err = tx.GetUser(ctx, c.Account, name)
		return err
	})
	if err != nil && !notFound(err) {
		return nil, err
	}
	ch := op.Check{
		Action:       action,
		Resource:     entityARN(c.Account, "user", u.Path, name),
		ResourceTags: tagMap(u.Tags),
		TagKeyPrefix: "iam:ResourceTag/",
		Context:      extra,
	}
	if withBoundary && u.PermissionsBoundary != "" {
		ch.Context = with(ch.Context, "iam:PermissionsBoundary", u.PermissionsBoundary)
	}
	return []op.Check{ch}, nil
}

// with returns m with key set to values, allocating m when nil.
func with(m map[string][]string, key string, values ...string) map[string][]string {
	if m == nil {
		m = make(map[string][]string)
	}
	m[key] = values
	return m
}

func (s *Service) authCreateUser(_ context.Context, c *op.Call, in *CreateUserInput) ([]op.Check, error) {
	arn := entityARN(c.Account, "user", orDefault(in.Path, "/"), in.UserName)
	ctx := requestTagContext(nil, in.Tags)
	if in.PermissionsBoundary != nil {
		ctx = with(ctx, "iam:PermissionsBoundary", *in.PermissionsBoundary)
	}
	checks := []op.Check{{Action: "iam:CreateUser", Resource: arn, Context: ctx}}
	if len(in.Tags) > 0 {
		checks = append(checks, op.Check{Action: "iam:TagUser", Resource: arn, Context: requestTagContext(nil, in.Tags)})
	}
	return checks, nil
}

// CreateUser creates an IAM user, optionally with a permissions boundary
// and tags.
func (s *Service) CreateUser(ctx context.Context, c *op.Call, in *CreateUserInput) (*CreateUserOutput, error) {
	var v validator
	v.path("path", in.Path)
	v.name("userName", in.UserName, 64)
	if in.PermissionsBoundary != nil {
		v.arn("permissionsBoundary", *in.PermissionsBoundary)
	}
	v.tags(in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	id, err := s.ids.UserID()
	if err != nil {
		return nil, err
	}
	path := orDefault(in.Path, "/")
	u := model.User{
		UserName: in.UserName, UserID: id, Path: path,
		ARN:        entityARN(c.Account, "user", path, in.UserName),
		Tags:       modelTags(in.Tags),
		CreateDate: now(c),
	}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		if in.PermissionsBoundary != nil {
			if err := checkBoundaryPolicy(ctx, tx, c.Account, *in.PermissionsBoundary); err != nil {
				return err
			}
			u.PermissionsBoundary = *in.PermissionsBoundary
		}
		err := tx.CreateUser(ctx, c.Account, u)
		if errors.Is(err, store.ErrConflict) {
			return errorf(ErrEntityAlreadyExists, "User with name %s already exists.", in.UserName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	w := wireUser(u, true)
	return &CreateUserOutput{User: &w}, nil
}

func (s *Service) authGetUser(ctx context.Context, c *op.Call, in *GetUserInput) ([]op.Check, error) {
	if in.UserName == nil {
		// A user may always read itself; AWS still authorizes the call on
		// the caller's own ARN.
		if c.Principal != nil && c.Principal.Type == model.PrincipalIAMUser {
			return []op.Check{{Action: "iam:GetUser", Resource: c.Principal.ARN, ResourceTags: c.Principal.Tags, TagKeyPrefix: "iam:ResourceTag/"}}, nil
		}
		return []op.Check{{Action: "iam:GetUser", Resource: rootARN(c.Account)}}, nil
	}
	return s.userCheck(ctx, c, "iam:GetUser", *in.UserName, false, nil)
}

func rootARN(acct model.AccountID) string { return "arn:aws:iam::" + string(acct) + ":root" }

// GetUser returns a user, or the caller itself when UserName is absent.
func (s *Service) GetUser(ctx context.Context, c *op.Call, in *GetUserInput) (*GetUserOutput, error) {
	var v validator
	if in.UserName != nil {
		v.str("userName", *in.UserName, 1, 128, namePattern, namePatternText)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	name := ""
	if in.UserName != nil {
		name = *in.UserName
	} else {
		var err error
		if name, err = callerUserName(c); err != nil {
			return nil, err
		}
		if name == "" {
			// The account root, as IAM describes it to itself.
			return &GetUserOutput{User: User{UserId: string(c.Account), Arn: rootARN(c.Account)}}, nil
		}
	}
	var u model.User
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		u, err = getUser(ctx, tx, c.Account, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GetUserOutput{User: wireUser(u, true)}, nil
}

// ListUsers lists the account's users whose path starts with PathPrefix.
func (s *Service) ListUsers(ctx context.Context, c *op.Call, in *ListUsersInput) (*ListUsersOutput, error) {
	var v validator
	v.pathPrefix(in.PathPrefix)
	v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	var p store.Page[model.User]
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		p, err = tx.ListUsers(ctx, c.Account, listOpts(in.PathPrefix, in.Marker, in.MaxItems))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &ListUsersOutput{Users: make([]User, 0, len(p.Items)), IsTruncated: p.IsTruncated, Marker: markerOut(p)}
	for _, u := range p.Items {
		out.Users = append(out.Users, wireUser(u, false))
	}
	return out, nil
}

// UpdateUser changes a user's path or name. Its memberships, policies and
// access keys follow a rename.
func (s *Service) UpdateUser(ctx context.Context, c *op.Call, in *UpdateUserInput) (*UpdateUserOutput, error) {
	var v validator
	v.str("userName", in.UserName, 1, 128, namePattern, namePatternText)
	v.path("newPath", in.NewPath)
	if in.NewUserName != nil {
		v.name("newUserName", *in.NewUserName, 64)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		u, err := getUser(ctx, tx, c.Account, in.UserName)
		if err != nil {
			return err
		}
		if in.NewPath != nil {
			u.Path = *in.NewPath
		}
		if in.NewUserName != nil {
			u.UserName = *in.NewUserName
		}
		u.ARN = entityARN(c.Account, "user", u.Path, u.UserName)
		err = tx.UpdateUser(ctx, c.Account, in.UserName, u)
		if errors.Is(err, store.ErrConflict) {
			return errorf(ErrEntityAlreadyExists, "User with name %s already exists.", u.UserName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &UpdateUserOutput{}, nil
}

func (s *Service) authDeleteUser(ctx context.Context, c *op.Call, in *DeleteUserInput) ([]op.Check, error) {
	return s.userCheck(ctx, c, "iam:DeleteUser", in.UserName, false, nil)
}

// DeleteUser deletes a user that has no access keys, policies or group
// memberships left (DeleteConflict otherwise, as IAM).
func (s *Service) DeleteUser(ctx context.Context, c *op.Call, in *DeleteUserInput) (*DeleteUserOutput, error) {
	var v validator
	v.str("userName", in.UserName, 1, 128, namePattern, namePatternText)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		u, err := getUser(ctx, tx, c.Account, in.UserName)
		if err != nil {
			return err
		}
		keys, err := tx.ListAccessKeys(ctx, c.Account, u.UserName)
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must delete access keys first.")
		}
		if n, err := countInline(ctx, tx, c.Account, model.EntityUser, u.UserName); err != nil {
			return err
		} else if n > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must delete policies first.")
		}
		if n, err := tx.CountAttachedPolicies(ctx, c.Account, model.EntityUser, u.UserName); err != nil {
			return err
		} else if n > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must detach all policies first.")
		}
		if n, err := tx.CountGroupsForUser(ctx, c.Account, u.UserName); err != nil {
			return err
		} else if n > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must remove users from group first.")
		}
		err = tx.DeleteUser(ctx, c.Account, u.UserName)
		if errors.Is(err, store.ErrInUse) {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must remove all dependencies first.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DeleteUserOutput{}, nil
}

// countInline counts an entity's inline policies.
func countInline(ctx context.Context, tx store.ReadTx, acct model.AccountID, kind model.EntityKind, name string) (int, error) {
	p, err := tx.ListInlinePolicies(ctx, acct, kind, name, store.ListOptions{MaxItems: 1})
	if err != nil {
		return 0, err
	}
	return len(p.Items), nil
}

// checkBoundaryPolicy verifies that arn names a managed policy that can be
// a permissions boundary.
func checkBoundaryPolicy(ctx context.Context, tx store.ReadTx, acct model.AccountID, arn string) error {
	_, err := tx.GetPolicy(ctx, acct, arn)
	if notFound(err) {
		return errorf(ErrNoSuchEntity, "Scope ARN: %s does not exist or is not attachable.", arn)
	}
	return err
}
