package sagemaker

import (
	"context"
	"errors"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// CreateEndpointInput is the input of CreateEndpoint.
type CreateEndpointInput struct {
	EndpointName       string `aws:",required"`
	EndpointConfigName string `aws:",required"`
	Tags               []Tag
}

// CreateEndpointOutput is the output of CreateEndpoint.
type CreateEndpointOutput struct {
	EndpointArn string
}

// EndpointNameInput is the input of DescribeEndpoint and DeleteEndpoint.
type EndpointNameInput struct {
	EndpointName string `aws:",required"`
}

// DeployedImage is the image a variant runs.
type DeployedImage struct {
	SpecifiedImage *string
	ResolvedImage  *string
	ResolutionTime *time.Time
}

// ProductionVariantSummary is a deployed variant in DescribeEndpoint.
type ProductionVariantSummary struct {
	VariantName             string
	DeployedImages          []DeployedImage
	CurrentWeight           *float32
	DesiredWeight           *float32
	CurrentInstanceCount    *int32
	DesiredInstanceCount    *int32
	CurrentServerlessConfig *ProductionVariantServerlessConfig
	DesiredServerlessConfig *ProductionVariantServerlessConfig
}

// DescribeEndpointOutput is the output of DescribeEndpoint.
type DescribeEndpointOutput struct {
	EndpointName       string
	EndpointArn        string
	EndpointConfigName *string
	ProductionVariants []ProductionVariantSummary
	EndpointStatus     string
	FailureReason      *string
	CreationTime       time.Time
	LastModifiedTime   time.Time
}

// ListEndpointsInput is the input of ListEndpoints.
type ListEndpointsInput struct {
	SortBy                 *string
	SortOrder              *string
	NextToken              *string
	MaxResults             *int32
	NameContains           *string
	CreationTimeBefore     *time.Time
	CreationTimeAfter      *time.Time
	LastModifiedTimeBefore *time.Time
	LastModifiedTimeAfter  *time.Time
	StatusEquals           *string
}

// EndpointSummary is one endpoint in ListEndpoints.
type EndpointSummary struct {
	EndpointName     string
	EndpointArn      string
	CreationTime     time.Time
	LastModifiedTime time.Time
	EndpointStatus   string
}

// ListEndpointsOutput is the output of ListEndpoints.
type ListEndpointsOutput struct {
	Endpoints []EndpointSummary
	NextToken *string
}

// UpdateEndpointInput is the input of UpdateEndpoint.
type UpdateEndpointInput struct {
	EndpointName               string `aws:",required"`
	EndpointConfigName         string `aws:",required"`
	RetainAllVariantProperties *bool
	RetainDeploymentConfig     *bool
}

// UpdateEndpointOutput is the output of UpdateEndpoint.
type UpdateEndpointOutput struct {
	EndpointArn string
}

// endpointLifecycle: Creating and Updating settle to InService, Deleting
// to gone.
var endpointLifecycle = Lifecycle{
	"Creating": {To: "InService"},
	"Updating": {To: "InService"},
	"Deleting": {To: StatusGone},
}

var endpointStatuses = []string{"OutOfService", "Creating", "Updating", "SystemUpdating", "RollingBack", "InService", "Deleting", "Failed", "UpdateRollbackFailed"}

// endpointDoc is a stored endpoint: the configuration it runs and, while
// Updating, the one it moves to (a copy of each, since a configuration
// may be deleted while an endpoint uses it).
type endpointDoc struct {
	Name    string
	Config  endpointConfigDoc
	Pending *endpointConfigDoc
}

func registerEndpoints(r *op.Registry, j *Jobs) {
	op.Register(r, op.Spec[CreateEndpointInput, CreateEndpointOutput]{Service: "sagemaker", Name: "CreateEndpoint",
		Authorize: j.authorizeCreateEndpoint, Handle: j.CreateEndpoint})
	op.Register(r, op.Spec[EndpointNameInput, DescribeEndpointOutput]{Service: "sagemaker", Name: "DescribeEndpoint", ReadOnly: true,
		Authorize: j.endpointAuth("sagemaker:DescribeEndpoint"), Handle: j.DescribeEndpoint})
	op.Register(r, op.Spec[ListEndpointsInput, ListEndpointsOutput]{Service: "sagemaker", Name: "ListEndpoints", ReadOnly: true,
		Authorize: op.Any[ListEndpointsInput]("sagemaker:ListEndpoints"), Handle: j.ListEndpoints})
	op.Register(r, op.Spec[UpdateEndpointInput, UpdateEndpointOutput]{Service: "sagemaker", Name: "UpdateEndpoint",
		Authorize: j.authorizeUpdateEndpoint, Handle: j.UpdateEndpoint})
	op.Register(r, op.Spec[EndpointNameInput, EmptyOutput]{Service: "sagemaker", Name: "DeleteEndpoint",
		Authorize: j.endpointAuth("sagemaker:DeleteEndpoint"), Handle: j.DeleteEndpoint})
}

func (j *Jobs) endpointARN(c *op.Call, name string) string {
	return j.ARN(c, TypeEndpoint, lowerName(name))
}

// configCheck is the check of action on the endpoint configuration an
// endpoint operation names, with the configuration's tags.
func (j *Jobs) configCheck(ctx context.Context, c *op.Call, action, config string, keys map[string][]string) (op.Check, error) {
	tags, err := j.tagsOf(ctx, c, noLifecycle, TypeEndpointConfig, lowerName(config))
	if err != nil {
		return op.Check{}, err
	}
	return resourceCheck(action, j.endpointConfigARN(c, config), tags, keys), nil
}

// authorizeCreateEndpoint authorizes sagemaker:CreateEndpoint on both
// resources the Service Authorization Reference requires, the new
// endpoint (with the request's tag keys) and the endpoint configuration
// (with its tags), plus sagemaker:AddTags on the endpoint when tags are
// set.
func (j *Jobs) authorizeCreateEndpoint(ctx context.Context, c *op.Call, in *CreateEndpointInput) ([]op.Check, error) {
	if err := validateName(in.EndpointName, "endpointName"); err != nil {
		return nil, err
	}
	if err := validateName(in.EndpointConfigName, "endpointConfigName"); err != nil {
		return nil, err
	}
	checks, _, err := j.CreateChecks(ctx, c, CreateSpec{Operation: "CreateEndpoint", ARN: j.endpointARN(c, in.EndpointName), Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	cc, err := j.configCheck(ctx, c, "sagemaker:CreateEndpoint", in.EndpointConfigName, checks[0].Context)
	if err != nil {
		return nil, err
	}
	return append(checks, cc), nil
}

// CreateEndpoint deploys an existing configuration: Creating, then
// InService.
func (j *Jobs) CreateEndpoint(ctx context.Context, c *op.Call, in *CreateEndpointInput) (*CreateEndpointOutput, error) {
	_, tags, err := j.CreateChecks(ctx, c, CreateSpec{Operation: "CreateEndpoint", Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	now := j.callTime(c)
	arn := j.endpointARN(c, in.EndpointName)
	err = j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		cfg, err := j.getEndpointConfig(ctx, tx, c, in.EndpointConfigName)
		if err != nil {
			return err
		}
		e := entry[endpointDoc]{Res: model.Resource{ARN: arn, Name: in.EndpointName, Status: "Creating", Tags: tags},
			Doc: endpointDoc{Name: in.EndpointName, Config: cfg.Doc}}
		err = createEntry(ctx, j.Service, tx, c.Account, endpointLifecycle, TypeEndpoint, c.Region, lowerName(in.EndpointName), &e, now)
		if errors.Is(err, store.ErrConflict) {
			return validationError("Cannot create already existing endpoint %q.", arn)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateEndpointOutput{EndpointArn: arn}, nil
}

// endpointNotFound is SageMaker's answer for an endpoint that does not
// exist (https://github.com/aws/amazon-sagemaker-examples/issues/2402).
func endpointNotFound(arn string) error { return validationError("Could not find endpoint %q.", arn) }

// getEndpoint loads an endpoint settled at the call's time; an update that
// has finished has moved the pending configuration into place.
func (j *Jobs) getEndpoint(ctx context.Context, tx store.ReadTx, c *op.Call, name string) (entry[endpointDoc], error) {
	e, err := getEntry[endpointDoc](ctx, j.Service, tx, c.Account, endpointLifecycle, TypeEndpoint, c.Region, lowerName(name), j.callTime(c))
	if errors.Is(err, store.ErrNotFound) {
		return e, endpointNotFound(j.endpointARN(c, name))
	}
	if err == nil && e.Res.Status != "Updating" && e.Doc.Pending != nil {
		e.Doc.Config, e.Doc.Pending = *e.Doc.Pending, nil
	}
	return e, err
}

func (j *Jobs) endpointAuth(action string) func(context.Context, *op.Call, *EndpointNameInput) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *EndpointNameInput) ([]op.Check, error) {
		if err := validateName(in.EndpointName, "endpointName"); err != nil {
			return nil, err
		}
		tags, err := j.tagsOf(ctx, c, endpointLifecycle, TypeEndpoint, lowerName(in.EndpointName))
		if err != nil {
			return nil, err
		}
		return []op.Check{resourceCheck(action, j.endpointARN(c, in.EndpointName), tags, nil)}, nil
	}
}

func describeEndpoint(e entry[endpointDoc]) *DescribeEndpointOutput {
	cfg := e.Doc.Config
	out := &DescribeEndpointOutput{
		EndpointName:       e.Doc.Name,
		EndpointArn:        e.Res.ARN,
		EndpointConfigName: ptr(cfg.In.EndpointConfigName),
		EndpointStatus:     e.Res.Status,
		CreationTime:       e.Res.CreateDate,
		LastModifiedTime:   maxTime(e.Res.UpdateDate, e.Since),
	}
	if e.Res.Status == "Creating" {
		return out
	}
	for _, v := range cfg.In.ProductionVariants {
		s := ProductionVariantSummary{VariantName: v.VariantName}
		w := float32(1)
		if v.InitialVariantWeight != nil {
			w = *v.InitialVariantWeight
		}
		s.CurrentWeight, s.DesiredWeight = ptr(w), ptr(w)
		if v.InitialInstanceCount != nil {
			s.CurrentInstanceCount, s.DesiredInstanceCount = v.InitialInstanceCount, v.InitialInstanceCount
		}
		if v.ServerlessConfig != nil {
			s.CurrentServerlessConfig, s.DesiredServerlessConfig = v.ServerlessConfig, v.ServerlessConfig
		}
		if img, ok := cfg.Images[v.VariantName]; ok {
			resolved := e.Res.CreateDate
			s.DeployedImages = []DeployedImage{{SpecifiedImage: ptr(img), ResolvedImage: ptr(img), ResolutionTime: &resolved}}
		}
		out.ProductionVariants = append(out.ProductionVariants, s)
	}
	return out
}

// DescribeEndpoint returns an endpoint with its current status.
func (j *Jobs) DescribeEndpoint(ctx context.Context, c *op.Call, in *EndpointNameInput) (*DescribeEndpointOutput, error) {
	var out *DescribeEndpointOutput
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := j.getEndpoint(ctx, tx, c, in.EndpointName)
		if err != nil {
			return err
		}
		out = describeEndpoint(e)
		return nil
	})
	return out, err
}

// authorizeUpdateEndpoint authorizes sagemaker:UpdateEndpoint on the
// endpoint (with its tags) and on the new endpoint configuration (with its
// tags), the two resources the Service Authorization Reference requires.
func (j *Jobs) authorizeUpdateEndpoint(ctx context.Context, c *op.Call, in *UpdateEndpointInput) ([]op.Check, error) {
	if err := validateName(in.EndpointName, "endpointName"); err != nil {
		return nil, err
	}
	if err := validateName(in.EndpointConfigName, "endpointConfigName"); err != nil {
		return nil, err
	}
	tags, err := j.tagsOf(ctx, c, endpointLifecycle, TypeEndpoint, lowerName(in.EndpointName))
	if err != nil {
		return nil, err
	}
	cc, err := j.configCheck(ctx, c, "sagemaker:UpdateEndpoint", in.EndpointConfigName, nil)
	if err != nil {
		return nil, err
	}
	return []op.Check{resourceCheck("sagemaker:UpdateEndpoint", j.endpointARN(c, in.EndpointName), tags, nil), cc}, nil
}

// UpdateEndpoint moves an InService endpoint to another configuration:
// Updating, then InService on the new one.
func (j *Jobs) UpdateEndpoint(ctx context.Context, c *op.Call, in *UpdateEndpointInput) (*UpdateEndpointOutput, error) {
	var arn string
	err := j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := j.getEndpoint(ctx, tx, c, in.EndpointName)
		if err != nil {
			return err
		}
		arn = e.Res.ARN
		if e.Res.Status != "InService" {
			return validationError("Cannot update in-progress endpoint %q.", arn)
		}
		cfg, err := j.getEndpointConfig(ctx, tx, c, in.EndpointConfigName)
		if err != nil {
			return err
		}
		now := j.callTime(c)
		e.Doc.Pending = &cfg.Doc
		e.setStatus("Updating", now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &UpdateEndpointOutput{EndpointArn: arn}, nil
}

// DeleteEndpoint deletes an endpoint: Deleting, then gone.
func (j *Jobs) DeleteEndpoint(ctx context.Context, c *op.Call, in *EndpointNameInput) (*EmptyOutput, error) {
	err := j.update(ctx, func(ctx context.Context, tx store.Tx) error {
		e, err := j.getEndpoint(ctx, tx, c, in.EndpointName)
		if err != nil {
			return err
		}
		if e.Res.Status == "Deleting" {
			return nil
		}
		now := j.callTime(c)
		e.setStatus("Deleting", now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// ListEndpoints lists the region's endpoints with AWS's filters, sorted by
// CreationTime (default), Name or Status, Descending by default.
func (j *Jobs) ListEndpoints(ctx context.Context, c *op.Call, in *ListEndpointsInput) (*ListEndpointsOutput, error) {
	q := listQuery{NameContains: in.NameContains, CreationTimeAfter: in.CreationTimeAfter, CreationTimeBefore: in.CreationTimeBefore,
		LastModifiedTimeAfter: in.LastModifiedTimeAfter, LastModifiedTimeBefore: in.LastModifiedTimeBefore, StatusEquals: in.StatusEquals,
		NextToken: in.NextToken, MaxResults: in.MaxResults, List: "endpoints"}
	if err := sortQuery(&q, in.SortBy, in.SortOrder, []string{"Name", "CreationTime", "Status"}, "CreationTime", "Descending"); err != nil {
		return nil, err
	}
	if err := checkEnum(in.StatusEquals, "statusEquals", endpointStatuses); err != nil {
		return nil, err
	}
	var all []entry[endpointDoc]
	err := j.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		all, err = listEntries[endpointDoc](ctx, j.Service, tx, c.Account, endpointLifecycle, TypeEndpoint, c.Region, "", j.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	sums := make([]EndpointSummary, 0, len(all))
	for _, e := range all {
		d := describeEndpoint(e)
		sums = append(sums, EndpointSummary{EndpointName: d.EndpointName, EndpointArn: d.EndpointArn, CreationTime: d.CreationTime,
			LastModifiedTime: d.LastModifiedTime, EndpointStatus: d.EndpointStatus})
	}
	page, next, err := listPage(sums, func(s EndpointSummary) listKey {
		return listKey{Name: s.EndpointName, Created: s.CreationTime, Modified: s.LastModifiedTime, Status: s.EndpointStatus}
	}, q)
	if err != nil {
		return nil, err
	}
	return &ListEndpointsOutput{Endpoints: page, NextToken: next}, nil
}
