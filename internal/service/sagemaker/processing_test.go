package sagemaker_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/op"
	"abacus/internal/service/sagemaker"
)

func processingInput(name string) *sagemaker.CreateProcessingJobInput {
	return &sagemaker.CreateProcessingJobInput{
		ProcessingJobName: name,
		RoleArn:           jobsRole,
		AppSpecification:  &sagemaker.AppSpecification{ImageUri: "img:1"},
		ProcessingResources: &sagemaker.ProcessingResources{ClusterConfig: sagemaker.ProcessingClusterConfig{
			InstanceCount: 1, InstanceType: "ml.m5.xlarge", VolumeSizeInGB: 30, VolumeKmsKeyId: sp("arn:aws:kms:us-east-1:123456789012:key/v")}},
		StoppingCondition: &sagemaker.ProcessingStoppingCondition{MaxRuntimeInSeconds: 600},
		NetworkConfig: &sagemaker.NetworkConfig{EnableInterContainerTrafficEncryption: bp(true),
			VpcConfig: &sagemaker.VpcConfig{Subnets: []string{"subnet-1"}, SecurityGroupIds: []string{"sg-1", "sg-2"}}},
		ProcessingOutputConfig: &sagemaker.ProcessingOutputConfig{KmsKeyId: sp("arn:aws:kms:us-east-1:123456789012:key/o"),
			Outputs: []sagemaker.ProcessingOutput{{OutputName: "out", S3Output: &sagemaker.ProcessingS3Output{S3Uri: "s3://b/o", LocalPath: sp("/opt/ml/processing/output"), S3UploadMode: "EndOfJob"}}}},
	}
}

// TestProcessingJob: the condition keys of CreateProcessingJob, InProgress
// -> Completed on the clock, Stop -> Stopping -> Stopped, Delete of a
// running job refused and of a finished one immediate.
func TestProcessingJob(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	arn := "arn:aws:sagemaker:us-east-1:123456789012:processing-job/prep"
	_, checks, err := f.do(t, "CreateProcessingJob", call(0), processingInput("Prep"))
	if err != nil {
		t.Fatal(err)
	}
	want := []op.Check{
		{Action: "sagemaker:CreateProcessingJob", Resource: arn, Context: map[string][]string{
			"sagemaker:InstanceTypes":                   {"ml.m5.xlarge"},
			"sagemaker:InterContainerTrafficEncryption": {"true"},
			"sagemaker:NetworkIsolation":                {"false"},
			"sagemaker:VpcSubnets":                      {"subnet-1"},
			"sagemaker:VpcSecurityGroupIds":             {"sg-1", "sg-2"},
			"sagemaker:VolumeKmsKeyArn":                 {"arn:aws:kms:us-east-1:123456789012:key/v"},
			"sagemaker:VolumeKmsKey":                    {"arn:aws:kms:us-east-1:123456789012:key/v"},
			"sagemaker:OutputKmsKeyArn":                 {"arn:aws:kms:us-east-1:123456789012:key/o"},
			"sagemaker:OutputKmsKey":                    {"arn:aws:kms:us-east-1:123456789012:key/o"},
			"sagemaker:MaxRuntimeInSeconds":             {"600"},
		}},
		{Action: "iam:PassRole", Resource: jobsRole, Context: map[string][]string{"iam:PassedToService": {"sagemaker.amazonaws.com"}}},
	}
	if diff := cmp.Diff(want, checks); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	describe := func(name string, d time.Duration) *sagemaker.DescribeProcessingJobOutput {
		return f.must(t, "DescribeProcessingJob", call(d), &sagemaker.ProcessingJobNameInput{ProcessingJobName: name}).(*sagemaker.DescribeProcessingJobOutput)
	}
	if d := describe("prep", 5*time.Second); d.ProcessingJobStatus != "InProgress" || d.ProcessingEndTime != nil || d.ProcessingJobArn != arn {
		t.Errorf("running: %+v", d)
	}
	if d := describe("prep", 20*time.Second); d.ProcessingJobStatus != "Completed" || d.ProcessingEndTime == nil || !d.ProcessingEndTime.Equal(jobsT0.Add(20*time.Second)) {
		t.Errorf("completed: %+v", d)
	}
	f.must(t, "CreateProcessingJob", call(0), processingInput("other"))
	if _, _, err := f.do(t, "DeleteProcessingJob", call(time.Second), &sagemaker.ProcessingJobNameInput{ProcessingJobName: "other"}); codeOf(err) != sagemaker.CodeInUse {
		t.Errorf("delete a running job: %v", err)
	}
	if _, _, err := f.do(t, "CreateProcessingJob", call(time.Second), processingInput("OTHER")); codeOf(err) != sagemaker.CodeInUse {
		t.Errorf("duplicate: %v", err)
	}
	f.must(t, "StopProcessingJob", call(2*time.Second), &sagemaker.ProcessingJobNameInput{ProcessingJobName: "other"})
	if d := describe("other", 3*time.Second); d.ProcessingJobStatus != "Stopping" {
		t.Errorf("stopping: %s", d.ProcessingJobStatus)
	}
	if d := describe("other", 12*time.Second); d.ProcessingJobStatus != "Stopped" {
		t.Errorf("stopped: %s", d.ProcessingJobStatus)
	}
	l := f.must(t, "ListProcessingJobs", call(12*time.Second), &sagemaker.ListProcessingJobsInput{StatusEquals: sp("Stopped")}).(*sagemaker.ListProcessingJobsOutput)
	if len(l.ProcessingJobSummaries) != 1 || l.ProcessingJobSummaries[0].ProcessingJobName != "other" {
		t.Errorf("list stopped: %+v", l.ProcessingJobSummaries)
	}
	f.must(t, "DeleteProcessingJob", call(13*time.Second), &sagemaker.ProcessingJobNameInput{ProcessingJobName: "other"})
	if _, _, err := f.do(t, "DescribeProcessingJob", call(13*time.Second), &sagemaker.ProcessingJobNameInput{ProcessingJobName: "other"}); codeOf(err) != sagemaker.CodeValidation ||
		err.(*sagemaker.Error).Message != "Could not find requested job with name other" {
		t.Errorf("deleted: %v", err)
	}
}
