package iam

import (
	"time"

	"abacus/internal/model"
)

// The operation input and output types below follow the members of
// botocore's iam model (2010-05-08) one to one; see internal/protocol for
// the conventions, and shape_test.go for the check against the model.

// CreateUserInput is the input of CreateUser.
type CreateUserInput struct {
	Path                *string
	UserName            string `aws:",required"`
	PermissionsBoundary *string
	Tags                []Tag
}

// CreateUserOutput is the output of CreateUser.
type CreateUserOutput struct {
	User *User
}

// GetUserInput is the input of GetUser.
type GetUserInput struct {
	UserName *string
}

// GetUserOutput is the output of GetUser.
type GetUserOutput struct {
	User User
}

// ListUsersInput is the input of ListUsers.
type ListUsersInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

// ListUsersOutput is the output of ListUsers.
type ListUsersOutput struct {
	Users       []User
	IsTruncated bool
	Marker      *string
}

// UpdateUserInput is the input of UpdateUser.
type UpdateUserInput struct {
	UserName    string `aws:",required"`
	NewPath     *string
	NewUserName *string
}

// UpdateUserOutput is the output of UpdateUser; it has no members.
type UpdateUserOutput struct{}

// DeleteUserInput is the input of DeleteUser.
type DeleteUserInput struct {
	UserName string `aws:",required"`
}

// DeleteUserOutput is the output of DeleteUser; it has no members.
type DeleteUserOutput struct{}

// CreateGroupInput is the input of CreateGroup.
type CreateGroupInput struct {
	Path      *string
	GroupName string `aws:",required"`
}

// CreateGroupOutput is the output of CreateGroup.
type CreateGroupOutput struct {
	Group Group
}

// GetGroupInput is the input of GetGroup.
type GetGroupInput struct {
	GroupName string `aws:",required"`
	Marker    *string
	MaxItems  *int32
}

// GetGroupOutput is the output of GetGroup.
type GetGroupOutput struct {
	Group       Group
	Users       []User
	IsTruncated bool
	Marker      *string
}

// ListGroupsInput is the input of ListGroups.
type ListGroupsInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

// ListGroupsOutput is the output of ListGroups.
type ListGroupsOutput struct {
	Groups      []Group
	IsTruncated bool
	Marker      *string
}

// UpdateGroupInput is the input of UpdateGroup.
type UpdateGroupInput struct {
	GroupName    string `aws:",required"`
	NewPath      *string
	NewGroupName *string
}

// UpdateGroupOutput is the output of UpdateGroup; it has no members.
type UpdateGroupOutput struct{}

// DeleteGroupInput is the input of DeleteGroup.
type DeleteGroupInput struct {
	GroupName string `aws:",required"`
}

// DeleteGroupOutput is the output of DeleteGroup; it has no members.
type DeleteGroupOutput struct{}

// CreateRoleInput is the input of CreateRole.
type CreateRoleInput struct {
	Path                     *string
	RoleName                 string `aws:",required"`
	AssumeRolePolicyDocument string `aws:",required"`
	Description              *string
	MaxSessionDuration       *int32
	PermissionsBoundary      *string
	Tags                     []Tag
}

// CreateRoleOutput is the output of CreateRole.
type CreateRoleOutput struct {
	Role Role
}

// GetRoleInput is the input of GetRole.
type GetRoleInput struct {
	RoleName string `aws:",required"`
}

// GetRoleOutput is the output of GetRole.
type GetRoleOutput struct {
	Role Role
}

// ListRolesInput is the input of ListRoles.
type ListRolesInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

// ListRolesOutput is the output of ListRoles.
type ListRolesOutput struct {
	Roles       []Role
	IsTruncated bool
	Marker      *string
}

// UpdateRoleInput is the input of UpdateRole.
type UpdateRoleInput struct {
	RoleName           string `aws:",required"`
	Description        *string
	MaxSessionDuration *int32
}

// UpdateRoleOutput is the output of UpdateRole.
type UpdateRoleOutput struct {
}

// DeleteRoleInput is the input of DeleteRole.
type DeleteRoleInput struct {
	RoleName string `aws:",required"`
}

// DeleteRoleOutput is the output of DeleteRole; it has no members.
type DeleteRoleOutput struct{}

// UpdateRoleDescriptionInput is the input of UpdateRoleDescription.
type UpdateRoleDescriptionInput struct {
	RoleName    string `aws:",required"`
	Description string `aws:",required"`
}

// UpdateRoleDescriptionOutput is the output of UpdateRoleDescription.
type UpdateRoleDescriptionOutput struct {
	Role *Role
}

// AddUserToGroupInput is the input of AddUserToGroup.
type AddUserToGroupInput struct {
	GroupName string `aws:",required"`
	UserName  string `aws:",required"`
}

// AddUserToGroupOutput is the output of AddUserToGroup; it has no members.
type AddUserToGroupOutput struct{}

// RemoveUserFromGroupInput is the input of RemoveUserFromGroup.
type RemoveUserFromGroupInput struct {
	GroupName string `aws:",required"`
	UserName  string `aws:",required"`
}

// RemoveUserFromGroupOutput is the output of RemoveUserFromGroup; it has no members.
type RemoveUserFromGroupOutput struct{}

// ListGroupsForUserInput is the input of ListGroupsForUser.
type ListGroupsForUserInput struct {
	UserName string `aws:",required"`
	Marker   *string
	MaxItems *int32
}

// ListGroupsForUserOutput is the output of ListGroupsForUser.
type ListGroupsForUserOutput struct {
	Groups      []Group
	IsTruncated bool
	Marker      *string
}

// CreatePolicyInput is the input of CreatePolicy.
type CreatePolicyInput struct {
	PolicyName     string `aws:",required"`
	Path           *string
	PolicyDocument string `aws:",required"`
	Description    *string
	Tags           []Tag
}

// CreatePolicyOutput is the output of CreatePolicy.
type CreatePolicyOutput struct {
	Policy *Policy
}

// GetPolicyInput is the input of GetPolicy.
type GetPolicyInput struct {
	PolicyArn string `aws:",required"`
}

// GetPolicyOutput is the output of GetPolicy.
type GetPolicyOutput struct {
	Policy *Policy
}

// ListPoliciesInput is the input of ListPolicies.
type ListPoliciesInput struct {
	Scope             *string
	OnlyAttached      *bool
	PathPrefix        *string
	PolicyUsageFilter *string
	Marker            *string
	MaxItems          *int32
}

// ListPoliciesOutput is the output of ListPolicies.
type ListPoliciesOutput struct {
	Policies    []Policy
	IsTruncated bool
	Marker      *string
}

// DeletePolicyInput is the input of DeletePolicy.
type DeletePolicyInput struct {
	PolicyArn string `aws:",required"`
}

// DeletePolicyOutput is the output of DeletePolicy; it has no members.
type DeletePolicyOutput struct{}

// CreatePolicyVersionInput is the input of CreatePolicyVersion.
type CreatePolicyVersionInput struct {
	PolicyArn      string `aws:",required"`
	PolicyDocument string `aws:",required"`
	SetAsDefault   *bool
}

// CreatePolicyVersionOutput is the output of CreatePolicyVersion.
type CreatePolicyVersionOutput struct {
	PolicyVersion *PolicyVersion
}

// GetPolicyVersionInput is the input of GetPolicyVersion.
type GetPolicyVersionInput struct {
	PolicyArn string `aws:",required"`
	VersionId string `aws:",required"`
}

// GetPolicyVersionOutput is the output of GetPolicyVersion.
type GetPolicyVersionOutput struct {
	PolicyVersion *PolicyVersion
}

// ListPolicyVersionsInput is the input of ListPolicyVersions.
type ListPolicyVersionsInput struct {
	PolicyArn string `aws:",required"`
	Marker    *string
	MaxItems  *int32
}

// ListPolicyVersionsOutput is the output of ListPolicyVersions.
type ListPolicyVersionsOutput struct {
	Versions    []PolicyVersion
	IsTruncated bool
	Marker      *string
}

// DeletePolicyVersionInput is the input of DeletePolicyVersion.
type DeletePolicyVersionInput struct {
	PolicyArn string `aws:",required"`
	VersionId string `aws:",required"`
}

// DeletePolicyVersionOutput is the output of DeletePolicyVersion; it has no members.
type DeletePolicyVersionOutput struct{}

// SetDefaultPolicyVersionInput is the input of SetDefaultPolicyVersion.
type SetDefaultPolicyVersionInput struct {
	PolicyArn string `aws:",required"`
	VersionId string `aws:",required"`
}

// SetDefaultPolicyVersionOutput is the output of SetDefaultPolicyVersion; it has no members.
type SetDefaultPolicyVersionOutput struct{}

// AttachUserPolicyInput is the input of AttachUserPolicy.
type AttachUserPolicyInput struct {
	UserName  string `aws:",required"`
	PolicyArn string `aws:",required"`
}

// AttachUserPolicyOutput is the output of AttachUserPolicy; it has no members.
type AttachUserPolicyOutput struct{}

// DetachUserPolicyInput is the input of DetachUserPolicy.
type DetachUserPolicyInput struct {
	UserName  string `aws:",required"`
	PolicyArn string `aws:",required"`
}

// DetachUserPolicyOutput is the output of DetachUserPolicy; it has no members.
type DetachUserPolicyOutput struct{}

// AttachGroupPolicyInput is the input of AttachGroupPolicy.
type AttachGroupPolicyInput struct {
	GroupName string `aws:",required"`
	PolicyArn string `aws:",required"`
}

// AttachGroupPolicyOutput is the output of AttachGroupPolicy; it has no members.
type AttachGroupPolicyOutput struct{}

// DetachGroupPolicyInput is the input of DetachGroupPolicy.
type DetachGroupPolicyInput struct {
	GroupName string `aws:",required"`
	PolicyArn string `aws:",required"`
}

// DetachGroupPolicyOutput is the output of DetachGroupPolicy; it has no members.
type DetachGroupPolicyOutput struct{}

// AttachRolePolicyInput is the input of AttachRolePolicy.
type AttachRolePolicyInput struct {
	RoleName  string `aws:",required"`
	PolicyArn string `aws:",required"`
}

// AttachRolePolicyOutput is the output of AttachRolePolicy; it has no members.
type AttachRolePolicyOutput struct{}

// DetachRolePolicyInput is the input of DetachRolePolicy.
type DetachRolePolicyInput struct {
	RoleName  string `aws:",required"`
	PolicyArn string `aws:",required"`
}

// DetachRolePolicyOutput is the output of DetachRolePolicy; it has no members.
type DetachRolePolicyOutput struct{}

// ListAttachedUserPoliciesInput is the input of ListAttachedUserPolicies.
type ListAttachedUserPoliciesInput struct {
	UserName   string `aws:",required"`
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

// ListAttachedUserPoliciesOutput is the output of ListAttachedUserPolicies.
type ListAttachedUserPoliciesOutput struct {
	AttachedPolicies []AttachedPolicy
	IsTruncated      bool
	Marker           *string
}

// ListAttachedGroupPoliciesInput is the input of ListAttachedGroupPolicies.
type ListAttachedGroupPoliciesInput struct {
	GroupName  string `aws:",required"`
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

// ListAttachedGroupPoliciesOutput is the output of ListAttachedGroupPolicies.
type ListAttachedGroupPoliciesOutput struct {
	AttachedPolicies []AttachedPolicy
	IsTruncated      bool
	Marker           *string
}

// ListAttachedRolePoliciesInput is the input of ListAttachedRolePolicies.
type ListAttachedRolePoliciesInput struct {
	RoleName   string `aws:",required"`
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

// ListAttachedRolePoliciesOutput is the output of ListAttachedRolePolicies.
type ListAttachedRolePoliciesOutput struct {
	AttachedPolicies []AttachedPolicy
	IsTruncated      bool
	Marker           *string
}

// ListEntitiesForPolicyInput is the input of ListEntitiesForPolicy.
type ListEntitiesForPolicyInput struct {
	PolicyArn         string `aws:",required"`
	EntityFilter      *string
	PathPrefix        *string
	PolicyUsageFilter *string
	Marker            *string
	MaxItems          *int32
}

// ListEntitiesForPolicyOutput is the output of ListEntitiesForPolicy.
type ListEntitiesForPolicyOutput struct {
	PolicyGroups []PolicyGroup
	PolicyUsers  []PolicyUser
	PolicyRoles  []PolicyRole
	IsTruncated  bool
	Marker       *string
}

// PutUserPolicyInput is the input of PutUserPolicy.
type PutUserPolicyInput struct {
	UserName       string `aws:",required"`
	PolicyName     string `aws:",required"`
	PolicyDocument string `aws:",required"`
}

// PutUserPolicyOutput is the output of PutUserPolicy; it has no members.
type PutUserPolicyOutput struct{}

// GetUserPolicyInput is the input of GetUserPolicy.
type GetUserPolicyInput struct {
	UserName   string `aws:",required"`
	PolicyName string `aws:",required"`
}

// GetUserPolicyOutput is the output of GetUserPolicy.
type GetUserPolicyOutput struct {
	UserName       string
	PolicyName     string
	PolicyDocument string
}

// DeleteUserPolicyInput is the input of DeleteUserPolicy.
type DeleteUserPolicyInput struct {
	UserName   string `aws:",required"`
	PolicyName string `aws:",required"`
}

// DeleteUserPolicyOutput is the output of DeleteUserPolicy; it has no members.
type DeleteUserPolicyOutput struct{}

// ListUserPoliciesInput is the input of ListUserPolicies.
type ListUserPoliciesInput struct {
	UserName string `aws:",required"`
	Marker   *string
	MaxItems *int32
}

// ListUserPoliciesOutput is the output of ListUserPolicies.
type ListUserPoliciesOutput struct {
	PolicyNames []string
	IsTruncated bool
	Marker      *string
}

// PutGroupPolicyInput is the input of PutGroupPolicy.
type PutGroupPolicyInput struct {
	GroupName      string `aws:",required"`
	PolicyName     string `aws:",required"`
	PolicyDocument string `aws:",required"`
}

// PutGroupPolicyOutput is the output of PutGroupPolicy; it has no members.
type PutGroupPolicyOutput struct{}

// GetGroupPolicyInput is the input of GetGroupPolicy.
type GetGroupPolicyInput struct {
	GroupName  string `aws:",required"`
	PolicyName string `aws:",required"`
}

// GetGroupPolicyOutput is the output of GetGroupPolicy.
type GetGroupPolicyOutput struct {
	GroupName      string
	PolicyName     string
	PolicyDocument string
}

// DeleteGroupPolicyInput is the input of DeleteGroupPolicy.
type DeleteGroupPolicyInput struct {
	GroupName  string `aws:",required"`
	PolicyName string `aws:",required"`
}

// DeleteGroupPolicyOutput is the output of DeleteGroupPolicy; it has no members.
type DeleteGroupPolicyOutput struct{}

// ListGroupPoliciesInput is the input of ListGroupPolicies.
type ListGroupPoliciesInput struct {
	GroupName string `aws:",required"`
	Marker    *string
	MaxItems  *int32
}

// ListGroupPoliciesOutput is the output of ListGroupPolicies.
type ListGroupPoliciesOutput struct {
	PolicyNames []string
	IsTruncated bool
	Marker      *string
}

// PutRolePolicyInput is the input of PutRolePolicy.
type PutRolePolicyInput struct {
	RoleName       string `aws:",required"`
	PolicyName     string `aws:",required"`
	PolicyDocument string `aws:",required"`
}

// PutRolePolicyOutput is the output of PutRolePolicy; it has no members.
type PutRolePolicyOutput struct{}

// GetRolePolicyInput is the input of GetRolePolicy.
type GetRolePolicyInput struct {
	RoleName   string `aws:",required"`
	PolicyName string `aws:",required"`
}

// GetRolePolicyOutput is the output of GetRolePolicy.
type GetRolePolicyOutput struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

// DeleteRolePolicyInput is the input of DeleteRolePolicy.
type DeleteRolePolicyInput struct {
	RoleName   string `aws:",required"`
	PolicyName string `aws:",required"`
}

// DeleteRolePolicyOutput is the output of DeleteRolePolicy; it has no members.
type DeleteRolePolicyOutput struct{}

// ListRolePoliciesInput is the input of ListRolePolicies.
type ListRolePoliciesInput struct {
	RoleName string `aws:",required"`
	Marker   *string
	MaxItems *int32
}

// ListRolePoliciesOutput is the output of ListRolePolicies.
type ListRolePoliciesOutput struct {
	PolicyNames []string
	IsTruncated bool
	Marker      *string
}

// PutUserPermissionsBoundaryInput is the input of PutUserPermissionsBoundary.
type PutUserPermissionsBoundaryInput struct {
	UserName            string `aws:",required"`
	PermissionsBoundary string `aws:",required"`
}

// PutUserPermissionsBoundaryOutput is the output of PutUserPermissionsBoundary; it has no members.
type PutUserPermissionsBoundaryOutput struct{}

// DeleteUserPermissionsBoundaryInput is the input of DeleteUserPermissionsBoundary.
type DeleteUserPermissionsBoundaryInput struct {
	UserName string `aws:",required"`
}

// DeleteUserPermissionsBoundaryOutput is the output of DeleteUserPermissionsBoundary; it has no members.
type DeleteUserPermissionsBoundaryOutput struct{}

// PutRolePermissionsBoundaryInput is the input of PutRolePermissionsBoundary.
type PutRolePermissionsBoundaryInput struct {
	RoleName            string `aws:",required"`
	PermissionsBoundary string `aws:",required"`
}

// PutRolePermissionsBoundaryOutput is the output of PutRolePermissionsBoundary; it has no members.
type PutRolePermissionsBoundaryOutput struct{}

// DeleteRolePermissionsBoundaryInput is the input of DeleteRolePermissionsBoundary.
type DeleteRolePermissionsBoundaryInput struct {
	RoleName string `aws:",required"`
}

// DeleteRolePermissionsBoundaryOutput is the output of DeleteRolePermissionsBoundary; it has no members.
type DeleteRolePermissionsBoundaryOutput struct{}

// TagUserInput is the input of TagUser.
type TagUserInput struct {
	UserName string `aws:",required"`
	Tags     []Tag  `aws:",required"`
}

// TagUserOutput is the output of TagUser; it has no members.
type TagUserOutput struct{}

// UntagUserInput is the input of UntagUser.
type UntagUserInput struct {
	UserName string   `aws:",required"`
	TagKeys  []string `aws:",required"`
}

// UntagUserOutput is the output of UntagUser; it has no members.
type UntagUserOutput struct{}

// ListUserTagsInput is the input of ListUserTags.
type ListUserTagsInput struct {
	UserName string `aws:",required"`
	Marker   *string
	MaxItems *int32
}

// ListUserTagsOutput is the output of ListUserTags.
type ListUserTagsOutput struct {
	Tags        []Tag
	IsTruncated bool
	Marker      *string
}

// TagRoleInput is the input of TagRole.
type TagRoleInput struct {
	RoleName string `aws:",required"`
	Tags     []Tag  `aws:",required"`
}

// TagRoleOutput is the output of TagRole; it has no members.
type TagRoleOutput struct{}

// UntagRoleInput is the input of UntagRole.
type UntagRoleInput struct {
	RoleName string   `aws:",required"`
	TagKeys  []string `aws:",required"`
}

// UntagRoleOutput is the output of UntagRole; it has no members.
type UntagRoleOutput struct{}

// ListRoleTagsInput is the input of ListRoleTags.
type ListRoleTagsInput struct {
	RoleName string `aws:",required"`
	Marker   *string
	MaxItems *int32
}

// ListRoleTagsOutput is the output of ListRoleTags.
type ListRoleTagsOutput struct {
	Tags        []Tag
	IsTruncated bool
	Marker      *string
}

// TagPolicyInput is the input of TagPolicy.
type TagPolicyInput struct {
	PolicyArn string `aws:",required"`
	Tags      []Tag  `aws:",required"`
}

// TagPolicyOutput is the output of TagPolicy; it has no members.
type TagPolicyOutput struct{}

// UntagPolicyInput is the input of UntagPolicy.
type UntagPolicyInput struct {
	PolicyArn string   `aws:",required"`
	TagKeys   []string `aws:",required"`
}

// UntagPolicyOutput is the output of UntagPolicy; it has no members.
type UntagPolicyOutput struct{}

// ListPolicyTagsInput is the input of ListPolicyTags.
type ListPolicyTagsInput struct {
	PolicyArn string `aws:",required"`
	Marker    *string
	MaxItems  *int32
}

// ListPolicyTagsOutput is the output of ListPolicyTags.
type ListPolicyTagsOutput struct {
	Tags        []Tag
	IsTruncated bool
	Marker      *string
}

// CreateAccessKeyInput is the input of CreateAccessKey.
type CreateAccessKeyInput struct {
	UserName *string
}

// CreateAccessKeyOutput is the output of CreateAccessKey.
type CreateAccessKeyOutput struct {
	AccessKey AccessKey
}

// ListAccessKeysInput is the input of ListAccessKeys.
type ListAccessKeysInput struct {
	UserName *string
	Marker   *string
	MaxItems *int32
}

// ListAccessKeysOutput is the output of ListAccessKeys.
type ListAccessKeysOutput struct {
	AccessKeyMetadata []AccessKeyMetadata
	IsTruncated       bool
	Marker            *string
}

// UpdateAccessKeyInput is the input of UpdateAccessKey.
type UpdateAccessKeyInput struct {
	UserName    *string
	AccessKeyId string `aws:",required"`
	Status      string `aws:",required"`
}

// UpdateAccessKeyOutput is the output of UpdateAccessKey; it has no members.
type UpdateAccessKeyOutput struct{}

// DeleteAccessKeyInput is the input of DeleteAccessKey.
type DeleteAccessKeyInput struct {
	UserName    *string
	AccessKeyId string `aws:",required"`
}

// DeleteAccessKeyOutput is the output of DeleteAccessKey; it has no members.
type DeleteAccessKeyOutput struct{}

// GetAccessKeyLastUsedInput is the input of GetAccessKeyLastUsed.
type GetAccessKeyLastUsedInput struct {
	AccessKeyId string `aws:",required"`
}

// GetAccessKeyLastUsedOutput is the output of GetAccessKeyLastUsed.
type GetAccessKeyLastUsedOutput struct {
	UserName          *string
	AccessKeyLastUsed *AccessKeyLastUsed
}

// GetAccountAuthorizationDetailsInput is the input of GetAccountAuthorizationDetails.
type GetAccountAuthorizationDetailsInput struct {
	Filter   []string
	MaxItems *int32
	Marker   *string
}

// GetAccountAuthorizationDetailsOutput is the output of GetAccountAuthorizationDetails.
type GetAccountAuthorizationDetailsOutput struct {
	UserDetailList  []UserDetail
	GroupDetailList []GroupDetail
	RoleDetailList  []RoleDetail
	Policies        []ManagedPolicyDetail
	IsTruncated     bool
	Marker          *string
}

// ListInstanceProfilesForRoleInput is the input of ListInstanceProfilesForRole.
type ListInstanceProfilesForRoleInput struct {
	RoleName string `aws:",required"`
	Marker   *string
	MaxItems *int32
}

// ListInstanceProfilesForRoleOutput is the output of ListInstanceProfilesForRole.
type ListInstanceProfilesForRoleOutput struct {
	InstanceProfiles []InstanceProfile
	IsTruncated      bool
	Marker           *string
}

// UpdateAssumeRolePolicyInput is the input of UpdateAssumeRolePolicy.
type UpdateAssumeRolePolicyInput struct {
	RoleName       string `aws:",required"`
	PolicyDocument string `aws:",required"`
}

// UpdateAssumeRolePolicyOutput is the output of UpdateAssumeRolePolicy; it has no members.
type UpdateAssumeRolePolicyOutput struct{}

// SimulateCustomPolicyInput is the input of SimulateCustomPolicy.
type SimulateCustomPolicyInput struct {
	PolicyInputList                    []string `aws:",required"`
	PermissionsBoundaryPolicyInputList []string
	ActionNames                        []string `aws:",required"`
	ResourceArns                       []string
	ResourcePolicy                     *string
	ResourceOwner                      *string
	CallerArn                          *string
	ContextEntries                     []ContextEntry
	ResourceHandlingOption             *string
	MaxItems                           *int32
	Marker                             *string
}

// SimulateCustomPolicyOutput is the output of SimulateCustomPolicy; botocore names the shape SimulatePolicyResponse.
type SimulateCustomPolicyOutput = SimulatePolicyResponse

// SimulatePrincipalPolicyInput is the input of SimulatePrincipalPolicy.
type SimulatePrincipalPolicyInput struct {
	PolicySourceArn                    string `aws:",required"`
	PolicyInputList                    []string
	PermissionsBoundaryPolicyInputList []string
	ActionNames                        []string `aws:",required"`
	ResourceArns                       []string
	ResourcePolicy                     *string
	ResourceOwner                      *string
	CallerArn                          *string
	ContextEntries                     []ContextEntry
	ResourceHandlingOption             *string
	MaxItems                           *int32
	Marker                             *string
}

// SimulatePrincipalPolicyOutput is the output of SimulatePrincipalPolicy; botocore names the shape SimulatePolicyResponse.
type SimulatePrincipalPolicyOutput = SimulatePolicyResponse

// GetContextKeysForCustomPolicyInput is the input of GetContextKeysForCustomPolicy.
type GetContextKeysForCustomPolicyInput struct {
	PolicyInputList []string `aws:",required"`
}

// GetContextKeysForCustomPolicyOutput is the output of GetContextKeysForCustomPolicy; botocore names the shape GetContextKeysForPolicyResponse.
type GetContextKeysForCustomPolicyOutput = GetContextKeysForPolicyResponse

// GetContextKeysForPrincipalPolicyInput is the input of GetContextKeysForPrincipalPolicy.
type GetContextKeysForPrincipalPolicyInput struct {
	PolicySourceArn string `aws:",required"`
	PolicyInputList []string
}

// GetContextKeysForPrincipalPolicyOutput is the output of GetContextKeysForPrincipalPolicy; botocore names the shape GetContextKeysForPolicyResponse.
type GetContextKeysForPrincipalPolicyOutput = GetContextKeysForPolicyResponse

// Tag is botocore's Tag shape.
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

// User is botocore's User shape.
type User struct {
	// Path, UserName and CreateDate are absent when GetUser describes the
	// account root to itself.
	Path                string `aws:",omitempty"`
	UserName            string `aws:",omitempty"`
	UserId              string
	Arn                 string
	CreateDate          time.Time `aws:",omitempty"`
	PasswordLastUsed    *time.Time
	PermissionsBoundary *AttachedPermissionsBoundary
	Tags                []Tag
}

// AttachedPermissionsBoundary is botocore's AttachedPermissionsBoundary shape.
type AttachedPermissionsBoundary struct {
	PermissionsBoundaryType *string
	PermissionsBoundaryArn  *string
}

// Group is botocore's Group shape.
type Group struct {
	Path       string
	GroupName  string
	GroupId    string
	Arn        string
	CreateDate time.Time
}

// Role is botocore's Role shape.
type Role struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               time.Time
	AssumeRolePolicyDocument *string
	Description              *string
	MaxSessionDuration       *int32
	PermissionsBoundary      *AttachedPermissionsBoundary
	Tags                     []Tag
	RoleLastUsed             *RoleLastUsed
}

// RoleLastUsed is botocore's RoleLastUsed shape.
type RoleLastUsed struct {
	LastUsedDate *time.Time
	Region       *string
}

// Policy is botocore's Policy shape.
type Policy struct {
	PolicyName                    *string
	PolicyId                      *string
	Arn                           *string
	Path                          *string
	DefaultVersionId              *string
	AttachmentCount               *int32
	PermissionsBoundaryUsageCount *int32
	IsAttachable                  *bool
	Description                   *string
	CreateDate                    *time.Time
	UpdateDate                    *time.Time
	Tags                          []Tag
}

// PolicyVersion is botocore's PolicyVersion shape.
type PolicyVersion struct {
	Document         *string
	VersionId        *string
	IsDefaultVersion *bool
	CreateDate       *time.Time
}

// AttachedPolicy is botocore's AttachedPolicy shape.
type AttachedPolicy struct {
	PolicyName *string
	PolicyArn  *string
}

// PolicyGroup is botocore's PolicyGroup shape.
type PolicyGroup struct {
	GroupName *string
	GroupId   *string
}

// PolicyUser is botocore's PolicyUser shape.
type PolicyUser struct {
	UserName *string
	UserId   *string
}

// PolicyRole is botocore's PolicyRole shape.
type PolicyRole struct {
	RoleName *string
	RoleId   *string
}

// AccessKey is botocore's AccessKey shape.
type AccessKey struct {
	UserName        string
	AccessKeyId     string
	Status          string
	SecretAccessKey model.Secret
	CreateDate      *time.Time
}

// AccessKeyMetadata is botocore's AccessKeyMetadata shape.
type AccessKeyMetadata struct {
	UserName    *string
	AccessKeyId *string
	Status      *string
	CreateDate  *time.Time
}

// AccessKeyLastUsed is botocore's AccessKeyLastUsed shape.
type AccessKeyLastUsed struct {
	LastUsedDate *time.Time
	ServiceName  string
	Region       string
}

// UserDetail is botocore's UserDetail shape.
type UserDetail struct {
	Path                    *string
	UserName                *string
	UserId                  *string
	Arn                     *string
	CreateDate              *time.Time
	UserPolicyList          []PolicyDetail
	GroupList               []string
	AttachedManagedPolicies []AttachedPolicy
	PermissionsBoundary     *AttachedPermissionsBoundary
	Tags                    []Tag
}

// PolicyDetail is botocore's PolicyDetail shape.
type PolicyDetail struct {
	PolicyName     *string
	PolicyDocument *string
}

// GroupDetail is botocore's GroupDetail shape.
type GroupDetail struct {
	Path                    *string
	GroupName               *string
	GroupId                 *string
	Arn                     *string
	CreateDate              *time.Time
	GroupPolicyList         []PolicyDetail
	AttachedManagedPolicies []AttachedPolicy
}

// RoleDetail is botocore's RoleDetail shape.
type RoleDetail struct {
	Path                     *string
	RoleName                 *string
	RoleId                   *string
	Arn                      *string
	CreateDate               *time.Time
	AssumeRolePolicyDocument *string
	InstanceProfileList      []InstanceProfile
	RolePolicyList           []PolicyDetail
	AttachedManagedPolicies  []AttachedPolicy
	PermissionsBoundary      *AttachedPermissionsBoundary
	Tags                     []Tag
	RoleLastUsed             *RoleLastUsed
}

// InstanceProfile is botocore's InstanceProfile shape.
type InstanceProfile struct {
	Path                string
	InstanceProfileName string
	InstanceProfileId   string
	Arn                 string
	CreateDate          time.Time
	Roles               []Role
	Tags                []Tag
}

// ManagedPolicyDetail is botocore's ManagedPolicyDetail shape.
type ManagedPolicyDetail struct {
	PolicyName                    *string
	PolicyId                      *string
	Arn                           *string
	Path                          *string
	DefaultVersionId              *string
	AttachmentCount               *int32
	PermissionsBoundaryUsageCount *int32
	IsAttachable                  *bool
	Description                   *string
	CreateDate                    *time.Time
	UpdateDate                    *time.Time
	PolicyVersionList             []PolicyVersion
}

// ContextEntry is botocore's ContextEntry shape.
type ContextEntry struct {
	ContextKeyName   *string
	ContextKeyValues []string
	ContextKeyType   *string
}

// EvaluationResult is botocore's EvaluationResult shape.
type EvaluationResult struct {
	EvalActionName                    string
	EvalResourceName                  *string
	EvalDecision                      string
	MatchedStatements                 []Statement
	MissingContextValues              []string
	OrganizationsDecisionDetail       *OrganizationsDecisionDetail
	PermissionsBoundaryDecisionDetail *PermissionsBoundaryDecisionDetail
	EvalDecisionDetails               map[string]string
	ResourceSpecificResults           []ResourceSpecificResult
}

// Statement is botocore's Statement shape.
type Statement struct {
	SourcePolicyId   *string
	SourcePolicyType *string
	StartPosition    *Position
	EndPosition      *Position
}

// Position is botocore's Position shape.
type Position struct {
	Line   *int32
	Column *int32
}

// OrganizationsDecisionDetail is botocore's OrganizationsDecisionDetail shape.
type OrganizationsDecisionDetail struct {
	AllowedByOrganizations *bool
}

// PermissionsBoundaryDecisionDetail is botocore's PermissionsBoundaryDecisionDetail shape.
type PermissionsBoundaryDecisionDetail struct {
	AllowedByPermissionsBoundary *bool
}

// ResourceSpecificResult is botocore's ResourceSpecificResult shape.
type ResourceSpecificResult struct {
	EvalResourceName                  string
	EvalResourceDecision              string
	MatchedStatements                 []Statement
	MissingContextValues              []string
	EvalDecisionDetails               map[string]string
	PermissionsBoundaryDecisionDetail *PermissionsBoundaryDecisionDetail
}

// SimulatePolicyResponse is the result of SimulateCustomPolicy and
// SimulatePrincipalPolicy.
type SimulatePolicyResponse struct {
	EvaluationResults []EvaluationResult
	IsTruncated       bool
	Marker            *string
}

// GetContextKeysForPolicyResponse is the result of
// GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy.
type GetContextKeysForPolicyResponse struct {
	ContextKeyNames []string
}
