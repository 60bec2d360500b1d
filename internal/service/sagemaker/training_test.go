package sagemaker_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/protocol/shapecheck"
	"abacus/internal/service/sagemaker"
	"abacus/internal/store/sqlite"
)

const jobsAcct = model.AccountID("123456789012")

var jobsT0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const jobsDelay = 10 * time.Second

const jobsRole = "arn:aws:iam::123456789012:role/exec"

// jobsFixture is a SageMaker service with its job, model and endpoint
// operations on an in-memory store, a clock the test moves, and file
// system lookups that know the file systems in fs.
type jobsFixture struct {
	jobs *sagemaker.Jobs
	reg  *op.Registry
	ctx  context.Context
	fs   map[string]bool
}

func newJobsFixture(t testing.TB) *jobsFixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &jobsFixture{ctx: ctx, reg: &op.Registry{}, fs: map[string]bool{}}
	lookup := sagemaker.FileSystemLookupFunc(func(_ context.Context, _ model.AccountID, _ string, id string) (bool, error) {
		return f.fs[id], nil
	})
	svc := sagemaker.New(sagemaker.Options{Store: st, Delay: jobsDelay})
	f.jobs = sagemaker.NewJobs(svc, sagemaker.JobOptions{EFS: lookup, FSx: lookup})
	sagemaker.RegisterJobs(f.reg, f.jobs)
	return f
}

// call is a root caller's call at t0+d.
func call(d time.Duration) *op.Call {
	return &op.Call{Account: jobsAcct, Region: "us-east-1", Now: jobsT0.Add(d), Service: "sagemaker", RequestID: "req-" + d.String(),
		Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: jobsAcct, ARN: "arn:aws:iam::123456789012:root", ID: string(jobsAcct)}}
}

func sp(s string) *string { return &s }
func i32(v int32) *int32  { return &v }
func bp(b bool) *bool     { return &b }

// do runs an operation through its registry entry: Authorize (whose
// checks it returns), then Handle.
func (f *jobsFixture) do(t testing.TB, name string, c *op.Call, in any) (any, []op.Check, error) {
	t.Helper()
	e, ok := f.reg.Lookup("sagemaker", name)
	if !ok {
		t.Fatalf("%s is not registered", name)
	}
	checks, err := e.Authorize(f.ctx, c, in)
	if err != nil {
		return nil, checks, err
	}
	out, err := e.Handle(f.ctx, c, in)
	return out, checks, err
}

// must is do that fails the test on an error.
func (f *jobsFixture) must(t testing.TB, name string, c *op.Call, in any) any {
	t.Helper()
	out, _, err := f.do(t, name, c, in)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

func codeOf(err error) string {
	var e *sagemaker.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func trainingInput(name string) *sagemaker.CreateTrainingJobInput {
	return &sagemaker.CreateTrainingJobInput{
		TrainingJobName:        name,
		RoleArn:                jobsRole,
		AlgorithmSpecification: &sagemaker.AlgorithmSpecification{TrainingImage: sp("img:1"), TrainingInputMode: "File"},
		OutputDataConfig:       &sagemaker.OutputDataConfig{S3OutputPath: "s3://bucket/out/"},
		ResourceConfig:         &sagemaker.ResourceConfig{InstanceType: sp("ml.m5.large"), InstanceCount: i32(1), VolumeSizeInGB: i32(10)},
		StoppingCondition:      &sagemaker.StoppingCondition{MaxRuntimeInSeconds: i32(3600)},
	}
}

// TestJobShapes proves that every operation RegisterJobs registers has
// input and output types that agree with botocore's SageMaker model.
func TestJobShapes(t *testing.T) {
	c := shapecheck.New(t)
	m, err := c.Model("sagemaker")
	if err != nil {
		t.Fatal(err)
	}
	f := newJobsFixture(t)
	if n := len(f.reg.Entries()); n != 24 {
		t.Errorf("RegisterJobs registered %d operations, want 24", n)
	}
	for _, e := range f.reg.Entries() {
		in := reflect.New(e.InputType()).Interface()
		var out any = reflect.New(e.OutputType()).Interface()
		if m.Operations[e.Name()].Output == nil {
			out = nil
		}
		c.Check(t, "sagemaker", e.Name(), in, out, shapecheck.Required())
	}
}

// TestTrainingProgression follows a job through InProgress (its secondary
// phases, one delay each) to Completed, and another through Stopping to
// Stopped and Deleting to gone, on the injected clock.
func TestTrainingProgression(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	out := f.must(t, "CreateTrainingJob", call(0), trainingInput("Job-A")).(*sagemaker.CreateTrainingJobOutput)
	if want := "arn:aws:sagemaker:us-east-1:123456789012:training-job/job-a"; out.TrainingJobArn != want {
		t.Errorf("ARN %s, want the lower-cased name %s", out.TrainingJobArn, want)
	}
	tests := []struct {
		at                   time.Duration
		status, secondary    string
		transitions          []string
		artifacts, ended     bool
		trainingTimeInSecond int32
	}{
		{0, "InProgress", "Starting", []string{"Starting"}, false, false, 0},
		{15 * time.Second, "InProgress", "Downloading", []string{"Starting", "Downloading"}, false, false, 0},
		{25 * time.Second, "InProgress", "Training", []string{"Starting", "Downloading", "Training"}, false, false, 0},
		{35 * time.Second, "InProgress", "Uploading", []string{"Starting", "Downloading", "Training", "Uploading"}, false, false, 0},
		{45 * time.Second, "Completed", "Completed", []string{"Starting", "Downloading", "Training", "Uploading", "Completed"}, true, true, 40},
	}
	for _, tt := range tests {
		d := f.must(t, "DescribeTrainingJob", call(tt.at), &sagemaker.TrainingJobNameInput{TrainingJobName: "job-a"}).(*sagemaker.DescribeTrainingJobOutput)
		var tr []string
		for _, x := range d.SecondaryStatusTransitions {
			tr = append(tr, x.Status)
		}
		if d.TrainingJobStatus != tt.status || d.SecondaryStatus != tt.secondary || !cmp.Equal(tr, tt.transitions) {
			t.Errorf("at %v: %s/%s %v, want %s/%s %v", tt.at, d.TrainingJobStatus, d.SecondaryStatus, tr, tt.status, tt.secondary, tt.transitions)
		}
		if got := d.ModelArtifacts.S3ModelArtifacts != ""; got != tt.artifacts {
			t.Errorf("at %v: model artifacts %q", tt.at, d.ModelArtifacts.S3ModelArtifacts)
		}
		if (d.TrainingEndTime != nil) != tt.ended || (tt.ended && *d.TrainingTimeInSeconds != tt.trainingTimeInSecond) {
			t.Errorf("at %v: end %v, time %v", tt.at, d.TrainingEndTime, d.TrainingTimeInSeconds)
		}
	}
	if d := f.must(t, "DescribeTrainingJob", call(time.Hour), &sagemaker.TrainingJobNameInput{TrainingJobName: "Job-A"}).(*sagemaker.DescribeTrainingJobOutput); d.ModelArtifacts.S3ModelArtifacts != "s3://bucket/out/Job-A/output/model.tar.gz" {
		t.Errorf("artifacts %s", d.ModelArtifacts.S3ModelArtifacts)
	}

	f.must(t, "CreateTrainingJob", call(0), trainingInput("job-b"))
	f.must(t, "StopTrainingJob", call(12*time.Second), &sagemaker.TrainingJobNameInput{TrainingJobName: "job-b"})
	for _, tt := range []struct {
		at                time.Duration
		status, secondary string
	}{{15 * time.Second, "Stopping", "Stopping"}, {22 * time.Second, "Stopped", "Stopped"}} {
		d := f.must(t, "DescribeTrainingJob", call(tt.at), &sagemaker.TrainingJobNameInput{TrainingJobName: "job-b"}).(*sagemaker.DescribeTrainingJobOutput)
		if d.TrainingJobStatus != tt.status || d.SecondaryStatus != tt.secondary {
			t.Errorf("stopped job at %v: %s/%s, want %s/%s", tt.at, d.TrainingJobStatus, d.SecondaryStatus, tt.status, tt.secondary)
		}
	}
	if _, _, err := f.do(t, "StopTrainingJob", call(30*time.Second), &sagemaker.TrainingJobNameInput{TrainingJobName: "job-b"}); codeOf(err) != sagemaker.CodeValidation {
		t.Errorf("stop a stopped job: %v, want ValidationException", err)
	}
	f.must(t, "DeleteTrainingJob", call(30*time.Second), &sagemaker.TrainingJobNameInput{TrainingJobName: "job-b"})
	if d := f.must(t, "DescribeTrainingJob", call(31*time.Second), &sagemaker.TrainingJobNameInput{TrainingJobName: "job-b"}).(*sagemaker.DescribeTrainingJobOutput); d.TrainingJobStatus != "Deleting" || d.SecondaryStatus != "Stopped" {
		t.Errorf("deleting job: %s/%s", d.TrainingJobStatus, d.SecondaryStatus)
	}
	_, _, err := f.do(t, "DescribeTrainingJob", call(41*time.Second), &sagemaker.TrainingJobNameInput{TrainingJobName: "job-b"})
	if codeOf(err) != sagemaker.CodeValidation || err.(*sagemaker.Error).Message != "Requested resource not found." {
		t.Errorf("deleted job: %v, want ValidationException Requested resource not found.", err)
	}
	// The name is free again once the deletion has finished.
	f.must(t, "CreateTrainingJob", call(42*time.Second), trainingInput("job-b"))
}

// TestTrainingErrors checks AWS's answers to invalid and conflicting
// calls, and that they change nothing.
func TestTrainingErrors(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	f.must(t, "CreateTrainingJob", call(0), trainingInput("job"))
	badRole := trainingInput("job2")
	badRole.RoleArn = "not-a-role"
	noOut := trainingInput("job3")
	noOut.OutputDataConfig = &sagemaker.OutputDataConfig{S3OutputPath: "/local"}
	twoSources := trainingInput("job4")
	twoSources.InputDataConfig = []sagemaker.Channel{{ChannelName: "train", DataSource: sagemaker.DataSource{
		S3DataSource:         &sagemaker.S3DataSource{S3DataType: "S3Prefix", S3Uri: "s3://b/p"},
		FileSystemDataSource: &sagemaker.FileSystemDataSource{FileSystemId: "fs-1", FileSystemAccessMode: "ro", FileSystemType: "EFS", DirectoryPath: "/x"}}}}
	badMode := trainingInput("job5")
	badMode.InputDataConfig = []sagemaker.Channel{{ChannelName: "train", DataSource: sagemaker.DataSource{
		FileSystemDataSource: &sagemaker.FileSystemDataSource{FileSystemId: "fs-1", FileSystemAccessMode: "rwx", FileSystemType: "EFS", DirectoryPath: "/x"}}}}
	missingFS := trainingInput("job6")
	missingFS.InputDataConfig = []sagemaker.Channel{{ChannelName: "train", DataSource: sagemaker.DataSource{
		FileSystemDataSource: &sagemaker.FileSystemDataSource{FileSystemId: "fs-0123456789abcdef0", FileSystemAccessMode: "ro", FileSystemType: "FSxLustre", DirectoryPath: "/fsx/users/alice"}}}}
	badTag := trainingInput("job7")
	badTag.Tags = []sagemaker.Tag{{Key: "aws:owner", Value: "x"}}
	tests := []struct {
		name string
		op   string
		in   any
		code string
		msg  string
	}{
		{"duplicate name", "CreateTrainingJob", trainingInput("JOB"), sagemaker.CodeInUse,
			"Training job names must be unique within an AWS account and region, and a training job with this name already exists (arn:aws:sagemaker:us-east-1:123456789012:training-job/job)"},
		{"bad name", "CreateTrainingJob", trainingInput("bad_name"), sagemaker.CodeValidation, ""},
		{"bad role", "CreateTrainingJob", badRole, sagemaker.CodeValidation, ""},
		{"output not in S3", "CreateTrainingJob", noOut, sagemaker.CodeValidation, ""},
		{"two data sources", "CreateTrainingJob", twoSources, sagemaker.CodeValidation, ""},
		{"bad access mode", "CreateTrainingJob", badMode, sagemaker.CodeValidation, ""},
		{"file system does not exist", "CreateTrainingJob", missingFS, sagemaker.CodeValidation,
			"The file system fs-0123456789abcdef0 of type FSxLustre does not exist in this account and region."},
		{"reserved tag key", "CreateTrainingJob", badTag, sagemaker.CodeValidation, ""},
		{"delete a running job", "DeleteTrainingJob", &sagemaker.TrainingJobNameInput{TrainingJobName: "job"}, sagemaker.CodeInUse, ""},
		{"describe a missing job", "DescribeTrainingJob", &sagemaker.TrainingJobNameInput{TrainingJobName: "nope"}, sagemaker.CodeValidation, "Requested resource not found."},
		{"stop a missing job", "StopTrainingJob", &sagemaker.TrainingJobNameInput{TrainingJobName: "nope"}, sagemaker.CodeValidation, "Requested resource not found."},
		{"keep-alive out of range", "UpdateTrainingJob", &sagemaker.UpdateTrainingJobInput{TrainingJobName: "job",
			ResourceConfig: &sagemaker.ResourceConfigForUpdate{KeepAlivePeriodInSeconds: 4000}}, sagemaker.CodeValidation, ""},
		{"bad sort", "ListTrainingJobs", &sagemaker.ListTrainingJobsInput{SortBy: sp("Size")}, sagemaker.CodeValidation, ""},
		{"foreign token", "ListTrainingJobs", &sagemaker.ListTrainingJobsInput{NextToken: sp("xyz")}, sagemaker.CodeValidation, "Invalid pagination token."},
	}
	for _, tt := range tests {
		_, _, err := f.do(t, tt.op, call(time.Second), tt.in)
		if codeOf(err) != tt.code || (tt.msg != "" && err.(*sagemaker.Error).Message != tt.msg) {
			t.Errorf("%s: %v, want %s %q", tt.name, err, tt.code, tt.msg)
		}
	}
	l := f.must(t, "ListTrainingJobs", call(2*time.Second), &sagemaker.ListTrainingJobsInput{}).(*sagemaker.ListTrainingJobsOutput)
	if len(l.TrainingJobSummaries) != 1 {
		t.Errorf("failed creates left jobs behind: %+v", l.TrainingJobSummaries)
	}
	f.fs["fs-0123456789abcdef0"] = true
	f.must(t, "CreateTrainingJob", call(3*time.Second), missingFS)
}

// TestCreateTrainingJobChecks pins the checks CreateTrainingJob asks for:
// the request's condition keys as the Service Authorization Reference
// lists them (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html),
// tag-on-create as sagemaker:AddTags, iam:PassRole with
// iam:PassedToService, and one extra check per further file-system
// channel.
func TestCreateTrainingJobChecks(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	in := trainingInput("ft")
	in.ResourceConfig.InstanceGroups = []sagemaker.InstanceGroup{{InstanceType: "ml.p4d.24xlarge", InstanceCount: 1, InstanceGroupName: "g"}}
	in.ProfilerRuleConfigurations = []sagemaker.RuleConfiguration{{RuleConfigurationName: "r", RuleEvaluatorImage: "rules:1", InstanceType: sp("ml.c5.xlarge")}}
	in.ResourceConfig.VolumeKmsKeyId = sp("arn:aws:kms:us-east-1:123456789012:key/v")
	in.ResourceConfig.KeepAlivePeriodInSeconds = i32(600)
	in.OutputDataConfig.KmsKeyId = sp("arn:aws:kms:us-east-1:123456789012:key/o")
	in.VpcConfig = &sagemaker.VpcConfig{Subnets: []string{"subnet-1"}, SecurityGroupIds: []string{"sg-1"}}
	in.EnableNetworkIsolation = bp(true)
	in.RemoteDebugConfig = &sagemaker.RemoteDebugConfig{EnableRemoteDebug: bp(true)}
	in.Tags = []sagemaker.Tag{{Key: "team", Value: "ml"}}
	in.InputDataConfig = []sagemaker.Channel{
		{ChannelName: "s3", DataSource: sagemaker.DataSource{S3DataSource: &sagemaker.S3DataSource{S3DataType: "S3Prefix", S3Uri: "s3://b/p"}}},
		{ChannelName: "mine", DataSource: sagemaker.DataSource{FileSystemDataSource: &sagemaker.FileSystemDataSource{
			FileSystemId: "fs-0123456789abcdef0", FileSystemAccessMode: "rw", FileSystemType: "FSxLustre", DirectoryPath: "/fsx/users/alice"}}},
		{ChannelName: "shared", DataSource: sagemaker.DataSource{FileSystemDataSource: &sagemaker.FileSystemDataSource{
			FileSystemId: "fs-12345678", FileSystemAccessMode: "ro", FileSystemType: "EFS", DirectoryPath: "/shared"}}},
	}
	_, checks, err := f.do(t, "CreateTrainingJob", call(0), in)
	if err == nil || codeOf(err) != sagemaker.CodeValidation {
		t.Fatalf("file systems unknown to the lookups: %v", err)
	}
	arn := "arn:aws:sagemaker:us-east-1:123456789012:training-job/ft"
	base := map[string][]string{
		"sagemaker:InstanceTypes":                   {"ml.m5.large", "ml.p4d.24xlarge", "ml.c5.xlarge"},
		"sagemaker:VolumeKmsKeyArn":                 {"arn:aws:kms:us-east-1:123456789012:key/v"},
		"sagemaker:VolumeKmsKey":                    {"arn:aws:kms:us-east-1:123456789012:key/v"},
		"sagemaker:OutputKmsKeyArn":                 {"arn:aws:kms:us-east-1:123456789012:key/o"},
		"sagemaker:OutputKmsKey":                    {"arn:aws:kms:us-east-1:123456789012:key/o"},
		"sagemaker:KeepAlivePeriod":                 {"600"},
		"sagemaker:VpcSubnets":                      {"subnet-1"},
		"sagemaker:VpcSecurityGroupIds":             {"sg-1"},
		"sagemaker:MaxRuntimeInSeconds":             {"3600"},
		"sagemaker:NetworkIsolation":                {"true"},
		"sagemaker:InterContainerTrafficEncryption": {"false"},
		"sagemaker:EnableRemoteDebug":               {"true"},
		"sagemaker:FileSystemId":                    {"fs-0123456789abcdef0"},
		"sagemaker:FileSystemAccessMode":            {"rw"},
		"sagemaker:FileSystemType":                  {"FSxLustre"},
		"sagemaker:FileSystemDirectoryPath":         {"/fsx/users/alice"},
		"aws:RequestTag/team":                       {"ml"},
		"aws:TagKeys":                               {"team"},
	}
	second := map[string][]string{}
	for k, v := range base {
		second[k] = v
	}
	second["sagemaker:FileSystemId"] = []string{"fs-12345678"}
	second["sagemaker:FileSystemAccessMode"] = []string{"ro"}
	second["sagemaker:FileSystemType"] = []string{"EFS"}
	second["sagemaker:FileSystemDirectoryPath"] = []string{"/shared"}
	want := []op.Check{
		{Action: "sagemaker:CreateTrainingJob", Resource: arn, Context: base},
		{Action: "sagemaker:AddTags", Resource: arn, Context: map[string][]string{
			"sagemaker:TaggingAction": {"CreateTrainingJob"}, "aws:RequestTag/team": {"ml"}, "aws:TagKeys": {"team"}}},
		{Action: "iam:PassRole", Resource: jobsRole, Context: map[string][]string{"iam:PassedToService": {"sagemaker.amazonaws.com"}}},
		{Action: "sagemaker:CreateTrainingJob", Resource: arn, Context: second},
	}
	if diff := cmp.Diff(want, checks); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
}

// TestTrainingPlanCheck: a job on a training plan is also authorized on
// the plan's ARN, an optional resource of CreateTrainingJob in the Service
// Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerai.html).
func TestTrainingPlanCheck(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	in := trainingInput("planned")
	in.ResourceConfig.TrainingPlanArn = sp("arn:aws:sagemaker:us-east-1:123456789012:training-plan/p1")
	_, checks, err := f.do(t, "CreateTrainingJob", call(0), in)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range checks {
		got = append(got, ch.Action+" "+ch.Resource)
	}
	want := []string{
		"sagemaker:CreateTrainingJob arn:aws:sagemaker:us-east-1:123456789012:training-job/planned",
		"iam:PassRole " + jobsRole,
		"sagemaker:CreateTrainingJob arn:aws:sagemaker:us-east-1:123456789012:training-plan/p1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	l := f.must(t, "ListTrainingJobs", call(time.Second), &sagemaker.ListTrainingJobsInput{TrainingPlanArnEquals: in.ResourceConfig.TrainingPlanArn}).(*sagemaker.ListTrainingJobsOutput)
	if len(l.TrainingJobSummaries) != 1 || l.TrainingJobSummaries[0].TrainingJobName != "planned" {
		t.Errorf("jobs on the plan: %+v", l.TrainingJobSummaries)
	}
}

// TestTrainingResourceChecks: every action on an existing job exposes its
// tags (aws:ResourceTag/* and the sagemaker:ResourceTag/* alias); List*
// authorizes on "*" without tags.
func TestTrainingResourceChecks(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	in := trainingInput("tagged")
	in.Tags = []sagemaker.Tag{{Key: "owner", Value: "alice"}}
	f.must(t, "CreateTrainingJob", call(0), in)
	arn := "arn:aws:sagemaker:us-east-1:123456789012:training-job/tagged"
	tests := []struct {
		op   string
		in   any
		want []op.Check
	}{
		{"DescribeTrainingJob", &sagemaker.TrainingJobNameInput{TrainingJobName: "Tagged"}, []op.Check{{Action: "sagemaker:DescribeTrainingJob", Resource: arn,
			ResourceTags: map[string]string{"owner": "alice"}, TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"StopTrainingJob", &sagemaker.TrainingJobNameInput{TrainingJobName: "tagged"}, []op.Check{{Action: "sagemaker:StopTrainingJob", Resource: arn,
			ResourceTags: map[string]string{"owner": "alice"}, TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"UpdateTrainingJob", &sagemaker.UpdateTrainingJobInput{TrainingJobName: "tagged", ResourceConfig: &sagemaker.ResourceConfigForUpdate{KeepAlivePeriodInSeconds: 60}},
			[]op.Check{{Action: "sagemaker:UpdateTrainingJob", Resource: arn, Context: map[string][]string{"sagemaker:KeepAlivePeriod": {"60"}},
				ResourceTags: map[string]string{"owner": "alice"}, TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"UpdateTrainingJob", &sagemaker.UpdateTrainingJobInput{TrainingJobName: "tagged", ProfilerRuleConfigurations: []sagemaker.RuleConfiguration{
			{RuleConfigurationName: "r", RuleEvaluatorImage: "rules:1", InstanceType: sp("ml.c5.xlarge")}}},
			[]op.Check{{Action: "sagemaker:UpdateTrainingJob", Resource: arn, Context: map[string][]string{"sagemaker:InstanceTypes": {"ml.c5.xlarge"}},
				ResourceTags: map[string]string{"owner": "alice"}, TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"ListTrainingJobs", &sagemaker.ListTrainingJobsInput{}, []op.Check{{Action: "sagemaker:ListTrainingJobs", Resource: "*"}}},
	}
	for _, tt := range tests {
		e, _ := f.reg.Lookup("sagemaker", tt.op)
		got, err := e.Authorize(f.ctx, call(time.Second), tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s checks (-want +got):\n%s", tt.op, diff)
		}
	}
	u := f.must(t, "UpdateTrainingJob", call(time.Second), &sagemaker.UpdateTrainingJobInput{TrainingJobName: "tagged",
		ResourceConfig: &sagemaker.ResourceConfigForUpdate{KeepAlivePeriodInSeconds: 60}}).(*sagemaker.UpdateTrainingJobOutput)
	if u.TrainingJobArn != arn {
		t.Errorf("update: %s", u.TrainingJobArn)
	}
	d := f.must(t, "DescribeTrainingJob", call(2*time.Second), &sagemaker.TrainingJobNameInput{TrainingJobName: "tagged"}).(*sagemaker.DescribeTrainingJobOutput)
	if *d.ResourceConfig.KeepAlivePeriodInSeconds != 60 {
		t.Errorf("keep-alive not updated: %+v", d.ResourceConfig)
	}
}

// TestListTrainingJobs checks filters, sorting and pagination.
func TestListTrainingJobs(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	for i, n := range []string{"b-job", "a-job", "c-other"} {
		f.must(t, "CreateTrainingJob", call(time.Duration(i)*time.Second), trainingInput(n))
	}
	f.must(t, "StopTrainingJob", call(3*time.Second), &sagemaker.TrainingJobNameInput{TrainingJobName: "c-other"})
	names := func(o *sagemaker.ListTrainingJobsOutput) []string {
		var out []string
		for _, s := range o.TrainingJobSummaries {
			out = append(out, s.TrainingJobName)
		}
		return out
	}
	tests := []struct {
		name string
		in   sagemaker.ListTrainingJobsInput
		want []string
	}{
		{"default: creation time ascending", sagemaker.ListTrainingJobsInput{}, []string{"b-job", "a-job", "c-other"}},
		{"by name descending", sagemaker.ListTrainingJobsInput{SortBy: sp("Name"), SortOrder: sp("Descending")}, []string{"c-other", "b-job", "a-job"}},
		{"name contains, any case", sagemaker.ListTrainingJobsInput{NameContains: sp("JOB")}, []string{"b-job", "a-job"}},
		{"status", sagemaker.ListTrainingJobsInput{StatusEquals: sp("Stopping")}, []string{"c-other"}},
		{"created after", sagemaker.ListTrainingJobsInput{CreationTimeAfter: ptrTime(jobsT0)}, []string{"a-job", "c-other"}},
		{"warm pool status: none keeps one", sagemaker.ListTrainingJobsInput{WarmPoolStatusEquals: sp("Available")}, nil},
		{"training plan", sagemaker.ListTrainingJobsInput{TrainingPlanArnEquals: sp("arn:aws:sagemaker:us-east-1:123456789012:training-plan/p")}, nil},
	}
	for _, tt := range tests {
		o := f.must(t, "ListTrainingJobs", call(4*time.Second), &tt.in).(*sagemaker.ListTrainingJobsOutput)
		if diff := cmp.Diff(tt.want, names(o)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	var all []string
	in := &sagemaker.ListTrainingJobsInput{MaxResults: i32(2)}
	for range 3 {
		o := f.must(t, "ListTrainingJobs", call(4*time.Second), in).(*sagemaker.ListTrainingJobsOutput)
		all = append(all, names(o)...)
		if o.NextToken == nil {
			break
		}
		in.NextToken = o.NextToken
	}
	if diff := cmp.Diff([]string{"b-job", "a-job", "c-other"}, all); diff != "" {
		t.Errorf("paged (-want +got):\n%s", diff)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

// BenchmarkDescribeTrainingJob measures the service's share of a
// DescribeTrainingJob (Authorize, which loads the job's tags, then Handle)
// on the in-memory store, without HTTP, SigV4, policy evaluation or audit.
func BenchmarkDescribeTrainingJob(b *testing.B) {
	f := newJobsFixture(b)
	in := trainingInput("bench")
	in.Tags = []sagemaker.Tag{{Key: "owner", Value: "alice"}}
	f.must(b, "CreateTrainingJob", call(0), in)
	e, _ := f.reg.Lookup("sagemaker", "DescribeTrainingJob")
	req := &sagemaker.TrainingJobNameInput{TrainingJobName: "bench"}
	c := call(time.Second)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Authorize(f.ctx, c, req); err != nil {
			b.Fatal(err)
		}
		if _, err := e.Handle(f.ctx, c, req); err != nil {
			b.Fatal(err)
		}
	}
}
