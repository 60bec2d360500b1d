package compat

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// emrDelay is the state duration the EMR tests run with.
const emrDelay = 300 * time.Millisecond

func runCluster(t *testing.T, cl *emr.Client, name string, keepAlive bool, tags map[string]string, steps ...string) (*emr.RunJobFlowOutput, error) {
	t.Helper()
	in := &emr.RunJobFlowInput{Name: aws.String(name), ReleaseLabel: aws.String("emr-7.2.0"),
		Instances: &emrtypes.JobFlowInstancesConfig{MasterInstanceType: aws.String("m5.xlarge"), SlaveInstanceType: aws.String("m5.xlarge"),
			InstanceCount: aws.Int32(3), KeepJobFlowAliveWhenNoSteps: aws.Bool(keepAlive)},
		Applications: []emrtypes.Application{{Name: aws.String("Spark")}},
		ServiceRole:  aws.String("EMR_DefaultRole"), JobFlowRole: aws.String("EMR_EC2_DefaultRole"), VisibleToAllUsers: aws.Bool(true)}
	for k, v := range tags {
		in.Tags = append(in.Tags, emrtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	for _, s := range steps {
		in.Steps = append(in.Steps, emrtypes.StepConfig{Name: aws.String(s), ActionOnFailure: emrtypes.ActionOnFailureContinue,
			HadoopJarStep: &emrtypes.HadoopJarStepConfig{Jar: aws.String("command-runner.jar"), Args: []string{"spark-submit", "job.py"}}})
	}
	return cl.RunJobFlow(ctx(t), in)
}

// waitState polls DescribeCluster until the cluster is in want.
func waitState(t *testing.T, cl *emr.Client, id string, want emrtypes.ClusterState) *emrtypes.Cluster {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := cl.DescribeCluster(ctx(t), &emr.DescribeClusterInput{ClusterId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if out.Cluster.Status.State == want {
			return out.Cluster
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster %s is %s, never %s", id, out.Cluster.Status.State, want)
		}
		time.Sleep(emrDelay / 3)
	}
}

// TestEMROperations drives each operation with the SDK as root, through
// the state progression.
func TestEMROperations(t *testing.T) {
	t.Parallel()
	s := start(t, "--provision-delay", emrDelay.String())
	c := ctx(t)
	cl := emr.NewFromConfig(s.root())
	run, err := runCluster(t, cl, "analytics", true, map[string]string{"team": "ml"}, "etl")
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(run.JobFlowId)
	if aws.ToString(run.ClusterArn) != "arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/"+id {
		t.Errorf("ClusterArn %s", aws.ToString(run.ClusterArn))
	}
	d, err := cl.DescribeCluster(c, &emr.DescribeClusterInput{ClusterId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	// The exact state depends on how long the call took (the progression
	// itself is pinned by the emr package's clock-driven tests).
	switch st := d.Cluster.Status.State; st {
	case emrtypes.ClusterStateStarting, emrtypes.ClusterStateBootstrapping, emrtypes.ClusterStateRunning, emrtypes.ClusterStateWaiting:
	default:
		t.Errorf("new cluster is %s", st)
	}
	if aws.ToString(d.Cluster.Name) != "analytics" || aws.ToString(d.Cluster.ServiceRole) != "EMR_DefaultRole" || len(d.Cluster.Tags) != 1 {
		t.Errorf("DescribeCluster: %+v", d.Cluster)
	}
	waited := waitState(t, cl, id, emrtypes.ClusterStateWaiting)
	if waited.Status.Timeline.ReadyDateTime == nil || aws.ToString(waited.MasterPublicDnsName) == "" {
		t.Errorf("waiting cluster: %+v", waited.Status)
	}
	steps, err := cl.ListSteps(c, &emr.ListStepsInput{ClusterId: aws.String(id)})
	if err != nil || len(steps.Steps) != 1 || steps.Steps[0].Status.State != emrtypes.StepStateCompleted {
		t.Fatalf("ListSteps: %+v %v", steps, err)
	}
	add, err := cl.AddJobFlowSteps(c, &emr.AddJobFlowStepsInput{JobFlowId: aws.String(id), Steps: []emrtypes.StepConfig{{Name: aws.String("report"),
		HadoopJarStep: &emrtypes.HadoopJarStepConfig{Jar: aws.String("command-runner.jar")}}}})
	if err != nil || len(add.StepIds) != 1 {
		t.Fatalf("AddJobFlowSteps: %v", err)
	}
	ds, err := cl.DescribeStep(c, &emr.DescribeStepInput{ClusterId: aws.String(id), StepId: aws.String(add.StepIds[0])})
	if err != nil || aws.ToString(ds.Step.Name) != "report" {
		t.Fatalf("DescribeStep: %v", err)
	}
	must := mustOK(t)
	must(cl.AddTags(c, &emr.AddTagsInput{ResourceId: aws.String(id), Tags: []emrtypes.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}}}))
	must(cl.RemoveTags(c, &emr.RemoveTagsInput{ResourceId: aws.String(id), TagKeys: []string{"team"}}))
	d, _ = cl.DescribeCluster(c, &emr.DescribeClusterInput{ClusterId: aws.String(id)})
	if len(d.Cluster.Tags) != 1 || aws.ToString(d.Cluster.Tags[0].Key) != "owner" {
		t.Errorf("tags after AddTags/RemoveTags: %+v", d.Cluster.Tags)
	}
	// An auto-terminating cluster ends with ALL_STEPS_COMPLETED.
	auto, err := runCluster(t, cl, "batch", false, nil, "one")
	if err != nil {
		t.Fatal(err)
	}
	ended := waitState(t, cl, aws.ToString(auto.JobFlowId), emrtypes.ClusterStateTerminated)
	if ended.Status.StateChangeReason.Code != emrtypes.ClusterStateChangeReasonCodeAllStepsCompleted {
		t.Errorf("auto-terminated reason %+v", ended.Status.StateChangeReason)
	}
	must(cl.TerminateJobFlows(c, &emr.TerminateJobFlowsInput{JobFlowIds: []string{id}}))
	ended = waitState(t, cl, id, emrtypes.ClusterStateTerminated)
	if ended.Status.StateChangeReason.Code != emrtypes.ClusterStateChangeReasonCodeUserRequest {
		t.Errorf("terminated reason %+v", ended.Status.StateChangeReason)
	}
	ls, err := cl.ListClusters(c, &emr.ListClustersInput{ClusterStates: []emrtypes.ClusterState{emrtypes.ClusterStateTerminated}})
	if err != nil || len(ls.Clusters) != 2 {
		t.Errorf("ListClusters(TERMINATED): %+v %v", ls, err)
	}
	ls, _ = cl.ListClusters(c, &emr.ListClustersInput{ClusterStates: []emrtypes.ClusterState{emrtypes.ClusterStateWaiting}})
	if len(ls.Clusters) != 0 {
		t.Errorf("ListClusters(WAITING) after termination: %+v", ls.Clusters)
	}
	_, err = cl.DescribeCluster(c, &emr.DescribeClusterInput{ClusterId: aws.String("j-DOESNOTEXIST1")})
	if apiCode(err) != "InvalidRequestException" || errMessage(err) != "Cluster id 'j-DOESNOTEXIST1' is not valid." {
		t.Errorf("DescribeCluster of a missing cluster: %v", err)
	}
	_, err = cl.AddJobFlowSteps(c, &emr.AddJobFlowStepsInput{JobFlowId: aws.String(id), Steps: []emrtypes.StepConfig{{Name: aws.String("late"),
		HadoopJarStep: &emrtypes.HadoopJarStepConfig{Jar: aws.String("x.jar")}}}})
	if apiCode(err) != "ValidationException" {
		t.Errorf("AddJobFlowSteps to a terminated cluster: %v", err)
	}
}

// TestEMRClustersPerUser is setup 2 for EMR: a user may reach a cluster
// only when it carries their user name as a tag, for IAM users
// (${aws:username}) and for sessions of the shared role
// (${aws:SourceIdentity}); creating a cluster requires tagging it with
// one's own name (aws:RequestTag), and passing the EMR roles needs
// iam:PassRole.
func TestEMRClustersPerUser(t *testing.T) {
	t.Parallel()
	s := start(t, "--provision-delay", emrDelay.String())
	c := ctx(t)
	must := mustOK(t)
	policyFor := func(variable string) string {
		return `{"Version":"2012-10-17","Statement":[
		 {"Sid":"OwnClusters","Effect":"Allow","Action":["elasticmapreduce:DescribeCluster","elasticmapreduce:ListSteps","elasticmapreduce:AddJobFlowSteps","elasticmapreduce:DescribeStep","elasticmapreduce:TerminateJobFlows"],
		  "Resource":"arn:aws:elasticmapreduce:*:*:cluster/*","Condition":{"StringEquals":{"elasticmapreduce:ResourceTag/owner":"` + variable + `"}}},
		 {"Sid":"CreateTaggedWithSelf","Effect":"Allow","Action":"elasticmapreduce:RunJobFlow","Resource":"*",
		  "Condition":{"StringEquals":{"aws:RequestTag/owner":"` + variable + `"}}},
		 {"Sid":"List","Effect":"Allow","Action":"elasticmapreduce:ListClusters","Resource":"*"},
		 {"Sid":"PassEMRRoles","Effect":"Allow","Action":"iam:PassRole","Resource":["arn:aws:iam::123456789012:role/EMR_DefaultRole","arn:aws:iam::123456789012:role/EMR_EC2_DefaultRole"]}]}`
	}
	// IAM user alice with ${aws:username}.
	admin := iam.NewFromConfig(s.root())
	must(admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("alice")}))
	must(admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("emr"), PolicyDocument: aws.String(policyFor("${aws:username}"))}))
	key, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	must(key, err)
	aliceUser := emr.NewFromConfig(s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	// Sessions of the shared role with ${aws:SourceIdentity}.
	sess := sharedRoleSessions(t, s, policyFor("${aws:SourceIdentity}"), "alice", "bob")
	aliceSess, bobSess := emr.NewFromConfig(sess["alice"]), emr.NewFromConfig(sess["bob"])
	root := emr.NewFromConfig(s.root())

	aliceCluster, err := runCluster(t, aliceSess, "alice-spark", true, map[string]string{"owner": "alice"})
	if err != nil {
		t.Fatalf("alice runs a cluster tagged owner=alice: %v", err)
	}
	if _, err := runCluster(t, bobSess, "bob-as-alice", true, map[string]string{"owner": "alice"}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("bob runs a cluster tagged owner=alice: %v", err)
	}
	if _, err := runCluster(t, bobSess, "untagged", true, nil); apiCode(err) != "AccessDeniedException" {
		t.Errorf("bob runs an untagged cluster: %v", err)
	}
	bobCluster, err := runCluster(t, bobSess, "bob-spark", true, map[string]string{"owner": "bob"})
	if err != nil {
		t.Fatal(err)
	}
	aid, bid := aws.ToString(aliceCluster.JobFlowId), aws.ToString(bobCluster.JobFlowId)
	tests := []struct {
		name    string
		cl      *emr.Client
		cluster string
		allowed bool
	}{
		{"alice session, own cluster", aliceSess, aid, true},
		{"alice session, bob's cluster", aliceSess, bid, false},
		{"bob session, own cluster", bobSess, bid, true},
		{"bob session, alice's cluster", bobSess, aid, false},
		{"IAM user alice, alice's cluster", aliceUser, aid, true},
		{"IAM user alice, bob's cluster", aliceUser, bid, false},
	}
	for _, tt := range tests {
		_, err := tt.cl.DescribeCluster(c, &emr.DescribeClusterInput{ClusterId: aws.String(tt.cluster)})
		if tt.allowed && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !tt.allowed {
			arn := "arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/" + tt.cluster
			if apiCode(err) != "AccessDeniedException" || !containsAll(errMessage(err), "is not authorized to perform: elasticmapreduce:DescribeCluster on resource: "+arn) {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
	}
	// A denied termination changes nothing.
	if _, err := aliceSess.TerminateJobFlows(c, &emr.TerminateJobFlowsInput{JobFlowIds: []string{bid}}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("alice terminates bob's cluster: %v", err)
	}
	if _, err := aliceSess.AddJobFlowSteps(c, &emr.AddJobFlowStepsInput{JobFlowId: aws.String(bid), Steps: []emrtypes.StepConfig{{Name: aws.String("evil"),
		HadoopJarStep: &emrtypes.HadoopJarStepConfig{Jar: aws.String("x.jar")}}}}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("alice adds a step to bob's cluster: %v", err)
	}
	waitState(t, root, bid, emrtypes.ClusterStateWaiting)
	steps, err := root.ListSteps(c, &emr.ListStepsInput{ClusterId: aws.String(bid)})
	if err != nil || len(steps.Steps) != 0 {
		t.Errorf("bob's cluster has steps after alice's denied call: %+v %v", steps, err)
	}
	// Re-tagging the cluster moves access with the tag.
	must(root.AddTags(c, &emr.AddTagsInput{ResourceId: aws.String(bid), Tags: []emrtypes.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}}}))
	if _, err := aliceSess.DescribeCluster(c, &emr.DescribeClusterInput{ClusterId: aws.String(bid)}); err != nil {
		t.Errorf("alice after the cluster was re-tagged owner=alice: %v", err)
	}
	// Without iam:PassRole on the roles, RunJobFlow is denied.
	must(admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("emr"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"elasticmapreduce:RunJobFlow","Resource":"*"}]}`)}))
	_, err = runCluster(t, aliceUser, "no-pass", true, map[string]string{"owner": "alice"})
	if apiCode(err) != "AccessDeniedException" || !containsAll(errMessage(err), "iam:PassRole", "EMR_DefaultRole") {
		t.Errorf("RunJobFlow without iam:PassRole: %v", err)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// TestBoto3Setup2EMR runs examples/boto3/setup2_emr.py: clusters reachable
// only by the user named in their owner tag, with boto3.
func TestBoto3Setup2EMR(t *testing.T) {
	t.Parallel()
	s := start(t)
	out := runBoto3Example(t, s, "setup2_emr.py")
	if !strings.Contains(out, "setup 2 EMR checks passed") {
		t.Fatalf("unexpected output:\n%s", out)
	}
}
