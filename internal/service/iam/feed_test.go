package iam_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"abacus/internal/service/iam"
	"abacus/internal/store"
)

// Every committed change is announced on the store's change feed, naming
// what caches must drop; a rejected call announces nothing.
func TestChangeFeed(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "alice")
	f.createGroup(t, "g")
	f.createRole(t, "r")
	arn := f.createPolicy(t, "p", allowAll)
	must[*iam.AddUserToGroupOutput](t)(f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "g", UserName: "alice"}))
	key := must[*iam.CreateAccessKeyOutput](t)(f.svc.CreateAccessKey(f.ctx, f.c, &iam.CreateAccessKeyInput{UserName: s("alice")}))
	sub := f.st.Subscribe()
	defer sub.Close()
	const acct = "123456789012"
	tests := []struct {
		name string
		call func() error
		want []store.Change
	}{
		{"group policy reaches members", func() error {
			_, err := f.svc.AttachGroupPolicy(f.ctx, f.c, &iam.AttachGroupPolicyInput{GroupName: "g", PolicyArn: arn})
			return err
		}, []store.Change{{Account: acct, Kind: store.ChangeGroup, Name: "g"}}},
		{"new default version", func() error {
			if _, err := f.svc.CreatePolicyVersion(f.ctx, f.c, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: allowAll}); err != nil {
				return err
			}
			_, err := f.svc.SetDefaultPolicyVersion(f.ctx, f.c, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: "v2"})
			return err
		}, []store.Change{{Account: acct, Kind: store.ChangePolicy, Name: arn}}},
		{"trust policy", func() error {
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
			_, err := f.svc.UpdateAssumeRolePolicy(f.ctx, f.c, &iam.UpdateAssumeRolePolicyInput{RoleName: "r", PolicyDocument: doc})
			return err
		}, []store.Change{{Account: acct, Kind: store.ChangeRole, Name: "r"}}},
		{"key deactivated", func() error {
			_, err := f.svc.UpdateAccessKey(f.ctx, f.c, &iam.UpdateAccessKeyInput{UserName: s("alice"), AccessKeyId: key.AccessKey.AccessKeyId, Status: "Inactive"})
			return err
		}, []store.Change{{Account: acct, Kind: store.ChangeAccessKey, Name: key.AccessKey.AccessKeyId}}},
		{"tags change principal tags", func() error {
			_, err := f.svc.TagUser(f.ctx, f.c, &iam.TagUserInput{UserName: "alice", Tags: []iam.Tag{{Key: "team", Value: "ml"}}})
			return err
		}, []store.Change{{Account: acct, Kind: store.ChangeUser, Name: "alice"}}},
		{"rename announces both names", func() error {
			_, err := f.svc.UpdateUser(f.ctx, f.c, &iam.UpdateUserInput{UserName: "alice", NewUserName: s("alicia")})
			return err
		}, []store.Change{{Account: acct, Kind: store.ChangeUser, Name: "alice"}, {Account: acct, Kind: store.ChangeUser, Name: "alicia"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			got := next(t, sub)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("announced %+v, missing %+v", got, w)
				}
			}
		})
	}
	t.Run("rejected call", func(t *testing.T) {
		_, err := f.svc.DeleteGroup(f.ctx, f.c, &iam.DeleteGroupInput{GroupName: "g"})
		wantErr(t, err, iam.ErrDeleteConflict, "")
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if got, err := sub.Next(ctx); err == nil {
			t.Errorf("a rejected call announced %+v", got)
		}
	})
}

func next(t *testing.T, sub store.Subscription) []store.Change {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("no change announced: %v", err)
	}
	return got
}
