package sagemaker_test

import (
	"context"
	"fmt"
	"testing"

	"abacus/internal/service/sagemaker"
)

// BenchmarkNotebookOperations measures the service's share of a request
// (Authorize, which loads the resource's tags, then Handle) on the embedded
// SQLite store, without HTTP, signing or policy evaluation.
func BenchmarkNotebookOperations(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	for i := range 100 {
		if _, err := f.svc.CreateNotebookInstance(ctx, at(0), &sagemaker.CreateNotebookInstanceInput{
			NotebookInstanceName: fmt.Sprintf("nb-%03d", i), InstanceType: "ml.t3.medium", RoleArn: role,
			Tags: []sagemaker.Tag{{Key: "team", Value: "ml"}}}); err != nil {
			b.Fatal(err)
		}
	}
	run := func(b *testing.B, op string, in any) {
		e, _ := f.reg.Lookup("sagemaker", op)
		c := at(delay)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Authorize(ctx, c, in); err != nil {
				b.Fatal(err)
			}
			if _, err := e.Handle(ctx, c, in); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("Describe", func(b *testing.B) {
		run(b, "DescribeNotebookInstance", &sagemaker.NotebookInstanceNameInput{NotebookInstanceName: "nb-050"})
	})
	b.Run("List100", func(b *testing.B) {
		run(b, "ListNotebookInstances", &sagemaker.ListNotebookInstancesInput{MaxResults: new(int32(100))})
	})
	b.Run("AddTags", func(b *testing.B) {
		run(b, "AddTags", &sagemaker.AddTagsInput{ResourceArn: "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb-050",
			Tags: []sagemaker.Tag{{Key: "owner", Value: "alice"}}})
	})
}
