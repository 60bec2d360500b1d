package sagemaker

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// Tag is a SageMaker tag (botocore shape Tag).
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

// Automatic tag keys SageMaker adds to resources created from Studio.
const (
	TagDomainARN      = "sagemaker:domain-arn"
	TagUserProfileARN = "sagemaker:user-profile-arn"
)

// Condition keys SageMaker requests carry.
const (
	KeyDomainID        = "sagemaker:DomainId"
	KeyUserProfileName = "sagemaker:UserProfileName"
	KeyTaggingAction   = "sagemaker:TaggingAction"
	KeyPassedToService = "iam:PassedToService"
	ResourceTagPrefix  = "sagemaker:ResourceTag/"
)

// maxTags is the number of tags a SageMaker resource may carry.
const maxTags = 50

// validateTags checks tags as SageMaker does: keys of 1-128 and values of
// at most 256 characters, no duplicate keys, no key with the reserved
// "aws:" prefix (in any case), at most 50 tags.
func validateTags(tags []Tag) error {
	if len(tags) > maxTags {
		return validationError("1 validation error detected: Value '%d' at 'tags' failed to satisfy constraint: Member must have length less than or equal to %d", len(tags), maxTags)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > 128 {
			return validationError("1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128", t.Key)
		}
		if utf8.RuneCountInString(t.Value) > 256 {
			return validationError("1 validation error detected: Value '%s' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", t.Value)
		}
		if reservedKey(t.Key) {
			return validationError("Tag keys starting with 'aws:' are reserved for internal use: %s", t.Key)
		}
		if seen[t.Key] {
			return validationError("Duplicate tag key: %s", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// reservedKey reports whether a tag key uses the "aws:" prefix, which AWS
// reserves in any letter case.
func reservedKey(k string) bool { return len(k) >= 4 && strings.EqualFold(k[:4], "aws:") }

// requestTagKeys adds aws:RequestTag/KEY for each tag and aws:TagKeys (all
// keys) to keys, which it returns (allocating when nil).
func requestTagKeys(keys map[string][]string, tags []Tag) map[string][]string {
	if len(tags) == 0 {
		return keys
	}
	if keys == nil {
		keys = make(map[string][]string, len(tags)+1)
	}
	tk := make([]string, 0, len(tags))
	for _, t := range tags {
		keys["aws:RequestTag/"+t.Key] = []string{t.Value}
		tk = append(tk, t.Key)
	}
	keys["aws:TagKeys"] = tk
	return keys
}

// toModelTags and fromModelTags convert between the wire and the store.
func toModelTags(tags []Tag) []model.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]model.Tag, len(tags))
	for i, t := range tags {
		out[i] = model.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func fromModelTags(tags []model.Tag) []Tag {
	out := make([]Tag, len(tags))
	for i, t := range tags {
		out[i] = Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// tagMap returns tags as a map (nil for none), the form op.Check wants.
func tagMap(tags []model.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// mergeTags returns base with add applied: a key in add replaces the same
// key in base; new keys are appended in add's order.
func mergeTags(base []model.Tag, add []Tag) []model.Tag {
	out := slices.Clone(base)
	for _, t := range add {
		i := slices.IndexFunc(out, func(o model.Tag) bool { return o.Key == t.Key })
		if i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, model.Tag{Key: t.Key, Value: t.Value})
		}
	}
	return out
}

// resourceCheck is the check of an action on an existing resource: the
// resource's tags are exposed as aws:ResourceTag/* and
// sagemaker:ResourceTag/*. keys may hold request-derived keys.
func resourceCheck(action, arn string, tags []model.Tag, keys map[string][]string) op.Check {
	return op.Check{Action: action, Resource: arn, Context: keys, ResourceTags: tagMap(tags), TagKeyPrefix: ResourceTagPrefix}
}

// CreateSpec describes the authorization of a Create* operation for
// [Service.CreateChecks].
type CreateSpec struct {
	// Operation is the API operation, e.g. "CreateNotebookInstance"; the
	// action is "sagemaker:"+Operation.
	Operation string
	// ARN is the new resource's ARN.
	ARN string
	// Keys are the service's request-derived condition keys
	// (sagemaker:InstanceTypes, ...); CreateChecks adds the tag keys.
	Keys map[string][]string
	// Tags are the tags the request passes (validated by CreateChecks).
	Tags []Tag
	// Roles are role ARNs in the input that SageMaker will assume
	// (RoleArn, ExecutionRoleArn, ExecutionRole); each is checked with
	// iam:PassRole.
	Roles []string
}

// CreateChecks validates spec.Tags and returns the checks a Create*
// operation needs, with the tags the new resource will carry: the user's
// tags plus, for a caller with Studio-session credentials, the automatic
// sagemaker:domain-arn and sagemaker:user-profile-arn tags (and with
// TagPropagation the domain's and profile's user tags). Those tags are part
// of the request as the Studio client sends them, so they appear in
// aws:RequestTag/* and aws:TagKeys. The checks are:
//
//   - sagemaker:OPERATION on the new ARN with spec.Keys and the tag keys;
//   - sagemaker:AddTags on the new ARN when any tag is set, with the tag
//     keys and sagemaker:TaggingAction = OPERATION (AWS authorizes tags on
//     create as AddTags on the new resource);
//   - iam:PassRole on each role with iam:PassedToService =
//     sagemaker.amazonaws.com.
func (s *Service) CreateChecks(ctx context.Context, c *op.Call, spec CreateSpec) ([]op.Check, []model.Tag, error) {
	if err := validateTags(spec.Tags); err != nil {
		return nil, nil, err
	}
	auto, err := s.StudioTags(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	tags := mergeTags(nil, spec.Tags)
	tags = mergeTags(tags, auto)
	if len(tags) > maxTags {
		return nil, nil, validationError("1 validation error detected: Value '%d' at 'tags' failed to satisfy constraint: Member must have length less than or equal to %d", len(tags), maxTags)
	}
	wire := fromModelTags(tags)
	keys := maps.Clone(spec.Keys)
	keys = requestTagKeys(keys, wire)
	checks := []op.Check{{Action: "sagemaker:" + spec.Operation, Resource: spec.ARN, Context: keys}}
	if len(tags) > 0 {
		tk := requestTagKeys(map[string][]string{KeyTaggingAction: {spec.Operation}}, wire)
		checks = append(checks, op.Check{Action: "sagemaker:AddTags", Resource: spec.ARN, Context: tk})
	}
	for _, r := range spec.Roles {
		if r != "" {
			checks = append(checks, PassRoleCheck(r))
		}
	}
	return checks, tags, nil
}

// PassRoleCheck is the iam:PassRole check for a role passed to SageMaker.
func PassRoleCheck(roleARN string) op.Check {
	return op.Check{Action: "iam:PassRole", Resource: roleARN, Context: map[string][]string{KeyPassedToService: {ServicePrincipal}}}
}

// studioSession identifies the Studio user behind a call, if any.
type studioSession struct {
	Region   string
	DomainID string
	Profile  string
}

// studioCaller returns the Studio user whose session made the call: a role
// session that carries sagemaker:DomainId and sagemaker:UserProfileName (STS
// puts them on the sessions SageMaker mints for Studio users).
func studioCaller(c *op.Call) (studioSession, bool) {
	p := c.Principal
	if p == nil || p.Session == nil {
		return studioSession{}, false
	}
	d, u := p.Session.ContextKeys[KeyDomainID], p.Session.ContextKeys[KeyUserProfileName]
	if len(d) != 1 || len(u) != 1 {
		return studioSession{}, false
	}
	return studioSession{Region: c.Region, DomainID: d[0], Profile: u[0]}, true
}

// StudioTags returns the tags SageMaker adds to a resource created by the
// caller: none unless the caller uses Studio-session credentials; then
// sagemaker:domain-arn and sagemaker:user-profile-arn, preceded, when the
// domain's TagPropagation is ENABLED, by the user-defined tags of the domain
// and then the profile (keys with the aws: or sagemaker: prefix are system
// tags and never propagate).
func (s *Service) StudioTags(ctx context.Context, c *op.Call) ([]Tag, error) {
	ss, ok := studioCaller(c)
	if !ok {
		return nil, nil
	}
	var out []Tag
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		now := s.callTime(c)
		d, err := getEntry[domainDoc](ctx, s, tx, c.Account, domainLifecycle, TypeDomain, ss.Region, ss.DomainID, now)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.Doc.TagPropagation == "ENABLED" {
			out = append(out, userTags(d.Res.Tags)...)
			u, err := getEntry[userProfileDoc](ctx, s, tx, c.Account, userProfileLifecycle, TypeUserProfile, ss.Region, ss.DomainID+"/"+ss.Profile, now)
			if err == nil {
				out = fromModelTags(mergeTags(toModelTags(out), userTags(u.Res.Tags)))
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out = fromModelTags(mergeTags(toModelTags(out), []Tag{
		{Key: TagDomainARN, Value: domainARN(ss.Region, c.Account, ss.DomainID)},
		{Key: TagUserProfileARN, Value: userProfileARN(ss.Region, c.Account, ss.DomainID, ss.Profile)},
	}))
	return out, nil
}

// userTags returns the user-defined tags among tags.
func userTags(tags []model.Tag) []Tag {
	var out []Tag
	for _, t := range tags {
		if reservedKey(t.Key) || strings.HasPrefix(strings.ToLower(t.Key), "sagemaker:") {
			continue
		}
		out = append(out, Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// AddTagsInput is the input of AddTags.
type AddTagsInput struct {
	ResourceArn string `aws:",required"`
	Tags        []Tag  `aws:",required"`
}

// AddTagsOutput is the output of AddTags: the tags the call added.
type AddTagsOutput struct {
	Tags []Tag
}

// DeleteTagsInput is the input of DeleteTags.
type DeleteTagsInput struct {
	ResourceArn string   `aws:",required"`
	TagKeys     []string `aws:",required"`
}

// DeleteTagsOutput is the output of DeleteTags; it has no members.
type DeleteTagsOutput struct{}

// ListTagsInput is the input of ListTags.
type ListTagsInput struct {
	ResourceArn string `aws:",required"`
	NextToken   *string
	MaxResults  *int32
}

// ListTagsOutput is the output of ListTags.
type ListTagsOutput struct {
	Tags      []Tag
	NextToken *string
}

func registerTags(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[AddTagsInput, AddTagsOutput]{Service: "sagemaker", Name: "AddTags",
		Authorize: s.authorizeAddTags, Handle: s.AddTags})
	op.Register(r, op.Spec[DeleteTagsInput, DeleteTagsOutput]{Service: "sagemaker", Name: "DeleteTags",
		Authorize: s.authorizeDeleteTags, Handle: s.DeleteTags})
	op.Register(r, op.Spec[ListTagsInput, ListTagsOutput]{Service: "sagemaker", Name: "ListTags", ReadOnly: true,
		Authorize: s.authorizeListTags, Handle: s.ListTags})
}

// resourceTags loads the current tags of the resource an ARN names (none
// when it does not exist; the handler then reports it).
func (s *Service) resourceTags(ctx context.Context, c *op.Call, arn string) ([]model.Tag, error) {
	var tags []model.Tag
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		r, ok, err := s.lookupByARN(ctx, tx, c, arn)
		if ok {
			tags = r.Tags
		}
		return err
	})
	return tags, err
}

// authorizeAddTags: sagemaker:AddTags on the resource, with its tags and
// the request's aws:RequestTag/* and aws:TagKeys. sagemaker:TaggingAction
// is absent: it names the creating operation only when tags come with a
// Create* call.
func (s *Service) authorizeAddTags(ctx context.Context, c *op.Call, in *AddTagsInput) ([]op.Check, error) {
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	tags, err := s.resourceTags(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return []op.Check{resourceCheck("sagemaker:AddTags", in.ResourceArn, tags, requestTagKeys(nil, in.Tags))}, nil
}

// resourceMissing is the error of a tag operation on an ARN that names no
// existing SageMaker resource.
func resourceMissing(arn string) error {
	return validationError("Resource %s does not exist.", arn)
}

// AddTags adds or overwrites tags of any taggable resource.
func (s *Service) AddTags(ctx context.Context, c *op.Call, in *AddTagsInput) (*AddTagsOutput, error) {
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		r, ok, err := s.lookupByARN(ctx, tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		if !ok {
			return resourceMissing(in.ResourceArn)
		}
		r.Tags = mergeTags(r.Tags, in.Tags)
		if len(r.Tags) > maxTags {
			return limitError("The number of tags on the resource would exceed %d.", maxTags)
		}
		r.UpdateDate = s.callTime(c)
		_, err = tx.UpdateResource(ctx, c.Account, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &AddTagsOutput{Tags: slices.Clone(in.Tags)}, nil
}

func (s *Service) authorizeDeleteTags(ctx context.Context, c *op.Call, in *DeleteTagsInput) ([]op.Check, error) {
	if len(in.TagKeys) == 0 || len(in.TagKeys) > maxTags {
		return nil, validationError("1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length between 1 and %d", maxTags)
	}
	for _, k := range in.TagKeys {
		if reservedKey(k) {
			return nil, validationError("Tag keys starting with 'aws:' are reserved for internal use: %s", k)
		}
	}
	tags, err := s.resourceTags(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	keys := map[string][]string{"aws:TagKeys": slices.Clone(in.TagKeys)}
	return []op.Check{resourceCheck("sagemaker:DeleteTags", in.ResourceArn, tags, keys)}, nil
}

// DeleteTags removes tags by key; keys the resource lacks are ignored.
func (s *Service) DeleteTags(ctx context.Context, c *op.Call, in *DeleteTagsInput) (*DeleteTagsOutput, error) {
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		r, ok, err := s.lookupByARN(ctx, tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		if !ok {
			return resourceMissing(in.ResourceArn)
		}
		r.Tags = slices.DeleteFunc(r.Tags, func(t model.Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
		r.UpdateDate = s.callTime(c)
		_, err = tx.UpdateResource(ctx, c.Account, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DeleteTagsOutput{}, nil
}

// authorizeListTags: sagemaker:ListTags on the resource ARN. AWS documents
// that tag-based conditions do not restrict ListTags, so the resource's
// tags are not offered to conditions.
func (s *Service) authorizeListTags(_ context.Context, _ *op.Call, in *ListTagsInput) ([]op.Check, error) {
	if in.MaxResults != nil && *in.MaxResults < 50 {
		return nil, validationError("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 50", *in.MaxResults)
	}
	return []op.Check{{Action: "sagemaker:ListTags", Resource: in.ResourceArn}}, nil
}

// ListTags lists a resource's tags in the order they were added, 50 (or
// MaxResults) a page.
func (s *Service) ListTags(ctx context.Context, c *op.Call, in *ListTagsInput) (*ListTagsOutput, error) {
	var tags []model.Tag
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		r, ok, err := s.lookupByARN(ctx, tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		if !ok {
			return resourceMissing(in.ResourceArn)
		}
		tags = r.Tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	limit := 50
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	start, err := decodeToken(in.NextToken, "tags")
	if err != nil {
		return nil, err
	}
	page, next := paginate(tags, start, limit)
	out := &ListTagsOutput{Tags: fromModelTags(page)}
	if next > 0 {
		out.NextToken = encodeToken("tags", next)
	}
	return out, nil
}
