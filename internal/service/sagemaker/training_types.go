package sagemaker

import "time"

// Shapes shared by training jobs, processing jobs, models and endpoint
// configurations (botocore shape names; members follow the model, see
// internal/protocol/doc.go). Members abacus does not act on are still
// decoded where they are listed here, and echoed back by Describe*.

// VpcConfig is the VPC a job, model or endpoint runs in.
type VpcConfig struct {
	SecurityGroupIds []string `aws:",required"`
	Subnets          []string `aws:",required"`
}

// MetricDefinition is a metric a training algorithm emits.
type MetricDefinition struct {
	Name  string `aws:",required"`
	Regex string `aws:",required"`
}

// AlgorithmSpecification names the training image or algorithm.
type AlgorithmSpecification struct {
	TrainingImage                    *string
	AlgorithmName                    *string
	TrainingInputMode                string `aws:",required"`
	MetricDefinitions                []MetricDefinition
	EnableSageMakerMetricsTimeSeries *bool
	ContainerEntrypoint              []string
	ContainerArguments               []string
}

// S3DataSource is a channel's data in S3.
type S3DataSource struct {
	S3DataType             string `aws:",required"`
	S3Uri                  string `aws:",required"`
	S3DataDistributionType *string
	AttributeNames         []string
	InstanceGroupNames     []string
}

// FileSystemDataSource is a channel's data on an EFS or FSx for Lustre
// file system; its members are the sagemaker:FileSystem* condition keys
// of CreateTrainingJob.
type FileSystemDataSource struct {
	FileSystemId         string `aws:",required"`
	FileSystemAccessMode string `aws:",required"`
	FileSystemType       string `aws:",required"`
	DirectoryPath        string `aws:",required"`
}

// DataSource is where a channel's data comes from.
type DataSource struct {
	S3DataSource         *S3DataSource
	FileSystemDataSource *FileSystemDataSource
}

// Channel is one named input of a training job.
type Channel struct {
	ChannelName       string     `aws:",required"`
	DataSource        DataSource `aws:",required"`
	ContentType       *string
	CompressionType   *string
	RecordWrapperType *string
	InputMode         *string
}

// OutputDataConfig is where a training job writes its model artifacts.
type OutputDataConfig struct {
	KmsKeyId        *string
	S3OutputPath    string `aws:",required"`
	CompressionType *string
}

// InstanceGroup is one group of a heterogeneous training cluster.
type InstanceGroup struct {
	InstanceType      string `aws:",required"`
	InstanceCount     int32  `aws:",required"`
	InstanceGroupName string `aws:",required"`
}

// ResourceConfig is a training job's compute.
type ResourceConfig struct {
	InstanceType             *string
	InstanceCount            *int32
	VolumeSizeInGB           *int32
	VolumeKmsKeyId           *string
	KeepAlivePeriodInSeconds *int32
	InstanceGroups           []InstanceGroup
	TrainingPlanArn          *string
}

// StoppingCondition bounds a training job's run time.
type StoppingCondition struct {
	MaxRuntimeInSeconds     *int32
	MaxWaitTimeInSeconds    *int32
	MaxPendingTimeInSeconds *int32
}

// CheckpointConfig is where a training job keeps checkpoints.
type CheckpointConfig struct {
	S3Uri     string `aws:",required"`
	LocalPath *string
}

// ExperimentConfig associates a job with an experiment.
type ExperimentConfig struct {
	ExperimentName            *string
	TrialName                 *string
	TrialComponentDisplayName *string
	RunName                   *string
}

// RetryStrategy is how often a failed training job is retried.
type RetryStrategy struct {
	MaximumRetryAttempts int32 `aws:",required"`
}

// RemoteDebugConfig turns remote debugging of a training container on.
type RemoteDebugConfig struct {
	EnableRemoteDebug *bool
}

// RuleConfiguration is a Debugger or Profiler rule evaluated next to a
// training job (botocore's DebugRuleConfiguration and
// ProfilerRuleConfiguration, which have the same members); its
// InstanceType runs the rule and counts in sagemaker:InstanceTypes.
type RuleConfiguration struct {
	RuleConfigurationName string `aws:",required"`
	LocalPath             *string
	S3OutputPath          *string
	RuleEvaluatorImage    string `aws:",required"`
	InstanceType          *string
	VolumeSizeInGB        *int32
	RuleParameters        map[string]string
}

// ModelArtifacts is where a training job put its model.
type ModelArtifacts struct {
	S3ModelArtifacts string
}

// SecondaryStatusTransition is one step of a training job's progress.
type SecondaryStatusTransition struct {
	Status        string
	StartTime     time.Time
	EndTime       *time.Time
	StatusMessage *string
}

// WarmPoolStatus is the state of a training job's kept-alive cluster.
type WarmPoolStatus struct {
	Status                                string
	ResourceRetainedBillableTimeInSeconds *int32
	ReusedByJob                           *string
}

// CreateTrainingJobInput is the input of CreateTrainingJob.
type CreateTrainingJobInput struct {
	TrainingJobName                       string `aws:",required"`
	HyperParameters                       map[string]string
	AlgorithmSpecification                *AlgorithmSpecification
	RoleArn                               string `aws:",required"`
	InputDataConfig                       []Channel
	OutputDataConfig                      *OutputDataConfig `aws:",required"`
	ResourceConfig                        *ResourceConfig
	VpcConfig                             *VpcConfig
	StoppingCondition                     *StoppingCondition
	Tags                                  []Tag
	EnableNetworkIsolation                *bool
	EnableInterContainerTrafficEncryption *bool
	EnableManagedSpotTraining             *bool
	CheckpointConfig                      *CheckpointConfig
	DebugRuleConfigurations               []RuleConfiguration
	ProfilerRuleConfigurations            []RuleConfiguration
	ExperimentConfig                      *ExperimentConfig
	Environment                           map[string]string
	RetryStrategy                         *RetryStrategy
	RemoteDebugConfig                     *RemoteDebugConfig
}

// CreateTrainingJobOutput is the output of CreateTrainingJob.
type CreateTrainingJobOutput struct {
	TrainingJobArn string
}

// TrainingJobNameInput is the input of the operations that name only a
// training job (Describe, Stop, Delete).
type TrainingJobNameInput struct {
	TrainingJobName string `aws:",required"`
}

// DescribeTrainingJobOutput is the output of DescribeTrainingJob.
type DescribeTrainingJobOutput struct {
	TrainingJobName                       string
	TrainingJobArn                        string
	ModelArtifacts                        ModelArtifacts
	TrainingJobStatus                     string
	SecondaryStatus                       string
	FailureReason                         *string
	HyperParameters                       map[string]string
	AlgorithmSpecification                *AlgorithmSpecification
	RoleArn                               *string
	InputDataConfig                       []Channel
	OutputDataConfig                      *OutputDataConfig
	ResourceConfig                        *ResourceConfig
	WarmPoolStatus                        *WarmPoolStatus
	VpcConfig                             *VpcConfig
	StoppingCondition                     StoppingCondition
	CreationTime                          time.Time
	TrainingStartTime                     *time.Time
	TrainingEndTime                       *time.Time
	LastModifiedTime                      *time.Time
	SecondaryStatusTransitions            []SecondaryStatusTransition
	EnableNetworkIsolation                *bool
	EnableInterContainerTrafficEncryption *bool
	EnableManagedSpotTraining             *bool
	CheckpointConfig                      *CheckpointConfig
	TrainingTimeInSeconds                 *int32
	BillableTimeInSeconds                 *int32
	DebugRuleConfigurations               []RuleConfiguration
	ProfilerRuleConfigurations            []RuleConfiguration
	ExperimentConfig                      *ExperimentConfig
	Environment                           map[string]string
	RetryStrategy                         *RetryStrategy
	RemoteDebugConfig                     *RemoteDebugConfig
}

// ListTrainingJobsInput is the input of ListTrainingJobs.
type ListTrainingJobsInput struct {
	NextToken              *string
	MaxResults             *int32
	CreationTimeAfter      *time.Time
	CreationTimeBefore     *time.Time
	LastModifiedTimeAfter  *time.Time
	LastModifiedTimeBefore *time.Time
	NameContains           *string
	StatusEquals           *string
	SortBy                 *string
	SortOrder              *string
	WarmPoolStatusEquals   *string
	TrainingPlanArnEquals  *string
}

// TrainingJobSummary is one job in ListTrainingJobs.
type TrainingJobSummary struct {
	TrainingJobName   string
	TrainingJobArn    string
	CreationTime      time.Time
	TrainingEndTime   *time.Time
	LastModifiedTime  *time.Time
	TrainingJobStatus string
	SecondaryStatus   *string
	WarmPoolStatus    *WarmPoolStatus
}

// ListTrainingJobsOutput is the output of ListTrainingJobs.
type ListTrainingJobsOutput struct {
	TrainingJobSummaries []TrainingJobSummary
	NextToken            *string
}

// ResourceConfigForUpdate changes a training job's warm pool.
type ResourceConfigForUpdate struct {
	KeepAlivePeriodInSeconds int32 `aws:",required"`
}

// UpdateTrainingJobInput is the input of UpdateTrainingJob. abacus applies
// ResourceConfig, RemoteDebugConfig and ProfilerRuleConfigurations (added
// to the job's rules); ProfilerConfig is not modelled.
type UpdateTrainingJobInput struct {
	TrainingJobName            string `aws:",required"`
	ProfilerRuleConfigurations []RuleConfiguration
	ResourceConfig             *ResourceConfigForUpdate
	RemoteDebugConfig          *RemoteDebugConfig
}

// UpdateTrainingJobOutput is the output of UpdateTrainingJob.
type UpdateTrainingJobOutput struct {
	TrainingJobArn string
}
