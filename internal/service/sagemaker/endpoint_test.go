package sagemaker_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/sagemaker"
)

func modelInput(name string) *sagemaker.CreateModelInput {
	return &sagemaker.CreateModelInput{ModelName: name, ExecutionRoleArn: sp(jobsRole),
		PrimaryContainer: &sagemaker.ContainerDefinition{Image: sp("123.dkr.ecr.us-east-1.amazonaws.com/xgb:1"), ModelDataUrl: sp("s3://b/model.tar.gz")}}
}

func configInput(name, model string) *sagemaker.CreateEndpointConfigInput {
	return &sagemaker.CreateEndpointConfigInput{EndpointConfigName: name, ProductionVariants: []sagemaker.ProductionVariant{
		{VariantName: "v1", ModelName: sp(model), InitialInstanceCount: i32(1), InstanceType: sp("ml.m5.large")}}}
}

// TestEndpointLifecycle: model -> endpoint config -> endpoint Creating ->
// InService -> Updating (on a new config) -> InService -> Deleting -> gone,
// with AWS's not-found and already-exists texts.
func TestEndpointLifecycle(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	m := f.must(t, "CreateModel", call(0), modelInput("My-Model")).(*sagemaker.CreateModelOutput)
	if m.ModelArn != "arn:aws:sagemaker:us-east-1:123456789012:model/my-model" {
		t.Errorf("model ARN %s", m.ModelArn)
	}
	f.must(t, "CreateEndpointConfig", call(0), configInput("cfg-1", "My-Model"))
	f.must(t, "CreateEndpointConfig", call(0), configInput("cfg-2", "my-model"))
	f.must(t, "CreateEndpoint", call(time.Second), &sagemaker.CreateEndpointInput{EndpointName: "Ep", EndpointConfigName: "cfg-1"})
	status := func(d time.Duration) *sagemaker.DescribeEndpointOutput {
		return f.must(t, "DescribeEndpoint", call(d), &sagemaker.EndpointNameInput{EndpointName: "ep"}).(*sagemaker.DescribeEndpointOutput)
	}
	if d := status(2 * time.Second); d.EndpointStatus != "Creating" || *d.EndpointConfigName != "cfg-1" {
		t.Errorf("new endpoint: %s %s", d.EndpointStatus, *d.EndpointConfigName)
	}
	d := status(11 * time.Second)
	if d.EndpointStatus != "InService" || len(d.ProductionVariants) != 1 || *d.ProductionVariants[0].DeployedImages[0].SpecifiedImage != "123.dkr.ecr.us-east-1.amazonaws.com/xgb:1" {
		t.Errorf("in service: %+v", d)
	}
	f.must(t, "UpdateEndpoint", call(12*time.Second), &sagemaker.UpdateEndpointInput{EndpointName: "ep", EndpointConfigName: "cfg-2"})
	if _, _, err := f.do(t, "UpdateEndpoint", call(13*time.Second), &sagemaker.UpdateEndpointInput{EndpointName: "ep", EndpointConfigName: "cfg-1"}); codeOf(err) != sagemaker.CodeValidation ||
		err.(*sagemaker.Error).Message != `Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep".` {
		t.Errorf("update while Updating: %v", err)
	}
	if d := status(13 * time.Second); d.EndpointStatus != "Updating" || *d.EndpointConfigName != "cfg-1" {
		t.Errorf("updating: %s %s", d.EndpointStatus, *d.EndpointConfigName)
	}
	if d := status(23 * time.Second); d.EndpointStatus != "InService" || *d.EndpointConfigName != "cfg-2" {
		t.Errorf("updated: %s %s", d.EndpointStatus, *d.EndpointConfigName)
	}
	// Deleting the configuration and the model leaves the endpoint running.
	f.must(t, "DeleteEndpointConfig", call(24*time.Second), &sagemaker.EndpointConfigNameInput{EndpointConfigName: "cfg-2"})
	f.must(t, "DeleteModel", call(24*time.Second), &sagemaker.ModelNameInput{ModelName: "my-model"})
	if d := status(25 * time.Second); d.EndpointStatus != "InService" {
		t.Errorf("after deleting its config: %s", d.EndpointStatus)
	}
	l := f.must(t, "ListEndpoints", call(25*time.Second), &sagemaker.ListEndpointsInput{StatusEquals: sp("InService")}).(*sagemaker.ListEndpointsOutput)
	if len(l.Endpoints) != 1 || l.Endpoints[0].EndpointName != "Ep" {
		t.Errorf("list: %+v", l.Endpoints)
	}
	f.must(t, "DeleteEndpoint", call(26*time.Second), &sagemaker.EndpointNameInput{EndpointName: "ep"})
	if d := status(27 * time.Second); d.EndpointStatus != "Deleting" {
		t.Errorf("deleting: %s", d.EndpointStatus)
	}
	tests := []struct {
		name, op string
		in       any
		msg      string
	}{
		{"deleted endpoint", "DescribeEndpoint", &sagemaker.EndpointNameInput{EndpointName: "ep"},
			`Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep".`},
		{"deleted config", "DescribeEndpointConfig", &sagemaker.EndpointConfigNameInput{EndpointConfigName: "cfg-2"},
			`Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/cfg-2".`},
		{"deleted model", "DescribeModel", &sagemaker.ModelNameInput{ModelName: "my-model"},
			`Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/my-model".`},
		{"config of a deleted model", "CreateEndpointConfig", configInput("cfg-3", "my-model"),
			`Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/my-model".`},
		{"endpoint on a missing config", "CreateEndpoint", &sagemaker.CreateEndpointInput{EndpointName: "ep2", EndpointConfigName: "cfg-2"},
			`Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/cfg-2".`},
		{"config without variants", "CreateEndpointConfig", &sagemaker.CreateEndpointConfigInput{EndpointConfigName: "empty"}, ""},
		{"model without containers", "CreateModel", &sagemaker.CreateModelInput{ModelName: "m2"}, ""},
	}
	for _, tt := range tests {
		_, _, err := f.do(t, tt.op, call(40*time.Second), tt.in)
		if codeOf(err) != sagemaker.CodeValidation || (tt.msg != "" && err.(*sagemaker.Error).Message != tt.msg) {
			t.Errorf("%s: %v, want ValidationException %q", tt.name, err, tt.msg)
		}
	}
	f.must(t, "CreateModel", call(41*time.Second), modelInput("my-model"))
	if _, _, err := f.do(t, "CreateModel", call(41*time.Second), modelInput("MY-MODEL")); codeOf(err) != sagemaker.CodeValidation ||
		err.(*sagemaker.Error).Message != `Cannot create already existing model "arn:aws:sagemaker:us-east-1:123456789012:model/my-model".` {
		t.Errorf("duplicate model: %v", err)
	}
	if _, _, err := f.do(t, "CreateEndpointConfig", call(41*time.Second), configInput("CFG-1", "my-model")); codeOf(err) != sagemaker.CodeValidation ||
		err.(*sagemaker.Error).Message != `Cannot create already existing endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/cfg-1".` {
		t.Errorf("duplicate config: %v", err)
	}
}

// TestEndpointChecks: CreateEndpoint and UpdateEndpoint authorize both the
// endpoint and the endpoint configuration, each with its own tags, as the
// Service Authorization Reference requires
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html);
// CreateEndpointConfig and CreateModel carry their condition keys and
// iam:PassRole.
func TestEndpointChecks(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	f.must(t, "CreateModel", call(0), modelInput("m"))
	cfg := configInput("cfg", "m")
	cfg.Tags = []sagemaker.Tag{{Key: "owner", Value: "alice"}}
	f.must(t, "CreateEndpointConfig", call(0), cfg)
	ep := "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep"
	cfgARN := "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/cfg"
	ownerTags := map[string]string{"owner": "alice"}
	tagKeys := map[string][]string{"aws:RequestTag/owner": {"bob"}, "aws:TagKeys": {"owner"}}
	serverless := &sagemaker.CreateEndpointConfigInput{EndpointConfigName: "sl", KmsKeyId: sp("arn:aws:kms:us-east-1:123456789012:key/k"),
		ExecutionRoleArn: sp(jobsRole), ProductionVariants: []sagemaker.ProductionVariant{
			{VariantName: "a", ModelName: sp("m"), ServerlessConfig: &sagemaker.ProductionVariantServerlessConfig{MemorySizeInMB: 2048, MaxConcurrency: 5}},
			{VariantName: "b", ModelName: sp("m"), InstanceType: sp("ml.g5.xlarge"), AcceleratorType: sp("ml.eia2.medium")}}}
	slARN := "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/sl"
	vpcModel := modelInput("vm")
	vpcModel.VpcConfig = &sagemaker.VpcConfig{Subnets: []string{"subnet-a", "subnet-b"}, SecurityGroupIds: []string{"sg-a"}}
	vmARN := "arn:aws:sagemaker:us-east-1:123456789012:model/vm"
	passRole := op.Check{Action: "iam:PassRole", Resource: jobsRole, Context: map[string][]string{"iam:PassedToService": {"sagemaker.amazonaws.com"}}}
	tests := []struct {
		name string
		op   string
		in   any
		want []op.Check
	}{
		{"CreateEndpoint", "CreateEndpoint", &sagemaker.CreateEndpointInput{EndpointName: "ep", EndpointConfigName: "cfg", Tags: []sagemaker.Tag{{Key: "owner", Value: "bob"}}}, []op.Check{
			{Action: "sagemaker:CreateEndpoint", Resource: ep, Context: tagKeys},
			{Action: "sagemaker:AddTags", Resource: ep, Context: map[string][]string{"sagemaker:TaggingAction": {"CreateEndpoint"}, "aws:RequestTag/owner": {"bob"}, "aws:TagKeys": {"owner"}}},
			{Action: "sagemaker:CreateEndpoint", Resource: cfgARN, Context: tagKeys, ResourceTags: ownerTags, TagKeyPrefix: "sagemaker:ResourceTag/"},
		}},
		{"UpdateEndpoint", "UpdateEndpoint", &sagemaker.UpdateEndpointInput{EndpointName: "ep", EndpointConfigName: "cfg"}, []op.Check{
			{Action: "sagemaker:UpdateEndpoint", Resource: ep, TagKeyPrefix: "sagemaker:ResourceTag/"},
			{Action: "sagemaker:UpdateEndpoint", Resource: cfgARN, ResourceTags: ownerTags, TagKeyPrefix: "sagemaker:ResourceTag/"},
		}},
		{"DescribeEndpointConfig", "DescribeEndpointConfig", &sagemaker.EndpointConfigNameInput{EndpointConfigName: "CFG"}, []op.Check{
			{Action: "sagemaker:DescribeEndpointConfig", Resource: cfgARN, ResourceTags: ownerTags, TagKeyPrefix: "sagemaker:ResourceTag/"},
		}},
		{"CreateEndpointConfig", "CreateEndpointConfig", serverless, []op.Check{
			{Action: "sagemaker:CreateEndpointConfig", Resource: slARN, Context: map[string][]string{
				"sagemaker:NetworkIsolation":         {"false"},
				"sagemaker:InstanceTypes":            {"ml.g5.xlarge"},
				"sagemaker:AcceleratorTypes":         {"ml.eia2.medium"},
				"sagemaker:ModelArn":                 {"arn:aws:sagemaker:us-east-1:123456789012:model/m"},
				"sagemaker:ServerlessMaxConcurrency": {"5"},
				"sagemaker:ServerlessMemorySize":     {"2048"},
				"sagemaker:VolumeKmsKeyArn":          {"arn:aws:kms:us-east-1:123456789012:key/k"},
				"sagemaker:VolumeKmsKey":             {"arn:aws:kms:us-east-1:123456789012:key/k"},
			}},
			passRole,
		}},
		{"CreateModel", "CreateModel", vpcModel, []op.Check{
			{Action: "sagemaker:CreateModel", Resource: vmARN, Context: map[string][]string{
				"sagemaker:NetworkIsolation":    {"false"},
				"sagemaker:VpcSubnets":          {"subnet-a", "subnet-b"},
				"sagemaker:VpcSecurityGroupIds": {"sg-a"},
			}},
			passRole,
		}},
		{"ListModels", "ListModels", &sagemaker.ListModelsInput{}, []op.Check{{Action: "sagemaker:ListModels", Resource: "*"}}},
	}
	for _, tt := range tests {
		e, _ := f.reg.Lookup("sagemaker", tt.op)
		got, err := e.Authorize(f.ctx, call(time.Second), tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s checks (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestListModelsAndConfigs: models and configurations list newest first by
// default.
func TestListModelsAndConfigs(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	for i, n := range []string{"m1", "m2", "m3"} {
		f.must(t, "CreateModel", call(time.Duration(i)*time.Second), modelInput(n))
		f.must(t, "CreateEndpointConfig", call(time.Duration(i)*time.Second), configInput("c-"+n, n))
	}
	ms := f.must(t, "ListModels", call(5*time.Second), &sagemaker.ListModelsInput{}).(*sagemaker.ListModelsOutput)
	var got []string
	for _, m := range ms.Models {
		got = append(got, m.ModelName)
	}
	if diff := cmp.Diff([]string{"m3", "m2", "m1"}, got); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	cs := f.must(t, "ListEndpointConfigs", call(5*time.Second), &sagemaker.ListEndpointConfigsInput{SortBy: sp("Name"), SortOrder: sp("Ascending"), MaxResults: i32(2)}).(*sagemaker.ListEndpointConfigsOutput)
	if len(cs.EndpointConfigs) != 2 || cs.EndpointConfigs[0].EndpointConfigName != "c-m1" || cs.NextToken == nil {
		t.Errorf("configs: %+v", cs)
	}
}

// studioCall is a call by alice's Studio session at t0+d: the shared role's
// session carrying the Studio context keys.
func studioCall(d time.Duration) *op.Call {
	c := call(d)
	c.Principal = &model.Principal{Type: model.PrincipalAssumedRole, AccountID: jobsAcct, Temporary: true,
		ARN: "arn:aws:sts::123456789012:assumed-role/exec/SageMaker", ID: "AROAEXAMPLE:SageMaker",
		Session: &model.RoleSession{RoleName: "exec", RoleARN: jobsRole, Name: "SageMaker", SourceIdentity: "alice",
			ContextKeys: map[string][]string{"sagemaker:DomainId": {"d-abc123"}, "sagemaker:UserProfileName": {"alice"}}}}
	return c
}

// TestStudioTagsOnCreate: every resource a Studio session creates carries
// the automatic sagemaker:domain-arn and sagemaker:user-profile-arn tags,
// and its tag-on-create check (sagemaker:AddTags with
// sagemaker:TaggingAction) names them in aws:TagKeys, as on AWS
// (https://docs.aws.amazon.com/sagemaker/latest/dg/domain-multiple.html).
func TestStudioTagsOnCreate(t *testing.T) {
	t.Parallel()
	f := newJobsFixture(t)
	const (
		domainARN  = "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc123"
		profileARN = "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc123/alice"
	)
	tests := []struct {
		op, arn string
		in      any
	}{
		{"CreateTrainingJob", "arn:aws:sagemaker:us-east-1:123456789012:training-job/tj", trainingInput("tj")},
		{"CreateProcessingJob", "arn:aws:sagemaker:us-east-1:123456789012:processing-job/pj", processingInput("pj")},
		{"CreateModel", "arn:aws:sagemaker:us-east-1:123456789012:model/m", modelInput("m")},
		{"CreateEndpointConfig", "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/c", configInput("c", "m")},
		{"CreateEndpoint", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e", &sagemaker.CreateEndpointInput{EndpointName: "e", EndpointConfigName: "c"}},
	}
	for _, tt := range tests {
		_, checks, err := f.do(t, tt.op, studioCall(0), tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.op, err)
		}
		var addTags *op.Check
		for i := range checks {
			if checks[i].Action == "sagemaker:AddTags" {
				addTags = &checks[i]
			}
		}
		wantKeys := []string{"sagemaker:domain-arn", "sagemaker:user-profile-arn"}
		if addTags == nil || addTags.Resource != tt.arn || !cmp.Equal(addTags.Context["aws:TagKeys"], wantKeys) ||
			!cmp.Equal(addTags.Context["sagemaker:TaggingAction"], []string{tt.op}) {
			t.Errorf("%s: tag-on-create check %+v", tt.op, addTags)
		}
		tags, err := f.jobs.ListTags(f.ctx, call(time.Second), &sagemaker.ListTagsInput{ResourceArn: tt.arn})
		if err != nil {
			t.Fatalf("%s: ListTags: %v", tt.op, err)
		}
		want := []sagemaker.Tag{{Key: "sagemaker:domain-arn", Value: domainARN}, {Key: "sagemaker:user-profile-arn", Value: profileARN}}
		if diff := cmp.Diff(want, tags.Tags); diff != "" {
			t.Errorf("%s: tags (-want +got):\n%s", tt.op, diff)
		}
	}
	// A root caller's resources get none.
	f.must(t, "CreateModel", call(0), modelInput("plain"))
	tags, err := f.jobs.ListTags(f.ctx, call(time.Second), &sagemaker.ListTagsInput{ResourceArn: "arn:aws:sagemaker:us-east-1:123456789012:model/plain"})
	if err != nil || len(tags.Tags) != 0 {
		t.Errorf("root's model: %+v %v", tags, err)
	}
}
