package iam_test

import (
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/service/iam"
)

// A user has at most two access keys
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html).
func TestAccessKeys(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "alice")
	f.createUser(t, "bob")
	k1 := must[*iam.CreateAccessKeyOutput](t)(f.svc.CreateAccessKey(f.ctx, f.c, &iam.CreateAccessKeyInput{UserName: s("alice")}))
	if len(k1.AccessKey.AccessKeyId) != 20 || k1.AccessKey.AccessKeyId[:4] != "AKIA" || len(k1.AccessKey.SecretAccessKey) != 40 || k1.AccessKey.Status != "Active" || k1.AccessKey.UserName != "alice" {
		t.Errorf("CreateAccessKey = %+v", k1.AccessKey)
	}
	must[*iam.CreateAccessKeyOutput](t)(f.svc.CreateAccessKey(f.ctx, f.c, &iam.CreateAccessKeyInput{UserName: s("alice")}))
	f.unchanged(t, iam.ErrLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2", func() error {
		_, err := f.svc.CreateAccessKey(f.ctx, f.c, &iam.CreateAccessKeyInput{UserName: s("alice")})
		return err
	})
	l := must[*iam.ListAccessKeysOutput](t)(f.svc.ListAccessKeys(f.ctx, f.c, &iam.ListAccessKeysInput{UserName: s("alice")}))
	if len(l.AccessKeyMetadata) != 2 {
		t.Fatalf("ListAccessKeys = %+v", l)
	}
	id := k1.AccessKey.AccessKeyId
	must[*iam.UpdateAccessKeyOutput](t)(f.svc.UpdateAccessKey(f.ctx, f.c, &iam.UpdateAccessKeyInput{UserName: s("alice"), AccessKeyId: id, Status: "Inactive"}))
	l = must[*iam.ListAccessKeysOutput](t)(f.svc.ListAccessKeys(f.ctx, f.c, &iam.ListAccessKeysInput{UserName: s("alice")}))
	for _, m := range l.AccessKeyMetadata {
		if *m.AccessKeyId == id && *m.Status != "Inactive" {
			t.Errorf("status = %s, want Inactive", *m.Status)
		}
	}
	f.unchanged(t, iam.ErrValidation, "must satisfy enum value set: [Active, Inactive]", func() error {
		_, err := f.svc.UpdateAccessKey(f.ctx, f.c, &iam.UpdateAccessKeyInput{UserName: s("alice"), AccessKeyId: id, Status: "Expired"})
		return err
	})
	// Another user's key is not found under this user.
	f.unchanged(t, iam.ErrNoSuchEntity, "The Access Key with id "+id+" cannot be found.", func() error {
		_, err := f.svc.DeleteAccessKey(f.ctx, f.c, &iam.DeleteAccessKeyInput{UserName: s("bob"), AccessKeyId: id})
		return err
	})
	lu := must[*iam.GetAccessKeyLastUsedOutput](t)(f.svc.GetAccessKeyLastUsed(f.ctx, f.c, &iam.GetAccessKeyLastUsedInput{AccessKeyId: id}))
	if *lu.UserName != "alice" || lu.AccessKeyLastUsed.ServiceName != "N/A" || lu.AccessKeyLastUsed.Region != "N/A" || lu.AccessKeyLastUsed.LastUsedDate != nil {
		t.Errorf("GetAccessKeyLastUsed = %+v %+v", lu, lu.AccessKeyLastUsed)
	}
	must[*iam.DeleteAccessKeyOutput](t)(f.svc.DeleteAccessKey(f.ctx, f.c, &iam.DeleteAccessKeyInput{UserName: s("alice"), AccessKeyId: id}))
	f.unchanged(t, iam.ErrNoSuchEntity, "cannot be found", func() error {
		_, err := f.svc.GetAccessKeyLastUsed(f.ctx, f.c, &iam.GetAccessKeyLastUsedInput{AccessKeyId: id})
		return err
	})
}

// Without UserName the access key operations act on the caller: an IAM
// user's own keys, the root's keys for the root, and an error for role
// sessions.
func TestAccessKeysOfCaller(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "alice")
	asAlice := *f.c
	asAlice.Principal = &model.Principal{Type: model.PrincipalIAMUser, AccountID: acct, ARN: "arn:aws:iam::123456789012:user/alice", UserName: "alice"}
	k := must[*iam.CreateAccessKeyOutput](t)(f.svc.CreateAccessKey(f.ctx, &asAlice, &iam.CreateAccessKeyInput{}))
	if k.AccessKey.UserName != "alice" {
		t.Errorf("key made for %q", k.AccessKey.UserName)
	}
	me := must[*iam.GetUserOutput](t)(f.svc.GetUser(f.ctx, &asAlice, &iam.GetUserInput{}))
	if me.User.UserName != "alice" {
		t.Errorf("GetUser() as alice = %+v", me.User)
	}
	root := must[*iam.CreateAccessKeyOutput](t)(f.svc.CreateAccessKey(f.ctx, f.c, &iam.CreateAccessKeyInput{}))
	if root.AccessKey.UserName != "" {
		t.Errorf("root key made for %q", root.AccessKey.UserName)
	}
	rootList := must[*iam.ListAccessKeysOutput](t)(f.svc.ListAccessKeys(f.ctx, f.c, &iam.ListAccessKeysInput{}))
	if len(rootList.AccessKeyMetadata) != 1 || *rootList.AccessKeyMetadata[0].AccessKeyId != root.AccessKey.AccessKeyId {
		t.Errorf("root keys = %+v", rootList.AccessKeyMetadata)
	}
	session := *f.c
	session.Principal = &model.Principal{Type: model.PrincipalAssumedRole, AccountID: acct, ARN: "arn:aws:sts::123456789012:assumed-role/r/s", Session: &model.RoleSession{RoleName: "r", Expires: t0.Add(time.Hour)}}
	_, err := f.svc.ListAccessKeys(f.ctx, &session, &iam.ListAccessKeysInput{})
	wantErr(t, err, iam.ErrValidation, "Must specify userName when calling with non-User credentials")
}

// GetUser without a name describes the caller; for the account root that
// is its ID and ARN only.
func TestGetUserRoot(t *testing.T) {
	f := newFixture(t)
	out := must[*iam.GetUserOutput](t)(f.svc.GetUser(f.ctx, f.c, &iam.GetUserInput{}))
	want := iam.User{UserId: "123456789012", Arn: "arn:aws:iam::123456789012:root"}
	if out.User.UserId != want.UserId || out.User.Arn != want.Arn || out.User.UserName != "" {
		t.Errorf("GetUser() as root = %+v", out.User)
	}
}
