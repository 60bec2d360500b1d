package iam_test

import (
	"net/url"
	"strings"
	"testing"

	"abacus/internal/service/iam"
)

func docWithSize(n int) string {
	// {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::X"}]}
	head := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`
	tail := `"}]}`
	return head + strings.Repeat("b", n-len(head)-len(tail)) + tail
}

func TestManagedPolicyVersions(t *testing.T) {
	f := newFixture(t)
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sagemaker:*\", \"Resource\": \"*\"}]\n}"
	out := must[*iam.CreatePolicyOutput](t)(f.svc.CreatePolicy(f.ctx, f.c, &iam.CreatePolicyInput{
		PolicyName: "SageMaker-Policy", PolicyDocument: doc, Path: s("/ml/"), Description: s("d"), Tags: []iam.Tag{{Key: "k", Value: "v"}},
	}))
	arn := *out.Policy.Arn
	if arn != "arn:aws:iam::123456789012:policy/ml/SageMaker-Policy" || *out.Policy.DefaultVersionId != "v1" || !*out.Policy.IsAttachable || *out.Policy.AttachmentCount != 0 {
		t.Errorf("CreatePolicy = %+v", out.Policy)
	}
	gv := must[*iam.GetPolicyVersionOutput](t)(f.svc.GetPolicyVersion(f.ctx, f.c, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: "v1"}))
	if dec, _ := url.QueryUnescape(*gv.PolicyVersion.Document); dec != doc || !*gv.PolicyVersion.IsDefaultVersion {
		t.Errorf("GetPolicyVersion = %q (default %v)", dec, *gv.PolicyVersion.IsDefaultVersion)
	}
	for i := 2; i <= 5; i++ {
		pv := must[*iam.CreatePolicyVersionOutput](t)(f.svc.CreatePolicyVersion(f.ctx, f.c, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: allowAll, SetAsDefault: b(i == 3)}))
		if want := "v" + string(rune('0'+i)); *pv.PolicyVersion.VersionId != want {
			t.Errorf("version %d id = %s", i, *pv.PolicyVersion.VersionId)
		}
	}
	// At most five versions (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html).
	f.unchanged(t, iam.ErrLimitExceeded, "A managed policy can have up to 5 versions.", func() error {
		_, err := f.svc.CreatePolicyVersion(f.ctx, f.c, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: allowAll})
		return err
	})
	f.unchanged(t, iam.ErrDeleteConflict, "Cannot delete the default version of a policy.", func() error {
		_, err := f.svc.DeletePolicyVersion(f.ctx, f.c, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: "v3"})
		return err
	})
	f.unchanged(t, iam.ErrNoSuchEntity, "version v9", func() error {
		_, err := f.svc.SetDefaultPolicyVersion(f.ctx, f.c, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: "v9"})
		return err
	})
	f.unchanged(t, iam.ErrDeleteConflict, "must delete the policy's versions", func() error {
		_, err := f.svc.DeletePolicy(f.ctx, f.c, &iam.DeletePolicyInput{PolicyArn: arn})
		return err
	})
	must[*iam.SetDefaultPolicyVersionOutput](t)(f.svc.SetDefaultPolicyVersion(f.ctx, f.c, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: "v5"}))
	lv := must[*iam.ListPolicyVersionsOutput](t)(f.svc.ListPolicyVersions(f.ctx, f.c, &iam.ListPolicyVersionsInput{PolicyArn: arn, MaxItems: i32(3)}))
	if len(lv.Versions) != 3 || !lv.IsTruncated || lv.Versions[0].Document != nil {
		t.Fatalf("ListPolicyVersions page 1 = %+v", lv)
	}
	lv2 := must[*iam.ListPolicyVersionsOutput](t)(f.svc.ListPolicyVersions(f.ctx, f.c, &iam.ListPolicyVersionsInput{PolicyArn: arn, Marker: lv.Marker}))
	if len(lv2.Versions) != 2 || lv2.IsTruncated {
		t.Errorf("ListPolicyVersions page 2 = %+v", lv2)
	}
	defaults := 0
	for _, v := range append(lv.Versions, lv2.Versions...) {
		if *v.IsDefaultVersion {
			defaults++
			if *v.VersionId != "v5" {
				t.Errorf("default is %s, want v5", *v.VersionId)
			}
		}
	}
	if defaults != 1 {
		t.Errorf("%d default versions", defaults)
	}
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		must[*iam.DeletePolicyVersionOutput](t)(f.svc.DeletePolicyVersion(f.ctx, f.c, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: v}))
	}
	gp := must[*iam.GetPolicyOutput](t)(f.svc.GetPolicy(f.ctx, f.c, &iam.GetPolicyInput{PolicyArn: arn}))
	if *gp.Policy.DefaultVersionId != "v5" || len(gp.Policy.Tags) != 1 || *gp.Policy.Description != "d" {
		t.Errorf("GetPolicy = %+v", gp.Policy)
	}
	must[*iam.DeletePolicyOutput](t)(f.svc.DeletePolicy(f.ctx, f.c, &iam.DeletePolicyInput{PolicyArn: arn}))
	_, err := f.svc.GetPolicy(f.ctx, f.c, &iam.GetPolicyInput{PolicyArn: arn})
	wantErr(t, err, iam.ErrNoSuchEntity, "Policy "+arn+" was not found.")
}

func TestManagedPolicyErrors(t *testing.T) {
	f := newFixture(t)
	arn := f.createPolicy(t, "p", allowAll)
	tests := []struct {
		name string
		call func() error
		kind error
		msg  string
	}{
		{"duplicate", func() error {
			_, err := f.svc.CreatePolicy(f.ctx, f.c, &iam.CreatePolicyInput{PolicyName: "P", PolicyDocument: allowAll})
			return err
		}, iam.ErrEntityAlreadyExists, "A policy called P already exists. Duplicate names are not allowed."},
		{"not JSON", func() error {
			_, err := f.svc.CreatePolicy(f.ctx, f.c, &iam.CreatePolicyInput{PolicyName: "x", PolicyDocument: `{"Version":`})
			return err
		}, iam.ErrMalformedPolicyDocument, "Syntax errors in policy."},
		{"bad effect", func() error {
			_, err := f.svc.CreatePolicy(f.ctx, f.c, &iam.CreatePolicyInput{PolicyName: "x", PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`})
			return err
		}, iam.ErrMalformedPolicyDocument, "Effect"},
		{"principal in identity policy", func() error {
			_, err := f.svc.CreatePolicy(f.ctx, f.c, &iam.CreatePolicyInput{PolicyName: "x", PolicyDocument: trust})
			return err
		}, iam.ErrMalformedPolicyDocument, ""},
		// Managed policies hold at most 6,144 characters, white space not
		// counted (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
		{"size", func() error {
			_, err := f.svc.CreatePolicy(f.ctx, f.c, &iam.CreatePolicyInput{PolicyName: "x", PolicyDocument: docWithSize(6145)})
			return err
		}, iam.ErrLimitExceeded, "Cannot exceed quota for PolicySize: 6144"},
		{"version size", func() error {
			_, err := f.svc.CreatePolicyVersion(f.ctx, f.c, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: docWithSize(6145)})
			return err
		}, iam.ErrLimitExceeded, "Cannot exceed quota for PolicySize: 6144"},
		{"bad path", func() error {
			_, err := f.svc.CreatePolicy(f.ctx, f.c, &iam.CreatePolicyInput{PolicyName: "x", PolicyDocument: allowAll, Path: s("/a b/")})
			return err
		}, iam.ErrValidation, "at 'path'"},
		{"missing policy version", func() error {
			_, err := f.svc.CreatePolicyVersion(f.ctx, f.c, &iam.CreatePolicyVersionInput{PolicyArn: "arn:aws:iam::123456789012:policy/none", PolicyDocument: allowAll})
			return err
		}, iam.ErrNoSuchEntity, "Policy arn:aws:iam::123456789012:policy/none was not found."},
		{"bad version id", func() error {
			_, err := f.svc.GetPolicyVersion(f.ctx, f.c, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: "1"})
			return err
		}, iam.ErrValidation, "at 'versionId'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.unchanged(t, tt.kind, tt.msg, tt.call)
		})
	}
	// White space does not count against the quota.
	spaced := strings.Replace(docWithSize(6144), `,"Action"`, strings.Repeat(" ", 500)+`,"Action"`, 1)
	must[*iam.CreatePolicyOutput](t)(f.svc.CreatePolicy(f.ctx, f.c, &iam.CreatePolicyInput{PolicyName: "spaced", PolicyDocument: spaced}))
}

func TestManagedPolicySeedAndAttach(t *testing.T) {
	if raceEnabled {
		t.Skip("seeding every AWS managed policy takes minutes under -race; the run without -race covers this test")
	}
	f := newFixture(t)
	if err := f.svc.SeedManagedPolicies(f.ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SeedManagedPolicies(f.ctx); err != nil { // idempotent
		t.Fatal(err)
	}
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	gp := must[*iam.GetPolicyOutput](t)(f.svc.GetPolicy(f.ctx, f.c, &iam.GetPolicyInput{PolicyArn: admin}))
	if *gp.Policy.PolicyName != "AdministratorAccess" || *gp.Policy.Path != "/" {
		t.Errorf("GetPolicy(AdministratorAccess) = %+v", gp.Policy)
	}
	f.createGroup(t, "admins")
	must[*iam.AttachGroupPolicyOutput](t)(f.svc.AttachGroupPolicy(f.ctx, f.c, &iam.AttachGroupPolicyInput{GroupName: "admins", PolicyArn: admin}))
	gp = must[*iam.GetPolicyOutput](t)(f.svc.GetPolicy(f.ctx, f.c, &iam.GetPolicyInput{PolicyArn: admin}))
	if *gp.Policy.AttachmentCount != 1 {
		t.Errorf("AttachmentCount = %d", *gp.Policy.AttachmentCount)
	}
	aws := must[*iam.ListPoliciesOutput](t)(f.svc.ListPolicies(f.ctx, f.c, &iam.ListPoliciesInput{Scope: s("AWS"), OnlyAttached: b(true)}))
	if len(aws.Policies) != 1 || *aws.Policies[0].Arn != admin {
		t.Errorf("ListPolicies(AWS, attached) = %+v", aws.Policies)
	}
	page := must[*iam.ListPoliciesOutput](t)(f.svc.ListPolicies(f.ctx, f.c, &iam.ListPoliciesInput{Scope: s("AWS")}))
	if len(page.Policies) != 100 || !page.IsTruncated {
		t.Errorf("ListPolicies(AWS) returned %d, truncated %v", len(page.Policies), page.IsTruncated)
	}
	// The group's AWS managed policy takes part in simulations.
	sim := must[*iam.SimulatePolicyResponse](t)(f.svc.SimulatePrincipalPolicy(f.ctx, f.c, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: "arn:aws:iam::123456789012:group/admins", ActionNames: []string{"s3:GetObject"},
	}))
	if r := sim.EvaluationResults[0]; r.EvalDecision != "allowed" || *r.MatchedStatements[0].SourcePolicyType != "aws-managed" || *r.MatchedStatements[0].SourcePolicyId != "AdministratorAccess" {
		t.Errorf("simulate admins = %+v", r)
	}
	// Service-linked role policies are not attachable.
	slr := "arn:aws:iam::aws:policy/aws-service-role/AmazonSageMakerNotebooksServiceRolePolicy"
	if p := must[*iam.GetPolicyOutput](t)(f.svc.GetPolicy(f.ctx, f.c, &iam.GetPolicyInput{PolicyArn: slr})); *p.Policy.IsAttachable {
		t.Errorf("%s IsAttachable", slr)
	}
	f.unchanged(t, iam.ErrPolicyNotAttachable, "Cannot attach a Service Role Policy to a Customer Role.", func() error {
		_, err := f.svc.AttachGroupPolicy(f.ctx, f.c, &iam.AttachGroupPolicyInput{GroupName: "admins", PolicyArn: slr})
		return err
	})
	f.unchanged(t, iam.ErrUnmodifiableEntity, "AWS managed", func() error {
		_, err := f.svc.CreatePolicyVersion(f.ctx, f.c, &iam.CreatePolicyVersionInput{PolicyArn: admin, PolicyDocument: allowAll})
		return err
	})
	f.unchanged(t, iam.ErrUnmodifiableEntity, "AWS managed", func() error {
		_, err := f.svc.DeletePolicy(f.ctx, f.c, &iam.DeletePolicyInput{PolicyArn: admin})
		return err
	})
}
