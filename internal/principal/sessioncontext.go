package principal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"abacus/internal/model"
	"abacus/internal/store"
)

// SessionContextType is the store resource type that holds the context
// keys of a role session (e.g. sagemaker:DomainId and
// sagemaker:UserProfileName of a SageMaker Studio session), because
// model.Session has no field for them. The resource's ID is the session's
// access key ID and its Document the keys as a JSON object of string
// arrays; it is written in the transaction that stores the session and
// never changes.
const SessionContextType = "sts:session-context"

// SessionContextResource returns the resource that records keys as the
// context keys of session s.
func SessionContextResource(s model.Session, keys map[string][]string) (model.Resource, error) {
	doc, err := json.Marshal(keys)
	if err != nil {
		return model.Resource{}, fmt.Errorf("principal: encode session context: %w", err)
	}
	return model.Resource{Type: SessionContextType, ID: s.AccessKeyID, Name: s.SessionName,
		Document: doc, CreateDate: s.IssuedAt, UpdateDate: s.IssuedAt}, nil
}

// sessionContext reads the context keys of a session; nil when it has
// none.
func sessionContext(ctx context.Context, tx store.ReadTx, acct model.AccountID, id string) (map[string][]string, error) {
	r, err := tx.GetResource(ctx, acct, SessionContextType, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("principal: context keys of session %s: %w", id, err)
	}
	var keys map[string][]string
	if err := json.Unmarshal(r.Document, &keys); err != nil {
		return nil, fmt.Errorf("principal: context keys of session %s: %w", id, err)
	}
	return keys, nil
}
