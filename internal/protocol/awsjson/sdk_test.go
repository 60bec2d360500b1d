package awsjson_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsjson"
	"abacus/internal/protocol/shapecheck"
)

type DescribeSecretInput struct {
	SecretId string `aws:",required"`
}

// jsonServer routes by X-Amz-Target through the generated table, decodes
// with awsjson and answers with reply.
type jsonServer struct {
	mu    sync.Mutex
	got   map[string]any
	reply func(op string, in any) (any, *apierr.Error)
}

func (s *jsonServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	svc, _ := protocol.LookupService("secretsmanager")
	target := r.Header.Get("X-Amz-Target")
	prefix, opName, _ := strings.Cut(target, ".")
	if prefix != svc.TargetPrefix {
		awsjson.WriteError(w, svc.JSONVersion, "rid", awsjson.UnknownOperation(target))
		return
	}
	if _, ok := svc.Operation(opName); !ok {
		awsjson.WriteError(w, svc.JSONVersion, "rid", awsjson.UnknownOperation(target))
		return
	}
	body, aerr := protocol.ReadBody(r, 0)
	if aerr != nil {
		awsjson.WriteError(w, svc.JSONVersion, "rid", aerr)
		return
	}
	var in any
	switch opName {
	case "CreateSecret":
		in = &CreateSecretInput{}
	case "DescribeSecret":
		in = &DescribeSecretInput{}
	default:
		in = &struct{}{}
	}
	if aerr := awsjson.Decode(body, in); aerr != nil {
		awsjson.WriteError(w, svc.JSONVersion, "rid", aerr)
		return
	}
	s.mu.Lock()
	s.got[opName] = in
	s.mu.Unlock()
	out, aerr := s.reply(opName, in)
	if aerr != nil {
		awsjson.WriteError(w, svc.JSONVersion, "rid-err", aerr)
		return
	}
	if err := awsjson.WriteResponse(w, svc.JSONVersion, "rid-ok", out); err != nil {
		panic(err)
	}
}

type CreateSecretOutput struct {
	ARN       *string
	Name      *string
	VersionId *string
}

func TestSecretsManagerClientRoundTrip(t *testing.T) {
	t.Parallel()
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	changed := time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)
	js := &jsonServer{got: map[string]any{}, reply: func(op string, in any) (any, *apierr.Error) {
		switch op {
		case "CreateSecret":
			cs := in.(*CreateSecretInput)
			return &CreateSecretOutput{ARN: ptr("arn:aws:secretsmanager:us-east-1:123456789012:secret:" + cs.Name + "-AbCdEf"), Name: &cs.Name, VersionId: cs.ClientRequestToken}, nil
		case "DescribeSecret":
			id := in.(*DescribeSecretInput).SecretId
			if id == "missing" {
				return nil, apierr.New(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
			}
			return &DescribeSecretOutput{Name: &id, CreatedDate: &created, LastChangedDate: &changed, RotationEnabled: ptr(false),
				Tags: []Tag{{Key: ptr("owner"), Value: ptr("alice")}}, VersionIdsToStages: map[string][]string{"v1": {"AWSCURRENT"}}}, nil
		}
		return nil, awsjson.UnknownOperation(op)
	}}
	srv := httptest.NewServer(js)
	defer srv.Close()
	client := secretsmanager.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "SECRET", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
	ctx := context.Background()

	cs, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String("user-secrets/alice/db"), SecretString: aws.String(`{"password":"p\u00e9"}`),
		ClientRequestToken: aws.String("11111111-2222-3333-4444-555555555555"),
		Tags:               []smtypes.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}},
	})
	if err != nil {
		t.Fatalf("CreateSecret: %v", err)
	}
	wantIn := &CreateSecretInput{Name: "user-secrets/alice/db", SecretString: ptr(`{"password":"p\u00e9"}`),
		ClientRequestToken: ptr("11111111-2222-3333-4444-555555555555"), Tags: []Tag{{Key: ptr("owner"), Value: ptr("alice")}}}
	if diff := cmp.Diff(wantIn, js.got["CreateSecret"]); diff != "" {
		t.Errorf("decoded CreateSecret input (-want +got):\n%s", diff)
	}
	if aws.ToString(cs.VersionId) != "11111111-2222-3333-4444-555555555555" || aws.ToString(cs.Name) != "user-secrets/alice/db" {
		t.Errorf("SDK read CreateSecret = %+v", cs)
	}

	ds, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("s1")})
	if err != nil {
		t.Fatalf("DescribeSecret: %v", err)
	}
	if !aws.ToTime(ds.CreatedDate).Equal(created) || !aws.ToTime(ds.LastChangedDate).Equal(changed) || ds.DeletedDate != nil ||
		ds.RotationEnabled == nil || *ds.RotationEnabled || len(ds.Tags) != 1 || ds.VersionIdsToStages["v1"][0] != "AWSCURRENT" {
		t.Errorf("SDK read DescribeSecret = %+v", ds)
	}

	_, err = client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("missing")})
	var rnf *smtypes.ResourceNotFoundException
	if !errors.As(err, &rnf) || rnf.ErrorMessage() != "Secrets Manager can't find the specified secret." {
		t.Fatalf("DescribeSecret(missing) error = %v, want ResourceNotFoundException with message", err)
	}
	var re interface{ ServiceRequestID() string }
	if !errors.As(err, &re) || re.ServiceRequestID() != "rid-err" {
		t.Errorf("request ID not read from x-amzn-RequestId: %v", err)
	}

	// An error the operation does not model reaches the SDK as a generic API
	// error carrying the code.
	_, err = client.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnknownOperationException" {
		t.Errorf("GetRandomPassword error = %v", err)
	}
}

// TestShapes checks this package's Secrets Manager types against botocore's
// model.
func TestShapes(t *testing.T) {
	t.Parallel()
	c := shapecheck.New(t)
	c.Check(t, "secretsmanager", "CreateSecret", &CreateSecretInput{}, &CreateSecretOutput{}, shapecheck.Required())
	c.Check(t, "secretsmanager", "DescribeSecret", &DescribeSecretInput{}, &DescribeSecretOutput{}, shapecheck.Required())
}
