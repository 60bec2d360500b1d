package sts

import (
	"time"

	"abacus/internal/model"
)

// The input and output structs of the STS operations. Field names are the
// member names of botocore's sts 2011-06-15 model (see
// internal/protocol/doc.go for the convention); shapes_test.go checks them
// against the model.

// Tag is a session tag (botocore shape Tag).
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

// PolicyDescriptorType names a managed policy used as a session policy.
type PolicyDescriptorType struct {
	Arn *string `aws:"arn"`
}

// ProvidedContext is a context assertion from a trusted context provider.
// abacus accepts and ignores it: it trusts no context provider.
type ProvidedContext struct {
	ProviderArn      *string
	ContextAssertion *string
}

// AssumeRoleInput is the input of AssumeRole.
type AssumeRoleInput struct {
	RoleArn           string `aws:",required"`
	RoleSessionName   string `aws:",required"`
	PolicyArns        []PolicyDescriptorType
	Policy            *string
	DurationSeconds   *int32
	Tags              []Tag
	TransitiveTagKeys []string
	ExternalId        *string
	SerialNumber      *string
	TokenCode         *string
	SourceIdentity    *string
	ProvidedContexts  []ProvidedContext
}

// Credentials are temporary security credentials. The secret and the token
// are [model.Secret] values, which never print.
type Credentials struct {
	AccessKeyId     string
	SecretAccessKey model.Secret
	SessionToken    model.Secret
	Expiration      time.Time
}

// AssumedRoleUser identifies a role session: AssumedRoleId is
// ROLEID:SESSIONNAME and Arn is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSIONNAME.
type AssumedRoleUser struct {
	AssumedRoleId string
	Arn           string
}

// AssumeRoleOutput is the output of AssumeRole.
type AssumeRoleOutput struct {
	Credentials     *Credentials
	AssumedRoleUser *AssumedRoleUser
	// PackedPolicySize is set when session policies or session tags were
	// passed: the percentage of the packed-size limit they use.
	PackedPolicySize *int32
	SourceIdentity   *string
}

// GetCallerIdentityInput is the (empty) input of GetCallerIdentity.
type GetCallerIdentityInput struct{}

// GetCallerIdentityOutput is the output of GetCallerIdentity.
type GetCallerIdentityOutput struct {
	UserId  *string
	Account *string
	Arn     *string
}

// GetSessionTokenInput is the input of GetSessionToken.
type GetSessionTokenInput struct {
	DurationSeconds *int32
	SerialNumber    *string
	TokenCode       *string
}

// GetSessionTokenOutput is the output of GetSessionToken.
type GetSessionTokenOutput struct {
	Credentials *Credentials
}
