package iam_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/service/iam"
)

// Managed policies per user, group and role: 10 each by default
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
func TestAttachQuotas(t *testing.T) {
	tests := []struct {
		kind   string
		create func(t *testing.T, f *fixture)
		attach func(f *fixture, arn string) error
		quota  string
	}{
		{"user", func(t *testing.T, f *fixture) { f.createUser(t, "e") }, func(f *fixture, arn string) error {
			_, err := f.svc.AttachUserPolicy(f.ctx, f.c, &iam.AttachUserPolicyInput{UserName: "e", PolicyArn: arn})
			return err
		}, "Cannot exceed quota for PoliciesPerUser: 10"},
		{"group", func(t *testing.T, f *fixture) { f.createGroup(t, "e") }, func(f *fixture, arn string) error {
			_, err := f.svc.AttachGroupPolicy(f.ctx, f.c, &iam.AttachGroupPolicyInput{GroupName: "e", PolicyArn: arn})
			return err
		}, "Cannot exceed quota for PoliciesPerGroup: 10"},
		{"role", func(t *testing.T, f *fixture) { f.createRole(t, "e") }, func(f *fixture, arn string) error {
			_, err := f.svc.AttachRolePolicy(f.ctx, f.c, &iam.AttachRolePolicyInput{RoleName: "e", PolicyArn: arn})
			return err
		}, "Cannot exceed quota for PoliciesPerRole: 10"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			tt.create(t, f)
			var arns []string
			for i := range 11 {
				arns = append(arns, f.createPolicy(t, fmt.Sprintf("p%02d", i), allowAll))
			}
			for _, arn := range arns[:10] {
				if err := tt.attach(f, arn); err != nil {
					t.Fatal(err)
				}
			}
			if err := tt.attach(f, arns[0]); err != nil { // attaching again is not an error
				t.Fatal(err)
			}
			f.unchanged(t, iam.ErrLimitExceeded, tt.quota, func() error { return tt.attach(f, arns[10]) })
			f.unchanged(t, iam.ErrNoSuchEntity, "Policy arn:aws:iam::123456789012:policy/none does not exist or is not attachable.", func() error {
				return tt.attach(f, "arn:aws:iam::123456789012:policy/none")
			})
		})
	}
}

func TestAttachDetachList(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "alice")
	f.createGroup(t, "ML-Team")
	f.createRole(t, "exec")
	arn := f.createPolicy(t, "SageMaker-Policy", allowAll)
	other := f.createPolicy(t, "Other", allowAll)
	must[*iam.AttachUserPolicyOutput](t)(f.svc.AttachUserPolicy(f.ctx, f.c, &iam.AttachUserPolicyInput{UserName: "alice", PolicyArn: arn}))
	must[*iam.AttachGroupPolicyOutput](t)(f.svc.AttachGroupPolicy(f.ctx, f.c, &iam.AttachGroupPolicyInput{GroupName: "ML-Team", PolicyArn: arn}))
	must[*iam.AttachRolePolicyOutput](t)(f.svc.AttachRolePolicy(f.ctx, f.c, &iam.AttachRolePolicyInput{RoleName: "exec", PolicyArn: arn}))
	must[*iam.PutUserPermissionsBoundaryOutput](t)(f.svc.PutUserPermissionsBoundary(f.ctx, f.c, &iam.PutUserPermissionsBoundaryInput{UserName: "alice", PermissionsBoundary: other}))

	want := []iam.AttachedPolicy{{PolicyName: s("SageMaker-Policy"), PolicyArn: s(arn)}}
	lu := must[*iam.ListAttachedUserPoliciesOutput](t)(f.svc.ListAttachedUserPolicies(f.ctx, f.c, &iam.ListAttachedUserPoliciesInput{UserName: "alice"}))
	lg := must[*iam.ListAttachedGroupPoliciesOutput](t)(f.svc.ListAttachedGroupPolicies(f.ctx, f.c, &iam.ListAttachedGroupPoliciesInput{GroupName: "ML-Team"}))
	lr := must[*iam.ListAttachedRolePoliciesOutput](t)(f.svc.ListAttachedRolePolicies(f.ctx, f.c, &iam.ListAttachedRolePoliciesInput{RoleName: "exec"}))
	for i, got := range [][]iam.AttachedPolicy{lu.AttachedPolicies, lg.AttachedPolicies, lr.AttachedPolicies} {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("list %d (-want +got):\n%s", i, diff)
		}
	}

	ents := must[*iam.ListEntitiesForPolicyOutput](t)(f.svc.ListEntitiesForPolicy(f.ctx, f.c, &iam.ListEntitiesForPolicyInput{PolicyArn: arn}))
	if len(ents.PolicyUsers) != 1 || len(ents.PolicyGroups) != 1 || len(ents.PolicyRoles) != 1 || *ents.PolicyUsers[0].UserName != "alice" {
		t.Errorf("ListEntitiesForPolicy = %+v", ents)
	}
	roles := must[*iam.ListEntitiesForPolicyOutput](t)(f.svc.ListEntitiesForPolicy(f.ctx, f.c, &iam.ListEntitiesForPolicyInput{PolicyArn: arn, EntityFilter: s("Role")}))
	if len(roles.PolicyUsers) != 0 || len(roles.PolicyGroups) != 0 || len(roles.PolicyRoles) != 1 {
		t.Errorf("ListEntitiesForPolicy(Role) = %+v", roles)
	}
	bnd := must[*iam.ListEntitiesForPolicyOutput](t)(f.svc.ListEntitiesForPolicy(f.ctx, f.c, &iam.ListEntitiesForPolicyInput{PolicyArn: other, PolicyUsageFilter: s("PermissionsBoundary")}))
	if len(bnd.PolicyUsers) != 1 || *bnd.PolicyUsers[0].UserName != "alice" {
		t.Errorf("ListEntitiesForPolicy(boundary) = %+v", bnd)
	}
	p := must[*iam.GetPolicyOutput](t)(f.svc.GetPolicy(f.ctx, f.c, &iam.GetPolicyInput{PolicyArn: arn}))
	if *p.Policy.AttachmentCount != 3 {
		t.Errorf("AttachmentCount = %d, want 3", *p.Policy.AttachmentCount)
	}
	// A policy still attached, or used as a boundary, cannot be deleted.
	for _, a := range []string{arn, other} {
		f.unchanged(t, iam.ErrDeleteConflict, "Cannot delete a policy attached to entities.", func() error {
			_, err := f.svc.DeletePolicy(f.ctx, f.c, &iam.DeletePolicyInput{PolicyArn: a})
			return err
		})
	}
	must[*iam.DetachUserPolicyOutput](t)(f.svc.DetachUserPolicy(f.ctx, f.c, &iam.DetachUserPolicyInput{UserName: "alice", PolicyArn: arn}))
	f.unchanged(t, iam.ErrNoSuchEntity, "Policy "+arn+" was not found.", func() error {
		_, err := f.svc.DetachUserPolicy(f.ctx, f.c, &iam.DetachUserPolicyInput{UserName: "alice", PolicyArn: arn})
		return err
	})
	must[*iam.DetachGroupPolicyOutput](t)(f.svc.DetachGroupPolicy(f.ctx, f.c, &iam.DetachGroupPolicyInput{GroupName: "ML-Team", PolicyArn: arn}))
	must[*iam.DetachRolePolicyOutput](t)(f.svc.DetachRolePolicy(f.ctx, f.c, &iam.DetachRolePolicyInput{RoleName: "exec", PolicyArn: arn}))
	must[*iam.DeletePolicyOutput](t)(f.svc.DeletePolicy(f.ctx, f.c, &iam.DeletePolicyInput{PolicyArn: arn}))
}

// Inline policies are limited in aggregate per entity: user 2,048, group
// 5,120, role 10,240 characters, white space not counted
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
func TestInlinePolicies(t *testing.T) {
	tests := []struct {
		kind   string
		quota  int
		create func(t *testing.T, f *fixture)
		put    func(f *fixture, name, doc string) error
		get    func(f *fixture, name string) (string, error)
		list   func(f *fixture) ([]string, error)
		del    func(f *fixture, name string) error
		noun   string
	}{
		{"user", 2048, func(t *testing.T, f *fixture) { f.createUser(t, "e") },
			func(f *fixture, name, doc string) error {
				_, err := f.svc.PutUserPolicy(f.ctx, f.c, &iam.PutUserPolicyInput{UserName: "e", PolicyName: name, PolicyDocument: doc})
				return err
			},
			func(f *fixture, name string) (string, error) {
				out, err := f.svc.GetUserPolicy(f.ctx, f.c, &iam.GetUserPolicyInput{UserName: "e", PolicyName: name})
				if err != nil {
					return "", err
				}
				return out.PolicyDocument, nil
			},
			func(f *fixture) ([]string, error) {
				out, err := f.svc.ListUserPolicies(f.ctx, f.c, &iam.ListUserPoliciesInput{UserName: "e"})
				if err != nil {
					return nil, err
				}
				return out.PolicyNames, nil
			},
			func(f *fixture, name string) error {
				_, err := f.svc.DeleteUserPolicy(f.ctx, f.c, &iam.DeleteUserPolicyInput{UserName: "e", PolicyName: name})
				return err
			}, "user"},
		{"group", 5120, func(t *testing.T, f *fixture) { f.createGroup(t, "e") },
			func(f *fixture, name, doc string) error {
				_, err := f.svc.PutGroupPolicy(f.ctx, f.c, &iam.PutGroupPolicyInput{GroupName: "e", PolicyName: name, PolicyDocument: doc})
				return err
			},
			func(f *fixture, name string) (string, error) {
				out, err := f.svc.GetGroupPolicy(f.ctx, f.c, &iam.GetGroupPolicyInput{GroupName: "e", PolicyName: name})
				if err != nil {
					return "", err
				}
				return out.PolicyDocument, nil
			},
			func(f *fixture) ([]string, error) {
				out, err := f.svc.ListGroupPolicies(f.ctx, f.c, &iam.ListGroupPoliciesInput{GroupName: "e"})
				if err != nil {
					return nil, err
				}
				return out.PolicyNames, nil
			},
			func(f *fixture, name string) error {
				_, err := f.svc.DeleteGroupPolicy(f.ctx, f.c, &iam.DeleteGroupPolicyInput{GroupName: "e", PolicyName: name})
				return err
			}, "group"},
		{"role", 10240, func(t *testing.T, f *fixture) { f.createRole(t, "e") },
			func(f *fixture, name, doc string) error {
				_, err := f.svc.PutRolePolicy(f.ctx, f.c, &iam.PutRolePolicyInput{RoleName: "e", PolicyName: name, PolicyDocument: doc})
				return err
			},
			func(f *fixture, name string) (string, error) {
				out, err := f.svc.GetRolePolicy(f.ctx, f.c, &iam.GetRolePolicyInput{RoleName: "e", PolicyName: name})
				if err != nil {
					return "", err
				}
				return out.PolicyDocument, nil
			},
			func(f *fixture) ([]string, error) {
				out, err := f.svc.ListRolePolicies(f.ctx, f.c, &iam.ListRolePoliciesInput{RoleName: "e"})
				if err != nil {
					return nil, err
				}
				return out.PolicyNames, nil
			},
			func(f *fixture, name string) error {
				_, err := f.svc.DeleteRolePolicy(f.ctx, f.c, &iam.DeleteRolePolicyInput{RoleName: "e", PolicyName: name})
				return err
			}, "role"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			tt.create(t, f)
			spaced := "{\n \"Version\": \"2012-10-17\",\n \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::a b/*\"}\n}"
			if err := tt.put(f, "first", spaced); err != nil {
				t.Fatal(err)
			}
			doc, err := tt.get(f, "FIRST")
			if err != nil {
				t.Fatal(err)
			}
			// URL-encoded as IAM returns it; a space is %20, so the
			// encoding survives both url.QueryUnescape and url.PathUnescape.
			if strings.Contains(doc, "+") || strings.Contains(doc, " ") || !strings.Contains(doc, "%20") {
				t.Errorf("document not encoded as IAM does: %s", doc)
			}
			// Fill the quota exactly: first + second == quota.
			firstSize := len(strings.Join(strings.Fields(spaced), "")) // no white space in string values besides "a b"
			firstSize++                                                // the space inside "a b" counts
			if err := tt.put(f, "second", docWithSize(tt.quota-firstSize)); err != nil {
				t.Fatalf("put up to the quota: %v", err)
			}
			f.unchanged(t, iam.ErrLimitExceeded, fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s e", tt.quota, tt.noun), func() error {
				return tt.put(f, "third", allowAll)
			})
			// Replacing a policy counts only its new size.
			if err := tt.put(f, "second", docWithSize(tt.quota-firstSize)); err != nil {
				t.Fatalf("replace: %v", err)
			}
			names, err := tt.list(f)
			if err != nil || strings.Join(names, ",") != "first,second" {
				t.Errorf("list = %v, %v", names, err)
			}
			f.unchanged(t, iam.ErrNoSuchEntity, fmt.Sprintf("The %s policy with name nope cannot be found.", tt.noun), func() error {
				_, err := tt.get(f, "nope")
				return err
			})
			f.unchanged(t, iam.ErrMalformedPolicyDocument, "", func() error { return tt.put(f, "bad", `{"Statement":[]}`) })
			if err := tt.del(f, "first"); err != nil {
				t.Fatal(err)
			}
			f.unchanged(t, iam.ErrNoSuchEntity, "cannot be found", func() error { return tt.del(f, "first") })
		})
	}
}
