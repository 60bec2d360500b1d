package resource

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// StoreID is the store ID of the resource id of region: resources are
// kept per region, and a list of a region's resources is a prefix scan.
func StoreID(region, id string) string { return region + "/" + id }

// Item is one stored resource: the store's record and the service's
// document D decoded from the record's Document. [Item.Encode] writes Doc
// back into Res before Res is stored.
type Item[D any] struct {
	Res model.Resource
	Doc D
}

// Encode stores it.Doc as JSON in it.Res.Document.
func (it *Item[D]) Encode() error {
	b, err := json.Marshal(it.Doc)
	if err != nil {
		return err
	}
	it.Res.Document = b
	return nil
}

// TagMap returns the resource's tags as a map, empty (not nil) when it
// has none.
func (it *Item[D]) TagMap() map[string]string {
	m := make(map[string]string, len(it.Res.Tags))
	for _, t := range it.Res.Tags {
		m[t.Key] = t.Value
	}
	return m
}

// Kind is one type of resource a service keeps in the store, with what
// differs between services given as data. Type, Noun and NotFound are
// required; Life and Since go together. A Kind is not changed after the
// service's constructor, so it is safe for concurrent use.
type Kind[D any] struct {
	// Type is the store's resource type, e.g. "efs:file-system".
	Type string
	// Noun names the resource in the error about a stored document that
	// does not decode, e.g. "file system".
	Noun string
	// NotFound returns the service's error for a resource id that does not
	// exist in the call's region, or no longer does.
	NotFound func(id string) error
	// Life, if not nil, is the resources' life cycle, and Since returns the
	// field of a document that holds when the stored status was set. If
	// Life is nil, a resource's state is its stored status and a stored
	// resource always exists.
	Life  *Lifecycle
	Since func(doc *D) *time.Time
}

// Decode returns the resource r with its document decoded.
func (k Kind[D]) Decode(r model.Resource) (*Item[D], error) {
	it := &Item[D]{Res: r}
	if err := json.Unmarshal(r.Document, &it.Doc); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", k.Noun, r.ID, err)
	}
	return it, nil
}

// State is the resource's state at now: see [Lifecycle.At]. It is [Gone]
// once a deletion has completed.
func (k Kind[D]) State(it *Item[D], now time.Time) string {
	if k.Life == nil {
		return it.Res.Status
	}
	return k.Life.At(it.Res.Status, *k.Since(&it.Doc), now)
}

// Delete starts deleting the resource at now, as [Lifecycle.Delete] says,
// and returns its state at now and whether it may be deleted. The caller
// stores it (see [Kind.Update]). It must not be called on a Kind without a
// Life.
func (k Kind[D]) Delete(it *Item[D], now time.Time) (string, bool) {
	return k.Life.Delete(&it.Res.Status, k.Since(&it.Doc), now)
}

// New returns a resource id of the call's account and region created at
// now, with the given ARN and document and no status, name or tags yet.
func (k Kind[D]) New(c *op.Call, id, arn string, now time.Time, doc D) *Item[D] {
	return &Item[D]{Res: model.Resource{Type: k.Type, ID: StoreID(c.Region, id), ARN: arn, CreateDate: now, UpdateDate: now}, Doc: doc}
}

// lookup loads the resource id of the call's region as it is at now. ok is
// false if it does not exist or is gone.
func (k Kind[D]) lookup(ctx context.Context, tx store.ReadTx, c *op.Call, id string, now time.Time) (it *Item[D], ok bool, err error) {
	r, err := tx.GetResource(ctx, c.Account, k.Type, StoreID(c.Region, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	it, err = k.Decode(r)
	if err != nil {
		return nil, false, err
	}
	if k.State(it, now) == Gone {
		return nil, false, nil
	}
	return it, true, nil
}

// Get loads the resource id of the call's region as it is at now. One
// that does not exist, or is gone, is the error k.NotFound returns.
func (k Kind[D]) Get(ctx context.Context, tx store.ReadTx, c *op.Call, id string, now time.Time) (*Item[D], error) {
	it, ok, err := k.lookup(ctx, tx, c, id, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, k.NotFound(id)
	}
	return it, nil
}

// List returns the resources of the call's region that exist at now,
// ordered by ID.
func (k Kind[D]) List(ctx context.Context, tx store.ReadTx, c *op.Call, now time.Time) ([]*Item[D], error) {
	var out []*Item[D]
	opts := store.ResourceListOptions{Prefix: c.Region + "/", MaxItems: store.MaxMaxItems}
	for {
		page, err := tx.ListResources(ctx, c.Account, k.Type, opts)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			it, err := k.Decode(r)
			if err != nil {
				return nil, err
			}
			if k.State(it, now) != Gone {
				out = append(out, it)
			}
		}
		if !page.IsTruncated {
			return out, nil
		}
		opts.Marker = page.Marker
	}
}

// Put stores a changed resource, updated at now, and takes back the record
// as stored (with its new version).
func (k Kind[D]) Put(ctx context.Context, tx store.Tx, c *op.Call, it *Item[D], now time.Time) error {
	it.Res.UpdateDate = now
	if err := it.Encode(); err != nil {
		return err
	}
	r, err := tx.UpdateResource(ctx, c.Account, it.Res)
	if err != nil {
		return err
	}
	it.Res = r
	return nil
}

// Update changes the resource id in one transaction of st: it loads the
// resource as it is at now ([Kind.Get]), lets fn change it and stores it
// ([Kind.Put]). An error from fn stores nothing.
func (k Kind[D]) Update(ctx context.Context, st Store, c *op.Call, id string, now time.Time, fn func(it *Item[D], now time.Time) error) error {
	return st.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		it, err := k.Get(ctx, tx, c, id, now)
		if err != nil {
			return err
		}
		if err := fn(it, now); err != nil {
			return err
		}
		return k.Put(ctx, tx, c, it, now)
	})
}

// Check returns ch, the check of an action on the resource id, with
// ResourceTags set to the resource's tags at now. A resource that does not
// exist (or is gone) leaves ch without them, so that authorization is
// decided on its would-be ARN and the handler reports it missing.
func (k Kind[D]) Check(ctx context.Context, st Store, c *op.Call, id string, now time.Time, ch op.Check) (op.Check, error) {
	err := st.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		it, ok, err := k.lookup(ctx, tx, c, id, now)
		if ok {
			ch.ResourceTags = it.TagMap()
		}
		return err
	})
	if err != nil {
		return op.Check{}, err
	}
	return ch, nil
}
