package iam

import (
	"context"
	"errors"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

func wireGroup(g model.Group) Group {
	return Group{Path: g.Path, GroupName: g.GroupName, GroupId: g.GroupID, Arn: g.ARN, CreateDate: g.CreateDate}
}

func noSuchGroup(name string) error {
	return errorf(ErrNoSuchEntity, "The group with name %s cannot be found.", name)
}

func getGroup(ctx context.Context, tx store.ReadTx, acct model.AccountID, name string) (model.Group, error) {
	g, err := tx.GetGroup(ctx, acct, name)
	if notFound(err) {
		return g, noSuchGroup(name)
	}
	return g, err
}

// groupCheck is the check of action on a group, with its path in the ARN.
// Groups have no tags.
func (s *Service) groupCheck(ctx context.Context, c *op.Call, action, name string, extra map[string][]string) ([]op.Check, error) {
	var g model.Group
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		g, err = tx.GetGroup(ctx, c.Account, name)
		return err
	})
	if err != nil && !notFound(err) {
		return nil, err
	}
	return []op.Check{{Action: action, Resource: entityARN(c.Account, "group", g.Path, name), Context: extra}}, nil
}

// CreateGroup creates an IAM group.
func (s *Service) CreateGroup(ctx context.Context, c *op.Call, in *CreateGroupInput) (*CreateGroupOutput, error) {
	var v validator
	v.path("path", in.Path)
	v.name("groupName", in.GroupName, 128)
	if err := v.err(); err != nil {
		return nil, err
	}
	id, err := s.ids.GroupID()
	if err != nil {
		return nil, err
	}
	path := orDefault(in.Path, "/")
	g := model.Group{GroupName: in.GroupName, GroupID: id, Path: path,
		ARN: entityARN(c.Account, "group", path, in.GroupName), CreateDate: now(c)}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		err := tx.CreateGroup(ctx, c.Account, g)
		if errors.Is(err, store.ErrConflict) {
			return errorf(ErrEntityAlreadyExists, "Group with name %s already exists.", in.GroupName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateGroupOutput{Group: wireGroup(g)}, nil
}

// GetGroup returns a group and a page of its members.
func (s *Service) GetGroup(ctx context.Context, c *op.Call, in *GetGroupInput) (*GetGroupOutput, error) {
	var v validator
	v.name("groupName", in.GroupName, 128)
	v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	var g model.Group
	var p store.Page[model.User]
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		if g, err = getGroup(ctx, tx, c.Account, in.GroupName); err != nil {
			return err
		}
		p, err = tx.ListGroupMembers(ctx, c.Account, g.GroupName, listOpts(nil, in.Marker, in.MaxItems))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &GetGroupOutput{Group: wireGroup(g), Users: make([]User, 0, len(p.Items)), IsTruncated: p.IsTruncated, Marker: markerOut(p)}
	for _, u := range p.Items {
		out.Users = append(out.Users, wireUser(u, false))
	}
	return out, nil
}

// ListGroups lists the account's groups whose path starts with PathPrefix.
func (s *Service) ListGroups(ctx context.Context, c *op.Call, in *ListGroupsInput) (*ListGroupsOutput, error) {
	var v validator
	v.pathPrefix(in.PathPrefix)
	v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	var p store.Page[model.Group]
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		p, err = tx.ListGroups(ctx, c.Account, listOpts(in.PathPrefix, in.Marker, in.MaxItems))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ListGroupsOutput{Groups: wireGroups(p.Items), IsTruncated: p.IsTruncated, Marker: markerOut(p)}, nil
}

func wireGroups(gs []model.Group) []Group {
	out := make([]Group, 0, len(gs))
	for _, g := range gs {
		out = append(out, wireGroup(g))
	}
	return out
}

// UpdateGroup changes a group's path or name.
func (s *Service) UpdateGroup(ctx context.Context, c *op.Call, in *UpdateGroupInput) (*UpdateGroupOutput, error) {
	var v validator
	v.name("groupName", in.GroupName, 128)
	v.path("newPath", in.NewPath)
	if in.NewGroupName != nil {
		v.name("newGroupName", *in.NewGroupName, 128)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		g, err := getGroup(ctx, tx, c.Account, in.GroupName)
		if err != nil {
			return err
		}
		if in.NewPath != nil {
			g.Path = *in.NewPath
		}
		if in.NewGroupName != nil {
			g.GroupName = *in.NewGroupName
		}
		g.ARN = entityARN(c.Account, "group", g.Path, g.GroupName)
		err = tx.UpdateGroup(ctx, c.Account, in.GroupName, g)
		if errors.Is(err, store.ErrConflict) {
			return errorf(ErrEntityAlreadyExists, "Group with name %s already exists.", g.GroupName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &UpdateGroupOutput{}, nil
}

// DeleteGroup deletes a group that has no members and no policies.
func (s *Service) DeleteGroup(ctx context.Context, c *op.Call, in *DeleteGroupInput) (*DeleteGroupOutput, error) {
	var v validator
	v.name("groupName", in.GroupName, 128)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		g, err := getGroup(ctx, tx, c.Account, in.GroupName)
		if err != nil {
			return err
		}
		members, err := tx.ListGroupMembers(ctx, c.Account, g.GroupName, store.ListOptions{MaxItems: 1})
		if err != nil {
			return err
		}
		if len(members.Items) > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must remove users from group first.")
		}
		if n, err := countInline(ctx, tx, c.Account, model.EntityGroup, g.GroupName); err != nil {
			return err
		} else if n > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must delete policies first.")
		}
		if n, err := tx.CountAttachedPolicies(ctx, c.Account, model.EntityGroup, g.GroupName); err != nil {
			return err
		} else if n > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must detach all policies first.")
		}
		err = tx.DeleteGroup(ctx, c.Account, g.GroupName)
		if errors.Is(err, store.ErrInUse) {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must remove all dependencies first.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DeleteGroupOutput{}, nil
}

// AddUserToGroup adds a user to a group, within the quota of groups per
// user. Adding a member again changes nothing.
func (s *Service) AddUserToGroup(ctx context.Context, c *op.Call, in *AddUserToGroupInput) (*AddUserToGroupOutput, error) {
	var v validator
	v.name("groupName", in.GroupName, 128)
	v.name("userName", in.UserName, 64)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		g, err := getGroup(ctx, tx, c.Account, in.GroupName)
		if err != nil {
			return err
		}
		u, err := getUser(ctx, tx, c.Account, in.UserName)
		if err != nil {
			return err
		}
		groups, err := tx.ListGroupsForUser(ctx, c.Account, u.UserName, store.ListOptions{MaxItems: store.MaxMaxItems})
		if err != nil {
			return err
		}
		for _, m := range groups.Items {
			if m.GroupID == g.GroupID {
				return nil
			}
		}
		if len(groups.Items) >= maxGroupsPerUser {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		return tx.AddUserToGroup(ctx, c.Account, g.GroupName, u.UserName)
	})
	if err != nil {
		return nil, err
	}
	return &AddUserToGroupOutput{}, nil
}

// RemoveUserFromGroup removes a user from a group.
func (s *Service) RemoveUserFromGroup(ctx context.Context, c *op.Call, in *RemoveUserFromGroupInput) (*RemoveUserFromGroupOutput, error) {
	var v validator
	v.name("groupName", in.GroupName, 128)
	v.name("userName", in.UserName, 64)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		g, err := getGroup(ctx, tx, c.Account, in.GroupName)
		if err != nil {
			return err
		}
		u, err := getUser(ctx, tx, c.Account, in.UserName)
		if err != nil {
			return err
		}
		err = tx.RemoveUserFromGroup(ctx, c.Account, g.GroupName, u.UserName)
		if notFound(err) {
			return errorf(ErrNoSuchEntity, "User %s is not in group %s.", u.UserName, g.GroupName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &RemoveUserFromGroupOutput{}, nil
}

// ListGroupsForUser lists the groups a user belongs to.
func (s *Service) ListGroupsForUser(ctx context.Context, c *op.Call, in *ListGroupsForUserInput) (*ListGroupsForUserOutput, error) {
	var v validator
	v.str("userName", in.UserName, 1, 128, namePattern, namePatternText)
	v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	var p store.Page[model.Group]
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		u, err := getUser(ctx, tx, c.Account, in.UserName)
		if err != nil {
			return err
		}
		p, err = tx.ListGroupsForUser(ctx, c.Account, u.UserName, listOpts(nil, in.Marker, in.MaxItems))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ListGroupsForUserOutput{Groups: wireGroups(p.Items), IsTruncated: p.IsTruncated, Marker: markerOut(p)}, nil
}
