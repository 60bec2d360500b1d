package s3

import (
	"context"
	"encoding/json"
	"fmt"

	"abacus/internal/model"
	"abacus/internal/store"
)

// Sweep deletes the blobs that no object or uploaded part of acct's
// buckets refers to, and returns how many it deleted. Such blobs are left
// by a crash between an upload's last byte and its metadata commit, or by
// a delete whose file removal failed; they were never visible. Run Sweep
// at start-up, before serving: a blob being uploaded concurrently has no
// metadata yet and would be deleted.
func (s *Service) Sweep(ctx context.Context, acct model.AccountID) (int, error) {
	used := map[string]bool{}
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		for _, typ := range []string{typeObject, typePart} {
			opts := store.ResourceListOptions{MaxItems: store.MaxMaxItems}
			for {
				page, err := tx.ListResources(ctx, acct, typ, opts)
				if err != nil {
					return err
				}
				for _, r := range page.Items {
					if typ == typeObject {
						var d objectDoc
						if err := json.Unmarshal(r.Document, &d); err != nil {
							return fmt.Errorf("object %q: %w", r.ID, err)
						}
						for _, g := range d.Segments {
							used[g.ID] = true
						}
					} else {
						var d partDoc
						if err := json.Unmarshal(r.Document, &d); err != nil {
							return fmt.Errorf("part %q: %w", r.ID, err)
						}
						used[d.Blob] = true
					}
				}
				if !page.IsTruncated {
					break
				}
				opts.Marker = page.Marker
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	var orphans []string
	if err := s.blobs.IDs(func(id string) bool {
		if !used[id] {
			orphans = append(orphans, id)
		}
		return true
	}); err != nil {
		return 0, err
	}
	for _, id := range orphans {
		if err := s.blobs.Delete(id); err != nil {
			return 0, err
		}
	}
	return len(orphans), nil
}
