package sagemaker

import (
	"context"
	"errors"
	"strconv"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// ProcessingClusterConfig is a processing job's compute.
type ProcessingClusterConfig struct {
	InstanceCount  int32  `aws:",required"`
	InstanceType   string `aws:",required"`
	VolumeSizeInGB int32  `aws:",required"`
	VolumeKmsKeyId *string
}

// ProcessingResources wraps a processing job's cluster.
type ProcessingResources struct {
	ClusterConfig ProcessingClusterConfig `aws:",required"`
}

// ProcessingStoppingCondition bounds a processing job's run time.
type ProcessingStoppingCondition struct {
	MaxRuntimeInSeconds int32 `aws:",required"`
}

// AppSpecification is a processing job's container.
type AppSpecification struct {
	ImageUri            string `aws:",required"`
	ContainerEntrypoint []string
	ContainerArguments  []string
}

// NetworkConfig is a processing job's network.
type NetworkConfig struct {
	EnableInterContainerTrafficEncryption *bool
	EnableNetworkIsolation                *bool
	VpcConfig                             *VpcConfig
}

// ProcessingS3Input is an input read from S3.
type ProcessingS3Input struct {
	S3Uri                  string `aws:",required"`
	LocalPath              *string
	S3DataType             string `aws:",required"`
	S3InputMode            *string
	S3DataDistributionType *string
	S3CompressionType      *string
}

// ProcessingInput is one input of a processing job.
type ProcessingInput struct {
	InputName  string `aws:",required"`
	AppManaged *bool
	S3Input    *ProcessingS3Input
}

// ProcessingS3Output is an output written to S3.
type ProcessingS3Output struct {
	S3Uri        string `aws:",required"`
	LocalPath    *string
	S3UploadMode string `aws:",required"`
}

// ProcessingOutput is one output of a processing job.
type ProcessingOutput struct {
	OutputName string `aws:",required"`
	S3Output   *ProcessingS3Output
	AppManaged *bool
}

// ProcessingOutputConfig is a processing job's outputs.
type ProcessingOutputConfig struct {
	Outputs  []ProcessingOutput `aws:",required"`
	KmsKeyId *string
}

// CreateProcessingJobInput is the input of CreateProcessingJob.
type CreateProcessingJobInput struct {
	ProcessingInputs       []ProcessingInput
	ProcessingOutputConfig *ProcessingOutputConfig
	ProcessingJobName      string               `aws:",required"`
	ProcessingResources    *ProcessingResources `aws:",required"`
	StoppingCondition      *ProcessingStoppingCondition
	AppSpecification       *AppSpecification `aws:",required"`
	Environment            map[string]string
	NetworkConfig          *NetworkConfig
	RoleArn                string `aws:",required"`
	Tags                   []Tag
	ExperimentConfig       *ExperimentConfig
}

// CreateProcessingJobOutput is the output of CreateProcessingJob.
type CreateProcessingJobOutput struct {
	ProcessingJobArn string
}

// ProcessingJobNameInput is the input of the operations that name only a
// processing job (Describe, Stop, Delete).
type ProcessingJobNameInput struct {
	ProcessingJobName string `aws:",required"`
}

// DescribeProcessingJobOutput is the output of DescribeProcessingJob.
type DescribeProcessingJobOutput struct {
	ProcessingInputs       []ProcessingInput
	ProcessingOutputConfig *ProcessingOutputConfig
	ProcessingJobName      string
	ProcessingResources    ProcessingResources
	StoppingCondition      *ProcessingStoppingCondition
	AppSpecification       AppSpecification
	Environment            map[string]string
	NetworkConfig          *NetworkConfig
	RoleArn                *string
	ExperimentConfig       *ExperimentConfig
	ProcessingJobArn       string
	ProcessingJobStatus    string
	ExitMessage            *string
	FailureReason          *string
	ProcessingEndTime      *time.Time
	ProcessingStartTime    *time.Time
	LastModifiedTime       *time.Time
	CreationTime           time.Time
}

// ListProcessingJobsInput is the input of ListProcessingJobs.
type ListProcessingJobsInput struct {
	CreationTimeAfter      *time.Time
	CreationTimeBefore     *time.Time
	LastModifiedTimeAfter  *time.Time
	LastModifiedTimeBefore *time.Time
	NameContains           *string
	StatusEquals           *string
	SortBy                 *string
	SortOrder              *string
	NextToken              *string
	MaxResults             *int32
}

// ProcessingJobSummary is one job in ListProcessingJobs.
type ProcessingJobSummary struct {
	ProcessingJobName   string
	ProcessingJobArn    string
	CreationTime        time.Time
	ProcessingEndTime   *time.Time
	LastModifiedTime    *time.Time
	ProcessingJobStatus string
	FailureReason       *string
	ExitMessage         *string
}

// ListProcessingJobsOutput is the output of ListProcessingJobs.
type ListProcessingJobsOutput struct {
	ProcessingJobSummaries []ProcessingJobSummary
	NextToken              *string
}

// processingLifecycle: InProgress for two delays, then Completed;
// Stopping settles to Stopped.
var processingLifecycle = Lifecycle{
	"InProgress": {To: "Completed", Scale: 2},
	"Stopping":   {To: "Stopped"},
}

var processingStatuses = []string{"InProgress", "Completed", "Failed", "Stopping", "Stopped"}

// processingDoc is a stored processing job.
type processingDoc struct {
	In        CreateProcessingJobInput
	StoppedAt *time.Time
}

func registerProcessingJobs(r *op.Registry, j *Jobs) {
	op.Register(r, op.Spec[CreateProcessingJobInput, CreateProcessingJobOutput]{Service: "sagemaker", Name: "CreateProcessingJob",
		Authorize: j.authorizeCreateProcessingJob, Handle: j.CreateProcessingJob})
	op.Register(r, op.Spec[ProcessingJobNameInput, DescribeProcessingJobOutput]{Service: "sagemaker", Name: "DescribeProcessingJob", ReadOnly: true,
		Authorize: j.processingAuth("sagemaker:DescribeProcessingJob"), Handle: j.DescribeProcessingJob})
	op.Register(r, op.Spec[ListProcessingJobsInput, ListProcessingJobsOutput]{Service: "sagemaker", Name: "ListProcessingJobs", ReadOnly: true,
		Authorize: op.Any[ListProcessingJobsInput]("sagemaker:ListProcessingJobs"), Handle: j.ListProcessingJobs})
	op.Register(r, op.Spec[ProcessingJobNameInput, EmptyOutput]{Service: "sagemaker", Name: "StopProcessingJob",
		Authorize: j.processingAuth("sagemaker:StopProcessingJob"), Handle: j.StopProcessingJob})
	op.Register(r, op.Spec[ProcessingJobNameInput, EmptyOutput]{Service: "sagemaker", Name: "DeleteProcessingJob",
		Authorize: j.processingAuth("sagemaker:DeleteProcessingJob"), Handle: j.DeleteProcessingJob})
}

func (j *Jobs) processingARN(c *op.Call, name string) string {
	return j.ARN(c, TypeProcessingJob, lowerName(name))
}

func validateCreateProcessing(in *CreateProcessingJobInput) error {
	if err := validateName(in.ProcessingJobName, "processingJobName"); err != nil {
		return err
	}
	if err := validateRoleARN(in.RoleArn, "roleArn"); err != nil {
		return err
	}
	if in.ProcessingResources == nil || in.AppSpecification == nil {
		return validationError("1 validation error detected: Value null at 'processingResources' failed to satisfy constraint: Member must not be null")
	}
	cc := in.ProcessingResources.ClusterConfig
	if err := validateInstanceType(cc.InstanceType, "processingResources.clusterConfig.instanceType"); err != nil {
		return err
	}
	if cc.InstanceCount < 1 || cc.InstanceCount > 100 {
		return validationError("1 validation error detected: Value '%d' at 'processingResources.clusterConfig.instanceCount' failed to satisfy constraint: Member must have value between 1 and 100", cc.InstanceCount)
	}
	if cc.VolumeSizeInGB < 1 || cc.VolumeSizeInGB > 16384 {
		return validationError("1 validation error detected: Value '%d' at 'processingResources.clusterConfig.volumeSizeInGB' failed to satisfy constraint: Member must have value between 1 and 16384", cc.VolumeSizeInGB)
	}
	if sc := in.StoppingCondition; sc != nil && (sc.MaxRuntimeInSeconds < 1 || sc.MaxRuntimeInSeconds > 777600) {
		return validationError("1 validation error detected: Value '%d' at 'stoppingCondition.maxRuntimeInSeconds' failed to satisfy constraint: Member must have value between 1 and 777600", sc.MaxRuntimeInSeconds)
	}
	if nc := in.NetworkConfig; nc != nil {
		return validateVpc(nc.VpcConfig)
	}
	return nil
}

// processingKeys returns the request-derived condition keys of
// CreateProcessingJob (Service Authorization Reference): InstanceTypes,
// InterContainerTrafficEncryption and NetworkIsolation (false when
// omitted), MaxRuntimeInSeconds, OutputKmsKeyArn, VolumeKmsKeyArn,
// VpcSubnets and VpcSecurityGroupIds.
func processingKeys(in *CreateProcessingJobInput) map[string][]string {
	cc := in.ProcessingResources.ClusterConfig
	keys := map[string][]string{"sagemaker:InstanceTypes": {cc.InstanceType}}
	nc := in.NetworkConfig
	if nc == nil {
		nc = &NetworkConfig{}
	}
	keys["sagemaker:InterContainerTrafficEncryption"] = boolKey(nc.EnableInterContainerTrafficEncryption)
	keys["sagemaker:NetworkIsolation"] = boolKey(nc.EnableNetworkIsolation)
	vpcKeys(keys, nc.VpcConfig)
	kmsKeys(keys, "sagemaker:VolumeKmsKeyArn", cc.VolumeKmsKeyId)
	if o := in.ProcessingOutputConfig; o != nil {
		kmsKeys(keys, "sagemaker:OutputKmsKeyArn", o.KmsKeyId)
	}
	if sc := in.StoppingCondition; sc != nil {
		keys["sagemaker:MaxRuntimeInSeconds"] = []string{strconv.Itoa(int(sc.MaxRuntimeInSeconds))}
	}
	return keys
}

func (j *Jobs) authorizeCreateProcessingJob(ctx context.Context, c *op.Call, in *CreateProcessingJobInput) ([]op.Check, error) {
	if err := validateCreateProcessing(in); err != nil {
		return nil, err
	}
	checks, _, err := j.CreateChecks(ctx, c, CreateSpec{
		Operation: "CreateProcessingJob",
		ARN:       j.processingARN(c, in.ProcessingJobName),
		Keys:      processingKeys(in),
		Tags:      in.Tags,
		Roles:     []string{in.RoleArn},
	})
	return checks, err
}

// CreateProcessingJob starts a job: InProgress, then Completed.
func (j *Jobs) CreateProcessingJob(ctx context.Context, c *op.Call, in *CreateProcessingJobInput) (*CreateProcessingJobOutput, error) {
	if err := validateCreateProcessing(in); err != nil {
		return nil, err
	}
	_, tags, err := j.CreateChecks(ctx, c, CreateSpec{Operation: "CreateProcessingJob", Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	now := j.callTime(c)
	arn := j.processingARN(c, in.ProcessingJobName)
	doc := processingDoc{In: *in}
	doc.In.Tags = nil
	e := entry[processingDoc]{Res: model.Resource{ARN: arn, Name: in.ProcessingJobName, Status: "InProgress", Tags: tags}, Doc: doc}
	err = j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		err := createEntry(ctx, j.Service, tx, c.Account, processingLifecycle, TypeProcessingJob, c.Region, lowerName(in.ProcessingJobName), &e, now)
		if errors.Is(err, store.ErrConflict) {
			return inUseError("Processing job names must be unique within an AWS account and region, and a processing job with this name already exists (%s)", arn)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateProcessingJobOutput{ProcessingJobArn: arn}, nil
}

// processingNotFound is what SageMaker answers for a processing job that
// does not exist: a ValidationException "Could not find requested job
// ..." although the model lists ResourceNotFound (the AWS controllers for
// Kubernetes match that text:
// https://github.com/aws-controllers-k8s/community/issues/431).
func processingNotFound(name string) error {
	return validationError("Could not find requested job with name %s", name)
}

func (j *Jobs) getProcessing(ctx context.Context, tx store.ReadTx, c *op.Call, name string) (entry[processingDoc], error) {
	e, err := getEntry[processingDoc](ctx, j.Service, tx, c.Account, processingLifecycle, TypeProcessingJob, c.Region, lowerName(name), j.callTime(c))
	if errors.Is(err, store.ErrNotFound) {
		return e, processingNotFound(name)
	}
	return e, err
}

func (j *Jobs) processingAuth(action string) func(context.Context, *op.Call, *ProcessingJobNameInput) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *ProcessingJobNameInput) ([]op.Check, error) {
		if err := validateName(in.ProcessingJobName, "processingJobName"); err != nil {
			return nil, err
		}
		tags, err := j.tagsOf(ctx, c, processingLifecycle, TypeProcessingJob, lowerName(in.ProcessingJobName))
		if err != nil {
			return nil, err
		}
		return []op.Check{resourceCheck(action, j.processingARN(c, in.ProcessingJobName), tags, nil)}, nil
	}
}

func describeProcessing(e entry[processingDoc]) *DescribeProcessingJobOutput {
	in := e.Doc.In
	created := e.Res.CreateDate
	modified := maxTime(e.Res.UpdateDate, e.Since)
	out := &DescribeProcessingJobOutput{
		ProcessingInputs:       in.ProcessingInputs,
		ProcessingOutputConfig: in.ProcessingOutputConfig,
		ProcessingJobName:      in.ProcessingJobName,
		ProcessingResources:    *in.ProcessingResources,
		StoppingCondition:      in.StoppingCondition,
		AppSpecification:       *in.AppSpecification,
		Environment:            in.Environment,
		NetworkConfig:          in.NetworkConfig,
		RoleArn:                &in.RoleArn,
		ExperimentConfig:       in.ExperimentConfig,
		ProcessingJobArn:       e.Res.ARN,
		ProcessingJobStatus:    e.Res.Status,
		ProcessingStartTime:    &created,
		LastModifiedTime:       &modified,
		CreationTime:           created,
	}
	switch e.Res.Status {
	case "Completed", "Stopped":
		end := e.Since
		out.ProcessingEndTime = &end
	}
	return out
}

// DescribeProcessingJob returns a job with its current status.
func (j *Jobs) DescribeProcessingJob(ctx context.Context, c *op.Call, in *ProcessingJobNameInput) (*DescribeProcessingJobOutput, error) {
	var out *DescribeProcessingJobOutput
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := j.getProcessing(ctx, tx, c, in.ProcessingJobName)
		if err != nil {
			return err
		}
		out = describeProcessing(e)
		return nil
	})
	return out, err
}

// StopProcessingJob stops an InProgress job: Stopping, then Stopped.
func (j *Jobs) StopProcessingJob(ctx context.Context, c *op.Call, in *ProcessingJobNameInput) (*EmptyOutput, error) {
	err := j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := j.getProcessing(ctx, tx, c, in.ProcessingJobName)
		if err != nil {
			return err
		}
		if e.Res.Status != "InProgress" {
			return validationError("The processing job %s is %s; only an InProgress job can be stopped.", e.Res.ARN, e.Res.Status)
		}
		now := j.callTime(c)
		e.Doc.StoppedAt = &now
		e.setStatus("Stopping", now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// DeleteProcessingJob deletes a finished job at once (processing jobs
// have no Deleting status); a running one is ResourceInUse.
func (j *Jobs) DeleteProcessingJob(ctx context.Context, c *op.Call, in *ProcessingJobNameInput) (*EmptyOutput, error) {
	err := j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := j.getProcessing(ctx, tx, c, in.ProcessingJobName)
		if err != nil {
			return err
		}
		if e.Res.Status == "InProgress" || e.Res.Status == "Stopping" {
			return inUseError("Processing job %s is %s; stop it before deleting it.", e.Res.ARN, e.Res.Status)
		}
		return tx.DeleteResource(ctx, c.Account, e.Res.Type, e.Res.ID, 0)
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// ListProcessingJobs lists the region's processing jobs with AWS's
// filters, sorted by CreationTime (default), Name or Status, Ascending by
// default.
func (j *Jobs) ListProcessingJobs(ctx context.Context, c *op.Call, in *ListProcessingJobsInput) (*ListProcessingJobsOutput, error) {
	q := listQuery{NameContains: in.NameContains, CreationTimeAfter: in.CreationTimeAfter, CreationTimeBefore: in.CreationTimeBefore,
		LastModifiedTimeAfter: in.LastModifiedTimeAfter, LastModifiedTimeBefore: in.LastModifiedTimeBefore, StatusEquals: in.StatusEquals,
		NextToken: in.NextToken, MaxResults: in.MaxResults, List: "processing-jobs"}
	if err := sortQuery(&q, in.SortBy, in.SortOrder, []string{"Name", "CreationTime", "Status"}, "CreationTime", "Ascending"); err != nil {
		return nil, err
	}
	if err := checkEnum(in.StatusEquals, "statusEquals", processingStatuses); err != nil {
		return nil, err
	}
	var all []entry[processingDoc]
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		all, err = listEntries[processingDoc](ctx, j.Service, tx, c.Account, processingLifecycle, TypeProcessingJob, c.Region, "", j.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	sums := make([]ProcessingJobSummary, 0, len(all))
	for _, e := range all {
		d := describeProcessing(e)
		sums = append(sums, ProcessingJobSummary{ProcessingJobName: d.ProcessingJobName, ProcessingJobArn: d.ProcessingJobArn,
			CreationTime: d.CreationTime, ProcessingEndTime: d.ProcessingEndTime, LastModifiedTime: d.LastModifiedTime,
			ProcessingJobStatus: d.ProcessingJobStatus})
	}
	page, next, err := listPage(sums, func(s ProcessingJobSummary) listKey {
		return listKey{Name: s.ProcessingJobName, Created: s.CreationTime, Modified: *s.LastModifiedTime, Status: s.ProcessingJobStatus}
	}, q)
	if err != nil {
		return nil, err
	}
	return &ListProcessingJobsOutput{ProcessingJobSummaries: page, NextToken: next}, nil
}
