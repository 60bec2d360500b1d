package sagemaker

import (
	"context"
	"errors"
	"regexp"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// ContainerDefinition is one container of a model.
type ContainerDefinition struct {
	ContainerHostname          *string
	Image                      *string
	Mode                       *string
	ModelDataUrl               *string
	Environment                map[string]string
	ModelPackageName           *string
	InferenceSpecificationName *string
}

// InferenceExecutionConfig is how a multi-container model runs.
type InferenceExecutionConfig struct {
	Mode string `aws:",required"`
}

// CreateModelInput is the input of CreateModel.
type CreateModelInput struct {
	ModelName                string `aws:",required"`
	PrimaryContainer         *ContainerDefinition
	Containers               []ContainerDefinition
	InferenceExecutionConfig *InferenceExecutionConfig
	ExecutionRoleArn         *string
	Tags                     []Tag
	VpcConfig                *VpcConfig
	EnableNetworkIsolation   *bool
}

// CreateModelOutput is the output of CreateModel.
type CreateModelOutput struct {
	ModelArn string
}

// ModelNameInput is the input of DescribeModel and DeleteModel.
type ModelNameInput struct {
	ModelName string `aws:",required"`
}

// DescribeModelOutput is the output of DescribeModel.
type DescribeModelOutput struct {
	ModelName                string
	PrimaryContainer         *ContainerDefinition
	Containers               []ContainerDefinition
	InferenceExecutionConfig *InferenceExecutionConfig
	ExecutionRoleArn         *string
	VpcConfig                *VpcConfig
	CreationTime             time.Time
	ModelArn                 string
	EnableNetworkIsolation   bool
}

// ListModelsInput is the input of ListModels.
type ListModelsInput struct {
	SortBy             *string
	SortOrder          *string
	NextToken          *string
	MaxResults         *int32
	NameContains       *string
	CreationTimeBefore *time.Time
	CreationTimeAfter  *time.Time
}

// ModelSummary is one model in ListModels.
type ModelSummary struct {
	ModelName    string
	ModelArn     string
	CreationTime time.Time
}

// ListModelsOutput is the output of ListModels.
type ListModelsOutput struct {
	Models    []ModelSummary
	NextToken *string
}

// noLifecycle is the lifecycle of resources without statuses (models and
// endpoint configurations): they exist until deleted.
var noLifecycle = Lifecycle{}

var modelNameRE = regexp.MustCompile(`^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$`)

func validateModelName(name string) error {
	if len(name) > 63 || !modelNameRE.MatchString(name) {
		return validationError("1 validation error detected: Value '%s' at 'modelName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?", name)
	}
	return nil
}

func registerModels(r *op.Registry, j *Jobs) {
	op.Register(r, op.Spec[CreateModelInput, CreateModelOutput]{Service: "sagemaker", Name: "CreateModel",
		Authorize: j.authorizeCreateModel, Handle: j.CreateModel})
	op.Register(r, op.Spec[ModelNameInput, DescribeModelOutput]{Service: "sagemaker", Name: "DescribeModel", ReadOnly: true,
		Authorize: j.modelAuth("sagemaker:DescribeModel"), Handle: j.DescribeModel})
	op.Register(r, op.Spec[ListModelsInput, ListModelsOutput]{Service: "sagemaker", Name: "ListModels", ReadOnly: true,
		Authorize: op.Any[ListModelsInput]("sagemaker:ListModels"), Handle: j.ListModels})
	op.Register(r, op.Spec[ModelNameInput, EmptyOutput]{Service: "sagemaker", Name: "DeleteModel",
		Authorize: j.modelAuth("sagemaker:DeleteModel"), Handle: j.DeleteModel})
}

func (j *Jobs) modelARN(c *op.Call, name string) string {
	return j.ARN(c, TypeModel, lowerName(name))
}

func validateCreateModel(in *CreateModelInput) error {
	if err := validateModelName(in.ModelName); err != nil {
		return err
	}
	if in.ExecutionRoleArn != nil {
		if err := validateRoleARN(*in.ExecutionRoleArn, "executionRoleArn"); err != nil {
			return err
		}
	}
	if in.PrimaryContainer == nil && len(in.Containers) == 0 {
		return validationError("Either PrimaryContainer or Containers must be specified.")
	}
	if in.PrimaryContainer != nil && len(in.Containers) > 0 {
		return validationError("PrimaryContainer and Containers cannot both be specified.")
	}
	return validateVpc(in.VpcConfig)
}

// modelKeys returns the request-derived condition keys of CreateModel
// (Service Authorization Reference): NetworkIsolation (false when
// omitted), VpcSubnets and VpcSecurityGroupIds.
func modelKeys(in *CreateModelInput) map[string][]string {
	keys := map[string][]string{"sagemaker:NetworkIsolation": boolKey(in.EnableNetworkIsolation)}
	vpcKeys(keys, in.VpcConfig)
	return keys
}

func (j *Jobs) authorizeCreateModel(ctx context.Context, c *op.Call, in *CreateModelInput) ([]op.Check, error) {
	if err := validateCreateModel(in); err != nil {
		return nil, err
	}
	spec := CreateSpec{Operation: "CreateModel", ARN: j.modelARN(c, in.ModelName), Keys: modelKeys(in), Tags: in.Tags}
	if in.ExecutionRoleArn != nil {
		spec.Roles = []string{*in.ExecutionRoleArn}
	}
	checks, _, err := j.CreateChecks(ctx, c, spec)
	return checks, err
}

// CreateModel stores a model; models have no status.
func (j *Jobs) CreateModel(ctx context.Context, c *op.Call, in *CreateModelInput) (*CreateModelOutput, error) {
	if err := validateCreateModel(in); err != nil {
		return nil, err
	}
	_, tags, err := j.CreateChecks(ctx, c, CreateSpec{Operation: "CreateModel", Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	now := j.callTime(c)
	arn := j.modelARN(c, in.ModelName)
	doc := *in
	doc.Tags = nil
	e := entry[CreateModelInput]{Res: model.Resource{ARN: arn, Name: in.ModelName, Tags: tags}, Doc: doc}
	err = j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		err := createEntry(ctx, j.Service, tx, c.Account, noLifecycle, TypeModel, c.Region, lowerName(in.ModelName), &e, now)
		if errors.Is(err, store.ErrConflict) {
			return validationError("Cannot create already existing model %q.", arn)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateModelOutput{ModelArn: arn}, nil
}

// modelNotFound is SageMaker's answer for a model that does not exist.
func modelNotFound(arn string) error { return validationError("Could not find model %q.", arn) }

func (j *Jobs) getModel(ctx context.Context, tx store.ReadTx, c *op.Call, name string) (entry[CreateModelInput], error) {
	e, err := getEntry[CreateModelInput](ctx, j.Service, tx, c.Account, noLifecycle, TypeModel, c.Region, lowerName(name), j.callTime(c))
	if errors.Is(err, store.ErrNotFound) {
		return e, modelNotFound(j.modelARN(c, name))
	}
	return e, err
}

func (j *Jobs) modelAuth(action string) func(context.Context, *op.Call, *ModelNameInput) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *ModelNameInput) ([]op.Check, error) {
		if err := validateModelName(in.ModelName); err != nil {
			return nil, err
		}
		tags, err := j.tagsOf(ctx, c, noLifecycle, TypeModel, lowerName(in.ModelName))
		if err != nil {
			return nil, err
		}
		return []op.Check{resourceCheck(action, j.modelARN(c, in.ModelName), tags, nil)}, nil
	}
}

func describeModel(e entry[CreateModelInput]) *DescribeModelOutput {
	in := e.Doc
	return &DescribeModelOutput{
		ModelName:                in.ModelName,
		PrimaryContainer:         in.PrimaryContainer,
		Containers:               in.Containers,
		InferenceExecutionConfig: in.InferenceExecutionConfig,
		ExecutionRoleArn:         in.ExecutionRoleArn,
		VpcConfig:                in.VpcConfig,
		CreationTime:             e.Res.CreateDate,
		ModelArn:                 e.Res.ARN,
		EnableNetworkIsolation:   in.EnableNetworkIsolation != nil && *in.EnableNetworkIsolation,
	}
}

// DescribeModel returns a model.
func (j *Jobs) DescribeModel(ctx context.Context, c *op.Call, in *ModelNameInput) (*DescribeModelOutput, error) {
	var out *DescribeModelOutput
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := j.getModel(ctx, tx, c, in.ModelName)
		if err != nil {
			return err
		}
		out = describeModel(e)
		return nil
	})
	return out, err
}

// DeleteModel deletes a model at once. Endpoint configurations that name
// it keep their copy, as on AWS.
func (j *Jobs) DeleteModel(ctx context.Context, c *op.Call, in *ModelNameInput) (*EmptyOutput, error) {
	err := j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := j.getModel(ctx, tx, c, in.ModelName)
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

// ListModels lists the region's models, sorted by CreationTime (default)
// or Name, Descending by default.
func (j *Jobs) ListModels(ctx context.Context, c *op.Call, in *ListModelsInput) (*ListModelsOutput, error) {
	q := listQuery{NameContains: in.NameContains, CreationTimeAfter: in.CreationTimeAfter, CreationTimeBefore: in.CreationTimeBefore,
		NextToken: in.NextToken, MaxResults: in.MaxResults, List: "models"}
	if err := sortQuery(&q, in.SortBy, in.SortOrder, []string{"Name", "CreationTime"}, "CreationTime", "Descending"); err != nil {
		return nil, err
	}
	var all []entry[CreateModelInput]
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		all, err = listEntries[CreateModelInput](ctx, j.Service, tx, c.Account, noLifecycle, TypeModel, c.Region, "", j.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	sums := make([]ModelSummary, 0, len(all))
	for _, e := range all {
		sums = append(sums, ModelSummary{ModelName: e.Doc.ModelName, ModelArn: e.Res.ARN, CreationTime: e.Res.CreateDate})
	}
	page, next, err := listPage(sums, func(s ModelSummary) listKey {
		return listKey{Name: s.ModelName, Created: s.CreationTime, Modified: s.CreationTime}
	}, q)
	if err != nil {
		return nil, err
	}
	return &ListModelsOutput{Models: page, NextToken: next}, nil
}
