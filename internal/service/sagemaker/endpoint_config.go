package sagemaker

import (
	"context"
	"errors"
	"strconv"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// ProductionVariantServerlessConfig is a serverless variant's capacity.
type ProductionVariantServerlessConfig struct {
	MemorySizeInMB         int32 `aws:",required"`
	MaxConcurrency         int32 `aws:",required"`
	ProvisionedConcurrency *int32
}

// ProductionVariant is one model deployed by an endpoint configuration.
type ProductionVariant struct {
	VariantName                                 string `aws:",required"`
	ModelName                                   *string
	InitialInstanceCount                        *int32
	InstanceType                                *string
	InitialVariantWeight                        *float32
	AcceleratorType                             *string
	ServerlessConfig                            *ProductionVariantServerlessConfig
	VolumeSizeInGB                              *int32
	ModelDataDownloadTimeoutInSeconds           *int32
	ContainerStartupHealthCheckTimeoutInSeconds *int32
	EnableSSMAccess                             *bool
}

// CreateEndpointConfigInput is the input of CreateEndpointConfig.
type CreateEndpointConfigInput struct {
	EndpointConfigName       string              `aws:",required"`
	ProductionVariants       []ProductionVariant `aws:",required"`
	Tags                     []Tag
	KmsKeyId                 *string
	ShadowProductionVariants []ProductionVariant
	ExecutionRoleArn         *string
	VpcConfig                *VpcConfig
	EnableNetworkIsolation   *bool
}

// CreateEndpointConfigOutput is the output of CreateEndpointConfig.
type CreateEndpointConfigOutput struct {
	EndpointConfigArn string
}

// EndpointConfigNameInput is the input of DescribeEndpointConfig and
// DeleteEndpointConfig.
type EndpointConfigNameInput struct {
	EndpointConfigName string `aws:",required"`
}

// DescribeEndpointConfigOutput is the output of DescribeEndpointConfig.
type DescribeEndpointConfigOutput struct {
	EndpointConfigName       string
	EndpointConfigArn        string
	ProductionVariants       []ProductionVariant
	KmsKeyId                 *string
	CreationTime             time.Time
	ShadowProductionVariants []ProductionVariant
	ExecutionRoleArn         *string
	VpcConfig                *VpcConfig
	EnableNetworkIsolation   *bool
}

// ListEndpointConfigsInput is the input of ListEndpointConfigs.
type ListEndpointConfigsInput struct {
	SortBy             *string
	SortOrder          *string
	NextToken          *string
	MaxResults         *int32
	NameContains       *string
	CreationTimeBefore *time.Time
	CreationTimeAfter  *time.Time
}

// EndpointConfigSummary is one configuration in ListEndpointConfigs.
type EndpointConfigSummary struct {
	EndpointConfigName string
	EndpointConfigArn  string
	CreationTime       time.Time
}

// ListEndpointConfigsOutput is the output of ListEndpointConfigs.
type ListEndpointConfigsOutput struct {
	EndpointConfigs []EndpointConfigSummary
	NextToken       *string
}

// endpointConfigDoc is a stored endpoint configuration, with the images
// of its variants' models as they were when it was created.
type endpointConfigDoc struct {
	In     CreateEndpointConfigInput
	Images map[string]string
}

func registerEndpointConfigs(r *op.Registry, j *Jobs) {
	op.Register(r, op.Spec[CreateEndpointConfigInput, CreateEndpointConfigOutput]{Service: "sagemaker", Name: "CreateEndpointConfig",
		Authorize: j.authorizeCreateEndpointConfig, Handle: j.CreateEndpointConfig})
	op.Register(r, op.Spec[EndpointConfigNameInput, DescribeEndpointConfigOutput]{Service: "sagemaker", Name: "DescribeEndpointConfig", ReadOnly: true,
		Authorize: j.endpointConfigAuth("sagemaker:DescribeEndpointConfig"), Handle: j.DescribeEndpointConfig})
	op.Register(r, op.Spec[ListEndpointConfigsInput, ListEndpointConfigsOutput]{Service: "sagemaker", Name: "ListEndpointConfigs", ReadOnly: true,
		Authorize: op.Any[ListEndpointConfigsInput]("sagemaker:ListEndpointConfigs"), Handle: j.ListEndpointConfigs})
	op.Register(r, op.Spec[EndpointConfigNameInput, EmptyOutput]{Service: "sagemaker", Name: "DeleteEndpointConfig",
		Authorize: j.endpointConfigAuth("sagemaker:DeleteEndpointConfig"), Handle: j.DeleteEndpointConfig})
}

func (j *Jobs) endpointConfigARN(c *op.Call, name string) string {
	return j.ARN(c, TypeEndpointConfig, lowerName(name))
}

func validateCreateEndpointConfig(in *CreateEndpointConfigInput) error {
	if err := validateName(in.EndpointConfigName, "endpointConfigName"); err != nil {
		return err
	}
	if len(in.ProductionVariants) < 1 || len(in.ProductionVariants) > 10 {
		return validationError("1 validation error detected: Value at 'productionVariants' failed to satisfy constraint: Member must have length between 1 and 10")
	}
	if in.ExecutionRoleArn != nil {
		if err := validateRoleARN(*in.ExecutionRoleArn, "executionRoleArn"); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, v := range append(append([]ProductionVariant(nil), in.ProductionVariants...), in.ShadowProductionVariants...) {
		if seen[v.VariantName] {
			return validationError("Variant names must be unique. Duplicate variant name: %s", v.VariantName)
		}
		seen[v.VariantName] = true
		if v.InstanceType != nil {
			if err := validateInstanceType(*v.InstanceType, "productionVariants.member.instanceType"); err != nil {
				return err
			}
		}
		if v.InstanceType == nil && v.ServerlessConfig == nil {
			return validationError("Variant %s must specify InstanceType or ServerlessConfig.", v.VariantName)
		}
	}
	return validateVpc(in.VpcConfig)
}

// endpointConfigKeys returns the request-derived condition keys of
// CreateEndpointConfig (Service Authorization Reference) over every
// production and shadow variant: InstanceTypes, AcceleratorTypes, ModelArn
// (the ARNs of the variants' models), ServerlessMaxConcurrency and
// ServerlessMemorySize, NetworkIsolation (false when omitted),
// VolumeKmsKeyArn (KmsKeyId), VpcSubnets and VpcSecurityGroupIds.
func (j *Jobs) endpointConfigKeys(c *op.Call, in *CreateEndpointConfigInput) map[string][]string {
	keys := map[string][]string{"sagemaker:NetworkIsolation": boolKey(in.EnableNetworkIsolation)}
	var types, accel, models, conc, mem []string
	for _, v := range append(append([]ProductionVariant(nil), in.ProductionVariants...), in.ShadowProductionVariants...) {
		if v.InstanceType != nil {
			types = appendUnique(types, *v.InstanceType)
		}
		if v.AcceleratorType != nil {
			accel = appendUnique(accel, *v.AcceleratorType)
		}
		if v.ModelName != nil {
			models = appendUnique(models, j.modelARN(c, *v.ModelName))
		}
		if sc := v.ServerlessConfig; sc != nil {
			conc = appendUnique(conc, strconv.Itoa(int(sc.MaxConcurrency)))
			mem = appendUnique(mem, strconv.Itoa(int(sc.MemorySizeInMB)))
		}
	}
	setKey(keys, "sagemaker:InstanceTypes", types)
	setKey(keys, "sagemaker:AcceleratorTypes", accel)
	setKey(keys, "sagemaker:ModelArn", models)
	setKey(keys, "sagemaker:ServerlessMaxConcurrency", conc)
	setKey(keys, "sagemaker:ServerlessMemorySize", mem)
	kmsKeys(keys, "sagemaker:VolumeKmsKeyArn", in.KmsKeyId)
	vpcKeys(keys, in.VpcConfig)
	return keys
}

func (j *Jobs) authorizeCreateEndpointConfig(ctx context.Context, c *op.Call, in *CreateEndpointConfigInput) ([]op.Check, error) {
	if err := validateCreateEndpointConfig(in); err != nil {
		return nil, err
	}
	spec := CreateSpec{Operation: "CreateEndpointConfig", ARN: j.endpointConfigARN(c, in.EndpointConfigName),
		Keys: j.endpointConfigKeys(c, in), Tags: in.Tags}
	if in.ExecutionRoleArn != nil {
		spec.Roles = []string{*in.ExecutionRoleArn}
	}
	checks, _, err := j.CreateChecks(ctx, c, spec)
	return checks, err
}

// CreateEndpointConfig stores a configuration. Every variant's model must
// exist.
func (j *Jobs) CreateEndpointConfig(ctx context.Context, c *op.Call, in *CreateEndpointConfigInput) (*CreateEndpointConfigOutput, error) {
	if err := validateCreateEndpointConfig(in); err != nil {
		return nil, err
	}
	_, tags, err := j.CreateChecks(ctx, c, CreateSpec{Operation: "CreateEndpointConfig", Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	now := j.callTime(c)
	arn := j.endpointConfigARN(c, in.EndpointConfigName)
	doc := endpointConfigDoc{In: *in, Images: map[string]string{}}
	doc.In.Tags = nil
	err = j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		for _, v := range append(append([]ProductionVariant(nil), in.ProductionVariants...), in.ShadowProductionVariants...) {
			if v.ModelName == nil {
				continue
			}
			m, err := j.getModel(ctx, tx, c, *v.ModelName)
			if err != nil {
				return err
			}
			if pc := m.Doc.PrimaryContainer; pc != nil && pc.Image != nil {
				doc.Images[v.VariantName] = *pc.Image
			} else if len(m.Doc.Containers) > 0 && m.Doc.Containers[0].Image != nil {
				doc.Images[v.VariantName] = *m.Doc.Containers[0].Image
			}
		}
		e := entry[endpointConfigDoc]{Res: model.Resource{ARN: arn, Name: in.EndpointConfigName, Tags: tags}, Doc: doc}
		err := createEntry(ctx, j.Service, tx, c.Account, noLifecycle, TypeEndpointConfig, c.Region, lowerName(in.EndpointConfigName), &e, now)
		if errors.Is(err, store.ErrConflict) {
			return validationError("Cannot create already existing endpoint configuration %q.", arn)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateEndpointConfigOutput{EndpointConfigArn: arn}, nil
}

// endpointConfigNotFound is SageMaker's answer for a configuration that
// does not exist.
func endpointConfigNotFound(arn string) error {
	return validationError("Could not find endpoint configuration %q.", arn)
}

func (j *Jobs) getEndpointConfig(ctx context.Context, tx store.ReadTx, c *op.Call, name string) (entry[endpointConfigDoc], error) {
	e, err := getEntry[endpointConfigDoc](ctx, j.Service, tx, c.Account, noLifecycle, TypeEndpointConfig, c.Region, lowerName(name), j.callTime(c))
	if errors.Is(err, store.ErrNotFound) {
		return e, endpointConfigNotFound(j.endpointConfigARN(c, name))
	}
	return e, err
}

func (j *Jobs) endpointConfigAuth(action string) func(context.Context, *op.Call, *EndpointConfigNameInput) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *EndpointConfigNameInput) ([]op.Check, error) {
		if err := validateName(in.EndpointConfigName, "endpointConfigName"); err != nil {
			return nil, err
		}
		tags, err := j.tagsOf(ctx, c, noLifecycle, TypeEndpointConfig, lowerName(in.EndpointConfigName))
		if err != nil {
			return nil, err
		}
		return []op.Check{resourceCheck(action, j.endpointConfigARN(c, in.EndpointConfigName), tags, nil)}, nil
	}
}

// DescribeEndpointConfig returns a configuration.
func (j *Jobs) DescribeEndpointConfig(ctx context.Context, c *op.Call, in *EndpointConfigNameInput) (*DescribeEndpointConfigOutput, error) {
	var out *DescribeEndpointConfigOutput
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := j.getEndpointConfig(ctx, tx, c, in.EndpointConfigName)
		if err != nil {
			return err
		}
		d := e.Doc.In
		out = &DescribeEndpointConfigOutput{
			EndpointConfigName:       d.EndpointConfigName,
			EndpointConfigArn:        e.Res.ARN,
			ProductionVariants:       d.ProductionVariants,
			KmsKeyId:                 d.KmsKeyId,
			CreationTime:             e.Res.CreateDate,
			ShadowProductionVariants: d.ShadowProductionVariants,
			ExecutionRoleArn:         d.ExecutionRoleArn,
			VpcConfig:                d.VpcConfig,
			EnableNetworkIsolation:   d.EnableNetworkIsolation,
		}
		return nil
	})
	return out, err
}

// DeleteEndpointConfig deletes a configuration at once; endpoints using it
// keep running, as on AWS.
func (j *Jobs) DeleteEndpointConfig(ctx context.Context, c *op.Call, in *EndpointConfigNameInput) (*EmptyOutput, error) {
	err := j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := j.getEndpointConfig(ctx, tx, c, in.EndpointConfigName)
		if err != nil {
			return err
		}
		return tx.DeleteResource(ctx, c.Account, e.Res.Type, e.Res.ID, 0)
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// ListEndpointConfigs lists the region's configurations, sorted by
// CreationTime (default) or Name, Descending by default.
func (j *Jobs) ListEndpointConfigs(ctx context.Context, c *op.Call, in *ListEndpointConfigsInput) (*ListEndpointConfigsOutput, error) {
	q := listQuery{NameContains: in.NameContains, CreationTimeAfter: in.CreationTimeAfter, CreationTimeBefore: in.CreationTimeBefore,
		NextToken: in.NextToken, MaxResults: in.MaxResults, List: "endpoint-configs"}
	if err := sortQuery(&q, in.SortBy, in.SortOrder, []string{"Name", "CreationTime"}, "CreationTime", "Descending"); err != nil {
		return nil, err
	}
	var all []entry[endpointConfigDoc]
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		all, err = listEntries[endpointConfigDoc](ctx, j.Service, tx, c.Account, noLifecycle, TypeEndpointConfig, c.Region, "", j.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	sums := make([]EndpointConfigSummary, 0, len(all))
	for _, e := range all {
		sums = append(sums, EndpointConfigSummary{EndpointConfigName: e.Doc.In.EndpointConfigName, EndpointConfigArn: e.Res.ARN, CreationTime: e.Res.CreateDate})
	}
	page, next, err := listPage(sums, func(s EndpointConfigSummary) listKey {
		return listKey{Name: s.EndpointConfigName, Created: s.CreationTime, Modified: s.CreationTime}
	}, q)
	if err != nil {
		return nil, err
	}
	return &ListEndpointConfigsOutput{EndpointConfigs: page, NextToken: next}, nil
}
