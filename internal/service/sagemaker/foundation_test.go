package sagemaker_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/sagemaker"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

const (
	acct  = model.AccountID("123456789012")
	delay = 10 * time.Second
	role  = "arn:aws:iam::123456789012:role/nb-exec"
)

var t0 = time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)

type fixture struct {
	svc   *sagemaker.Service
	reg   *op.Registry
	store *sqlite.Store
	roles *fakeRoles
}

// fakeRoles records the Studio sessions asked for and mints fixed
// credentials.
type fakeRoles struct {
	got []sagemaker.RoleSessionRequest
}

func (f *fakeRoles) AssumeRoleAsService(_ context.Context, req sagemaker.RoleSessionRequest) (sagemaker.RoleCredentials, error) {
	f.got = append(f.got, req)
	return sagemaker.RoleCredentials{AccessKeyID: "ASIAFAKE" + strings.Repeat("X", len(f.got)), SecretAccessKey: "s", SessionToken: "t",
		Expiration: t0.Add(req.Duration), AssumedRoleARN: "arn:aws:sts::123456789012:assumed-role/exec/" + req.SessionName}, nil
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{store: st, roles: &fakeRoles{}}
	f.svc = sagemaker.New(sagemaker.Options{Store: st, Delay: delay, Roles: f.roles,
		Rand: rand.NewChaCha8([32]byte{7}), Now: func() time.Time { return t0 }})
	f.reg = &op.Registry{}
	sagemaker.Register(f.reg, f.svc)
	return f
}

var rootPrincipal = &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: string(acct), AccessKeyID: "AKIAROOT"}

// at is a call by the root at t0+d.
func at(d time.Duration) *op.Call {
	return &op.Call{Account: acct, Region: "us-east-1", Now: t0.Add(d), Service: "sagemaker", Principal: rootPrincipal,
		RequestID: "req-" + d.String()}
}

func str(s string) *string { return &s }

func code(err error) string {
	var e *sagemaker.Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return ""
}

func message(err error) string {
	var e *sagemaker.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

func (f *fixture) notebook(t *testing.T, name string, d time.Duration) string {
	t.Helper()
	out, err := f.svc.DescribeNotebookInstance(context.Background(), at(d), &sagemaker.NotebookInstanceNameInput{NotebookInstanceName: name})
	if err != nil {
		return code(err) + ": " + message(err)
	}
	return out.NotebookInstanceStatus
}

// TestNotebookStatusProgression drives the notebook state machine with the
// injected clock: each transitional status lasts exactly the configured
// delay.
func TestNotebookStatusProgression(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	nb := &sagemaker.NotebookInstanceNameInput{NotebookInstanceName: "nb"}
	if _, err := f.svc.CreateNotebookInstance(ctx, at(0), &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "nb", InstanceType: "ml.t3.medium", RoleArn: role}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		at   time.Duration
		do   func(c *op.Call) error
		want string // status at that time, after do
	}{
		{"just created", 0, nil, "Pending"},
		{"a moment before the delay", delay - time.Millisecond, nil, "Pending"},
		{"at the delay", delay, nil, "InService"},
		{"stop", 20 * time.Second, func(c *op.Call) error { _, err := f.svc.StopNotebookInstance(ctx, c, nb); return err }, "Stopping"},
		{"stopped", 30 * time.Second, nil, "Stopped"},
		{"update", 31 * time.Second, func(c *op.Call) error {
			_, err := f.svc.UpdateNotebookInstance(ctx, c, &sagemaker.UpdateNotebookInstanceInput{NotebookInstanceName: "nb", InstanceType: str("ml.m5.xlarge")})
			return err
		}, "Updating"},
		{"updated", 41 * time.Second, nil, "Stopped"},
		{"start", 42 * time.Second, func(c *op.Call) error { _, err := f.svc.StartNotebookInstance(ctx, c, nb); return err }, "Pending"},
		{"started", 52 * time.Second, nil, "InService"},
		{"stop again", 53 * time.Second, func(c *op.Call) error { _, err := f.svc.StopNotebookInstance(ctx, c, nb); return err }, "Stopping"},
		{"delete", 63 * time.Second, func(c *op.Call) error { _, err := f.svc.DeleteNotebookInstance(ctx, c, nb); return err }, "Deleting"},
		{"deleted", 73 * time.Second, nil, "ValidationException: RecordNotFound"},
	}
	for _, s := range steps {
		if s.do != nil {
			if err := s.do(at(s.at)); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		if got := f.notebook(t, "nb", s.at); got != s.want {
			t.Errorf("%s (t0+%s): %s, want %s", s.name, s.at, got, s.want)
		}
	}
	// The name is free again once the deletion has finished.
	if _, err := f.svc.CreateNotebookInstance(ctx, at(80*time.Second), &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "NB", InstanceType: "ml.t3.medium", RoleArn: role}); err != nil {
		t.Errorf("re-create after delete: %v", err)
	}
}

// TestNotebookForbiddenTransitions: AWS's ValidationException texts.
func TestNotebookForbiddenTransitions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	const arn = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/aking-service-mapping"
	if _, err := f.svc.CreateNotebookInstance(ctx, at(0), &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "AKing-Service-Mapping", InstanceType: "ml.t3.medium", RoleArn: role}); err != nil {
		t.Fatal(err)
	}
	nb := &sagemaker.NotebookInstanceNameInput{NotebookInstanceName: "AKing-Service-Mapping"}
	tests := []struct {
		name string
		at   time.Duration
		call func(c *op.Call) error
		want string
	}{
		{"stop while Pending", 0, func(c *op.Call) error { _, err := f.svc.StopNotebookInstance(ctx, c, nb); return err },
			"Status (Pending) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance (" + arn + ")."},
		{"start while InService", delay, func(c *op.Call) error { _, err := f.svc.StartNotebookInstance(ctx, c, nb); return err },
			"Status (InService) not in ([Stopped, Failed]). Unable to transition to (Pending) for Notebook Instance (" + arn + ")."},
		{"delete while InService", delay, func(c *op.Call) error { _, err := f.svc.DeleteNotebookInstance(ctx, c, nb); return err },
			"Status (InService) not in ([Stopped, Failed]). Unable to transition to (Deleting) for Notebook Instance (" + arn + ")."},
		{"update while InService", delay, func(c *op.Call) error {
			_, err := f.svc.UpdateNotebookInstance(ctx, c, &sagemaker.UpdateNotebookInstanceInput{NotebookInstanceName: nb.NotebookInstanceName})
			return err
		}, "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Updating) for Notebook Instance (" + arn + ")."},
	}
	for _, tt := range tests {
		err := tt.call(at(tt.at))
		if code(err) != sagemaker.CodeValidation || message(err) != tt.want {
			t.Errorf("%s: %v\nwant ValidationException %q", tt.name, err, tt.want)
		}
	}
}

// TestAuthorizeChecks: the checks each operation declares, as the Service
// Authorization Reference lists them
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerai.html).
func TestAuthorizeChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.CreateNotebookInstance(ctx, at(0), &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "tagged", InstanceType: "ml.t3.medium", RoleArn: role,
		Tags: []sagemaker.Tag{{Key: "team", Value: "ml"}}}); err != nil {
		t.Fatal(err)
	}
	const nbARN = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/"
	passRole := op.Check{Action: "iam:PassRole", Resource: role, Context: map[string][]string{"iam:PassedToService": {"sagemaker.amazonaws.com"}}}
	tests := []struct {
		op   string
		in   any
		want []op.Check
	}{
		{"CreateNotebookInstance", &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "New-NB", InstanceType: "ml.t3.medium", RoleArn: role,
			SubnetId: str("subnet-1"), SecurityGroupIds: []string{"sg-1", "sg-2"}, KmsKeyId: str("arn:aws:kms:us-east-1:123456789012:key/k"),
			LifecycleConfigName: str("LC"), AcceleratorTypes: []string{"ml.eia2.medium"}, RootAccess: str("Disabled"),
			InstanceMetadataServiceConfiguration: &sagemaker.InstanceMetadataServiceConfiguration{MinimumInstanceMetadataServiceVersion: "2"},
			Tags:                                 []sagemaker.Tag{{Key: "team", Value: "ml"}, {Key: "env", Value: "dev"}}},
			[]op.Check{
				{Action: "sagemaker:CreateNotebookInstance", Resource: nbARN + "new-nb", Context: map[string][]string{
					"sagemaker:InstanceTypes":                         {"ml.t3.medium"},
					"sagemaker:DirectInternetAccess":                  {"Enabled"},
					"sagemaker:RootAccess":                            {"Disabled"},
					"sagemaker:VpcSubnets":                            {"subnet-1"},
					"sagemaker:VpcSecurityGroupIds":                   {"sg-1", "sg-2"},
					"sagemaker:VolumeKmsKeyArn":                       {"arn:aws:kms:us-east-1:123456789012:key/k"},
					"sagemaker:NotebookInstanceLifecycleConfigArns":   {"arn:aws:sagemaker:us-east-1:123456789012:notebook-instance-lifecycle-config/lc"},
					"sagemaker:AcceleratorTypes":                      {"ml.eia2.medium"},
					"sagemaker:MinimumInstanceMetadataServiceVersion": {"2"},
					"aws:RequestTag/team":                             {"ml"},
					"aws:RequestTag/env":                              {"dev"},
					"aws:TagKeys":                                     {"team", "env"},
				}},
				{Action: "sagemaker:AddTags", Resource: nbARN + "new-nb", Context: map[string][]string{
					"sagemaker:TaggingAction": {"CreateNotebookInstance"},
					"aws:RequestTag/team":     {"ml"},
					"aws:RequestTag/env":      {"dev"},
					"aws:TagKeys":             {"team", "env"},
				}},
				passRole,
			}},
		{"DescribeNotebookInstance", &sagemaker.NotebookInstanceNameInput{NotebookInstanceName: "Tagged"}, []op.Check{
			{Action: "sagemaker:DescribeNotebookInstance", Resource: nbARN + "tagged", ResourceTags: map[string]string{"team": "ml"}, TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"DescribeNotebookInstance", &sagemaker.NotebookInstanceNameInput{NotebookInstanceName: "missing"}, []op.Check{
			{Action: "sagemaker:DescribeNotebookInstance", Resource: nbARN + "missing", TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"ListNotebookInstances", &sagemaker.ListNotebookInstancesInput{}, []op.Check{{Action: "sagemaker:ListNotebookInstances", Resource: "*"}}},
		{"UpdateNotebookInstance", &sagemaker.UpdateNotebookInstanceInput{NotebookInstanceName: "tagged", RootAccess: str("Enabled"), RoleArn: str(role)}, []op.Check{
			{Action: "sagemaker:UpdateNotebookInstance", Resource: nbARN + "tagged", Context: map[string][]string{"sagemaker:RootAccess": {"Enabled"}},
				ResourceTags: map[string]string{"team": "ml"}, TagKeyPrefix: "sagemaker:ResourceTag/"},
			passRole}},
		{"AddTags", &sagemaker.AddTagsInput{ResourceArn: nbARN + "tagged", Tags: []sagemaker.Tag{{Key: "owner", Value: "bob"}}}, []op.Check{
			{Action: "sagemaker:AddTags", Resource: nbARN + "tagged", Context: map[string][]string{"aws:RequestTag/owner": {"bob"}, "aws:TagKeys": {"owner"}},
				ResourceTags: map[string]string{"team": "ml"}, TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"DeleteTags", &sagemaker.DeleteTagsInput{ResourceArn: nbARN + "tagged", TagKeys: []string{"team"}}, []op.Check{
			{Action: "sagemaker:DeleteTags", Resource: nbARN + "tagged", Context: map[string][]string{"aws:TagKeys": {"team"}},
				ResourceTags: map[string]string{"team": "ml"}, TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"ListTags", &sagemaker.ListTagsInput{ResourceArn: nbARN + "tagged"}, []op.Check{{Action: "sagemaker:ListTags", Resource: nbARN + "tagged"}}},
		{"CreatePresignedNotebookInstanceUrl", &sagemaker.CreatePresignedNotebookInstanceUrlInput{NotebookInstanceName: "tagged"}, []op.Check{
			{Action: "sagemaker:CreatePresignedNotebookInstanceUrl", Resource: nbARN + "tagged", ResourceTags: map[string]string{"team": "ml"}, TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"CreatePresignedDomainUrl", &sagemaker.CreatePresignedDomainUrlInput{DomainId: "d-abc", UserProfileName: "Alice"}, []op.Check{
			{Action: "sagemaker:CreatePresignedDomainUrl", Resource: "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/Alice", TagKeyPrefix: "sagemaker:ResourceTag/"}}},
		{"CreateUserProfile", &sagemaker.CreateUserProfileInput{DomainId: "d-abc", UserProfileName: "alice",
			UserSettings: map[string]any{"ExecutionRole": role, "SecurityGroups": []any{"sg-9"},
				"JupyterServerAppSettings": map[string]any{"DefaultResourceSpec": map[string]any{"InstanceType": "system"}}}}, []op.Check{
			{Action: "sagemaker:CreateUserProfile", Resource: "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/alice", Context: map[string][]string{
				"sagemaker:InstanceTypes": {"system"}, "sagemaker:VpcSecurityGroupIds": {"sg-9"}}},
			passRole}},
	}
	for _, tt := range tests {
		e, ok := f.reg.Lookup("sagemaker", tt.op)
		if !ok {
			t.Fatalf("%s is not registered", tt.op)
		}
		got, err := e.Authorize(ctx, at(delay), tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.op, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s checks (-want +got):\n%s", tt.op, diff)
		}
	}
}

// TestTagValidation: the aws: prefix is reserved in any case, keys are
// 1-128 characters, at most 50 tags.
func TestTagValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	many := make([]sagemaker.Tag, 51)
	for i := range many {
		many[i] = sagemaker.Tag{Key: "k" + strings.Repeat("x", i), Value: "v"}
	}
	tests := []struct {
		name string
		tags []sagemaker.Tag
		want string
	}{
		{"aws prefix", []sagemaker.Tag{{Key: "aws:owner", Value: "x"}}, sagemaker.CodeValidation},
		{"AWS prefix", []sagemaker.Tag{{Key: "AWS:owner", Value: "x"}}, sagemaker.CodeValidation},
		{"empty key", []sagemaker.Tag{{Key: "", Value: "x"}}, sagemaker.CodeValidation},
		{"long key", []sagemaker.Tag{{Key: strings.Repeat("k", 129), Value: "x"}}, sagemaker.CodeValidation},
		{"51 tags", many, sagemaker.CodeValidation},
		{"duplicate", []sagemaker.Tag{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}, sagemaker.CodeValidation},
		{"sagemaker prefix is allowed", []sagemaker.Tag{{Key: "sagemaker:domain-arn", Value: "x"}}, ""},
		{"ok", []sagemaker.Tag{{Key: "team", Value: ""}}, ""},
	}
	e, _ := f.reg.Lookup("sagemaker", "CreateNotebookInstance")
	for i, tt := range tests {
		in := &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "n" + strings.Repeat("a", i), InstanceType: "ml.t3.medium", RoleArn: role, Tags: tt.tags}
		if _, err := e.Authorize(ctx, at(0), in); code(err) != tt.want {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestMapError: SageMaker errors reach the wire with their code, message
// and HTTP 400.
func TestMapError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want *apierr.Error
		ok   bool
	}{
		{&sagemaker.Error{Code: "ResourceNotFound", Message: "m"}, apierr.New(http.StatusBadRequest, "ResourceNotFound", "m"), true},
		{&sagemaker.Error{Code: "ResourceInUse", Message: "m"}, apierr.New(http.StatusBadRequest, "ResourceInUse", "m"), true},
		{&sagemaker.Error{Code: "ResourceLimitExceeded", Message: "m"}, apierr.New(http.StatusBadRequest, "ResourceLimitExceeded", "m"), true},
		{&sagemaker.Error{Code: "ConflictException", Message: "m"}, apierr.New(http.StatusBadRequest, "ConflictException", "m"), true},
		{store.ErrInvalidToken, apierr.New(http.StatusBadRequest, "ValidationException", "Invalid pagination token."), true},
		{errors.New("other"), nil, false},
	}
	for _, tt := range tests {
		got, ok := sagemaker.MapError(tt.err)
		if ok != tt.ok {
			t.Errorf("%v: ok %v", tt.err, ok)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tt.err, diff)
		}
	}
}
