package sagemaker

import (
	"strings"

	"abacus/internal/model"
	"abacus/internal/op"
)

// Resource types as they appear in SageMaker ARNs (the Service Authorization
// Reference's resource types).
const (
	TypeNotebookInstance = "notebook-instance"
	TypeDomain           = "domain"
	TypeUserProfile      = "user-profile"
	TypeApp              = "app"
	TypeTrainingJob      = "training-job"
	TypeProcessingJob    = "processing-job"
	TypeModel            = "model"
	TypeEndpointConfig   = "endpoint-config"
	TypeEndpoint         = "endpoint"
)

// resourceTypes are the types whose tags AddTags, DeleteTags and ListTags
// manage. A type must be listed here for its ARNs to be taggable.
var resourceTypes = map[string]bool{
	TypeNotebookInstance: true,
	TypeDomain:           true,
	TypeUserProfile:      true,
	TypeApp:              true,
	TypeTrainingJob:      true,
	TypeProcessingJob:    true,
	TypeModel:            true,
	TypeEndpointConfig:   true,
	TypeEndpoint:         true,
}

// ServicePrincipal is SageMaker's service principal, the value of
// iam:PassedToService for roles passed to SageMaker.
const ServicePrincipal = "sagemaker.amazonaws.com"

// lowerName is a resource name as SageMaker writes it into ARNs: lower-cased
// (a notebook instance named AKing-Service-Mapping has the ARN
// .../notebook-instance/aking-service-mapping).
func lowerName(name string) string { return strings.ToLower(name) }

// arnOf returns arn:aws:sagemaker:REGION:ACCOUNT:TYPE/PATH.
func arnOf(region string, acct model.AccountID, typ, path string) string {
	return "arn:aws:sagemaker:" + region + ":" + string(acct) + ":" + typ + "/" + path
}

// ARN returns the ARN of a resource of typ at path (what follows "TYPE/" in
// the ARN) in the call's region and account. Callers lower-case names
// where SageMaker does (lowerName).
func (s *Service) ARN(c *op.Call, typ, path string) string {
	return arnOf(c.Region, c.Account, typ, path)
}

// parsedARN is a SageMaker ARN split into its parts.
type parsedARN struct {
	Region  string
	Account model.AccountID
	Type    string
	Path    string
}

// parseARN splits a SageMaker ARN; ok is false for anything else.
func parseARN(s string) (parsedARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sagemaker" || parts[3] == "" || parts[4] == "" {
		return parsedARN{}, false
	}
	typ, path, ok := strings.Cut(parts[5], "/")
	if !ok || typ == "" || path == "" {
		return parsedARN{}, false
	}
	return parsedARN{Region: parts[3], Account: model.AccountID(parts[4]), Type: typ, Path: path}, true
}

// domainARN, userProfileARN and appARN build the Studio ARNs. Domain IDs are
// already lower case; user profile names keep their case (see
// docs/sagemaker.md); app types and names are lower-cased.
func domainARN(region string, acct model.AccountID, domainID string) string {
	return arnOf(region, acct, TypeDomain, domainID)
}

func userProfileARN(region string, acct model.AccountID, domainID, profile string) string {
	return arnOf(region, acct, TypeUserProfile, domainID+"/"+profile)
}

func appPath(domainID, profile, appType, appName string) string {
	return domainID + "/" + profile + "/" + strings.ToLower(appType) + "/" + strings.ToLower(appName)
}
