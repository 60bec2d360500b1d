package awsquery_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsquery"
	"abacus/internal/protocol/shapecheck"
)

// queryServer decodes each request into a fresh input from newIn, records
// it, and answers with respond's output or error, all through awsquery.
type queryServer struct {
	mu    sync.Mutex
	xmlns string
	newIn func(action string) any
	reply func(action string, in any) (any, *apierr.Error)
	got   map[string]any
}

func (s *queryServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, aerr := protocol.ReadBody(r, 0)
	if aerr != nil {
		awsquery.WriteError(w, s.xmlns, "rid", aerr)
		return
	}
	vals, aerr := awsquery.Values(r, body)
	if aerr != nil {
		awsquery.WriteError(w, s.xmlns, "rid", aerr)
		return
	}
	action := vals.Get("Action")
	in := s.newIn(action)
	if aerr := awsquery.Decode(vals, in); aerr != nil {
		awsquery.WriteError(w, s.xmlns, "rid", aerr)
		return
	}
	s.mu.Lock()
	s.got[action] = in
	s.mu.Unlock()
	out, aerr := s.reply(action, in)
	if aerr != nil {
		awsquery.WriteError(w, s.xmlns, "rid-err", aerr)
		return
	}
	if err := awsquery.WriteResponse(w, s.xmlns, action, "rid-ok", out); err != nil {
		panic(err)
	}
}

func sdkConfig(url string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "SECRET", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

type DeleteRoleInput struct {
	RoleName string `aws:",required"`
}

type ListRolesInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

func TestIAMClientRoundTrip(t *testing.T) {
	t.Parallel()
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	lastUsed := time.Date(2024, 2, 3, 4, 5, 6, 789e6, time.UTC)
	qs := &queryServer{
		xmlns: "https://iam.amazonaws.com/doc/2010-05-08/",
		got:   map[string]any{},
		newIn: func(action string) any {
			switch action {
			case "CreateRole":
				return &CreateRoleInput{}
			case "DeleteRole":
				return &DeleteRoleInput{}
			case "ListRoles":
				return &ListRolesInput{}
			}
			return &struct{}{}
		},
		reply: func(action string, in any) (any, *apierr.Error) {
			switch action {
			case "CreateRole":
				cr := in.(*CreateRoleInput)
				return &CreateRoleOutput{Role: Role{
					Path: "/", RoleName: cr.RoleName, RoleId: "AROA1", Arn: "arn:aws:iam::123456789012:role/" + cr.RoleName,
					CreateDate: created, AssumeRolePolicyDocument: cr.AssumeRolePolicyDocument, Description: cr.Description,
					MaxSessionDuration: cr.MaxSessionDuration, Tags: cr.Tags,
					RoleLastUsed: &RoleLastUsed{LastUsedDate: &lastUsed, Region: aws.String("eu-west-1")},
				}}, nil
			case "DeleteRole":
				return nil, apierr.New(404, "NoSuchEntity", "The role with name "+in.(*DeleteRoleInput).RoleName+" cannot be found.")
			case "ListRoles":
				return ListRolesOutput{Roles: []Role{}, IsTruncated: true, Marker: aws.String("next")}, nil
			}
			return nil, awsquery.InvalidAction(action, "2010-05-08")
		},
	}
	srv := httptest.NewServer(qs)
	defer srv.Close()
	client := iam.NewFromConfig(sdkConfig(srv.URL))
	ctx := context.Background()

	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	out, err := client.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String("ml-exec"),
		AssumeRolePolicyDocument: aws.String(doc),
		Description:              aws.String("a & b <c>"),
		MaxSessionDuration:       aws.Int32(7200),
		Tags:                     []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}, {Key: aws.String("empty"), Value: aws.String("")}},
	})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	wantIn := &CreateRoleInput{RoleName: "ml-exec", AssumeRolePolicyDocument: doc, Description: aws.String("a & b <c>"),
		MaxSessionDuration: aws.Int32(7200), Tags: []Tag{{"team", "ml"}, {"empty", ""}}}
	if diff := cmp.Diff(wantIn, qs.got["CreateRole"]); diff != "" {
		t.Errorf("decoded CreateRole input (-want +got):\n%s", diff)
	}
	r := out.Role
	if aws.ToString(r.RoleName) != "ml-exec" || !aws.ToTime(r.CreateDate).Equal(created) || aws.ToInt32(r.MaxSessionDuration) != 7200 ||
		aws.ToString(r.Description) != "a & b <c>" || aws.ToString(r.AssumeRolePolicyDocument) != doc || len(r.Tags) != 2 ||
		aws.ToString(r.Tags[1].Key) != "empty" || r.Tags[1].Value == nil || *r.Tags[1].Value != "" {
		t.Errorf("SDK read Role = %+v", r)
	}
	if r.RoleLastUsed == nil || !aws.ToTime(r.RoleLastUsed.LastUsedDate).Equal(lastUsed) || aws.ToString(r.RoleLastUsed.Region) != "eu-west-1" {
		t.Errorf("SDK read RoleLastUsed = %+v", r.RoleLastUsed)
	}
	if r.PermissionsBoundary != nil {
		t.Errorf("unset PermissionsBoundary read as %+v", r.PermissionsBoundary)
	}

	lr, err := client.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(5), PathPrefix: aws.String("/a/")})
	if err != nil {
		t.Fatalf("ListRoles: %v", err)
	}
	if diff := cmp.Diff(&ListRolesInput{MaxItems: aws.Int32(5), PathPrefix: aws.String("/a/")}, qs.got["ListRoles"]); diff != "" {
		t.Errorf("decoded ListRoles input (-want +got):\n%s", diff)
	}
	if !lr.IsTruncated || aws.ToString(lr.Marker) != "next" || len(lr.Roles) != 0 {
		t.Errorf("SDK read ListRoles = %+v", lr)
	}

	_, err = client.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("nope")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("DeleteRole error = %v, want NoSuchEntityException", err)
	}
	if nse.ErrorMessage() != "The role with name nope cannot be found." || nse.ErrorFault() != smithy.FaultClient {
		t.Errorf("NoSuchEntity = %q fault %v", nse.ErrorMessage(), nse.ErrorFault())
	}
}

type AssumeRoleInput struct {
	RoleArn           string `aws:",required"`
	RoleSessionName   string `aws:",required"`
	DurationSeconds   *int32
	SourceIdentity    *string
	Tags              []Tag
	TransitiveTagKeys []string
	Policy            *string
	PolicyArns        []PolicyDescriptor
}

type Credentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

type AssumedRoleUser struct {
	AssumedRoleId string
	Arn           string
}

type AssumeRoleOutput struct {
	Credentials      *Credentials
	AssumedRoleUser  *AssumedRoleUser
	PackedPolicySize *int32
	SourceIdentity   *string
}

func TestSTSClientRoundTrip(t *testing.T) {
	t.Parallel()
	exp := time.Date(2024, 1, 1, 1, 0, 0, 123e6, time.UTC)
	qs := &queryServer{
		xmlns: "https://sts.amazonaws.com/doc/2011-06-15/",
		got:   map[string]any{},
		newIn: func(string) any { return &AssumeRoleInput{} },
		reply: func(action string, in any) (any, *apierr.Error) {
			ar := in.(*AssumeRoleInput)
			if ar.RoleSessionName == "denied" {
				return nil, apierr.New(403, apierr.CodeAccessDenied, "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:AssumeRole on resource: "+ar.RoleArn)
			}
			return &AssumeRoleOutput{
				Credentials:     &Credentials{AccessKeyId: "ASIA1", SecretAccessKey: "s", SessionToken: "t", Expiration: exp},
				AssumedRoleUser: &AssumedRoleUser{AssumedRoleId: "AROA1:" + ar.RoleSessionName, Arn: "arn:aws:sts::123456789012:assumed-role/r/" + ar.RoleSessionName},
				SourceIdentity:  ar.SourceIdentity,
			}, nil
		},
	}
	srv := httptest.NewServer(qs)
	defer srv.Close()
	client := sts.NewFromConfig(sdkConfig(srv.URL))
	ctx := context.Background()
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), RoleSessionName: aws.String("alice"),
		SourceIdentity: aws.String("alice"), DurationSeconds: aws.Int32(900),
		Tags:              []ststypes.Tag{{Key: aws.String("project"), Value: aws.String("p1")}},
		TransitiveTagKeys: []string{"project"},
		PolicyArns:        []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}},
	})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	wantIn := &AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/r", RoleSessionName: "alice", SourceIdentity: aws.String("alice"),
		DurationSeconds: aws.Int32(900), Tags: []Tag{{"project", "p1"}}, TransitiveTagKeys: []string{"project"},
		PolicyArns: []PolicyDescriptor{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}}
	if diff := cmp.Diff(wantIn, qs.got["AssumeRole"]); diff != "" {
		t.Errorf("decoded AssumeRole input (-want +got):\n%s", diff)
	}
	if !aws.ToTime(out.Credentials.Expiration).Equal(exp) || aws.ToString(out.Credentials.SessionToken) != "t" ||
		aws.ToString(out.SourceIdentity) != "alice" || aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::123456789012:assumed-role/r/alice" {
		t.Errorf("SDK read AssumeRole = %+v %+v", out.Credentials, out.AssumedRoleUser)
	}

	_, err = client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), RoleSessionName: aws.String("denied")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/r" {
		t.Fatalf("AssumeRole error = %v", err)
	}
	var re interface{ ServiceRequestID() string }
	if !errors.As(err, &re) || re.ServiceRequestID() != "rid-err" {
		t.Errorf("request ID not read from the error body: %v", err)
	}
}

// PolicyDescriptor mirrors STS's PolicyDescriptorType, whose member is
// spelled "arn" in the model.
type PolicyDescriptor struct {
	Arn *string `aws:"arn"`
}

// TestShapes checks this file's IAM and STS types against botocore's model.
func TestShapes(t *testing.T) {
	t.Parallel()
	c := shapecheck.New(t)
	c.Check(t, "iam", "CreateRole", &CreateRoleInput{}, &CreateRoleOutput{}, shapecheck.Required())
	c.Check(t, "iam", "ListRoles", &ListRolesInput{}, &ListRolesOutput{})
	c.Check(t, "iam", "DeleteRole", &DeleteRoleInput{}, nil, shapecheck.Required())
	c.Check(t, "sts", "AssumeRole", &AssumeRoleInput{}, &AssumeRoleOutput{}, shapecheck.Required())
}
