package sagemaker_test

import (
	"context"
	"errors"
	"testing"

	"abacus/internal/service/sagemaker"
)

// FuzzTagResourceARN feeds arbitrary ARNs to the tag operations, whose
// authorization and handlers parse them: nothing panics, and every failure
// is a SageMaker client error (the ARN names nothing taggable).
func FuzzTagResourceARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb",
		"arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/Alice",
		"arn:aws:sagemaker:us-east-1:123456789012:app/d-abc/alice/jupyterserver/default",
		"arn:aws:sagemaker:us-east-1:999999999999:domain/d-abc",
		"arn:aws:s3:::bucket", "arn:aws:sagemaker:::", "arn:aws:sagemaker:r:a:t", "", "::::::",
	} {
		f.Add(s)
	}
	fx := newFixture(f)
	ctx := context.Background()
	if _, err := fx.svc.CreateNotebookInstance(ctx, at(0), &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "nb", InstanceType: "ml.t3.medium", RoleArn: role}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		for _, name := range []string{"AddTags", "DeleteTags", "ListTags"} {
			e, _ := fx.reg.Lookup("sagemaker", name)
			var in any
			switch name {
			case "AddTags":
				in = &sagemaker.AddTagsInput{ResourceArn: arn, Tags: []sagemaker.Tag{{Key: "k", Value: "v"}}}
			case "DeleteTags":
				in = &sagemaker.DeleteTagsInput{ResourceArn: arn, TagKeys: []string{"k"}}
			default:
				in = &sagemaker.ListTagsInput{ResourceArn: arn}
			}
			if _, err := e.Authorize(ctx, at(delay), in); err != nil {
				t.Fatalf("%s authorize %q: %v", name, arn, err)
			}
			if _, err := e.Handle(ctx, at(delay), in); err != nil {
				var se *sagemaker.Error
				if !errors.As(err, &se) {
					t.Fatalf("%s %q: %v is not a SageMaker error", name, arn, err)
				}
			}
		}
	})
}

// FuzzNextToken: List* with arbitrary NextTokens never panics and refuses
// a foreign token with ValidationException.
func FuzzNextToken(f *testing.F) {
	for _, s := range []string{"", "bm90ZWJvb2staW5zdGFuY2VzOjE", "ZG9tYWluczox", "!!", "bm90ZWJvb2staW5zdGFuY2VzOi0x", "bm90ZWJvb2staW5zdGFuY2VzOjk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"} {
		f.Add(s)
	}
	fx := newFixture(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, tok string) {
		_, err := fx.svc.ListNotebookInstances(ctx, at(0), &sagemaker.ListNotebookInstancesInput{NextToken: &tok})
		if err != nil && code(err) != sagemaker.CodeValidation {
			t.Fatalf("token %q: %v", tok, err)
		}
		_, err = fx.svc.ListDomains(ctx, at(0), &sagemaker.ListDomainsInput{NextToken: &tok})
		if err != nil && code(err) != sagemaker.CodeValidation {
			t.Fatalf("token %q: %v", tok, err)
		}
	})
}
