package iam

import (
	"context"
	"fmt"
	"log/slog"

	"abacus/internal/model"
	"abacus/internal/service/iam/managed"
	"abacus/internal/store"
)

// SeedManagedPolicies stores the AWS managed policies (AdministratorAccess,
// ReadOnlyAccess, AmazonSageMakerFullAccess, ... all of package managed)
// that are not stored yet, under [model.AWSAccount], in one transaction.
// It is idempotent; call it once at start-up. A policy stored by an earlier
// run keeps its document: the table only adds policies.
//
// The store numbers a seeded policy's only version v1, whatever version
// AWS is at.
func (s *Service) SeedManagedPolicies(ctx context.Context) error {
	all, err := managed.All()
	if err != nil {
		return err
	}
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		have := make(map[string]bool, len(all))
		if err := forEachPage(func(o store.ListOptions) (store.Page[model.ManagedPolicy], error) {
			return tx.ListPolicies(ctx, model.AWSAccount, store.PolicyListOptions{ListOptions: o, Scope: store.ScopeAWS})
		}, func(p model.ManagedPolicy) { have[p.ARN] = true }); err != nil {
			return err
		}
		added := 0
		for _, p := range all {
			if have[p.ARN] {
				continue
			}
			added++
			mp := model.ManagedPolicy{
				PolicyName: p.Name, PolicyID: p.ID(), ARN: p.ARN, Path: p.Path,
				DefaultVersionID: "v1", CreateDate: p.CreateDate, UpdateDate: p.UpdateDate,
			}
			if _, err := tx.CreatePolicy(ctx, model.AWSAccount, mp, p.Document); err != nil {
				return fmt.Errorf("seed %s: %w", p.ARN, err)
			}
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "seeded AWS managed policies", slog.Int("added", added), slog.Int("total", len(all)))
		return nil
	})
}
