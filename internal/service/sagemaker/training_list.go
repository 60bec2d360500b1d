package sagemaker

import (
	"sort"
	"strings"
	"time"
)

// listKey is what the List* operations of jobs, models and endpoints
// filter and sort on.
type listKey struct {
	Name     string
	Created  time.Time
	Modified time.Time
	Status   string
}

// listQuery is a List* request's filters, sort and page, with defaults
// already applied to SortBy and SortOrder.
type listQuery struct {
	NameContains           *string
	CreationTimeAfter      *time.Time
	CreationTimeBefore     *time.Time
	LastModifiedTimeAfter  *time.Time
	LastModifiedTimeBefore *time.Time
	StatusEquals           *string
	SortBy                 string
	Descending             bool
	NextToken              *string
	MaxResults             *int32
	// List names the listing in pagination tokens.
	List string
}

// matches reports whether an item passes the query's filters: a name
// substring without regard to case, strict time bounds, exact status.
func (q *listQuery) matches(k listKey) bool {
	switch {
	case q.NameContains != nil && !strings.Contains(strings.ToLower(k.Name), strings.ToLower(*q.NameContains)),
		q.CreationTimeAfter != nil && !k.Created.After(*q.CreationTimeAfter),
		q.CreationTimeBefore != nil && !k.Created.Before(*q.CreationTimeBefore),
		q.LastModifiedTimeAfter != nil && !k.Modified.After(*q.LastModifiedTimeAfter),
		q.LastModifiedTimeBefore != nil && !k.Modified.Before(*q.LastModifiedTimeBefore),
		q.StatusEquals != nil && k.Status != *q.StatusEquals:
		return false
	}
	return true
}

// listPage filters items, sorts them (ties broken by name) and returns the
// page the query asks for: 10 items by default, at most 100.
func listPage[T any](items []T, key func(T) listKey, q listQuery) ([]T, *string, error) {
	limit, err := maxResults(q.MaxResults, 10, 100)
	if err != nil {
		return nil, nil, err
	}
	start, err := decodeToken(q.NextToken, q.List)
	if err != nil {
		return nil, nil, err
	}
	type keyed struct {
		k listKey
		v T
	}
	var kept []keyed
	for _, it := range items {
		if k := key(it); q.matches(k) {
			kept = append(kept, keyed{k, it})
		}
	}
	cmp := func(a, b listKey) int {
		var c int
		switch q.SortBy {
		case "CreationTime":
			c = a.Created.Compare(b.Created)
		case "Status":
			c = strings.Compare(a.Status, b.Status)
		}
		if c == 0 {
			c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		}
		return c
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if q.Descending {
			return cmp(kept[j].k, kept[i].k) < 0
		}
		return cmp(kept[i].k, kept[j].k) < 0
	})
	page, next := paginate(kept, start, limit)
	out := make([]T, len(page))
	for i, p := range page {
		out[i] = p.v
	}
	if next > 0 {
		return out, encodeToken(q.List, next), nil
	}
	return out, nil, nil
}

// sortQuery validates SortBy and SortOrder against their enums and applies
// the operation's defaults.
func sortQuery(q *listQuery, sortBy, sortOrder *string, sortByEnum []string, defBy, defOrder string) error {
	if err := checkEnum(sortBy, "sortBy", sortByEnum); err != nil {
		return err
	}
	if err := checkEnum(sortOrder, "sortOrder", []string{"Ascending", "Descending"}); err != nil {
		return err
	}
	q.SortBy = deref(sortBy, defBy)
	q.Descending = deref(sortOrder, defOrder) == "Descending"
	return nil
}
