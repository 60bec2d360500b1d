package protocol

import (
	"slices"
	"strings"
)

//go:generate go run ./gen -out services_gen.go

// Protocol is a botocore protocol name.
type Protocol string

// The protocols of the services abacus serves.
const (
	JSON     Protocol = "json"
	Query    Protocol = "query"
	RESTXML  Protocol = "rest-xml"
	RESTJSON Protocol = "rest-json"
)

// Service is the routing metadata of one AWS service, taken from its
// botocore model's metadata. Values returned by this package are shared and
// must not be modified.
type Service struct {
	// Name is the botocore model directory ("iam", "efs").
	Name string
	// ServiceID is the model's serviceId ("IAM", "Secrets Manager").
	ServiceID string
	// Protocol is how requests and responses are encoded.
	Protocol Protocol
	// JSONVersion is "1.0" or "1.1" for JSON protocols.
	JSONVersion string
	// TargetPrefix is the X-Amz-Target prefix of JSON protocols.
	TargetPrefix string
	// SigningName is the service name in SigV4 credential scopes.
	SigningName string
	// EndpointPrefix is the host name prefix of the service's endpoints.
	EndpointPrefix string
	// XMLNamespace is the xmlns of Query responses.
	XMLNamespace string
	// APIVersion is the model's apiVersion, sent as Version= by Query
	// clients.
	APIVersion string
	// Operations lists the operations sorted by name.
	Operations []Operation
}

// Operation is one operation of a service.
type Operation struct {
	// Name is the operation name ("CreateRole").
	Name string
	// Method, RequestURI and ResponseCode (0 meaning 200) are the HTTP
	// binding of REST protocols; RequestURI may carry fixed query markers
	// ("/{Bucket}?tagging").
	Method       string
	RequestURI   string
	ResponseCode int
	// RequiredQuery and RequiredHeaders (lower case) are the names of
	// required input members bound to query parameters and headers, which
	// tell apart REST operations sharing a path (S3's UploadPart).
	RequiredQuery   []string
	RequiredHeaders []string
	// NoInput and NoOutput report whether the operation lacks an input or
	// output shape (a Query response without a Result element).
	NoInput, NoOutput bool
	// Deprecated reports whether the model marks the operation deprecated.
	Deprecated bool
}

// Services returns the served services in a fixed order.
func Services() []*Service {
	out := make([]*Service, len(services))
	for i := range services {
		out[i] = &services[i]
	}
	return out
}

// LookupService returns the service with botocore name name ("iam", "s3").
func LookupService(name string) (*Service, bool) {
	for i := range services {
		if services[i].Name == name {
			return &services[i], true
		}
	}
	return nil, false
}

// ServiceBySigningName returns the service whose SigV4 signing name is name
// ("iam", "sts", "elasticmapreduce").
func ServiceBySigningName(name string) (*Service, bool) {
	for i := range services {
		if services[i].SigningName == name {
			return &services[i], true
		}
	}
	return nil, false
}

// ServiceByTargetPrefix returns the JSON service whose X-Amz-Target prefix
// is prefix ("SageMaker", "secretsmanager"). A prefix that equals the last
// dot-separated element of a model's prefix matches too: botocore sends
// CloudTrail's "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"
// while the AWS SDK for Go v2 sends "CloudTrail_20131101", and AWS accepts
// both.
func ServiceByTargetPrefix(prefix string) (*Service, bool) {
	if prefix == "" {
		return nil, false
	}
	for i := range services {
		tp := services[i].TargetPrefix
		if tp == "" {
			continue
		}
		if tp == prefix || strings.HasSuffix(tp, "."+prefix) {
			return &services[i], true
		}
	}
	return nil, false
}

// Operation returns s's operation named name; names are case-sensitive, as
// AWS treats them.
func (s *Service) Operation(name string) (*Operation, bool) {
	i, ok := slices.BinarySearchFunc(s.Operations, name, func(op Operation, n string) int {
		return strings.Compare(op.Name, n)
	})
	if !ok {
		return nil, false
	}
	return &s.Operations[i], true
}
