package s3

import (
	"io"
	"net/http"
	"time"
)

// The operation types follow the convention of package protocol: field
// names are the member names of S3's botocore model, REST bindings are in
// aws:"..." tags, and optional members are pointers.

// Tag is one S3 tag.
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

// Tagging is an object's or bucket's tag set.
type Tagging struct {
	TagSet []Tag `aws:",required,member=Tag"`
}

// Owner is a bucket's or object's owner.
type Owner struct {
	DisplayName *string
	ID          *string
}

// CreateBucketConfiguration is CreateBucket's optional body.
type CreateBucketConfiguration struct {
	LocationConstraint *string
}

// CreateBucketInput is the input of CreateBucket.
type CreateBucketInput struct {
	ACL                       *string                    `aws:",header=x-amz-acl"`
	Bucket                    string                     `aws:",required,uri=Bucket"`
	CreateBucketConfiguration *CreateBucketConfiguration `aws:",payload"`
	ObjectOwnership           *string                    `aws:",header=x-amz-object-ownership"`
}

// CreateBucketOutput is the output of CreateBucket.
type CreateBucketOutput struct {
	Location  *string `aws:",header=Location"`
	BucketArn *string `aws:",header=x-amz-bucket-arn"`
}

// HeadBucketInput is the input of HeadBucket.
type HeadBucketInput struct {
	Bucket string `aws:",required,uri=Bucket"`
}

// HeadBucketOutput is the output of HeadBucket.
type HeadBucketOutput struct {
	BucketArn    *string `aws:",header=x-amz-bucket-arn"`
	BucketRegion *string `aws:",header=x-amz-bucket-region"`
}

// ListBucketsInput is the input of ListBuckets.
type ListBucketsInput struct {
	MaxBuckets        *int32  `aws:",querystring=max-buckets"`
	ContinuationToken *string `aws:",querystring=continuation-token"`
	Prefix            *string `aws:",querystring=prefix"`
	BucketRegion      *string `aws:",querystring=bucket-region"`
}

// Bucket is one entry of ListBuckets.
type Bucket struct {
	Name         string
	CreationDate time.Time
	BucketRegion *string
	BucketArn    *string
}

// ListBucketsOutput is the output of ListBuckets.
type ListBucketsOutput struct {
	Buckets           []Bucket `aws:",member=Bucket"`
	Owner             *Owner
	ContinuationToken *string
	Prefix            *string
}

// DeleteBucketInput is the input of DeleteBucket.
type DeleteBucketInput struct {
	Bucket string `aws:",required,uri=Bucket"`
}

// GetBucketLocationInput is the input of GetBucketLocation.
type GetBucketLocationInput struct {
	Bucket string `aws:",required,uri=Bucket"`
}

// GetBucketLocationOutput is the output of GetBucketLocation; us-east-1 is
// the empty LocationConstraint.
type GetBucketLocationOutput struct {
	LocationConstraint *string
}

// Checksums are the flexible checksum members shared by object
// operations' inputs and outputs, base64 of the big-endian digest.
type Checksums struct {
	ChecksumCRC32     *string `aws:",header=x-amz-checksum-crc32"`
	ChecksumCRC32C    *string `aws:",header=x-amz-checksum-crc32c"`
	ChecksumCRC64NVME *string `aws:",header=x-amz-checksum-crc64nvme"`
	ChecksumSHA1      *string `aws:",header=x-amz-checksum-sha1"`
	ChecksumSHA256    *string `aws:",header=x-amz-checksum-sha256"`
}

// PutObjectInput is the input of PutObject. Body streams the request
// payload; it is read once, by the handler.
type PutObjectInput struct {
	ACL                *string   `aws:",header=x-amz-acl"`
	Body               io.Reader `aws:",payload"`
	Bucket             string    `aws:",required,uri=Bucket"`
	CacheControl       *string   `aws:",header=Cache-Control"`
	ContentDisposition *string   `aws:",header=Content-Disposition"`
	ContentEncoding    *string   `aws:",header=Content-Encoding"`
	ContentLanguage    *string   `aws:",header=Content-Language"`
	ContentLength      *int64    `aws:",header=Content-Length"`
	ContentMD5         *string   `aws:",header=Content-MD5"`
	ContentType        *string   `aws:",header=Content-Type"`
	ChecksumAlgorithm  *string   `aws:",header=x-amz-sdk-checksum-algorithm"`
	Checksums
	Expires     *string           `aws:",header=Expires"`
	IfMatch     *string           `aws:",header=If-Match"`
	IfNoneMatch *string           `aws:",header=If-None-Match"`
	Key         string            `aws:",required,uri=Key"`
	Metadata    map[string]string `aws:",headers=x-amz-meta-"`
	Tagging     *string           `aws:",header=x-amz-tagging"`
}

// PutObjectOutput is the output of PutObject.
type PutObjectOutput struct {
	ETag *string `aws:",header=ETag"`
	Checksums
	ChecksumType *string `aws:",header=x-amz-checksum-type"`
	Size         *int64  `aws:",header=x-amz-object-size"`
}

// GetObjectInput is the input of GetObject.
type GetObjectInput struct {
	Bucket            string     `aws:",required,uri=Bucket"`
	IfMatch           *string    `aws:",header=If-Match"`
	IfModifiedSince   *time.Time `aws:",header=If-Modified-Since"`
	IfNoneMatch       *string    `aws:",header=If-None-Match"`
	IfUnmodifiedSince *time.Time `aws:",header=If-Unmodified-Since"`
	Key               string     `aws:",required,uri=Key"`
	Range             *string    `aws:",header=Range"`
	VersionId         *string    `aws:",querystring=versionId"`
	PartNumber        *int32     `aws:",querystring=partNumber"`
	ChecksumMode      *string    `aws:",header=x-amz-checksum-mode"`
}

// objectHeaders are the members GetObject and HeadObject share.
type objectHeaders struct {
	AcceptRanges  *string    `aws:",header=accept-ranges"`
	LastModified  *time.Time `aws:",header=Last-Modified"`
	ContentLength *int64     `aws:",header=Content-Length"`
	ETag          *string    `aws:",header=ETag"`
	Checksums
	ChecksumType       *string           `aws:",header=x-amz-checksum-type"`
	CacheControl       *string           `aws:",header=Cache-Control"`
	ContentDisposition *string           `aws:",header=Content-Disposition"`
	ContentEncoding    *string           `aws:",header=Content-Encoding"`
	ContentLanguage    *string           `aws:",header=Content-Language"`
	ContentRange       *string           `aws:",header=Content-Range"`
	ContentType        *string           `aws:",header=Content-Type"`
	Expires            *string           `aws:",header=Expires"`
	Metadata           map[string]string `aws:",headers=x-amz-meta-"`
	TagCount           *int32            `aws:",header=x-amz-tagging-count"`
	PartsCount         *int32            `aws:",header=x-amz-mp-parts-count"`
}

// GetObjectOutput is the output of GetObject. Body streams the object's
// bytes (the requested range); the server closes it.
type GetObjectOutput struct {
	Body io.ReadCloser `aws:",payload"`
	objectHeaders
}

// HTTPStatus returns 206 for a range response and 200 otherwise.
func (o *GetObjectOutput) HTTPStatus() int {
	if o.ContentRange != nil {
		return http.StatusPartialContent
	}
	return http.StatusOK
}

// HeadObjectInput is the input of HeadObject.
type HeadObjectInput GetObjectInput

// HeadObjectOutput is the output of HeadObject.
type HeadObjectOutput struct {
	objectHeaders
}

// HTTPStatus returns 206 for a range response and 200 otherwise.
func (o *HeadObjectOutput) HTTPStatus() int {
	if o.ContentRange != nil {
		return http.StatusPartialContent
	}
	return http.StatusOK
}

// DeleteObjectInput is the input of DeleteObject.
type DeleteObjectInput struct {
	Bucket    string  `aws:",required,uri=Bucket"`
	Key       string  `aws:",required,uri=Key"`
	VersionId *string `aws:",querystring=versionId"`
	IfMatch   *string `aws:",header=If-Match"`
}

// DeleteObjectOutput is the output of DeleteObject.
type DeleteObjectOutput struct{}

// ObjectIdentifier names one object of DeleteObjects.
type ObjectIdentifier struct {
	Key       string `aws:",required"`
	VersionId *string
	ETag      *string
}

// Delete is DeleteObjects' body.
type Delete struct {
	Objects []ObjectIdentifier `aws:",required,flattened,xml=Object"`
	Quiet   *bool
}

// DeleteObjectsInput is the input of DeleteObjects.
type DeleteObjectsInput struct {
	Bucket            string  `aws:",required,uri=Bucket"`
	Delete            *Delete `aws:",required,payload"`
	ChecksumAlgorithm *string `aws:",header=x-amz-sdk-checksum-algorithm"`
}

// DeletedObject is one success of DeleteObjects.
type DeletedObject struct {
	Key *string
}

// DeleteError is one failure of DeleteObjects.
type DeleteError struct {
	Key     *string
	Code    *string
	Message *string
}

// DeleteObjectsOutput is the output of DeleteObjects.
type DeleteObjectsOutput struct {
	Deleted []DeletedObject `aws:",flattened"`
	Errors  []DeleteError   `aws:",flattened,xml=Error"`
}

// CopyObjectInput is the input of CopyObject.
type CopyObjectInput struct {
	ACL                         *string           `aws:",header=x-amz-acl"`
	Bucket                      string            `aws:",required,uri=Bucket"`
	CacheControl                *string           `aws:",header=Cache-Control"`
	ChecksumAlgorithm           *string           `aws:",header=x-amz-checksum-algorithm"`
	ContentDisposition          *string           `aws:",header=Content-Disposition"`
	ContentEncoding             *string           `aws:",header=Content-Encoding"`
	ContentLanguage             *string           `aws:",header=Content-Language"`
	ContentType                 *string           `aws:",header=Content-Type"`
	CopySource                  string            `aws:",required,header=x-amz-copy-source"`
	CopySourceIfMatch           *string           `aws:",header=x-amz-copy-source-if-match"`
	CopySourceIfModifiedSince   *time.Time        `aws:",header=x-amz-copy-source-if-modified-since"`
	CopySourceIfNoneMatch       *string           `aws:",header=x-amz-copy-source-if-none-match"`
	CopySourceIfUnmodifiedSince *time.Time        `aws:",header=x-amz-copy-source-if-unmodified-since"`
	Expires                     *string           `aws:",header=Expires"`
	Key                         string            `aws:",required,uri=Key"`
	Metadata                    map[string]string `aws:",headers=x-amz-meta-"`
	MetadataDirective           *string           `aws:",header=x-amz-metadata-directive"`
	TaggingDirective            *string           `aws:",header=x-amz-tagging-directive"`
	Tagging                     *string           `aws:",header=x-amz-tagging"`
}

// CopyObjectResult is CopyObject's body.
type CopyObjectResult struct {
	ETag              *string
	LastModified      *time.Time
	ChecksumType      *string
	ChecksumCRC32     *string
	ChecksumCRC32C    *string
	ChecksumCRC64NVME *string
	ChecksumSHA1      *string
	ChecksumSHA256    *string
}

// CopyObjectOutput is the output of CopyObject.
type CopyObjectOutput struct {
	CopyObjectResult *CopyObjectResult `aws:",payload"`
}

// CreateMultipartUploadInput is the input of CreateMultipartUpload.
type CreateMultipartUploadInput struct {
	ACL                *string           `aws:",header=x-amz-acl"`
	Bucket             string            `aws:",required,uri=Bucket"`
	CacheControl       *string           `aws:",header=Cache-Control"`
	ContentDisposition *string           `aws:",header=Content-Disposition"`
	ContentEncoding    *string           `aws:",header=Content-Encoding"`
	ContentLanguage    *string           `aws:",header=Content-Language"`
	ContentType        *string           `aws:",header=Content-Type"`
	Expires            *string           `aws:",header=Expires"`
	Key                string            `aws:",required,uri=Key"`
	Metadata           map[string]string `aws:",headers=x-amz-meta-"`
	Tagging            *string           `aws:",header=x-amz-tagging"`
	ChecksumAlgorithm  *string           `aws:",header=x-amz-checksum-algorithm"`
	ChecksumType       *string           `aws:",header=x-amz-checksum-type"`
}

// CreateMultipartUploadOutput is the output of CreateMultipartUpload.
type CreateMultipartUploadOutput struct {
	Bucket            *string
	Key               *string
	UploadId          *string
	ChecksumAlgorithm *string `aws:",header=x-amz-checksum-algorithm"`
	ChecksumType      *string `aws:",header=x-amz-checksum-type"`
}

// UploadPartInput is the input of UploadPart.
type UploadPartInput struct {
	Body              io.Reader `aws:",payload"`
	Bucket            string    `aws:",required,uri=Bucket"`
	ContentLength     *int64    `aws:",header=Content-Length"`
	ContentMD5        *string   `aws:",header=Content-MD5"`
	ChecksumAlgorithm *string   `aws:",header=x-amz-sdk-checksum-algorithm"`
	Checksums
	Key        string `aws:",required,uri=Key"`
	PartNumber int32  `aws:",required,querystring=partNumber"`
	UploadId   string `aws:",required,querystring=uploadId"`
}

// UploadPartOutput is the output of UploadPart.
type UploadPartOutput struct {
	ETag *string `aws:",header=ETag"`
	Checksums
}

// CompletedPart is one part named in CompleteMultipartUpload.
type CompletedPart struct {
	ETag              *string
	ChecksumCRC32     *string
	ChecksumCRC32C    *string
	ChecksumCRC64NVME *string
	ChecksumSHA1      *string
	ChecksumSHA256    *string
	PartNumber        *int32
}

// CompletedMultipartUpload is CompleteMultipartUpload's body.
type CompletedMultipartUpload struct {
	Parts []CompletedPart `aws:",flattened,xml=Part"`
}

// CompleteMultipartUploadInput is the input of CompleteMultipartUpload.
type CompleteMultipartUploadInput struct {
	Bucket          string                    `aws:",required,uri=Bucket"`
	Key             string                    `aws:",required,uri=Key"`
	MultipartUpload *CompletedMultipartUpload `aws:",payload,xml=CompleteMultipartUpload"`
	UploadId        string                    `aws:",required,querystring=uploadId"`
	IfMatch         *string                   `aws:",header=If-Match"`
	IfNoneMatch     *string                   `aws:",header=If-None-Match"`
}

// CompleteMultipartUploadOutput is the output of
// CompleteMultipartUpload.
type CompleteMultipartUploadOutput struct {
	Location *string
	Bucket   *string
	Key      *string
	ETag     *string
}

// AbortMultipartUploadInput is the input of AbortMultipartUpload.
type AbortMultipartUploadInput struct {
	Bucket   string `aws:",required,uri=Bucket"`
	Key      string `aws:",required,uri=Key"`
	UploadId string `aws:",required,querystring=uploadId"`
}

// AbortMultipartUploadOutput is the output of AbortMultipartUpload.
type AbortMultipartUploadOutput struct{}

// ListPartsInput is the input of ListParts.
type ListPartsInput struct {
	Bucket           string `aws:",required,uri=Bucket"`
	Key              string `aws:",required,uri=Key"`
	MaxParts         *int32 `aws:",querystring=max-parts"`
	PartNumberMarker *int32 `aws:",querystring=part-number-marker"`
	UploadId         string `aws:",required,querystring=uploadId"`
}

// Part is one uploaded part.
type Part struct {
	PartNumber   *int32
	LastModified *time.Time
	ETag         *string
	Size         *int64
}

// ListPartsOutput is the output of ListParts.
type ListPartsOutput struct {
	Bucket               *string
	Key                  *string
	UploadId             *string
	PartNumberMarker     *int32
	NextPartNumberMarker *int32
	MaxParts             *int32
	IsTruncated          *bool
	Parts                []Part `aws:",flattened,xml=Part"`
	Owner                *Owner
	StorageClass         *string
}

// Object is one entry of a listing.
type Object struct {
	Key          *string
	LastModified *time.Time
	ETag         *string
	Size         *int64
	StorageClass *string
	Owner        *Owner
}

// CommonPrefix is one rolled-up prefix of a delimited listing.
type CommonPrefix struct {
	Prefix *string
}

// ListObjectsV2Input is the input of ListObjectsV2.
type ListObjectsV2Input struct {
	Bucket            string  `aws:",required,uri=Bucket"`
	Delimiter         *string `aws:",querystring=delimiter"`
	EncodingType      *string `aws:",querystring=encoding-type"`
	MaxKeys           *int32  `aws:",querystring=max-keys"`
	Prefix            *string `aws:",querystring=prefix"`
	ContinuationToken *string `aws:",querystring=continuation-token"`
	FetchOwner        *bool   `aws:",querystring=fetch-owner"`
	StartAfter        *string `aws:",querystring=start-after"`
}

// ListObjectsV2Output is the output of ListObjectsV2.
type ListObjectsV2Output struct {
	IsTruncated           *bool
	Contents              []Object `aws:",flattened"`
	Name                  *string
	Prefix                *string
	Delimiter             *string
	MaxKeys               *int32
	CommonPrefixes        []CommonPrefix `aws:",flattened"`
	EncodingType          *string
	KeyCount              *int32
	ContinuationToken     *string
	NextContinuationToken *string
	StartAfter            *string
}

// ListObjectsInput is the input of ListObjects (version 1).
type ListObjectsInput struct {
	Bucket       string  `aws:",required,uri=Bucket"`
	Delimiter    *string `aws:",querystring=delimiter"`
	EncodingType *string `aws:",querystring=encoding-type"`
	Marker       *string `aws:",querystring=marker"`
	MaxKeys      *int32  `aws:",querystring=max-keys"`
	Prefix       *string `aws:",querystring=prefix"`
}

// ListObjectsOutput is the output of ListObjects.
type ListObjectsOutput struct {
	IsTruncated    *bool
	Marker         *string
	NextMarker     *string
	Contents       []Object `aws:",flattened"`
	Name           *string
	Prefix         *string
	Delimiter      *string
	MaxKeys        *int32
	CommonPrefixes []CommonPrefix `aws:",flattened"`
	EncodingType   *string
}

// PutObjectTaggingInput is the input of PutObjectTagging.
type PutObjectTaggingInput struct {
	Bucket            string   `aws:",required,uri=Bucket"`
	Key               string   `aws:",required,uri=Key"`
	VersionId         *string  `aws:",querystring=versionId"`
	ContentMD5        *string  `aws:",header=Content-MD5"`
	ChecksumAlgorithm *string  `aws:",header=x-amz-sdk-checksum-algorithm"`
	Tagging           *Tagging `aws:",required,payload"`
}

// PutObjectTaggingOutput is the output of PutObjectTagging.
type PutObjectTaggingOutput struct{}

// GetObjectTaggingInput is the input of GetObjectTagging.
type GetObjectTaggingInput struct {
	Bucket    string  `aws:",required,uri=Bucket"`
	Key       string  `aws:",required,uri=Key"`
	VersionId *string `aws:",querystring=versionId"`
}

// GetObjectTaggingOutput is the output of GetObjectTagging.
type GetObjectTaggingOutput struct {
	TagSet []Tag `aws:",member=Tag"`
}

// DeleteObjectTaggingInput is the input of DeleteObjectTagging.
type DeleteObjectTaggingInput GetObjectTaggingInput

// DeleteObjectTaggingOutput is the output of DeleteObjectTagging.
type DeleteObjectTaggingOutput struct{}

// PutBucketTaggingInput is the input of PutBucketTagging.
type PutBucketTaggingInput struct {
	Bucket            string   `aws:",required,uri=Bucket"`
	ContentMD5        *string  `aws:",header=Content-MD5"`
	ChecksumAlgorithm *string  `aws:",header=x-amz-sdk-checksum-algorithm"`
	Tagging           *Tagging `aws:",required,payload"`
}

// BucketInput is the input of the bucket operations that take only the
// bucket's name (GetBucketTagging, DeleteBucketTagging, GetBucketPolicy,
// DeleteBucketPolicy).
type BucketInput struct {
	Bucket string `aws:",required,uri=Bucket"`
}

// Empty is the output of operations that return nothing.
type Empty struct{}

// GetBucketTaggingOutput is the output of GetBucketTagging.
type GetBucketTaggingOutput struct {
	TagSet []Tag `aws:",member=Tag"`
}

// PutBucketPolicyInput is the input of PutBucketPolicy; Policy is the
// request body.
type PutBucketPolicyInput struct {
	Bucket            string  `aws:",required,uri=Bucket"`
	ContentMD5        *string `aws:",header=Content-MD5"`
	ChecksumAlgorithm *string `aws:",header=x-amz-sdk-checksum-algorithm"`
	Policy            []byte  `aws:",required,payload"`
}

// GetBucketPolicyOutput is the output of GetBucketPolicy; Policy is the
// response body.
type GetBucketPolicyOutput struct {
	Policy []byte `aws:",payload"`
}
