package efs

import "time"

// Tag is a file-system tag.
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

// CreateFileSystemInput is the input of CreateFileSystem.
type CreateFileSystemInput struct {
	CreationToken                string `aws:",required"`
	PerformanceMode              *string
	Encrypted                    *bool
	KmsKeyId                     *string
	ThroughputMode               *string
	ProvisionedThroughputInMibps *float64
	AvailabilityZoneName         *string
	Backup                       *bool
	Tags                         []Tag
}

// FileSystemSize is a file system's metered size.
type FileSystemSize struct {
	Value           int64
	Timestamp       *time.Time
	ValueInIA       *int64
	ValueInStandard *int64
	ValueInArchive  *int64
}

// FileSystemProtectionDescription is a file system's replication
// protection.
type FileSystemProtectionDescription struct {
	ReplicationOverwriteProtection *string
}

// FileSystemDescription describes a file system (CreateFileSystem's output
// and DescribeFileSystems' items).
type FileSystemDescription struct {
	OwnerId                      string
	CreationToken                string
	FileSystemId                 string
	FileSystemArn                string
	CreationTime                 time.Time
	LifeCycleState               string
	Name                         *string
	NumberOfMountTargets         int32
	SizeInBytes                  FileSystemSize
	PerformanceMode              string
	Encrypted                    *bool
	KmsKeyId                     *string
	ThroughputMode               *string
	ProvisionedThroughputInMibps *float64
	AvailabilityZoneName         *string
	AvailabilityZoneId           *string
	Tags                         []Tag
	FileSystemProtection         *FileSystemProtectionDescription
}

// DescribeFileSystemsInput is the input of DescribeFileSystems.
type DescribeFileSystemsInput struct {
	MaxItems      *int32  `aws:",querystring=MaxItems"`
	Marker        *string `aws:",querystring=Marker"`
	CreationToken *string `aws:",querystring=CreationToken"`
	FileSystemId  *string `aws:",querystring=FileSystemId"`
}

// DescribeFileSystemsOutput is the output of DescribeFileSystems.
type DescribeFileSystemsOutput struct {
	Marker      *string
	FileSystems []FileSystemDescription
	NextMarker  *string
}

// DeleteFileSystemInput is the input of DeleteFileSystem.
type DeleteFileSystemInput struct {
	FileSystemId string `aws:",required,uri=FileSystemId"`
}

// EmptyOutput is the output of operations that return nothing.
type EmptyOutput struct{}

// TagResourceInput is the input of TagResource.
type TagResourceInput struct {
	ResourceId string `aws:",required,uri=ResourceId"`
	Tags       []Tag  `aws:",required"`
}

// UntagResourceInput is the input of UntagResource.
type UntagResourceInput struct {
	ResourceId string   `aws:",required,uri=ResourceId"`
	TagKeys    []string `aws:",required,querystring=tagKeys"`
}

// ListTagsForResourceInput is the input of ListTagsForResource.
type ListTagsForResourceInput struct {
	ResourceId string  `aws:",required,uri=ResourceId"`
	MaxResults *int32  `aws:",querystring=MaxResults"`
	NextToken  *string `aws:",querystring=NextToken"`
}

// ListTagsForResourceOutput is the output of ListTagsForResource.
type ListTagsForResourceOutput struct {
	Tags      []Tag
	NextToken *string
}

// CreateTagsInput is the input of CreateTags.
type CreateTagsInput struct {
	FileSystemId string `aws:",required,uri=FileSystemId"`
	Tags         []Tag  `aws:",required"`
}

// DescribeTagsInput is the input of DescribeTags.
type DescribeTagsInput struct {
	MaxItems     *int32  `aws:",querystring=MaxItems"`
	Marker       *string `aws:",querystring=Marker"`
	FileSystemId string  `aws:",required,uri=FileSystemId"`
}

// DescribeTagsOutput is the output of DescribeTags.
type DescribeTagsOutput struct {
	Marker     *string
	Tags       []Tag
	NextMarker *string
}
