package fsx

import "time"

// Tag is a file-system tag.
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

// CreateFileSystemLustreConfiguration is the Lustre part of
// CreateFileSystem (the members abacus keeps).
type CreateFileSystemLustreConfiguration struct {
	WeeklyMaintenanceStartTime    *string
	ImportPath                    *string
	ExportPath                    *string
	ImportedFileChunkSize         *int32
	DeploymentType                *string
	AutoImportPolicy              *string
	PerUnitStorageThroughput      *int32
	DailyAutomaticBackupStartTime *string
	AutomaticBackupRetentionDays  *int32
	CopyTagsToBackups             *bool
	DriveCacheType                *string
	DataCompressionType           *string
	EfaEnabled                    *bool
	ThroughputCapacity            *int32
}

// CreateFileSystemInput is the input of CreateFileSystem.
type CreateFileSystemInput struct {
	ClientRequestToken    *string
	FileSystemType        string `aws:",required"`
	StorageCapacity       *int32
	StorageType           *string
	SubnetIds             []string `aws:",required"`
	SecurityGroupIds      []string
	Tags                  []Tag
	KmsKeyId              *string
	LustreConfiguration   *CreateFileSystemLustreConfiguration
	FileSystemTypeVersion *string
	NetworkType           *string
}

// LustreFileSystemConfiguration is a Lustre file system's configuration.
type LustreFileSystemConfiguration struct {
	WeeklyMaintenanceStartTime    *string
	DeploymentType                *string
	PerUnitStorageThroughput      *int32
	MountName                     *string
	DailyAutomaticBackupStartTime *string
	AutomaticBackupRetentionDays  *int32
	CopyTagsToBackups             *bool
	DriveCacheType                *string
	DataCompressionType           *string
	EfaEnabled                    *bool
	ThroughputCapacity            *int32
}

// FileSystemFailureDetails says why a file system failed.
type FileSystemFailureDetails struct {
	Message *string
}

// FileSystem describes a file system.
type FileSystem struct {
	OwnerId               *string
	CreationTime          *time.Time
	FileSystemId          *string
	FileSystemType        *string
	Lifecycle             *string
	FailureDetails        *FileSystemFailureDetails
	StorageCapacity       *int32
	StorageType           *string
	VpcId                 *string
	SubnetIds             []string
	NetworkInterfaceIds   []string
	DNSName               *string
	KmsKeyId              *string
	ResourceARN           *string
	Tags                  []Tag
	LustreConfiguration   *LustreFileSystemConfiguration
	FileSystemTypeVersion *string
	NetworkType           *string
}

// CreateFileSystemOutput is the output of CreateFileSystem.
type CreateFileSystemOutput struct {
	FileSystem *FileSystem
}

// DescribeFileSystemsInput is the input of DescribeFileSystems.
type DescribeFileSystemsInput struct {
	FileSystemIds []string
	MaxResults    *int32
	NextToken     *string
}

// DescribeFileSystemsOutput is the output of DescribeFileSystems.
type DescribeFileSystemsOutput struct {
	FileSystems []FileSystem
	NextToken   *string
}

// DeleteFileSystemLustreConfiguration is the Lustre part of
// DeleteFileSystem.
type DeleteFileSystemLustreConfiguration struct {
	SkipFinalBackup *bool
	FinalBackupTags []Tag
}

// DeleteFileSystemInput is the input of DeleteFileSystem.
type DeleteFileSystemInput struct {
	FileSystemId        string `aws:",required"`
	ClientRequestToken  *string
	LustreConfiguration *DeleteFileSystemLustreConfiguration
}

// DeleteFileSystemOutput is the output of DeleteFileSystem.
type DeleteFileSystemOutput struct {
	FileSystemId *string
	Lifecycle    *string
}

// TagResourceInput is the input of TagResource.
type TagResourceInput struct {
	ResourceARN string `aws:",required"`
	Tags        []Tag  `aws:",required"`
}

// UntagResourceInput is the input of UntagResource.
type UntagResourceInput struct {
	ResourceARN string   `aws:",required"`
	TagKeys     []string `aws:",required"`
}

// EmptyOutput is the output of operations that return nothing.
type EmptyOutput struct{}

// ListTagsForResourceInput is the input of ListTagsForResource.
type ListTagsForResourceInput struct {
	ResourceARN string `aws:",required"`
	MaxResults  *int32
	NextToken   *string
}

// ListTagsForResourceOutput is the output of ListTagsForResource.
type ListTagsForResourceOutput struct {
	Tags      []Tag
	NextToken *string
}
