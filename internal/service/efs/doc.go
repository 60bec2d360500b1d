// Package efs implements the file-system operations of Amazon EFS
// (REST-JSON, signing name elasticfilesystem): CreateFileSystem,
// DescribeFileSystems, DeleteFileSystem, TagResource, UntagResource,
// ListTagsForResource and the older CreateTags and DescribeTags.
//
// A file system is a generic store resource of type "efs:file-system"
// keyed by REGION/ID, with AWS's IDs (fs- and 17 hex digits) and ARNs
// (arn:aws:elasticfilesystem:REGION:ACCOUNT:file-system/fs-...). Its
// LifeCycleState progresses with the call's clock: creating -> available
// after Options.Delay; DeleteFileSystem makes it deleting, and it is gone
// after the delay. CreationToken makes creation idempotent as on AWS: a
// second create with the same token is FileSystemAlreadyExists naming the
// existing file system.
//
// Nothing is mounted or stored: the file systems exist so that SageMaker
// training jobs can reference them; [Service.FileSystem] is the lookup
// other services call (through an interface of their own).
package efs
