package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"abacus/internal/model"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

func Example() {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Options{InMemory: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	const acct model.AccountID = "123456789012"
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateGroup(ctx, acct, model.Group{GroupName: "ML-Team", GroupID: "AGPAEXAMPLE0000000001", Path: "/", CreateDate: created}); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, acct, model.User{UserName: "Alice", UserID: "AIDAEXAMPLE0000000001", Path: "/", CreateDate: created}); err != nil {
			return err
		}
		return tx.AddUserToGroup(ctx, acct, "ml-team", "alice")
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Names are unique without regard to case.
	err = s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.CreateUser(ctx, acct, model.User{UserName: "ALICE", UserID: "AIDAEXAMPLE0000000002", Path: "/"})
	})
	fmt.Println("create ALICE:", errors.Is(err, store.ErrConflict))

	_ = s.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		groups, err := tx.ListGroupsForUser(ctx, acct, "ALICE", store.ListOptions{})
		if err != nil {
			return err
		}
		for _, g := range groups.Items {
			fmt.Println("Alice is in", g.GroupName)
		}
		return nil
	})
	// Output:
	// create ALICE: true
	// Alice is in ML-Team
}
