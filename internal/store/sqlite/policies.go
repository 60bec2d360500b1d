package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
)

func versionID(n int64) string { return "v" + strconv.FormatInt(n, 10) }

func parseVersionID(id string) (int64, bool) {
	rest, ok := strings.CutPrefix(id, "v")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil && n > 0 && versionID(n) == id
}

// policyCols selects a policy row p with its counts for the account given as
// the first two arguments.
const policyCols = `p.account, p.doc, p.default_version, p.name_key,
	(SELECT count(*) FROM attachments a WHERE a.account = ? AND a.policy_arn = p.arn),
	(SELECT count(*) FROM iam_entities e WHERE e.account = ? AND e.boundary = p.arn)`

type scanner interface{ Scan(dest ...any) error }

func scanPolicy(r scanner) (model.ManagedPolicy, model.AccountID, string, error) {
	var p model.ManagedPolicy
	var owner, key string
	var doc []byte
	var def int64
	if err := r.Scan(&owner, &doc, &def, &key, &p.AttachmentCount, &p.PermissionsBoundaryUsageCount); err != nil {
		return p, "", "", err
	}
	counts := [2]int{p.AttachmentCount, p.PermissionsBoundaryUsageCount}
	if err := json.Unmarshal(doc, &p); err != nil {
		return p, "", "", err
	}
	p.AttachmentCount, p.PermissionsBoundaryUsageCount = counts[0], counts[1]
	p.DefaultVersionID = versionID(def)
	return p, model.AccountID(owner), key, nil
}

// policy finds a policy visible to acct: its own or an AWS managed one.
func (t *tx) policy(ctx context.Context, acct model.AccountID, arn string) (model.ManagedPolicy, model.AccountID, error) {
	if err := t.check(); err != nil {
		return model.ManagedPolicy{}, "", err
	}
	row := t.queryRow(ctx, qGetPolicy,
		string(acct), string(acct), string(acct), string(model.AWSAccount), arn, string(model.AWSAccount))
	p, owner, _, err := scanPolicy(row)
	if errors.Is(err, sql.ErrNoRows) {
		return p, "", notFound("policy %s", arn)
	}
	if err != nil {
		return p, "", fmt.Errorf("get policy %s: %w", arn, err)
	}
	return p, owner, nil
}

// ownPolicy finds a policy that acct owns and may change.
func (t *tx) ownPolicy(ctx context.Context, acct model.AccountID, arn string) (model.ManagedPolicy, error) {
	if err := t.checkWrite(); err != nil {
		return model.ManagedPolicy{}, err
	}
	p, owner, err := t.policy(ctx, acct, arn)
	if err != nil {
		return p, err
	}
	if owner != acct {
		return p, notFound("policy %s in account %s", arn, acct)
	}
	return p, nil
}

func (t *tx) writePolicyDoc(ctx context.Context, acct model.AccountID, p model.ManagedPolicy) error {
	p.AttachmentCount, p.PermissionsBoundaryUsageCount, p.DefaultVersionID = 0, 0, ""
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "UPDATE managed_policies SET doc = ? WHERE account = ? AND arn = ?", doc, string(acct), p.ARN)
	return err
}

func (t *tx) GetPolicy(ctx context.Context, acct model.AccountID, arn string) (model.ManagedPolicy, error) {
	p, _, err := t.policy(ctx, acct, arn)
	return p, err
}

func (t *tx) ListPolicies(ctx context.Context, acct model.AccountID, opts store.PolicyListOptions) (store.Page[model.ManagedPolicy], error) {
	if err := t.check(); err != nil {
		return store.Page[model.ManagedPolicy]{}, err
	}
	q := "SELECT " + policyCols + " FROM managed_policies p WHERE "
	args := []any{string(acct), string(acct)}
	switch opts.Scope {
	case store.ScopeAWS:
		q += "p.account = ?"
		args = append(args, string(model.AWSAccount))
	case store.ScopeLocal:
		q += "p.account = ?"
		args = append(args, string(acct))
	default:
		q += "p.account IN (?, ?)"
		args = append(args, string(acct), string(model.AWSAccount))
	}
	if opts.OnlyAttached {
		q += " AND EXISTS (SELECT 1 FROM attachments a WHERE a.account = ? AND a.policy_arn = p.arn)"
		args = append(args, string(acct))
	}
	if opts.Marker != "" {
		m, err := decodeMarker(opts.Marker, 2)
		if err != nil {
			return store.Page[model.ManagedPolicy]{}, err
		}
		q += " AND (p.name_key, p.account) > (?, ?)"
		args = append(args, m[0], m[1])
	}
	cond, pargs := pathFilter("p.path", opts.PathPrefix)
	q += cond + " ORDER BY p.name_key, p.account"
	return keyset(ctx, t, q, append(args, pargs...), opts.Limit(), func(rows *sql.Rows) (model.ManagedPolicy, []string, error) {
		p, owner, key, err := scanPolicy(rows)
		return p, []string{key, string(owner)}, err
	})
}

func (t *tx) GetPolicyVersion(ctx context.Context, acct model.AccountID, arn, id string) (model.PolicyVersion, error) {
	p, owner, err := t.policy(ctx, acct, arn)
	if err != nil {
		return model.PolicyVersion{}, err
	}
	n, ok := parseVersionID(id)
	if !ok {
		return model.PolicyVersion{}, notFound("policy %s version %q", arn, id)
	}
	v := model.PolicyVersion{VersionID: id, IsDefault: id == p.DefaultVersionID}
	var created int64
	err = t.queryRow(ctx, qGetPolicyVersion,
		string(owner), arn, n).Scan(&v.Document, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return v, notFound("policy %s version %q", arn, id)
	}
	v.CreateDate = fromNanos(created)
	return v, err
}

func (t *tx) ListPolicyVersions(ctx context.Context, acct model.AccountID, arn string) ([]model.PolicyVersion, error) {
	p, owner, err := t.policy(ctx, acct, arn)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, "SELECT version, document, created FROM policy_versions WHERE account = ? AND arn = ? ORDER BY version DESC",
		string(owner), arn)
	if err != nil {
		return nil, err
	}
	var out []model.PolicyVersion
	for rows.Next() {
		var n, created int64
		var v model.PolicyVersion
		if err := rows.Scan(&n, &v.Document, &created); err != nil {
			return nil, rowsErr(rows, err)
		}
		v.VersionID, v.CreateDate = versionID(n), fromNanos(created)
		v.IsDefault = v.VersionID == p.DefaultVersionID
		out = append(out, v)
	}
	return out, rowsErr(rows, nil)
}

func (t *tx) CreatePolicy(ctx context.Context, acct model.AccountID, p model.ManagedPolicy, document string) (model.ManagedPolicy, error) {
	if err := t.checkWrite(); err != nil {
		return p, err
	}
	if p.ARN == "" || p.PolicyName == "" || p.PolicyID == "" {
		return p, errors.New("create policy: ARN, name and ID are required")
	}
	var n int
	if err := t.queryRow(ctx, "SELECT count(*) FROM managed_policies WHERE account = ? AND (name_key = ? OR arn = ? OR id = ?)",
		string(acct), nameKey(p.PolicyName), p.ARN, p.PolicyID).Scan(&n); err != nil {
		return p, fmt.Errorf("create policy %q: %w", p.PolicyName, err)
	}
	if n > 0 {
		return p, fmt.Errorf("create policy %q: %w", p.PolicyName, store.ErrConflict)
	}
	if p.UpdateDate.IsZero() {
		p.UpdateDate = p.CreateDate
	}
	first := int64(1)
	if n, ok := parseVersionID(p.DefaultVersionID); ok {
		first = n
	}
	p.AttachmentCount, p.PermissionsBoundaryUsageCount, p.DefaultVersionID = 0, 0, ""
	doc, err := json.Marshal(p)
	if err != nil {
		return p, err
	}
	if _, err := t.exec(ctx, `INSERT INTO managed_policies (account, arn, id, name, name_key, path, default_version, next_version, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, string(acct), p.ARN, p.PolicyID, p.PolicyName, nameKey(p.PolicyName), p.Path, first, first+1, doc); err != nil {
		if isConstraint(err) {
			return p, fmt.Errorf("create policy %q: %w", p.PolicyName, store.ErrConflict)
		}
		return p, fmt.Errorf("create policy %q: %w", p.PolicyName, err)
	}
	if _, err := t.exec(ctx, "INSERT INTO policy_versions (account, arn, version, document, created) VALUES (?, ?, ?, ?, ?)",
		string(acct), p.ARN, first, document, nanos(p.UpdateDate)); err != nil {
		return p, fmt.Errorf("create policy %q: %w", p.PolicyName, err)
	}
	p.DefaultVersionID = versionID(first)
	t.announce(acct, store.ChangePolicy, p.ARN)
	return p, nil
}

func (t *tx) UpdatePolicy(ctx context.Context, acct model.AccountID, p model.ManagedPolicy) error {
	cur, err := t.ownPolicy(ctx, acct, p.ARN)
	if err != nil {
		return err
	}
	cur.Description, cur.Tags = p.Description, p.Tags
	if !p.UpdateDate.IsZero() {
		cur.UpdateDate = p.UpdateDate
	}
	if err := t.writePolicyDoc(ctx, acct, cur); err != nil {
		return fmt.Errorf("update policy %s: %w", p.ARN, err)
	}
	t.announce(acct, store.ChangePolicy, p.ARN)
	return nil
}

func (t *tx) DeletePolicy(ctx context.Context, acct model.AccountID, arn string) error {
	if _, err := t.ownPolicy(ctx, acct, arn); err != nil {
		return err
	}
	var attached, boundary int
	if err := t.queryRow(ctx, `SELECT (SELECT count(*) FROM attachments WHERE policy_arn = ?),
		(SELECT count(*) FROM iam_entities WHERE boundary = ?)`, arn, arn).Scan(&attached, &boundary); err != nil {
		return fmt.Errorf("delete policy %s: %w", arn, err)
	}
	if attached > 0 || boundary > 0 {
		return fmt.Errorf("delete policy %s: attached to %d entities, boundary of %d: %w", arn, attached, boundary, store.ErrInUse)
	}
	for _, q := range []string{
		"DELETE FROM policy_versions WHERE account = ? AND arn = ?",
		"DELETE FROM managed_policies WHERE account = ? AND arn = ?",
	} {
		if _, err := t.exec(ctx, q, string(acct), arn); err != nil {
			return fmt.Errorf("delete policy %s: %w", arn, err)
		}
	}
	t.announce(acct, store.ChangePolicy, arn)
	return nil
}

func (t *tx) CreatePolicyVersion(ctx context.Context, acct model.AccountID, arn, document string, setDefault bool, created time.Time) (model.PolicyVersion, error) {
	p, err := t.ownPolicy(ctx, acct, arn)
	if err != nil {
		return model.PolicyVersion{}, err
	}
	var next int64
	if err := t.queryRow(ctx, "SELECT next_version FROM managed_policies WHERE account = ? AND arn = ?", string(acct), arn).Scan(&next); err != nil {
		return model.PolicyVersion{}, fmt.Errorf("create policy version: %w", err)
	}
	if _, err := t.exec(ctx, "INSERT INTO policy_versions (account, arn, version, document, created) VALUES (?, ?, ?, ?, ?)",
		string(acct), arn, next, document, nanos(created)); err != nil {
		return model.PolicyVersion{}, fmt.Errorf("create policy version: %w", err)
	}
	q := "UPDATE managed_policies SET next_version = next_version + 1 WHERE account = ? AND arn = ?"
	if setDefault {
		q = "UPDATE managed_policies SET next_version = next_version + 1, default_version = next_version WHERE account = ? AND arn = ?"
	}
	if _, err := t.exec(ctx, q, string(acct), arn); err != nil {
		return model.PolicyVersion{}, fmt.Errorf("create policy version: %w", err)
	}
	p.UpdateDate = created
	if err := t.writePolicyDoc(ctx, acct, p); err != nil {
		return model.PolicyVersion{}, fmt.Errorf("create policy version: %w", err)
	}
	t.announce(acct, store.ChangePolicy, arn)
	return model.PolicyVersion{VersionID: versionID(next), Document: document, IsDefault: setDefault, CreateDate: fromNanos(nanos(created))}, nil
}

func (t *tx) SetDefaultPolicyVersion(ctx context.Context, acct model.AccountID, arn, id string, updated time.Time) error {
	p, err := t.ownPolicy(ctx, acct, arn)
	if err != nil {
		return err
	}
	n, ok := parseVersionID(id)
	var exists int
	if ok {
		if err := t.queryRow(ctx, "SELECT count(*) FROM policy_versions WHERE account = ? AND arn = ? AND version = ?", string(acct), arn, n).Scan(&exists); err != nil {
			return err
		}
	}
	if exists == 0 {
		return notFound("policy %s version %q", arn, id)
	}
	if _, err := t.exec(ctx, "UPDATE managed_policies SET default_version = ? WHERE account = ? AND arn = ?", n, string(acct), arn); err != nil {
		return err
	}
	p.UpdateDate = updated
	if err := t.writePolicyDoc(ctx, acct, p); err != nil {
		return err
	}
	t.announce(acct, store.ChangePolicy, arn)
	return nil
}

func (t *tx) DeletePolicyVersion(ctx context.Context, acct model.AccountID, arn, id string) error {
	p, err := t.ownPolicy(ctx, acct, arn)
	if err != nil {
		return err
	}
	if id == p.DefaultVersionID {
		return fmt.Errorf("delete policy %s version %s: it is the default version: %w", arn, id, store.ErrInUse)
	}
	n, ok := parseVersionID(id)
	if !ok {
		return notFound("policy %s version %q", arn, id)
	}
	res, err := t.exec(ctx, "DELETE FROM policy_versions WHERE account = ? AND arn = ? AND version = ?", string(acct), arn, n)
	if err != nil {
		return err
	}
	if c, _ := res.RowsAffected(); c == 0 {
		return notFound("policy %s version %q", arn, id)
	}
	t.announce(acct, store.ChangePolicy, arn)
	return nil
}

func (t *tx) AttachPolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, name, arn string) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	e, err := t.getEntity(ctx, acct, kind, name)
	if err != nil {
		return err
	}
	if _, _, err := t.policy(ctx, acct, arn); err != nil {
		return err
	}
	if _, err := t.exec(ctx, "INSERT OR IGNORE INTO attachments (account, entity_id, policy_arn) VALUES (?, ?, ?)", string(acct), e.id, arn); err != nil {
		return fmt.Errorf("attach policy %s to %s %q: %w", arn, kind, name, err)
	}
	t.announce(acct, kindChange[kind], e.name)
	return nil
}

func (t *tx) DetachPolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, name, arn string) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	e, err := t.getEntity(ctx, acct, kind, name)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, "DELETE FROM attachments WHERE account = ? AND entity_id = ? AND policy_arn = ?", string(acct), e.id, arn)
	if err != nil {
		return fmt.Errorf("detach policy %s from %s %q: %w", arn, kind, name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("policy %s attached to %s %q", arn, kind, name)
	}
	t.announce(acct, kindChange[kind], e.name)
	return nil
}

func (t *tx) ListAttachedPolicies(ctx context.Context, acct model.AccountID, kind model.EntityKind, name string, opts store.ListOptions) (store.Page[model.AttachedPolicy], error) {
	e, err := t.getEntity(ctx, acct, kind, name)
	if err != nil {
		return store.Page[model.AttachedPolicy]{}, err
	}
	q := `SELECT p.name, p.arn, p.name_key, p.account FROM attachments a
		JOIN managed_policies p ON p.arn = a.policy_arn AND p.account IN (a.account, ?)
		WHERE a.account = ? AND a.entity_id = ?`
	args := []any{string(model.AWSAccount), string(acct), e.id}
	if opts.Marker != "" {
		m, err := decodeMarker(opts.Marker, 2)
		if err != nil {
			return store.Page[model.AttachedPolicy]{}, err
		}
		q += " AND (p.name_key, p.account) > (?, ?)"
		args = append(args, m[0], m[1])
	}
	cond, pargs := pathFilter("p.path", opts.PathPrefix)
	q += cond + " ORDER BY p.name_key, p.account"
	return keyset(ctx, t, q, append(args, pargs...), opts.Limit(), func(rows *sql.Rows) (model.AttachedPolicy, []string, error) {
		var a model.AttachedPolicy
		var key, owner string
		err := rows.Scan(&a.PolicyName, &a.PolicyARN, &key, &owner)
		return a, []string{key, owner}, err
	})
}

func (t *tx) CountAttachedPolicies(ctx context.Context, acct model.AccountID, kind model.EntityKind, name string) (int, error) {
	e, err := t.getEntity(ctx, acct, kind, name)
	if err != nil {
		return 0, err
	}
	var n int
	err = t.queryRow(ctx, "SELECT count(*) FROM attachments WHERE account = ? AND entity_id = ?", string(acct), e.id).Scan(&n)
	return n, err
}

func (t *tx) ListEntitiesForPolicy(ctx context.Context, acct model.AccountID, arn string, opts store.ListOptions) (store.Page[model.PolicyEntity], error) {
	if _, _, err := t.policy(ctx, acct, arn); err != nil {
		return store.Page[model.PolicyEntity]{}, err
	}
	q := `SELECT e.kind, e.name, e.id, e.name_key FROM attachments a
		JOIN iam_entities e ON e.account = a.account AND e.id = a.entity_id
		WHERE a.account = ? AND a.policy_arn = ?`
	args := []any{string(acct), arn}
	if opts.Marker != "" {
		m, err := decodeMarker(opts.Marker, 2)
		if err != nil {
			return store.Page[model.PolicyEntity]{}, err
		}
		q += " AND (e.kind, e.name_key) > (?, ?)"
		args = append(args, m[0], m[1])
	}
	cond, pargs := pathFilter("e.path", opts.PathPrefix)
	q += cond + " ORDER BY e.kind, e.name_key"
	return keyset(ctx, t, q, append(args, pargs...), opts.Limit(), func(rows *sql.Rows) (model.PolicyEntity, []string, error) {
		var p model.PolicyEntity
		var kind, key string
		err := rows.Scan(&kind, &p.Name, &p.ID, &key)
		p.Kind = model.EntityKind(kind)
		return p, []string{kind, key}, err
	})
}

func (t *tx) GetInlinePolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity, policyName string) (model.InlinePolicy, error) {
	e, err := t.getEntity(ctx, acct, kind, entity)
	if err != nil {
		return model.InlinePolicy{}, err
	}
	var p model.InlinePolicy
	err = t.queryRow(ctx, "SELECT name, document FROM inline_policies WHERE account = ? AND entity_id = ? AND name_key = ?",
		string(acct), e.id, nameKey(policyName)).Scan(&p.PolicyName, &p.Document)
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("inline policy %q of %s %q", policyName, kind, entity)
	}
	return p, err
}

func (t *tx) ListInlinePolicies(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity string, opts store.ListOptions) (store.Page[model.InlinePolicy], error) {
	e, err := t.getEntity(ctx, acct, kind, entity)
	if err != nil {
		return store.Page[model.InlinePolicy]{}, err
	}
	q := "SELECT name, document, name_key FROM inline_policies WHERE account = ? AND entity_id = ?"
	args := []any{string(acct), e.id}
	if opts.Marker != "" {
		m, err := decodeMarker(opts.Marker, 1)
		if err != nil {
			return store.Page[model.InlinePolicy]{}, err
		}
		q += " AND name_key > ?"
		args = append(args, m[0])
	}
	q += " ORDER BY name_key"
	return keyset(ctx, t, q, args, opts.Limit(), func(rows *sql.Rows) (model.InlinePolicy, []string, error) {
		var p model.InlinePolicy
		var key string
		err := rows.Scan(&p.PolicyName, &p.Document, &key)
		return p, []string{key}, err
	})
}

func (t *tx) InlinePolicySize(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity string) (int, error) {
	e, err := t.getEntity(ctx, acct, kind, entity)
	if err != nil {
		return 0, err
	}
	var n int
	err = t.queryRow(ctx, "SELECT COALESCE(SUM(length(document)), 0) FROM inline_policies WHERE account = ? AND entity_id = ?",
		string(acct), e.id).Scan(&n)
	return n, err
}

func (t *tx) PutInlinePolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity string, p model.InlinePolicy) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	if p.PolicyName == "" {
		return errors.New("put inline policy: name is required")
	}
	e, err := t.getEntity(ctx, acct, kind, entity)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `INSERT INTO inline_policies (account, entity_id, name_key, name, document) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (account, entity_id, name_key) DO UPDATE SET document = excluded.document`,
		string(acct), e.id, nameKey(p.PolicyName), p.PolicyName, p.Document); err != nil {
		return fmt.Errorf("put inline policy %q: %w", p.PolicyName, err)
	}
	t.announce(acct, kindChange[kind], e.name)
	return nil
}

func (t *tx) DeleteInlinePolicy(ctx context.Context, acct model.AccountID, kind model.EntityKind, entity, policyName string) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	e, err := t.getEntity(ctx, acct, kind, entity)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, "DELETE FROM inline_policies WHERE account = ? AND entity_id = ? AND name_key = ?", string(acct), e.id, nameKey(policyName))
	if err != nil {
		return fmt.Errorf("delete inline policy %q: %w", policyName, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("inline policy %q of %s %q", policyName, kind, entity)
	}
	t.announce(acct, kindChange[kind], e.name)
	return nil
}
