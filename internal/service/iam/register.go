package iam

import (
	"context"

	"abacus/internal/op"
)

// Register registers every IAM operation of s in r, each once, with the
// checks AWS's Service Authorization Reference lists for it: the action,
// the resource ARN of the user, group, role or policy (with its path), and
// the condition keys iam:PermissionsBoundary, iam:PolicyARN,
// aws:RequestTag/*, aws:TagKeys and the entity's tags (iam:ResourceTag/*
// for users and roles).
func Register(r *op.Registry, s *Service) {
	// Users.
	add(r, "CreateUser", false, s.authCreateUser, s.CreateUser)
	add(r, "GetUser", true, s.authGetUser, s.GetUser)
	add(r, "ListUsers", true, func(_ context.Context, c *op.Call, in *ListUsersInput) ([]op.Check, error) {
		return []op.Check{{Action: "iam:ListUsers", Resource: listARN(c.Account, "user", in.PathPrefix)}}, nil
	}, s.ListUsers)
	add(r, "UpdateUser", false, s.authUpdateUser, s.UpdateUser)
	add(r, "DeleteUser", false, s.authDeleteUser, s.DeleteUser)
	add(r, "ListGroupsForUser", true, func(ctx context.Context, c *op.Call, in *ListGroupsForUserInput) ([]op.Check, error) {
		return s.userCheck(ctx, c, "iam:ListGroupsForUser", in.UserName, false, nil)
	}, s.ListGroupsForUser)

	// Groups.
	add(r, "CreateGroup", false, func(_ context.Context, c *op.Call, in *CreateGroupInput) ([]op.Check, error) {
		return []op.Check{{Action: "iam:CreateGroup", Resource: entityARN(c.Account, "group", orDefault(in.Path, "/"), in.GroupName)}}, nil
	}, s.CreateGroup)
	add(r, "GetGroup", true, func(ctx context.Context, c *op.Call, in *GetGroupInput) ([]op.Check, error) {
		return s.groupCheck(ctx, c, "iam:GetGroup", in.GroupName, nil)
	}, s.GetGroup)
	add(r, "ListGroups", true, func(_ context.Context, c *op.Call, in *ListGroupsInput) ([]op.Check, error) {
		return []op.Check{{Action: "iam:ListGroups", Resource: listARN(c.Account, "group", in.PathPrefix)}}, nil
	}, s.ListGroups)
	add(r, "UpdateGroup", false, s.authUpdateGroup, s.UpdateGroup)
	add(r, "DeleteGroup", false, func(ctx context.Context, c *op.Call, in *DeleteGroupInput) ([]op.Check, error) {
		return s.groupCheck(ctx, c, "iam:DeleteGroup", in.GroupName, nil)
	}, s.DeleteGroup)
	add(r, "AddUserToGroup", false, func(ctx context.Context, c *op.Call, in *AddUserToGroupInput) ([]op.Check, error) {
		return s.groupCheck(ctx, c, "iam:AddUserToGroup", in.GroupName, nil)
	}, s.AddUserToGroup)
	add(r, "RemoveUserFromGroup", false, func(ctx context.Context, c *op.Call, in *RemoveUserFromGroupInput) ([]op.Check, error) {
		return s.groupCheck(ctx, c, "iam:RemoveUserFromGroup", in.GroupName, nil)
	}, s.RemoveUserFromGroup)

	// Roles.
	add(r, "CreateRole", false, s.authCreateRole, s.CreateRole)
	add(r, "GetRole", true, roleAuth[GetRoleInput](s, "iam:GetRole", true, func(in *GetRoleInput) string { return in.RoleName }), s.GetRole)
	add(r, "ListRoles", true, func(_ context.Context, c *op.Call, in *ListRolesInput) ([]op.Check, error) {
		return []op.Check{{Action: "iam:ListRoles", Resource: listARN(c.Account, "role", in.PathPrefix)}}, nil
	}, s.ListRoles)
	add(r, "UpdateRole", false, roleAuth[UpdateRoleInput](s, "iam:UpdateRole", true, func(in *UpdateRoleInput) string { return in.RoleName }), s.UpdateRole)
	add(r, "UpdateRoleDescription", false, roleAuth[UpdateRoleDescriptionInput](s, "iam:UpdateRoleDescription", true, func(in *UpdateRoleDescriptionInput) string { return in.RoleName }), s.UpdateRoleDescription)
	add(r, "DeleteRole", false, roleAuth[DeleteRoleInput](s, "iam:DeleteRole", true, func(in *DeleteRoleInput) string { return in.RoleName }), s.DeleteRole)
	add(r, "UpdateAssumeRolePolicy", false, roleAuth[UpdateAssumeRolePolicyInput](s, "iam:UpdateAssumeRolePolicy", true, func(in *UpdateAssumeRolePolicyInput) string { return in.RoleName }), s.UpdateAssumeRolePolicy)
	add(r, "ListInstanceProfilesForRole", true, roleAuth[ListInstanceProfilesForRoleInput](s, "iam:ListInstanceProfilesForRole", false, func(in *ListInstanceProfilesForRoleInput) string { return in.RoleName }), s.ListInstanceProfilesForRole)

	// Managed policies and versions.
	add(r, "CreatePolicy", false, s.authCreatePolicy, s.CreatePolicy)
	add(r, "GetPolicy", true, policyAuth[GetPolicyInput](s, "iam:GetPolicy", func(in *GetPolicyInput) string { return in.PolicyArn }), s.GetPolicy)
	add(r, "ListPolicies", true, func(_ context.Context, c *op.Call, in *ListPoliciesInput) ([]op.Check, error) {
		return []op.Check{{Action: "iam:ListPolicies", Resource: listARN(c.Account, "policy", in.PathPrefix)}}, nil
	}, s.ListPolicies)
	add(r, "DeletePolicy", false, policyAuth[DeletePolicyInput](s, "iam:DeletePolicy", func(in *DeletePolicyInput) string { return in.PolicyArn }), s.DeletePolicy)
	add(r, "CreatePolicyVersion", false, policyAuth[CreatePolicyVersionInput](s, "iam:CreatePolicyVersion", func(in *CreatePolicyVersionInput) string { return in.PolicyArn }), s.CreatePolicyVersion)
	add(r, "GetPolicyVersion", true, policyAuth[GetPolicyVersionInput](s, "iam:GetPolicyVersion", func(in *GetPolicyVersionInput) string { return in.PolicyArn }), s.GetPolicyVersion)
	add(r, "ListPolicyVersions", true, policyAuth[ListPolicyVersionsInput](s, "iam:ListPolicyVersions", func(in *ListPolicyVersionsInput) string { return in.PolicyArn }), s.ListPolicyVersions)
	add(r, "DeletePolicyVersion", false, policyAuth[DeletePolicyVersionInput](s, "iam:DeletePolicyVersion", func(in *DeletePolicyVersionInput) string { return in.PolicyArn }), s.DeletePolicyVersion)
	add(r, "SetDefaultPolicyVersion", false, policyAuth[SetDefaultPolicyVersionInput](s, "iam:SetDefaultPolicyVersion", func(in *SetDefaultPolicyVersionInput) string { return in.PolicyArn }), s.SetDefaultPolicyVersion)
	add(r, "ListEntitiesForPolicy", true, policyAuth[ListEntitiesForPolicyInput](s, "iam:ListEntitiesForPolicy", func(in *ListEntitiesForPolicyInput) string { return in.PolicyArn }), s.ListEntitiesForPolicy)

	// Attachments.
	add(r, "AttachUserPolicy", false, func(ctx context.Context, c *op.Call, in *AttachUserPolicyInput) ([]op.Check, error) {
		return s.userCheck(ctx, c, "iam:AttachUserPolicy", in.UserName, true, with(nil, "iam:PolicyARN", in.PolicyArn))
	}, s.AttachUserPolicy)
	add(r, "DetachUserPolicy", false, func(ctx context.Context, c *op.Call, in *DetachUserPolicyInput) ([]op.Check, error) {
		return s.userCheck(ctx, c, "iam:DetachUserPolicy", in.UserName, true, with(nil, "iam:PolicyARN", in.PolicyArn))
	}, s.DetachUserPolicy)
	add(r, "AttachGroupPolicy", false, func(ctx context.Context, c *op.Call, in *AttachGroupPolicyInput) ([]op.Check, error) {
		return s.groupCheck(ctx, c, "iam:AttachGroupPolicy", in.GroupName, with(nil, "iam:PolicyARN", in.PolicyArn))
	}, s.AttachGroupPolicy)
	add(r, "DetachGroupPolicy", false, func(ctx context.Context, c *op.Call, in *DetachGroupPolicyInput) ([]op.Check, error) {
		return s.groupCheck(ctx, c, "iam:DetachGroupPolicy", in.GroupName, with(nil, "iam:PolicyARN", in.PolicyArn))
	}, s.DetachGroupPolicy)
	add(r, "AttachRolePolicy", false, func(ctx context.Context, c *op.Call, in *AttachRolePolicyInput) ([]op.Check, error) {
		return s.roleCheck(ctx, c, "iam:AttachRolePolicy", in.RoleName, true, with(nil, "iam:PolicyARN", in.PolicyArn))
	}, s.AttachRolePolicy)
	add(r, "DetachRolePolicy", false, func(ctx context.Context, c *op.Call, in *DetachRolePolicyInput) ([]op.Check, error) {
		return s.roleCheck(ctx, c, "iam:DetachRolePolicy", in.RoleName, true, with(nil, "iam:PolicyARN", in.PolicyArn))
	}, s.DetachRolePolicy)
	add(r, "ListAttachedUserPolicies", true, userAuth[ListAttachedUserPoliciesInput](s, "iam:ListAttachedUserPolicies", false, func(in *ListAttachedUserPoliciesInput) string { return in.UserName }), s.ListAttachedUserPolicies)
	add(r, "ListAttachedGroupPolicies", true, groupAuth[ListAttachedGroupPoliciesInput](s, "iam:ListAttachedGroupPolicies", func(in *ListAttachedGroupPoliciesInput) string { return in.GroupName }), s.ListAttachedGroupPolicies)
	add(r, "ListAttachedRolePolicies", true, roleAuth[ListAttachedRolePoliciesInput](s, "iam:ListAttachedRolePolicies", false, func(in *ListAttachedRolePoliciesInput) string { return in.RoleName }), s.ListAttachedRolePolicies)

	// Inline policies.
	add(r, "PutUserPolicy", false, userAuth[PutUserPolicyInput](s, "iam:PutUserPolicy", true, func(in *PutUserPolicyInput) string { return in.UserName }), s.PutUserPolicy)
	add(r, "GetUserPolicy", true, userAuth[GetUserPolicyInput](s, "iam:GetUserPolicy", false, func(in *GetUserPolicyInput) string { return in.UserName }), s.GetUserPolicy)
	add(r, "DeleteUserPolicy", false, userAuth[DeleteUserPolicyInput](s, "iam:DeleteUserPolicy", true, func(in *DeleteUserPolicyInput) string { return in.UserName }), s.DeleteUserPolicy)
	add(r, "ListUserPolicies", true, userAuth[ListUserPoliciesInput](s, "iam:ListUserPolicies", false, func(in *ListUserPoliciesInput) string { return in.UserName }), s.ListUserPolicies)
	add(r, "PutGroupPolicy", false, groupAuth[PutGroupPolicyInput](s, "iam:PutGroupPolicy", func(in *PutGroupPolicyInput) string { return in.GroupName }), s.PutGroupPolicy)
	add(r, "GetGroupPolicy", true, groupAuth[GetGroupPolicyInput](s, "iam:GetGroupPolicy", func(in *GetGroupPolicyInput) string { return in.GroupName }), s.GetGroupPolicy)
	add(r, "DeleteGroupPolicy", false, groupAuth[DeleteGroupPolicyInput](s, "iam:DeleteGroupPolicy", func(in *DeleteGroupPolicyInput) string { return in.GroupName }), s.DeleteGroupPolicy)
	add(r, "ListGroupPolicies", true, groupAuth[ListGroupPoliciesInput](s, "iam:ListGroupPolicies", func(in *ListGroupPoliciesInput) string { return in.GroupName }), s.ListGroupPolicies)
	add(r, "PutRolePolicy", false, roleAuth[PutRolePolicyInput](s, "iam:PutRolePolicy", true, func(in *PutRolePolicyInput) string { return in.RoleName }), s.PutRolePolicy)
	add(r, "GetRolePolicy", true, roleAuth[GetRolePolicyInput](s, "iam:GetRolePolicy", false, func(in *GetRolePolicyInput) string { return in.RoleName }), s.GetRolePolicy)
	add(r, "DeleteRolePolicy", false, roleAuth[DeleteRolePolicyInput](s, "iam:DeleteRolePolicy", true, func(in *DeleteRolePolicyInput) string { return in.RoleName }), s.DeleteRolePolicy)
	add(r, "ListRolePolicies", true, roleAuth[ListRolePoliciesInput](s, "iam:ListRolePolicies", false, func(in *ListRolePoliciesInput) string { return in.RoleName }), s.ListRolePolicies)

	// Permissions boundaries: Put* authorizes the requested boundary,
	// Delete* the current one.
	add(r, "PutUserPermissionsBoundary", false, func(ctx context.Context, c *op.Call, in *PutUserPermissionsBoundaryInput) ([]op.Check, error) {
		return s.userCheck(ctx, c, "iam:PutUserPermissionsBoundary", in.UserName, false, with(nil, "iam:PermissionsBoundary", in.PermissionsBoundary))
	}, s.PutUserPermissionsBoundary)
	add(r, "DeleteUserPermissionsBoundary", false, userAuth[DeleteUserPermissionsBoundaryInput](s, "iam:DeleteUserPermissionsBoundary", true, func(in *DeleteUserPermissionsBoundaryInput) string { return in.UserName }), s.DeleteUserPermissionsBoundary)
	add(r, "PutRolePermissionsBoundary", false, func(ctx context.Context, c *op.Call, in *PutRolePermissionsBoundaryInput) ([]op.Check, error) {
		return s.roleCheck(ctx, c, "iam:PutRolePermissionsBoundary", in.RoleName, false, with(nil, "iam:PermissionsBoundary", in.PermissionsBoundary))
	}, s.PutRolePermissionsBoundary)
	add(r, "DeleteRolePermissionsBoundary", false, roleAuth[DeleteRolePermissionsBoundaryInput](s, "iam:DeleteRolePermissionsBoundary", true, func(in *DeleteRolePermissionsBoundaryInput) string { return in.RoleName }), s.DeleteRolePermissionsBoundary)

	// Tags.
	add(r, "TagUser", false, func(ctx context.Context, c *op.Call, in *TagUserInput) ([]op.Check, error) {
		return s.userCheck(ctx, c, "iam:TagUser", in.UserName, false, requestTagContext(nil, in.Tags))
	}, s.TagUser)
	add(r, "UntagUser", false, func(ctx context.Context, c *op.Call, in *UntagUserInput) ([]op.Check, error) {
		return s.userCheck(ctx, c, "iam:UntagUser", in.UserName, false, tagKeysContext(in.TagKeys))
	}, s.UntagUser)
	add(r, "ListUserTags", true, userAuth[ListUserTagsInput](s, "iam:ListUserTags", false, func(in *ListUserTagsInput) string { return in.UserName }), s.ListUserTags)
	add(r, "TagRole", false, func(ctx context.Context, c *op.Call, in *TagRoleInput) ([]op.Check, error) {
		return s.roleCheck(ctx, c, "iam:TagRole", in.RoleName, false, requestTagContext(nil, in.Tags))
	}, s.TagRole)
	add(r, "UntagRole", false, func(ctx context.Context, c *op.Call, in *UntagRoleInput) ([]op.Check, error) {
		return s.roleCheck(ctx, c, "iam:UntagRole", in.RoleName, false, tagKeysContext(in.TagKeys))
	}, s.UntagRole)
	add(r, "ListRoleTags", true, roleAuth[ListRoleTagsInput](s, "iam:ListRoleTags", false, func(in *ListRoleTagsInput) string { return in.RoleName }), s.ListRoleTags)
	add(r, "TagPolicy", false, func(ctx context.Context, c *op.Call, in *TagPolicyInput) ([]op.Check, error) {
		return s.policyCheck(ctx, c, "iam:TagPolicy", in.PolicyArn, requestTagContext(nil, in.Tags))
	}, s.TagPolicy)
	add(r, "UntagPolicy", false, func(ctx context.Context, c *op.Call, in *UntagPolicyInput) ([]op.Check, error) {
		return s.policyCheck(ctx, c, "iam:UntagPolicy", in.PolicyArn, tagKeysContext(in.TagKeys))
	}, s.UntagPolicy)
	add(r, "ListPolicyTags", true, policyAuth[ListPolicyTagsInput](s, "iam:ListPolicyTags", func(in *ListPolicyTagsInput) string { return in.PolicyArn }), s.ListPolicyTags)

	// Access keys.
	add(r, "CreateAccessKey", false, func(ctx context.Context, c *op.Call, in *CreateAccessKeyInput) ([]op.Check, error) {
		return s.keyOwnerCheck(ctx, c, "iam:CreateAccessKey", in.UserName)
	}, s.CreateAccessKey)
	add(r, "ListAccessKeys", true, func(ctx context.Context, c *op.Call, in *ListAccessKeysInput) ([]op.Check, error) {
		return s.keyOwnerCheck(ctx, c, "iam:ListAccessKeys", in.UserName)
	}, s.ListAccessKeys)
	add(r, "UpdateAccessKey", false, func(ctx context.Context, c *op.Call, in *UpdateAccessKeyInput) ([]op.Check, error) {
		return s.keyOwnerCheck(ctx, c, "iam:UpdateAccessKey", in.UserName)
	}, s.UpdateAccessKey)
	add(r, "DeleteAccessKey", false, func(ctx context.Context, c *op.Call, in *DeleteAccessKeyInput) ([]op.Check, error) {
		return s.keyOwnerCheck(ctx, c, "iam:DeleteAccessKey", in.UserName)
	}, s.DeleteAccessKey)
	add(r, "GetAccessKeyLastUsed", true, s.authGetAccessKeyLastUsed, s.GetAccessKeyLastUsed)

	// Account and simulator.
	add(r, "GetAccountAuthorizationDetails", true, op.Any[GetAccountAuthorizationDetailsInput]("iam:GetAccountAuthorizationDetails"), s.GetAccountAuthorizationDetails)
	add(r, "SimulateCustomPolicy", true, op.Any[SimulateCustomPolicyInput]("iam:SimulateCustomPolicy"), s.SimulateCustomPolicy)
	add(r, "GetContextKeysForCustomPolicy", true, op.Any[GetContextKeysForCustomPolicyInput]("iam:GetContextKeysForCustomPolicy"), s.GetContextKeysForCustomPolicy)
	add(r, "SimulatePrincipalPolicy", true, op.On("iam:SimulatePrincipalPolicy", func(_ *op.Call, in *SimulatePrincipalPolicyInput) string { return in.PolicySourceArn }), s.SimulatePrincipalPolicy)
	add(r, "GetContextKeysForPrincipalPolicy", true, op.On("iam:GetContextKeysForPrincipalPolicy", func(_ *op.Call, in *GetContextKeysForPrincipalPolicyInput) string { return in.PolicySourceArn }), s.GetContextKeysForPrincipalPolicy)
}

// add registers one IAM operation.
func add[In, Out any](r *op.Registry, name string, readOnly bool, auth func(context.Context, *op.Call, *In) ([]op.Check, error), h func(context.Context, *op.Call, *In) (*Out, error)) {
	op.Register(r, op.Spec[In, Out]{Service: "iam", Name: name, ReadOnly: readOnly, Authorize: auth, Handle: h})
}

func userAuth[In any](s *Service, action string, withBoundary bool, name func(*In) string) func(context.Context, *op.Call, *In) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *In) ([]op.Check, error) {
		return s.userCheck(ctx, c, action, name(in), withBoundary, nil)
	}
}

func groupAuth[In any](s *Service, action string, name func(*In) string) func(context.Context, *op.Call, *In) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *In) ([]op.Check, error) {
		return s.groupCheck(ctx, c, action, name(in), nil)
	}
}

func roleAuth[In any](s *Service, action string, withBoundary bool, name func(*In) string) func(context.Context, *op.Call, *In) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *In) ([]op.Check, error) {
		return s.roleCheck(ctx, c, action, name(in), withBoundary, nil)
	}
}

func policyAuth[In any](s *Service, action string, arn func(*In) string) func(context.Context, *op.Call, *In) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *In) ([]op.Check, error) {
		return s.policyCheck(ctx, c, action, arn(in), nil)
	}
}

func tagKeysContext(keys []string) map[string][]string {
	return map[string][]string{"aws:TagKeys": append([]string{}, keys...)}
}

// authUpdateUser authorizes a change on the user and, for a rename or a
// move, on the user's new ARN too, as IAM requires permission on both.
func (s *Service) authUpdateUser(ctx context.Context, c *op.Call, in *UpdateUserInput) ([]op.Check, error) {
	checks, err := s.userCheck(ctx, c, "iam:UpdateUser", in.UserName, false, nil)
	if err != nil || (in.NewUserName == nil && in.NewPath == nil) {
		return checks, err
	}
	path := checks[0].Resource[len("arn:aws:iam::"+string(c.Account)+":user"):]
	path = path[:len(path)-len(in.UserName)]
	if in.NewPath != nil {
		path = *in.NewPath
	}
	name := in.UserName
	if in.NewUserName != nil {
		name = *in.NewUserName
	}
	return append(checks, op.Check{Action: "iam:UpdateUser", Resource: entityARN(c.Account, "user", path, name)}), nil
}

// authUpdateGroup is authUpdateUser for groups.
func (s *Service) authUpdateGroup(ctx context.Context, c *op.Call, in *UpdateGroupInput) ([]op.Check, error) {
	checks, err := s.groupCheck(ctx, c, "iam:UpdateGroup", in.GroupName, nil)
	if err != nil || (in.NewGroupName == nil && in.NewPath == nil) {
		return checks, err
	}
	path := checks[0].Resource[len("arn:aws:iam::"+string(c.Account)+":group"):]
	path = path[:len(path)-len(in.GroupName)]
	if in.NewPath != nil {
		path = *in.NewPath
	}
	name := in.GroupName
	if in.NewGroupName != nil {
		name = *in.NewGroupName
	}
	return append(checks, op.Check{Action: "iam:UpdateGroup", Resource: entityARN(c.Account, "group", path, name)}), nil
}
