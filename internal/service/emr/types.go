package emr

import "time"

// Tag is a cluster tag.
type Tag struct {
	Key   *string
	Value *string
}

// Application is an application installed on a cluster.
type Application struct {
	Name           *string
	Version        *string
	Args           []string
	AdditionalInfo map[string]string
}

// Configuration is an application configuration classification.
type Configuration struct {
	Classification *string
	Configurations []Configuration
	Properties     map[string]string
}

// InstanceGroupConfig is one instance group of RunJobFlow.
type InstanceGroupConfig struct {
	Name          *string
	Market        *string
	InstanceRole  string `aws:",required"`
	BidPrice      *string
	InstanceType  string `aws:",required"`
	InstanceCount int32  `aws:",required"`
}

// PlacementType is where a cluster runs.
type PlacementType struct {
	AvailabilityZone  *string
	AvailabilityZones []string
}

// JobFlowInstancesConfig is RunJobFlow's instance configuration.
type JobFlowInstancesConfig struct {
	MasterInstanceType             *string
	SlaveInstanceType              *string
	InstanceCount                  *int32
	InstanceGroups                 []InstanceGroupConfig
	Ec2KeyName                     *string
	Placement                      *PlacementType
	KeepJobFlowAliveWhenNoSteps    *bool
	TerminationProtected           *bool
	HadoopVersion                  *string
	Ec2SubnetId                    *string
	Ec2SubnetIds                   []string
	EmrManagedMasterSecurityGroup  *string
	EmrManagedSlaveSecurityGroup   *string
	ServiceAccessSecurityGroup     *string
	AdditionalMasterSecurityGroups []string
	AdditionalSlaveSecurityGroups  []string
}

// KeyValue is a Java property of a step.
type KeyValue struct {
	Key   *string
	Value *string
}

// HadoopJarStepConfig is what a step runs.
type HadoopJarStepConfig struct {
	Properties []KeyValue
	Jar        string `aws:",required"`
	MainClass  *string
	Args       []string
}

// StepConfig is a step to add.
type StepConfig struct {
	Name            string `aws:",required"`
	ActionOnFailure *string
	HadoopJarStep   HadoopJarStepConfig `aws:",required"`
}

// AutoTerminationPolicy ends an idle cluster.
type AutoTerminationPolicy struct {
	IdleTimeout *int64
}

// RunJobFlowInput is the input of RunJobFlow.
type RunJobFlowInput struct {
	Name                  string `aws:",required"`
	LogUri                *string
	LogEncryptionKmsKeyId *string
	AdditionalInfo        *string
	AmiVersion            *string
	ReleaseLabel          *string
	Instances             JobFlowInstancesConfig `aws:",required"`
	Steps                 []StepConfig
	StepExecutionRoleArn  *string
	Applications          []Application
	Configurations        []Configuration
	VisibleToAllUsers     *bool
	JobFlowRole           *string
	ServiceRole           *string
	Tags                  []Tag
	SecurityConfiguration *string
	AutoScalingRole       *string
	ScaleDownBehavior     *string
	CustomAmiId           *string
	EbsRootVolumeSize     *int32
	StepConcurrencyLevel  *int32
	AutoTerminationPolicy *AutoTerminationPolicy
	OSReleaseLabel        *string
}

// RunJobFlowOutput is the output of RunJobFlow.
type RunJobFlowOutput struct {
	JobFlowId  string
	ClusterArn string
}

// ClusterIDInput is the input of DescribeCluster.
type ClusterIDInput struct {
	ClusterId string `aws:",required"`
}

// ClusterStateChangeReason says why a cluster is in its state.
type ClusterStateChangeReason struct {
	Code    *string
	Message *string
}

// ClusterTimeline holds a cluster's milestones.
type ClusterTimeline struct {
	CreationDateTime *time.Time
	ReadyDateTime    *time.Time
	EndDateTime      *time.Time
}

// ClusterStatus is a cluster's state.
type ClusterStatus struct {
	State             string
	StateChangeReason *ClusterStateChangeReason
	Timeline          *ClusterTimeline
}

// Ec2InstanceAttributes describes a cluster's EC2 instances.
type Ec2InstanceAttributes struct {
	Ec2KeyName                     *string
	Ec2SubnetId                    *string
	RequestedEc2SubnetIds          []string
	Ec2AvailabilityZone            *string
	RequestedEc2AvailabilityZones  []string
	IamInstanceProfile             *string
	EmrManagedMasterSecurityGroup  *string
	EmrManagedSlaveSecurityGroup   *string
	ServiceAccessSecurityGroup     *string
	AdditionalMasterSecurityGroups []string
	AdditionalSlaveSecurityGroups  []string
}

// Cluster is DescribeCluster's cluster.
type Cluster struct {
	Id                      string
	Name                    string
	Status                  ClusterStatus
	Ec2InstanceAttributes   *Ec2InstanceAttributes
	InstanceCollectionType  *string
	LogUri                  *string
	LogEncryptionKmsKeyId   *string
	RequestedAmiVersion     *string
	RunningAmiVersion       *string
	ReleaseLabel            *string
	AutoTerminate           bool
	TerminationProtected    bool
	VisibleToAllUsers       bool
	Applications            []Application
	Tags                    []Tag
	ServiceRole             *string
	NormalizedInstanceHours int32
	MasterPublicDnsName     *string
	Configurations          []Configuration
	SecurityConfiguration   *string
	AutoScalingRole         *string
	ScaleDownBehavior       *string
	CustomAmiId             *string
	EbsRootVolumeSize       *int32
	ClusterArn              string
	StepConcurrencyLevel    int32
	OSReleaseLabel          *string
}

// DescribeClusterOutput is the output of DescribeCluster.
type DescribeClusterOutput struct {
	Cluster Cluster
}

// ListClustersInput is the input of ListClusters.
type ListClustersInput struct {
	CreatedAfter  *time.Time
	CreatedBefore *time.Time
	ClusterStates []string
	Marker        *string
}

// ClusterSummary is one cluster in ListClusters.
type ClusterSummary struct {
	Id                      string
	Name                    string
	Status                  ClusterStatus
	NormalizedInstanceHours int32
	ClusterArn              string
}

// ListClustersOutput is the output of ListClusters.
type ListClustersOutput struct {
	Clusters []ClusterSummary
	Marker   *string
}

// TerminateJobFlowsInput is the input of TerminateJobFlows.
type TerminateJobFlowsInput struct {
	JobFlowIds []string `aws:",required"`
}

// EmptyOutput is the output of operations that return nothing.
type EmptyOutput struct{}

// AddTagsInput is the input of AddTags.
type AddTagsInput struct {
	ResourceId string `aws:",required"`
	Tags       []Tag  `aws:",required"`
}

// RemoveTagsInput is the input of RemoveTags.
type RemoveTagsInput struct {
	ResourceId string   `aws:",required"`
	TagKeys    []string `aws:",required"`
}

// AddJobFlowStepsInput is the input of AddJobFlowSteps.
type AddJobFlowStepsInput struct {
	JobFlowId        string       `aws:",required"`
	Steps            []StepConfig `aws:",required"`
	ExecutionRoleArn *string
}

// AddJobFlowStepsOutput is the output of AddJobFlowSteps.
type AddJobFlowStepsOutput struct {
	StepIds []string
}

// ListStepsInput is the input of ListSteps.
type ListStepsInput struct {
	ClusterId  string `aws:",required"`
	StepStates []string
	StepIds    []string
	Marker     *string
}

// HadoopStepConfig is a step's configuration as described.
type HadoopStepConfig struct {
	Jar        *string
	Properties map[string]string
	MainClass  *string
	Args       []string
}

// StepStateChangeReason says why a step is in its state.
type StepStateChangeReason struct {
	Code    *string
	Message *string
}

// StepTimeline holds a step's milestones.
type StepTimeline struct {
	CreationDateTime *time.Time
	StartDateTime    *time.Time
	EndDateTime      *time.Time
}

// StepStatus is a step's state.
type StepStatus struct {
	State             string
	StateChangeReason *StepStateChangeReason
	Timeline          *StepTimeline
}

// StepSummary is one step in ListSteps.
type StepSummary struct {
	Id              string
	Name            string
	Config          HadoopStepConfig
	ActionOnFailure string
	Status          StepStatus
}

// ListStepsOutput is the output of ListSteps.
type ListStepsOutput struct {
	Steps  []StepSummary
	Marker *string
}

// DescribeStepInput is the input of DescribeStep.
type DescribeStepInput struct {
	ClusterId string `aws:",required"`
	StepId    string `aws:",required"`
}

// Step is DescribeStep's step.
type Step struct {
	Id               string
	Name             string
	Config           HadoopStepConfig
	ActionOnFailure  string
	Status           StepStatus
	ExecutionRoleArn *string
}

// DescribeStepOutput is the output of DescribeStep.
type DescribeStepOutput struct {
	Step Step
}
