package storetest

import (
	"context"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
)

func testUsers(t *testing.T, s store.Store) {
	alice := newUser(acctA, "Alice", 1)
	alice.Tags = []model.Tag{{Key: "team", Value: "ml"}, {Key: "env", Value: "dev"}}
	alice.PermissionsBoundary = "arn:aws:iam::aws:policy/PowerUserAccess"
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.CreateUser(ctx, acctA, alice)
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		for _, name := range []string{"Alice", "alice", "ALICE"} {
			got, err := tx.GetUser(ctx, acctA, name)
			wantErr(t, "GetUser "+name, err, nil)
			diff(t, "GetUser "+name, got, alice)
		}
		_, err := tx.GetUser(ctx, acctA, "bob")
		wantErr(t, "GetUser missing", err, store.ErrNotFound)
		return nil
	})

	// Update replaces the mutable fields and keeps ID and creation date.
	changed := alice
	changed.Path = "/ml/"
	changed.Tags = []model.Tag{{Key: "team", Value: "platform"}}
	changed.PermissionsBoundary = ""
	changed.UserID = "AIDAIGNOREDIGNORED000"
	changed.CreateDate = base.Add(time.Hour)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.UpdateUser(ctx, acctA, "alice", changed)
	})
	want := changed
	want.UserID, want.CreateDate = alice.UserID, alice.CreateDate
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetUser(ctx, acctA, "Alice")
		wantErr(t, "GetUser after update", err, nil)
		diff(t, "GetUser after update", got, want)
		return nil
	})

	err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.UpdateUser(ctx, acctA, "nobody", changed)
	})
	wantErr(t, "UpdateUser missing", err, store.ErrNotFound)

	update(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.DeleteUser(ctx, acctA, "ALICE")
	})
	err = s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.DeleteUser(ctx, acctA, "Alice")
	})
	wantErr(t, "DeleteUser twice", err, store.ErrNotFound)
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		_, err := tx.GetUser(ctx, acctA, "Alice")
		wantErr(t, "GetUser deleted", err, store.ErrNotFound)
		p, err := tx.ListUsers(ctx, acctA, store.ListOptions{})
		wantErr(t, "ListUsers", err, nil)
		diff(t, "ListUsers after delete", p, store.Page[model.User]{})
		return nil
	})

	// A deleted name can be used again.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.CreateUser(ctx, acctA, newUser(acctA, "alice", 2))
	})
}

func testUserRename(t *testing.T, s store.Store) {
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for i, n := range []string{"alice", "bob"} {
			if err := tx.CreateUser(ctx, acctA, newUser(acctA, n, i)); err != nil {
				return err
			}
		}
		if err := tx.CreateGroup(ctx, acctA, newGroup(acctA, "ml", 1)); err != nil {
			return err
		}
		if err := tx.AddUserToGroup(ctx, acctA, "ml", "alice"); err != nil {
			return err
		}
		if err := tx.CreateAccessKey(ctx, acctA, model.AccessKey{AccessKeyID: "AKIARENAME0000000001", UserName: "alice", SecretAccessKey: "s", CreateDate: base}); err != nil {
			return err
		}
		return tx.PutInlinePolicy(ctx, acctA, model.EntityUser, "alice", model.InlinePolicy{PolicyName: "p", Document: docAllowAll})
	})
	// Renaming onto an existing name (in any case) conflicts.
	err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		u, err := tx.GetUser(ctx, acctA, "alice")
		if err != nil {
			return err
		}
		u.UserName = "BOB"
		return tx.UpdateUser(ctx, acctA, "alice", u)
	})
	wantErr(t, "rename onto existing", err, store.ErrConflict)

	update(t, s, func(ctx context.Context, tx store.Tx) error {
		u, err := tx.GetUser(ctx, acctA, "alice")
		if err != nil {
			return err
		}
		u.UserName, u.ARN = "Alicia", userARN(acctA, "/", "Alicia")
		return tx.UpdateUser(ctx, acctA, "alice", u)
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		_, err := tx.GetUser(ctx, acctA, "alice")
		wantErr(t, "old name", err, store.ErrNotFound)
		u, err := tx.GetUser(ctx, acctA, "alicia")
		wantErr(t, "new name", err, nil)
		diff(t, "renamed user name", u.UserName, "Alicia")
		diff(t, "renamed user keeps ID", u.UserID, newUser(acctA, "alice", 0).UserID)
		members, err := tx.ListGroupMembers(ctx, acctA, "ml", store.ListOptions{})
		wantErr(t, "ListGroupMembers", err, nil)
		if len(members.Items) != 1 || members.Items[0].UserName != "Alicia" {
			t.Errorf("members after rename = %+v, want Alicia", members.Items)
		}
		k, err := tx.GetAccessKey(ctx, "AKIARENAME0000000001")
		wantErr(t, "GetAccessKey", err, nil)
		diff(t, "key owner after rename", k.UserName, "Alicia")
		p, err := tx.GetInlinePolicy(ctx, acctA, model.EntityUser, "Alicia", "p")
		wantErr(t, "inline policy after rename", err, nil)
		diff(t, "inline policy after rename", p.Document, docAllowAll)
		return nil
	})
}

func testGroups(t *testing.T, s store.Store) {
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for i, n := range []string{"alice", "bob", "carol"} {
			if err := tx.CreateUser(ctx, acctA, newUser(acctA, n, i)); err != nil {
				return err
			}
		}
		for i, n := range []string{"ML-Team", "Data-Scientists"} {
			if err := tx.CreateGroup(ctx, acctA, newGroup(acctA, n, i)); err != nil {
				return err
			}
		}
		for _, m := range [][2]string{{"ML-Team", "alice"}, {"ml-team", "BOB"}, {"Data-Scientists", "alice"}, {"ML-Team", "alice"}} {
			if err := tx.AddUserToGroup(ctx, acctA, m[0], m[1]); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		g, err := tx.GetGroup(ctx, acctA, "ml-team")
		wantErr(t, "GetGroup", err, nil)
		diff(t, "GetGroup", g, newGroup(acctA, "ML-Team", 0))
		members, err := tx.ListGroupMembers(ctx, acctA, "ML-Team", store.ListOptions{})
		wantErr(t, "ListGroupMembers", err, nil)
		diff(t, "ListGroupMembers", members, store.Page[model.User]{Items: []model.User{newUser(acctA, "alice", 0), newUser(acctA, "bob", 1)}})
		groups, err := tx.ListGroupsForUser(ctx, acctA, "Alice", store.ListOptions{})
		wantErr(t, "ListGroupsForUser", err, nil)
		diff(t, "ListGroupsForUser", groups, store.Page[model.Group]{Items: []model.Group{newGroup(acctA, "Data-Scientists", 1), newGroup(acctA, "ML-Team", 0)}})
		n, err := tx.CountGroupsForUser(ctx, acctA, "alice")
		wantErr(t, "CountGroupsForUser", err, nil)
		diff(t, "CountGroupsForUser alice", n, 2)
		n, err = tx.CountGroupsForUser(ctx, acctA, "carol")
		wantErr(t, "CountGroupsForUser", err, nil)
		diff(t, "CountGroupsForUser carol", n, 0)
		_, err = tx.ListGroupMembers(ctx, acctA, "nope", store.ListOptions{})
		wantErr(t, "ListGroupMembers missing", err, store.ErrNotFound)
		_, err = tx.ListGroupsForUser(ctx, acctA, "nope", store.ListOptions{})
		wantErr(t, "ListGroupsForUser missing", err, store.ErrNotFound)
		return nil
	})

	tests := []struct {
		name        string
		group, user string
		want        error
	}{
		{"remove member", "ML-Team", "bob", nil},
		{"remove again", "ML-Team", "bob", store.ErrNotFound},
		{"not a member", "Data-Scientists", "carol", store.ErrNotFound},
		{"missing group", "nope", "alice", store.ErrNotFound},
		{"missing user", "ML-Team", "nope", store.ErrNotFound},
	}
	for _, tt := range tests {
		err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
			return tx.RemoveUserFromGroup(ctx, acctA, tt.group, tt.user)
		})
		wantErr(t, tt.name, err, tt.want)
	}
	err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.AddUserToGroup(ctx, acctA, "ML-Team", "nope")
	})
	wantErr(t, "add missing user", err, store.ErrNotFound)

	// Rename a group: membership follows.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		g, err := tx.GetGroup(ctx, acctA, "ML-Team")
		if err != nil {
			return err
		}
		g.GroupName, g.Path = "ML-Engineers", "/eng/"
		return tx.UpdateGroup(ctx, acctA, "ml-team", g)
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		groups, err := tx.ListGroupsForUser(ctx, acctA, "alice", store.ListOptions{})
		wantErr(t, "ListGroupsForUser after rename", err, nil)
		var names []string
		for _, g := range groups.Items {
			names = append(names, g.GroupName+g.Path)
		}
		diff(t, "groups after rename", names, []string{"Data-Scientists/", "ML-Engineers/eng/"})
		return nil
	})
}

func testRoles(t *testing.T, s store.Store) {
	r := newRole(acctA, "SageMakerExecution", 1)
	r.Description = "shared Studio execution role"
	r.Tags = []model.Tag{{Key: "domain", Value: "d-123"}}
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateRole(ctx, acctA, r) })
	err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.CreateRole(ctx, acctA, newRole(acctA, "sagemakerexecution", 2))
	})
	wantErr(t, "CreateRole same name other case", err, store.ErrConflict)

	r2 := r
	r2.AssumeRolePolicyDocument = docAllow("sts:AssumeRole")
	r2.MaxSessionDuration = 43200
	r2.Description = ""
	r2.PermissionsBoundary = "arn:aws:iam::111111111111:policy/Boundary"
	r2.RoleLastUsed = model.RoleLastUsed{LastUsedDate: base.Add(time.Minute), Region: "eu-west-1"}
	r2.RoleName = "SAGEMAKEREXECUTION" // lookup is case-insensitive; the stored name is kept
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.UpdateRole(ctx, acctA, r2) })
	want := r2
	want.RoleName = r.RoleName
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetRole(ctx, acctA, "sagemakerexecution")
		wantErr(t, "GetRole", err, nil)
		diff(t, "GetRole after update", got, want)
		roles, err := tx.ListRoles(ctx, acctA, store.ListOptions{})
		wantErr(t, "ListRoles", err, nil)
		diff(t, "ListRoles", roles, store.Page[model.Role]{Items: []model.Role{want}})
		return nil
	})
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteRole(ctx, acctA, "SageMakerExecution") })
	err = s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
		_, err := tx.GetRole(ctx, acctA, "SageMakerExecution")
		return err
	})
	wantErr(t, "GetRole deleted", err, store.ErrNotFound)
}

// testNameCase pins down IAM's rule: names are unique without regard to
// case, and the stored spelling is kept. "Names are not distinguished by
// case. For example, you cannot create resources named both "MyResource"
// and "myresource"." —
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
// (UserName; the same text is on CreateGroup, CreateRole, CreatePolicy).
func testNameCase(t *testing.T, s store.Store) {
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateUser(ctx, acctA, newUser(acctA, "Alice", 1)); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, acctA, newGroup(acctA, "Admins", 1)); err != nil {
			return err
		}
		if err := tx.CreateRole(ctx, acctA, newRole(acctA, "Deployer", 1)); err != nil {
			return err
		}
		_, err := tx.CreatePolicy(ctx, acctA, newPolicy(acctA, "ReadOnly", 1), docAllowAll)
		return err
	})
	tests := []struct {
		name string
		fn   func(ctx context.Context, tx store.Tx) error
	}{
		{"user", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateUser(ctx, acctA, newUser(acctA, "alice", 2))
		}},
		{"user upper", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateUser(ctx, acctA, newUser(acctA, "ALICE", 3))
		}},
		{"group", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateGroup(ctx, acctA, newGroup(acctA, "admins", 2))
		}},
		{"role", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateRole(ctx, acctA, newRole(acctA, "DEPLOYER", 2))
		}},
		{"policy", func(ctx context.Context, tx store.Tx) error {
			_, err := tx.CreatePolicy(ctx, acctA, newPolicy(acctA, "readonly", 2), docAllowAll)
			return err
		}},
		{"same user ID", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateUser(ctx, acctA, newUser(acctA, "other", 1))
		}},
	}
	for _, tt := range tests {
		err := s.Update(t.Context(), tt.fn)
		wantErr(t, tt.name, err, store.ErrConflict)
	}
	// Kinds are separate namespaces: a user and a role may share a name.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.CreateRole(ctx, acctA, newRole(acctA, "alice", 3))
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		u, err := tx.GetUser(ctx, acctA, "aLiCe")
		wantErr(t, "GetUser", err, nil)
		diff(t, "stored case of user", u.UserName, "Alice")
		users, err := tx.ListUsers(ctx, acctA, store.ListOptions{})
		wantErr(t, "ListUsers", err, nil)
		diff(t, "users", len(users.Items), 1)
		return nil
	})
}

func testManagedPolicies(t *testing.T, s store.Store) {
	p := newPolicy(acctA, "SageMaker-Policy", 1)
	p.Description = "notebook access"
	p.Tags = []model.Tag{{Key: "owner", Value: "ml"}}
	var created model.ManagedPolicy
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		created, err = tx.CreatePolicy(ctx, acctA, p, docAllow("sagemaker:*"))
		return err
	})
	want := p
	want.DefaultVersionID = "v1"
	want.UpdateDate = p.CreateDate
	diff(t, "CreatePolicy result", created, want)
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetPolicy(ctx, acctA, p.ARN)
		wantErr(t, "GetPolicy", err, nil)
		diff(t, "GetPolicy", got, want)
		v, err := tx.GetPolicyVersion(ctx, acctA, p.ARN, "v1")
		wantErr(t, "GetPolicyVersion", err, nil)
		diff(t, "v1", v, model.PolicyVersion{VersionID: "v1", Document: docAllow("sagemaker:*"), IsDefault: true, CreateDate: base})
		_, err = tx.GetPolicy(ctx, acctA, "arn:aws:iam::111111111111:policy/nope")
		wantErr(t, "GetPolicy missing", err, store.ErrNotFound)
		_, err = tx.GetPolicyVersion(ctx, acctA, p.ARN, "v2")
		wantErr(t, "GetPolicyVersion missing", err, store.ErrNotFound)
		_, err = tx.GetPolicyVersion(ctx, acctA, p.ARN, "1")
		wantErr(t, "GetPolicyVersion malformed", err, store.ErrNotFound)
		return nil
	})
	upd := want
	upd.Description = "changed"
	upd.Tags = nil
	upd.UpdateDate = base.Add(time.Hour)
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.UpdatePolicy(ctx, acctA, upd) })
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetPolicy(ctx, acctA, p.ARN)
		wantErr(t, "GetPolicy after update", err, nil)
		diff(t, "GetPolicy after update", got, upd)
		return nil
	})
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeletePolicy(ctx, acctA, p.ARN) })
	err := s.View(t.Context(), func(ctx context.Context, tx store.ReadTx) error {
		_, err := tx.GetPolicyVersion(ctx, acctA, p.ARN, "v1")
		return err
	})
	wantErr(t, "version of deleted policy", err, store.ErrNotFound)
	err = s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error { return tx.DeletePolicy(ctx, acctA, p.ARN) })
	wantErr(t, "DeletePolicy twice", err, store.ErrNotFound)
}

// testPolicyVersions: version IDs are v1, v2, ...; the default version
// cannot be deleted ("you cannot delete the default version",
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html).
func testPolicyVersions(t *testing.T, s store.Store) {
	p := newPolicy(acctA, "Versioned", 1)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreatePolicy(ctx, acctA, p, docAllow("s3:GetObject"))
		return err
	})
	var v2, v3 model.PolicyVersion
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		if v2, err = tx.CreatePolicyVersion(ctx, acctA, p.ARN, docAllow("s3:PutObject"), false, base.Add(time.Minute)); err != nil {
			return err
		}
		v3, err = tx.CreatePolicyVersion(ctx, acctA, p.ARN, docAllow("s3:*"), true, base.Add(2*time.Minute))
		return err
	})
	diff(t, "v2", v2, model.PolicyVersion{VersionID: "v2", Document: docAllow("s3:PutObject"), CreateDate: base.Add(time.Minute)})
	diff(t, "v3", v3, model.PolicyVersion{VersionID: "v3", Document: docAllow("s3:*"), IsDefault: true, CreateDate: base.Add(2 * time.Minute)})

	listVersions := func() []string {
		var out []string
		view(t, s, func(ctx context.Context, tx store.ReadTx) error {
			vs, err := tx.ListPolicyVersions(ctx, acctA, p.ARN)
			for _, v := range vs {
				s := v.VersionID
				if v.IsDefault {
					s += "*"
				}
				out = append(out, s)
			}
			return err
		})
		return out
	}
	diff(t, "versions", listVersions(), []string{"v3*", "v2", "v1"})

	err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error { return tx.DeletePolicyVersion(ctx, acctA, p.ARN, "v3") })
	wantErr(t, "delete default version", err, store.ErrInUse)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.SetDefaultPolicyVersion(ctx, acctA, p.ARN, "v1", base.Add(3*time.Minute))
	})
	diff(t, "versions after SetDefault", listVersions(), []string{"v3", "v2", "v1*"})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetPolicy(ctx, acctA, p.ARN)
		diff(t, "default version", got.DefaultVersionID, "v1")
		diff(t, "update date", got.UpdateDate, base.Add(3*time.Minute))
		return err
	})
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.DeletePolicyVersion(ctx, acctA, p.ARN, "v3"); err != nil {
			return err
		}
		return tx.DeletePolicyVersion(ctx, acctA, p.ARN, "v2")
	})
	err = s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error { return tx.DeletePolicyVersion(ctx, acctA, p.ARN, "v2") })
	wantErr(t, "delete version twice", err, store.ErrNotFound)
	err = s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.SetDefaultPolicyVersion(ctx, acctA, p.ARN, "v9", base)
	})
	wantErr(t, "SetDefault missing version", err, store.ErrNotFound)
	// Version numbers are never reused.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		v, err := tx.CreatePolicyVersion(ctx, acctA, p.ARN, docAllowAll, false, base)
		diff(t, "next version ID", v.VersionID, "v4")
		return err
	})
	diff(t, "versions at end", listVersions(), []string{"v4", "v1*"})
}

func testAttachments(t *testing.T, s store.Store) {
	p1, p2 := newPolicy(acctA, "P1", 1), newPolicy(acctA, "p2", 2)
	p2.Path = "/team/"
	p2.ARN = "arn:aws:iam::111111111111:policy/team/p2"
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, p := range []model.ManagedPolicy{p1, p2} {
			if _, err := tx.CreatePolicy(ctx, acctA, p, docAllowAll); err != nil {
				return err
			}
		}
		if err := tx.CreateUser(ctx, acctA, newUser(acctA, "alice", 1)); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, acctA, newGroup(acctA, "ml", 1)); err != nil {
			return err
		}
		if err := tx.CreateRole(ctx, acctA, newRole(acctA, "exec", 1)); err != nil {
			return err
		}
		for _, a := range []struct {
			kind model.EntityKind
			name string
			arn  string
		}{
			{model.EntityUser, "Alice", p1.ARN}, {model.EntityUser, "alice", p2.ARN}, {model.EntityUser, "alice", p1.ARN},
			{model.EntityGroup, "ml", p1.ARN}, {model.EntityRole, "exec", p1.ARN},
		} {
			if err := tx.AttachPolicy(ctx, acctA, a.kind, a.name, a.arn); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.ListAttachedPolicies(ctx, acctA, model.EntityUser, "alice", store.ListOptions{})
		wantErr(t, "ListAttachedPolicies", err, nil)
		diff(t, "attached to alice", got.Items, []model.AttachedPolicy{{PolicyName: "P1", PolicyARN: p1.ARN}, {PolicyName: "p2", PolicyARN: p2.ARN}})
		got, err = tx.ListAttachedPolicies(ctx, acctA, model.EntityUser, "alice", store.ListOptions{PathPrefix: "/team/"})
		wantErr(t, "ListAttachedPolicies path", err, nil)
		diff(t, "attached to alice under /team/", got.Items, []model.AttachedPolicy{{PolicyName: "p2", PolicyARN: p2.ARN}})
		p1st, err := tx.ListAttachedPolicies(ctx, acctA, model.EntityUser, "alice", store.ListOptions{MaxItems: 1})
		wantErr(t, "ListAttachedPolicies page 1", err, nil)
		p2nd, err := tx.ListAttachedPolicies(ctx, acctA, model.EntityUser, "alice", store.ListOptions{MaxItems: 1, Marker: p1st.Marker})
		wantErr(t, "ListAttachedPolicies page 2", err, nil)
		diff(t, "attached pages", append(p1st.Items, p2nd.Items...), []model.AttachedPolicy{{PolicyName: "P1", PolicyARN: p1.ARN}, {PolicyName: "p2", PolicyARN: p2.ARN}})
		diff(t, "attached page flags", []bool{p1st.IsTruncated, p2nd.IsTruncated}, []bool{true, false})
		n, err := tx.CountAttachedPolicies(ctx, acctA, model.EntityUser, "alice")
		wantErr(t, "CountAttachedPolicies", err, nil)
		diff(t, "count attached to alice", n, 2)
		pol, err := tx.GetPolicy(ctx, acctA, p1.ARN)
		wantErr(t, "GetPolicy", err, nil)
		diff(t, "attachment count", pol.AttachmentCount, 3)
		ents, err := tx.ListEntitiesForPolicy(ctx, acctA, p1.ARN, store.ListOptions{})
		wantErr(t, "ListEntitiesForPolicy", err, nil)
		diff(t, "entities for P1", ents.Items, []model.PolicyEntity{
			{Kind: model.EntityGroup, Name: "ml", ID: newGroup(acctA, "ml", 1).GroupID},
			{Kind: model.EntityRole, Name: "exec", ID: newRole(acctA, "exec", 1).RoleID},
			{Kind: model.EntityUser, Name: "alice", ID: newUser(acctA, "alice", 1).UserID},
		})
		ents, err = tx.ListEntitiesForPolicy(ctx, acctA, p1.ARN, store.ListOptions{MaxItems: 2})
		wantErr(t, "ListEntitiesForPolicy page", err, nil)
		if !ents.IsTruncated || len(ents.Items) != 2 {
			t.Errorf("first page of 2 = %+v", ents)
		}
		rest, err := tx.ListEntitiesForPolicy(ctx, acctA, p1.ARN, store.ListOptions{MaxItems: 2, Marker: ents.Marker})
		wantErr(t, "ListEntitiesForPolicy next", err, nil)
		if rest.IsTruncated || len(rest.Items) != 1 || rest.Items[0].Kind != model.EntityUser {
			t.Errorf("second page = %+v", rest)
		}
		attached, err := tx.ListPolicies(ctx, acctA, store.PolicyListOptions{Scope: store.ScopeLocal, OnlyAttached: true})
		wantErr(t, "ListPolicies OnlyAttached", err, nil)
		diff(t, "attached policies", len(attached.Items), 2)
		return nil
	})
	tests := []struct {
		name string
		fn   func(ctx context.Context, tx store.Tx) error
		want error
	}{
		{"attach to missing user", func(ctx context.Context, tx store.Tx) error {
			return tx.AttachPolicy(ctx, acctA, model.EntityUser, "nobody", p1.ARN)
		}, store.ErrNotFound},
		{"attach missing policy", func(ctx context.Context, tx store.Tx) error {
			return tx.AttachPolicy(ctx, acctA, model.EntityUser, "alice", "arn:aws:iam::111111111111:policy/nope")
		}, store.ErrNotFound},
		{"detach", func(ctx context.Context, tx store.Tx) error {
			return tx.DetachPolicy(ctx, acctA, model.EntityUser, "alice", p1.ARN)
		}, nil},
		{"detach again", func(ctx context.Context, tx store.Tx) error {
			return tx.DetachPolicy(ctx, acctA, model.EntityUser, "alice", p1.ARN)
		}, store.ErrNotFound},
		{"delete attached policy", func(ctx context.Context, tx store.Tx) error {
			return tx.DeletePolicy(ctx, acctA, p1.ARN)
		}, store.ErrInUse},
	}
	for _, tt := range tests {
		wantErr(t, tt.name, s.Update(t.Context(), tt.fn), tt.want)
	}
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		pol, err := tx.GetPolicy(ctx, acctA, p1.ARN)
		diff(t, "attachment count after detach", pol.AttachmentCount, 2)
		return err
	})

	// A policy used as a permissions boundary is counted and cannot be
	// deleted.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		r, err := tx.GetRole(ctx, acctA, "exec")
		if err != nil {
			return err
		}
		r.PermissionsBoundary = p2.ARN
		return tx.UpdateRole(ctx, acctA, r)
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		pol, err := tx.GetPolicy(ctx, acctA, p2.ARN)
		diff(t, "boundary usage count", pol.PermissionsBoundaryUsageCount, 1)
		return err
	})
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.DetachPolicy(ctx, acctA, model.EntityUser, "alice", p2.ARN)
	})
	wantErr(t, "delete boundary policy", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.DeletePolicy(ctx, acctA, p2.ARN)
	}), store.ErrInUse)
}

// testAWSManagedPolicies: AWS managed policies (arn:aws:iam::aws:policy/...)
// are visible to every account and attachable there; attachment counts are
// per account; accounts cannot change them.
func testAWSManagedPolicies(t *testing.T, s store.Store) {
	aws := model.ManagedPolicy{
		PolicyName: "AmazonSageMakerFullAccess", PolicyID: "ANPAAWS00000000000001",
		ARN: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", Path: "/", CreateDate: base,
		DefaultVersionID: "v12", // seeded at the version AWS is at
	}
	local := newPolicy(acctA, "AmazonSageMakerFullAccess", 2) // same name, other owner: allowed
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.CreatePolicy(ctx, model.AWSAccount, aws, docAllow("sagemaker:*")); err != nil {
			return err
		}
		if _, err := tx.CreatePolicy(ctx, acctA, local, docAllowAll); err != nil {
			return err
		}
		for _, a := range []model.AccountID{acctA, acctB} {
			if err := tx.CreateRole(ctx, a, newRole(a, "exec", 1)); err != nil {
				return err
			}
		}
		return tx.AttachPolicy(ctx, acctA, model.EntityRole, "exec", aws.ARN)
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		for _, tc := range []struct {
			acct  model.AccountID
			count int
		}{{acctA, 1}, {acctB, 0}} {
			p, err := tx.GetPolicy(ctx, tc.acct, aws.ARN)
			wantErr(t, "GetPolicy AWS managed from "+string(tc.acct), err, nil)
			diff(t, "attachment count in "+string(tc.acct), p.AttachmentCount, tc.count)
			if !p.IsAWSManaged() {
				t.Errorf("IsAWSManaged(%s) = false", p.ARN)
			}
			diff(t, "default version", p.DefaultVersionID, "v12")
			v, err := tx.GetPolicyVersion(ctx, tc.acct, aws.ARN, "v12")
			wantErr(t, "GetPolicyVersion AWS managed", err, nil)
			diff(t, "AWS managed version", v, model.PolicyVersion{VersionID: "v12", Document: docAllow("sagemaker:*"), IsDefault: true, CreateDate: base})
		}
		_, err := tx.GetPolicy(ctx, acctB, local.ARN)
		wantErr(t, "B reads A's policy", err, store.ErrNotFound)

		names := func(acct model.AccountID, o store.PolicyListOptions) []string {
			p, err := tx.ListPolicies(ctx, acct, o)
			wantErr(t, "ListPolicies", err, nil)
			var out []string
			for _, x := range p.Items {
				out = append(out, x.ARN)
			}
			return out
		}
		// Same names order by owner account ("aws" after digits).
		diff(t, "A scope All", names(acctA, store.PolicyListOptions{}), []string{local.ARN, aws.ARN})
		diff(t, "A scope Local", names(acctA, store.PolicyListOptions{Scope: store.ScopeLocal}), []string{local.ARN})
		diff(t, "A scope AWS", names(acctA, store.PolicyListOptions{Scope: store.ScopeAWS}), []string{aws.ARN})
		diff(t, "B scope All", names(acctB, store.PolicyListOptions{}), []string{aws.ARN})
		diff(t, "B only attached", names(acctB, store.PolicyListOptions{OnlyAttached: true}), []string(nil))
		diff(t, "A only attached", names(acctA, store.PolicyListOptions{OnlyAttached: true}), []string{aws.ARN})
		// Pages split between the two same-named policies.
		p, err := tx.ListPolicies(ctx, acctA, store.PolicyListOptions{ListOptions: store.ListOptions{MaxItems: 1}})
		wantErr(t, "ListPolicies page 1", err, nil)
		p2, err := tx.ListPolicies(ctx, acctA, store.PolicyListOptions{ListOptions: store.ListOptions{MaxItems: 1, Marker: p.Marker}})
		wantErr(t, "ListPolicies page 2", err, nil)
		if len(p.Items) != 1 || len(p2.Items) != 1 || p.Items[0].ARN == p2.Items[0].ARN || p2.IsTruncated {
			t.Errorf("pages = %+v, %+v", p, p2)
		}
		return nil
	})
	for _, tc := range []struct {
		name string
		fn   func(ctx context.Context, tx store.Tx) error
	}{
		{"delete", func(ctx context.Context, tx store.Tx) error { return tx.DeletePolicy(ctx, acctB, aws.ARN) }},
		{"new version", func(ctx context.Context, tx store.Tx) error {
			_, err := tx.CreatePolicyVersion(ctx, acctB, aws.ARN, docAllowAll, true, base)
			return err
		}},
		{"update", func(ctx context.Context, tx store.Tx) error { return tx.UpdatePolicy(ctx, acctA, aws) }},
	} {
		wantErr(t, "account changes AWS managed policy: "+tc.name, s.Update(t.Context(), tc.fn), store.ErrNotFound)
	}
}

func testInlinePolicies(t *testing.T, s store.Store) {
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateRole(ctx, acctA, newRole(acctA, "exec", 1)); err != nil {
			return err
		}
		for _, p := range []model.InlinePolicy{
			{PolicyName: "S3Access", Document: docAllow("s3:*")},
			{PolicyName: "logs", Document: docAllow("logs:*")},
			{PolicyName: "s3access", Document: docAllow("s3:GetObject")}, // replaces S3Access, keeps its spelling
		} {
			if err := tx.PutInlinePolicy(ctx, acctA, model.EntityRole, "exec", p); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		p, err := tx.GetInlinePolicy(ctx, acctA, model.EntityRole, "EXEC", "S3ACCESS")
		wantErr(t, "GetInlinePolicy", err, nil)
		diff(t, "inline policy", p, model.InlinePolicy{PolicyName: "S3Access", Document: docAllow("s3:GetObject")})
		list, err := tx.ListInlinePolicies(ctx, acctA, model.EntityRole, "exec", store.ListOptions{})
		wantErr(t, "ListInlinePolicies", err, nil)
		diff(t, "inline policies", list.Items, []model.InlinePolicy{
			{PolicyName: "logs", Document: docAllow("logs:*")},
			{PolicyName: "S3Access", Document: docAllow("s3:GetObject")},
		})
		first, err := tx.ListInlinePolicies(ctx, acctA, model.EntityRole, "exec", store.ListOptions{MaxItems: 1})
		wantErr(t, "ListInlinePolicies page 1", err, nil)
		second, err := tx.ListInlinePolicies(ctx, acctA, model.EntityRole, "exec", store.ListOptions{MaxItems: 1, Marker: first.Marker})
		wantErr(t, "ListInlinePolicies page 2", err, nil)
		diff(t, "inline pages", []any{first.Items[0].PolicyName, first.IsTruncated, second.Items[0].PolicyName, second.IsTruncated},
			[]any{"logs", true, "S3Access", false})
		n, err := tx.InlinePolicySize(ctx, acctA, model.EntityRole, "exec")
		wantErr(t, "InlinePolicySize", err, nil)
		diff(t, "inline size", n, len(docAllow("logs:*"))+len(docAllow("s3:GetObject")))
		_, err = tx.GetInlinePolicy(ctx, acctA, model.EntityRole, "exec", "nope")
		wantErr(t, "GetInlinePolicy missing", err, store.ErrNotFound)
		_, err = tx.GetInlinePolicy(ctx, acctA, model.EntityUser, "exec", "logs")
		wantErr(t, "GetInlinePolicy wrong kind", err, store.ErrNotFound)
		return nil
	})
	if err := s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.PutInlinePolicy(ctx, acctA, model.EntityRole, "exec", model.InlinePolicy{Document: docAllowAll})
	}); err == nil {
		t.Errorf("PutInlinePolicy without a name: no error")
	}
	wantErr(t, "PutInlinePolicy on missing role", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.PutInlinePolicy(ctx, acctA, model.EntityRole, "nope", model.InlinePolicy{PolicyName: "x", Document: docAllowAll})
	}), store.ErrNotFound)
	wantErr(t, "delete role with inline policies", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.DeleteRole(ctx, acctA, "exec")
	}), store.ErrInUse)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.DeleteInlinePolicy(ctx, acctA, model.EntityRole, "exec", "LOGS"); err != nil {
			return err
		}
		return tx.DeleteInlinePolicy(ctx, acctA, model.EntityRole, "exec", "s3access")
	})
	wantErr(t, "delete inline twice", s.Update(t.Context(), func(ctx context.Context, tx store.Tx) error {
		return tx.DeleteInlinePolicy(ctx, acctA, model.EntityRole, "exec", "logs")
	}), store.ErrNotFound)
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteRole(ctx, acctA, "exec") })
}

// testDeleteConflicts: deleting an entity that others depend on fails with
// ErrInUse (IAM's DeleteConflict), and succeeds once they are removed.
// Users: "you must delete the items attached to the user manually, or the
// deletion fails" (access keys, inline policies, attached managed policies,
// group memberships), https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html;
// groups: remove the users, inline and attached policies first,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/Using_DeleteGroup.html.
func testDeleteConflicts(t *testing.T, s store.Store) {
	pol := newPolicy(acctA, "P", 1)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.CreatePolicy(ctx, acctA, pol, docAllowAll); err != nil {
			return err
		}
		for i, u := range []string{"in-group", "with-policy", "with-inline", "with-key"} {
			if err := tx.CreateUser(ctx, acctA, newUser(acctA, u, i)); err != nil {
				return err
			}
		}
		for i, g := range []string{"with-member", "with-policy"} {
			if err := tx.CreateGroup(ctx, acctA, newGroup(acctA, g, i)); err != nil {
				return err
			}
		}
		if err := tx.AddUserToGroup(ctx, acctA, "with-member", "in-group"); err != nil {
			return err
		}
		if err := tx.AttachPolicy(ctx, acctA, model.EntityUser, "with-policy", pol.ARN); err != nil {
			return err
		}
		if err := tx.AttachPolicy(ctx, acctA, model.EntityGroup, "with-policy", pol.ARN); err != nil {
			return err
		}
		if err := tx.PutInlinePolicy(ctx, acctA, model.EntityUser, "with-inline", model.InlinePolicy{PolicyName: "x", Document: docAllowAll}); err != nil {
			return err
		}
		return tx.CreateAccessKey(ctx, acctA, model.AccessKey{AccessKeyID: "AKIADELETECONFLICT01", UserName: "with-key", SecretAccessKey: "s", CreateDate: base})
	})
	tests := []struct {
		name  string
		fn    func(ctx context.Context, tx store.Tx) error
		clear func(ctx context.Context, tx store.Tx) error
	}{
		{"group with member",
			func(ctx context.Context, tx store.Tx) error { return tx.DeleteGroup(ctx, acctA, "with-member") }, nil},
		{"user in group",
			func(ctx context.Context, tx store.Tx) error { return tx.DeleteUser(ctx, acctA, "in-group") },
			func(ctx context.Context, tx store.Tx) error {
				return tx.RemoveUserFromGroup(ctx, acctA, "with-member", "in-group")
			}},
		{"user with policy",
			func(ctx context.Context, tx store.Tx) error { return tx.DeleteUser(ctx, acctA, "with-policy") },
			func(ctx context.Context, tx store.Tx) error {
				return tx.DetachPolicy(ctx, acctA, model.EntityUser, "with-policy", pol.ARN)
			}},
		{"group with policy",
			func(ctx context.Context, tx store.Tx) error { return tx.DeleteGroup(ctx, acctA, "with-policy") },
			func(ctx context.Context, tx store.Tx) error {
				return tx.DetachPolicy(ctx, acctA, model.EntityGroup, "with-policy", pol.ARN)
			}},
		{"user with inline policy",
			func(ctx context.Context, tx store.Tx) error { return tx.DeleteUser(ctx, acctA, "with-inline") },
			func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteInlinePolicy(ctx, acctA, model.EntityUser, "with-inline", "x")
			}},
		{"user with access key",
			func(ctx context.Context, tx store.Tx) error { return tx.DeleteUser(ctx, acctA, "with-key") },
			func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteAccessKey(ctx, acctA, "AKIADELETECONFLICT01")
			}},
	}
	for _, tt := range tests {
		wantErr(t, tt.name, s.Update(t.Context(), tt.fn), store.ErrInUse)
		if tt.clear != nil {
			update(t, s, tt.clear)
			wantErr(t, tt.name+" after clearing", s.Update(t.Context(), tt.fn), nil)
		}
	}
	// The group "with-member" is now empty and can go.
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteGroup(ctx, acctA, "with-member") })
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeletePolicy(ctx, acctA, pol.ARN) })
}

func testAccessKeys(t *testing.T, s store.Store) {
	k1 := model.AccessKey{AccessKeyID: "AKIAEXAMPLE000000001", UserName: "Alice", SecretAccessKey: "secret-1", Status: model.AccessKeyActive, CreateDate: base}
	k2 := model.AccessKey{AccessKeyID: "AKIAEXAMPLE000000002", UserName: "alice", SecretAccessKey: "secret-2", CreateDate: base.Add(time.Second)}
	root := model.AccessKey{AccessKeyID: "AKIAEXAMPLEROOT00001", SecretAccessKey: "root-secret", Status: model.AccessKeyActive, CreateDate: base}
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateUser(ctx, acctA, newUser(acctA, "Alice", 1)); err != nil {
			return err
		}
		for _, k := range []model.AccessKey{k1, k2, root} {
			if err := tx.CreateAccessKey(ctx, acctA, k); err != nil {
				return err
			}
		}
		return nil
	})
	wantK1 := k1
	wantK1.AccountID = acctA
	wantK2 := k2
	wantK2.AccountID, wantK2.UserName, wantK2.Status = acctA, "Alice", model.AccessKeyActive
	wantRoot := root
	wantRoot.AccountID = acctA
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetAccessKey(ctx, k1.AccessKeyID)
		wantErr(t, "GetAccessKey", err, nil)
		diff(t, "GetAccessKey", got, wantK1)
		if string(got.SecretAccessKey) != "secret-1" {
			t.Errorf("secret not stored as given")
		}
		keys, err := tx.ListAccessKeys(ctx, acctA, "alice")
		wantErr(t, "ListAccessKeys", err, nil)
		diff(t, "ListAccessKeys", keys, []model.AccessKey{wantK1, wantK2})
		keys, err = tx.ListAccessKeys(ctx, acctA, "")
		wantErr(t, "ListAccessKeys root", err, nil)
		diff(t, "root keys", keys, []model.AccessKey{wantRoot})
		_, err = tx.ListAccessKeys(ctx, acctA, "nobody")
		wantErr(t, "ListAccessKeys missing user", err, store.ErrNotFound)
		_, err = tx.GetAccessKey(ctx, "AKIANOPE000000000000")
		wantErr(t, "GetAccessKey missing", err, store.ErrNotFound)
		return nil
	})
	used := model.AccessKeyLastUsed{LastUsedDate: base.Add(time.Hour), ServiceName: "sagemaker", Region: "us-east-1"}
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.UpdateAccessKeyStatus(ctx, acctA, k1.AccessKeyID, model.AccessKeyInactive); err != nil {
			return err
		}
		return tx.RecordAccessKeyUse(ctx, acctA, k1.AccessKeyID, used)
	})
	view(t, s, func(ctx context.Context, tx store.ReadTx) error {
		got, err := tx.GetAccessKey(ctx, k1.AccessKeyID)
		want := wantK1
		want.Status, want.LastUsed = model.AccessKeyInactive, used
		diff(t, "key after update", got, want)
		return err
	})
	tests := []struct {
		name string
		fn   func(ctx context.Context, tx store.Tx) error
		want error
	}{
		{"duplicate ID", func(ctx context.Context, tx store.Tx) error { return tx.CreateAccessKey(ctx, acctA, k1) }, store.ErrConflict},
		{"duplicate ID in other account", func(ctx context.Context, tx store.Tx) error { return tx.CreateAccessKey(ctx, acctB, root) }, store.ErrConflict},
		{"missing user", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateAccessKey(ctx, acctA, model.AccessKey{AccessKeyID: "AKIAEXAMPLE000000009", UserName: "nobody", SecretAccessKey: "x"})
		}, store.ErrNotFound},
		{"invalid status", func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateAccessKeyStatus(ctx, acctA, k1.AccessKeyID, "Paused")
		}, nil},
		{"update missing", func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateAccessKeyStatus(ctx, acctA, "AKIANOPE000000000000", model.AccessKeyActive)
		}, store.ErrNotFound},
		{"delete", func(ctx context.Context, tx store.Tx) error { return tx.DeleteAccessKey(ctx, acctA, k2.AccessKeyID) }, nil},
		{"delete again", func(ctx context.Context, tx store.Tx) error { return tx.DeleteAccessKey(ctx, acctA, k2.AccessKeyID) }, store.ErrNotFound},
	}
	for _, tt := range tests {
		err := s.Update(t.Context(), tt.fn)
		if tt.name == "invalid status" {
			if err == nil {
				t.Errorf("%s: no error", tt.name)
			}
			continue
		}
		wantErr(t, tt.name, err, tt.want)
	}
}
