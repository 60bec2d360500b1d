package iam

import (
	"context"
	"errors"
	"strings"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// keyUser resolves the user an access key operation acts on: the named
// user, or the caller when UserName is absent ("" for the root).
func keyUser(c *op.Call, name *string) (string, error) {
	if name != nil {
		var v validator
		v.str("userName", *name, 1, 128, namePattern, namePatternText)
		return *name, v.err()
	}
	return callerUserName(c)
}

func noSuchKey(id string) error {
	return errorf(ErrNoSuchEntity, "The Access Key with id %s cannot be found.", id)
}

// ownKey reads an access key of user (the root's when user is "") in the
// caller's account; any other key is NoSuchEntity, as IAM answers.
func ownKey(ctx context.Context, tx store.ReadTx, acct model.AccountID, user, id string) (model.AccessKey, error) {
	k, err := tx.GetAccessKey(ctx, id)
	if notFound(err) || (err == nil && (k.AccountID != acct || !strings.EqualFold(k.UserName, user))) {
		return model.AccessKey{}, noSuchKey(id)
	}
	return k, err
}

// keyOwnerCheck authorizes an access key operation on the ARN of the user
// it acts on (the account root's ARN for the root's keys).
func (s *Service) keyOwnerCheck(ctx context.Context, c *op.Call, action string, name *string) ([]op.Check, error) {
	user, err := keyUser(c, name)
	if err != nil || user == "" {
		// Let the handler report the error; the root acts on itself.
		return []op.Check{{Action: action, Resource: rootARN(c.Account)}}, nil
	}
	return s.userCheck(ctx, c, action, user, false, nil)
}

// CreateAccessKey creates an access key for a user (or the caller), at most
// two per user. The secret is returned only here.
func (s *Service) CreateAccessKey(ctx context.Context, c *op.Call, in *CreateAccessKeyInput) (*CreateAccessKeyOutput, error) {
	user, err := keyUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	id, err := s.ids.AccessKeyID()
	if err != nil {
		return nil, err
	}
	secret, err := s.ids.SecretAccessKey()
	if err != nil {
		return nil, err
	}
	k := model.AccessKey{AccessKeyID: id, SecretAccessKey: secret, Status: model.AccessKeyActive, CreateDate: now(c)}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		if user != "" {
			u, err := getUser(ctx, tx, c.Account, user)
			if err != nil {
				return err
			}
			user = u.UserName
		}
		k.UserName = user
		keys, err := tx.ListAccessKeys(ctx, c.Account, user)
		if err != nil {
			return err
		}
		if len(keys) >= maxAccessKeysPerUser {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeysPerUser)
		}
		err = tx.CreateAccessKey(ctx, c.Account, k)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchUser(user)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateAccessKeyOutput{AccessKey: AccessKey{
		UserName: k.UserName, AccessKeyId: k.AccessKeyID, Status: string(k.Status),
		SecretAccessKey: k.SecretAccessKey, CreateDate: ptr(k.CreateDate),
	}}, nil
}

// ListAccessKeys lists the access keys of a user (or the caller), without
// their secrets.
func (s *Service) ListAccessKeys(ctx context.Context, c *op.Call, in *ListAccessKeysInput) (*ListAccessKeysOutput, error) {
	user, err := keyUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	var v validator
	v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	var keys []model.AccessKey
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		if user != "" {
			u, err := getUser(ctx, tx, c.Account, user)
			if err != nil {
				return err
			}
			user = u.UserName
		}
		var err error
		keys, err = tx.ListAccessKeys(ctx, c.Account, user)
		return err
	})
	if err != nil {
		return nil, err
	}
	page, tr, m, err := pageSlice(keys, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &ListAccessKeysOutput{AccessKeyMetadata: make([]AccessKeyMetadata, 0, len(page)), IsTruncated: tr, Marker: m}
	for _, k := range page {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, AccessKeyMetadata{
			UserName: ptr(k.UserName), AccessKeyId: ptr(k.AccessKeyID),
			Status: ptr(string(k.Status)), CreateDate: ptr(k.CreateDate),
		})
	}
	return out, nil
}

// UpdateAccessKey makes an access key Active or Inactive. The principal
// resolver refuses inactive keys.
func (s *Service) UpdateAccessKey(ctx context.Context, c *op.Call, in *UpdateAccessKeyInput) (*UpdateAccessKeyOutput, error) {
	user, err := keyUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	var v validator
	v.str("accessKeyId", in.AccessKeyId, 16, 128, accessKeyPattern, accessKeyPatternText)
	if in.Status != string(model.AccessKeyActive) && in.Status != string(model.AccessKeyInactive) {
		v.fail("status", in.Status, "must satisfy enum value set: [Active, Inactive]")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		if _, err := ownKey(ctx, tx, c.Account, user, in.AccessKeyId); err != nil {
			return err
		}
		return tx.UpdateAccessKeyStatus(ctx, c.Account, in.AccessKeyId, model.AccessKeyStatus(in.Status))
	})
	if err != nil {
		return nil, err
	}
	return &UpdateAccessKeyOutput{}, nil
}

// DeleteAccessKey deletes an access key of a user (or the caller).
func (s *Service) DeleteAccessKey(ctx context.Context, c *op.Call, in *DeleteAccessKeyInput) (*DeleteAccessKeyOutput, error) {
	user, err := keyUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	var v validator
	v.str("accessKeyId", in.AccessKeyId, 16, 128, accessKeyPattern, accessKeyPatternText)
	if err := v.err(); err != nil {
		return nil, err
	}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		if _, err := ownKey(ctx, tx, c.Account, user, in.AccessKeyId); err != nil {
			return err
		}
		return tx.DeleteAccessKey(ctx, c.Account, in.AccessKeyId)
	})
	if err != nil {
		return nil, err
	}
	return &DeleteAccessKeyOutput{}, nil
}

// accountKey reads an access key of the caller's account.
func accountKey(ctx context.Context, tx store.ReadTx, acct model.AccountID, id string) (model.AccessKey, error) {
	k, err := tx.GetAccessKey(ctx, id)
	if notFound(err) || (err == nil && k.AccountID != acct) {
		return model.AccessKey{}, noSuchKey(id)
	}
	return k, err
}

func (s *Service) authGetAccessKeyLastUsed(ctx context.Context, c *op.Call, in *GetAccessKeyLastUsedInput) ([]op.Check, error) {
	var k model.AccessKey
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		k, err = accountKey(ctx, tx, c.Account, in.AccessKeyId)
		return err
	})
	if err != nil || k.UserName == "" {
		if err != nil && !errors.Is(err, ErrNoSuchEntity) {
			return nil, err
		}
		return []op.Check{{Action: "iam:GetAccessKeyLastUsed", Resource: rootARN(c.Account)}}, nil
	}
	return s.userCheck(ctx, c, "iam:GetAccessKeyLastUsed", k.UserName, false, nil)
}

// GetAccessKeyLastUsed reports when, where and for which service an access
// key was last used ("N/A" before its first use, as IAM).
func (s *Service) GetAccessKeyLastUsed(ctx context.Context, c *op.Call, in *GetAccessKeyLastUsedInput) (*GetAccessKeyLastUsedOutput, error) {
	var v validator
	v.str("accessKeyId", in.AccessKeyId, 16, 128, accessKeyPattern, accessKeyPatternText)
	if err := v.err(); err != nil {
		return nil, err
	}
	var k model.AccessKey
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		k, err = accountKey(ctx, tx, c.Account, in.AccessKeyId)
		return err
	})
	if err != nil {
		return nil, err
	}
	used := &AccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}
	if !k.LastUsed.LastUsedDate.IsZero() {
		used = &AccessKeyLastUsed{LastUsedDate: ptr(k.LastUsed.LastUsedDate), ServiceName: k.LastUsed.ServiceName, Region: k.LastUsed.Region}
	}
	return &GetAccessKeyLastUsedOutput{UserName: nonEmpty(k.UserName), AccessKeyLastUsed: used}, nil
}
