package secretsmanager

import (
	"time"

	"abacus/internal/model"
)

// Tag is a secret's tag.
type Tag struct {
	Key   *string
	Value *string
}

// ReplicaRegionType names a replica Region (accepted, not replicated).
type ReplicaRegionType struct {
	Region   *string
	KmsKeyId *string
}

// ReplicationStatusType is the status of one replica.
type ReplicationStatusType struct {
	Region           *string
	KmsKeyId         *string
	Status           *string
	StatusMessage    *string
	LastAccessedDate *time.Time
}

// CreateSecretInput is the input of CreateSecret.
type CreateSecretInput struct {
	Name                        string `aws:",required"`
	ClientRequestToken          *string
	Description                 *string
	KmsKeyId                    *string
	SecretBinary                []byte
	SecretString                *model.Secret
	Tags                        []Tag
	AddReplicaRegions           []ReplicaRegionType
	ForceOverwriteReplicaSecret *bool
	Type                        *string
}

// CreateSecretOutput is the output of CreateSecret.
type CreateSecretOutput struct {
	ARN               string
	Name              string
	VersionId         *string
	ReplicationStatus []ReplicationStatusType
}

// SecretIDInput is the input of the operations that name only a secret
// (DescribeSecret, RestoreSecret, GetResourcePolicy, DeleteResourcePolicy).
type SecretIDInput struct {
	SecretId string `aws:",required"`
}

// GetSecretValueInput is the input of GetSecretValue.
type GetSecretValueInput struct {
	SecretId     string `aws:",required"`
	VersionId    *string
	VersionStage *string
}

// GetSecretValueOutput is the output of GetSecretValue.
type GetSecretValueOutput struct {
	ARN           string
	Name          string
	VersionId     string
	SecretBinary  []byte
	SecretString  *model.Secret
	VersionStages []string
	CreatedDate   time.Time
}

// PutSecretValueInput is the input of PutSecretValue.
type PutSecretValueInput struct {
	SecretId           string `aws:",required"`
	ClientRequestToken *string
	SecretBinary       []byte
	SecretString       *model.Secret
	VersionStages      []string
	RotationToken      *string
}

// PutSecretValueOutput is the output of PutSecretValue.
type PutSecretValueOutput struct {
	ARN           string
	Name          string
	VersionId     string
	VersionStages []string
}

// UpdateSecretInput is the input of UpdateSecret.
type UpdateSecretInput struct {
	SecretId           string `aws:",required"`
	ClientRequestToken *string
	Description        *string
	KmsKeyId           *string
	SecretBinary       []byte
	SecretString       *model.Secret
	Type               *string
}

// UpdateSecretOutput is the output of UpdateSecret.
type UpdateSecretOutput struct {
	ARN       string
	Name      string
	VersionId *string
}

// RotationRulesType is a secret's rotation schedule (never set here).
type RotationRulesType struct {
	AutomaticallyAfterDays *int64
	Duration               *string
	ScheduleExpression     *string
}

// DescribeSecretOutput is the output of DescribeSecret.
type DescribeSecretOutput struct {
	ARN                string
	Name               string
	Type               *string
	Description        *string
	KmsKeyId           *string
	RotationEnabled    *bool
	LastChangedDate    *time.Time
	LastAccessedDate   *time.Time
	DeletedDate        *time.Time
	Tags               []Tag
	VersionIdsToStages map[string][]string
	CreatedDate        time.Time
	PrimaryRegion      *string
}

// Filter is one ListSecrets filter.
type Filter struct {
	Key    *string
	Values []string
}

// ListSecretsInput is the input of ListSecrets.
type ListSecretsInput struct {
	IncludePlannedDeletion *bool
	MaxResults             *int32
	NextToken              *string
	Filters                []Filter
	SortOrder              *string
	SortBy                 *string
}

// SecretListEntry is one secret in ListSecrets.
type SecretListEntry struct {
	ARN                    string
	Name                   string
	Type                   *string
	Description            *string
	KmsKeyId               *string
	RotationEnabled        *bool
	LastChangedDate        *time.Time
	LastAccessedDate       *time.Time
	DeletedDate            *time.Time
	Tags                   []Tag
	SecretVersionsToStages map[string][]string
	CreatedDate            time.Time
	PrimaryRegion          *string
}

// ListSecretsOutput is the output of ListSecrets.
type ListSecretsOutput struct {
	SecretList []SecretListEntry
	NextToken  *string
}

// DeleteSecretInput is the input of DeleteSecret.
type DeleteSecretInput struct {
	SecretId                   string `aws:",required"`
	RecoveryWindowInDays       *int64
	ForceDeleteWithoutRecovery *bool
}

// DeleteSecretOutput is the output of DeleteSecret.
type DeleteSecretOutput struct {
	ARN          string
	Name         string
	DeletionDate time.Time
}

// ARNNameOutput is the output of the operations that answer with the
// secret's ARN and name only.
type ARNNameOutput struct {
	ARN  string
	Name string
}

// UpdateSecretVersionStageInput is the input of UpdateSecretVersionStage.
type UpdateSecretVersionStageInput struct {
	SecretId            string `aws:",required"`
	VersionStage        string `aws:",required"`
	RemoveFromVersionId *string
	MoveToVersionId     *string
}

// ListSecretVersionIdsInput is the input of ListSecretVersionIds.
type ListSecretVersionIdsInput struct {
	SecretId          string `aws:",required"`
	MaxResults        *int32
	NextToken         *string
	IncludeDeprecated *bool
}

// SecretVersionsListEntry is one version in ListSecretVersionIds.
type SecretVersionsListEntry struct {
	VersionId        string
	VersionStages    []string
	LastAccessedDate *time.Time
	CreatedDate      time.Time
	KmsKeyIds        []string
}

// ListSecretVersionIdsOutput is the output of ListSecretVersionIds.
type ListSecretVersionIdsOutput struct {
	Versions  []SecretVersionsListEntry
	NextToken *string
	ARN       string
	Name      string
}

// TagResourceInput is the input of TagResource.
type TagResourceInput struct {
	SecretId string `aws:",required"`
	Tags     []Tag  `aws:",required"`
}

// UntagResourceInput is the input of UntagResource.
type UntagResourceInput struct {
	SecretId string   `aws:",required"`
	TagKeys  []string `aws:",required"`
}

// EmptyOutput is the output of operations that return nothing.
type EmptyOutput struct{}

// PutResourcePolicyInput is the input of PutResourcePolicy.
type PutResourcePolicyInput struct {
	SecretId          string `aws:",required"`
	ResourcePolicy    string `aws:",required"`
	BlockPublicPolicy *bool
}

// GetResourcePolicyOutput is the output of GetResourcePolicy.
type GetResourcePolicyOutput struct {
	ARN            string
	Name           string
	ResourcePolicy *string
}

// ValidateResourcePolicyInput is the input of ValidateResourcePolicy.
type ValidateResourcePolicyInput struct {
	SecretId       *string
	ResourcePolicy string `aws:",required"`
}

// ValidationErrorsEntry is one finding of ValidateResourcePolicy.
type ValidationErrorsEntry struct {
	CheckName    *string
	ErrorMessage *string
}

// ValidateResourcePolicyOutput is the output of ValidateResourcePolicy.
type ValidateResourcePolicyOutput struct {
	PolicyValidationPassed bool
	ValidationErrors       []ValidationErrorsEntry
}
