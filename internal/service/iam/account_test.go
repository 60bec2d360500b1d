package iam_test

import (
	"net/url"
	"testing"

	"abacus/internal/service/iam"
)

func TestGetAccountAuthorizationDetails(t *testing.T) {
	if raceEnabled {
		t.Skip("seeding every AWS managed policy takes minutes under -race; the run without -race covers this test")
	}
	f := newFixture(t)
	if err := f.svc.SeedManagedPolicies(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.createUser(t, "alice")
	f.createGroup(t, "ML-Team")
	f.createRole(t, "exec")
	arn := f.createPolicy(t, "SageMaker-Policy", allowAll)
	must[*iam.AddUserToGroupOutput](t)(f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "ML-Team", UserName: "alice"}))
	must[*iam.AttachGroupPolicyOutput](t)(f.svc.AttachGroupPolicy(f.ctx, f.c, &iam.AttachGroupPolicyInput{GroupName: "ML-Team", PolicyArn: arn}))
	must[*iam.AttachRolePolicyOutput](t)(f.svc.AttachRolePolicy(f.ctx, f.c, &iam.AttachRolePolicyInput{RoleName: "exec", PolicyArn: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"}))
	must[*iam.PutUserPolicyOutput](t)(f.svc.PutUserPolicy(f.ctx, f.c, &iam.PutUserPolicyInput{UserName: "alice", PolicyName: "own", PolicyDocument: allowAll}))

	all := must[*iam.GetAccountAuthorizationDetailsOutput](t)(f.svc.GetAccountAuthorizationDetails(f.ctx, f.c, &iam.GetAccountAuthorizationDetailsInput{}))
	if len(all.UserDetailList) != 1 || len(all.GroupDetailList) != 1 || len(all.RoleDetailList) != 1 {
		t.Fatalf("details = %+v", all)
	}
	u := all.UserDetailList[0]
	if len(u.GroupList) != 1 || u.GroupList[0] != "ML-Team" || len(u.UserPolicyList) != 1 || *u.UserPolicyList[0].PolicyName != "own" {
		t.Errorf("user detail = %+v", u)
	}
	if doc, _ := url.QueryUnescape(*u.UserPolicyList[0].PolicyDocument); doc != allowAll {
		t.Errorf("inline document = %s", doc)
	}
	if g := all.GroupDetailList[0]; len(g.AttachedManagedPolicies) != 1 || *g.AttachedManagedPolicies[0].PolicyArn != arn {
		t.Errorf("group detail = %+v", g)
	}
	if r := all.RoleDetailList[0]; r.InstanceProfileList == nil || len(r.AttachedManagedPolicies) != 1 || r.AssumeRolePolicyDocument == nil {
		t.Errorf("role detail = %+v", r)
	}
	// The customer policy and the one attached AWS managed policy.
	if len(all.Policies) != 2 || len(all.Policies[0].PolicyVersionList) != 1 || all.Policies[0].PolicyVersionList[0].Document == nil {
		t.Errorf("policies = %+v", all.Policies)
	}

	roles := must[*iam.GetAccountAuthorizationDetailsOutput](t)(f.svc.GetAccountAuthorizationDetails(f.ctx, f.c, &iam.GetAccountAuthorizationDetailsInput{Filter: []string{"Role", "AWSManagedPolicy"}}))
	if len(roles.UserDetailList) != 0 || len(roles.RoleDetailList) != 1 || len(roles.Policies) != 1 || *roles.Policies[0].PolicyName != "AmazonSageMakerFullAccess" {
		t.Errorf("filtered details = %+v", roles)
	}
	var n int
	var marker *string
	for {
		p := must[*iam.GetAccountAuthorizationDetailsOutput](t)(f.svc.GetAccountAuthorizationDetails(f.ctx, f.c, &iam.GetAccountAuthorizationDetailsInput{MaxItems: i32(2), Marker: marker}))
		n += len(p.UserDetailList) + len(p.GroupDetailList) + len(p.RoleDetailList) + len(p.Policies)
		if !p.IsTruncated {
			break
		}
		marker = p.Marker
	}
	if n != 5 {
		t.Errorf("paged %d items, want 5", n)
	}
	_, err := f.svc.GetAccountAuthorizationDetails(f.ctx, f.c, &iam.GetAccountAuthorizationDetailsInput{Filter: []string{"Users"}})
	wantErr(t, err, iam.ErrValidation, "filter.1.member")
	_, err = f.svc.GetAccountAuthorizationDetails(f.ctx, f.c, &iam.GetAccountAuthorizationDetailsInput{Marker: s("garbage")})
	wantErr(t, err, iam.ErrInvalidInput, "Invalid Marker.")
}
