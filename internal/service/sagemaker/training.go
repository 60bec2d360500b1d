package sagemaker

import (
	"context"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// FileSystemLookup reports whether a file system exists in an account and
// region. The EFS and FSx services provide one each; CreateTrainingJob
// uses them to refuse channels on file systems that do not exist.
type FileSystemLookup interface {
	FileSystemExists(ctx context.Context, acct model.AccountID, region, id string) (bool, error)
}

// FileSystemLookupFunc adapts a function to [FileSystemLookup].
type FileSystemLookupFunc func(ctx context.Context, acct model.AccountID, region, id string) (bool, error)

// FileSystemExists calls f.
func (f FileSystemLookupFunc) FileSystemExists(ctx context.Context, acct model.AccountID, region, id string) (bool, error) {
	return f(ctx, acct, region, id)
}

// JobOptions configure [Jobs]. The zero value is valid: without a lookup,
// file systems of that type are not checked for existence.
type JobOptions struct {
	// EFS finds EFS file systems (FileSystemType "EFS").
	EFS FileSystemLookup
	// FSx finds FSx for Lustre file systems (FileSystemType "FSxLustre").
	FSx FileSystemLookup
}

// Jobs serves training jobs, processing jobs, models, endpoint
// configurations and endpoints on top of a [Service]. Like Service it keeps
// no state of its own and is safe for concurrent use.
type Jobs struct {
	*Service
	efs FileSystemLookup
	fsx FileSystemLookup
}

// NewJobs returns the job, model and endpoint operations of s.
func NewJobs(s *Service, o JobOptions) *Jobs {
	return &Jobs{Service: s, efs: o.EFS, fsx: o.FSx}
}

// RegisterJobs registers the training-job, processing-job, model,
// endpoint-config and endpoint operations with r.
func RegisterJobs(r *op.Registry, j *Jobs) {
	registerTrainingJobs(r, j)
	registerProcessingJobs(r, j)
	registerModels(r, j)
	registerEndpointConfigs(r, j)
	registerEndpoints(r, j)
}

// trainingLifecycle: a job runs InProgress through four secondary phases
// (Starting, Downloading, Training, Uploading), one delay each, then is
// Completed; Stopping settles to Stopped; Deleting to gone.
var trainingLifecycle = Lifecycle{
	"InProgress": {To: "Completed", Scale: len(trainingPhases)},
	"Stopping":   {To: "Stopped"},
	"Deleting":   {To: StatusGone},
}

// trainingPhases are the secondary statuses of a running job, in order.
var trainingPhases = []string{"Starting", "Downloading", "Training", "Uploading"}

var trainingStatuses = []string{"InProgress", "Completed", "Failed", "Stopping", "Stopped", "Deleting"}

// jobNameRE is the pattern of training and processing job, endpoint and
// endpoint-config names.
var jobNameRE = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`)

func validateName(name, member string) error {
	if !jobNameRE.MatchString(name) {
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", name, member)
	}
	return nil
}

var roleARNRE = regexp.MustCompile(`^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)

func validateRoleARN(arn, member string) error {
	if !roleARNRE.MatchString(arn) {
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$", arn, member)
	}
	return nil
}

func validateInstanceType(v, member string) error {
	if !strings.HasPrefix(v, "ml.") {
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set", v, member)
	}
	return nil
}

func validateVpc(v *VpcConfig) error {
	if v == nil {
		return nil
	}
	if len(v.Subnets) < 1 || len(v.Subnets) > 16 {
		return validationError("1 validation error detected: Value at 'vpcConfig.subnets' failed to satisfy constraint: Member must have length between 1 and 16")
	}
	if len(v.SecurityGroupIds) < 1 || len(v.SecurityGroupIds) > 5 {
		return validationError("1 validation error detected: Value at 'vpcConfig.securityGroupIds' failed to satisfy constraint: Member must have length between 1 and 5")
	}
	return nil
}

// trainingDoc is a stored training job: the request as sent, plus what
// abacus records of its run.
type trainingDoc struct {
	In CreateTrainingJobInput
	// StoppedAt is when StopTrainingJob was called.
	StoppedAt *time.Time
	// Prior is the status (and its start) a job had when deletion began.
	Prior      string
	PriorSince time.Time
}

func validateCreateTraining(in *CreateTrainingJobInput) error {
	if err := validateName(in.TrainingJobName, "trainingJobName"); err != nil {
		return err
	}
	if err := validateRoleARN(in.RoleArn, "roleArn"); err != nil {
		return err
	}
	if in.OutputDataConfig == nil || !strings.HasPrefix(in.OutputDataConfig.S3OutputPath, "s3://") {
		return validationError("1 validation error detected: Value at 'outputDataConfig.s3OutputPath' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$")
	}
	if a := in.AlgorithmSpecification; a != nil {
		if err := checkEnum(&a.TrainingInputMode, "algorithmSpecification.trainingInputMode", []string{"Pipe", "File", "FastFile"}); err != nil {
			return err
		}
	}
	if r := in.ResourceConfig; r != nil {
		if r.InstanceType != nil {
			if err := validateInstanceType(*r.InstanceType, "resourceConfig.instanceType"); err != nil {
				return err
			}
		}
		for _, g := range r.InstanceGroups {
			if err := validateInstanceType(g.InstanceType, "resourceConfig.instanceGroups.member.instanceType"); err != nil {
				return err
			}
		}
	}
	if sc := in.StoppingCondition; sc != nil && sc.MaxRuntimeInSeconds != nil && *sc.MaxRuntimeInSeconds < 1 {
		return validationError("1 validation error detected: Value '%d' at 'stoppingCondition.maxRuntimeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 1", *sc.MaxRuntimeInSeconds)
	}
	if len(in.InputDataConfig) > 20 {
		return validationError("1 validation error detected: Value at 'inputDataConfig' failed to satisfy constraint: Member must have length less than or equal to 20")
	}
	seen := map[string]bool{}
	for _, ch := range in.InputDataConfig {
		if seen[ch.ChannelName] {
			return validationError("Channel names must be unique. Duplicate channel name: %s", ch.ChannelName)
		}
		seen[ch.ChannelName] = true
		ds := ch.DataSource
		if (ds.S3DataSource == nil) == (ds.FileSystemDataSource == nil) {
			return validationError("Channel %s must specify exactly one of S3DataSource and FileSystemDataSource.", ch.ChannelName)
		}
		if f := ds.FileSystemDataSource; f != nil {
			if err := checkEnum(&f.FileSystemAccessMode, "inputDataConfig.member.dataSource.fileSystemDataSource.fileSystemAccessMode", []string{"rw", "ro"}); err != nil {
				return err
			}
			if err := checkEnum(&f.FileSystemType, "inputDataConfig.member.dataSource.fileSystemDataSource.fileSystemType", []string{"EFS", "FSxLustre"}); err != nil {
				return err
			}
			if f.FileSystemId == "" || !strings.HasPrefix(f.DirectoryPath, "/") {
				return validationError("Channel %s: FileSystemId and an absolute DirectoryPath are required.", ch.ChannelName)
			}
		}
	}
	return validateVpc(in.VpcConfig)
}

// boolKey renders an optional boolean as a condition value, false when
// unset (the documented default of every Enable* member).
func boolKey(b *bool) []string {
	if b != nil && *b {
		return []string{"true"}
	}
	return []string{"false"}
}

func appendUnique(out []string, v ...string) []string {
	for _, s := range v {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// setKey sets key to vals unless vals is empty.
func setKey(keys map[string][]string, key string, vals []string) {
	if len(vals) > 0 {
		keys[key] = vals
	}
}

// vpcKeys adds sagemaker:VpcSubnets and sagemaker:VpcSecurityGroupIds.
func vpcKeys(keys map[string][]string, v *VpcConfig) {
	if v == nil {
		return
	}
	setKey(keys, "sagemaker:VpcSubnets", slices.Clone(v.Subnets))
	setKey(keys, "sagemaker:VpcSecurityGroupIds", slices.Clone(v.SecurityGroupIds))
}

// kmsKeys adds the KMS key keys: name (the current SAR key, e.g.
// sagemaker:OutputKmsKeyArn) and its deprecated predecessor without the
// Arn suffix, which older policies and the Developer Guide still use.
func kmsKeys(keys map[string][]string, name string, v *string) {
	if v == nil || *v == "" {
		return
	}
	keys[name] = []string{*v}
	keys[strings.TrimSuffix(name, "Arn")] = []string{*v}
}

// trainingKeys returns the request-derived condition keys of
// CreateTrainingJob as the Service Authorization Reference lists them,
// except the sagemaker:FileSystem* keys, which fileSystemKeys adds per
// channel: InstanceTypes (ResourceConfig.InstanceType and every instance
// group's), VpcSubnets, VpcSecurityGroupIds, MaxRuntimeInSeconds,
// NetworkIsolation and InterContainerTrafficEncryption (false when
// omitted), OutputKmsKeyArn, VolumeKmsKeyArn, KeepAlivePeriod and
// EnableRemoteDebug.
func trainingKeys(in *CreateTrainingJobInput) map[string][]string {
	keys := map[string][]string{
		"sagemaker:NetworkIsolation":                boolKey(in.EnableNetworkIsolation),
		"sagemaker:InterContainerTrafficEncryption": boolKey(in.EnableInterContainerTrafficEncryption),
	}
	if r := in.ResourceConfig; r != nil {
		var types []string
		if r.InstanceType != nil {
			types = appendUnique(types, *r.InstanceType)
		}
		for _, g := range r.InstanceGroups {
			types = appendUnique(types, g.InstanceType)
		}
		types = ruleInstanceTypes(types, in.DebugRuleConfigurations, in.ProfilerRuleConfigurations)
		setKey(keys, "sagemaker:InstanceTypes", types)
		kmsKeys(keys, "sagemaker:VolumeKmsKeyArn", r.VolumeKmsKeyId)
		if r.KeepAlivePeriodInSeconds != nil {
			keys["sagemaker:KeepAlivePeriod"] = []string{strconv.Itoa(int(*r.KeepAlivePeriodInSeconds))}
		}
	}
	if in.ResourceConfig == nil {
		setKey(keys, "sagemaker:InstanceTypes", ruleInstanceTypes(nil, in.DebugRuleConfigurations, in.ProfilerRuleConfigurations))
	}
	vpcKeys(keys, in.VpcConfig)
	if sc := in.StoppingCondition; sc != nil && sc.MaxRuntimeInSeconds != nil {
		keys["sagemaker:MaxRuntimeInSeconds"] = []string{strconv.Itoa(int(*sc.MaxRuntimeInSeconds))}
	}
	if o := in.OutputDataConfig; o != nil {
		kmsKeys(keys, "sagemaker:OutputKmsKeyArn", o.KmsKeyId)
	}
	if rd := in.RemoteDebugConfig; rd != nil && rd.EnableRemoteDebug != nil {
		keys["sagemaker:EnableRemoteDebug"] = boolKey(rd.EnableRemoteDebug)
	}
	return keys
}

// ruleInstanceTypes appends the instance types the Debugger and Profiler
// rules run on: they are instance types associated with the job, which
// sagemaker:InstanceTypes lists.
func ruleInstanceTypes(types []string, rules ...[]RuleConfiguration) []string {
	for _, rs := range rules {
		for _, r := range rs {
			if r.InstanceType != nil {
				types = appendUnique(types, *r.InstanceType)
			}
		}
	}
	return types
}

// fileSystems returns the FileSystemDataSource of every channel that has
// one, in channel order.
func fileSystems(in *CreateTrainingJobInput) []FileSystemDataSource {
	var out []FileSystemDataSource
	for _, ch := range in.InputDataConfig {
		if f := ch.DataSource.FileSystemDataSource; f != nil {
			out = append(out, *f)
		}
	}
	return out
}

// fileSystemKeys returns keys with the sagemaker:FileSystem* keys of one
// channel set.
func fileSystemKeys(keys map[string][]string, f FileSystemDataSource) map[string][]string {
	out := maps.Clone(keys)
	if out == nil {
		out = map[string][]string{}
	}
	out["sagemaker:FileSystemId"] = []string{f.FileSystemId}
	out["sagemaker:FileSystemAccessMode"] = []string{f.FileSystemAccessMode}
	out["sagemaker:FileSystemType"] = []string{f.FileSystemType}
	out["sagemaker:FileSystemDirectoryPath"] = []string{f.DirectoryPath}
	return out
}

func registerTrainingJobs(r *op.Registry, j *Jobs) {
	op.Register(r, op.Spec[CreateTrainingJobInput, CreateTrainingJobOutput]{Service: "sagemaker", Name: "CreateTrainingJob",
		Authorize: j.authorizeCreateTrainingJob, Handle: j.CreateTrainingJob})
	op.Register(r, op.Spec[TrainingJobNameInput, DescribeTrainingJobOutput]{Service: "sagemaker", Name: "DescribeTrainingJob", ReadOnly: true,
		Authorize: j.trainingAuth("sagemaker:DescribeTrainingJob"), Handle: j.DescribeTrainingJob})
	op.Register(r, op.Spec[ListTrainingJobsInput, ListTrainingJobsOutput]{Service: "sagemaker", Name: "ListTrainingJobs", ReadOnly: true,
		Authorize: op.Any[ListTrainingJobsInput]("sagemaker:ListTrainingJobs"), Handle: j.ListTrainingJobs})
	op.Register(r, op.Spec[TrainingJobNameInput, EmptyOutput]{Service: "sagemaker", Name: "StopTrainingJob",
		Authorize: j.trainingAuth("sagemaker:StopTrainingJob"), Handle: j.StopTrainingJob})
	op.Register(r, op.Spec[UpdateTrainingJobInput, UpdateTrainingJobOutput]{Service: "sagemaker", Name: "UpdateTrainingJob",
		Authorize: j.authorizeUpdateTrainingJob, Handle: j.UpdateTrainingJob})
	op.Register(r, op.Spec[TrainingJobNameInput, EmptyOutput]{Service: "sagemaker", Name: "DeleteTrainingJob",
		Authorize: j.trainingAuth("sagemaker:DeleteTrainingJob"), Handle: j.DeleteTrainingJob})
}

func (j *Jobs) trainingARN(c *op.Call, name string) string {
	return j.ARN(c, TypeTrainingJob, lowerName(name))
}

// authorizeCreateTrainingJob returns sagemaker:CreateTrainingJob on the new
// job with its request keys, sagemaker:AddTags when tags are set (including
// the automatic Studio tags), iam:PassRole for RoleArn, and, for every
// channel on a file system, sagemaker:CreateTrainingJob with that
// channel's sagemaker:FileSystem* keys. The FileSystem keys are
// single-valued, so a job mounting several directories is allowed only if
// every one of them is (the first channel's keys ride on the first check).
func (j *Jobs) authorizeCreateTrainingJob(ctx context.Context, c *op.Call, in *CreateTrainingJobInput) ([]op.Check, error) {
	if err := validateCreateTraining(in); err != nil {
		return nil, err
	}
	keys := trainingKeys(in)
	fss := fileSystems(in)
	if len(fss) > 0 {
		keys = fileSystemKeys(keys, fss[0])
	}
	arn := j.trainingARN(c, in.TrainingJobName)
	checks, _, err := j.CreateChecks(ctx, c, CreateSpec{
		Operation: "CreateTrainingJob",
		ARN:       arn,
		Keys:      keys,
		Tags:      in.Tags,
		Roles:     []string{in.RoleArn},
	})
	if err != nil {
		return nil, err
	}
	for _, f := range fss[min(1, len(fss)):] {
		extra := fileSystemKeys(checks[0].Context, f)
		checks = append(checks, op.Check{Action: "sagemaker:CreateTrainingJob", Resource: arn, Context: extra})
	}
	// The Service Authorization Reference lists training-plan as a further
	// resource of CreateTrainingJob: a job on a plan is authorized on the
	// plan's ARN too.
	if rc := in.ResourceConfig; rc != nil && rc.TrainingPlanArn != nil && *rc.TrainingPlanArn != "" {
		checks = append(checks, op.Check{Action: "sagemaker:CreateTrainingJob", Resource: *rc.TrainingPlanArn, Context: checks[0].Context})
	}
	return checks, nil
}

// checkFileSystems refuses channels on file systems that do not exist,
// where a lookup for their type is configured.
func (j *Jobs) checkFileSystems(ctx context.Context, c *op.Call, fss []FileSystemDataSource) error {
	for _, f := range fss {
		l := j.efs
		if f.FileSystemType == "FSxLustre" {
			l = j.fsx
		}
		if l == nil {
			continue
		}
		ok, err := l.FileSystemExists(ctx, c.Account, c.Region, f.FileSystemId)
		if err != nil {
			return err
		}
		if !ok {
			return validationError("The file system %s of type %s does not exist in this account and region.", f.FileSystemId, f.FileSystemType)
		}
	}
	return nil
}

// CreateTrainingJob starts a job: InProgress (SecondaryStatus Starting,
// Downloading, Training, Uploading, one delay each), then Completed.
func (j *Jobs) CreateTrainingJob(ctx context.Context, c *op.Call, in *CreateTrainingJobInput) (*CreateTrainingJobOutput, error) {
	if err := validateCreateTraining(in); err != nil {
		return nil, err
	}
	if err := j.checkFileSystems(ctx, c, fileSystems(in)); err != nil {
		return nil, err
	}
	_, tags, err := j.CreateChecks(ctx, c, CreateSpec{Operation: "CreateTrainingJob", Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	now := j.callTime(c)
	arn := j.trainingARN(c, in.TrainingJobName)
	doc := trainingDoc{In: *in}
	doc.In.Tags = nil
	e := entry[trainingDoc]{Res: model.Resource{ARN: arn, Name: in.TrainingJobName, Status: "InProgress", Tags: tags}, Doc: doc}
	err = j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		err := createEntry(ctx, j.Service, tx, c.Account, trainingLifecycle, TypeTrainingJob, c.Region, lowerName(in.TrainingJobName), &e, now)
		if errors.Is(err, store.ErrConflict) {
			return inUseError("Training job names must be unique within an AWS account and region, and a training job with this name already exists (%s)", arn)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateTrainingJobOutput{TrainingJobArn: arn}, nil
}

// trainingNotFound is what SageMaker answers for a training job that does
// not exist: ValidationException "Requested resource not found." (although
// the model lists ResourceNotFound; see
// https://github.com/aws/aws-sdk/issues/165).
func trainingNotFound() error { return validationError("Requested resource not found.") }

func (j *Jobs) getTraining(ctx context.Context, tx store.ReadTx, c *op.Call, name string) (entry[trainingDoc], error) {
	e, err := getEntry[trainingDoc](ctx, j.Service, tx, c.Account, trainingLifecycle, TypeTrainingJob, c.Region, lowerName(name), j.callTime(c))
	if errors.Is(err, store.ErrNotFound) {
		return e, trainingNotFound()
	}
	return e, err
}

// trainingAuth is the Authorize of an operation on one existing training
// job: the action on its ARN with its tags.
func (j *Jobs) trainingAuth(action string) func(context.Context, *op.Call, *TrainingJobNameInput) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *TrainingJobNameInput) ([]op.Check, error) {
		if err := validateName(in.TrainingJobName, "trainingJobName"); err != nil {
			return nil, err
		}
		tags, err := j.tagsOf(ctx, c, trainingLifecycle, TypeTrainingJob, lowerName(in.TrainingJobName))
		if err != nil {
			return nil, err
		}
		return []op.Check{resourceCheck(action, j.trainingARN(c, in.TrainingJobName), tags, nil)}, nil
	}
}

// trainingProgress is a job's run as Describe shows it at now.
type trainingProgress struct {
	Secondary   string
	Transitions []SecondaryStatusTransition
	End         *time.Time
}

// progress derives the secondary status and its transitions from the
// job's status, when that status began and when it was stopped.
func (j *Jobs) progress(e entry[trainingDoc], now time.Time) trainingProgress {
	status, since := e.Res.Status, e.Since
	if status == "Deleting" {
		status, since = e.Doc.Prior, e.Doc.PriorSince
		now = e.Since
	}
	start := e.Res.CreateDate
	cut := now
	switch status {
	case "Completed":
		cut = since
	case "Stopping", "Stopped", "Failed":
		if e.Doc.StoppedAt != nil {
			cut = *e.Doc.StoppedAt
		}
	}
	var p trainingProgress
	d := j.delay
	for i, ph := range trainingPhases {
		t0 := start.Add(time.Duration(i) * d)
		if i > 0 && !cut.After(t0) && d > 0 {
			break
		}
		tr := SecondaryStatusTransition{Status: ph, StartTime: t0}
		if t1 := start.Add(time.Duration(i+1) * d); !cut.Before(t1) {
			tr.EndTime = &t1
		} else if status != "InProgress" {
			end := cut
			tr.EndTime = &end
		}
		p.Transitions = append(p.Transitions, tr)
		p.Secondary = ph
	}
	switch status {
	case "Completed":
		end := since
		p.Transitions = append(p.Transitions, SecondaryStatusTransition{Status: "Completed", StartTime: since, EndTime: &end,
			StatusMessage: ptr("Training job completed")})
		p.Secondary, p.End = "Completed", &end
	case "Stopping", "Stopped":
		stop := cut
		tr := SecondaryStatusTransition{Status: "Stopping", StartTime: stop, StatusMessage: ptr("Stopping the training job")}
		p.Secondary = "Stopping"
		if status == "Stopped" {
			end := since
			tr.EndTime = &end
			p.Transitions = append(p.Transitions, tr, SecondaryStatusTransition{Status: "Stopped", StartTime: since, EndTime: &end,
				StatusMessage: ptr("Training job stopped")})
			p.Secondary, p.End = "Stopped", &end
		} else {
			p.Transitions = append(p.Transitions, tr)
		}
	}
	return p
}

func ptr[T any](v T) *T { return &v }

func (j *Jobs) describeTraining(e entry[trainingDoc], now time.Time) *DescribeTrainingJobOutput {
	in := e.Doc.In
	p := j.progress(e, now)
	created := e.Res.CreateDate
	modified := maxTime(e.Res.UpdateDate, e.Since)
	out := &DescribeTrainingJobOutput{
		TrainingJobName:                       in.TrainingJobName,
		TrainingJobArn:                        e.Res.ARN,
		TrainingJobStatus:                     e.Res.Status,
		SecondaryStatus:                       p.Secondary,
		HyperParameters:                       in.HyperParameters,
		AlgorithmSpecification:                in.AlgorithmSpecification,
		RoleArn:                               &in.RoleArn,
		InputDataConfig:                       in.InputDataConfig,
		OutputDataConfig:                      in.OutputDataConfig,
		ResourceConfig:                        in.ResourceConfig,
		VpcConfig:                             in.VpcConfig,
		CreationTime:                          created,
		TrainingStartTime:                     &created,
		TrainingEndTime:                       p.End,
		LastModifiedTime:                      &modified,
		SecondaryStatusTransitions:            p.Transitions,
		EnableNetworkIsolation:                ptr(boolKey(in.EnableNetworkIsolation)[0] == "true"),
		EnableInterContainerTrafficEncryption: ptr(boolKey(in.EnableInterContainerTrafficEncryption)[0] == "true"),
		EnableManagedSpotTraining:             ptr(boolKey(in.EnableManagedSpotTraining)[0] == "true"),
		CheckpointConfig:                      in.CheckpointConfig,
		DebugRuleConfigurations:               in.DebugRuleConfigurations,
		ProfilerRuleConfigurations:            in.ProfilerRuleConfigurations,
		ExperimentConfig:                      in.ExperimentConfig,
		Environment:                           in.Environment,
		RetryStrategy:                         in.RetryStrategy,
		RemoteDebugConfig:                     in.RemoteDebugConfig,
	}
	if in.StoppingCondition != nil {
		out.StoppingCondition = *in.StoppingCondition
	}
	if out.StoppingCondition.MaxRuntimeInSeconds == nil {
		out.StoppingCondition.MaxRuntimeInSeconds = ptr(int32(86400))
	}
	if p.End != nil {
		secs := int32(p.End.Sub(created) / time.Second)
		out.TrainingTimeInSeconds, out.BillableTimeInSeconds = &secs, &secs
	}
	if e.Res.Status == "Completed" || (e.Res.Status == "Deleting" && e.Doc.Prior == "Completed") {
		path := strings.TrimSuffix(in.OutputDataConfig.S3OutputPath, "/")
		out.ModelArtifacts.S3ModelArtifacts = path + "/" + in.TrainingJobName + "/output/model.tar.gz"
	}
	return out
}

// DescribeTrainingJob returns a job with its current status.
func (j *Jobs) DescribeTrainingJob(ctx context.Context, c *op.Call, in *TrainingJobNameInput) (*DescribeTrainingJobOutput, error) {
	var out *DescribeTrainingJobOutput
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := j.getTraining(ctx, tx, c, in.TrainingJobName)
		if err != nil {
			return err
		}
		out = j.describeTraining(e, j.callTime(c))
		return nil
	})
	return out, err
}

// StopTrainingJob stops an InProgress job: Stopping, then Stopped.
func (j *Jobs) StopTrainingJob(ctx context.Context, c *op.Call, in *TrainingJobNameInput) (*EmptyOutput, error) {
	err := j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := j.getTraining(ctx, tx, c, in.TrainingJobName)
		if err != nil {
			return err
		}
		if e.Res.Status != "InProgress" {
			return validationError("The training job %s is %s; only an InProgress job can be stopped.", e.Res.ARN, e.Res.Status)
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

// DeleteTrainingJob deletes a job that has finished (Completed, Failed or
// Stopped): Deleting, then gone. A running job is ResourceInUse.
func (j *Jobs) DeleteTrainingJob(ctx context.Context, c *op.Call, in *TrainingJobNameInput) (*EmptyOutput, error) {
	err := j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := j.getTraining(ctx, tx, c, in.TrainingJobName)
		if err != nil {
			return err
		}
		switch e.Res.Status {
		case "Completed", "Failed", "Stopped":
		case "Deleting":
			return nil
		default:
			return inUseError("Training job %s is %s; stop it before deleting it.", e.Res.ARN, e.Res.Status)
		}
		now := j.callTime(c)
		e.Doc.Prior, e.Doc.PriorSince = e.Res.Status, e.Since
		e.setStatus("Deleting", now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// authorizeUpdateTrainingJob: sagemaker:UpdateTrainingJob on the job with
// its tags and the keys the request sets (sagemaker:KeepAlivePeriod,
// sagemaker:EnableRemoteDebug, and sagemaker:InstanceTypes of new profiler
// rules).
func (j *Jobs) authorizeUpdateTrainingJob(ctx context.Context, c *op.Call, in *UpdateTrainingJobInput) ([]op.Check, error) {
	if err := validateName(in.TrainingJobName, "trainingJobName"); err != nil {
		return nil, err
	}
	tags, err := j.tagsOf(ctx, c, trainingLifecycle, TypeTrainingJob, lowerName(in.TrainingJobName))
	if err != nil {
		return nil, err
	}
	var keys map[string][]string
	if in.ResourceConfig != nil {
		keys = map[string][]string{"sagemaker:KeepAlivePeriod": {strconv.Itoa(int(in.ResourceConfig.KeepAlivePeriodInSeconds))}}
	}
	if in.RemoteDebugConfig != nil && in.RemoteDebugConfig.EnableRemoteDebug != nil {
		if keys == nil {
			keys = map[string][]string{}
		}
		keys["sagemaker:EnableRemoteDebug"] = boolKey(in.RemoteDebugConfig.EnableRemoteDebug)
	}
	if types := ruleInstanceTypes(nil, in.ProfilerRuleConfigurations); len(types) > 0 {
		if keys == nil {
			keys = map[string][]string{}
		}
		keys["sagemaker:InstanceTypes"] = types
	}
	return []op.Check{resourceCheck("sagemaker:UpdateTrainingJob", j.trainingARN(c, in.TrainingJobName), tags, keys)}, nil
}

// UpdateTrainingJob changes the warm-pool keep-alive period or remote
// debugging of a job that has not ended (InProgress), or the keep-alive
// period of a Completed one, as SageMaker allows.
func (j *Jobs) UpdateTrainingJob(ctx context.Context, c *op.Call, in *UpdateTrainingJobInput) (*UpdateTrainingJobOutput, error) {
	if in.ResourceConfig != nil && (in.ResourceConfig.KeepAlivePeriodInSeconds < 0 || in.ResourceConfig.KeepAlivePeriodInSeconds > 3600) {
		return nil, validationError("1 validation error detected: Value '%d' at 'resourceConfig.keepAlivePeriodInSeconds' failed to satisfy constraint: Member must have value between 0 and 3600", in.ResourceConfig.KeepAlivePeriodInSeconds)
	}
	var arn string
	err := j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := j.getTraining(ctx, tx, c, in.TrainingJobName)
		if err != nil {
			return err
		}
		arn = e.Res.ARN
		ok := e.Res.Status == "InProgress" || (e.Res.Status == "Completed" && in.RemoteDebugConfig == nil)
		if !ok {
			return validationError("The training job %s is %s and cannot be updated.", e.Res.ARN, e.Res.Status)
		}
		if in.ResourceConfig != nil {
			if e.Doc.In.ResourceConfig == nil {
				e.Doc.In.ResourceConfig = &ResourceConfig{}
			}
			e.Doc.In.ResourceConfig.KeepAlivePeriodInSeconds = ptr(in.ResourceConfig.KeepAlivePeriodInSeconds)
		}
		if in.RemoteDebugConfig != nil {
			e.Doc.In.RemoteDebugConfig = in.RemoteDebugConfig
		}
		e.Doc.In.ProfilerRuleConfigurations = append(e.Doc.In.ProfilerRuleConfigurations, in.ProfilerRuleConfigurations...)
		return putEntry(ctx, tx, c.Account, &e, j.callTime(c))
	})
	if err != nil {
		return nil, err
	}
	return &UpdateTrainingJobOutput{TrainingJobArn: arn}, nil
}

// ListTrainingJobs lists the region's jobs with AWS's filters, sorted by
// CreationTime (default), Name or Status, Ascending by default. Tag
// conditions do not restrict it: it authorizes on "*".
func (j *Jobs) ListTrainingJobs(ctx context.Context, c *op.Call, in *ListTrainingJobsInput) (*ListTrainingJobsOutput, error) {
	q := listQuery{NameContains: in.NameContains, CreationTimeAfter: in.CreationTimeAfter, CreationTimeBefore: in.CreationTimeBefore,
		LastModifiedTimeAfter: in.LastModifiedTimeAfter, LastModifiedTimeBefore: in.LastModifiedTimeBefore, StatusEquals: in.StatusEquals,
		NextToken: in.NextToken, MaxResults: in.MaxResults, List: "training-jobs"}
	if err := sortQuery(&q, in.SortBy, in.SortOrder, []string{"Name", "CreationTime", "Status"}, "CreationTime", "Ascending"); err != nil {
		return nil, err
	}
	if err := checkEnum(in.StatusEquals, "statusEquals", trainingStatuses); err != nil {
		return nil, err
	}
	now := j.callTime(c)
	var all []entry[trainingDoc]
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		all, err = listEntries[trainingDoc](ctx, j.Service, tx, c.Account, trainingLifecycle, TypeTrainingJob, c.Region, "", now)
		return err
	})
	if err != nil {
		return nil, err
	}
	sums := make([]TrainingJobSummary, 0, len(all))
	for _, e := range all {
		// No job keeps a warm pool here, so a warm-pool filter matches none.
		if in.WarmPoolStatusEquals != nil {
			break
		}
		if in.TrainingPlanArnEquals != nil {
			rc := e.Doc.In.ResourceConfig
			if rc == nil || rc.TrainingPlanArn == nil || *rc.TrainingPlanArn != *in.TrainingPlanArnEquals {
				continue
			}
		}
		d := j.describeTraining(e, now)
		sums = append(sums, TrainingJobSummary{
			TrainingJobName: d.TrainingJobName, TrainingJobArn: d.TrainingJobArn, CreationTime: d.CreationTime,
			TrainingEndTime: d.TrainingEndTime, LastModifiedTime: d.LastModifiedTime, TrainingJobStatus: d.TrainingJobStatus,
			SecondaryStatus: ptr(d.SecondaryStatus),
		})
	}
	page, next, err := listPage(sums, func(s TrainingJobSummary) listKey {
		return listKey{Name: s.TrainingJobName, Created: s.CreationTime, Modified: *s.LastModifiedTime, Status: s.TrainingJobStatus}
	}, q)
	if err != nil {
		return nil, err
	}
	return &ListTrainingJobsOutput{TrainingJobSummaries: page, NextToken: next}, nil
}
