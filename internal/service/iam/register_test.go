package iam_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/service/iam"
	"abacus/internal/store"
)

// The operations of issue 4, and every IAM call the Terraform AWS provider
// makes for aws_iam_user, aws_iam_group, aws_iam_group_membership,
// aws_iam_group_policy, aws_iam_role, aws_iam_role_policy and
// aws_iam_access_key.
var wantOps = strings.Fields(`
	CreateUser GetUser ListUsers UpdateUser DeleteUser
	CreateGroup GetGroup ListGroups UpdateGroup DeleteGroup
	CreateRole GetRole ListRoles UpdateRole UpdateRoleDescription DeleteRole UpdateAssumeRolePolicy ListInstanceProfilesForRole
	AddUserToGroup RemoveUserFromGroup ListGroupsForUser
	CreatePolicy GetPolicy ListPolicies DeletePolicy
	CreatePolicyVersion GetPolicyVersion ListPolicyVersions DeletePolicyVersion SetDefaultPolicyVersion
	AttachUserPolicy DetachUserPolicy AttachGroupPolicy DetachGroupPolicy AttachRolePolicy DetachRolePolicy
	ListAttachedUserPolicies ListAttachedGroupPolicies ListAttachedRolePolicies ListEntitiesForPolicy
	PutUserPolicy GetUserPolicy DeleteUserPolicy ListUserPolicies
	PutGroupPolicy GetGroupPolicy DeleteGroupPolicy ListGroupPolicies
	PutRolePolicy GetRolePolicy DeleteRolePolicy ListRolePolicies
	PutUserPermissionsBoundary DeleteUserPermissionsBoundary PutRolePermissionsBoundary DeleteRolePermissionsBoundary
	TagUser UntagUser ListUserTags TagRole UntagRole ListRoleTags TagPolicy UntagPolicy ListPolicyTags
	CreateAccessKey ListAccessKeys UpdateAccessKey DeleteAccessKey GetAccessKeyLastUsed
	GetAccountAuthorizationDetails
	SimulateCustomPolicy SimulatePrincipalPolicy GetContextKeysForCustomPolicy GetContextKeysForPrincipalPolicy`)

func registry(t *testing.T) (*op.Registry, *fixture) {
	f := newFixture(t)
	var r op.Registry
	iam.Register(&r, f.svc)
	return &r, f
}

// TestRegistry checks that every operation is registered once, under the
// service "iam", read-only exactly when it changes nothing, and that its
// first check is the action of the same name on an IAM ARN or "*".
func TestRegistry(t *testing.T) {
	r, f := registry(t)
	var got []string
	for _, e := range r.Entries() {
		got = append(got, e.Name())
		if e.Service() != "iam" {
			t.Errorf("%s: service %q", e.Name(), e.Service())
		}
		ro := strings.HasPrefix(e.Name(), "Get") || strings.HasPrefix(e.Name(), "List") || strings.HasPrefix(e.Name(), "Simulate")
		if e.ReadOnly() != ro {
			t.Errorf("%s: ReadOnly = %v", e.Name(), e.ReadOnly())
		}
		in := e.NewInput()
		fillStrings(reflect.ValueOf(in).Elem())
		checks, err := e.Authorize(f.ctx, f.c, in)
		if err != nil {
			t.Errorf("%s: Authorize: %v", e.Name(), err)
			continue
		}
		if len(checks) == 0 || checks[0].Action != "iam:"+e.Name() {
			t.Errorf("%s: checks %+v", e.Name(), checks)
			continue
		}
		for _, ch := range checks {
			if ch.Resource != "*" && !strings.HasPrefix(ch.Resource, "arn:aws:iam::123456789012:") && ch.Resource != "x" {
				t.Errorf("%s: resource %q", e.Name(), ch.Resource)
			}
		}
	}
	slices.Sort(got)
	want := slices.Clone(wantOps)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("registered operations (-want +got):\n%s", diff)
	}
}

// fillStrings sets every string field of v to "x", so that names are not
// empty.
func fillStrings(v reflect.Value) {
	for i := range v.NumField() {
		if fv := v.Field(i); fv.Kind() == reflect.String {
			fv.SetString("x")
		}
	}
}

// TestChecks pins the condition keys of representative operations to the
// Service Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
func TestChecks(t *testing.T) {
	r, f := registry(t)
	bnd := f.createPolicy(t, "bnd", allowAll)
	must[*iam.CreateUserOutput](t)(f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: "alice", Path: s("/ml/"), PermissionsBoundary: s(bnd), Tags: []iam.Tag{{Key: "team", Value: "ml"}}}))
	must[*iam.CreateRoleOutput](t)(f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{RoleName: "exec", AssumeRolePolicyDocument: trust, PermissionsBoundary: s(bnd), Tags: []iam.Tag{{Key: "env", Value: "dev"}}}))
	const user = "arn:aws:iam::123456789012:user/ml/alice"
	const role = "arn:aws:iam::123456789012:role/exec"
	tests := []struct {
		op   string
		in   any
		want []op.Check
	}{
		// Creating with tags also needs the tagging action
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_users.html).
		{"CreateUser", &iam.CreateUserInput{UserName: "bob", PermissionsBoundary: s(bnd), Tags: []iam.Tag{{Key: "k", Value: "v"}}}, []op.Check{
			{Action: "iam:CreateUser", Resource: "arn:aws:iam::123456789012:user/bob", Context: map[string][]string{"aws:RequestTag/k": {"v"}, "aws:TagKeys": {"k"}, "iam:PermissionsBoundary": {bnd}}},
			{Action: "iam:TagUser", Resource: "arn:aws:iam::123456789012:user/bob", Context: map[string][]string{"aws:RequestTag/k": {"v"}, "aws:TagKeys": {"k"}}},
		}},
		{"GetUser", &iam.GetUserInput{UserName: s("alice")}, []op.Check{
			{Action: "iam:GetUser", Resource: user, ResourceTags: map[string]string{"team": "ml"}, TagKeyPrefix: "iam:ResourceTag/"},
		}},
		{"AttachUserPolicy", &iam.AttachUserPolicyInput{UserName: "alice", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess"}, []op.Check{
			{Action: "iam:AttachUserPolicy", Resource: user, ResourceTags: map[string]string{"team": "ml"}, TagKeyPrefix: "iam:ResourceTag/",
				Context: map[string][]string{"iam:PolicyARN": {"arn:aws:iam::aws:policy/ReadOnlyAccess"}, "iam:PermissionsBoundary": {bnd}}},
		}},
		{"AttachGroupPolicy", &iam.AttachGroupPolicyInput{GroupName: "g", PolicyArn: bnd}, []op.Check{
			{Action: "iam:AttachGroupPolicy", Resource: "arn:aws:iam::123456789012:group/g", Context: map[string][]string{"iam:PolicyARN": {bnd}}},
		}},
		{"PutRolePermissionsBoundary", &iam.PutRolePermissionsBoundaryInput{RoleName: "exec", PermissionsBoundary: "arn:aws:iam::123456789012:policy/other"}, []op.Check{
			{Action: "iam:PutRolePermissionsBoundary", Resource: role, ResourceTags: map[string]string{"env": "dev"}, TagKeyPrefix: "iam:ResourceTag/",
				Context: map[string][]string{"iam:PermissionsBoundary": {"arn:aws:iam::123456789012:policy/other"}}},
		}},
		{"DeleteRolePermissionsBoundary", &iam.DeleteRolePermissionsBoundaryInput{RoleName: "exec"}, []op.Check{
			{Action: "iam:DeleteRolePermissionsBoundary", Resource: role, ResourceTags: map[string]string{"env": "dev"}, TagKeyPrefix: "iam:ResourceTag/",
				Context: map[string][]string{"iam:PermissionsBoundary": {bnd}}},
		}},
		{"UntagRole", &iam.UntagRoleInput{RoleName: "exec", TagKeys: []string{"env"}}, []op.Check{
			{Action: "iam:UntagRole", Resource: role, ResourceTags: map[string]string{"env": "dev"}, TagKeyPrefix: "iam:ResourceTag/",
				Context: map[string][]string{"aws:TagKeys": {"env"}}},
		}},
		{"TagPolicy", &iam.TagPolicyInput{PolicyArn: bnd, Tags: []iam.Tag{{Key: "a", Value: "b"}}}, []op.Check{
			{Action: "iam:TagPolicy", Resource: bnd, Context: map[string][]string{"aws:RequestTag/a": {"b"}, "aws:TagKeys": {"a"}}},
		}},
		{"ListRoles", &iam.ListRolesInput{PathPrefix: s("/ml/")}, []op.Check{
			{Action: "iam:ListRoles", Resource: "arn:aws:iam::123456789012:role/ml/"},
		}},
		// Renaming needs permission on the old and the new name
		// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html).
		{"UpdateUser", &iam.UpdateUserInput{UserName: "alice", NewUserName: s("alice2")}, []op.Check{
			{Action: "iam:UpdateUser", Resource: user, ResourceTags: map[string]string{"team": "ml"}, TagKeyPrefix: "iam:ResourceTag/"},
			{Action: "iam:UpdateUser", Resource: "arn:aws:iam::123456789012:user/ml/alice2"},
		}},
		{"CreateAccessKey", &iam.CreateAccessKeyInput{UserName: s("alice")}, []op.Check{
			{Action: "iam:CreateAccessKey", Resource: user, ResourceTags: map[string]string{"team": "ml"}, TagKeyPrefix: "iam:ResourceTag/"},
		}},
		{"SimulatePrincipalPolicy", &iam.SimulatePrincipalPolicyInput{PolicySourceArn: user}, []op.Check{
			{Action: "iam:SimulatePrincipalPolicy", Resource: user},
		}},
		{"GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsInput{}, []op.Check{
			{Action: "iam:GetAccountAuthorizationDetails", Resource: "*"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			e, ok := r.Lookup("iam", tt.op)
			if !ok {
				t.Fatal("not registered")
			}
			got, err := e.Authorize(context.Background(), f.c, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMapError pins each domain error's wire code and HTTP status to the
// error traits of botocore's iam model.
func TestMapError(t *testing.T) {
	tests := []struct {
		err    error
		code   string
		status int
		msg    string
	}{
		{&iam.Error{Kind: iam.ErrNoSuchEntity, Message: "The user with name x cannot be found."}, "NoSuchEntity", http.StatusNotFound, "The user with name x cannot be found."},
		{&iam.Error{Kind: iam.ErrEntityAlreadyExists, Message: "m"}, "EntityAlreadyExists", http.StatusConflict, "m"},
		{&iam.Error{Kind: iam.ErrDeleteConflict, Message: "m"}, "DeleteConflict", http.StatusConflict, "m"},
		{&iam.Error{Kind: iam.ErrLimitExceeded, Message: "m"}, "LimitExceeded", http.StatusConflict, "m"},
		{&iam.Error{Kind: iam.ErrMalformedPolicyDocument, Message: "m"}, "MalformedPolicyDocument", http.StatusBadRequest, "m"},
		{&iam.Error{Kind: iam.ErrInvalidInput, Message: "m"}, "InvalidInput", http.StatusBadRequest, "m"},
		{&iam.Error{Kind: iam.ErrValidation, Message: "m"}, "ValidationError", http.StatusBadRequest, "m"},
		{&iam.Error{Kind: iam.ErrUnmodifiableEntity, Message: "m"}, "UnmodifiableEntity", http.StatusBadRequest, "m"},
		{&iam.Error{Kind: iam.ErrPolicyNotAttachable, Message: "m"}, "PolicyNotAttachable", http.StatusBadRequest, "m"},
		{&iam.Error{Kind: iam.ErrPolicyEvaluation, Message: "m"}, "PolicyEvaluation", http.StatusInternalServerError, "m"},
		{&policy.SyntaxError{Msg: "x"}, "MalformedPolicyDocument", http.StatusBadRequest, "Syntax errors in policy."},
		{store.ErrInvalidToken, "InvalidInput", http.StatusBadRequest, "Invalid Marker."},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got := apierr.From(tt.err, iam.MapError)
			if got.Code != tt.code || got.HTTPStatus != tt.status || got.Message != tt.msg {
				t.Errorf("From(%v) = %s %d %q, want %s %d %q", tt.err, got.Code, got.HTTPStatus, got.Message, tt.code, tt.status, tt.msg)
			}
			if (got.Fault == apierr.Receiver) != (tt.status >= 500) {
				t.Errorf("fault = %v", got.Fault)
			}
		})
	}
	if _, ok := iam.MapError(errors.New("other")); ok {
		t.Error("MapError claimed an unknown error")
	}
}
