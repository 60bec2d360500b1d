package sagemaker

import (
	"context"
	"errors"
	"slices"
	"sort"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

var appTypes = []string{"JupyterServer", "KernelGateway", "DetailedProfiler", "TensorBoard", "CodeEditor", "JupyterLab", "RStudioServerPro", "RSessionGateway", "Canvas"}

// CreateAppInput is the input of CreateApp.
type CreateAppInput struct {
	DomainId        string `aws:",required"`
	UserProfileName *string
	SpaceName       *string
	AppType         string `aws:",required"`
	AppName         string `aws:",required"`
	Tags            []Tag
	ResourceSpec    any
	RecoveryMode    *bool
}

// CreateAppOutput is the output of CreateApp.
type CreateAppOutput struct {
	AppArn string
}

// AppInput names an app (DescribeApp, DeleteApp).
type AppInput struct {
	DomainId        string `aws:",required"`
	UserProfileName *string
	SpaceName       *string
	AppType         string `aws:",required"`
	AppName         string `aws:",required"`
}

// DescribeAppOutput is the output of DescribeApp.
type DescribeAppOutput struct {
	AppArn          string
	AppType         string
	AppName         string
	DomainId        string
	UserProfileName string
	Status          string
	RecoveryMode    *bool
	CreationTime    time.Time
	ResourceSpec    any
}

// ListAppsInput is the input of ListApps.
type ListAppsInput struct {
	NextToken             *string
	MaxResults            *int32
	SortOrder             *string
	SortBy                *string
	DomainIdEquals        *string
	UserProfileNameEquals *string
	SpaceNameEquals       *string
}

// AppDetails is one app in ListApps.
type AppDetails struct {
	DomainId        string
	UserProfileName string
	AppType         string
	AppName         string
	Status          string
	CreationTime    time.Time
	ResourceSpec    any
}

// ListAppsOutput is the output of ListApps.
type ListAppsOutput struct {
	Apps      []AppDetails
	NextToken *string
}

func registerApps(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[CreateAppInput, CreateAppOutput]{Service: "sagemaker", Name: "CreateApp",
		Authorize: s.authorizeCreateApp, Handle: s.CreateApp})
	op.Register(r, op.Spec[AppInput, DescribeAppOutput]{Service: "sagemaker", Name: "DescribeApp", ReadOnly: true,
		Authorize: s.appAuth("sagemaker:DescribeApp"), Handle: s.DescribeApp})
	op.Register(r, op.Spec[ListAppsInput, ListAppsOutput]{Service: "sagemaker", Name: "ListApps", ReadOnly: true,
		Authorize: op.Any[ListAppsInput]("sagemaker:ListApps"), Handle: s.ListApps})
	op.Register(r, op.Spec[AppInput, EmptyOutput]{Service: "sagemaker", Name: "DeleteApp",
		Authorize: s.appAuth("sagemaker:DeleteApp"), Handle: s.DeleteApp})
}

// validateAppRef checks an app's coordinates. Apps of shared spaces are not
// served: an app must name a user profile.
func validateAppRef(domainID string, profile, space *string, appType, appName string) error {
	if err := validateDomainID(domainID); err != nil {
		return err
	}
	if space != nil {
		return validationError("Apps in spaces are not supported by abacus; name a UserProfileName instead of SpaceName.")
	}
	if profile == nil {
		return validationError("Either UserProfileName or SpaceName is required.")
	}
	if err := validateProfileName(*profile); err != nil {
		return err
	}
	if err := checkEnum(&appType, "appType", appTypes); err != nil {
		return err
	}
	if !profileNameRE.MatchString(appName) {
		return patternError(appName, "appName", "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
	}
	return nil
}

func appARN(c *op.Call, domainID, profile, appType, appName string) string {
	return arnOf(c.Region, c.Account, TypeApp, appPath(domainID, profile, appType, appName))
}

func (s *Service) authorizeCreateApp(ctx context.Context, c *op.Call, in *CreateAppInput) ([]op.Check, error) {
	if err := validateAppRef(in.DomainId, in.UserProfileName, in.SpaceName, in.AppType, in.AppName); err != nil {
		return nil, err
	}
	checks, _, err := s.CreateChecks(ctx, c, CreateSpec{
		Operation: "CreateApp",
		ARN:       appARN(c, in.DomainId, *in.UserProfileName, in.AppType, in.AppName),
		Keys:      settingsKeys(map[string][]string{}, in.ResourceSpec),
		Tags:      in.Tags,
	})
	return checks, err
}

func appNotFound(arn string) error { return notFoundError("App %s does not exist.", arn) }

// CreateApp launches an app for a user profile: Pending, then InService.
// The user-defined tags of the domain and the profile are added to the app,
// as AWS documents for AddTags on domains and profiles.
func (s *Service) CreateApp(ctx context.Context, c *op.Call, in *CreateAppInput) (*CreateAppOutput, error) {
	if err := validateAppRef(in.DomainId, in.UserProfileName, in.SpaceName, in.AppType, in.AppName); err != nil {
		return nil, err
	}
	_, tags, err := s.CreateChecks(ctx, c, CreateSpec{Operation: "CreateApp", Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	profile := *in.UserProfileName
	arn := appARN(c, in.DomainId, profile, in.AppType, in.AppName)
	path := appPath(in.DomainId, profile, in.AppType, in.AppName)
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		now := s.callTime(c)
		d, err := s.getDomain(ctx, tx, c, in.DomainId)
		if err != nil {
			return err
		}
		p, err := s.getProfile(ctx, tx, c, in.DomainId, profile)
		if err != nil {
			return err
		}
		if old, err := getEntry[appDoc](ctx, s, tx, c.Account, appLifecycle, TypeApp, c.Region, path, now); err == nil {
			if old.Res.Status != "Deleted" && old.Res.Status != "Failed" {
				return inUseError("Resource Already Exists: App with name %s already exists. Choose a different name.", in.AppName)
			}
			if err := tx.DeleteResource(ctx, c.Account, storeType(TypeApp), storeID(c.Region, path), 0); err != nil {
				return err
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		all := mergeTags(nil, userTags(d.Res.Tags))
		all = mergeTags(all, userTags(p.Res.Tags))
		all = mergeTags(all, fromModelTags(tags))
		e := entry[appDoc]{
			Res: model.Resource{ARN: arn, Name: in.AppName, Status: "Pending", Tags: all},
			Doc: appDoc{DomainID: in.DomainId, UserProfileName: profile, AppType: in.AppType, AppName: in.AppName,
				ResourceSpec: in.ResourceSpec, RecoveryMode: in.RecoveryMode},
		}
		return createEntry(ctx, s, tx, c.Account, appLifecycle, TypeApp, c.Region, path, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &CreateAppOutput{AppArn: arn}, nil
}

func (s *Service) appAuth(action string) func(context.Context, *op.Call, *AppInput) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *AppInput) ([]op.Check, error) {
		if err := validateAppRef(in.DomainId, in.UserProfileName, in.SpaceName, in.AppType, in.AppName); err != nil {
			return nil, err
		}
		tags, err := s.tagsOf(ctx, c, appLifecycle, TypeApp, appPath(in.DomainId, *in.UserProfileName, in.AppType, in.AppName))
		if err != nil {
			return nil, err
		}
		return []op.Check{resourceCheck(action, appARN(c, in.DomainId, *in.UserProfileName, in.AppType, in.AppName), tags, nil)}, nil
	}
}

func (s *Service) getApp(ctx context.Context, tx store.ReadTx, c *op.Call, in *AppInput) (entry[appDoc], error) {
	path := appPath(in.DomainId, *in.UserProfileName, in.AppType, in.AppName)
	e, err := getEntry[appDoc](ctx, s, tx, c.Account, appLifecycle, TypeApp, c.Region, path, s.callTime(c))
	if errors.Is(err, store.ErrNotFound) {
		return e, appNotFound(appARN(c, in.DomainId, *in.UserProfileName, in.AppType, in.AppName))
	}
	return e, err
}

func describeApp(e entry[appDoc]) *DescribeAppOutput {
	d := e.Doc
	return &DescribeAppOutput{AppArn: e.Res.ARN, AppType: d.AppType, AppName: d.AppName, DomainId: d.DomainID,
		UserProfileName: d.UserProfileName, Status: e.Res.Status, RecoveryMode: d.RecoveryMode,
		CreationTime: e.Res.CreateDate, ResourceSpec: d.ResourceSpec}
}

// DescribeApp returns an app; a deleted app answers with status Deleted.
func (s *Service) DescribeApp(ctx context.Context, c *op.Call, in *AppInput) (*DescribeAppOutput, error) {
	var out *DescribeAppOutput
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := s.getApp(ctx, tx, c, in)
		if err == nil {
			out = describeApp(e)
		}
		return err
	})
	return out, err
}

// DeleteApp deletes an InService or Failed app: Deleting, then Deleted.
func (s *Service) DeleteApp(ctx context.Context, c *op.Call, in *AppInput) (*EmptyOutput, error) {
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		now := s.callTime(c)
		e, err := s.getApp(ctx, tx, c, in)
		if err != nil {
			return err
		}
		switch e.Res.Status {
		case "Deleted":
			return appNotFound(e.Res.ARN)
		case "InService", "Failed":
		default:
			return inUseError("App %s is in %s state and cannot be deleted.", e.Res.ARN, e.Res.Status)
		}
		e.setStatus("Deleting", now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// ListApps lists the region's apps (deleted ones too, as AWS does),
// filtered by domain and profile, newest first unless SortOrder is
// Ascending.
func (s *Service) ListApps(ctx context.Context, c *op.Call, in *ListAppsInput) (*ListAppsOutput, error) {
	if err := checkEnum(in.SortOrder, "sortOrder", []string{"Ascending", "Descending"}); err != nil {
		return nil, err
	}
	if err := checkEnum(in.SortBy, "sortBy", []string{"CreationTime"}); err != nil {
		return nil, err
	}
	limit, err := maxResults(in.MaxResults, 10, 100)
	if err != nil {
		return nil, err
	}
	start, err := decodeToken(in.NextToken, "apps")
	if err != nil {
		return nil, err
	}
	prefix := ""
	if in.DomainIdEquals != nil {
		prefix = *in.DomainIdEquals + "/"
		if in.UserProfileNameEquals != nil {
			prefix += *in.UserProfileNameEquals + "/"
		}
	}
	var all []entry[appDoc]
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		all, err = listEntries[appDoc](ctx, s, tx, c.Account, appLifecycle, TypeApp, c.Region, prefix, s.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	items := []AppDetails{}
	for _, e := range all {
		if in.UserProfileNameEquals != nil && e.Doc.UserProfileName != *in.UserProfileNameEquals {
			continue
		}
		if in.SpaceNameEquals != nil {
			continue
		}
		items = append(items, AppDetails{DomainId: e.Doc.DomainID, UserProfileName: e.Doc.UserProfileName, AppType: e.Doc.AppType,
			AppName: e.Doc.AppName, Status: e.Res.Status, CreationTime: e.Res.CreateDate, ResourceSpec: e.Doc.ResourceSpec})
	}
	asc := deref(in.SortOrder, "Descending") == "Ascending"
	sort.SliceStable(items, func(i, j int) bool {
		if asc {
			return items[i].CreationTime.Before(items[j].CreationTime)
		}
		return items[j].CreationTime.Before(items[i].CreationTime)
	})
	page, next := paginate(items, start, limit)
	out := &ListAppsOutput{Apps: slices.Clone(page)}
	if out.Apps == nil {
		out.Apps = []AppDetails{}
	}
	if next > 0 {
		out.NextToken = encodeToken("apps", next)
	}
	return out, nil
}
