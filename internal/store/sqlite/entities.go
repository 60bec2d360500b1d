package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"abacus/internal/model"
	"abacus/internal/store"
)

// This file stores users, groups and roles in one table, iam_entities,
// keyed by (account, kind, case-folded name). Membership, attachments,
// inline policies and access keys refer to an entity by its unique ID, so a
// rename touches one row.

var kindChange = map[model.EntityKind]store.ChangeKind{
	model.EntityUser:  store.ChangeUser,
	model.EntityGroup: store.ChangeGroup,
	model.EntityRole:  store.ChangeRole,
}

// entity is the stored form shared by the three kinds.
type entity struct {
	id, name string
	doc      []byte
	// quiet, when set by the caller, is the stored document with only
	// bookkeeping fields changed to their new values; a replacement equal
	// to it is not announced.
	quiet []byte
}

func (t *tx) getEntity(ctx context.Context, acct model.AccountID, kind model.EntityKind, name string) (entity, error) {
	if err := t.check(); err != nil {
		return entity{}, err
	}
	if !kind.Valid() {
		return entity{}, fmt.Errorf("entity kind %q: %w", kind, store.ErrNotFound)
	}
	var e entity
	err := t.queryRow(ctx, qGetEntity,
		string(acct), string(kind), nameKey(name)).Scan(&e.id, &e.name, &e.doc)
	if errors.Is(err, sql.ErrNoRows) {
		return entity{}, notFound("%s %q", kind, name)
	}
	if err != nil {
		return entity{}, fmt.Errorf("get %s %q: %w", kind, name, err)
	}
	return e, nil
}

func getTyped[T any](ctx context.Context, t *tx, acct model.AccountID, kind model.EntityKind, name string) (T, error) {
	var v T
	e, err := t.getEntity(ctx, acct, kind, name)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(e.doc, &v); err != nil {
		return v, fmt.Errorf("decode %s %q: %w", kind, name, err)
	}
	return v, nil
}

// insertEntity stores a new entity; ErrConflict if the name (without regard
// to case) or the ID is taken.
func (t *tx) insertEntity(ctx context.Context, acct model.AccountID, kind model.EntityKind, id, name, path, boundary string, v any) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	if name == "" || id == "" {
		return fmt.Errorf("create %s: name and ID are required", kind)
	}
	var n int
	if err := t.queryRow(ctx, "SELECT count(*) FROM iam_entities WHERE account = ? AND ((kind = ? AND name_key = ?) OR id = ?)",
		string(acct), string(kind), nameKey(name), id).Scan(&n); err != nil {
		return fmt.Errorf("create %s %q: %w", kind, name, err)
	}
	if n > 0 {
		return fmt.Errorf("create %s %q: %w", kind, name, store.ErrConflict)
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("create %s %q: %w", kind, name, err)
	}
	if _, err := t.exec(ctx, "INSERT INTO iam_entities (account, kind, id, name, name_key, path, boundary, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		string(acct), string(kind), id, name, nameKey(name), path, boundary, doc); err != nil {
		if isConstraint(err) {
			return fmt.Errorf("create %s %q: %w", kind, name, store.ErrConflict)
		}
		return fmt.Errorf("create %s %q: %w", kind, name, err)
	}
	t.announce(acct, kindChange[kind], name)
	return nil
}

// replaceEntity rewrites the entity stored as old (possibly renaming it to
// newName).
func (t *tx) replaceEntity(ctx context.Context, acct model.AccountID, kind model.EntityKind, old entity, newName, path, boundary string, v any) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	if newName == "" {
		return fmt.Errorf("update %s %q: name is required", kind, old.name)
	}
	if nameKey(newName) != nameKey(old.name) {
		var n int
		if err := t.queryRow(ctx, "SELECT count(*) FROM iam_entities WHERE account = ? AND kind = ? AND name_key = ?",
			string(acct), string(kind), nameKey(newName)).Scan(&n); err != nil {
			return fmt.Errorf("update %s %q: %w", kind, old.name, err)
		}
		if n > 0 {
			return fmt.Errorf("rename %s %q to %q: %w", kind, old.name, newName, store.ErrConflict)
		}
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("update %s %q: %w", kind, old.name, err)
	}
	if _, err := t.exec(ctx, "UPDATE iam_entities SET name = ?, name_key = ?, path = ?, boundary = ?, doc = ? WHERE account = ? AND id = ?",
		newName, nameKey(newName), path, boundary, doc, string(acct), old.id); err != nil {
		return fmt.Errorf("update %s %q: %w", kind, old.name, err)
	}
	if bytes.Equal(doc, old.quiet) {
		// Only bookkeeping changed (a role's last use): nothing that a
		// cache holds, so nothing to announce.
		return nil
	}
	t.announce(acct, kindChange[kind], old.name)
	if newName != old.name {
		t.announce(acct, kindChange[kind], newName)
	}
	return nil
}

// deleteEntity deletes an entity after checking that nothing refers to it.
func (t *tx) deleteEntity(ctx context.Context, acct model.AccountID, kind model.EntityKind, name string) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	e, err := t.getEntity(ctx, acct, kind, name)
	if err != nil {
		return err
	}
	deps := []struct{ what, q string }{
		{"attached policies", "SELECT count(*) FROM attachments WHERE account = ? AND entity_id = ?"},
		{"inline policies", "SELECT count(*) FROM inline_policies WHERE account = ? AND entity_id = ?"},
	}
	switch kind {
	case model.EntityUser:
		deps = append(deps,
			struct{ what, q string }{"group memberships", "SELECT count(*) FROM group_members WHERE account = ? AND user_id = ?"},
			struct{ what, q string }{"access keys", "SELECT count(*) FROM access_keys WHERE account = ? AND user_id = ?"})
	case model.EntityGroup:
		deps = append(deps, struct{ what, q string }{"members", "SELECT count(*) FROM group_members WHERE account = ? AND group_id = ?"})
	}
	for _, d := range deps {
		var n int
		if err := t.queryRow(ctx, d.q, string(acct), e.id).Scan(&n); err != nil {
			return fmt.Errorf("delete %s %q: %w", kind, name, err)
		}
		if n > 0 {
			return fmt.Errorf("delete %s %q: it still has %s: %w", kind, e.name, d.what, store.ErrInUse)
		}
	}
	if _, err := t.exec(ctx, "DELETE FROM iam_entities WHERE account = ? AND id = ?", string(acct), e.id); err != nil {
		return fmt.Errorf("delete %s %q: %w", kind, name, err)
	}
	t.announce(acct, kindChange[kind], e.name)
	return nil
}

// listQuery runs a keyset-paginated query over iam_entities rows aliased e,
// ordered by e.name_key. base selects e.doc and e.name_key and ends in a
// WHERE clause; args are its arguments.
func listQuery[T any](ctx context.Context, t *tx, base string, args []any, opts store.ListOptions) (store.Page[T], error) {
	if err := t.check(); err != nil {
		return store.Page[T]{}, err
	}
	if opts.Marker != "" {
		m, err := decodeMarker(opts.Marker, 1)
		if err != nil {
			return store.Page[T]{}, err
		}
		base += " AND e.name_key > ?"
		args = append(args, m[0])
	}
	cond, pargs := pathFilter("e.path", opts.PathPrefix)
	base += cond + " ORDER BY e.name_key"
	return keyset(ctx, t, base, append(args, pargs...), opts.Limit(), func(rows *sql.Rows) (T, []string, error) {
		var v T
		var doc []byte
		var key string
		if err := rows.Scan(&doc, &key); err != nil {
			return v, nil, err
		}
		err := json.Unmarshal(doc, &v)
		return v, []string{key}, err
	})
}

// keyset runs q (which must end in its ORDER BY) with LIMIT limit+1 and
// builds a page whose marker is the sort key of the last item returned.
func keyset[T any](ctx context.Context, t *tx, q string, args []any, limit int, scan func(*sql.Rows) (T, []string, error)) (store.Page[T], error) {
	var page store.Page[T]
	rows, err := t.query(ctx, q+" LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return page, fmt.Errorf("list: %w", err)
	}
	var last []string
	for rows.Next() {
		if len(page.Items) == limit {
			page.IsTruncated = true
			page.Marker = encodeMarker(last...)
			break
		}
		v, key, err := scan(rows)
		if err != nil {
			return page, rowsErr(rows, fmt.Errorf("list: %w", err))
		}
		page.Items = append(page.Items, v)
		last = key
	}
	return page, rowsErr(rows, nil)
}

func listKind[T any](ctx context.Context, t *tx, acct model.AccountID, kind model.EntityKind, opts store.ListOptions) (store.Page[T], error) {
	return listQuery[T](ctx, t, "SELECT e.doc, e.name_key FROM iam_entities e WHERE e.account = ? AND e.kind = ?",
		[]any{string(acct), string(kind)}, opts)
}

// Users.

func (t *tx) GetUser(ctx context.Context, acct model.AccountID, name string) (model.User, error) {
	return getTyped[model.User](ctx, t, acct, model.EntityUser, name)
}

func (t *tx) ListUsers(ctx context.Context, acct model.AccountID, opts store.ListOptions) (store.Page[model.User], error) {
	return listKind[model.User](ctx, t, acct, model.EntityUser, opts)
}

func (t *tx) CreateUser(ctx context.Context, acct model.AccountID, u model.User) error {
	return t.insertEntity(ctx, acct, model.EntityUser, u.UserID, u.UserName, u.Path, u.PermissionsBoundary, u)
}

func (t *tx) UpdateUser(ctx context.Context, acct model.AccountID, name string, u model.User) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	old, err := t.getEntity(ctx, acct, model.EntityUser, name)
	if err != nil {
		return err
	}
	var prev model.User
	if err := json.Unmarshal(old.doc, &prev); err != nil {
		return err
	}
	u.UserID, u.CreateDate = prev.UserID, prev.CreateDate
	return t.replaceEntity(ctx, acct, model.EntityUser, old, u.UserName, u.Path, u.PermissionsBoundary, u)
}

func (t *tx) DeleteUser(ctx context.Context, acct model.AccountID, name string) error {
	return t.deleteEntity(ctx, acct, model.EntityUser, name)
}

func (t *tx) ListGroupsForUser(ctx context.Context, acct model.AccountID, user string, opts store.ListOptions) (store.Page[model.Group], error) {
	u, err := t.getEntity(ctx, acct, model.EntityUser, user)
	if err != nil {
		return store.Page[model.Group]{}, err
	}
	opts.PathPrefix = ""
	return listQuery[model.Group](ctx, t, `SELECT e.doc, e.name_key FROM group_members m
		JOIN iam_entities e ON e.account = m.account AND e.id = m.group_id
		WHERE m.account = ? AND m.user_id = ?`, []any{string(acct), u.id}, opts)
}

func (t *tx) CountGroupsForUser(ctx context.Context, acct model.AccountID, user string) (int, error) {
	u, err := t.getEntity(ctx, acct, model.EntityUser, user)
	if err != nil {
		return 0, err
	}
	var n int
	err = t.queryRow(ctx, "SELECT count(*) FROM group_members WHERE account = ? AND user_id = ?", string(acct), u.id).Scan(&n)
	return n, err
}

func (t *tx) membership(ctx context.Context, acct model.AccountID, group, user string) (g, u entity, err error) {
	if err := t.checkWrite(); err != nil {
		return g, u, err
	}
	if g, err = t.getEntity(ctx, acct, model.EntityGroup, group); err != nil {
		return g, u, err
	}
	u, err = t.getEntity(ctx, acct, model.EntityUser, user)
	return g, u, err
}

func (t *tx) AddUserToGroup(ctx context.Context, acct model.AccountID, group, user string) error {
	g, u, err := t.membership(ctx, acct, group, user)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, "INSERT OR IGNORE INTO group_members (account, group_id, user_id) VALUES (?, ?, ?)",
		string(acct), g.id, u.id); err != nil {
		return fmt.Errorf("add user %q to group %q: %w", user, group, err)
	}
	t.announce(acct, store.ChangeUser, u.name)
	t.announce(acct, store.ChangeGroup, g.name)
	return nil
}

func (t *tx) RemoveUserFromGroup(ctx context.Context, acct model.AccountID, group, user string) error {
	g, u, err := t.membership(ctx, acct, group, user)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, "DELETE FROM group_members WHERE account = ? AND group_id = ? AND user_id = ?", string(acct), g.id, u.id)
	if err != nil {
		return fmt.Errorf("remove user %q from group %q: %w", user, group, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("user %q in group %q", user, group)
	}
	t.announce(acct, store.ChangeUser, u.name)
	t.announce(acct, store.ChangeGroup, g.name)
	return nil
}

// Groups.

func (t *tx) GetGroup(ctx context.Context, acct model.AccountID, name string) (model.Group, error) {
	return getTyped[model.Group](ctx, t, acct, model.EntityGroup, name)
}

func (t *tx) ListGroups(ctx context.Context, acct model.AccountID, opts store.ListOptions) (store.Page[model.Group], error) {
	return listKind[model.Group](ctx, t, acct, model.EntityGroup, opts)
}

func (t *tx) ListGroupMembers(ctx context.Context, acct model.AccountID, group string, opts store.ListOptions) (store.Page[model.User], error) {
	g, err := t.getEntity(ctx, acct, model.EntityGroup, group)
	if err != nil {
		return store.Page[model.User]{}, err
	}
	opts.PathPrefix = ""
	return listQuery[model.User](ctx, t, `SELECT e.doc, e.name_key FROM group_members m
		JOIN iam_entities e ON e.account = m.account AND e.id = m.user_id
		WHERE m.account = ? AND m.group_id = ?`, []any{string(acct), g.id}, opts)
}

func (t *tx) CreateGroup(ctx context.Context, acct model.AccountID, g model.Group) error {
	return t.insertEntity(ctx, acct, model.EntityGroup, g.GroupID, g.GroupName, g.Path, "", g)
}

func (t *tx) UpdateGroup(ctx context.Context, acct model.AccountID, name string, g model.Group) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	old, err := t.getEntity(ctx, acct, model.EntityGroup, name)
	if err != nil {
		return err
	}
	var prev model.Group
	if err := json.Unmarshal(old.doc, &prev); err != nil {
		return err
	}
	g.GroupID, g.CreateDate = prev.GroupID, prev.CreateDate
	if err := t.replaceEntity(ctx, acct, model.EntityGroup, old, g.GroupName, g.Path, "", g); err != nil {
		return err
	}
	// Members' effective policies name the group; announce them too.
	return t.announceMembers(ctx, acct, old.id)
}

func (t *tx) announceMembers(ctx context.Context, acct model.AccountID, groupID string) error {
	rows, err := t.query(ctx, `SELECT e.name FROM group_members m
		JOIN iam_entities e ON e.account = m.account AND e.id = m.user_id
		WHERE m.account = ? AND m.group_id = ?`, string(acct), groupID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return rowsErr(rows, err)
		}
		t.announce(acct, store.ChangeUser, n)
	}
	return rowsErr(rows, nil)
}

func (t *tx) DeleteGroup(ctx context.Context, acct model.AccountID, name string) error {
	return t.deleteEntity(ctx, acct, model.EntityGroup, name)
}

// Roles.

func (t *tx) GetRole(ctx context.Context, acct model.AccountID, name string) (model.Role, error) {
	return getTyped[model.Role](ctx, t, acct, model.EntityRole, name)
}

func (t *tx) ListRoles(ctx context.Context, acct model.AccountID, opts store.ListOptions) (store.Page[model.Role], error) {
	return listKind[model.Role](ctx, t, acct, model.EntityRole, opts)
}

func (t *tx) CreateRole(ctx context.Context, acct model.AccountID, r model.Role) error {
	return t.insertEntity(ctx, acct, model.EntityRole, r.RoleID, r.RoleName, r.Path, r.PermissionsBoundary, r)
}

func (t *tx) UpdateRole(ctx context.Context, acct model.AccountID, r model.Role) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	old, err := t.getEntity(ctx, acct, model.EntityRole, r.RoleName)
	if err != nil {
		return err
	}
	var prev model.Role
	if err := json.Unmarshal(old.doc, &prev); err != nil {
		return err
	}
	r.RoleID, r.CreateDate, r.RoleName = prev.RoleID, prev.CreateDate, prev.RoleName
	prev.RoleLastUsed = r.RoleLastUsed
	if old.quiet, err = json.Marshal(prev); err != nil {
		return err
	}
	return t.replaceEntity(ctx, acct, model.EntityRole, old, r.RoleName, r.Path, r.PermissionsBoundary, r)
}

func (t *tx) DeleteRole(ctx context.Context, acct model.AccountID, name string) error {
	return t.deleteEntity(ctx, acct, model.EntityRole, name)
}
