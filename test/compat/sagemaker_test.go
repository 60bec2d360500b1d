package compat

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/aws/smithy-go"
)

// smDelay is how long SageMaker's transitional statuses last in these
// tests.
const smDelay = "300ms"

// smMessage returns an API error's message.
func smMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// smNotebookStatus waits (polling, bounded) until the notebook instance has
// the wanted status and fails the test if it never does.
func smNotebookStatus(t *testing.T, sm *sagemaker.Client, name string, want smtypes.NotebookInstanceStatus) *sagemaker.DescribeNotebookInstanceOutput {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := sm.DescribeNotebookInstance(ctx(t), &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String(name)})
		if err != nil {
			t.Fatalf("describe %s: %v", name, err)
		}
		if out.NotebookInstanceStatus == want {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("notebook %s stayed %s, want %s", name, out.NotebookInstanceStatus, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// smExecRole creates the notebook execution role every test passes.
func smExecRole(t *testing.T, admin *iam.Client, name string) string {
	t.Helper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`
	out, err := admin.CreateRole(ctx(t), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

// TestNotebookInstanceLifecycle drives one instance through its state
// machine with the SDK: Pending -> InService, forbidden transitions with
// AWS's ValidationException texts, Stop -> Stopped, Update -> Stopped,
// Start, Stop, Delete -> gone (ValidationException RecordNotFound).
func TestNotebookInstanceLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", smDelay)
	c := ctx(t)
	role := smExecRole(t, iam.NewFromConfig(s.root()), "nb-exec")
	sm := sagemaker.NewFromConfig(s.root())
	const arn = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/mynotebook"

	out, err := sm.CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{
		NotebookInstanceName: aws.String("MyNotebook"), InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.NotebookInstanceArn); got != arn {
		t.Errorf("ARN %s, want the lower-cased name %s", got, arn)
	}
	if _, err := sm.CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{
		NotebookInstanceName: aws.String("mynotebook"), InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role),
	}); apiCode(err) != "ValidationException" {
		t.Errorf("duplicate name without regard to case: %v", err)
	}
	d, err := sm.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")})
	if err != nil {
		t.Fatal(err)
	}
	if d.NotebookInstanceStatus != smtypes.NotebookInstanceStatusPending || d.DirectInternetAccess != "Enabled" || d.RootAccess != "Enabled" ||
		aws.ToInt32(d.VolumeSizeInGB) != 5 || aws.ToString(d.RoleArn) != role || aws.ToString(d.NotebookInstanceName) != "MyNotebook" ||
		aws.ToString(d.Url) != "mynotebook.notebook.us-east-1.sagemaker.aws" {
		t.Errorf("fresh instance: %+v", d)
	}
	if _, err := sm.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")}); smMessage(err) !=
		"Status (Pending) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance ("+arn+")." {
		t.Errorf("stop while Pending: %v", err)
	}
	smNotebookStatus(t, sm, "MyNotebook", smtypes.NotebookInstanceStatusInService)

	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"start while InService", func() error {
			_, err := sm.StartNotebookInstance(c, &sagemaker.StartNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")})
			return err
		}, "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Pending) for Notebook Instance (" + arn + ")."},
		{"delete while InService", func() error {
			_, err := sm.DeleteNotebookInstance(c, &sagemaker.DeleteNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")})
			return err
		}, "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Deleting) for Notebook Instance (" + arn + ")."},
		{"update while InService", func() error {
			_, err := sm.UpdateNotebookInstance(c, &sagemaker.UpdateNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook"), VolumeSizeInGB: aws.Int32(10)})
			return err
		}, "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Updating) for Notebook Instance (" + arn + ")."},
	}
	for _, tt := range tests {
		err := tt.call()
		if apiCode(err) != "ValidationException" || smMessage(err) != tt.want {
			t.Errorf("%s: %v, want ValidationException %q", tt.name, err, tt.want)
		}
	}

	if _, err := sm.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")}); smMessage(err) !=
		"Status (Stopping) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance ("+arn+")." {
		t.Errorf("stop while Stopping: %v", err)
	}
	smNotebookStatus(t, sm, "MyNotebook", smtypes.NotebookInstanceStatusStopped)
	if _, err := sm.UpdateNotebookInstance(c, &sagemaker.UpdateNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook"),
		VolumeSizeInGB: aws.Int32(20), RootAccess: smtypes.RootAccessDisabled}); err != nil {
		t.Fatal(err)
	}
	d = smNotebookStatus(t, sm, "MyNotebook", smtypes.NotebookInstanceStatusStopped)
	if aws.ToInt32(d.VolumeSizeInGB) != 20 || d.RootAccess != smtypes.RootAccessDisabled {
		t.Errorf("update not applied: %+v", d)
	}
	if _, err := sm.DeleteNotebookInstance(c, &sagemaker.DeleteNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := sm.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")})
		if err != nil {
			if apiCode(err) != "ValidationException" || !strings.Contains(smMessage(err), "RecordNotFound") {
				t.Fatalf("deleted instance: %v, want ValidationException RecordNotFound", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("instance never went away")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
