package restxml

// ResponseRoot returns the root element name of the XML body S3 sends for
// operation op when the output has no payload member, as the "Response
// Syntax" sections of the Amazon S3 API Reference
// (https://docs.aws.amazon.com/AmazonS3/latest/API/) show them. botocore's
// model does not carry these names, and its parser and the SDKs ignore the
// root element, but other clients and people reading the XML do not. For
// outputs whose body is a payload member (CopyObjectResult,
// ServerSideEncryptionConfiguration, PolicyStatus, ...) [WriteResponse]
// names the document after that member instead. ok is false for an
// operation with no known root.
func ResponseRoot(op string) (root string, ok bool) {
	switch op {
	case "ListBuckets":
		return "ListAllMyBucketsResult", true
	case "ListObjects", "ListObjectsV2":
		return "ListBucketResult", true
	case "ListObjectVersions":
		return "ListVersionsResult", true
	case "ListMultipartUploads":
		return "ListMultipartUploadsResult", true
	case "ListParts":
		return "ListPartsResult", true
	case "CreateMultipartUpload":
		return "InitiateMultipartUploadResult", true
	case "CompleteMultipartUpload":
		return "CompleteMultipartUploadResult", true
	case "DeleteObjects":
		return "DeleteResult", true
	case "GetBucketTagging", "GetObjectTagging":
		return "Tagging", true
	case "GetBucketLocation":
		return "LocationConstraint", true
	case "GetBucketVersioning":
		return "VersioningConfiguration", true
	case "GetBucketAcl", "GetObjectAcl":
		return "AccessControlPolicy", true
	case "GetBucketCors":
		return "CORSConfiguration", true
	case "GetBucketLifecycleConfiguration":
		return "LifecycleConfiguration", true
	case "GetBucketNotificationConfiguration":
		return "NotificationConfiguration", true
	case "GetBucketLogging":
		return "BucketLoggingStatus", true
	case "GetBucketWebsite":
		return "WebsiteConfiguration", true
	case "GetBucketRequestPayment":
		return "RequestPaymentConfiguration", true
	case "GetBucketAccelerateConfiguration":
		return "AccelerateConfiguration", true
	case "GetObjectAttributes":
		return "GetObjectAttributesResponse", true
	}
	return "", false
}
