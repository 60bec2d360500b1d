package resource_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/service/internal/resource"
)

type wireTag struct{ K, V *string }

func (t wireTag) pair() (string, string) {
	var k, v string
	if t.K != nil {
		k = *t.K
	}
	if t.V != nil {
		v = *t.V
	}
	return k, v
}

func TestTags(t *testing.T) {
	t.Parallel()
	if got := resource.Tags([]wireTag(nil), wireTag.pair); got != nil {
		t.Errorf("Tags(nil) = %#v, want nil", got)
	}
	got := resource.Tags([]wireTag{{K: new("a"), V: new("1")}, {K: new("b")}}, wireTag.pair)
	if diff := cmp.Diff([]model.Tag{{Key: "a", Value: "1"}, {Key: "b"}}, got); diff != "" {
		t.Errorf("Tags (-want +got):\n%s", diff)
	}
}

func TestSetTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		have, tags []model.Tag
		want       []model.Tag
	}{
		{"none to none", nil, nil, nil},
		{"added in order", nil, []model.Tag{{Key: "b", Value: "1"}, {Key: "a", Value: "2"}}, []model.Tag{{Key: "b", Value: "1"}, {Key: "a", Value: "2"}}},
		{"replaced in place", []model.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}, []model.Tag{{Key: "a", Value: "3"}},
			[]model.Tag{{Key: "a", Value: "3"}, {Key: "b", Value: "2"}}},
		{"a key given twice keeps the last value", nil, []model.Tag{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}, []model.Tag{{Key: "a", Value: "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, resource.SetTags(tt.have, tt.tags)); diff != "" {
				t.Errorf("SetTags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRemoveTags(t *testing.T) {
	t.Parallel()
	have := []model.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}, {Key: "c", Value: "3"}}
	got := resource.RemoveTags(have, []string{"c", "a", "missing"})
	if diff := cmp.Diff([]model.Tag{{Key: "b", Value: "2"}}, got); diff != "" {
		t.Errorf("RemoveTags (-want +got):\n%s", diff)
	}
}

func TestRequestTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		tags     []model.Tag
		prefixes []string
		want     map[string][]string
	}{
		{"no tags set nothing", nil, nil, map[string][]string{"k": {"v"}}},
		{"aws keys", []model.Tag{{Key: "b", Value: "1"}, {Key: "a", Value: "2"}}, nil,
			map[string][]string{"k": {"v"}, "aws:RequestTag/b": {"1"}, "aws:RequestTag/a": {"2"}, "aws:TagKeys": {"b", "a"}}},
		{"a service alias", []model.Tag{{Key: "a", Value: "2"}}, []string{"svc:RequestTag/"},
			map[string][]string{"k": {"v"}, "aws:RequestTag/a": {"2"}, "svc:RequestTag/a": {"2"}, "aws:TagKeys": {"a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keys := map[string][]string{"k": {"v"}}
			resource.RequestTags(keys, tt.tags, tt.prefixes...)
			if diff := cmp.Diff(tt.want, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}
