package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"abacus/internal/model"
	"abacus/internal/store"
)

const resourceCols = "type, id, arn, name, status, tags, doc, created, updated, version"

func scanResource(r scanner) (model.Resource, error) {
	var res model.Resource
	var tags, doc []byte
	var created, updated int64
	if err := r.Scan(&res.Type, &res.ID, &res.ARN, &res.Name, &res.Status, &tags, &doc, &created, &updated, &res.Version); err != nil {
		return res, err
	}
	if len(tags) > 0 {
		if err := json.Unmarshal(tags, &res.Tags); err != nil {
			return res, err
		}
	}
	if len(doc) > 0 {
		res.Document = json.RawMessage(doc)
	}
	res.CreateDate, res.UpdateDate = fromNanos(created), fromNanos(updated)
	return res, nil
}

func (t *tx) GetResource(ctx context.Context, acct model.AccountID, typ, id string) (model.Resource, error) {
	if err := t.check(); err != nil {
		return model.Resource{}, err
	}
	r, err := scanResource(t.queryRow(ctx, qGetResource, string(acct), typ, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("%s %q", typ, id)
	}
	if err != nil {
		return r, fmt.Errorf("get %s %q: %w", typ, id, err)
	}
	return r, nil
}

func (t *tx) ResourceOwner(ctx context.Context, typ, id string) (model.AccountID, error) {
	if err := t.check(); err != nil {
		return "", err
	}
	rows, err := t.query(ctx, "SELECT account FROM resources WHERE type = ? AND id = ? LIMIT 2", typ, id)
	if err != nil {
		return "", fmt.Errorf("owner of %s %q: %w", typ, id, err)
	}
	var owners []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return "", rowsErr(rows, err)
		}
		owners = append(owners, a)
	}
	if err := rowsErr(rows, nil); err != nil {
		return "", fmt.Errorf("owner of %s %q: %w", typ, id, err)
	}
	switch len(owners) {
	case 0:
		return "", notFound("%s %q", typ, id)
	case 1:
		return model.AccountID(owners[0]), nil
	}
	return "", fmt.Errorf("%s %q is held by several accounts: %w", typ, id, store.ErrConflict)
}

func (t *tx) ListResources(ctx context.Context, acct model.AccountID, typ string, opts store.ResourceListOptions) (store.Page[model.Resource], error) {
	if err := t.check(); err != nil {
		return store.Page[model.Resource]{}, err
	}
	q := "SELECT " + resourceCols + " FROM resources WHERE account = ? AND type = ?"
	args := []any{string(acct), typ}
	if opts.Prefix != "" {
		// A range scan on the primary key: id >= prefix, and the prefix
		// compared byte-wise (substr counts characters, which is the same
		// test for valid UTF-8).
		q += " AND id >= ? AND substr(id, 1, length(?)) = ?"
		args = append(args, opts.Prefix, opts.Prefix, opts.Prefix)
	}
	if opts.Marker != "" {
		m, err := decodeMarker(opts.Marker, 1)
		if err != nil {
			return store.Page[model.Resource]{}, err
		}
		q += " AND id > ?"
		args = append(args, m[0])
	}
	q += " ORDER BY id"
	limit := store.ListOptions{MaxItems: opts.MaxItems}.Limit()
	return keyset(ctx, t, q, args, limit, func(rows *sql.Rows) (model.Resource, []string, error) {
		r, err := scanResource(rows)
		return r, []string{r.ID}, err
	})
}

func marshalResource(r model.Resource) (tags, doc []byte, err error) {
	if tags, err = json.Marshal(r.Tags); err != nil {
		return nil, nil, err
	}
	doc = []byte(r.Document)
	if doc == nil {
		doc = []byte{}
	}
	if len(doc) > 0 && !json.Valid(doc) {
		return nil, nil, fmt.Errorf("%s %q: document is not valid JSON", r.Type, r.ID)
	}
	return tags, doc, nil
}

func (t *tx) CreateResource(ctx context.Context, acct model.AccountID, r model.Resource) (model.Resource, error) {
	if err := t.checkWrite(); err != nil {
		return r, err
	}
	if r.Type == "" || r.ID == "" {
		return r, errors.New("create resource: type and ID are required")
	}
	tags, doc, err := marshalResource(r)
	if err != nil {
		return r, err
	}
	if r.UpdateDate.IsZero() {
		r.UpdateDate = r.CreateDate
	}
	r.Version = 1
	if _, err := t.exec(ctx, "INSERT INTO resources (account, "+resourceCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		string(acct), r.Type, r.ID, r.ARN, r.Name, r.Status, tags, doc, nanos(r.CreateDate), nanos(r.UpdateDate), r.Version); err != nil {
		if isConstraint(err) {
			return r, fmt.Errorf("create %s %q: %w", r.Type, r.ID, store.ErrConflict)
		}
		return r, fmt.Errorf("create %s %q: %w", r.Type, r.ID, err)
	}
	t.changes = append(t.changes, store.Change{Account: acct, Kind: store.ChangeResource, Type: r.Type, Name: r.ID})
	return r, nil
}

func (t *tx) UpdateResource(ctx context.Context, acct model.AccountID, r model.Resource) (model.Resource, error) {
	if err := t.checkWrite(); err != nil {
		return r, err
	}
	tags, doc, err := marshalResource(r)
	if err != nil {
		return r, err
	}
	res, err := t.exec(ctx, `UPDATE resources SET arn = ?, name = ?, status = ?, tags = ?, doc = ?, updated = ?, version = version + 1
		WHERE account = ? AND type = ? AND id = ? AND version = ?`,
		r.ARN, r.Name, r.Status, tags, doc, nanos(r.UpdateDate), string(acct), r.Type, r.ID, r.Version)
	if err != nil {
		return r, fmt.Errorf("update %s %q: %w", r.Type, r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		cur, err := t.GetResource(ctx, acct, r.Type, r.ID)
		if err != nil {
			return r, err
		}
		return r, fmt.Errorf("update %s %q: version %d, stored %d: %w", r.Type, r.ID, r.Version, cur.Version, store.ErrConflict)
	}
	t.changes = append(t.changes, store.Change{Account: acct, Kind: store.ChangeResource, Type: r.Type, Name: r.ID})
	return t.GetResource(ctx, acct, r.Type, r.ID)
}

func (t *tx) DeleteResource(ctx context.Context, acct model.AccountID, typ, id string, version int64) error {
	if err := t.checkWrite(); err != nil {
		return err
	}
	cur, err := t.GetResource(ctx, acct, typ, id)
	if err != nil {
		return err
	}
	if version != 0 && cur.Version != version {
		return fmt.Errorf("delete %s %q: version %d, stored %d: %w", typ, id, version, cur.Version, store.ErrConflict)
	}
	if _, err := t.exec(ctx, "DELETE FROM resources WHERE account = ? AND type = ? AND id = ?", string(acct), typ, id); err != nil {
		return fmt.Errorf("delete %s %q: %w", typ, id, err)
	}
	t.changes = append(t.changes, store.Change{Account: acct, Kind: store.ChangeResource, Type: typ, Name: id})
	return nil
}
