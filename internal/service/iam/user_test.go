package iam_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/service/iam"
)

// Names are unique without regard to case and must match the model's
// pattern: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
func TestUsers(t *testing.T) {
	f := newFixture(t)
	out := must[*iam.CreateUserOutput](t)(f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{
		UserName: "alice", Path: s("/ml/"), Tags: []iam.Tag{{Key: "team", Value: "ml"}},
	}))
	want := iam.User{Path: "/ml/", UserName: "alice", UserId: out.User.UserId, Arn: "arn:aws:iam::123456789012:user/ml/alice", CreateDate: t0, Tags: []iam.Tag{{Key: "team", Value: "ml"}}}
	if diff := cmp.Diff(want, *out.User); diff != "" {
		t.Errorf("CreateUser (-want +got):\n%s", diff)
	}
	if len(out.User.UserId) != 21 || out.User.UserId[:4] != "AIDA" {
		t.Errorf("UserId = %q", out.User.UserId)
	}
	f.createUser(t, "bob")
	got := must[*iam.GetUserOutput](t)(f.svc.GetUser(f.ctx, f.c, &iam.GetUserInput{UserName: s("ALICE")}))
	if got.User.UserName != "alice" || got.User.Tags == nil {
		t.Errorf("GetUser(ALICE) = %+v", got.User)
	}

	list := must[*iam.ListUsersOutput](t)(f.svc.ListUsers(f.ctx, f.c, &iam.ListUsersInput{PathPrefix: s("/ml/")}))
	if len(list.Users) != 1 || list.Users[0].UserName != "alice" || list.Users[0].Tags != nil {
		t.Errorf("ListUsers(/ml/) = %+v", list.Users)
	}
	page := must[*iam.ListUsersOutput](t)(f.svc.ListUsers(f.ctx, f.c, &iam.ListUsersInput{MaxItems: i32(1)}))
	if !page.IsTruncated || page.Marker == nil || len(page.Users) != 1 {
		t.Fatalf("ListUsers(MaxItems 1) = %+v", page)
	}
	next := must[*iam.ListUsersOutput](t)(f.svc.ListUsers(f.ctx, f.c, &iam.ListUsersInput{Marker: page.Marker}))
	if next.IsTruncated || len(next.Users) != 1 || next.Users[0].UserName == page.Users[0].UserName {
		t.Errorf("second page = %+v", next)
	}

	must[*iam.UpdateUserOutput](t)(f.svc.UpdateUser(f.ctx, f.c, &iam.UpdateUserInput{UserName: "bob", NewUserName: s("robert"), NewPath: s("/eng/")}))
	r := must[*iam.GetUserOutput](t)(f.svc.GetUser(f.ctx, f.c, &iam.GetUserInput{UserName: s("robert")}))
	if r.User.Arn != "arn:aws:iam::123456789012:user/eng/robert" {
		t.Errorf("renamed user ARN = %s", r.User.Arn)
	}
	must[*iam.DeleteUserOutput](t)(f.svc.DeleteUser(f.ctx, f.c, &iam.DeleteUserInput{UserName: "robert"}))
	_, err := f.svc.GetUser(f.ctx, f.c, &iam.GetUserInput{UserName: s("robert")})
	wantErr(t, err, iam.ErrNoSuchEntity, "The user with name robert cannot be found.")
}

func TestUserErrors(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "alice")
	f.createUser(t, "carol")
	tests := []struct {
		name string
		call func() error
		kind error
		msg  string
	}{
		{"duplicate ignoring case", func() error {
			_, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: "Alice"})
			return err
		}, iam.ErrEntityAlreadyExists, "User with name Alice already exists."},
		{"bad name", func() error {
			_, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: "a b"})
			return err
		}, iam.ErrValidation, `1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"name too long", func() error {
			_, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: string(make([]byte, 65))})
			return err
		}, iam.ErrValidation, "must have length less than or equal to 64"},
		{"bad path", func() error {
			_, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: "x", Path: s("ml")})
			return err
		}, iam.ErrValidation, "at 'path'"},
		{"two errors", func() error {
			_, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: "a b", Path: s("ml")})
			return err
		}, iam.ErrValidation, "2 validation errors detected"},
		{"missing boundary", func() error {
			_, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: "x", PermissionsBoundary: s("arn:aws:iam::123456789012:policy/none")})
			return err
		}, iam.ErrNoSuchEntity, "Scope ARN: arn:aws:iam::123456789012:policy/none does not exist or is not attachable."},
		{"reserved tag prefix", func() error {
			_, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: "x", Tags: []iam.Tag{{Key: "aws:x", Value: "1"}}})
			return err
		}, iam.ErrInvalidInput, "aws:"},
		{"duplicate tag keys", func() error {
			_, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: "x", Tags: []iam.Tag{{Key: "a", Value: "1"}, {Key: "A", Value: "2"}}})
			return err
		}, iam.ErrInvalidInput, "Duplicate tag keys"},
		{"rename onto existing", func() error {
			_, err := f.svc.UpdateUser(f.ctx, f.c, &iam.UpdateUserInput{UserName: "alice", NewUserName: s("CAROL")})
			return err
		}, iam.ErrEntityAlreadyExists, "User with name CAROL already exists."},
		{"update missing", func() error {
			_, err := f.svc.UpdateUser(f.ctx, f.c, &iam.UpdateUserInput{UserName: "nobody", NewPath: s("/x/")})
			return err
		}, iam.ErrNoSuchEntity, "The user with name nobody cannot be found."},
		{"delete missing", func() error {
			_, err := f.svc.DeleteUser(f.ctx, f.c, &iam.DeleteUserInput{UserName: "nobody"})
			return err
		}, iam.ErrNoSuchEntity, "The user with name nobody cannot be found."},
		{"MaxItems zero", func() error {
			_, err := f.svc.ListUsers(f.ctx, f.c, &iam.ListUsersInput{MaxItems: i32(0)})
			return err
		}, iam.ErrValidation, "must have value greater than or equal to 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.unchanged(t, tt.kind, tt.msg, tt.call)
		})
	}
}

// A user with access keys, policies or group memberships cannot be deleted
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html).
func TestDeleteUserConflicts(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		msg   string
	}{
		{"access key", func(t *testing.T, f *fixture) {
			must[*iam.CreateAccessKeyOutput](t)(f.svc.CreateAccessKey(f.ctx, f.c, &iam.CreateAccessKeyInput{UserName: s("u")}))
		}, "must delete access keys first"},
		{"inline policy", func(t *testing.T, f *fixture) {
			must[*iam.PutUserPolicyOutput](t)(f.svc.PutUserPolicy(f.ctx, f.c, &iam.PutUserPolicyInput{UserName: "u", PolicyName: "p", PolicyDocument: allowAll}))
		}, "must delete policies first"},
		{"attached policy", func(t *testing.T, f *fixture) {
			arn := f.createPolicy(t, "p", allowAll)
			must[*iam.AttachUserPolicyOutput](t)(f.svc.AttachUserPolicy(f.ctx, f.c, &iam.AttachUserPolicyInput{UserName: "u", PolicyArn: arn}))
		}, "must detach all policies first"},
		{"group membership", func(t *testing.T, f *fixture) {
			f.createGroup(t, "g")
			must[*iam.AddUserToGroupOutput](t)(f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "g", UserName: "u"}))
		}, "must remove users from group first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.createUser(t, "u")
			tt.setup(t, f)
			f.unchanged(t, iam.ErrDeleteConflict, tt.msg, func() error {
				_, err := f.svc.DeleteUser(f.ctx, f.c, &iam.DeleteUserInput{UserName: "u"})
				return err
			})
		})
	}
}
