package secretsmanager

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"abacus/internal/op"
	"abacus/internal/store"
)

// Page sizes of the list operations (MaxResults 1-100; AWS's default page
// is not documented, abacus uses 100).
const (
	maxResults     = 100
	defaultResults = 100
)

func pageSize(n *int32) (int, error) {
	if n == nil {
		return defaultResults, nil
	}
	if *n < 1 || *n > maxResults {
		return 0, invalidParam("MaxResults must be between 1 and %d.", maxResults)
	}
	return int(*n), nil
}

// offsetToken encodes a list position as a NextToken.
func offsetToken(i int) *string {
	t := base64.RawURLEncoding.EncodeToString([]byte("abacus-sm:" + strconv.Itoa(i)))
	return &t
}

func parseOffset(tok *string) (int, error) {
	if tok == nil {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	rest, ok := strings.CutPrefix(string(b), "abacus-sm:")
	n, aerr := strconv.Atoi(rest)
	if err != nil || !ok || aerr != nil || n < 0 {
		return 0, newError(CodeInvalidNextToken, "The NextToken value is invalid.")
	}
	return n, nil
}

// filterKeys are ListSecrets' filter keys.
var filterKeys = []string{"description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"}

// matches reports whether a secret passes every filter: values of one key
// are alternatives (OR), keys combine with AND; a value starting with "!"
// negates; matching is by prefix, case sensitive, as the "Find secrets"
// page of the Secrets Manager user guide describes.
func matches(e *SecretListEntry, filters []Filter) bool {
	for _, f := range filters {
		key := deref(f.Key)
		var fields []string
		switch key {
		case "name":
			fields = []string{e.Name}
		case "description":
			fields = []string{deref(e.Description)}
		case "tag-key":
			for _, t := range e.Tags {
				fields = append(fields, deref(t.Key))
			}
		case "tag-value":
			for _, t := range e.Tags {
				fields = append(fields, deref(t.Value))
			}
		case "primary-region":
			fields = []string{deref(e.PrimaryRegion)}
		case "owning-service":
			fields = nil
		case "all":
			fields = []string{e.Name, deref(e.Description), deref(e.PrimaryRegion)}
			for _, t := range e.Tags {
				fields = append(fields, deref(t.Key), deref(t.Value))
			}
		}
		hit0 := false
		for _, v := range f.Values {
			neg := strings.HasPrefix(v, "!")
			v = strings.TrimPrefix(v, "!")
			hit := slices.ContainsFunc(fields, func(s string) bool { return strings.HasPrefix(s, v) })
			if hit != neg {
				hit0 = true
				break
			}
		}
		if !hit0 {
			return false
		}
	}
	return true
}

// ListSecrets lists the secrets of the call's region that pass the filters,
// ordered by SortBy (created-date by default) in SortOrder.
func (s *Service) ListSecrets(ctx context.Context, c *op.Call, in *ListSecretsInput) (*ListSecretsOutput, error) {
	n, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	off, err := parseOffset(in.NextToken)
	if err != nil {
		return nil, err
	}
	for _, f := range in.Filters {
		if !slices.Contains(filterKeys, deref(f.Key)) {
			return nil, invalidParam("Invalid filter key %q: use one of %s.", deref(f.Key), strings.Join(filterKeys, ", "))
		}
		if len(f.Values) == 0 || len(f.Values) > 10 {
			return nil, invalidParam("A filter must have 1 to 10 values.")
		}
	}
	desc := false
	switch deref(in.SortOrder) {
	case "", "asc":
	case "desc":
		desc = true
	default:
		return nil, invalidParam("SortOrder must be asc or desc.")
	}
	sortBy := deref(in.SortBy)
	if sortBy == "" {
		sortBy = "created-date"
	}
	if !slices.Contains([]string{"created-date", "last-accessed-date", "last-changed-date", "name"}, sortBy) {
		return nil, invalidParam("SortBy must be created-date, last-accessed-date, last-changed-date or name.")
	}
	includeDeleted := in.IncludePlannedDeletion != nil && *in.IncludePlannedDeletion
	now := s.callTime(c)
	var all []SecretListEntry
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		opts := store.ResourceListOptions{Prefix: c.Region + "/", MaxItems: store.MaxMaxItems}
		for {
			page, err := tx.ListResources(ctx, c.Account, resourceType, opts)
			if err != nil {
				return err
			}
			for _, r := range page.Items {
				sc, err := decodeSecret(r)
				if err != nil {
					return err
				}
				if sc.gone(now) || (sc.deleted() && !includeDeleted) {
					continue
				}
				e := entryOf(sc)
				if matches(&e, in.Filters) {
					all = append(all, e)
				}
			}
			if !page.IsTruncated {
				return nil
			}
			opts.Marker = page.Marker
		}
	})
	if err != nil {
		return nil, err
	}
	less := func(a, b *SecretListEntry) bool {
		switch sortBy {
		case "name":
			return a.Name < b.Name
		case "last-changed-date":
			return timeOf(a.LastChangedDate).Before(timeOf(b.LastChangedDate))
		case "last-accessed-date":
			return timeOf(a.LastAccessedDate).Before(timeOf(b.LastAccessedDate))
		}
		if a.CreatedDate.Equal(b.CreatedDate) {
			return a.ARN < b.ARN
		}
		return a.CreatedDate.Before(b.CreatedDate)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if desc {
			return less(&all[j], &all[i])
		}
		return less(&all[i], &all[j])
	})
	out := &ListSecretsOutput{SecretList: []SecretListEntry{}}
	if off > len(all) {
		off = len(all)
	}
	end := min(off+n, len(all))
	out.SecretList = append(out.SecretList, all[off:end]...)
	if end < len(all) {
		out.NextToken = offsetToken(end)
	}
	return out, nil
}

// ListSecretVersionIds lists a secret's versions, oldest first; versions
// without a staging label only with IncludeDeprecated.
func (s *Service) ListSecretVersionIds(ctx context.Context, c *op.Call, in *ListSecretVersionIdsInput) (*ListSecretVersionIdsOutput, error) {
	n, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	off, err := parseOffset(in.NextToken)
	if err != nil {
		return nil, err
	}
	var sc *secret
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		sc, err = s.find(ctx, tx, c, in.SecretId, s.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	deprecated := in.IncludeDeprecated != nil && *in.IncludeDeprecated
	var all []SecretVersionsListEntry
	for _, v := range sc.doc.Versions {
		if len(v.Stages) == 0 && !deprecated {
			continue
		}
		e := SecretVersionsListEntry{VersionId: v.ID, CreatedDate: v.Created, VersionStages: append([]string{}, v.Stages...)}
		if sc.doc.KmsKeyID != nil {
			e.KmsKeyIds = []string{*sc.doc.KmsKeyID}
		} else {
			e.KmsKeyIds = []string{"DefaultEncryptionKey"}
		}
		all = append(all, e)
	}
	out := &ListSecretVersionIdsOutput{ARN: sc.arn(), Name: sc.doc.Name, Versions: []SecretVersionsListEntry{}}
	off = min(off, len(all))
	end := min(off+n, len(all))
	out.Versions = append(out.Versions, all[off:end]...)
	if end < len(all) {
		out.NextToken = offsetToken(end)
	}
	return out, nil
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
