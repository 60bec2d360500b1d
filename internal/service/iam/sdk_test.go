package iam_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"abacus/internal/apierr"
	"abacus/internal/op"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsquery"
	"abacus/internal/service/iam"
)

const xmlns = "https://iam.amazonaws.com/doc/2010-05-08/"

// queryHandler serves the registered IAM operations over the Query
// protocol, the way the server does minus authentication and audit: it
// checks that Authorize succeeds, then runs Handle.
func queryHandler(t *testing.T, r *op.Registry, c *op.Call) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		fail := func(err error) { awsquery.WriteError(w, xmlns, "req-1", apierr.From(err, iam.MapError)) }
		body, aerr := protocol.ReadBody(req, 0)
		if aerr != nil {
			fail(aerr)
			return
		}
		vals, aerr := awsquery.Values(req, body)
		if aerr != nil {
			fail(aerr)
			return
		}
		action := vals.Get("Action")
		e, ok := r.Lookup("iam", action)
		if !ok {
			fail(awsquery.InvalidAction(action, vals.Get("Version")))
			return
		}
		in := e.NewInput()
		if aerr := awsquery.Decode(vals, in); aerr != nil {
			fail(aerr)
			return
		}
		if _, err := e.Authorize(req.Context(), c, in); err != nil {
			t.Errorf("%s: Authorize: %v", action, err)
		}
		out, err := e.Handle(req.Context(), c, in)
		if err != nil {
			fail(err)
			return
		}
		if err := awsquery.WriteResponse(w, xmlns, action, "req-1", out); err != nil {
			t.Errorf("%s: encode: %v", action, err)
		}
	})
}

func sdkClient(t *testing.T) (*sdk.Client, *fixture) {
	r, f := registry(t)
	srv := httptest.NewServer(queryHandler(t, r, f.c))
	t.Cleanup(srv.Close)
	return sdk.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "SECRET", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}), f
}

// TestSDK drives the service with the AWS SDK for Go v2 through the calls
// Terraform's AWS provider makes for IAM users, groups, memberships, inline
// policies, roles and access keys, and checks the fields it reads.
func TestSDK(t *testing.T) {
	cl, _ := sdkClient(t)
	ctx := context.Background()
	ok := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	cu, err := cl.CreateUser(ctx, &sdk.CreateUserInput{UserName: aws.String("alice"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ml")}}})
	if err != nil {
		t.Fatal(err)
	}
	gu, err := cl.GetUser(ctx, &sdk.GetUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(gu.User.Arn) != "arn:aws:iam::123456789012:user/alice" || aws.ToString(gu.User.UserId) != aws.ToString(cu.User.UserId) ||
		len(gu.User.Tags) != 1 || aws.ToString(gu.User.Tags[0].Value) != "ml" || !gu.User.CreateDate.Equal(t0) {
		t.Errorf("GetUser = %+v", gu.User)
	}

	ok(cl.CreateGroup(ctx, &sdk.CreateGroupInput{GroupName: aws.String("ML-Team")}))
	ok(cl.AddUserToGroup(ctx, &sdk.AddUserToGroupInput{GroupName: aws.String("ML-Team"), UserName: aws.String("alice")}))
	gg, err := cl.GetGroup(ctx, &sdk.GetGroupInput{GroupName: aws.String("ML-Team")})
	if err != nil || len(gg.Users) != 1 || aws.ToString(gg.Users[0].UserName) != "alice" {
		t.Fatalf("GetGroup = %+v, %v", gg, err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:CreateNotebookInstance","sagemaker:DescribeNotebookInstance"],"Resource":"*"}]}`
	ok(cl.PutGroupPolicy(ctx, &sdk.PutGroupPolicyInput{GroupName: aws.String("ML-Team"), PolicyName: aws.String("SageMaker-Policy"), PolicyDocument: aws.String(doc)}))
	gp, err := cl.GetGroupPolicy(ctx, &sdk.GetGroupPolicyInput{GroupName: aws.String("ML-Team"), PolicyName: aws.String("SageMaker-Policy")})
	if err != nil {
		t.Fatal(err)
	}
	// Terraform URL-decodes the document with url.QueryUnescape.
	if dec, err := url.QueryUnescape(aws.ToString(gp.PolicyDocument)); err != nil || dec != doc {
		t.Errorf("GetGroupPolicy document decodes to %q, %v", dec, err)
	}
	lg, err := cl.ListGroupsForUser(ctx, &sdk.ListGroupsForUserInput{UserName: aws.String("alice")})
	if err != nil || len(lg.Groups) != 1 {
		t.Fatalf("ListGroupsForUser = %+v, %v", lg, err)
	}

	cr, err := cl.CreateRole(ctx, &sdk.CreateRoleInput{RoleName: aws.String("exec"), AssumeRolePolicyDocument: aws.String(trust), Description: aws.String("d")})
	if err != nil {
		t.Fatal(err)
	}
	gr, err := cl.GetRole(ctx, &sdk.GetRoleInput{RoleName: aws.String("exec")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(gr.Role.RoleId) != aws.ToString(cr.Role.RoleId) || aws.ToInt32(gr.Role.MaxSessionDuration) != 3600 || aws.ToString(gr.Role.Description) != "d" {
		t.Errorf("GetRole = %+v", gr.Role)
	}
	if dec, _ := url.QueryUnescape(aws.ToString(gr.Role.AssumeRolePolicyDocument)); dec != trust {
		t.Errorf("trust policy decodes to %q", dec)
	}
	ok(cl.PutRolePolicy(ctx, &sdk.PutRolePolicyInput{RoleName: aws.String("exec"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(doc)}))
	lrp, err := cl.ListRolePolicies(ctx, &sdk.ListRolePoliciesInput{RoleName: aws.String("exec")})
	if err != nil || len(lrp.PolicyNames) != 1 || lrp.IsTruncated {
		t.Fatalf("ListRolePolicies = %+v, %v", lrp, err)
	}
	lap, err := cl.ListAttachedRolePolicies(ctx, &sdk.ListAttachedRolePoliciesInput{RoleName: aws.String("exec")})
	if err != nil || len(lap.AttachedPolicies) != 0 {
		t.Fatalf("ListAttachedRolePolicies = %+v, %v", lap, err)
	}
	lip, err := cl.ListInstanceProfilesForRole(ctx, &sdk.ListInstanceProfilesForRoleInput{RoleName: aws.String("exec")})
	if err != nil || len(lip.InstanceProfiles) != 0 {
		t.Fatalf("ListInstanceProfilesForRole = %+v, %v", lip, err)
	}

	ck, err := cl.CreateAccessKey(ctx, &sdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil || len(aws.ToString(ck.AccessKey.SecretAccessKey)) != 40 || aws.ToString(ck.AccessKey.SecretAccessKey) == "REDACTED" || ck.AccessKey.Status != types.StatusTypeActive {
		t.Fatalf("CreateAccessKey = %+v, %v", ck, err)
	}
	lk, err := cl.ListAccessKeys(ctx, &sdk.ListAccessKeysInput{UserName: aws.String("alice")})
	if err != nil || len(lk.AccessKeyMetadata) != 1 || aws.ToString(lk.AccessKeyMetadata[0].AccessKeyId) != aws.ToString(ck.AccessKey.AccessKeyId) {
		t.Fatalf("ListAccessKeys = %+v, %v", lk, err)
	}

	sim, err := cl.SimulatePrincipalPolicy(ctx, &sdk.SimulatePrincipalPolicyInput{
		PolicySourceArn: gu.User.Arn, ActionNames: []string{"sagemaker:CreateNotebookInstance", "sagemaker:DeleteNotebookInstance"},
	})
	if err != nil || len(sim.EvaluationResults) != 2 || sim.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed ||
		sim.EvaluationResults[1].EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Fatalf("SimulatePrincipalPolicy = %+v, %v", sim, err)
	}
	det, err := cl.GetAccountAuthorizationDetails(ctx, &sdk.GetAccountAuthorizationDetailsInput{})
	if err != nil || len(det.UserDetailList) != 1 || len(det.GroupDetailList) != 1 || len(det.RoleDetailList) != 1 ||
		len(det.UserDetailList[0].GroupList) != 1 || len(det.GroupDetailList[0].GroupPolicyList) != 1 {
		t.Fatalf("GetAccountAuthorizationDetails = %+v, %v", det, err)
	}

	// Destroy in Terraform's order.
	ok(cl.DeleteAccessKey(ctx, &sdk.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: ck.AccessKey.AccessKeyId}))
	ok(cl.DeleteRolePolicy(ctx, &sdk.DeleteRolePolicyInput{RoleName: aws.String("exec"), PolicyName: aws.String("inline")}))
	ok(cl.DeleteRole(ctx, &sdk.DeleteRoleInput{RoleName: aws.String("exec")}))
	ok(cl.DeleteGroupPolicy(ctx, &sdk.DeleteGroupPolicyInput{GroupName: aws.String("ML-Team"), PolicyName: aws.String("SageMaker-Policy")}))
	ok(cl.RemoveUserFromGroup(ctx, &sdk.RemoveUserFromGroupInput{GroupName: aws.String("ML-Team"), UserName: aws.String("alice")}))
	ok(cl.DeleteGroup(ctx, &sdk.DeleteGroupInput{GroupName: aws.String("ML-Team")}))
	ok(cl.DeleteUser(ctx, &sdk.DeleteUserInput{UserName: aws.String("alice")}))
}

// TestSDKErrors checks that the SDK sees IAM's modeled errors with AWS's
// messages.
func TestSDKErrors(t *testing.T) {
	cl, f := sdkClient(t)
	ctx := context.Background()
	f.createUser(t, "alice")
	f.createGroup(t, "g")
	if _, err := f.svc.AddUserToGroup(f.ctx, f.c, &iam.AddUserToGroupInput{GroupName: "g", UserName: "alice"}); err != nil {
		t.Fatal(err)
	}
	var noSuch *types.NoSuchEntityException
	_, err := cl.GetUser(ctx, &sdk.GetUserInput{UserName: aws.String("nobody")})
	if !errors.As(err, &noSuch) || aws.ToString(noSuch.Message) != "The user with name nobody cannot be found." {
		t.Errorf("GetUser(nobody) = %v", err)
	}
	var exists *types.EntityAlreadyExistsException
	if _, err := cl.CreateUser(ctx, &sdk.CreateUserInput{UserName: aws.String("ALICE")}); !errors.As(err, &exists) {
		t.Errorf("CreateUser(ALICE) = %v", err)
	}
	var conflict *types.DeleteConflictException
	if _, err := cl.DeleteGroup(ctx, &sdk.DeleteGroupInput{GroupName: aws.String("g")}); !errors.As(err, &conflict) {
		t.Errorf("DeleteGroup(g) = %v", err)
	}
	var malformed *types.MalformedPolicyDocumentException
	if _, err := cl.PutUserPolicy(ctx, &sdk.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p"), PolicyDocument: aws.String("{")}); !errors.As(err, &malformed) {
		t.Errorf("PutUserPolicy({) = %v", err)
	}
	var limit *types.LimitExceededException
	for range 2 {
		if _, err := cl.CreateAccessKey(ctx, &sdk.CreateAccessKeyInput{UserName: aws.String("alice")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cl.CreateAccessKey(ctx, &sdk.CreateAccessKeyInput{UserName: aws.String("alice")}); !errors.As(err, &limit) {
		t.Errorf("third CreateAccessKey = %v", err)
	}
	var api smithy.APIError
	if _, err := cl.CreateUser(ctx, &sdk.CreateUserInput{UserName: aws.String("a b")}); !errors.As(err, &api) || api.ErrorCode() != "ValidationError" {
		t.Errorf("CreateUser(a b) = %v", err)
	}
}

// TestSDKPaginators pages ListUsers and ListPolicyVersions with the SDK's
// paginators.
func TestSDKPaginators(t *testing.T) {
	cl, f := sdkClient(t)
	ctx := context.Background()
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		f.createUser(t, n)
	}
	var names []string
	p := sdk.NewListUsersPaginator(cl, &sdk.ListUsersInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Users {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if len(names) != 5 || names[0] != "a" || names[4] != "e" {
		t.Errorf("paged users = %v", names)
	}
	arn := f.createPolicy(t, "p", allowAll)
	for range 3 {
		if _, err := cl.CreatePolicyVersion(ctx, &sdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(allowAll)}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	vp := sdk.NewListPolicyVersionsPaginator(cl, &sdk.ListPolicyVersionsInput{PolicyArn: aws.String(arn), MaxItems: aws.Int32(3)})
	for vp.HasMorePages() {
		page, err := vp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Versions)
	}
	if n != 4 {
		t.Errorf("paged %d versions, want 4", n)
	}
}
