package sagemaker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// storeType is the generic store's type of a SageMaker resource type.
func storeType(typ string) string { return "sagemaker:" + typ }

// storeID is the generic store's ID of a resource: REGION/PATH.
func storeID(region, path string) string { return region + "/" + path }

// entry is a stored SageMaker resource: the generic record, the time its
// stored status began, and its decoded document.
type entry[T any] struct {
	Res   model.Resource
	Since time.Time
	Doc   T
}

// envelope is the JSON stored as a resource's Document.
type envelope[T any] struct {
	Since time.Time `json:"since"`
	Doc   T         `json:"doc"`
}

// setStatus records a status change at now.
func (e *entry[T]) setStatus(status string, now time.Time) {
	e.Res.Status, e.Since = status, now
}

func decodeEntry[T any](r model.Resource) (entry[T], error) {
	var env envelope[T]
	if err := json.Unmarshal(r.Document, &env); err != nil {
		return entry[T]{}, fmt.Errorf("decode %s %s: %w", r.Type, r.ID, err)
	}
	return entry[T]{Res: r, Since: env.Since, Doc: env.Doc}, nil
}

func encodeEntry[T any](e *entry[T]) error {
	b, err := json.Marshal(envelope[T]{Since: e.Since, Doc: e.Doc})
	if err != nil {
		return err
	}
	e.Res.Document = b
	return nil
}

// effective returns the resource with its status settled at now.
func effective[T any](s *Service, l Lifecycle, e entry[T], now time.Time) entry[T] {
	e.Res.Status, e.Since = s.settle(l, e.Res.Status, e.Since, now)
	return e
}

// getEntry loads the resource typ at (region, path) with its status settled
// at now. A missing or gone resource is an error wrapping
// store.ErrNotFound.
func getEntry[T any](ctx context.Context, s *Service, tx store.ReadTx, acct model.AccountID, l Lifecycle, typ, region, path string, now time.Time) (entry[T], error) {
	r, err := tx.GetResource(ctx, acct, storeType(typ), storeID(region, path))
	if err != nil {
		return entry[T]{}, err
	}
	e, err := decodeEntry[T](r)
	if err != nil {
		return entry[T]{}, err
	}
	e = effective(s, l, e, now)
	if e.Res.Status == StatusGone {
		return entry[T]{}, fmt.Errorf("%s %s: %w", typ, path, store.ErrNotFound)
	}
	return e, nil
}

// createEntry stores a new resource. A stored record whose status has
// settled to StatusGone is replaced; any other existing record is
// store.ErrConflict.
func createEntry[T any](ctx context.Context, s *Service, tx store.Tx, acct model.AccountID, l Lifecycle, typ, region, path string, e *entry[T], now time.Time) error {
	e.Res.Type, e.Res.ID = storeType(typ), storeID(region, path)
	e.Res.CreateDate, e.Res.UpdateDate = now, now
	if e.Since.IsZero() {
		e.Since = now
	}
	if err := encodeEntry(e); err != nil {
		return err
	}
	r, err := tx.CreateResource(ctx, acct, e.Res)
	if errors.Is(err, store.ErrConflict) {
		_, gerr := getEntry[T](ctx, s, tx, acct, l, typ, region, path, now)
		if !errors.Is(gerr, store.ErrNotFound) {
			return err
		}
		if derr := tx.DeleteResource(ctx, acct, storeType(typ), storeID(region, path), 0); derr != nil {
			return derr
		}
		r, err = tx.CreateResource(ctx, acct, e.Res)
	}
	if err != nil {
		return err
	}
	e.Res = r
	return nil
}

// putEntry writes back a changed resource (compare-and-swap on its
// version) and returns it as stored.
func putEntry[T any](ctx context.Context, tx store.Tx, acct model.AccountID, e *entry[T], now time.Time) error {
	e.Res.UpdateDate = now
	if err := encodeEntry(e); err != nil {
		return err
	}
	r, err := tx.UpdateResource(ctx, acct, e.Res)
	if err != nil {
		return err
	}
	e.Res = r
	return nil
}

// listEntries returns every existing resource of typ in region whose path
// starts with prefix, settled at now, ordered by store ID.
func listEntries[T any](ctx context.Context, s *Service, tx store.ReadTx, acct model.AccountID, l Lifecycle, typ, region, prefix string, now time.Time) ([]entry[T], error) {
	var out []entry[T]
	opts := store.ResourceListOptions{Prefix: storeID(region, prefix), MaxItems: store.MaxMaxItems}
	for {
		page, err := tx.ListResources(ctx, acct, storeType(typ), opts)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			e, err := decodeEntry[T](r)
			if err != nil {
				return nil, err
			}
			e = effective(s, l, e, now)
			if e.Res.Status != StatusGone {
				out = append(out, e)
			}
		}
		if !page.IsTruncated {
			return out, nil
		}
		opts.Marker = page.Marker
	}
}

// callTime is the call's time in UTC truncated to milliseconds (SageMaker
// timestamps carry milliseconds).
func (s *Service) callTime(c *op.Call) time.Time { return c.Time(s.now) }

// view and update run fn in a read-only or read-write transaction.
func (s *Service) view(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error {
	return s.store.View(ctx, fn)
}

func (s *Service) update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error {
	return s.store.Update(ctx, fn)
}

// lookupByARN loads any taggable resource by its ARN, for the tag
// operations. ok is false when the ARN is not a SageMaker ARN of a taggable
// type in the caller's account.
func (s *Service) lookupByARN(ctx context.Context, tx store.ReadTx, c *op.Call, arn string) (model.Resource, bool, error) {
	p, ok := parseARN(arn)
	if !ok || !resourceTypes[p.Type] || p.Account != c.Account {
		return model.Resource{}, false, nil
	}
	path := p.Path
	switch p.Type {
	case TypeDomain, TypeUserProfile:
		// Domain IDs are lower case; profile names keep their case.
	case TypeApp:
		// DOMAIN/PROFILE/TYPE/NAME: the profile keeps its case.
		if parts := strings.SplitN(path, "/", 4); len(parts) == 4 {
			path = appPath(parts[0], parts[1], parts[2], parts[3])
		}
	default:
		path = strings.ToLower(path)
	}
	r, err := tx.GetResource(ctx, c.Account, storeType(p.Type), storeID(p.Region, path))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return model.Resource{}, false, nil
		}
		return model.Resource{}, false, err
	}
	e, err := decodeEntry[json.RawMessage](r)
	if err != nil {
		return model.Resource{}, false, err
	}
	if st, _ := s.settle(deletion, e.Res.Status, e.Since, s.callTime(c)); st == StatusGone {
		return model.Resource{}, false, nil
	}
	return r, true, nil
}

// deletion is the part of every lifecycle that tag operations need: a
// Deleting resource is gone once the delay has passed.
var deletion = Lifecycle{"Deleting": {To: StatusGone}}
