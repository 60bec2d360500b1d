package sts_test

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdksts "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsquery"
	"abacus/internal/service/sts"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"

// stsServer serves the registered STS operations over the Query protocol
// for one fixed caller, without authentication or authorization: enough
// to drive the service with the AWS SDK's STS client.
type stsServer struct {
	t      *testing.T
	reg    *op.Registry
	caller *model.Principal
	bodies map[string][]byte
}

func (s *stsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, aerr := protocol.ReadBody(r, 0)
	if aerr != nil {
		awsquery.WriteError(w, xmlns, "rid", aerr)
		return
	}
	vals, aerr := awsquery.Values(r, body)
	if aerr != nil {
		awsquery.WriteError(w, xmlns, "rid", aerr)
		return
	}
	action := vals.Get("Action")
	e, ok := s.reg.Lookup("sts", action)
	if !ok {
		awsquery.WriteError(w, xmlns, "rid", awsquery.InvalidAction(action, vals.Get("Version")))
		return
	}
	in := e.NewInput()
	if aerr := awsquery.Decode(vals, in); aerr != nil {
		awsquery.WriteError(w, xmlns, "rid", aerr)
		return
	}
	c := &op.Call{Account: acct, Region: "us-east-1", Principal: s.caller, Now: t0, Authz: &fakeAuthz{allow: true}, RequestID: "rid"}
	if _, err := e.Authorize(r.Context(), c, in); err != nil {
		awsquery.WriteError(w, xmlns, "rid", apierr.From(err, sts.Mapper))
		return
	}
	out, err := e.Handle(r.Context(), c, in)
	if err != nil {
		ae := apierr.From(err, sts.Mapper)
		s.bodies[action+"Error"] = awsquery.ErrorBody(xmlns, "rid", ae)
		awsquery.WriteError(w, xmlns, "rid", ae)
		return
	}
	b, err := awsquery.Marshal(xmlns, action, "rid", out)
	if err != nil {
		s.t.Error(err)
		return
	}
	s.bodies[action] = b
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write(b)
}

// TestWireWithSDK drives GetCallerIdentity, GetSessionToken and
// AssumeRole with the AWS SDK for Go v2's STS client through the awsquery
// codec: the SDK must decode every member (the secret access key and the
// session token in clear, the expiration as a time) and AWS's errors. The
// response bodies are compared with golden files (-update rewrites them).
func TestWireWithSDK(t *testing.T) {
	fx := newFixture(t)
	reg := &op.Registry{}
	sts.Register(reg, fx.svc)
	srv := &stsServer{t: t, reg: reg, caller: alice, bodies: map[string][]byte{}}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	client := sdksts.New(sdksts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(hs.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAALICEALICEALICE", "secret", ""),
	})
	ctx := context.Background()

	id, err := client.GetCallerIdentity(ctx, &sdksts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := [3]string{aws.ToString(id.UserId), aws.ToString(id.Account), aws.ToString(id.Arn)}; got != [3]string{alice.ID, "123456789012", alice.ARN} {
		t.Errorf("GetCallerIdentity = %v", got)
	}

	gst, err := client.GetSessionToken(ctx, &sdksts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	stored := fx.store.session(aws.ToString(gst.Credentials.AccessKeyId))
	wantCreds := &ststypes.Credentials{AccessKeyId: aws.String(stored.AccessKeyID), SecretAccessKey: aws.String(string(stored.SecretAccessKey)),
		SessionToken: aws.String(string(stored.SessionToken)), Expiration: aws.Time(t0.Add(15 * time.Minute))}
	if diff := cmp.Diff(wantCreds, gst.Credentials, cmp.AllowUnexported(ststypes.Credentials{})); diff != "" {
		t.Errorf("GetSessionToken credentials (-want +got):\n%s", diff)
	}

	ar, err := client.AssumeRole(ctx, &sdksts.AssumeRoleInput{
		RoleArn: aws.String(target.ARN), RoleSessionName: aws.String("wire"), DurationSeconds: aws.Int32(1800),
		SourceIdentity: aws.String("alice"), Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}},
		TransitiveTagKeys: []string{"team"}, ExternalId: aws.String("ext-1"),
		Policy:     aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
		PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	stored = fx.store.session(aws.ToString(ar.Credentials.AccessKeyId))
	if aws.ToString(ar.Credentials.SecretAccessKey) != string(stored.SecretAccessKey) || aws.ToString(ar.Credentials.SessionToken) != string(stored.SessionToken) {
		t.Errorf("AssumeRole credentials do not match the stored session")
	}
	if !ar.Credentials.Expiration.Equal(t0.Add(30*time.Minute)) || aws.ToString(ar.SourceIdentity) != "alice" || ar.PackedPolicySize == nil {
		t.Errorf("AssumeRole = expiration %v, source identity %v, packed %v", ar.Credentials.Expiration, ar.SourceIdentity, ar.PackedPolicySize)
	}
	if got := aws.ToString(ar.AssumedRoleUser.Arn); got != "arn:aws:sts::123456789012:assumed-role/target/wire" {
		t.Errorf("AssumedRoleUser.Arn = %s", got)
	}
	if stored.SourceIdentity != "alice" || len(stored.Tags) != 1 || stored.Policy == "" || len(stored.PolicyARNs) != 1 {
		t.Errorf("stored session = %+v", stored)
	}

	_, err = client.AssumeRole(ctx, &sdksts.AssumeRoleInput{RoleArn: aws.String(target.ARN), RoleSessionName: aws.String("wire"), DurationSeconds: aws.Int32(7201)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" || ae.ErrorMessage() != "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." {
		t.Errorf("AssumeRole beyond the maximum: %v", err)
	}

	// Golden bodies; the credentials are deterministic because the
	// fixture's ID generator is seeded with the test's name.
	for _, name := range []string{"GetCallerIdentity", "GetSessionToken", "AssumeRole", "AssumeRoleError"} {
		golden(t, name, srv.bodies[name])
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".xml")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}
