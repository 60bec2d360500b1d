package iam_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/service/iam"
)

// Tag keys are case-insensitive and an entity has at most 50 tags
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html).
func TestTags(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "u")
	f.createRole(t, "r")
	arn := f.createPolicy(t, "p", allowAll)
	type ops struct {
		tag   func(tags []iam.Tag) error
		untag func(keys []string) error
		list  func(max *int32, marker *string) (*iam.ListUserTagsOutput, error)
	}
	kinds := map[string]ops{
		"user": {
			func(tags []iam.Tag) error {
				_, err := f.svc.TagUser(f.ctx, f.c, &iam.TagUserInput{UserName: "u", Tags: tags})
				return err
			},
			func(keys []string) error {
				_, err := f.svc.UntagUser(f.ctx, f.c, &iam.UntagUserInput{UserName: "u", TagKeys: keys})
				return err
			},
			func(max *int32, marker *string) (*iam.ListUserTagsOutput, error) {
				return f.svc.ListUserTags(f.ctx, f.c, &iam.ListUserTagsInput{UserName: "u", MaxItems: max, Marker: marker})
			},
		},
		"role": {
			func(tags []iam.Tag) error {
				_, err := f.svc.TagRole(f.ctx, f.c, &iam.TagRoleInput{RoleName: "r", Tags: tags})
				return err
			},
			func(keys []string) error {
				_, err := f.svc.UntagRole(f.ctx, f.c, &iam.UntagRoleInput{RoleName: "r", TagKeys: keys})
				return err
			},
			func(max *int32, marker *string) (*iam.ListUserTagsOutput, error) {
				out, err := f.svc.ListRoleTags(f.ctx, f.c, &iam.ListRoleTagsInput{RoleName: "r", MaxItems: max, Marker: marker})
				if err != nil {
					return nil, err
				}
				return &iam.ListUserTagsOutput{Tags: out.Tags, IsTruncated: out.IsTruncated, Marker: out.Marker}, nil
			},
		},
		"policy": {
			func(tags []iam.Tag) error {
				_, err := f.svc.TagPolicy(f.ctx, f.c, &iam.TagPolicyInput{PolicyArn: arn, Tags: tags})
				return err
			},
			func(keys []string) error {
				_, err := f.svc.UntagPolicy(f.ctx, f.c, &iam.UntagPolicyInput{PolicyArn: arn, TagKeys: keys})
				return err
			},
			func(max *int32, marker *string) (*iam.ListUserTagsOutput, error) {
				out, err := f.svc.ListPolicyTags(f.ctx, f.c, &iam.ListPolicyTagsInput{PolicyArn: arn, MaxItems: max, Marker: marker})
				if err != nil {
					return nil, err
				}
				return &iam.ListUserTagsOutput{Tags: out.Tags, IsTruncated: out.IsTruncated, Marker: out.Marker}, nil
			},
		},
	}
	for kind, o := range kinds {
		t.Run(kind, func(t *testing.T) {
			if err := o.tag([]iam.Tag{{Key: "team", Value: "ml"}, {Key: "env", Value: "dev"}}); err != nil {
				t.Fatal(err)
			}
			if err := o.tag([]iam.Tag{{Key: "TEAM", Value: "data"}}); err != nil {
				t.Fatal(err)
			}
			got, err := o.list(nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := []iam.Tag{{Key: "TEAM", Value: "data"}, {Key: "env", Value: "dev"}}
			if diff := cmp.Diff(want, got.Tags); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
			page, err := o.list(i32(1), nil)
			if err != nil || len(page.Tags) != 1 || !page.IsTruncated {
				t.Fatalf("first page = %+v, %v", page, err)
			}
			rest, err := o.list(nil, page.Marker)
			if err != nil || len(rest.Tags) != 1 || rest.IsTruncated {
				t.Errorf("second page = %+v, %v", rest, err)
			}
			if err := o.untag([]string{"team", "absent"}); err != nil {
				t.Fatal(err)
			}
			var many []iam.Tag
			for i := range 50 {
				many = append(many, iam.Tag{Key: fmt.Sprintf("k%02d", i), Value: "v"})
			}
			f.unchanged(t, iam.ErrLimitExceeded, "maximum", func() error { return o.tag(many) })
			f.unchanged(t, iam.ErrValidation, "tags.1.member.key", func() error { return o.tag([]iam.Tag{{Key: "bad*key", Value: "v"}}) })
			got, err = o.list(nil, nil)
			if err != nil || len(got.Tags) != 1 || got.Tags[0].Key != "env" {
				t.Errorf("after untag = %+v, %v", got, err)
			}
		})
	}
}

func TestPermissionsBoundaries(t *testing.T) {
	f := newFixture(t)
	bnd := f.createPolicy(t, "boundary", allowAll)
	out := must[*iam.CreateRoleOutput](t)(f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: trust, PermissionsBoundary: s(bnd)}))
	want := &iam.AttachedPermissionsBoundary{PermissionsBoundaryType: s("PermissionsBoundaryPolicy"), PermissionsBoundaryArn: s(bnd)}
	if diff := cmp.Diff(want, out.Role.PermissionsBoundary); diff != "" {
		t.Errorf("CreateRole boundary (-want +got):\n%s", diff)
	}
	must[*iam.DeleteRolePermissionsBoundaryOutput](t)(f.svc.DeleteRolePermissionsBoundary(f.ctx, f.c, &iam.DeleteRolePermissionsBoundaryInput{RoleName: "r"}))
	if r := must[*iam.GetRoleOutput](t)(f.svc.GetRole(f.ctx, f.c, &iam.GetRoleInput{RoleName: "r"})); r.Role.PermissionsBoundary != nil {
		t.Errorf("boundary still set: %+v", r.Role.PermissionsBoundary)
	}
	must[*iam.PutRolePermissionsBoundaryOutput](t)(f.svc.PutRolePermissionsBoundary(f.ctx, f.c, &iam.PutRolePermissionsBoundaryInput{RoleName: "r", PermissionsBoundary: bnd}))
	if r := must[*iam.GetRoleOutput](t)(f.svc.GetRole(f.ctx, f.c, &iam.GetRoleInput{RoleName: "r"})); r.Role.PermissionsBoundary == nil {
		t.Error("role boundary not set")
	}

	f.createUser(t, "u")
	must[*iam.PutUserPermissionsBoundaryOutput](t)(f.svc.PutUserPermissionsBoundary(f.ctx, f.c, &iam.PutUserPermissionsBoundaryInput{UserName: "u", PermissionsBoundary: bnd}))
	if u := must[*iam.GetUserOutput](t)(f.svc.GetUser(f.ctx, f.c, &iam.GetUserInput{UserName: s("u")})); u.User.PermissionsBoundary == nil || *u.User.PermissionsBoundary.PermissionsBoundaryArn != bnd {
		t.Errorf("user boundary = %+v", u.User.PermissionsBoundary)
	}
	p := must[*iam.GetPolicyOutput](t)(f.svc.GetPolicy(f.ctx, f.c, &iam.GetPolicyInput{PolicyArn: bnd}))
	if *p.Policy.PermissionsBoundaryUsageCount != 2 {
		t.Errorf("PermissionsBoundaryUsageCount = %d, want 2", *p.Policy.PermissionsBoundaryUsageCount)
	}
	f.unchanged(t, iam.ErrNoSuchEntity, "does not exist or is not attachable", func() error {
		_, err := f.svc.PutUserPermissionsBoundary(f.ctx, f.c, &iam.PutUserPermissionsBoundaryInput{UserName: "u", PermissionsBoundary: "arn:aws:iam::123456789012:policy/none"})
		return err
	})
	must[*iam.DeleteUserPermissionsBoundaryOutput](t)(f.svc.DeleteUserPermissionsBoundary(f.ctx, f.c, &iam.DeleteUserPermissionsBoundaryInput{UserName: "u"}))
}
