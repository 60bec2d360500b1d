package compat

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// TestRoleSessionWithSourceIdentity walks the shared-execution-role pattern
// of setup 2: an IAM user assumes one role with a SourceIdentity, the
// session's identity and principal tags are AWS's, policies using
// ${aws:SourceIdentity} see it, and every call the session makes carries it
// in the audit trail.
func TestRoleSessionWithSourceIdentity(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("alice")}))
	must(admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("assume"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"],"Resource":"arn:aws:iam::123456789012:role/studio-exec"}]}`)}))
	key, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	must(key, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"]}]}`
	must(admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("studio-exec"), AssumeRolePolicyDocument: aws.String(trust),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}}}))
	// The role may list only users whose name is its session's source identity.
	must(admin.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("studio-exec"), PolicyName: aws.String("self"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/${aws:SourceIdentity}"}]}`)}))
	must(admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("bob")}))

	aliceSTS := sts.NewFromConfig(s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	out, err := aliceSTS.AssumeRole(c, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/studio-exec"), RoleSessionName: aws.String("SageMaker"),
		SourceIdentity: aws.String("alice"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::123456789012:assumed-role/studio-exec/SageMaker" {
		t.Errorf("assumed role ARN %s", got)
	}
	if aws.ToString(out.SourceIdentity) != "alice" {
		t.Errorf("SourceIdentity %q", aws.ToString(out.SourceIdentity))
	}
	cr := out.Credentials
	sess := s.config(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)
	id, err := sts.NewFromConfig(sess).GetCallerIdentity(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:sts::123456789012:assumed-role/studio-exec/SageMaker" {
		t.Errorf("session identity %s", aws.ToString(id.Arn))
	}
	sessIAM := iam.NewFromConfig(sess)
	if _, err := sessIAM.GetUser(c, &iam.GetUserInput{UserName: aws.String("alice")}); err != nil {
		t.Errorf("the session may read its own source identity's user: %v", err)
	}
	if _, err := sessIAM.GetUser(c, &iam.GetUserInput{UserName: aws.String("bob")}); apiCode(err) != "AccessDenied" {
		t.Errorf("the session may not read bob: %v", err)
	}

	// Every call of the session is audited with its source identity.
	evs, err := cloudtrail.NewFromConfig(s.root()).LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyAccessKeyId, AttributeValue: cr.AccessKeyId}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs.Events) != 3 {
		t.Fatalf("the session made 3 calls; %d events", len(evs.Events))
	}
	for _, e := range evs.Events {
		var ev struct {
			EventName    string `json:"eventName"`
			ErrorCode    string `json:"errorCode"`
			UserIdentity struct {
				Type           string `json:"type"`
				Arn            string `json:"arn"`
				SessionContext struct {
					SourceIdentity string `json:"sourceIdentity"`
					SessionIssuer  struct {
						Arn string `json:"arn"`
					} `json:"sessionIssuer"`
				} `json:"sessionContext"`
			} `json:"userIdentity"`
		}
		if err := json.Unmarshal([]byte(*e.CloudTrailEvent), &ev); err != nil {
			t.Fatal(err)
		}
		u := ev.UserIdentity
		if u.Type != "AssumedRole" || u.SessionContext.SourceIdentity != "alice" ||
			u.SessionContext.SessionIssuer.Arn != "arn:aws:iam::123456789012:role/studio-exec" {
			t.Errorf("%s event identity: %+v", ev.EventName, u)
		}
	}
}

// TestChangesTakeEffectOnTheNextRequest: a group policy change and an
// access key deactivation apply to the very next request.
func TestChangesTakeEffectOnTheNextRequest(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	if _, err := admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateGroup(c, &iam.CreateGroupInput{GroupName: aws.String("ML-Team")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AddUserToGroup(c, &iam.AddUserToGroupInput{GroupName: aws.String("ML-Team"), UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	alice := iam.NewFromConfig(s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	if _, err := alice.ListRoles(c, nil); apiCode(err) != "AccessDenied" {
		t.Fatalf("before the group policy: %v", err)
	}
	if _, err := admin.PutGroupPolicy(c, &iam.PutGroupPolicyInput{GroupName: aws.String("ML-Team"), PolicyName: aws.String("list"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ListRoles(c, nil); err != nil {
		t.Fatalf("after the group policy: %v", err)
	}
	if _, err := admin.RemoveUserFromGroup(c, &iam.RemoveUserFromGroupInput{GroupName: aws.String("ML-Team"), UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ListRoles(c, nil); apiCode(err) != "AccessDenied" {
		t.Fatalf("after leaving the group: %v", err)
	}
	if _, err := admin.UpdateAccessKey(c, &iam.UpdateAccessKeyInput{UserName: aws.String("alice"),
		AccessKeyId: key.AccessKey.AccessKeyId, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ListRoles(c, nil); apiCode(err) != "InvalidClientTokenId" {
		t.Fatalf("with an inactive key: %v", err)
	}
}

// TestTrustPolicyMustAllow: an identity policy that allows sts:AssumeRole
// is not enough when the role's trust policy does not let the caller in
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html).
func TestTrustPolicyMustAllow(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	if _, err := admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("assume-any"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("notebook-exec"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	_, err = sts.NewFromConfig(s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")).AssumeRole(c, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/notebook-exec"), RoleSessionName: aws.String("probe"),
	})
	if apiCode(err) != "AccessDenied" {
		t.Fatalf("AssumeRole of a role whose trust policy names only SageMaker: %v", err)
	}
	// STS's AccessDenied for AssumeRole names no reason, unlike other
	// services' denials (as real responses show, e.g. in
	// github.com/amzn/selling-partner-api-models/issues/1186).
	var ae smithy.APIError
	errors.As(err, &ae)
	want := "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/notebook-exec"
	if ae == nil || ae.ErrorMessage() != want {
		t.Errorf("AssumeRole denial message %v, want %q", err, want)
	}

	// The same text when the identity policy is what is missing.
	if _, err := admin.DeleteUserPolicy(c, &iam.DeleteUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("assume-any")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.UpdateAssumeRolePolicy(c, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("notebook-exec"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = sts.NewFromConfig(s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")).AssumeRole(c, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/notebook-exec"), RoleSessionName: aws.String("probe"),
	})
	ae = nil
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != want {
		t.Errorf("AssumeRole without an identity policy: %v, want AccessDenied %q", err, want)
	}
}
