package sagemaker

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// notebookLifecycle is a notebook instance's automatic progression:
// Pending -> InService (create, start), Stopping -> Stopped, Updating ->
// Stopped, Deleting -> gone.
var notebookLifecycle = Lifecycle{
	"Pending":  {To: "InService"},
	"Stopping": {To: "Stopped"},
	"Updating": {To: "Stopped"},
	"Deleting": {To: StatusGone},
}

// notebookKind names notebook instances in lifecycle errors.
const notebookKind = "Notebook Instance"

// Which statuses each notebook transition starts from (AWS's texts: Start
// and Delete need [Stopped, Failed], Stop needs [InService]; Update is
// documented as needing a stopped instance, see docs/sagemaker.md).
var (
	startFrom  = []string{"Stopped", "Failed"}
	stopFrom   = []string{"InService"}
	deleteFrom = []string{"Stopped", "Failed"}
	updateFrom = []string{"Stopped", "Failed"}
)

var notebookNameRE = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`)

func validateNotebookName(name string) error {
	if len(name) > 63 || !notebookNameRE.MatchString(name) {
		return validationError("1 validation error detected: Value '%s' at 'notebookInstanceName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*", name)
	}
	return nil
}

// InstanceMetadataServiceConfiguration is the notebook's IMDS setting.
type InstanceMetadataServiceConfiguration struct {
	MinimumInstanceMetadataServiceVersion string `aws:",required"`
}

// CreateNotebookInstanceInput is the input of CreateNotebookInstance.
type CreateNotebookInstanceInput struct {
	NotebookInstanceName                 string `aws:",required"`
	InstanceType                         string `aws:",required"`
	SubnetId                             *string
	SecurityGroupIds                     []string
	IpAddressType                        *string
	RoleArn                              string `aws:",required"`
	KmsKeyId                             *string
	Tags                                 []Tag
	LifecycleConfigName                  *string
	DirectInternetAccess                 *string
	VolumeSizeInGB                       *int32
	AcceleratorTypes                     []string
	DefaultCodeRepository                *string
	AdditionalCodeRepositories           []string
	RootAccess                           *string
	PlatformIdentifier                   *string
	InstanceMetadataServiceConfiguration *InstanceMetadataServiceConfiguration
}

// CreateNotebookInstanceOutput is the output of CreateNotebookInstance.
type CreateNotebookInstanceOutput struct {
	NotebookInstanceArn string
}

// NotebookInstanceNameInput is the input of the operations that name only
// a notebook instance (Describe, Start, Stop, Delete).
type NotebookInstanceNameInput struct {
	NotebookInstanceName string `aws:",required"`
}

// DescribeNotebookInstanceOutput is the output of DescribeNotebookInstance.
type DescribeNotebookInstanceOutput struct {
	NotebookInstanceArn                  string
	NotebookInstanceName                 string
	NotebookInstanceStatus               string
	FailureReason                        *string
	Url                                  string
	InstanceType                         string
	IpAddressType                        *string
	SubnetId                             *string
	SecurityGroups                       []string
	RoleArn                              string
	KmsKeyId                             *string
	NetworkInterfaceId                   *string
	LastModifiedTime                     time.Time
	CreationTime                         time.Time
	NotebookInstanceLifecycleConfigName  *string
	DirectInternetAccess                 string
	VolumeSizeInGB                       int32
	AcceleratorTypes                     []string
	DefaultCodeRepository                *string
	AdditionalCodeRepositories           []string
	RootAccess                           string
	PlatformIdentifier                   *string
	InstanceMetadataServiceConfiguration *InstanceMetadataServiceConfiguration
}

// EmptyOutput is the output of operations that return nothing.
type EmptyOutput struct{}

// ListNotebookInstancesInput is the input of ListNotebookInstances.
type ListNotebookInstancesInput struct {
	NextToken                                   *string
	MaxResults                                  *int32
	SortBy                                      *string
	SortOrder                                   *string
	NameContains                                *string
	CreationTimeBefore                          *time.Time
	CreationTimeAfter                           *time.Time
	LastModifiedTimeBefore                      *time.Time
	LastModifiedTimeAfter                       *time.Time
	StatusEquals                                *string
	NotebookInstanceLifecycleConfigNameContains *string
	DefaultCodeRepositoryContains               *string
	AdditionalCodeRepositoryEquals              *string
}

// NotebookInstanceSummary is one instance in ListNotebookInstances.
type NotebookInstanceSummary struct {
	NotebookInstanceName                string
	NotebookInstanceArn                 string
	NotebookInstanceStatus              string
	Url                                 string
	InstanceType                        string
	CreationTime                        time.Time
	LastModifiedTime                    time.Time
	NotebookInstanceLifecycleConfigName *string
	DefaultCodeRepository               *string
	AdditionalCodeRepositories          []string
}

// ListNotebookInstancesOutput is the output of ListNotebookInstances.
type ListNotebookInstancesOutput struct {
	NextToken         *string
	NotebookInstances []NotebookInstanceSummary
}

// UpdateNotebookInstanceInput is the input of UpdateNotebookInstance.
type UpdateNotebookInstanceInput struct {
	NotebookInstanceName                   string `aws:",required"`
	InstanceType                           *string
	IpAddressType                          *string
	PlatformIdentifier                     *string
	RoleArn                                *string
	LifecycleConfigName                    *string
	DisassociateLifecycleConfig            *bool
	VolumeSizeInGB                         *int32
	DefaultCodeRepository                  *string
	AdditionalCodeRepositories             []string
	AcceleratorTypes                       []string
	DisassociateAcceleratorTypes           *bool
	DisassociateDefaultCodeRepository      *bool
	DisassociateAdditionalCodeRepositories *bool
	RootAccess                             *string
	InstanceMetadataServiceConfiguration   *InstanceMetadataServiceConfiguration
}

// notebookDoc is a stored notebook instance.
type notebookDoc struct {
	Name                       string
	Region                     string
	InstanceType               string
	SubnetID                   *string
	SecurityGroups             []string
	IPAddressType              *string
	RoleARN                    string
	KmsKeyID                   *string
	LifecycleConfigName        *string
	DirectInternetAccess       string
	VolumeSizeInGB             int32
	AcceleratorTypes           []string
	DefaultCodeRepository      *string
	AdditionalCodeRepositories []string
	RootAccess                 string
	PlatformIdentifier         string
	IMDSVersion                string
	NetworkInterfaceID         *string
	FailureReason              *string
}

func registerNotebookInstances(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[CreateNotebookInstanceInput, CreateNotebookInstanceOutput]{Service: "sagemaker", Name: "CreateNotebookInstance",
		Authorize: s.authorizeCreateNotebookInstance, Handle: s.CreateNotebookInstance})
	op.Register(r, op.Spec[NotebookInstanceNameInput, DescribeNotebookInstanceOutput]{Service: "sagemaker", Name: "DescribeNotebookInstance", ReadOnly: true,
		Authorize: s.notebookAuth("sagemaker:DescribeNotebookInstance"), Handle: s.DescribeNotebookInstance})
	op.Register(r, op.Spec[ListNotebookInstancesInput, ListNotebookInstancesOutput]{Service: "sagemaker", Name: "ListNotebookInstances", ReadOnly: true,
		Authorize: op.Any[ListNotebookInstancesInput]("sagemaker:ListNotebookInstances"), Handle: s.ListNotebookInstances})
	op.Register(r, op.Spec[NotebookInstanceNameInput, EmptyOutput]{Service: "sagemaker", Name: "StartNotebookInstance",
		Authorize: s.notebookAuth("sagemaker:StartNotebookInstance"), Handle: s.StartNotebookInstance})
	op.Register(r, op.Spec[NotebookInstanceNameInput, EmptyOutput]{Service: "sagemaker", Name: "StopNotebookInstance",
		Authorize: s.notebookAuth("sagemaker:StopNotebookInstance"), Handle: s.StopNotebookInstance})
	op.Register(r, op.Spec[NotebookInstanceNameInput, EmptyOutput]{Service: "sagemaker", Name: "DeleteNotebookInstance",
		Authorize: s.notebookAuth("sagemaker:DeleteNotebookInstance"), Handle: s.DeleteNotebookInstance})
	op.Register(r, op.Spec[UpdateNotebookInstanceInput, EmptyOutput]{Service: "sagemaker", Name: "UpdateNotebookInstance",
		Authorize: s.authorizeUpdateNotebookInstance, Handle: s.UpdateNotebookInstance})
}

func (s *Service) notebookARN(c *op.Call, name string) string {
	return s.ARN(c, TypeNotebookInstance, lowerName(name))
}

// notebookLifecycleConfigARN is the ARN of a notebook instance lifecycle
// configuration, the value of sagemaker:NotebookInstanceLifecycleConfigArns.
func (s *Service) notebookLifecycleConfigARN(c *op.Call, name string) string {
	return s.ARN(c, "notebook-instance-lifecycle-config", lowerName(name))
}

// notebookNotFound is what SageMaker answers for a notebook instance that
// does not exist: a ValidationException whose message is "RecordNotFound"
// (the Terraform provider tests for that text).
func notebookNotFound() error { return validationError("RecordNotFound") }

var enabledDisabled = []string{"Enabled", "Disabled"}

func checkEnum(v *string, member string, allowed []string) error {
	if v != nil && !slices.Contains(allowed, *v) {
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
			*v, member, strings.Join(allowed, ", "))
	}
	return nil
}

func checkVolume(v *int32) error {
	if v != nil && (*v < 5 || *v > 16384) {
		return validationError("1 validation error detected: Value '%d' at 'volumeSizeInGB' failed to satisfy constraint: Member must have value between 5 and 16384", *v)
	}
	return nil
}

func validateCreateNotebook(in *CreateNotebookInstanceInput) error {
	if err := validateNotebookName(in.NotebookInstanceName); err != nil {
		return err
	}
	if !strings.HasPrefix(in.InstanceType, "ml.") {
		return validationError("1 validation error detected: Value '%s' at 'instanceType' failed to satisfy constraint: Member must satisfy enum value set", in.InstanceType)
	}
	if !strings.HasPrefix(in.RoleArn, "arn:aws:iam::") || !strings.Contains(in.RoleArn, ":role/") {
		return validationError("1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$", in.RoleArn)
	}
	if err := checkEnum(in.DirectInternetAccess, "directInternetAccess", enabledDisabled); err != nil {
		return err
	}
	if err := checkEnum(in.RootAccess, "rootAccess", enabledDisabled); err != nil {
		return err
	}
	if in.DirectInternetAccess != nil && *in.DirectInternetAccess == "Disabled" && in.SubnetId == nil {
		return validationError("Direct internet access can only be disabled for notebook instances in a VPC: specify SubnetId and SecurityGroupIds.")
	}
	return checkVolume(in.VolumeSizeInGB)
}

// createNotebookKeys returns the request-derived condition keys of
// CreateNotebookInstance (Service Authorization Reference): InstanceTypes,
// DirectInternetAccess and RootAccess (with their documented defaults,
// Enabled, when omitted), VpcSubnets, VpcSecurityGroupIds, VolumeKmsKeyArn,
// NotebookInstanceLifecycleConfigArns, AcceleratorTypes and
// MinimumInstanceMetadataServiceVersion when given.
func (s *Service) createNotebookKeys(c *op.Call, in *CreateNotebookInstanceInput) map[string][]string {
	keys := map[string][]string{
		"sagemaker:InstanceTypes":        {in.InstanceType},
		"sagemaker:DirectInternetAccess": {deref(in.DirectInternetAccess, "Enabled")},
		"sagemaker:RootAccess":           {deref(in.RootAccess, "Enabled")},
	}
	if in.SubnetId != nil {
		keys["sagemaker:VpcSubnets"] = []string{*in.SubnetId}
	}
	if len(in.SecurityGroupIds) > 0 {
		keys["sagemaker:VpcSecurityGroupIds"] = slices.Clone(in.SecurityGroupIds)
	}
	if in.KmsKeyId != nil {
		keys["sagemaker:VolumeKmsKeyArn"] = []string{*in.KmsKeyId}
	}
	if in.LifecycleConfigName != nil {
		keys["sagemaker:NotebookInstanceLifecycleConfigArns"] = []string{s.notebookLifecycleConfigARN(c, *in.LifecycleConfigName)}
	}
	if len(in.AcceleratorTypes) > 0 {
		keys["sagemaker:AcceleratorTypes"] = slices.Clone(in.AcceleratorTypes)
	}
	if in.InstanceMetadataServiceConfiguration != nil {
		keys["sagemaker:MinimumInstanceMetadataServiceVersion"] = []string{in.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion}
	}
	return keys
}

func deref(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func (s *Service) authorizeCreateNotebookInstance(ctx context.Context, c *op.Call, in *CreateNotebookInstanceInput) ([]op.Check, error) {
	if err := validateCreateNotebook(in); err != nil {
		return nil, err
	}
	checks, _, err := s.CreateChecks(ctx, c, CreateSpec{
		Operation: "CreateNotebookInstance",
		ARN:       s.notebookARN(c, in.NotebookInstanceName),
		Keys:      s.createNotebookKeys(c, in),
		Tags:      in.Tags,
		Roles:     []string{in.RoleArn},
	})
	return checks, err
}

// CreateNotebookInstance creates an instance in Pending; it is InService
// after the configured delay.
func (s *Service) CreateNotebookInstance(ctx context.Context, c *op.Call, in *CreateNotebookInstanceInput) (*CreateNotebookInstanceOutput, error) {
	if err := validateCreateNotebook(in); err != nil {
		return nil, err
	}
	_, tags, err := s.CreateChecks(ctx, c, CreateSpec{Operation: "CreateNotebookInstance", Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	now := s.callTime(c)
	arn := s.notebookARN(c, in.NotebookInstanceName)
	e := entry[notebookDoc]{
		Res: model.Resource{ARN: arn, Name: in.NotebookInstanceName, Status: "Pending", Tags: tags},
		Doc: notebookDoc{
			Name:                       in.NotebookInstanceName,
			Region:                     c.Region,
			InstanceType:               in.InstanceType,
			SubnetID:                   in.SubnetId,
			SecurityGroups:             slices.Clone(in.SecurityGroupIds),
			IPAddressType:              in.IpAddressType,
			RoleARN:                    in.RoleArn,
			KmsKeyID:                   in.KmsKeyId,
			LifecycleConfigName:        in.LifecycleConfigName,
			DirectInternetAccess:       deref(in.DirectInternetAccess, "Enabled"),
			VolumeSizeInGB:             5,
			AcceleratorTypes:           slices.Clone(in.AcceleratorTypes),
			DefaultCodeRepository:      in.DefaultCodeRepository,
			AdditionalCodeRepositories: slices.Clone(in.AdditionalCodeRepositories),
			RootAccess:                 deref(in.RootAccess, "Enabled"),
			PlatformIdentifier:         deref(in.PlatformIdentifier, "notebook-al2-v3"),
			IMDSVersion:                "1",
		},
	}
	if in.VolumeSizeInGB != nil {
		e.Doc.VolumeSizeInGB = *in.VolumeSizeInGB
	}
	if in.InstanceMetadataServiceConfiguration != nil {
		e.Doc.IMDSVersion = in.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion
	}
	if in.SubnetId != nil {
		eni := "eni-" + s.hexID(c, 17)
		e.Doc.NetworkInterfaceID = &eni
	}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		err := createEntry(ctx, s, tx, c.Account, notebookLifecycle, TypeNotebookInstance, c.Region, lowerName(in.NotebookInstanceName), &e, now)
		if errors.Is(err, store.ErrConflict) {
			return validationError("Cannot create a duplicate Notebook Instance (%s)", arn)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateNotebookInstanceOutput{NotebookInstanceArn: arn}, nil
}

// getNotebook loads a notebook instance settled at the call's time.
func (s *Service) getNotebook(ctx context.Context, tx store.ReadTx, c *op.Call, name string) (entry[notebookDoc], error) {
	e, err := getEntry[notebookDoc](ctx, s, tx, c.Account, notebookLifecycle, TypeNotebookInstance, c.Region, lowerName(name), s.callTime(c))
	if errors.Is(err, store.ErrNotFound) {
		return e, notebookNotFound()
	}
	return e, err
}

// notebookTags returns the tags of a notebook instance, or none when it
// does not exist (authorization then runs without them and the handler
// reports the missing instance).
func (s *Service) notebookTags(ctx context.Context, c *op.Call, name string) ([]model.Tag, error) {
	var tags []model.Tag
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := s.getNotebook(ctx, tx, c, name)
		if err == nil {
			tags = e.Res.Tags
		}
		if errors.Is(err, ErrValidation) {
			return nil
		}
		return err
	})
	return tags, err
}

// notebookAuth is the Authorize of an operation on one existing notebook
// instance: the action on its ARN with its tags.
func (s *Service) notebookAuth(action string) func(context.Context, *op.Call, *NotebookInstanceNameInput) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *NotebookInstanceNameInput) ([]op.Check, error) {
		if err := validateNotebookName(in.NotebookInstanceName); err != nil {
			return nil, err
		}
		tags, err := s.notebookTags(ctx, c, in.NotebookInstanceName)
		if err != nil {
			return nil, err
		}
		return []op.Check{resourceCheck(action, s.notebookARN(c, in.NotebookInstanceName), tags, nil)}, nil
	}
}

func notebookURL(name, region string) string {
	return lowerName(name) + ".notebook." + region + ".sagemaker.aws"
}

func describeNotebook(e entry[notebookDoc]) *DescribeNotebookInstanceOutput {
	d := e.Doc
	out := &DescribeNotebookInstanceOutput{
		NotebookInstanceArn:                 e.Res.ARN,
		NotebookInstanceName:                d.Name,
		NotebookInstanceStatus:              e.Res.Status,
		FailureReason:                       d.FailureReason,
		Url:                                 notebookURL(d.Name, d.Region),
		InstanceType:                        d.InstanceType,
		IpAddressType:                       d.IPAddressType,
		SubnetId:                            d.SubnetID,
		SecurityGroups:                      d.SecurityGroups,
		RoleArn:                             d.RoleARN,
		KmsKeyId:                            d.KmsKeyID,
		NetworkInterfaceId:                  d.NetworkInterfaceID,
		LastModifiedTime:                    maxTime(e.Res.UpdateDate, e.Since),
		CreationTime:                        e.Res.CreateDate,
		NotebookInstanceLifecycleConfigName: d.LifecycleConfigName,
		DirectInternetAccess:                d.DirectInternetAccess,
		VolumeSizeInGB:                      d.VolumeSizeInGB,
		AcceleratorTypes:                    d.AcceleratorTypes,
		DefaultCodeRepository:               d.DefaultCodeRepository,
		AdditionalCodeRepositories:          d.AdditionalCodeRepositories,
		RootAccess:                          d.RootAccess,
		InstanceMetadataServiceConfiguration: &InstanceMetadataServiceConfiguration{
			MinimumInstanceMetadataServiceVersion: d.IMDSVersion,
		},
	}
	if d.PlatformIdentifier != "" {
		p := d.PlatformIdentifier
		out.PlatformIdentifier = &p
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// DescribeNotebookInstance returns an instance with its current status.
func (s *Service) DescribeNotebookInstance(ctx context.Context, c *op.Call, in *NotebookInstanceNameInput) (*DescribeNotebookInstanceOutput, error) {
	var out *DescribeNotebookInstanceOutput
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := s.getNotebook(ctx, tx, c, in.NotebookInstanceName)
		if err != nil {
			return err
		}
		out = describeNotebook(e)
		return nil
	})
	return out, err
}

// transitionNotebook moves an instance from one of the statuses in from to
// status, or fails with AWS's lifecycle text naming target (the status AWS
// names in its message, which for Start is Pending).
func (s *Service) transitionNotebook(ctx context.Context, c *op.Call, name string, from []string, status string, change func(*entry[notebookDoc])) error {
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := s.getNotebook(ctx, tx, c, name)
		if err != nil {
			return err
		}
		if !slices.Contains(from, e.Res.Status) {
			return transitionError(e.Res.Status, from, status, notebookKind, e.Res.ARN)
		}
		now := s.callTime(c)
		if change != nil {
			change(&e)
		}
		e.setStatus(status, now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
}

// StartNotebookInstance starts a Stopped or Failed instance: Pending, then
// InService.
func (s *Service) StartNotebookInstance(ctx context.Context, c *op.Call, in *NotebookInstanceNameInput) (*EmptyOutput, error) {
	err := s.transitionNotebook(ctx, c, in.NotebookInstanceName, startFrom, "Pending", func(e *entry[notebookDoc]) { e.Doc.FailureReason = nil })
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// StopNotebookInstance stops an InService instance: Stopping, then
// Stopped.
func (s *Service) StopNotebookInstance(ctx context.Context, c *op.Call, in *NotebookInstanceNameInput) (*EmptyOutput, error) {
	if err := s.transitionNotebook(ctx, c, in.NotebookInstanceName, stopFrom, "Stopping", nil); err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// DeleteNotebookInstance deletes a Stopped or Failed instance: Deleting,
// then gone.
func (s *Service) DeleteNotebookInstance(ctx context.Context, c *op.Call, in *NotebookInstanceNameInput) (*EmptyOutput, error) {
	if err := s.transitionNotebook(ctx, c, in.NotebookInstanceName, deleteFrom, "Deleting", nil); err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

func validateUpdateNotebook(in *UpdateNotebookInstanceInput) error {
	if err := validateNotebookName(in.NotebookInstanceName); err != nil {
		return err
	}
	if err := checkEnum(in.RootAccess, "rootAccess", enabledDisabled); err != nil {
		return err
	}
	if in.InstanceType != nil && !strings.HasPrefix(*in.InstanceType, "ml.") {
		return validationError("1 validation error detected: Value '%s' at 'instanceType' failed to satisfy constraint: Member must satisfy enum value set", *in.InstanceType)
	}
	return checkVolume(in.VolumeSizeInGB)
}

// authorizeUpdateNotebookInstance: sagemaker:UpdateNotebookInstance on the
// instance with its tags and the request's keys (InstanceTypes, RootAccess,
// AcceleratorTypes, NotebookInstanceLifecycleConfigArns,
// MinimumInstanceMetadataServiceVersion, each when the request sets it),
// plus iam:PassRole for a new RoleArn.
func (s *Service) authorizeUpdateNotebookInstance(ctx context.Context, c *op.Call, in *UpdateNotebookInstanceInput) ([]op.Check, error) {
	if err := validateUpdateNotebook(in); err != nil {
		return nil, err
	}
	tags, err := s.notebookTags(ctx, c, in.NotebookInstanceName)
	if err != nil {
		return nil, err
	}
	keys := map[string][]string{}
	if in.InstanceType != nil {
		keys["sagemaker:InstanceTypes"] = []string{*in.InstanceType}
	}
	if in.RootAccess != nil {
		keys["sagemaker:RootAccess"] = []string{*in.RootAccess}
	}
	if len(in.AcceleratorTypes) > 0 {
		keys["sagemaker:AcceleratorTypes"] = slices.Clone(in.AcceleratorTypes)
	}
	if in.LifecycleConfigName != nil {
		keys["sagemaker:NotebookInstanceLifecycleConfigArns"] = []string{s.notebookLifecycleConfigARN(c, *in.LifecycleConfigName)}
	}
	if in.InstanceMetadataServiceConfiguration != nil {
		keys["sagemaker:MinimumInstanceMetadataServiceVersion"] = []string{in.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion}
	}
	if len(keys) == 0 {
		keys = nil
	}
	checks := []op.Check{resourceCheck("sagemaker:UpdateNotebookInstance", s.notebookARN(c, in.NotebookInstanceName), tags, keys)}
	if in.RoleArn != nil {
		checks = append(checks, PassRoleCheck(*in.RoleArn))
	}
	return checks, nil
}

// UpdateNotebookInstance changes a stopped instance: Updating, then
// Stopped.
func (s *Service) UpdateNotebookInstance(ctx context.Context, c *op.Call, in *UpdateNotebookInstanceInput) (*EmptyOutput, error) {
	if err := validateUpdateNotebook(in); err != nil {
		return nil, err
	}
	err := s.transitionNotebook(ctx, c, in.NotebookInstanceName, updateFrom, "Updating", func(e *entry[notebookDoc]) {
		d := &e.Doc
		if in.InstanceType != nil {
			d.InstanceType = *in.InstanceType
		}
		if in.IpAddressType != nil {
			d.IPAddressType = in.IpAddressType
		}
		if in.PlatformIdentifier != nil {
			d.PlatformIdentifier = *in.PlatformIdentifier
		}
		if in.RoleArn != nil {
			d.RoleARN = *in.RoleArn
		}
		if in.LifecycleConfigName != nil {
			d.LifecycleConfigName = in.LifecycleConfigName
		}
		if in.DisassociateLifecycleConfig != nil && *in.DisassociateLifecycleConfig {
			d.LifecycleConfigName = nil
		}
		if in.VolumeSizeInGB != nil {
			d.VolumeSizeInGB = *in.VolumeSizeInGB
		}
		if in.DefaultCodeRepository != nil {
			d.DefaultCodeRepository = in.DefaultCodeRepository
		}
		if in.DisassociateDefaultCodeRepository != nil && *in.DisassociateDefaultCodeRepository {
			d.DefaultCodeRepository = nil
		}
		if in.AdditionalCodeRepositories != nil {
			d.AdditionalCodeRepositories = slices.Clone(in.AdditionalCodeRepositories)
		}
		if in.DisassociateAdditionalCodeRepositories != nil && *in.DisassociateAdditionalCodeRepositories {
			d.AdditionalCodeRepositories = nil
		}
		if in.AcceleratorTypes != nil {
			d.AcceleratorTypes = slices.Clone(in.AcceleratorTypes)
		}
		if in.DisassociateAcceleratorTypes != nil && *in.DisassociateAcceleratorTypes {
			d.AcceleratorTypes = nil
		}
		if in.RootAccess != nil {
			d.RootAccess = *in.RootAccess
		}
		if in.InstanceMetadataServiceConfiguration != nil {
			d.IMDSVersion = in.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion
		}
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

var notebookStatuses = []string{"Pending", "InService", "Stopping", "Stopped", "Failed", "Deleting", "Updating"}

func validateListNotebooks(in *ListNotebookInstancesInput) error {
	if err := checkEnum(in.SortBy, "sortBy", []string{"Name", "CreationTime", "Status"}); err != nil {
		return err
	}
	if err := checkEnum(in.SortOrder, "sortOrder", []string{"Ascending", "Descending"}); err != nil {
		return err
	}
	return checkEnum(in.StatusEquals, "statusEquals", notebookStatuses)
}

// ListNotebookInstances lists the region's instances with AWS's filters
// (name substring without regard to case, creation and modification time
// bounds, status, lifecycle config and code repositories), sorted by Name
// (default), CreationTime or Status, Ascending by default, 10 a page by
// default (at most 100).
func (s *Service) ListNotebookInstances(ctx context.Context, c *op.Call, in *ListNotebookInstancesInput) (*ListNotebookInstancesOutput, error) {
	if err := validateListNotebooks(in); err != nil {
		return nil, err
	}
	limit, err := maxResults(in.MaxResults, 10, 100)
	if err != nil {
		return nil, err
	}
	start, err := decodeToken(in.NextToken, "notebook-instances")
	if err != nil {
		return nil, err
	}
	var all []entry[notebookDoc]
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		all, err = listEntries[notebookDoc](ctx, s, tx, c.Account, notebookLifecycle, TypeNotebookInstance, c.Region, "", s.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	var items []NotebookInstanceSummary
	for _, e := range all {
		d := describeNotebook(e)
		if !notebookMatches(in, d) {
			continue
		}
		items = append(items, NotebookInstanceSummary{
			NotebookInstanceName:                d.NotebookInstanceName,
			NotebookInstanceArn:                 d.NotebookInstanceArn,
			NotebookInstanceStatus:              d.NotebookInstanceStatus,
			Url:                                 d.Url,
			InstanceType:                        d.InstanceType,
			CreationTime:                        d.CreationTime,
			LastModifiedTime:                    d.LastModifiedTime,
			NotebookInstanceLifecycleConfigName: d.NotebookInstanceLifecycleConfigName,
			DefaultCodeRepository:               d.DefaultCodeRepository,
			AdditionalCodeRepositories:          d.AdditionalCodeRepositories,
		})
	}
	sortNotebooks(items, deref(in.SortBy, "Name"), deref(in.SortOrder, "Ascending") == "Descending")
	page, next := paginate(items, start, limit)
	out := &ListNotebookInstancesOutput{NotebookInstances: page}
	if out.NotebookInstances == nil {
		out.NotebookInstances = []NotebookInstanceSummary{}
	}
	if next > 0 {
		out.NextToken = encodeToken("notebook-instances", next)
	}
	return out, nil
}

func notebookMatches(in *ListNotebookInstancesInput, d *DescribeNotebookInstanceOutput) bool {
	contains := func(s *string, sub *string) bool {
		return sub == nil || (s != nil && strings.Contains(strings.ToLower(*s), strings.ToLower(*sub)))
	}
	name := d.NotebookInstanceName
	switch {
	case !contains(&name, in.NameContains),
		in.CreationTimeBefore != nil && !d.CreationTime.Before(*in.CreationTimeBefore),
		in.CreationTimeAfter != nil && !d.CreationTime.After(*in.CreationTimeAfter),
		in.LastModifiedTimeBefore != nil && !d.LastModifiedTime.Before(*in.LastModifiedTimeBefore),
		in.LastModifiedTimeAfter != nil && !d.LastModifiedTime.After(*in.LastModifiedTimeAfter),
		in.StatusEquals != nil && d.NotebookInstanceStatus != *in.StatusEquals,
		!contains(d.NotebookInstanceLifecycleConfigName, in.NotebookInstanceLifecycleConfigNameContains),
		!contains(d.DefaultCodeRepository, in.DefaultCodeRepositoryContains),
		in.AdditionalCodeRepositoryEquals != nil && !slices.Contains(d.AdditionalCodeRepositories, *in.AdditionalCodeRepositoryEquals):
		return false
	}
	return true
}

func sortNotebooks(items []NotebookInstanceSummary, by string, desc bool) {
	less := func(a, b NotebookInstanceSummary) int {
		var k int
		switch by {
		case "CreationTime":
			k = a.CreationTime.Compare(b.CreationTime)
		case "Status":
			k = strings.Compare(a.NotebookInstanceStatus, b.NotebookInstanceStatus)
		}
		if k == 0 {
			k = strings.Compare(strings.ToLower(a.NotebookInstanceName), strings.ToLower(b.NotebookInstanceName))
		}
		return k
	}
	sort.SliceStable(items, func(i, j int) bool {
		if desc {
			return less(items[j], items[i]) < 0
		}
		return less(items[i], items[j]) < 0
	})
}
