package iam

import (
	"context"
	"errors"
	"strings"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/store"
)

func wirePolicy(p model.ManagedPolicy, withTags bool) Policy {
	w := Policy{
		PolicyName: ptr(p.PolicyName), PolicyId: ptr(p.PolicyID), Arn: ptr(p.ARN), Path: ptr(p.Path),
		DefaultVersionId:              ptr(p.DefaultVersionID),
		AttachmentCount:               ptr(int32(p.AttachmentCount)),
		PermissionsBoundaryUsageCount: ptr(int32(p.PermissionsBoundaryUsageCount)),
		IsAttachable:                  ptr(attachable(p)),
		Description:                   nonEmpty(p.Description),
		CreateDate:                    ptr(p.CreateDate),
		UpdateDate:                    ptr(p.UpdateDate),
	}
	if withTags {
		w.Tags = wireTags(p.Tags)
	}
	return w
}

// attachable reports whether p can be attached to users, groups and roles:
// every policy except the AWS managed service-linked role policies (path
// /aws-service-role/), which only service-linked roles may use.
func attachable(p model.ManagedPolicy) bool {
	return !(p.IsAWSManaged() && strings.HasPrefix(p.Path, "/aws-service-role/"))
}

func noSuchPolicy(arn string) error {
	return errorf(ErrNoSuchEntity, "Policy %s was not found.", arn)
}

func getPolicy(ctx context.Context, tx store.ReadTx, acct model.AccountID, arn string) (model.ManagedPolicy, error) {
	p, err := tx.GetPolicy(ctx, acct, arn)
	if notFound(err) {
		return p, noSuchPolicy(arn)
	}
	return p, err
}

// getOwnPolicy reads a customer managed policy for a change; AWS managed
// policies cannot be changed.
func getOwnPolicy(ctx context.Context, tx store.ReadTx, acct model.AccountID, arn string) (model.ManagedPolicy, error) {
	p, err := getPolicy(ctx, tx, acct, arn)
	if err == nil && p.IsAWSManaged() {
		return p, errorf(ErrUnmodifiableEntity, "Cannot modify AWS managed policy %s.", arn)
	}
	return p, err
}

// policyCheck is the check of action on a managed policy, with its tags as
// aws:ResourceTag/*.
func (s *Service) policyCheck(ctx context.Context, c *op.Call, action, arn string, extra map[string][]string) ([]op.Check, error) {
	var p model.ManagedPolicy
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		p, err = tx.GetPolicy(ctx, c.Account, arn)
		return err
	})
	if err != nil && !notFound(err) {
		return nil, err
	}
	return []op.Check{{Action: action, Resource: arn, ResourceTags: tagMap(p.Tags), Context: extra}}, nil
}

func policyARN(acct model.AccountID, path, name string) string {
	return "arn:aws:iam::" + string(acct) + ":policy" + path + name
}

func (s *Service) authCreatePolicy(_ context.Context, c *op.Call, in *CreatePolicyInput) ([]op.Check, error) {
	arn := policyARN(c.Account, orDefault(in.Path, "/"), in.PolicyName)
	checks := []op.Check{{Action: "iam:CreatePolicy", Resource: arn, Context: requestTagContext(nil, in.Tags)}}
	if len(in.Tags) > 0 {
		checks = append(checks, op.Check{Action: "iam:TagPolicy", Resource: arn, Context: requestTagContext(nil, in.Tags)})
	}
	return checks, nil
}

func checkManagedDocument(doc string) error {
	return checkDocument("policyDocument", doc, policy.KindIdentity, maxManagedPolicySize, "PolicySize")
}

// CreatePolicy creates a customer managed policy whose version v1 is doc.
func (s *Service) CreatePolicy(ctx context.Context, c *op.Call, in *CreatePolicyInput) (*CreatePolicyOutput, error) {
	var v validator
	v.name("policyName", in.PolicyName, 128)
	v.optStr("path", in.Path, 1, 512, policyPathPattern, policyPathPatternText)
	v.optStr("description", in.Description, 0, 1000, nil, "")
	v.tags(in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkManagedDocument(in.PolicyDocument); err != nil {
		return nil, err
	}
	id, err := s.ids.PolicyID()
	if err != nil {
		return nil, err
	}
	path := orDefault(in.Path, "/")
	t := now(c)
	p := model.ManagedPolicy{
		PolicyName: in.PolicyName, PolicyID: id, ARN: policyARN(c.Account, path, in.PolicyName), Path: path,
		DefaultVersionID: "v1", Tags: modelTags(in.Tags), CreateDate: t, UpdateDate: t,
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		p, err = tx.CreatePolicy(ctx, c.Account, p, in.PolicyDocument)
		if errors.Is(err, store.ErrConflict) {
			return errorf(ErrEntityAlreadyExists, "A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	w := wirePolicy(p, true)
	return &CreatePolicyOutput{Policy: &w}, nil
}

// GetPolicy returns a managed policy (the account's or an AWS managed
// one) with its attachment counts and tags.
func (s *Service) GetPolicy(ctx context.Context, c *op.Call, in *GetPolicyInput) (*GetPolicyOutput, error) {
	var v validator
	v.arn("policyArn", in.PolicyArn)
	if err := v.err(); err != nil {
		return nil, err
	}
	var p model.ManagedPolicy
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		p, err = getPolicy(ctx, tx, c.Account, in.PolicyArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	w := wirePolicy(p, true)
	return &GetPolicyOutput{Policy: &w}, nil
}

// ListPolicies lists managed policies by scope (All, AWS, Local), path
// prefix, attachment and usage.
func (s *Service) ListPolicies(ctx context.Context, c *op.Call, in *ListPoliciesInput) (*ListPoliciesOutput, error) {
	var v validator
	v.optStr("pathPrefix", in.PathPrefix, 1, 512, policyPathPattern, policyPathPatternText)
	v.paging(in.Marker, in.MaxItems)
	if in.Scope != nil && *in.Scope != "All" && *in.Scope != "AWS" && *in.Scope != "Local" {
		v.fail("scope", *in.Scope, "must satisfy enum value set: [All, AWS, Local]")
	}
	if in.PolicyUsageFilter != nil && *in.PolicyUsageFilter != "PermissionsPolicy" && *in.PolicyUsageFilter != "PermissionsBoundary" {
		v.fail("policyUsageFilter", *in.PolicyUsageFilter, "must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	opts := store.PolicyListOptions{ListOptions: listOpts(in.PathPrefix, in.Marker, in.MaxItems)}
	if in.Scope != nil && *in.Scope != "All" {
		opts.Scope = store.PolicyScope(*in.Scope)
	}
	if in.OnlyAttached != nil {
		opts.OnlyAttached = *in.OnlyAttached
	}
	// OnlyAttached with PolicyUsageFilter PermissionsBoundary keeps the
	// policies used as a boundary, which the store does not filter on: the
	// service filters page by page and keeps paging until the page is full
	// or the listing ends.
	boundaries := opts.OnlyAttached && in.PolicyUsageFilter != nil && *in.PolicyUsageFilter == "PermissionsBoundary"
	if boundaries {
		opts.OnlyAttached = false
	}
	out := &ListPoliciesOutput{Policies: []Policy{}}
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		limit := opts.Limit()
		for {
			p, err := tx.ListPolicies(ctx, c.Account, opts)
			if err != nil {
				return err
			}
			for _, mp := range p.Items {
				if boundaries && mp.PermissionsBoundaryUsageCount == 0 {
					continue
				}
				out.Policies = append(out.Policies, wirePolicy(mp, false))
			}
			out.IsTruncated, out.Marker = p.IsTruncated, markerOut(p)
			if !p.IsTruncated || len(out.Policies) >= limit {
				return nil
			}
			opts.Marker = p.Marker
			opts.MaxItems = limit - len(out.Policies)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeletePolicy deletes a customer managed policy that is attached to
// nothing and has no versions besides its default.
func (s *Service) DeletePolicy(ctx context.Context, c *op.Call, in *DeletePolicyInput) (*DeletePolicyOutput, error) {
	var v validator
	v.arn("policyArn", in.PolicyArn)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := getOwnPolicy(ctx, tx, c.Account, in.PolicyArn)
		if err != nil {
			return err
		}
		if p.AttachmentCount > 0 || p.PermissionsBoundaryUsageCount > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete a policy attached to entities.")
		}
		versions, err := tx.ListPolicyVersions(ctx, c.Account, p.ARN)
		if err != nil {
			return err
		}
		if len(versions) > 1 {
			return errorf(ErrDeleteConflict, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		err = tx.DeletePolicy(ctx, c.Account, p.ARN)
		if errors.Is(err, store.ErrInUse) {
			return errorf(ErrDeleteConflict, "Cannot delete a policy attached to entities.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DeletePolicyOutput{}, nil
}

func wireVersion(v model.PolicyVersion, withDoc bool) PolicyVersion {
	w := PolicyVersion{VersionId: ptr(v.VersionID), IsDefaultVersion: ptr(v.IsDefault), CreateDate: ptr(v.CreateDate)}
	if withDoc {
		w.Document = ptr(encodeDocument(v.Document))
	}
	return w
}

// CreatePolicyVersion adds a version to a customer managed policy, at most
// five in all, and makes it the default when SetAsDefault is true.
func (s *Service) CreatePolicyVersion(ctx context.Context, c *op.Call, in *CreatePolicyVersionInput) (*CreatePolicyVersionOutput, error) {
	var v validator
	v.arn("policyArn", in.PolicyArn)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkManagedDocument(in.PolicyDocument); err != nil {
		return nil, err
	}
	setDefault := in.SetAsDefault != nil && *in.SetAsDefault
	var pv model.PolicyVersion
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := getOwnPolicy(ctx, tx, c.Account, in.PolicyArn)
		if err != nil {
			return err
		}
		versions, err := tx.ListPolicyVersions(ctx, c.Account, p.ARN)
		if err != nil {
			return err
		}
		if len(versions) >= maxPolicyVersions {
			return errorf(ErrLimitExceeded, "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
		}
		pv, err = tx.CreatePolicyVersion(ctx, c.Account, p.ARN, in.PolicyDocument, setDefault, now(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	w := wireVersion(pv, false)
	return &CreatePolicyVersionOutput{PolicyVersion: &w}, nil
}

func noSuchVersion(arn, id string) error {
	return errorf(ErrNoSuchEntity, "Policy %s version %s does not exist or is not attachable.", arn, id)
}

// GetPolicyVersion returns one version of a managed policy with its
// document, URL-encoded as IAM returns it.
func (s *Service) GetPolicyVersion(ctx context.Context, c *op.Call, in *GetPolicyVersionInput) (*GetPolicyVersionOutput, error) {
	var v validator
	v.arn("policyArn", in.PolicyArn)
	v.str("versionId", in.VersionId, 0, 0, versionIDPattern, versionIDPatternText)
	if err := v.err(); err != nil {
		return nil, err
	}
	var pv model.PolicyVersion
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		if _, err := getPolicy(ctx, tx, c.Account, in.PolicyArn); err != nil {
			return err
		}
		var err error
		pv, err = tx.GetPolicyVersion(ctx, c.Account, in.PolicyArn, in.VersionId)
		if notFound(err) {
			return noSuchVersion(in.PolicyArn, in.VersionId)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	w := wireVersion(pv, true)
	return &GetPolicyVersionOutput{PolicyVersion: &w}, nil
}

// ListPolicyVersions lists a managed policy's versions, newest first,
// without their documents.
func (s *Service) ListPolicyVersions(ctx context.Context, c *op.Call, in *ListPolicyVersionsInput) (*ListPolicyVersionsOutput, error) {
	var v validator
	v.arn("policyArn", in.PolicyArn)
	v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	var versions []model.PolicyVersion
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		if _, err := getPolicy(ctx, tx, c.Account, in.PolicyArn); err != nil {
			return err
		}
		var err error
		versions, err = tx.ListPolicyVersions(ctx, c.Account, in.PolicyArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	page, truncated, next, err := pageSlice(versions, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &ListPolicyVersionsOutput{Versions: make([]PolicyVersion, 0, len(page)), IsTruncated: truncated, Marker: next}
	for _, pv := range page {
		out.Versions = append(out.Versions, wireVersion(pv, false))
	}
	return out, nil
}

// DeletePolicyVersion deletes a version that is not the default.
func (s *Service) DeletePolicyVersion(ctx context.Context, c *op.Call, in *DeletePolicyVersionInput) (*DeletePolicyVersionOutput, error) {
	var v validator
	v.arn("policyArn", in.PolicyArn)
	v.str("versionId", in.VersionId, 0, 0, versionIDPattern, versionIDPatternText)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := getOwnPolicy(ctx, tx, c.Account, in.PolicyArn)
		if err != nil {
			return err
		}
		pv, err := tx.GetPolicyVersion(ctx, c.Account, p.ARN, in.VersionId)
		if notFound(err) {
			return noSuchVersion(p.ARN, in.VersionId)
		}
		if err != nil {
			return err
		}
		if pv.IsDefault {
			return errorf(ErrDeleteConflict, "Cannot delete the default version of a policy.")
		}
		err = tx.DeletePolicyVersion(ctx, c.Account, p.ARN, in.VersionId)
		if errors.Is(err, store.ErrInUse) {
			return errorf(ErrDeleteConflict, "Cannot delete the default version of a policy.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DeletePolicyVersionOutput{}, nil
}

// SetDefaultPolicyVersion makes an existing version the default; it takes
// effect for every entity the policy is attached to at once.
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, c *op.Call, in *SetDefaultPolicyVersionInput) (*SetDefaultPolicyVersionOutput, error) {
	var v validator
	v.arn("policyArn", in.PolicyArn)
	v.str("versionId", in.VersionId, 0, 0, versionIDPattern, versionIDPatternText)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := getOwnPolicy(ctx, tx, c.Account, in.PolicyArn)
		if err != nil {
			return err
		}
		if _, err := tx.GetPolicyVersion(ctx, c.Account, p.ARN, in.VersionId); notFound(err) {
			return noSuchVersion(p.ARN, in.VersionId)
		} else if err != nil {
			return err
		}
		return tx.SetDefaultPolicyVersion(ctx, c.Account, p.ARN, in.VersionId, now(c))
	})
	if err != nil {
		return nil, err
	}
	return &SetDefaultPolicyVersionOutput{}, nil
}

// ListEntitiesForPolicy lists the users, groups and roles a managed policy
// is attached to (PolicyUsageFilter PermissionsPolicy) or is the
// permissions boundary of (PermissionsBoundary); both without a filter.
func (s *Service) ListEntitiesForPolicy(ctx context.Context, c *op.Call, in *ListEntitiesForPolicyInput) (*ListEntitiesForPolicyOutput, error) {
	var v validator
	v.arn("policyArn", in.PolicyArn)
	v.path("pathPrefix", in.PathPrefix)
	v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	want := func(kind string) bool {
		if in.EntityFilter == nil {
			return true
		}
		return *in.EntityFilter == kind
	}
	usage := ""
	if in.PolicyUsageFilter != nil {
		usage = *in.PolicyUsageFilter
	}
	prefix := orDefault(in.PathPrefix, "/")
	out := &ListEntitiesForPolicyOutput{PolicyGroups: []PolicyGroup{}, PolicyUsers: []PolicyUser{}, PolicyRoles: []PolicyRole{}}
	type entity struct {
		kind     model.EntityKind
		name, id string
	}
	var all []entity
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		if _, err := getPolicy(ctx, tx, c.Account, in.PolicyArn); err != nil {
			return err
		}
		if usage != "PermissionsBoundary" {
			err := forEachPage(func(o store.ListOptions) (store.Page[model.PolicyEntity], error) {
				o.PathPrefix = prefix
				return tx.ListEntitiesForPolicy(ctx, c.Account, in.PolicyArn, o)
			}, func(e model.PolicyEntity) {
				all = append(all, entity{e.Kind, e.Name, e.ID})
			})
			if err != nil {
				return err
			}
		}
		if usage == "PermissionsPolicy" {
			return nil
		}
		if err := forEachPage(func(o store.ListOptions) (store.Page[model.User], error) {
			o.PathPrefix = prefix
			return tx.ListUsers(ctx, c.Account, o)
		}, func(u model.User) {
			if u.PermissionsBoundary == in.PolicyArn {
				all = append(all, entity{model.EntityUser, u.UserName, u.UserID})
			}
		}); err != nil {
			return err
		}
		return forEachPage(func(o store.ListOptions) (store.Page[model.Role], error) {
			o.PathPrefix = prefix
			return tx.ListRoles(ctx, c.Account, o)
		}, func(r model.Role) {
			if r.PermissionsBoundary == in.PolicyArn {
				all = append(all, entity{model.EntityRole, r.RoleName, r.RoleID})
			}
		})
	})
	if err != nil {
		return nil, err
	}
	filtered := all[:0]
	for _, e := range all {
		switch e.kind {
		case model.EntityUser:
			if want("User") {
				filtered = append(filtered, e)
			}
		case model.EntityGroup:
			if want("Group") {
				filtered = append(filtered, e)
			}
		case model.EntityRole:
			if want("Role") {
				filtered = append(filtered, e)
			}
		}
	}
	page, truncated, next, err := pageSlice(filtered, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out.IsTruncated, out.Marker = truncated, next
	for _, e := range page {
		switch e.kind {
		case model.EntityUser:
			out.PolicyUsers = append(out.PolicyUsers, PolicyUser{UserName: ptr(e.name), UserId: ptr(e.id)})
		case model.EntityGroup:
			out.PolicyGroups = append(out.PolicyGroups, PolicyGroup{GroupName: ptr(e.name), GroupId: ptr(e.id)})
		case model.EntityRole:
			out.PolicyRoles = append(out.PolicyRoles, PolicyRole{RoleName: ptr(e.name), RoleId: ptr(e.id)})
		}
	}
	return out, nil
}

// forEachPage calls each for every item of a store listing, page by page.
func forEachPage[T any](list func(store.ListOptions) (store.Page[T], error), each func(T)) error {
	o := store.ListOptions{MaxItems: store.MaxMaxItems}
	for {
		p, err := list(o)
		if err != nil {
			return err
		}
		for _, it := range p.Items {
			each(it)
		}
		if !p.IsTruncated {
			return nil
		}
		o.Marker = p.Marker
	}
}
