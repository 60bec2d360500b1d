package iam_test

import (
	"net/url"
	"strings"
	"testing"

	"abacus/internal/service/iam"
)

func TestRoles(t *testing.T) {
	f := newFixture(t)
	doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`
	out := must[*iam.CreateRoleOutput](t)(f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{
		RoleName: "SageMakerExecution", AssumeRolePolicyDocument: doc, Description: s("exec"),
		Tags: []iam.Tag{{Key: "env", Value: "dev"}},
	}))
	if out.Role.Arn != "arn:aws:iam::123456789012:role/SageMakerExecution" || out.Role.RoleId[:4] != "AROA" || *out.Role.MaxSessionDuration != 3600 {
		t.Errorf("CreateRole = %+v", out.Role)
	}
	got := must[*iam.GetRoleOutput](t)(f.svc.GetRole(f.ctx, f.c, &iam.GetRoleInput{RoleName: "sagemakerexecution"}))
	// IAM returns policy documents URL-encoded; clients decode them.
	dec, err := url.QueryUnescape(*got.Role.AssumeRolePolicyDocument)
	if err != nil || dec != doc {
		t.Errorf("AssumeRolePolicyDocument decodes to %q (%v), want %q", dec, err, doc)
	}
	if got.Role.RoleLastUsed == nil || got.Role.Description == nil || *got.Role.Description != "exec" || len(got.Role.Tags) != 1 {
		t.Errorf("GetRole = %+v", got.Role)
	}
	must[*iam.UpdateRoleOutput](t)(f.svc.UpdateRole(f.ctx, f.c, &iam.UpdateRoleInput{RoleName: "SageMakerExecution", MaxSessionDuration: i32(7200)}))
	d := must[*iam.UpdateRoleDescriptionOutput](t)(f.svc.UpdateRoleDescription(f.ctx, f.c, &iam.UpdateRoleDescriptionInput{RoleName: "SageMakerExecution", Description: "new"}))
	if *d.Role.Description != "new" || *d.Role.MaxSessionDuration != 7200 {
		t.Errorf("UpdateRoleDescription = %+v", d.Role)
	}
	newTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	must[*iam.UpdateAssumeRolePolicyOutput](t)(f.svc.UpdateAssumeRolePolicy(f.ctx, f.c, &iam.UpdateAssumeRolePolicyInput{RoleName: "SageMakerExecution", PolicyDocument: newTrust}))
	list := must[*iam.ListRolesOutput](t)(f.svc.ListRoles(f.ctx, f.c, &iam.ListRolesInput{}))
	if len(list.Roles) != 1 || *list.Roles[0].AssumeRolePolicyDocument != url.QueryEscape(newTrust) || list.Roles[0].Tags != nil {
		t.Errorf("ListRoles = %+v", list.Roles)
	}
	ip := must[*iam.ListInstanceProfilesForRoleOutput](t)(f.svc.ListInstanceProfilesForRole(f.ctx, f.c, &iam.ListInstanceProfilesForRoleInput{RoleName: "SageMakerExecution"}))
	if ip.InstanceProfiles == nil || len(ip.InstanceProfiles) != 0 {
		t.Errorf("ListInstanceProfilesForRole = %#v", ip.InstanceProfiles)
	}
	must[*iam.DeleteRoleOutput](t)(f.svc.DeleteRole(f.ctx, f.c, &iam.DeleteRoleInput{RoleName: "SageMakerExecution"}))
	_, err = f.svc.ListInstanceProfilesForRole(f.ctx, f.c, &iam.ListInstanceProfilesForRoleInput{RoleName: "SageMakerExecution"})
	wantErr(t, err, iam.ErrNoSuchEntity, "The role with name SageMakerExecution cannot be found.")
}

func TestRoleErrors(t *testing.T) {
	f := newFixture(t)
	f.createRole(t, "r")
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` + string(make([]byte, 0)) + strings.Repeat("x", 2100) + `"}}}]}`
	tests := []struct {
		name string
		call func() error
		kind error
		msg  string
	}{
		{"duplicate", func() error {
			_, err := f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust})
			return err
		}, iam.ErrEntityAlreadyExists, "Role with name R already exists."},
		{"trust policy not JSON", func() error {
			_, err := f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{RoleName: "x", AssumeRolePolicyDocument: "{"})
			return err
		}, iam.ErrMalformedPolicyDocument, "Syntax errors in policy."},
		{"trust policy without principal", func() error {
			_, err := f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{RoleName: "x", AssumeRolePolicyDocument: allowAll})
			return err
		}, iam.ErrMalformedPolicyDocument, ""},
		{"trust policy over 2048", func() error {
			_, err := f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{RoleName: "x", AssumeRolePolicyDocument: big})
			return err
		}, iam.ErrLimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"session duration", func() error {
			_, err := f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{RoleName: "x", AssumeRolePolicyDocument: trust, MaxSessionDuration: i32(60)})
			return err
		}, iam.ErrValidation, "must have value greater than or equal to 3600"},
		{"update trust malformed", func() error {
			_, err := f.svc.UpdateAssumeRolePolicy(f.ctx, f.c, &iam.UpdateAssumeRolePolicyInput{RoleName: "r", PolicyDocument: "nope"})
			return err
		}, iam.ErrMalformedPolicyDocument, "Syntax errors in policy."},
		{"update missing", func() error {
			_, err := f.svc.UpdateRole(f.ctx, f.c, &iam.UpdateRoleInput{RoleName: "nope", Description: s("d")})
			return err
		}, iam.ErrNoSuchEntity, "The role with name nope cannot be found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.unchanged(t, tt.kind, tt.msg, tt.call)
		})
	}
}

func TestDeleteRoleConflicts(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		msg   string
	}{
		{"inline policy", func(t *testing.T, f *fixture) {
			must[*iam.PutRolePolicyOutput](t)(f.svc.PutRolePolicy(f.ctx, f.c, &iam.PutRolePolicyInput{RoleName: "r", PolicyName: "p", PolicyDocument: allowAll}))
		}, "must delete policies first"},
		{"attached policy", func(t *testing.T, f *fixture) {
			arn := f.createPolicy(t, "p", allowAll)
			must[*iam.AttachRolePolicyOutput](t)(f.svc.AttachRolePolicy(f.ctx, f.c, &iam.AttachRolePolicyInput{RoleName: "r", PolicyArn: arn}))
		}, "must detach all policies first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.createRole(t, "r")
			tt.setup(t, f)
			f.unchanged(t, iam.ErrDeleteConflict, tt.msg, func() error {
				_, err := f.svc.DeleteRole(f.ctx, f.c, &iam.DeleteRoleInput{RoleName: "r"})
				return err
			})
		})
	}
}
