package emr_test

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/protocol/shapecheck"
	"abacus/internal/service/emr"
	"abacus/internal/store/sqlite"
)

const acct = model.AccountID("123456789012")

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const delay = 10 * time.Second

type fixture struct {
	svc *emr.Service
	reg *op.Registry
	ctx context.Context
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := emr.New(emr.Options{Store: st, Delay: delay})
	reg := &op.Registry{}
	emr.Register(reg, svc)
	return &fixture{svc: svc, reg: reg, ctx: ctx}
}

func at(d time.Duration) *op.Call {
	return &op.Call{Account: acct, Region: "us-east-1", Now: t0.Add(d), Service: "elasticmapreduce",
		Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: string(acct)}}
}

func str(s string) *string { return &s }

func step(name string) emr.StepConfig {
	return emr.StepConfig{Name: name, HadoopJarStep: emr.HadoopJarStepConfig{Jar: "command-runner.jar", Args: []string{"true"}}}
}

func TestShapes(t *testing.T) {
	c := shapecheck.New(t)
	m, err := c.Model("emr")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	for _, e := range f.reg.Entries() {
		in := reflect.New(e.InputType()).Interface()
		var out any = reflect.New(e.OutputType()).Interface()
		if m.Operations[e.Name()].Output == nil {
			out = nil
		}
		c.Check(t, "emr", e.Name(), in, out, shapecheck.Required())
	}
}

func (f *fixture) run(t *testing.T, keepAlive bool, steps ...emr.StepConfig) string {
	t.Helper()
	out, err := f.svc.RunJobFlow(f.ctx, at(0), &emr.RunJobFlowInput{Name: "c", ReleaseLabel: str("emr-7.0.0"),
		Instances: emr.JobFlowInstancesConfig{InstanceCount: new(int32(1)), KeepJobFlowAliveWhenNoSteps: &keepAlive},
		Steps:     steps, Tags: []emr.Tag{{Key: str("owner"), Value: str("alice")}}})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^j-[A-Z0-9]{13}$`).MatchString(out.JobFlowId) {
		t.Errorf("JobFlowId %q", out.JobFlowId)
	}
	if out.ClusterArn != "arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/"+out.JobFlowId {
		t.Errorf("ClusterArn %q", out.ClusterArn)
	}
	return out.JobFlowId
}

func (f *fixture) state(t *testing.T, id string, d time.Duration) (string, []string) {
	t.Helper()
	out, err := f.svc.DescribeCluster(f.ctx, at(d), &emr.ClusterIDInput{ClusterId: id})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := f.svc.ListSteps(f.ctx, at(d), &emr.ListStepsInput{ClusterId: id})
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for i := len(ls.Steps) - 1; i >= 0; i-- {
		steps = append(steps, ls.Steps[i].Status.State)
	}
	return out.Cluster.Status.State, steps
}

// TestProgression follows the state machine of the package documentation
// on the injected clock (each state lasts delay).
func TestProgression(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	keep := f.run(t, true, step("a"), step("b"))
	auto := f.run(t, false, step("a"))
	tests := []struct {
		id        string
		d         time.Duration
		state     string
		stepsWant []string
	}{
		{keep, 0, "STARTING", []string{"PENDING", "PENDING"}},
		{keep, delay, "BOOTSTRAPPING", []string{"PENDING", "PENDING"}},
		{keep, 2 * delay, "RUNNING", []string{"RUNNING", "PENDING"}},
		{keep, 3 * delay, "RUNNING", []string{"COMPLETED", "RUNNING"}},
		{keep, 4 * delay, "WAITING", []string{"COMPLETED", "COMPLETED"}},
		{keep, time.Hour, "WAITING", []string{"COMPLETED", "COMPLETED"}},
		{auto, 2 * delay, "RUNNING", []string{"RUNNING"}},
		{auto, 3 * delay, "TERMINATING", []string{"COMPLETED"}},
		{auto, 4 * delay, "TERMINATED", []string{"COMPLETED"}},
	}
	for _, tt := range tests {
		state, steps := f.state(t, tt.id, tt.d)
		if state != tt.state || !cmp.Equal(steps, tt.stepsWant) {
			t.Errorf("%s at +%v: %s %v, want %s %v", tt.id, tt.d, state, steps, tt.state, tt.stepsWant)
		}
	}
	d, _ := f.svc.DescribeCluster(f.ctx, at(time.Hour), &emr.ClusterIDInput{ClusterId: auto})
	if r := d.Cluster.Status.StateChangeReason; r == nil || *r.Code != "ALL_STEPS_COMPLETED" || d.Cluster.Status.Timeline.EndDateTime == nil {
		t.Errorf("auto-terminated cluster status: %+v", d.Cluster.Status)
	}

	// A step added to a waiting cluster runs, then it waits again.
	add, err := f.svc.AddJobFlowSteps(f.ctx, at(time.Hour), &emr.AddJobFlowStepsInput{JobFlowId: keep, Steps: []emr.StepConfig{step("c")}})
	if err != nil || len(add.StepIds) != 1 {
		t.Fatalf("AddJobFlowSteps: %v", err)
	}
	if st, _ := f.state(t, keep, time.Hour+delay/2); st != "RUNNING" {
		t.Errorf("after AddJobFlowSteps: %s", st)
	}
	ds, err := f.svc.DescribeStep(f.ctx, at(time.Hour+2*delay), &emr.DescribeStepInput{ClusterId: keep, StepId: add.StepIds[0]})
	if err != nil || ds.Step.Status.State != "COMPLETED" || ds.Step.Config.Jar == nil || *ds.Step.Config.Jar != "command-runner.jar" {
		t.Errorf("DescribeStep: %+v %v", ds, err)
	}
	// Terminate: TERMINATING, then TERMINATED by user request; a pending
	// step is cancelled.
	if _, err := f.svc.AddJobFlowSteps(f.ctx, at(2*time.Hour), &emr.AddJobFlowStepsInput{JobFlowId: keep, Steps: []emr.StepConfig{step("d"), step("e")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TerminateJobFlows(f.ctx, at(2*time.Hour+delay/2), &emr.TerminateJobFlowsInput{JobFlowIds: []string{keep}}); err != nil {
		t.Fatal(err)
	}
	state, steps := f.state(t, keep, 2*time.Hour+delay/2)
	if state != "TERMINATING" || !cmp.Equal(steps[3:], []string{"CANCELLED", "CANCELLED"}) {
		t.Errorf("terminating: %s %v", state, steps)
	}
	d, _ = f.svc.DescribeCluster(f.ctx, at(3*time.Hour), &emr.ClusterIDInput{ClusterId: keep})
	if d.Cluster.Status.State != "TERMINATED" || *d.Cluster.Status.StateChangeReason.Code != "USER_REQUEST" {
		t.Errorf("terminated: %+v", d.Cluster.Status)
	}
	_, err = f.svc.AddJobFlowSteps(f.ctx, at(3*time.Hour), &emr.AddJobFlowStepsInput{JobFlowId: keep, Steps: []emr.StepConfig{step("f")}})
	if !errors.Is(err, emr.ErrValidation) {
		t.Errorf("AddJobFlowSteps to a terminated cluster: %v", err)
	}
}

func TestErrorsAndLists(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.svc.DescribeCluster(f.ctx, at(0), &emr.ClusterIDInput{ClusterId: "j-NOPE"})
	if !errors.Is(err, &emr.Error{Code: emr.CodeInvalidRequest, Message: "Cluster id 'j-NOPE' is not valid."}) {
		t.Errorf("DescribeCluster of a missing cluster: %v", err)
	}
	_, err = f.svc.TerminateJobFlows(f.ctx, at(0), &emr.TerminateJobFlowsInput{JobFlowIds: []string{"j-NOPE"}})
	if !errors.Is(err, emr.ErrValidation) {
		t.Errorf("TerminateJobFlows of a missing cluster: %v", err)
	}
	prot, err := f.svc.RunJobFlow(f.ctx, at(0), &emr.RunJobFlowInput{Name: "p",
		Instances: emr.JobFlowInstancesConfig{InstanceCount: new(int32(1)), KeepJobFlowAliveWhenNoSteps: new(true), TerminationProtected: new(true)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.TerminateJobFlows(f.ctx, at(0), &emr.TerminateJobFlowsInput{JobFlowIds: []string{prot.JobFlowId}})
	if !errors.Is(err, emr.ErrValidation) {
		t.Errorf("TerminateJobFlows of a protected cluster: %v", err)
	}
	other := f.run(t, false)
	ls, err := f.svc.ListClusters(f.ctx, at(time.Hour), &emr.ListClustersInput{ClusterStates: []string{"WAITING"}})
	if err != nil || len(ls.Clusters) != 1 || ls.Clusters[0].Id != prot.JobFlowId {
		t.Errorf("ListClusters(WAITING) = %+v, %v", ls, err)
	}
	ls, _ = f.svc.ListClusters(f.ctx, at(time.Hour), &emr.ListClustersInput{ClusterStates: []string{"TERMINATED"}})
	if len(ls.Clusters) != 1 || ls.Clusters[0].Id != other {
		t.Errorf("ListClusters(TERMINATED) = %+v", ls)
	}
	ls, _ = f.svc.ListClusters(f.ctx, at(time.Hour), &emr.ListClustersInput{CreatedAfter: new(t0.Add(time.Second))})
	if len(ls.Clusters) != 0 {
		t.Errorf("ListClusters(CreatedAfter) = %+v", ls)
	}
	_, err = f.svc.ListClusters(f.ctx, at(0), &emr.ListClustersInput{Marker: str("bad")})
	if !errors.Is(err, emr.ErrInvalidRequest) {
		t.Errorf("bad marker: %v", err)
	}
	// Paging: 60 clusters in pages of 50, newest first.
	for range 58 {
		f.run(t, true)
	}
	var ids []string
	in := &emr.ListClustersInput{}
	for {
		out, err := f.svc.ListClusters(f.ctx, at(time.Hour), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range out.Clusters {
			ids = append(ids, c.Id)
		}
		if out.Marker == nil {
			break
		}
		in.Marker = out.Marker
	}
	if len(ids) != 60 {
		t.Errorf("paged %d clusters, want 60", len(ids))
	}
}

// TestChecks pins the checks: RunJobFlow on "*" with request tags and
// iam:PassRole for its roles; cluster operations on the cluster ARN with
// its tags under elasticmapreduce:ResourceTag/. Source:
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticmapreduce.html
func TestChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e, _ := f.reg.Lookup("emr", "RunJobFlow")
	checks, err := e.Authorize(f.ctx, at(0), &emr.RunJobFlowInput{Name: "c", ServiceRole: str("EMR_DefaultRole"), JobFlowRole: str("EMR_EC2_DefaultRole"),
		Tags: []emr.Tag{{Key: str("owner"), Value: str("alice")}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []op.Check{
		{Action: "elasticmapreduce:RunJobFlow", Resource: "*", Context: map[string][]string{
			"aws:RequestTag/owner": {"alice"}, "elasticmapreduce:RequestTag/owner": {"alice"}, "aws:TagKeys": {"owner"}}},
		{Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/EMR_DefaultRole", Context: map[string][]string{"iam:PassedToService": {"elasticmapreduce.amazonaws.com"}}},
		{Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/EMR_EC2_DefaultRole", Context: map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}},
	}
	if diff := cmp.Diff(want, checks); diff != "" {
		t.Errorf("RunJobFlow checks (-want +got):\n%s", diff)
	}
	id := f.run(t, true)
	for _, name := range []string{"DescribeCluster", "ListSteps", "TerminateJobFlows", "AddTags"} {
		e, _ := f.reg.Lookup("emr", name)
		var in any
		switch name {
		case "DescribeCluster":
			in = &emr.ClusterIDInput{ClusterId: id}
		case "ListSteps":
			in = &emr.ListStepsInput{ClusterId: id}
		case "TerminateJobFlows":
			in = &emr.TerminateJobFlowsInput{JobFlowIds: []string{id}}
		case "AddTags":
			in = &emr.AddTagsInput{ResourceId: id, Tags: []emr.Tag{{Key: str("k"), Value: str("v")}}}
		}
		checks, err := e.Authorize(f.ctx, at(0), in)
		if err != nil {
			t.Fatal(err)
		}
		ch := checks[0]
		if ch.Action != "elasticmapreduce:"+name || ch.Resource != "arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/"+id ||
			ch.TagKeyPrefix != "elasticmapreduce:ResourceTag/" || ch.ResourceTags["owner"] != "alice" {
			t.Errorf("%s check: %+v", name, ch)
		}
	}
}
