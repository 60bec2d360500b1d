package sagemaker_test

import (
	"regexp"
	"testing"

	"abacus/internal/protocol/shapecheck"
	"abacus/internal/service/sagemaker"
)

// TestShapesAgainstBotocore proves that the notebook, Studio, presigned-URL
// and tag operations' types match botocore's SageMaker model (member names,
// types, required members). Settings documents (UserSettings,
// DomainSettings, ...) are kept as JSON documents and are not checked
// member by member.
func TestShapesAgainstBotocore(t *testing.T) {
	t.Parallel()
	c := shapecheck.New(t)
	tests := []struct {
		op      string
		in, out any
	}{
		{"CreateNotebookInstance", &sagemaker.CreateNotebookInstanceInput{}, &sagemaker.CreateNotebookInstanceOutput{}},
		{"DescribeNotebookInstance", &sagemaker.NotebookInstanceNameInput{}, &sagemaker.DescribeNotebookInstanceOutput{}},
		{"ListNotebookInstances", &sagemaker.ListNotebookInstancesInput{}, &sagemaker.ListNotebookInstancesOutput{}},
		{"StartNotebookInstance", &sagemaker.NotebookInstanceNameInput{}, nil},
		{"StopNotebookInstance", &sagemaker.NotebookInstanceNameInput{}, nil},
		{"DeleteNotebookInstance", &sagemaker.NotebookInstanceNameInput{}, nil},
		{"UpdateNotebookInstance", &sagemaker.UpdateNotebookInstanceInput{}, &sagemaker.EmptyOutput{}},
		{"CreatePresignedNotebookInstanceUrl", &sagemaker.CreatePresignedNotebookInstanceUrlInput{}, &sagemaker.CreatePresignedNotebookInstanceUrlOutput{}},
		{"CreatePresignedDomainUrl", &sagemaker.CreatePresignedDomainUrlInput{}, &sagemaker.CreatePresignedDomainUrlOutput{}},
		{"AddTags", &sagemaker.AddTagsInput{}, &sagemaker.AddTagsOutput{}},
		{"DeleteTags", &sagemaker.DeleteTagsInput{}, &sagemaker.DeleteTagsOutput{}},
		{"ListTags", &sagemaker.ListTagsInput{}, &sagemaker.ListTagsOutput{}},
		{"CreateDomain", &sagemaker.CreateDomainInput{}, &sagemaker.CreateDomainOutput{}},
		{"DescribeDomain", &sagemaker.DomainIDInput{}, &sagemaker.DescribeDomainOutput{}},
		{"ListDomains", &sagemaker.ListDomainsInput{}, &sagemaker.ListDomainsOutput{}},
		{"UpdateDomain", &sagemaker.UpdateDomainInput{}, &sagemaker.UpdateDomainOutput{}},
		{"DeleteDomain", &sagemaker.DeleteDomainInput{}, nil},
		{"CreateUserProfile", &sagemaker.CreateUserProfileInput{}, &sagemaker.CreateUserProfileOutput{}},
		{"DescribeUserProfile", &sagemaker.UserProfileInput{}, &sagemaker.DescribeUserProfileOutput{}},
		{"ListUserProfiles", &sagemaker.ListUserProfilesInput{}, &sagemaker.ListUserProfilesOutput{}},
		{"UpdateUserProfile", &sagemaker.UpdateUserProfileInput{}, &sagemaker.UpdateUserProfileOutput{}},
		{"DeleteUserProfile", &sagemaker.UserProfileInput{}, nil},
		{"CreateApp", &sagemaker.CreateAppInput{}, &sagemaker.CreateAppOutput{}},
		{"DescribeApp", &sagemaker.AppInput{}, &sagemaker.DescribeAppOutput{}},
		{"ListApps", &sagemaker.ListAppsInput{}, &sagemaker.ListAppsOutput{}},
		{"DeleteApp", &sagemaker.AppInput{}, nil},
	}
	documents := regexp.MustCompile(`\.(DefaultSpaceSettings|DefaultUserSettings|DomainSettings|DomainSettingsForUpdate|RetentionPolicy|UserSettings|ResourceSpec): Go type interface \{\} does not fit structure shape`)
	for _, tt := range tests {
		for _, p := range c.Problems("sagemaker", tt.op, tt.in, tt.out, shapecheck.Required()) {
			if !documents.MatchString(p) {
				t.Errorf("%s: %s", tt.op, p)
			}
		}
	}
}
