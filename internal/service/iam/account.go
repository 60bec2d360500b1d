package iam

import (
	"context"
	"strconv"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// detail is one item of GetAccountAuthorizationDetails, which pages over
// users, groups, roles and policies in that order.
type detail struct {
	user   *UserDetail
	group  *GroupDetail
	role   *RoleDetail
	policy *ManagedPolicyDetail
}

// GetAccountAuthorizationDetails returns the account's users, groups, roles
// and managed policies with their relationships and documents (URL-encoded,
// as IAM returns them). Filter selects entity types: User, Group, Role,
// LocalManagedPolicy, AWSManagedPolicy (AWS managed policies are those
// attached to something in the account).
func (s *Service) GetAccountAuthorizationDetails(ctx context.Context, c *op.Call, in *GetAccountAuthorizationDetailsInput) (*GetAccountAuthorizationDetailsOutput, error) {
	var v validator
	v.paging(in.Marker, in.MaxItems)
	want := map[string]bool{}
	for i, f := range in.Filter {
		switch f {
		case "User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy":
			want[f] = true
		default:
			v.fail("filter."+strconv.Itoa(i+1)+".member", f, "must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]")
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	all := len(want) == 0
	var items []detail
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		if all || want["User"] {
			if err := forEachPageErr(func(o store.ListOptions) (store.Page[model.User], error) {
				return tx.ListUsers(ctx, c.Account, o)
			}, func(u model.User) error {
				d, err := userDetail(ctx, tx, c.Account, u)
				items = append(items, detail{user: d})
				return err
			}); err != nil {
				return err
			}
		}
		if all || want["Group"] {
			if err := forEachPageErr(func(o store.ListOptions) (store.Page[model.Group], error) {
				return tx.ListGroups(ctx, c.Account, o)
			}, func(g model.Group) error {
				d, err := groupDetail(ctx, tx, c.Account, g)
				items = append(items, detail{group: d})
				return err
			}); err != nil {
				return err
			}
		}
		if all || want["Role"] {
			if err := forEachPageErr(func(o store.ListOptions) (store.Page[model.Role], error) {
				return tx.ListRoles(ctx, c.Account, o)
			}, func(r model.Role) error {
				d, err := roleDetail(ctx, tx, c.Account, r)
				items = append(items, detail{role: d})
				return err
			}); err != nil {
				return err
			}
		}
		for _, scope := range []struct {
			filter string
			scope  store.PolicyScope
		}{{"LocalManagedPolicy", store.ScopeLocal}, {"AWSManagedPolicy", store.ScopeAWS}} {
			if !all && !want[scope.filter] {
				continue
			}
			if err := forEachPageErr(func(o store.ListOptions) (store.Page[model.ManagedPolicy], error) {
				return tx.ListPolicies(ctx, c.Account, store.PolicyListOptions{ListOptions: o, Scope: scope.scope, OnlyAttached: scope.scope == store.ScopeAWS})
			}, func(p model.ManagedPolicy) error {
				d, err := policyDetail(ctx, tx, c.Account, p)
				items = append(items, detail{policy: d})
				return err
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	page, tr, m, err := pageSlice(items, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &GetAccountAuthorizationDetailsOutput{
		UserDetailList: []UserDetail{}, GroupDetailList: []GroupDetail{}, RoleDetailList: []RoleDetail{},
		Policies: []ManagedPolicyDetail{}, IsTruncated: tr, Marker: m,
	}
	for _, it := range page {
		switch {
		case it.user != nil:
			out.UserDetailList = append(out.UserDetailList, *it.user)
		case it.group != nil:
			out.GroupDetailList = append(out.GroupDetailList, *it.group)
		case it.role != nil:
			out.RoleDetailList = append(out.RoleDetailList, *it.role)
		case it.policy != nil:
			out.Policies = append(out.Policies, *it.policy)
		}
	}
	return out, nil
}

// forEachPageErr is forEachPage with a callback that can fail.
func forEachPageErr[T any](list func(store.ListOptions) (store.Page[T], error), each func(T) error) error {
	var err error
	listErr := forEachPage(list, func(it T) {
		if err == nil {
			err = each(it)
		}
	})
	if listErr != nil {
		return listErr
	}
	return err
}

func inlineDetails(ctx context.Context, tx store.ReadTx, acct model.AccountID, kind model.EntityKind, name string) ([]PolicyDetail, error) {
	out := []PolicyDetail{}
	err := forEachPage(func(o store.ListOptions) (store.Page[model.InlinePolicy], error) {
		return tx.ListInlinePolicies(ctx, acct, kind, name, o)
	}, func(p model.InlinePolicy) {
		out = append(out, PolicyDetail{PolicyName: ptr(p.PolicyName), PolicyDocument: ptr(encodeDocument(p.Document))})
	})
	return out, err
}

func attachedDetails(ctx context.Context, tx store.ReadTx, acct model.AccountID, kind model.EntityKind, name string) ([]AttachedPolicy, error) {
	out := []AttachedPolicy{}
	err := forEachPage(func(o store.ListOptions) (store.Page[model.AttachedPolicy], error) {
		return tx.ListAttachedPolicies(ctx, acct, kind, name, o)
	}, func(a model.AttachedPolicy) {
		out = append(out, AttachedPolicy{PolicyName: ptr(a.PolicyName), PolicyArn: ptr(a.PolicyARN)})
	})
	return out, err
}

func userDetail(ctx context.Context, tx store.ReadTx, acct model.AccountID, u model.User) (*UserDetail, error) {
	d := &UserDetail{
		Path: ptr(u.Path), UserName: ptr(u.UserName), UserId: ptr(u.UserID), Arn: ptr(u.ARN), CreateDate: ptr(u.CreateDate),
		PermissionsBoundary: boundary(u.PermissionsBoundary), Tags: wireTags(u.Tags), GroupList: []string{},
	}
	var err error
	if d.UserPolicyList, err = inlineDetails(ctx, tx, acct, model.EntityUser, u.UserName); err != nil {
		return nil, err
	}
	if d.AttachedManagedPolicies, err = attachedDetails(ctx, tx, acct, model.EntityUser, u.UserName); err != nil {
		return nil, err
	}
	err = forEachPage(func(o store.ListOptions) (store.Page[model.Group], error) {
		return tx.ListGroupsForUser(ctx, acct, u.UserName, o)
	}, func(g model.Group) { d.GroupList = append(d.GroupList, g.GroupName) })
	return d, err
}

func groupDetail(ctx context.Context, tx store.ReadTx, acct model.AccountID, g model.Group) (*GroupDetail, error) {
	d := &GroupDetail{Path: ptr(g.Path), GroupName: ptr(g.GroupName), GroupId: ptr(g.GroupID), Arn: ptr(g.ARN), CreateDate: ptr(g.CreateDate)}
	var err error
	if d.GroupPolicyList, err = inlineDetails(ctx, tx, acct, model.EntityGroup, g.GroupName); err != nil {
		return nil, err
	}
	d.AttachedManagedPolicies, err = attachedDetails(ctx, tx, acct, model.EntityGroup, g.GroupName)
	return d, err
}

func roleDetail(ctx context.Context, tx store.ReadTx, acct model.AccountID, r model.Role) (*RoleDetail, error) {
	w := wireRole(r, true)
	d := &RoleDetail{
		Path: ptr(r.Path), RoleName: ptr(r.RoleName), RoleId: ptr(r.RoleID), Arn: ptr(r.ARN), CreateDate: ptr(r.CreateDate),
		AssumeRolePolicyDocument: w.AssumeRolePolicyDocument, InstanceProfileList: []InstanceProfile{},
		PermissionsBoundary: w.PermissionsBoundary, Tags: w.Tags, RoleLastUsed: w.RoleLastUsed,
	}
	var err error
	if d.RolePolicyList, err = inlineDetails(ctx, tx, acct, model.EntityRole, r.RoleName); err != nil {
		return nil, err
	}
	d.AttachedManagedPolicies, err = attachedDetails(ctx, tx, acct, model.EntityRole, r.RoleName)
	return d, err
}

func policyDetail(ctx context.Context, tx store.ReadTx, acct model.AccountID, p model.ManagedPolicy) (*ManagedPolicyDetail, error) {
	w := wirePolicy(p, false)
	d := &ManagedPolicyDetail{
		PolicyName: w.PolicyName, PolicyId: w.PolicyId, Arn: w.Arn, Path: w.Path, DefaultVersionId: w.DefaultVersionId,
		AttachmentCount: w.AttachmentCount, PermissionsBoundaryUsageCount: w.PermissionsBoundaryUsageCount,
		IsAttachable: w.IsAttachable, Description: w.Description, CreateDate: w.CreateDate, UpdateDate: w.UpdateDate,
	}
	versions, err := tx.ListPolicyVersions(ctx, acct, p.ARN)
	if err != nil {
		return nil, err
	}
	d.PolicyVersionList = make([]PolicyVersion, 0, len(versions))
	for _, v := range versions {
		d.PolicyVersionList = append(d.PolicyVersionList, wireVersion(v, true))
	}
	return d, nil
}
