package model

import (
	"encoding/json"
	"time"
)

// Resource is a generic typed document that services other than IAM and STS
// store without schemas of their own: SageMaker domains and notebook
// instances, S3 buckets and object metadata, Secrets Manager secrets, EMR
// clusters and so on. It is keyed by (account, Type, ID).
type Resource struct {
	// Type is the service's resource type, e.g. "sagemaker:notebook-instance".
	Type string
	// ID is unique within (account, Type) and compared exactly (case
	// sensitive); services normalise it when their names are not.
	ID     string
	ARN    string
	Name   string
	Status string
	Tags   []Tag
	// Document is the service's own JSON representation of the resource.
	Document   json.RawMessage
	CreateDate time.Time
	UpdateDate time.Time
	// Version is the store's version counter: 1 after creation and
	// incremented by every update; used for compare-and-swap.
	Version int64
}
