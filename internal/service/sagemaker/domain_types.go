package sagemaker

import "time"

// Studio lifecycles: domains and user profiles are Pending then InService,
// Updating then InService, Deleting then gone; apps are Pending then
// InService and Deleting then Deleted (DescribeApp still answers for a
// deleted app, as AWS does for a while).
var (
	domainLifecycle = Lifecycle{
		"Pending":  {To: "InService"},
		"Updating": {To: "InService"},
		"Deleting": {To: StatusGone},
	}
	userProfileLifecycle = domainLifecycle
	appLifecycle         = Lifecycle{
		"Pending":  {To: "InService"},
		"Deleting": {To: "Deleted"},
	}
)

// domainDoc is a stored domain. Nested settings are kept as the client
// sent them (JSON documents) and echoed back, so that Terraform reads
// exactly what it wrote.
type domainDoc struct {
	DomainID                   string
	DomainName                 string
	AuthMode                   string
	DefaultUserSettings        any
	DomainSettings             any
	DefaultSpaceSettings       any
	SubnetIds                  []string
	VpcId                      string
	AppNetworkAccessType       string
	AppSecurityGroupManagement string
	HomeEfsFileSystemKmsKeyId  string
	KmsKeyId                   string
	TagPropagation             string
	HomeEfsFileSystemID        string
	Region                     string
}

// userProfileDoc is a stored user profile.
type userProfileDoc struct {
	DomainID                   string
	UserProfileName            string
	SingleSignOnUserIdentifier string
	SingleSignOnUserValue      string
	UserSettings               any
	HomeEfsFileSystemUID       string
}

// appDoc is a stored app.
type appDoc struct {
	DomainID        string
	UserProfileName string
	SpaceName       string
	AppType         string
	AppName         string
	ResourceSpec    any
	RecoveryMode    *bool
	DeletedAt       time.Time
}
