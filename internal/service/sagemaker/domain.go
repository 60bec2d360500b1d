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

// CreateDomainInput is the input of CreateDomain. Nested settings are JSON
// documents (see settings.go).
type CreateDomainInput struct {
	DomainName                 string `aws:",required"`
	AuthMode                   string `aws:",required"`
	DefaultUserSettings        any    `aws:",required"`
	DomainSettings             any
	SubnetIds                  []string
	VpcId                      *string
	Tags                       []Tag
	AppNetworkAccessType       *string
	HomeEfsFileSystemKmsKeyId  *string
	KmsKeyId                   *string
	AppSecurityGroupManagement *string
	TagPropagation             *string
	DefaultSpaceSettings       any
}

// CreateDomainOutput is the output of CreateDomain.
type CreateDomainOutput struct {
	DomainArn string
	DomainId  string
	Url       string
}

// DomainIDInput is the input of DescribeDomain.
type DomainIDInput struct {
	DomainId string `aws:",required"`
}

// DescribeDomainOutput is the output of DescribeDomain.
type DescribeDomainOutput struct {
	DomainArn                                string
	DomainId                                 string
	DomainName                               string
	HomeEfsFileSystemId                      string
	SingleSignOnManagedApplicationInstanceId *string
	Status                                   string
	CreationTime                             time.Time
	LastModifiedTime                         time.Time
	AuthMode                                 string
	DefaultUserSettings                      any
	DomainSettings                           any
	AppNetworkAccessType                     string
	HomeEfsFileSystemKmsKeyId                *string
	SubnetIds                                []string
	Url                                      string
	VpcId                                    *string
	KmsKeyId                                 *string
	AppSecurityGroupManagement               *string
	TagPropagation                           string
	DefaultSpaceSettings                     any
}

// ListDomainsInput is the input of ListDomains.
type ListDomainsInput struct {
	NextToken  *string
	MaxResults *int32
}

// DomainDetails is one domain in ListDomains.
type DomainDetails struct {
	DomainArn        string
	DomainId         string
	DomainName       string
	Status           string
	CreationTime     time.Time
	LastModifiedTime time.Time
	Url              string
}

// ListDomainsOutput is the output of ListDomains.
type ListDomainsOutput struct {
	Domains   []DomainDetails
	NextToken *string
}

// UpdateDomainInput is the input of UpdateDomain.
type UpdateDomainInput struct {
	DomainId                   string `aws:",required"`
	DefaultUserSettings        any
	DomainSettingsForUpdate    any
	AppSecurityGroupManagement *string
	DefaultSpaceSettings       any
	SubnetIds                  []string
	AppNetworkAccessType       *string
	TagPropagation             *string
	VpcId                      *string
}

// UpdateDomainOutput is the output of UpdateDomain.
type UpdateDomainOutput struct {
	DomainArn string
}

// DeleteDomainInput is the input of DeleteDomain.
type DeleteDomainInput struct {
	DomainId        string `aws:",required"`
	RetentionPolicy any
}

var (
	domainNameRE  = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`)
	domainIDRE    = regexp.MustCompile(`^d-(-*[a-z0-9]){1,61}$`)
	profileNameRE = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`)
)

func patternError(value, member, pattern string) error {
	return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", value, member, pattern)
}

func validateDomainID(id string) error {
	if !domainIDRE.MatchString(id) {
		return patternError(id, "domainId", "^d-(-*[a-z0-9]){1,61}")
	}
	return nil
}

func validateProfileName(name string) error {
	if !profileNameRE.MatchString(name) {
		return patternError(name, "userProfileName", "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
	}
	return nil
}

var identityConfigs = []string{"USER_PROFILE_NAME", "DISABLED"}

func validateCreateDomain(in *CreateDomainInput) error {
	if !domainNameRE.MatchString(in.DomainName) {
		return patternError(in.DomainName, "domainName", "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
	}
	if err := checkEnum(&in.AuthMode, "authMode", []string{"SSO", "IAM"}); err != nil {
		return err
	}
	if err := checkEnum(in.AppNetworkAccessType, "appNetworkAccessType", []string{"PublicInternetOnly", "VpcOnly"}); err != nil {
		return err
	}
	if err := checkEnum(in.TagPropagation, "tagPropagation", []string{"ENABLED", "DISABLED"}); err != nil {
		return err
	}
	if v := stringMember(in.DomainSettings, "ExecutionRoleIdentityConfig"); v != "" {
		if err := checkEnum(&v, "domainSettings.executionRoleIdentityConfig", identityConfigs); err != nil {
			return err
		}
	}
	if _, ok := in.DefaultUserSettings.(map[string]any); !ok {
		return validationError("1 validation error detected: Value null at 'defaultUserSettings' failed to satisfy constraint: Member must not be null")
	}
	return nil
}

func registerStudio(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[CreateDomainInput, CreateDomainOutput]{Service: "sagemaker", Name: "CreateDomain",
		Authorize: s.authorizeCreateDomain, Handle: s.CreateDomain})
	op.Register(r, op.Spec[DomainIDInput, DescribeDomainOutput]{Service: "sagemaker", Name: "DescribeDomain", ReadOnly: true,
		Authorize: s.domainAuth("sagemaker:DescribeDomain"), Handle: s.DescribeDomain})
	op.Register(r, op.Spec[ListDomainsInput, ListDomainsOutput]{Service: "sagemaker", Name: "ListDomains", ReadOnly: true,
		Authorize: op.Any[ListDomainsInput]("sagemaker:ListDomains"), Handle: s.ListDomains})
	op.Register(r, op.Spec[UpdateDomainInput, UpdateDomainOutput]{Service: "sagemaker", Name: "UpdateDomain",
		Authorize: s.authorizeUpdateDomain, Handle: s.UpdateDomain})
	op.Register(r, op.Spec[DeleteDomainInput, EmptyOutput]{Service: "sagemaker", Name: "DeleteDomain",
		Authorize: func(ctx context.Context, c *op.Call, in *DeleteDomainInput) ([]op.Check, error) {
			return s.domainAuth("sagemaker:DeleteDomain")(ctx, c, &DomainIDInput{DomainId: in.DomainId})
		}, Handle: s.DeleteDomain})
	registerUserProfiles(r, s)
	registerApps(r, s)
	registerPresignedDomainURL(r, s)
}

// executionRoles returns the role ARNs a settings document passes to
// SageMaker (ExecutionRole at any depth: user, space and app settings).
func executionRoles(docs ...any) []string {
	var out []string
	for _, d := range docs {
		out = collect(d, "ExecutionRole", out)
	}
	return out
}

// createDomainKeys returns CreateDomain's request-derived condition keys.
func createDomainKeys(in *CreateDomainInput) map[string][]string {
	keys := map[string][]string{
		"sagemaker:AuthMode":             {in.AuthMode},
		"sagemaker:AppNetworkAccessType": {deref(in.AppNetworkAccessType, "PublicInternetOnly")},
	}
	if len(in.SubnetIds) > 0 {
		keys["sagemaker:VpcSubnets"] = slices.Clone(in.SubnetIds)
	}
	if in.KmsKeyId != nil {
		keys["sagemaker:VolumeKmsKeyArn"] = []string{*in.KmsKeyId}
	}
	return settingsKeys(keys, in.DefaultUserSettings, in.DomainSettings, in.DefaultSpaceSettings)
}

func (s *Service) authorizeCreateDomain(ctx context.Context, c *op.Call, in *CreateDomainInput) ([]op.Check, error) {
	if err := validateCreateDomain(in); err != nil {
		return nil, err
	}
	id, err := s.newDomainID(c)
	if err != nil {
		return nil, err
	}
	checks, _, err := s.CreateChecks(ctx, c, CreateSpec{
		Operation: "CreateDomain",
		ARN:       domainARN(c.Region, c.Account, id),
		Keys:      createDomainKeys(in),
		Tags:      in.Tags,
		Roles:     executionRoles(in.DefaultUserSettings, in.DefaultSpaceSettings),
	})
	return checks, err
}

// domainURL is a domain's Studio URL.
func domainURL(id, region string) string {
	return "https://" + id + ".studio." + region + ".sagemaker.aws"
}

// CreateDomain creates a domain in Pending; it is InService after the
// configured delay.
func (s *Service) CreateDomain(ctx context.Context, c *op.Call, in *CreateDomainInput) (*CreateDomainOutput, error) {
	if err := validateCreateDomain(in); err != nil {
		return nil, err
	}
	_, tags, err := s.CreateChecks(ctx, c, CreateSpec{Operation: "CreateDomain", Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	id, err := s.newDomainID(c)
	if err != nil {
		return nil, err
	}
	now := s.callTime(c)
	arn := domainARN(c.Region, c.Account, id)
	e := entry[domainDoc]{
		Res: model.Resource{ARN: arn, Name: in.DomainName, Status: "Pending", Tags: tags},
		Doc: domainDoc{
			DomainID:                   id,
			DomainName:                 in.DomainName,
			AuthMode:                   in.AuthMode,
			DefaultUserSettings:        in.DefaultUserSettings,
			DomainSettings:             in.DomainSettings,
			DefaultSpaceSettings:       in.DefaultSpaceSettings,
			SubnetIds:                  slices.Clone(in.SubnetIds),
			VpcId:                      deref(in.VpcId, ""),
			AppNetworkAccessType:       deref(in.AppNetworkAccessType, "PublicInternetOnly"),
			AppSecurityGroupManagement: deref(in.AppSecurityGroupManagement, ""),
			HomeEfsFileSystemKmsKeyId:  deref(in.HomeEfsFileSystemKmsKeyId, ""),
			KmsKeyId:                   deref(in.KmsKeyId, ""),
			TagPropagation:             deref(in.TagPropagation, "DISABLED"),
			HomeEfsFileSystemID:        "fs-" + s.hexID(c, 17),
			Region:                     c.Region,
		},
	}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		return createEntry(ctx, s, tx, c.Account, domainLifecycle, TypeDomain, c.Region, id, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &CreateDomainOutput{DomainArn: arn, DomainId: id, Url: domainURL(id, c.Region)}, nil
}

// domainNotFound is DescribeDomain's answer for a domain that does not
// exist (ResourceNotFound; the Terraform provider waits for it after
// DeleteDomain).
func domainNotFound(arn string) error {
	return notFoundError("Cannot find Domain with ARN %s", arn)
}

func (s *Service) getDomain(ctx context.Context, tx store.ReadTx, c *op.Call, id string) (entry[domainDoc], error) {
	e, err := getEntry[domainDoc](ctx, s, tx, c.Account, domainLifecycle, TypeDomain, c.Region, id, s.callTime(c))
	if errors.Is(err, store.ErrNotFound) {
		return e, domainNotFound(domainARN(c.Region, c.Account, id))
	}
	return e, err
}

// tagsOf loads the tags of a Studio resource for authorization; a missing
// resource has none (the handler reports it).
func (s *Service) tagsOf(ctx context.Context, c *op.Call, l Lifecycle, typ, path string) ([]model.Tag, error) {
	var tags []model.Tag
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := getEntry[struct{}](ctx, s, tx, c.Account, l, typ, c.Region, path, s.callTime(c))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		tags = e.Res.Tags
		return err
	})
	return tags, err
}

func (s *Service) domainAuth(action string) func(context.Context, *op.Call, *DomainIDInput) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *DomainIDInput) ([]op.Check, error) {
		if err := validateDomainID(in.DomainId); err != nil {
			return nil, err
		}
		tags, err := s.tagsOf(ctx, c, domainLifecycle, TypeDomain, in.DomainId)
		if err != nil {
			return nil, err
		}
		return []op.Check{resourceCheck(action, domainARN(c.Region, c.Account, in.DomainId), tags, nil)}, nil
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func describeDomain(e entry[domainDoc]) *DescribeDomainOutput {
	d := e.Doc
	out := &DescribeDomainOutput{
		DomainArn:                  e.Res.ARN,
		DomainId:                   d.DomainID,
		DomainName:                 d.DomainName,
		HomeEfsFileSystemId:        d.HomeEfsFileSystemID,
		Status:                     e.Res.Status,
		CreationTime:               e.Res.CreateDate,
		LastModifiedTime:           maxTime(e.Res.UpdateDate, e.Since),
		AuthMode:                   d.AuthMode,
		DefaultUserSettings:        d.DefaultUserSettings,
		DomainSettings:             d.DomainSettings,
		AppNetworkAccessType:       d.AppNetworkAccessType,
		HomeEfsFileSystemKmsKeyId:  optional(d.HomeEfsFileSystemKmsKeyId),
		SubnetIds:                  d.SubnetIds,
		Url:                        domainURL(d.DomainID, d.Region),
		VpcId:                      optional(d.VpcId),
		KmsKeyId:                   optional(d.KmsKeyId),
		AppSecurityGroupManagement: optional(d.AppSecurityGroupManagement),
		TagPropagation:             d.TagPropagation,
		DefaultSpaceSettings:       d.DefaultSpaceSettings,
	}
	if d.AuthMode == "SSO" {
		out.SingleSignOnManagedApplicationInstanceId = optional("ins-" + strings.TrimPrefix(d.DomainID, "d-"))
	}
	return out
}

// DescribeDomain returns a domain with its current status.
func (s *Service) DescribeDomain(ctx context.Context, c *op.Call, in *DomainIDInput) (*DescribeDomainOutput, error) {
	var out *DescribeDomainOutput
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		e, err := s.getDomain(ctx, tx, c, in.DomainId)
		if err == nil {
			out = describeDomain(e)
		}
		return err
	})
	return out, err
}

// ListDomains lists the region's domains, oldest first.
func (s *Service) ListDomains(ctx context.Context, c *op.Call, in *ListDomainsInput) (*ListDomainsOutput, error) {
	limit, err := maxResults(in.MaxResults, 10, 100)
	if err != nil {
		return nil, err
	}
	start, err := decodeToken(in.NextToken, "domains")
	if err != nil {
		return nil, err
	}
	var all []entry[domainDoc]
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		all, err = listEntries[domainDoc](ctx, s, tx, c.Account, domainLifecycle, TypeDomain, c.Region, "", s.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Res.CreateDate.Before(all[j].Res.CreateDate) })
	items := make([]DomainDetails, 0, len(all))
	for _, e := range all {
		d := describeDomain(e)
		items = append(items, DomainDetails{DomainArn: d.DomainArn, DomainId: d.DomainId, DomainName: d.DomainName,
			Status: d.Status, CreationTime: d.CreationTime, LastModifiedTime: d.LastModifiedTime, Url: d.Url})
	}
	page, next := paginate(items, start, limit)
	out := &ListDomainsOutput{Domains: append([]DomainDetails{}, page...)}
	if next > 0 {
		out.NextToken = encodeToken("domains", next)
	}
	return out, nil
}

// authorizeUpdateDomain: sagemaker:UpdateDomain on the domain with its tags
// and the request's keys, plus iam:PassRole for new execution roles.
func (s *Service) authorizeUpdateDomain(ctx context.Context, c *op.Call, in *UpdateDomainInput) ([]op.Check, error) {
	if err := validateUpdateDomain(in); err != nil {
		return nil, err
	}
	tags, err := s.tagsOf(ctx, c, domainLifecycle, TypeDomain, in.DomainId)
	if err != nil {
		return nil, err
	}
	keys := map[string][]string{}
	if in.AppNetworkAccessType != nil {
		keys["sagemaker:AppNetworkAccessType"] = []string{*in.AppNetworkAccessType}
	}
	if len(in.SubnetIds) > 0 {
		keys["sagemaker:VpcSubnets"] = slices.Clone(in.SubnetIds)
	}
	keys = settingsKeys(keys, in.DefaultUserSettings, in.DomainSettingsForUpdate, in.DefaultSpaceSettings)
	if len(keys) == 0 {
		keys = nil
	}
	checks := []op.Check{resourceCheck("sagemaker:UpdateDomain", domainARN(c.Region, c.Account, in.DomainId), tags, keys)}
	for _, r := range executionRoles(in.DefaultUserSettings, in.DefaultSpaceSettings) {
		checks = append(checks, PassRoleCheck(r))
	}
	return checks, nil
}

func validateUpdateDomain(in *UpdateDomainInput) error {
	if err := validateDomainID(in.DomainId); err != nil {
		return err
	}
	if err := checkEnum(in.AppNetworkAccessType, "appNetworkAccessType", []string{"PublicInternetOnly", "VpcOnly"}); err != nil {
		return err
	}
	if err := checkEnum(in.TagPropagation, "tagPropagation", []string{"ENABLED", "DISABLED"}); err != nil {
		return err
	}
	if v := stringMember(in.DomainSettingsForUpdate, "ExecutionRoleIdentityConfig"); v != "" {
		return checkEnum(&v, "domainSettingsForUpdate.executionRoleIdentityConfig", identityConfigs)
	}
	return nil
}

// identityConfig returns a domain's ExecutionRoleIdentityConfig (DISABLED
// when unset, AWS's default).
func identityConfig(d domainDoc) string {
	if v := stringMember(d.DomainSettings, "ExecutionRoleIdentityConfig"); v != "" {
		return v
	}
	return "DISABLED"
}

// ErrIdentityConfigInUse is the ValidationException of an UpdateDomain
// that changes ExecutionRoleIdentityConfig while apps of the domain are
// InService or Pending.
var ErrIdentityConfigInUse = validationError("The ExecutionRoleIdentityConfig can only be modified if there are no apps in the InService or Pending state.")

// UpdateDomain changes an InService domain: Updating, then InService. The
// ExecutionRoleIdentityConfig cannot change while any app of the domain is
// InService or Pending.
func (s *Service) UpdateDomain(ctx context.Context, c *op.Call, in *UpdateDomainInput) (*UpdateDomainOutput, error) {
	if err := validateUpdateDomain(in); err != nil {
		return nil, err
	}
	var arn string
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		now := s.callTime(c)
		e, err := s.getDomain(ctx, tx, c, in.DomainId)
		if err != nil {
			return err
		}
		arn = e.Res.ARN
		if e.Res.Status != "InService" {
			return inUseError("Domain %s is in %s state; it can only be updated when InService.", arn, e.Res.Status)
		}
		d := &e.Doc
		if v := stringMember(in.DomainSettingsForUpdate, "ExecutionRoleIdentityConfig"); v != "" && v != identityConfig(*d) {
			apps, err := listEntries[appDoc](ctx, s, tx, c.Account, appLifecycle, TypeApp, c.Region, in.DomainId+"/", now)
			if err != nil {
				return err
			}
			for _, a := range apps {
				if a.Res.Status == "InService" || a.Res.Status == "Pending" {
					return ErrIdentityConfigInUse
				}
			}
		}
		if in.DomainSettingsForUpdate != nil {
			d.DomainSettings = mergeObject(d.DomainSettings, in.DomainSettingsForUpdate)
		}
		if in.DefaultUserSettings != nil {
			d.DefaultUserSettings = mergeObject(d.DefaultUserSettings, in.DefaultUserSettings)
		}
		if in.DefaultSpaceSettings != nil {
			d.DefaultSpaceSettings = mergeObject(d.DefaultSpaceSettings, in.DefaultSpaceSettings)
		}
		if in.AppSecurityGroupManagement != nil {
			d.AppSecurityGroupManagement = *in.AppSecurityGroupManagement
		}
		if in.SubnetIds != nil {
			d.SubnetIds = slices.Clone(in.SubnetIds)
		}
		if in.AppNetworkAccessType != nil {
			d.AppNetworkAccessType = *in.AppNetworkAccessType
		}
		if in.TagPropagation != nil {
			d.TagPropagation = *in.TagPropagation
		}
		if in.VpcId != nil {
			d.VpcId = *in.VpcId
		}
		e.setStatus("Updating", now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &UpdateDomainOutput{DomainArn: arn}, nil
}

// DeleteDomain deletes a domain that has no user profiles left: Deleting,
// then gone.
func (s *Service) DeleteDomain(ctx context.Context, c *op.Call, in *DeleteDomainInput) (*EmptyOutput, error) {
	if err := validateDomainID(in.DomainId); err != nil {
		return nil, err
	}
	if v := stringMember(in.RetentionPolicy, "HomeEfsFileSystem"); v != "" {
		if err := checkEnum(&v, "retentionPolicy.homeEfsFileSystem", []string{"Retain", "Delete"}); err != nil {
			return nil, err
		}
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		now := s.callTime(c)
		e, err := s.getDomain(ctx, tx, c, in.DomainId)
		if err != nil {
			return err
		}
		if e.Res.Status == "Deleting" {
			return inUseError("Domain %s is already being deleted.", e.Res.ARN)
		}
		profiles, err := listEntries[userProfileDoc](ctx, s, tx, c.Account, userProfileLifecycle, TypeUserProfile, c.Region, in.DomainId+"/", now)
		if err != nil {
			return err
		}
		if len(profiles) > 0 {
			return inUseError("Cannot delete Domain %s because it has %d user profile(s); delete them first.", e.Res.ARN, len(profiles))
		}
		e.setStatus("Deleting", now)
		return putEntry(ctx, tx, c.Account, &e, now)
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}
