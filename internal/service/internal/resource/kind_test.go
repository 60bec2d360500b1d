package resource_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/internal/resource"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

const acct = model.AccountID("123456789012")

type doc struct {
	Name  string
	Since time.Time
}

var errMissing = errors.New("missing")

type missingError struct{ id string }

func (e *missingError) Error() string   { return "no thing " + e.id }
func (e *missingError) Is(t error) bool { return t == errMissing }

func newKind(t *testing.T) (resource.Kind[doc], *sqlite.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l := life
	return resource.Kind[doc]{Type: "test:thing", Noun: "thing", NotFound: func(id string) error { return &missingError{id} },
		Life: &l, Since: func(d *doc) *time.Time { return &d.Since }}, st
}

func create(t *testing.T, k resource.Kind[doc], st *sqlite.Store, region, id string, tags ...model.Tag) {
	t.Helper()
	c := &op.Call{Account: acct, Region: region}
	it := k.New(c, id, "arn:"+id, t0, doc{Name: id, Since: t0})
	it.Res.Status = "creating"
	it.Res.Tags = resource.SetTags(it.Res.Tags, tags)
	if err := it.Encode(); err != nil {
		t.Fatal(err)
	}
	err := st.Update(context.Background(), func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateResource(ctx, acct, it.Res)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	k, st := newKind(t)
	create(t, k, st, "us-east-1", "b", model.Tag{Key: "owner", Value: "alice"})
	create(t, k, st, "us-east-1", "a")
	create(t, k, st, "eu-west-1", "c")
	c := &op.Call{Account: acct, Region: "us-east-1"}

	view := func(fn func(tx store.ReadTx) error) {
		t.Helper()
		if err := st.View(ctx, func(_ context.Context, tx store.ReadTx) error { return fn(tx) }); err != nil {
			t.Fatal(err)
		}
	}
	view(func(tx store.ReadTx) error {
		it, err := k.Get(ctx, tx, c, "b", t0)
		if err != nil {
			return err
		}
		want := model.Resource{Type: "test:thing", ID: "us-east-1/b", ARN: "arn:b", Status: "creating", Tags: []model.Tag{{Key: "owner", Value: "alice"}},
			CreateDate: t0, UpdateDate: t0, Version: 1}
		if diff := cmp.Diff(want, it.Res, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Document" }, cmp.Ignore())); diff != "" {
			t.Errorf("Get record (-want +got):\n%s", diff)
		}
		if it.Doc.Name != "b" || k.State(it, t0.Add(life.Delay)) != "available" {
			t.Errorf("Get = %+v, state %s", it.Doc, k.State(it, t0.Add(life.Delay)))
		}
		if _, err := k.Get(ctx, tx, c, "c", t0); !errors.Is(err, errMissing) || err.Error() != "no thing c" {
			t.Errorf("Get of another region's: %v", err)
		}
		all, err := k.List(ctx, tx, c, t0)
		if err != nil || len(all) != 2 || all[0].Doc.Name != "a" || all[1].Doc.Name != "b" {
			t.Errorf("List = %v, %v; want a, b", all, err)
		}
		return nil
	})

	// Update deletes b at +delay; it is gone one delay later.
	del := t0.Add(life.Delay)
	err := k.Update(ctx, st, c, "b", del, func(it *resource.Item[doc], now time.Time) error {
		if _, ok := k.Delete(it, now); !ok {
			t.Errorf("Delete refused")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	view(func(tx store.ReadTx) error {
		it, err := k.Get(ctx, tx, c, "b", del)
		if err != nil || it.Res.Status != "deleting" || !it.Doc.Since.Equal(del) || !it.Res.UpdateDate.Equal(del) || it.Res.Version != 2 {
			t.Errorf("after Update: %+v, %v", it, err)
		}
		if _, err := k.Get(ctx, tx, c, "b", del.Add(life.Delay)); !errors.Is(err, errMissing) {
			t.Errorf("Get once gone: %v", err)
		}
		all, err := k.List(ctx, tx, c, del.Add(life.Delay))
		if err != nil || len(all) != 1 || all[0].Doc.Name != "a" {
			t.Errorf("List once b is gone = %v, %v", all, err)
		}
		return nil
	})

	// An error from fn stores nothing.
	boom := errors.New("boom")
	if err := k.Update(ctx, st, c, "a", del, func(it *resource.Item[doc], _ time.Time) error {
		it.Res.Tags = []model.Tag{{Key: "x"}}
		return boom
	}); !errors.Is(err, boom) {
		t.Errorf("Update with a failing fn: %v", err)
	}
	if err := k.Update(ctx, st, c, "missing", del, func(*resource.Item[doc], time.Time) error { return nil }); !errors.Is(err, errMissing) {
		t.Errorf("Update of a missing resource: %v", err)
	}

	// Check adds the tags of a resource that exists, and none otherwise.
	ch := op.Check{Action: "test:Do", Resource: "arn:b"}
	got, err := k.Check(ctx, st, c, "b", del, ch)
	if err != nil || !cmp.Equal(got.ResourceTags, map[string]string{"owner": "alice"}) || got.Action != "test:Do" {
		t.Errorf("Check = %+v, %v", got, err)
	}
	got, err = k.Check(ctx, st, c, "a", del, ch)
	if err != nil || got.ResourceTags == nil || len(got.ResourceTags) != 0 {
		t.Errorf("Check of an untagged resource = %+v, %v; want empty tags", got, err)
	}
	for _, id := range []string{"missing", "c"} {
		got, err = k.Check(ctx, st, c, id, del, ch)
		if err != nil || !cmp.Equal(got, ch) {
			t.Errorf("Check of %s = %+v, %v; want the check unchanged", id, got, err)
		}
	}
	got, err = k.Check(ctx, st, c, "b", del.Add(life.Delay), ch)
	if err != nil || got.ResourceTags != nil {
		t.Errorf("Check once gone = %+v, %v; want no tags", got, err)
	}
}

func TestKindWithoutLife(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	k, st := newKind(t)
	create(t, k, st, "us-east-1", "a")
	k.Life, k.Since = nil, nil
	c := &op.Call{Account: acct, Region: "us-east-1"}
	err := st.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		it, err := k.Get(ctx, tx, c, "a", t0.Add(time.Hour))
		if err != nil || k.State(it, t0.Add(time.Hour)) != "creating" {
			t.Errorf("without a Life the state is the stored status: %+v, %v", it, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	k, _ := newKind(t)
	_, err := k.Decode(model.Resource{ID: "us-east-1/x", Document: []byte("{")})
	if err == nil || !strings.HasPrefix(err.Error(), "decode thing us-east-1/x: ") {
		t.Errorf("Decode = %v", err)
	}
}
