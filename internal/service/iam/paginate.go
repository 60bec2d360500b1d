package iam

import (
	"encoding/base64"
	"strconv"
	"strings"

	"abacus/internal/store"
)

// markerPrefix marks the in-memory pager's markers, so one is never taken
// for a store marker or the other way round.
const markerPrefix = "o:"

// pageSlice returns the page of items that marker and maxItems select, for
// lists the service assembles itself (policy versions, tags, access keys,
// entities for a policy, authorization details, simulation results). The
// marker is an opaque offset; a marker this pager did not hand out is
// InvalidInput.
func pageSlice[T any](items []T, marker *string, maxItemsIn *int32) (page []T, truncated bool, next *string, err error) {
	start := 0
	if marker != nil {
		raw, decErr := base64.RawURLEncoding.DecodeString(*marker)
		s, ok := strings.CutPrefix(string(raw), markerPrefix)
		n, convErr := strconv.Atoi(s)
		if decErr != nil || !ok || convErr != nil || n < 0 {
			return nil, false, nil, errorf(ErrInvalidInput, "Invalid Marker.")
		}
		start = min(n, len(items))
	}
	limit := store.ListOptions{MaxItems: maxItems(maxItemsIn)}.Limit()
	end := min(start+limit, len(items))
	page = items[start:end]
	if end < len(items) {
		m := base64.RawURLEncoding.EncodeToString([]byte(markerPrefix + strconv.Itoa(end)))
		return page, true, &m, nil
	}
	return page, false, nil, nil
}
