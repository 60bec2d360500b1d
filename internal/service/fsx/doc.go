// Package fsx implements the file-system operations of Amazon FSx (JSON
// 1.1, target prefix AWSSimbaAPIService_v20180301): CreateFileSystem,
// DescribeFileSystems, DeleteFileSystem, TagResource, UntagResource and
// ListTagsForResource.
//
// A file system is a generic store resource of type "fsx:file-system"
// keyed by REGION/ID, with AWS's IDs (fs- and 17 hex digits) and ARNs
// (arn:aws:fsx:REGION:ACCOUNT:file-system/fs-...). Its Lifecycle progresses
// with the call's clock: CREATING -> AVAILABLE after Options.Delay;
// DeleteFileSystem makes it DELETING, and it is gone after the delay.
// ClientRequestToken makes creation idempotent.
//
// Nothing is mounted: the file systems exist so that SageMaker training
// jobs can reference them (FileSystemDataSource with FileSystemType
// FSxLustre); [Service.FileSystem] is the lookup other services call
// through an interface of their own.
package fsx
