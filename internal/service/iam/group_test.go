package iam_test

import (
	"fmt"
	"testing"

	"abacus/internal/service/iam"
)

func TestGroupsAndMembership(t *testing.T) {
	f := newFixture(t)
	out := must[*iam.CreateGroupOutput](t)(f.svc.CreateGroup(f.ctx, f.c, &iam.CreateGroupInput{GroupName: "ML-Team", Path: s("/teams/")}))
	if out.Group.Arn != "arn:aws:iam::123456789012:group/teams/ML-Team" || out.Group.GroupId[:4] != "AGPA" {
		t.Errorf("CreateGroup = %+v", out.Group)
	}
	f.createUser(t, "alice")
	f.createUser(t, "bob")
	for _, u := range []string{"alice", "bob", "alice"} { // adding again is not an error
		must[*iam.AddUserToGroupOutput](t)(f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "ml-team", UserName: u}))
	}
	g := must[*iam.GetGroupOutput](t)(f.svc.GetGroup(f.ctx, f.c, &iam.GetGroupInput{GroupName: "ML-Team"}))
	if len(g.Users) != 2 || g.Users[0].UserName != "alice" || g.Users[1].UserName != "bob" {
		t.Errorf("GetGroup users = %+v", g.Users)
	}
	fg := must[*iam.ListGroupsForUserOutput](t)(f.svc.ListGroupsForUser(f.ctx, f.c, &iam.ListGroupsForUserInput{UserName: "bob"}))
	if len(fg.Groups) != 1 || fg.Groups[0].GroupName != "ML-Team" {
		t.Errorf("ListGroupsForUser = %+v", fg.Groups)
	}
	lg := must[*iam.ListGroupsOutput](t)(f.svc.ListGroups(f.ctx, f.c, &iam.ListGroupsInput{PathPrefix: s("/other/")}))
	if lg.Groups == nil || len(lg.Groups) != 0 {
		t.Errorf("ListGroups(/other/) = %#v, want an empty non-nil list", lg.Groups)
	}

	f.unchanged(t, iam.ErrDeleteConflict, "Cannot delete entity, must remove users from group first.", func() error {
		_, err := f.svc.DeleteGroup(f.ctx, f.c, &iam.DeleteGroupInput{GroupName: "ML-Team"})
		return err
	})
	f.unchanged(t, iam.ErrNoSuchEntity, "The group with name nope cannot be found.", func() error {
		_, err := f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "nope", UserName: "bob"})
		return err
	})
	f.unchanged(t, iam.ErrNoSuchEntity, "The user with name nobody cannot be found.", func() error {
		_, err := f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "ML-Team", UserName: "nobody"})
		return err
	})
	for _, u := range []string{"alice", "bob"} {
		must[*iam.RemoveUserFromGroupOutput](t)(f.svc.RemoveUserFromGroup(f.ctx, f.c, &iam.RemoveUserFromGroupInput{GroupName: "ML-Team", UserName: u}))
	}
	f.unchanged(t, iam.ErrNoSuchEntity, "not in group", func() error {
		_, err := f.svc.RemoveUserFromGroup(f.ctx, f.c, &iam.RemoveUserFromGroupInput{GroupName: "ML-Team", UserName: "bob"})
		return err
	})
	must[*iam.UpdateGroupOutput](t)(f.svc.UpdateGroup(f.ctx, f.c, &iam.UpdateGroupInput{GroupName: "ML-Team", NewGroupName: s("DataScience")}))
	g2 := must[*iam.GetGroupOutput](t)(f.svc.GetGroup(f.ctx, f.c, &iam.GetGroupInput{GroupName: "DataScience"}))
	if g2.Group.Arn != "arn:aws:iam::123456789012:group/teams/DataScience" || g2.Group.GroupId != out.Group.GroupId {
		t.Errorf("renamed group = %+v", g2.Group)
	}
	f.unchanged(t, iam.ErrEntityAlreadyExists, "Group with name datascience already exists.", func() error {
		_, err := f.svc.CreateGroup(f.ctx, f.c, &iam.CreateGroupInput{GroupName: "datascience"})
		return err
	})
	must[*iam.DeleteGroupOutput](t)(f.svc.DeleteGroup(f.ctx, f.c, &iam.DeleteGroupInput{GroupName: "DataScience"}))
}

// A user can be in at most 10 groups
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
func TestGroupsPerUserQuota(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "u")
	for i := range 11 {
		f.createGroup(t, fmt.Sprintf("g%02d", i))
	}
	for i := range 10 {
		must[*iam.AddUserToGroupOutput](t)(f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: fmt.Sprintf("g%02d", i), UserName: "u"}))
	}
	f.unchanged(t, iam.ErrLimitExceeded, "Cannot exceed quota for GroupsPerUser: 10", func() error {
		_, err := f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "g10", UserName: "u"})
		return err
	})
	// Adding to a group the user is already in stays allowed at the quota.
	must[*iam.AddUserToGroupOutput](t)(f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "g00", UserName: "u"}))
}

func TestDeleteGroupConflicts(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		msg   string
	}{
		{"inline policy", func(t *testing.T, f *fixture) {
			must[*iam.PutGroupPolicyOutput](t)(f.svc.PutGroupPolicy(f.ctx, f.c, &iam.PutGroupPolicyInput{GroupName: "g", PolicyName: "p", PolicyDocument: allowAll}))
		}, "must delete policies first"},
		{"attached policy", func(t *testing.T, f *fixture) {
			arn := f.createPolicy(t, "p", allowAll)
			must[*iam.AttachGroupPolicyOutput](t)(f.svc.AttachGroupPolicy(f.ctx, f.c, &iam.AttachGroupPolicyInput{GroupName: "g", PolicyArn: arn}))
		}, "must detach all policies first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.createGroup(t, "g")
			tt.setup(t, f)
			f.unchanged(t, iam.ErrDeleteConflict, tt.msg, func() error {
				_, err := f.svc.DeleteGroup(f.ctx, f.c, &iam.DeleteGroupInput{GroupName: "g"})
				return err
			})
		})
	}
}
