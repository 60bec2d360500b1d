package iam_test

import (
	"fmt"
	"testing"

	"abacus/internal/op"
	"abacus/internal/service/iam"
)

// BenchmarkSeedManagedPolicies measures storing every AWS managed policy in
// a fresh store (the first start of a server).
func BenchmarkSeedManagedPolicies(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b)
		b.StartTimer()
		if err := f.svc.SeedManagedPolicies(f.ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateUser measures one CreateUser transaction.
func BenchmarkCreateUser(b *testing.B) {
	f := newFixture(b)
	i := 0
	for b.Loop() {
		i++
		if _, err := f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: fmt.Sprintf("u%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetRole measures one GetRole read.
func BenchmarkGetRole(b *testing.B) {
	f := newFixture(b)
	f.createRole(b, "r")
	for b.Loop() {
		if _, err := f.svc.GetRole(f.ctx, f.c, &iam.GetRoleInput{RoleName: "r"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimulateCustomPolicy measures a simulation of five actions on
// two resources (parse, compile and evaluate per call).
func BenchmarkSimulateCustomPolicy(b *testing.B) {
	f := newFixture(b)
	in := &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{sageMakerPolicy},
		ActionNames: []string{"sagemaker:CreateNotebookInstance", "sagemaker:StartNotebookInstance", "sagemaker:StopNotebookInstance",
			"sagemaker:DescribeNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"},
		ResourceArns: []string{"arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/dev-1", "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/prod-1"},
	}
	for b.Loop() {
		if _, err := f.svc.SimulateCustomPolicy(f.ctx, f.c, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthorizeAttachUserPolicy measures building the checks of one
// call that reads the user's path, tags and boundary from the store.
func BenchmarkAuthorizeAttachUserPolicy(b *testing.B) {
	var r op.Registry
	f := newFixture(b)
	iam.Register(&r, f.svc)
	f.createUser(b, "alice")
	e, _ := r.Lookup("iam", "AttachUserPolicy")
	in := &iam.AttachUserPolicyInput{UserName: "alice", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess"}
	for b.Loop() {
		if _, err := e.Authorize(f.ctx, f.c, in); err != nil {
			b.Fatal(err)
		}
	}
}
