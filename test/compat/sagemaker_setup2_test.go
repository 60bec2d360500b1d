package compat

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
)

// sm2OwnProfile is the value the automatic sagemaker:user-profile-arn tag
// of a resource created by the calling Studio user has (SCENARIOS.md,
// setup 2).
const sm2OwnProfile = `"arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"`

// sm2Policy is setup 2's policy on the one execution role every Studio
// user shares. AllowUserTrainingJobs is the seed's statement; the others
// extend it to models and endpoints, confine CreateTrainingJob to the
// user's own /fsx/users/<self> directory through
// sagemaker:FileSystemDirectoryPath and ${aws:SourceIdentity}, allow tags
// only where SageMaker applies them on create (sagemaker:TaggingAction is
// present only then), and deny any other change to the ownership tags:
// the tag-tampering defence
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// for ForAnyValue on aws:TagKeys).
const sm2Policy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"AllowUserTrainingJobs","Effect":"Allow",
  "Action":["sagemaker:DescribeTrainingJob","sagemaker:UpdateTrainingJob","sagemaker:StopTrainingJob"],
  "Resource":"arn:aws:sagemaker:*:*:training-job/*",
  "Condition":{"StringLike":{"sagemaker:ResourceTag/sagemaker:user-profile-arn":` + sm2OwnProfile + `}}},
 {"Sid":"AllowUserModelsAndEndpoints","Effect":"Allow",
  "Action":["sagemaker:DescribeModel","sagemaker:DescribeEndpointConfig","sagemaker:DescribeEndpoint","sagemaker:UpdateEndpoint","sagemaker:DeleteEndpoint"],
  "Resource":["arn:aws:sagemaker:*:*:model/*","arn:aws:sagemaker:*:*:endpoint-config/*","arn:aws:sagemaker:*:*:endpoint/*"],
  "Condition":{"StringLike":{"sagemaker:ResourceTag/sagemaker:user-profile-arn":` + sm2OwnProfile + `}}},
 {"Sid":"TrainOnlyOnOwnDirectory","Effect":"Allow","Action":"sagemaker:CreateTrainingJob","Resource":"*",
  "Condition":{"StringLike":{"sagemaker:FileSystemDirectoryPath":["/fsx/users/${aws:SourceIdentity}","/fsx/users/${aws:SourceIdentity}/*"]}}},
 {"Sid":"CreateModelsAndEndpoints","Effect":"Allow","Action":["sagemaker:CreateModel","sagemaker:CreateEndpointConfig","sagemaker:CreateEndpoint"],
  "Resource":["arn:aws:sagemaker:*:*:model/*","arn:aws:sagemaker:*:*:endpoint-config/*","arn:aws:sagemaker:*:*:endpoint/*"]},
 {"Sid":"DeployOnlyOwnEndpointConfigs","Effect":"Deny","Action":["sagemaker:CreateEndpoint","sagemaker:UpdateEndpoint"],
  "Resource":"arn:aws:sagemaker:*:*:endpoint-config/*",
  "Condition":{"StringNotLike":{"sagemaker:ResourceTag/sagemaker:user-profile-arn":` + sm2OwnProfile + `}}},
 {"Sid":"TagOnCreate","Effect":"Allow","Action":"sagemaker:AddTags","Resource":"*","Condition":{"Null":{"sagemaker:TaggingAction":"false"}}},
 {"Sid":"TagOwnResources","Effect":"Allow","Action":["sagemaker:AddTags","sagemaker:DeleteTags"],"Resource":"*",
  "Condition":{"StringLike":{"sagemaker:ResourceTag/sagemaker:user-profile-arn":` + sm2OwnProfile + `}}},
 {"Sid":"DenyTagTampering","Effect":"Deny","Action":["sagemaker:AddTags","sagemaker:DeleteTags"],"Resource":"*",
  "Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["sagemaker:user-profile-arn","sagemaker:domain-arn"]},"Null":{"sagemaker:TaggingAction":"true"}}},
 {"Sid":"Lists","Effect":"Allow","Action":["sagemaker:ListTrainingJobs","sagemaker:ListModels","sagemaker:ListEndpoints","sagemaker:ListTags"],"Resource":"*"},
 {"Sid":"PassTheExecutionRole","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/studio-exec",
  "Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}]}`

// sm2StudioConfig returns an SDK configuration with the Studio session of
// a user profile, from `abacus studio credentials` (CreatePresignedDomainUrl
// signed with the root's keys, then the landing page's credentials).
func sm2StudioConfig(t testing.TB, s *server, domainID, profile string) aws.Config {
	t.Helper()
	cmd := exec.Command(binary, "studio", "credentials", "--domain-id", domainID, "--user-profile", profile)
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+s.Endpoint, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID="+rootKeyID, "AWS_SECRET_ACCESS_KEY="+rootSecret, "AWS_SESSION_TOKEN=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("studio credentials for %s: %v: %s", profile, err, stderr.String())
	}
	var cp struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatalf("credential_process output %s: %v", b, err)
	}
	return s.config(cp.AccessKeyId, cp.SecretAccessKey, cp.SessionToken)
}

// sm2Training is a training job reading from one directory of the shared
// FSx for Lustre file system fsID per entry of dirs.
func sm2Training(fsID, name string, dirs ...string) *sagemaker.CreateTrainingJobInput {
	in := &sagemaker.CreateTrainingJobInput{
		TrainingJobName:        aws.String(name),
		RoleArn:                aws.String("arn:aws:iam::123456789012:role/studio-exec"),
		AlgorithmSpecification: &smtypes.AlgorithmSpecification{TrainingImage: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1"), TrainingInputMode: smtypes.TrainingInputModeFile},
		OutputDataConfig:       &smtypes.OutputDataConfig{S3OutputPath: aws.String("s3://ml-bucket/out/")},
		ResourceConfig:         &smtypes.ResourceConfig{InstanceType: smtypes.TrainingInstanceTypeMlM5Large, InstanceCount: aws.Int32(1), VolumeSizeInGB: aws.Int32(10)},
		StoppingCondition:      &smtypes.StoppingCondition{MaxRuntimeInSeconds: aws.Int32(3600)},
	}
	for i, d := range dirs {
		in.InputDataConfig = append(in.InputDataConfig, smtypes.Channel{ChannelName: aws.String(fmt.Sprintf("train%d", i)), DataSource: &smtypes.DataSource{
			FileSystemDataSource: &smtypes.FileSystemDataSource{FileSystemId: aws.String(fsID),
				FileSystemAccessMode: smtypes.FileSystemAccessModeRo, FileSystemType: smtypes.FileSystemTypeFsxlustre, DirectoryPath: aws.String(d)}}})
	}
	return in
}

// TestSetup2 is SCENARIOS.md's setup 2 end to end with the Go SDK against
// the real binary: one domain with ExecutionRoleIdentityConfig
// USER_PROFILE_NAME, profiles alice and bob sharing one execution role
// with the ABAC policy above, each user acting through the Studio
// credentials of CreatePresignedDomainUrl. Each user describes, updates
// and stops only their own training jobs, models and endpoints; cannot
// retag their way into the other's; trains only on /fsx/users/<self>; and
// every call, allowed or denied, is audited with the user as
// sourceIdentity.
func TestSetup2(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", "2s")
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	role, err := admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("studio-exec"), AssumeRolePolicyDocument: aws.String(smStudioTrust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("studio-exec"), PolicyName: aws.String("user-abac"),
		PolicyDocument: aws.String(sm2Policy)}); err != nil {
		t.Fatal(err)
	}
	root := sagemaker.NewFromConfig(s.root())
	domain := smDomain(t, root, aws.ToString(role.Role.Arn), smtypes.ExecutionRoleIdentityConfigUserProfileName)
	smProfile(t, root, domain, "alice")
	smProfile(t, root, domain, "bob")
	// The shared FSx for Lustre file system the training jobs mount.
	lustre, err := fsx.NewFromConfig(s.root()).CreateFileSystem(c, &fsx.CreateFileSystemInput{FileSystemType: fsxtypes.FileSystemTypeLustre,
		StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-0123456789abcdef0"},
		LustreConfiguration: &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypeScratch2}})
	if err != nil {
		t.Fatal(err)
	}
	fsID := aws.ToString(lustre.FileSystem.FileSystemId)
	alice := sagemaker.NewFromConfig(sm2StudioConfig(t, s, domain, "alice"))
	bob := sagemaker.NewFromConfig(sm2StudioConfig(t, s, domain, "bob"))
	if strings.Contains(s.Log(), "STS cannot store session context keys yet") {
		t.Skip("STS's AssumeRoleAsService does not store session context keys yet: Studio sessions lack sagemaker:DomainId and sagemaker:UserProfileName, which the seed's policy reads")
	}
	aliceARN := "arn:aws:sagemaker:us-east-1:123456789012:user-profile/" + domain + "/alice"
	const sessionARN = "arn:aws:sts::123456789012:assumed-role/studio-exec/SageMaker"

	denied := func(what string, err error, action string) {
		t.Helper()
		if apiCode(err) != "AccessDeniedException" || !strings.Contains(smMessage(err), "User: "+sessionARN+" is not authorized to perform: "+action) {
			t.Errorf("%s: %v, want AccessDeniedException for %s", what, err, action)
		}
	}
	ok := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}

	// Training only on one's own directory of the shared file system.
	_, err = alice.CreateTrainingJob(c, sm2Training(fsID, "alice-train", "/fsx/users/alice"))
	ok("alice trains on /fsx/users/alice", err)
	_, err = alice.CreateTrainingJob(c, sm2Training(fsID, "alice-sub", "/fsx/users/alice/2026/train"))
	ok("alice trains on a subdirectory of hers", err)
	_, err = bob.CreateTrainingJob(c, sm2Training(fsID, "bob-train", "/fsx/users/bob"))
	ok("bob trains on /fsx/users/bob", err)
	_, err = alice.CreateTrainingJob(c, sm2Training(fsID, "alice-on-bob", "/fsx/users/bob"))
	denied("alice trains on /fsx/users/bob", err, "sagemaker:CreateTrainingJob")
	_, err = alice.CreateTrainingJob(c, sm2Training(fsID, "alice-sneaky", "/fsx/users/alice", "/fsx/users/bob"))
	denied("alice mounts her directory and bob's", err, "sagemaker:CreateTrainingJob")
	_, err = alice.CreateTrainingJob(c, sm2Training(fsID, "alice-prefix", "/fsx/users/alicex"))
	denied("alice trains on /fsx/users/alicex", err, "sagemaker:CreateTrainingJob")
	_, err = alice.CreateTrainingJob(c, sm2Training("fs-0123456789abcdef0", "alice-nofs", "/fsx/users/alice"))
	if apiCode(err) != "ValidationException" || !strings.Contains(smMessage(err), "fs-0123456789abcdef0") {
		t.Errorf("a training job on a file system that does not exist: %v", err)
	}

	// The automatic Studio tags on what alice created.
	tags, err := alice.ListTags(c, &sagemaker.ListTagsInput{ResourceArn: aws.String("arn:aws:sagemaker:us-east-1:123456789012:training-job/alice-train")})
	if err != nil {
		t.Fatal(err)
	}
	tagOf := func(tags []smtypes.Tag, k string) string {
		for _, tg := range tags {
			if aws.ToString(tg.Key) == k {
				return aws.ToString(tg.Value)
			}
		}
		return ""
	}
	if got := tagOf(tags.Tags, "sagemaker:user-profile-arn"); got != aliceARN {
		t.Fatalf("alice-train's sagemaker:user-profile-arn is %q, want %q", got, aliceARN)
	}

	// Describe, update and stop: one's own jobs only.
	_, err = alice.DescribeTrainingJob(c, &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("alice-train")})
	ok("alice describes her job", err)
	_, err = bob.DescribeTrainingJob(c, &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("alice-train")})
	denied("bob describes alice's job", err, "sagemaker:DescribeTrainingJob")
	_, err = bob.UpdateTrainingJob(c, &sagemaker.UpdateTrainingJobInput{TrainingJobName: aws.String("alice-train"),
		ResourceConfig: &smtypes.ResourceConfigForUpdate{KeepAlivePeriodInSeconds: aws.Int32(60)}})
	denied("bob updates alice's job", err, "sagemaker:UpdateTrainingJob")
	_, err = alice.UpdateTrainingJob(c, &sagemaker.UpdateTrainingJobInput{TrainingJobName: aws.String("alice-train"),
		ResourceConfig: &smtypes.ResourceConfigForUpdate{KeepAlivePeriodInSeconds: aws.Int32(60)}})
	ok("alice updates her job", err)
	_, err = bob.StopTrainingJob(c, &sagemaker.StopTrainingJobInput{TrainingJobName: aws.String("alice-train")})
	denied("bob stops alice's job", err, "sagemaker:StopTrainingJob")
	_, err = alice.StopTrainingJob(c, &sagemaker.StopTrainingJobInput{TrainingJobName: aws.String("bob-train")})
	denied("alice stops bob's job", err, "sagemaker:StopTrainingJob")
	d, err := root.DescribeTrainingJob(c, &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("bob-train")})
	if err != nil || d.TrainingJobStatus != smtypes.TrainingJobStatusInProgress {
		t.Errorf("bob's job after alice's denied stop: %v %v", d, err)
	}
	_, err = alice.StopTrainingJob(c, &sagemaker.StopTrainingJobInput{TrainingJobName: aws.String("alice-train")})
	ok("alice stops her job", err)
	_, err = bob.StopTrainingJob(c, &sagemaker.StopTrainingJobInput{TrainingJobName: aws.String("bob-train")})
	ok("bob stops his job", err)
	// List* ignores tag conditions: bob sees alice's job in the list.
	l, err := bob.ListTrainingJobs(c, &sagemaker.ListTrainingJobsInput{})
	if err != nil || len(l.TrainingJobSummaries) != 3 {
		t.Errorf("bob's ListTrainingJobs: %v %v", l, err)
	}

	// Retagging: bob cannot claim alice's job, nor strip its owner tag.
	jobARN := aws.String("arn:aws:sagemaker:us-east-1:123456789012:training-job/alice-train")
	_, err = bob.AddTags(c, &sagemaker.AddTagsInput{ResourceArn: jobARN, Tags: []smtypes.Tag{{Key: aws.String("sagemaker:user-profile-arn"),
		Value: aws.String("arn:aws:sagemaker:us-east-1:123456789012:user-profile/" + domain + "/bob")}}})
	denied("bob retags alice's job as his", err, "sagemaker:AddTags")
	_, err = bob.DeleteTags(c, &sagemaker.DeleteTagsInput{ResourceArn: jobARN, TagKeys: []string{"sagemaker:user-profile-arn"}})
	denied("bob deletes alice's owner tag", err, "sagemaker:DeleteTags")
	_, err = alice.AddTags(c, &sagemaker.AddTagsInput{ResourceArn: aws.String("arn:aws:sagemaker:us-east-1:123456789012:training-job/bob-train"),
		Tags: []smtypes.Tag{{Key: aws.String("sagemaker:user-profile-arn"), Value: aws.String(aliceARN)}}})
	denied("alice retags bob's job as hers", err, "sagemaker:AddTags")
	_, err = alice.AddTags(c, &sagemaker.AddTagsInput{ResourceArn: jobARN, Tags: []smtypes.Tag{{Key: aws.String("sagemaker:user-profile-arn"),
		Value: aws.String("arn:aws:sagemaker:us-east-1:123456789012:user-profile/" + domain + "/bob")}}})
	denied("alice hands her job to bob", err, "sagemaker:AddTags")
	_, err = alice.AddTags(c, &sagemaker.AddTagsInput{ResourceArn: jobARN, Tags: []smtypes.Tag{{Key: aws.String("experiment"), Value: aws.String("e1")}}})
	ok("alice adds an ordinary tag to her job", err)
	_, err = bob.DescribeTrainingJob(c, &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("alice-train")})
	denied("bob describes alice's job after his retag attempts", err, "sagemaker:DescribeTrainingJob")
	tags, err = root.ListTags(c, &sagemaker.ListTagsInput{ResourceArn: jobARN})
	if err != nil || tagOf(tags.Tags, "sagemaker:user-profile-arn") != aliceARN || tagOf(tags.Tags, "experiment") != "e1" {
		t.Errorf("alice-train's tags after the attempts: %+v %v", tags, err)
	}

	// Models, endpoint configs and endpoints.
	model := func(name string) *sagemaker.CreateModelInput {
		return &sagemaker.CreateModelInput{ModelName: aws.String(name), ExecutionRoleArn: role.Role.Arn,
			PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1"), ModelDataUrl: aws.String("s3://ml-bucket/out/model.tar.gz")}}
	}
	config := func(name, model string) *sagemaker.CreateEndpointConfigInput {
		return &sagemaker.CreateEndpointConfigInput{EndpointConfigName: aws.String(name), ProductionVariants: []smtypes.ProductionVariant{
			{VariantName: aws.String("main"), ModelName: aws.String(model), InitialInstanceCount: aws.Int32(1), InstanceType: smtypes.ProductionVariantInstanceTypeMlM5Large}}}
	}
	_, err = alice.CreateModel(c, model("alice-model"))
	ok("alice creates a model", err)
	_, err = bob.CreateModel(c, model("bob-model"))
	ok("bob creates a model", err)
	_, err = alice.DescribeModel(c, &sagemaker.DescribeModelInput{ModelName: aws.String("alice-model")})
	ok("alice describes her model", err)
	_, err = bob.DescribeModel(c, &sagemaker.DescribeModelInput{ModelName: aws.String("alice-model")})
	denied("bob describes alice's model", err, "sagemaker:DescribeModel")
	_, err = alice.CreateEndpointConfig(c, config("alice-cfg", "alice-model"))
	ok("alice creates an endpoint config", err)
	_, err = alice.CreateEndpointConfig(c, config("alice-cfg2", "alice-model"))
	ok("alice creates a second endpoint config", err)
	_, err = bob.CreateEndpointConfig(c, config("bob-cfg", "bob-model"))
	ok("bob creates an endpoint config", err)
	_, err = bob.CreateEndpoint(c, &sagemaker.CreateEndpointInput{EndpointName: aws.String("bob-on-alice"), EndpointConfigName: aws.String("alice-cfg")})
	denied("bob deploys alice's endpoint config", err, "sagemaker:CreateEndpoint on resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/alice-cfg")
	_, err = alice.CreateEndpoint(c, &sagemaker.CreateEndpointInput{EndpointName: aws.String("alice-ep"), EndpointConfigName: aws.String("alice-cfg")})
	ok("alice deploys her endpoint config", err)
	smWait(t, "alice-ep", "InService", func() (string, error) {
		e, err := alice.DescribeEndpoint(c, &sagemaker.DescribeEndpointInput{EndpointName: aws.String("alice-ep")})
		if err != nil {
			return "", err
		}
		return string(e.EndpointStatus), nil
	})
	_, err = bob.DescribeEndpoint(c, &sagemaker.DescribeEndpointInput{EndpointName: aws.String("alice-ep")})
	denied("bob describes alice's endpoint", err, "sagemaker:DescribeEndpoint")
	_, err = bob.UpdateEndpoint(c, &sagemaker.UpdateEndpointInput{EndpointName: aws.String("alice-ep"), EndpointConfigName: aws.String("bob-cfg")})
	denied("bob updates alice's endpoint", err, "sagemaker:UpdateEndpoint")
	_, err = alice.UpdateEndpoint(c, &sagemaker.UpdateEndpointInput{EndpointName: aws.String("alice-ep"), EndpointConfigName: aws.String("bob-cfg")})
	denied("alice moves her endpoint onto bob's config", err, "sagemaker:UpdateEndpoint on resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/bob-cfg")
	_, err = alice.UpdateEndpoint(c, &sagemaker.UpdateEndpointInput{EndpointName: aws.String("alice-ep"), EndpointConfigName: aws.String("alice-cfg2")})
	ok("alice updates her endpoint", err)
	_, err = bob.DeleteEndpoint(c, &sagemaker.DeleteEndpointInput{EndpointName: aws.String("alice-ep")})
	denied("bob deletes alice's endpoint", err, "sagemaker:DeleteEndpoint")
	smWait(t, "alice-ep", "InService", func() (string, error) {
		e, err := alice.DescribeEndpoint(c, &sagemaker.DescribeEndpointInput{EndpointName: aws.String("alice-ep")})
		if err != nil {
			return "", err
		}
		if e.EndpointStatus == smtypes.EndpointStatusInService && aws.ToString(e.EndpointConfigName) != "alice-cfg2" {
			return "InService on " + aws.ToString(e.EndpointConfigName), nil
		}
		return string(e.EndpointStatus), nil
	})

	// Every call is audited with the caller's source identity, denials
	// included.
	ct := cloudtrail.NewFromConfig(s.root())
	type record struct {
		ErrorCode    string `json:"errorCode"`
		UserIdentity struct {
			Arn            string `json:"arn"`
			SessionContext struct {
				SourceIdentity string `json:"sourceIdentity"`
			} `json:"sessionContext"`
		} `json:"userIdentity"`
	}
	for _, tt := range []struct {
		event      string
		allowedBy  map[string]int
		deniedFor  map[string]int
		otherError string // a non-authorization error alice's calls get once
	}{
		{"StopTrainingJob", map[string]int{"alice": 1, "bob": 1}, map[string]int{"alice": 1, "bob": 1}, ""},
		{"CreateTrainingJob", map[string]int{"alice": 2, "bob": 1}, map[string]int{"alice": 3}, "ValidationException"},
		{"AddTags", map[string]int{"alice": 1}, map[string]int{"alice": 2, "bob": 1}, ""},
		{"DescribeEndpoint", nil, map[string]int{"bob": 1}, ""},
	} {
		in := &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{
			{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String(tt.event)}}}
		out, err := ct.LookupEvents(c, in)
		if err != nil && apiCode(err) == "" {
			// A read-only lookup whose response body was cut off on the
			// loopback connection (seen rarely on a loaded machine) is
			// asked again; an API error is not.
			t.Logf("LookupEvents %s: %v; asking again", tt.event, err)
			out, err = ct.LookupEvents(c, in)
		}
		if err != nil {
			t.Fatalf("LookupEvents %s: %v", tt.event, err)
		}
		allowed, deniedFor := map[string]int{}, map[string]int{}
		for _, ev := range out.Events {
			var r record
			if err := json.Unmarshal([]byte(aws.ToString(ev.CloudTrailEvent)), &r); err != nil {
				t.Fatal(err)
			}
			if r.UserIdentity.Arn != sessionARN {
				continue // the root's calls
			}
			who := r.UserIdentity.SessionContext.SourceIdentity
			switch r.ErrorCode {
			case "":
				allowed[who]++
			case "AccessDenied", "AccessDeniedException":
				deniedFor[who]++
			case tt.otherError:
				if who != "alice" {
					t.Errorf("%s by %s: errorCode %s", tt.event, who, r.ErrorCode)
				}
			default:
				t.Errorf("%s by %s: errorCode %s", tt.event, who, r.ErrorCode)
			}
		}
		if tt.event == "DescribeEndpoint" {
			delete(allowed, "alice") // alice's polling
			tt.allowedBy = map[string]int{}
		}
		if !mapsEqual(allowed, tt.allowedBy) || !mapsEqual(deniedFor, tt.deniedFor) {
			t.Errorf("%s events by source identity: allowed %v denied %v, want allowed %v denied %v", tt.event, allowed, deniedFor, tt.allowedBy, tt.deniedFor)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestBoto3Setup2 runs examples/boto3/setup2_studio_abac.py: setup 2 with
// boto3 through Studio sessions.
func TestBoto3Setup2(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow external-tool walkthrough; skipped with -short")
	}
	s := start(t, "--sagemaker-delay", "1s")
	out := runBoto3Example(t, s, "setup2_studio_abac.py")
	if !strings.Contains(out, "setup 2 checks passed") {
		t.Fatalf("unexpected output:\n%s", out)
	}
}

// TestCLISetup2 runs the AWS CLI walkthrough examples/cli/setup2.sh, whose
// Studio users get their credentials from `abacus studio credentials` as a
// credential_process.
func TestCLISetup2(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow external-tool walkthrough; skipped with -short")
	}
	for _, tool := range []string{"aws", "bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed; skipping the AWS CLI walkthrough", tool)
		}
	}
	// Immediate transitions: every AWS CLI call costs a Python start-up.
	s := start(t, "--sagemaker-delay", "-1s")
	script, err := filepath.Abs(filepath.Join("..", "..", "examples", "cli", "setup2.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Env = append(cleanAWSEnv(os.Environ()), "HOME="+t.TempDir(), "ABACUS="+binary,
		"AWS_ENDPOINT_URL="+s.Endpoint, "AWS_ACCESS_KEY_ID="+rootKeyID, "AWS_SECRET_ACCESS_KEY="+rootSecret,
		"AWS_DEFAULT_REGION="+region, "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "setup 2 CLI walkthrough passed") {
		t.Fatalf("setup2.sh: %v\n%s\nserver log:\n%s", err, out, tail(s.Log(), 30))
	}
}

// BenchmarkTrainingJobRoundTrip measures CreateTrainingJob and
// DescribeTrainingJob round trips over loopback against the real binary
// serving a data dir, made by a Studio user (alice's Studio session of the
// shared execution role) under setup 2's ABAC policy: SigV4, principal
// resolution with the session's context keys, every check authorized
// (CreateTrainingJob: the job with its keys including the file-system
// path, AddTags for the automatic Studio tags, iam:PassRole; Describe: the
// job's tags against ${sagemaker:UserProfileName}), the FSx lookup, the
// store transaction and one durable audit event per request.
func BenchmarkTrainingJobRoundTrip(b *testing.B) {
	s := startBench(b, "--data-dir", b.TempDir(), "--sagemaker-delay", "-1s")
	c := b.Context()
	admin := iam.NewFromConfig(s.root())
	role, err := admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("studio-exec"), AssumeRolePolicyDocument: aws.String(smStudioTrust)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := admin.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("studio-exec"), PolicyName: aws.String("user-abac"),
		PolicyDocument: aws.String(sm2Policy)}); err != nil {
		b.Fatal(err)
	}
	root := sagemaker.NewFromConfig(s.root())
	d, err := root.CreateDomain(c, &sagemaker.CreateDomainInput{DomainName: aws.String("ml-domain"), AuthMode: smtypes.AuthModeIam,
		DefaultUserSettings: &smtypes.UserSettings{ExecutionRole: role.Role.Arn},
		DomainSettings:      &smtypes.DomainSettings{ExecutionRoleIdentityConfig: smtypes.ExecutionRoleIdentityConfigUserProfileName},
		SubnetIds:           []string{"subnet-0123456789abcdef0"}, VpcId: aws.String("vpc-0123456789abcdef0")})
	if err != nil {
		b.Fatal(err)
	}
	domain := aws.ToString(d.DomainId)
	if _, err := root.CreateUserProfile(c, &sagemaker.CreateUserProfileInput{DomainId: aws.String(domain), UserProfileName: aws.String("alice")}); err != nil {
		b.Fatal(err)
	}
	lustre, err := fsx.NewFromConfig(s.root()).CreateFileSystem(c, &fsx.CreateFileSystemInput{FileSystemType: fsxtypes.FileSystemTypeLustre,
		StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-0123456789abcdef0"},
		LustreConfiguration: &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypeScratch2}})
	if err != nil {
		b.Fatal(err)
	}
	fsID := aws.ToString(lustre.FileSystem.FileSystemId)
	alice := sagemaker.NewFromConfig(sm2StudioConfig(b, s, domain, "alice"))
	if _, err := alice.CreateTrainingJob(c, sm2Training(fsID, "alice-bench", "/fsx/users/alice")); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.Run("CreateTrainingJob", func(b *testing.B) {
		runConcurrent(b, 16, func() error {
			_, err := alice.CreateTrainingJob(b.Context(), sm2Training(fsID, fmt.Sprintf("alice-%d", n.Add(1)), "/fsx/users/alice"))
			return err
		})
	})
	// The same Describe by the account root (no policies to evaluate, no
	// session), for comparison with the Studio user's.
	b.Run("DescribeTrainingJob/root", func(b *testing.B) {
		runConcurrent(b, 16, func() error {
			_, err := root.DescribeTrainingJob(b.Context(), &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("alice-bench")})
			return err
		})
	})
	b.Run("DescribeTrainingJob", func(b *testing.B) {
		runConcurrent(b, 16, func() error {
			out, err := alice.DescribeTrainingJob(b.Context(), &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("alice-bench")})
			if err == nil && aws.ToString(out.TrainingJobName) != "alice-bench" {
				err = fmt.Errorf("described %s", aws.ToString(out.TrainingJobName))
			}
			return err
		})
	})
}

// TestTrainingJobConditionKeys: every request-derived condition key the
// Service Authorization Reference lists for CreateTrainingJob
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerai.html)
// reaches the policy engine with the request's value, tested with one
// policy per key that one input satisfies and another does not
// (multivalued keys with ForAllValues and a Null check, as
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// advises).
func TestTrainingJobConditionKeys(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", "-1s")
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	role, err := admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("studio-exec"), AssumeRolePolicyDocument: aws.String(smStudioTrust)})
	if err != nil {
		t.Fatal(err)
	}
	lustre, err := fsx.NewFromConfig(s.root()).CreateFileSystem(c, &fsx.CreateFileSystemInput{FileSystemType: fsxtypes.FileSystemTypeLustre,
		StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-0123456789abcdef0"},
		LustreConfiguration: &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypeScratch2}})
	if err != nil {
		t.Fatal(err)
	}
	fsID := aws.ToString(lustre.FileSystem.FileSystemId)
	const pass = `{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}`
	const kms = "arn:aws:kms:us-east-1:123456789012:key/"
	base := func(name string) *sagemaker.CreateTrainingJobInput {
		return sm2Training(fsID, name, "/fsx/users/alice")
	}
	tests := []struct {
		key       string
		condition string // the Condition block of the Allow on CreateTrainingJob
		good, bad func(in *sagemaker.CreateTrainingJobInput)
	}{
		{"sagemaker:InstanceTypes", `{"ForAllValues:StringLike":{"sagemaker:InstanceTypes":["ml.m5.*"]},"Null":{"sagemaker:InstanceTypes":"false"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {},
			func(in *sagemaker.CreateTrainingJobInput) {
				in.ResourceConfig.InstanceType = smtypes.TrainingInstanceTypeMlP4d24xlarge
			}},
		{"sagemaker:VpcSubnets", `{"ForAllValues:StringEquals":{"sagemaker:VpcSubnets":["subnet-a"]},"Null":{"sagemaker:VpcSubnets":"false"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {
				in.VpcConfig = &smtypes.VpcConfig{Subnets: []string{"subnet-a"}, SecurityGroupIds: []string{"sg-a"}}
			},
			func(in *sagemaker.CreateTrainingJobInput) {
				in.VpcConfig = &smtypes.VpcConfig{Subnets: []string{"subnet-a", "subnet-b"}, SecurityGroupIds: []string{"sg-a"}}
			}},
		{"sagemaker:VpcSecurityGroupIds", `{"ForAllValues:StringEquals":{"sagemaker:VpcSecurityGroupIds":["sg-a"]},"Null":{"sagemaker:VpcSecurityGroupIds":"false"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {
				in.VpcConfig = &smtypes.VpcConfig{Subnets: []string{"subnet-a"}, SecurityGroupIds: []string{"sg-a"}}
			},
			func(in *sagemaker.CreateTrainingJobInput) {}},
		{"sagemaker:MaxRuntimeInSeconds", `{"NumericLessThanEquals":{"sagemaker:MaxRuntimeInSeconds":"7200"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {},
			func(in *sagemaker.CreateTrainingJobInput) {
				in.StoppingCondition.MaxRuntimeInSeconds = aws.Int32(86400)
			}},
		{"sagemaker:NetworkIsolation", `{"Bool":{"sagemaker:NetworkIsolation":"true"}}`,
			func(in *sagemaker.CreateTrainingJobInput) { in.EnableNetworkIsolation = aws.Bool(true) },
			func(in *sagemaker.CreateTrainingJobInput) {}},
		{"sagemaker:InterContainerTrafficEncryption", `{"Bool":{"sagemaker:InterContainerTrafficEncryption":"true"}}`,
			func(in *sagemaker.CreateTrainingJobInput) { in.EnableInterContainerTrafficEncryption = aws.Bool(true) },
			func(in *sagemaker.CreateTrainingJobInput) { in.EnableInterContainerTrafficEncryption = aws.Bool(false) }},
		{"sagemaker:OutputKmsKeyArn", `{"ArnEquals":{"sagemaker:OutputKmsKeyArn":"` + kms + `out"}}`,
			func(in *sagemaker.CreateTrainingJobInput) { in.OutputDataConfig.KmsKeyId = aws.String(kms + "out") },
			func(in *sagemaker.CreateTrainingJobInput) { in.OutputDataConfig.KmsKeyId = aws.String(kms + "other") }},
		{"sagemaker:VolumeKmsKeyArn", `{"ArnEquals":{"sagemaker:VolumeKmsKeyArn":"` + kms + `vol"}}`,
			func(in *sagemaker.CreateTrainingJobInput) { in.ResourceConfig.VolumeKmsKeyId = aws.String(kms + "vol") },
			func(in *sagemaker.CreateTrainingJobInput) {}},
		{"sagemaker:KeepAlivePeriod", `{"NumericLessThanEquals":{"sagemaker:KeepAlivePeriod":"600"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {
				in.ResourceConfig.KeepAlivePeriodInSeconds = aws.Int32(300)
			},
			func(in *sagemaker.CreateTrainingJobInput) {
				in.ResourceConfig.KeepAlivePeriodInSeconds = aws.Int32(3600)
			}},
		{"sagemaker:EnableRemoteDebug", `{"Bool":{"sagemaker:EnableRemoteDebug":"false"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {
				in.RemoteDebugConfig = &smtypes.RemoteDebugConfig{EnableRemoteDebug: aws.Bool(false)}
			},
			func(in *sagemaker.CreateTrainingJobInput) {
				in.RemoteDebugConfig = &smtypes.RemoteDebugConfig{EnableRemoteDebug: aws.Bool(true)}
			}},
		{"sagemaker:FileSystemId", `{"StringEquals":{"sagemaker:FileSystemId":"` + fsID + `"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {},
			func(in *sagemaker.CreateTrainingJobInput) { in.InputDataConfig = nil }},
		{"sagemaker:FileSystemAccessMode", `{"StringEquals":{"sagemaker:FileSystemAccessMode":"ro"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {},
			func(in *sagemaker.CreateTrainingJobInput) {
				in.InputDataConfig[0].DataSource.FileSystemDataSource.FileSystemAccessMode = smtypes.FileSystemAccessModeRw
			}},
		{"sagemaker:FileSystemType", `{"StringEquals":{"sagemaker:FileSystemType":"FSxLustre"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {},
			func(in *sagemaker.CreateTrainingJobInput) { in.InputDataConfig = nil }},
		{"sagemaker:FileSystemDirectoryPath", `{"StringLike":{"sagemaker:FileSystemDirectoryPath":"/fsx/users/alice*"}}`,
			func(in *sagemaker.CreateTrainingJobInput) {},
			func(in *sagemaker.CreateTrainingJobInput) {
				in.InputDataConfig[0].DataSource.FileSystemDataSource.DirectoryPath = aws.String("/fsx/shared")
			}},
	}
	for i, tt := range tests {
		user := fmt.Sprintf("u%d", i)
		cfg := smUser(t, s, admin, user)
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:CreateTrainingJob","Resource":"*","Condition":` + tt.condition + `},` + pass + `]}`
		if _, err := admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("key"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatalf("%s: %v", tt.key, err)
		}
		sm := sagemaker.NewFromConfig(cfg)
		good, bad := base(user+"-good"), base(user+"-bad")
		tt.good(good)
		tt.bad(bad)
		good.RoleArn, bad.RoleArn = role.Role.Arn, role.Role.Arn
		if _, err := sm.CreateTrainingJob(c, good); err != nil {
			t.Errorf("%s: the satisfying request was refused: %v", tt.key, err)
		}
		if _, err := sm.CreateTrainingJob(c, bad); apiCode(err) != "AccessDeniedException" {
			t.Errorf("%s: the other request: %v, want AccessDeniedException", tt.key, err)
		}
	}
}

// TestJobAndEndpointWaiters drives training jobs, processing jobs and
// endpoints through their status progressions with the Go SDK's own
// waiters, whose acceptors come from botocore's waiters-2.json
// (TrainingJobCompletedOrStopped, ProcessingJobCompletedOrStopped,
// EndpointInService, EndpointDeleted: a ValidationException from
// DescribeEndpoint means deleted), and lists with the SDK's paginator.
func TestJobAndEndpointWaiters(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", smDelay)
	c := ctx(t)
	role := smExecRole(t, iam.NewFromConfig(s.root()), "job-exec")
	sm := sagemaker.NewFromConfig(s.root())
	const wait = 30 * time.Second

	in := sm2Training("", "Train-1")
	in.RoleArn = aws.String(role)
	in.InputDataConfig = []smtypes.Channel{{ChannelName: aws.String("train"), DataSource: &smtypes.DataSource{
		S3DataSource: &smtypes.S3DataSource{S3DataType: smtypes.S3DataTypeS3Prefix, S3Uri: aws.String("s3://ml-bucket/train/")}}}}
	out, err := sm.CreateTrainingJob(c, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.TrainingJobArn); got != "arn:aws:sagemaker:us-east-1:123456789012:training-job/train-1" {
		t.Errorf("training job ARN %s", got)
	}
	d, err := sagemaker.NewTrainingJobCompletedOrStoppedWaiter(sm, func(o *sagemaker.TrainingJobCompletedOrStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, 200*time.Millisecond
	}).WaitForOutput(c, &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("train-1")}, wait)
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	for _, tr := range d.SecondaryStatusTransitions {
		phases = append(phases, string(tr.Status))
	}
	if d.TrainingJobStatus != smtypes.TrainingJobStatusCompleted || d.SecondaryStatus != smtypes.SecondaryStatusCompleted ||
		strings.Join(phases, ",") != "Starting,Downloading,Training,Uploading,Completed" ||
		aws.ToString(d.ModelArtifacts.S3ModelArtifacts) != "s3://ml-bucket/out/Train-1/output/model.tar.gz" || aws.ToInt32(d.TrainingTimeInSeconds) < 1 {
		t.Errorf("completed job: %s/%s %v %s", d.TrainingJobStatus, d.SecondaryStatus, phases, aws.ToString(d.ModelArtifacts.S3ModelArtifacts))
	}
	if _, err := sm.CreateTrainingJob(c, in); apiCode(err) != "ResourceInUse" {
		t.Errorf("duplicate training job: %v", err)
	}
	if _, err := sm.DescribeTrainingJob(c, &sagemaker.DescribeTrainingJobInput{TrainingJobName: aws.String("nope")}); apiCode(err) != "ValidationException" ||
		smMessage(err) != "Requested resource not found." {
		t.Errorf("missing training job: %v", err)
	}

	proc := &sagemaker.CreateProcessingJobInput{ProcessingJobName: aws.String("prep"), RoleArn: aws.String(role),
		AppSpecification:    &smtypes.AppSpecification{ImageUri: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1")},
		ProcessingResources: &smtypes.ProcessingResources{ClusterConfig: &smtypes.ProcessingClusterConfig{InstanceCount: aws.Int32(1), InstanceType: smtypes.ProcessingInstanceTypeMlM5Xlarge, VolumeSizeInGB: aws.Int32(30)}}}
	if _, err := sm.CreateProcessingJob(c, proc); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.StopProcessingJob(c, &sagemaker.StopProcessingJobInput{ProcessingJobName: aws.String("prep")}); err != nil {
		t.Fatal(err)
	}
	p, err := sagemaker.NewProcessingJobCompletedOrStoppedWaiter(sm, func(o *sagemaker.ProcessingJobCompletedOrStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, 200*time.Millisecond
	}).WaitForOutput(c, &sagemaker.DescribeProcessingJobInput{ProcessingJobName: aws.String("prep")}, wait)
	if err != nil || p.ProcessingJobStatus != smtypes.ProcessingJobStatusStopped || p.ProcessingEndTime == nil {
		t.Errorf("stopped processing job: %+v %v", p, err)
	}

	if _, err := sm.CreateModel(c, &sagemaker.CreateModelInput{ModelName: aws.String("m"), ExecutionRoleArn: aws.String(role),
		PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1")}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cfg-1", "cfg-2"} {
		if _, err := sm.CreateEndpointConfig(c, &sagemaker.CreateEndpointConfigInput{EndpointConfigName: aws.String(name), ProductionVariants: []smtypes.ProductionVariant{
			{VariantName: aws.String("main"), ModelName: aws.String("m"), InitialInstanceCount: aws.Int32(1), InstanceType: smtypes.ProductionVariantInstanceTypeMlM5Large}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sm.CreateEndpoint(c, &sagemaker.CreateEndpointInput{EndpointName: aws.String("ep"), EndpointConfigName: aws.String("cfg-1")}); err != nil {
		t.Fatal(err)
	}
	inService := sagemaker.NewEndpointInServiceWaiter(sm, func(o *sagemaker.EndpointInServiceWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, 200*time.Millisecond
	})
	e, err := inService.WaitForOutput(c, &sagemaker.DescribeEndpointInput{EndpointName: aws.String("ep")}, wait)
	if err != nil || len(e.ProductionVariants) != 1 || aws.ToString(e.ProductionVariants[0].DeployedImages[0].SpecifiedImage) != "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1" {
		t.Fatalf("endpoint in service: %+v %v", e, err)
	}
	if _, err := sm.UpdateEndpoint(c, &sagemaker.UpdateEndpointInput{EndpointName: aws.String("ep"), EndpointConfigName: aws.String("cfg-2")}); err != nil {
		t.Fatal(err)
	}
	if e, err = inService.WaitForOutput(c, &sagemaker.DescribeEndpointInput{EndpointName: aws.String("ep")}, wait); err != nil || aws.ToString(e.EndpointConfigName) != "cfg-2" {
		t.Errorf("updated endpoint: %+v %v", e, err)
	}
	if _, err := sm.DeleteEndpoint(c, &sagemaker.DeleteEndpointInput{EndpointName: aws.String("ep")}); err != nil {
		t.Fatal(err)
	}
	if err := sagemaker.NewEndpointDeletedWaiter(sm, func(o *sagemaker.EndpointDeletedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, 200*time.Millisecond
	}).Wait(c, &sagemaker.DescribeEndpointInput{EndpointName: aws.String("ep")}, wait); err != nil {
		t.Errorf("endpoint deleted: %v", err)
	}

	for i := range 5 {
		in := sm2Training("", fmt.Sprintf("paged-%d", i))
		in.RoleArn = aws.String(role)
		in.InputDataConfig = nil
		if _, err := sm.CreateTrainingJob(c, in); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	pg := sagemaker.NewListTrainingJobsPaginator(sm, &sagemaker.ListTrainingJobsInput{NameContains: aws.String("paged"), MaxResults: aws.Int32(2)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range page.TrainingJobSummaries {
			names = append(names, aws.ToString(j.TrainingJobName))
		}
	}
	if strings.Join(names, ",") != "paged-0,paged-1,paged-2,paged-3,paged-4" {
		t.Errorf("paged ListTrainingJobs: %v", names)
	}
}
