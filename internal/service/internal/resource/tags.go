package resource

import (
	"slices"

	"abacus/internal/model"
)

// Tags converts a service's wire tags to the store's, reading each with
// kv (a method expression such as Tag.pair). It returns nil for no tags.
func Tags[T any](tags []T, kv func(T) (key, value string)) []model.Tag {
	var out []model.Tag
	for _, t := range tags {
		k, v := kv(t)
		out = append(out, model.Tag{Key: k, Value: v})
	}
	return out
}

// SetTags adds tags to have, replacing the value of a key have already
// has, in order (a key given twice keeps its last value), and returns the
// result.
func SetTags(have, tags []model.Tag) []model.Tag {
	for _, t := range tags {
		have = setTag(have, t.Key, t.Value)
	}
	return have
}

func setTag(tags []model.Tag, k, v string) []model.Tag {
	for i := range tags {
		if tags[i].Key == k {
			tags[i].Value = v
			return tags
		}
	}
	return append(tags, model.Tag{Key: k, Value: v})
}

// RemoveTags removes from have the tags whose key is in keys and returns
// the result. Keys it does not have are ignored.
func RemoveTags(have []model.Tag, keys []string) []model.Tag {
	return slices.DeleteFunc(have, func(t model.Tag) bool { return slices.Contains(keys, t.Key) })
}

// RequestTags sets the condition keys of the tags a request adds:
// aws:RequestTag/KEY, and PREFIX+KEY for each of prefixes (a service's
// alias such as "elasticmapreduce:RequestTag/"), to the tag's value, and
// aws:TagKeys to the keys in order. It sets nothing for no tags.
func RequestTags(keys map[string][]string, tags []model.Tag, prefixes ...string) {
	if len(tags) == 0 {
		return
	}
	var tk []string
	for _, t := range tags {
		tk = append(tk, t.Key)
		keys["aws:RequestTag/"+t.Key] = []string{t.Value}
		for _, p := range prefixes {
			keys[p+t.Key] = []string{t.Value}
		}
	}
	keys["aws:TagKeys"] = tk
}
