package emr

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/internal/resource"
	"abacus/internal/store"
)

const tagPrefix = "elasticmapreduce:ResourceTag/"

// maxPage is EMR's page size for ListClusters and ListSteps.
const maxPage = 50

// requestTags sets aws:RequestTag/*, elasticmapreduce:RequestTag/* and
// aws:TagKeys for tags.
func requestTags(keys map[string][]string, tags []Tag) {
	resource.RequestTags(keys, resource.Tags(tags, Tag.pair), "elasticmapreduce:RequestTag/")
}

// pair is a tag as the store keeps it (for [resource.Tags]); a missing key
// or value is empty.
func (t Tag) pair() (string, string) { return deref(t.Key), deref(t.Value) }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// roleARN is the ARN of a role named in RunJobFlow (a name or an ARN).
func roleARN(acct model.AccountID, name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return "arn:aws:iam::" + string(acct) + ":role/" + name
}

func (s *Service) authorizeRunJobFlow(_ context.Context, c *op.Call, in *RunJobFlowInput) ([]op.Check, error) {
	keys := map[string][]string{}
	requestTags(keys, in.Tags)
	checks := []op.Check{{Action: "elasticmapreduce:RunJobFlow", Resource: "*", Context: keys}}
	pass := func(role *string, service string) {
		if role == nil || *role == "" {
			return
		}
		checks = append(checks, op.Check{Action: "iam:PassRole", Resource: roleARN(c.Account, *role),
			Context: map[string][]string{"iam:PassedToService": {service}}})
	}
	// The service role is passed to EMR, the instance profile's role to
	// EC2 (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-role-for-ec2.html).
	pass(in.ServiceRole, "elasticmapreduce.amazonaws.com")
	pass(in.JobFlowRole, "ec2.amazonaws.com")
	pass(in.AutoScalingRole, "application-autoscaling.amazonaws.com")
	return checks, nil
}

func validateTags(tags []Tag) error {
	for _, t := range tags {
		if t.Key == nil || *t.Key == "" || len(*t.Key) > 128 {
			return invalidRequest("Tag keys must be between 1 and 128 characters long.")
		}
		if len(deref(t.Value)) > 256 {
			return invalidRequest("Tag values can't be longer than 256 characters.")
		}
	}
	return nil
}

func validateSteps(steps []StepConfig) error {
	for _, st := range steps {
		if st.Name == "" || st.HadoopJarStep.Jar == "" {
			return validation("A step needs a Name and a HadoopJarStep.Jar.")
		}
		if a := deref(st.ActionOnFailure); a != "" && !slices.Contains([]string{"TERMINATE_JOB_FLOW", "TERMINATE_CLUSTER", "CANCEL_AND_WAIT", "CONTINUE"}, a) {
			return validation("ActionOnFailure %q is not valid.", a)
		}
	}
	return nil
}

// RunJobFlow creates a cluster, with its steps queued.
func (s *Service) RunJobFlow(ctx context.Context, c *op.Call, in *RunJobFlowInput) (*RunJobFlowOutput, error) {
	if in.Name == "" || len(in.Name) > 256 {
		return nil, validation("Name must be 1-256 characters long.")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	if err := validateSteps(in.Steps); err != nil {
		return nil, err
	}
	if in.Instances.InstanceCount == nil && len(in.Instances.InstanceGroups) == 0 {
		return nil, validation("Instance count or instance groups must be specified.")
	}
	id, err := s.newID("j-")
	if err != nil {
		return nil, err
	}
	now := s.env.CallTime(c)
	doc := clusterDoc{ID: id, Region: c.Region, Created: now, Input: *in,
		KeepAlive: in.Instances.KeepJobFlowAliveWhenNoSteps != nil && *in.Instances.KeepJobFlowAliveWhenNoSteps,
		Protected: in.Instances.TerminationProtected != nil && *in.Instances.TerminationProtected}
	doc.Input.Steps, doc.Input.Tags = nil, nil
	for _, st := range in.Steps {
		sid, err := s.newID("s-")
		if err != nil {
			return nil, err
		}
		doc.Steps = append(doc.Steps, stepDoc{ID: sid, Config: st, Added: now, ExecutionRoleArn: in.StepExecutionRoleArn})
	}
	cl := s.clusters.New(c, id, clusterARN(c.Region, c.Account, id), now, doc)
	cl.Res.Name = in.Name
	cl.Res.Tags = resource.SetTags(cl.Res.Tags, resource.Tags(in.Tags, Tag.pair))
	if err := cl.Encode(); err != nil {
		return nil, err
	}
	if err := s.env.Store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateResource(ctx, c.Account, cl.Res)
		return err
	}); err != nil {
		return nil, err
	}
	return &RunJobFlowOutput{JobFlowId: id, ClusterArn: cl.Res.ARN}, nil
}

// clusterCheck is the check of action on the cluster id names, with its
// tags; a cluster that does not exist is checked on its would-be ARN
// without tags.
func (s *Service) clusterCheck(ctx context.Context, c *op.Call, id, action string, keys map[string][]string) (op.Check, error) {
	return s.clusters.Check(ctx, s.env.Store, c, id, s.env.CallTime(c),
		op.Check{Action: action, Resource: clusterARN(c.Region, c.Account, id), Context: keys, TagKeyPrefix: tagPrefix})
}

func isInvalid(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Code == CodeInvalidRequest
}

// on is the Authorize of an operation on one cluster.
func on[In any](s *Service, action string, id func(*In) string, keys func(*In) map[string][]string) func(context.Context, *op.Call, *In) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *In) ([]op.Check, error) {
		var k map[string][]string
		if keys != nil {
			k = keys(in)
		}
		ch, err := s.clusterCheck(ctx, c, id(in), action, k)
		if err != nil {
			return nil, err
		}
		return []op.Check{ch}, nil
	}
}

// describe renders a cluster at now.
func (s *Service) describe(cl *cluster, now time.Time) Cluster {
	d := &cl.Doc
	st := s.evaluate(d, now)
	in := &d.Input
	out := Cluster{
		Id: d.ID, Name: in.Name, ClusterArn: cl.Res.ARN,
		Status:                 clusterStatus(d, st),
		InstanceCollectionType: new("INSTANCE_GROUP"),
		LogUri:                 in.LogUri, LogEncryptionKmsKeyId: in.LogEncryptionKmsKeyId,
		RequestedAmiVersion: in.AmiVersion, RunningAmiVersion: in.AmiVersion,
		ReleaseLabel: in.ReleaseLabel, AutoTerminate: !d.KeepAlive, TerminationProtected: d.Protected,
		VisibleToAllUsers: in.VisibleToAllUsers == nil || *in.VisibleToAllUsers,
		Applications:      in.Applications, ServiceRole: in.ServiceRole, Configurations: in.Configurations,
		SecurityConfiguration: in.SecurityConfiguration, AutoScalingRole: in.AutoScalingRole,
		ScaleDownBehavior: in.ScaleDownBehavior, CustomAmiId: in.CustomAmiId, EbsRootVolumeSize: in.EbsRootVolumeSize,
		StepConcurrencyLevel: 1, OSReleaseLabel: in.OSReleaseLabel,
		Ec2InstanceAttributes: &Ec2InstanceAttributes{
			Ec2KeyName: in.Instances.Ec2KeyName, Ec2SubnetId: in.Instances.Ec2SubnetId,
			RequestedEc2SubnetIds: in.Instances.Ec2SubnetIds, IamInstanceProfile: in.JobFlowRole,
			EmrManagedMasterSecurityGroup:  in.Instances.EmrManagedMasterSecurityGroup,
			EmrManagedSlaveSecurityGroup:   in.Instances.EmrManagedSlaveSecurityGroup,
			ServiceAccessSecurityGroup:     in.Instances.ServiceAccessSecurityGroup,
			AdditionalMasterSecurityGroups: in.Instances.AdditionalMasterSecurityGroups,
			AdditionalSlaveSecurityGroups:  in.Instances.AdditionalSlaveSecurityGroups,
		},
	}
	if in.Instances.Placement != nil {
		out.Ec2InstanceAttributes.Ec2AvailabilityZone = in.Instances.Placement.AvailabilityZone
		out.Ec2InstanceAttributes.RequestedEc2AvailabilityZones = in.Instances.Placement.AvailabilityZones
	}
	if out.Ec2InstanceAttributes.Ec2AvailabilityZone == nil {
		out.Ec2InstanceAttributes.Ec2AvailabilityZone = new(d.Region + "a")
	}
	if in.StepConcurrencyLevel != nil {
		out.StepConcurrencyLevel = *in.StepConcurrencyLevel
	}
	if st.State == StateRunning || st.State == StateWaiting {
		out.MasterPublicDnsName = new("ip-10-0-0-1." + d.Region + ".compute.internal")
	}
	out.Tags = []Tag{}
	for _, t := range cl.Res.Tags {
		out.Tags = append(out.Tags, Tag{Key: new(t.Key), Value: new(t.Value)})
	}
	return out
}

func clusterStatus(d *clusterDoc, st clusterState) ClusterStatus {
	return ClusterStatus{State: st.State, StateChangeReason: st.Reason,
		Timeline: &ClusterTimeline{CreationDateTime: new(d.Created), ReadyDateTime: st.Ready, EndDateTime: st.Ended}}
}

// DescribeCluster describes a cluster.
func (s *Service) DescribeCluster(ctx context.Context, c *op.Call, in *ClusterIDInput) (*DescribeClusterOutput, error) {
	var out *DescribeClusterOutput
	err := s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		cl, err := s.get(ctx, tx, c, in.ClusterId)
		if err != nil {
			return err
		}
		out = &DescribeClusterOutput{Cluster: s.describe(cl, s.env.CallTime(c))}
		return nil
	})
	return out, err
}

// markers are ListClusters' and ListSteps' page markers.
const markers resource.Pager = "abacus-emr:"

func parseMarker(m *string) (int, error) {
	n, ok := markers.Position(m)
	if !ok {
		return 0, invalidRequest("Invalid marker.")
	}
	return n, nil
}

// ListClusters lists the region's clusters, newest first, filtered by
// state and creation time, 50 a page.
func (s *Service) ListClusters(ctx context.Context, c *op.Call, in *ListClustersInput) (*ListClustersOutput, error) {
	off, err := parseMarker(in.Marker)
	if err != nil {
		return nil, err
	}
	now := s.env.CallTime(c)
	var all []ClusterSummary
	var created []time.Time
	err = s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		cls, err := s.clusters.List(ctx, tx, c, now)
		if err != nil {
			return err
		}
		for _, cl := range cls {
			d := &cl.Doc
			if in.CreatedAfter != nil && d.Created.Before(*in.CreatedAfter) || in.CreatedBefore != nil && d.Created.After(*in.CreatedBefore) {
				continue
			}
			st := s.evaluate(d, now)
			if len(in.ClusterStates) > 0 && !slices.Contains(in.ClusterStates, st.State) {
				continue
			}
			all = append(all, ClusterSummary{Id: d.ID, Name: d.Input.Name, Status: clusterStatus(d, st), ClusterArn: cl.Res.ARN})
			created = append(created, d.Created)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(all))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ta, tb := created[idx[a]], created[idx[b]]
		if ta.Equal(tb) {
			return all[idx[a]].Id > all[idx[b]].Id
		}
		return ta.After(tb)
	})
	page, next := resource.Page(markers, idx, off, maxPage)
	out := &ListClustersOutput{Clusters: []ClusterSummary{}, Marker: next}
	for _, i := range page {
		out.Clusters = append(out.Clusters, all[i])
	}
	return out, nil
}

func (s *Service) authorizeTerminate(ctx context.Context, c *op.Call, in *TerminateJobFlowsInput) ([]op.Check, error) {
	var checks []op.Check
	for _, id := range in.JobFlowIds {
		ch, err := s.clusterCheck(ctx, c, id, "elasticmapreduce:TerminateJobFlows", nil)
		if err != nil {
			return nil, err
		}
		checks = append(checks, ch)
	}
	if len(checks) == 0 {
		return nil, validation("JobFlowIds must not be empty.")
	}
	return checks, nil
}

// TerminateJobFlows requests the termination of clusters: each goes
// TERMINATING and then TERMINATED (USER_REQUEST); clusters already ending
// are left alone. A termination-protected cluster fails the whole call.
func (s *Service) TerminateJobFlows(ctx context.Context, c *op.Call, in *TerminateJobFlowsInput) (*EmptyOutput, error) {
	now := s.env.CallTime(c)
	err := s.env.Store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		var todo []*cluster
		for _, id := range in.JobFlowIds {
			cl, err := s.get(ctx, tx, c, id)
			if err != nil {
				if isInvalid(err) {
					return validation("Job flow ID %s is not valid.", id)
				}
				return err
			}
			if cl.Doc.Protected {
				return validation("Could not shut down one or more job flows since they are termination protected.")
			}
			todo = append(todo, cl)
		}
		for _, cl := range todo {
			st := s.evaluate(&cl.Doc, now)
			if st.State == StateTerminating || st.State == StateTerminated {
				continue
			}
			cl.Doc.TerminateAt = new(now)
			if err := s.clusters.Put(ctx, tx, c, cl, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// mutate changes one cluster in a transaction.
func (s *Service) mutate(ctx context.Context, c *op.Call, id string, fn func(cl *cluster, now time.Time) error) error {
	return s.clusters.Update(ctx, s.env.Store, c, id, s.env.CallTime(c), fn)
}

// AddTags adds or replaces a cluster's tags.
func (s *Service) AddTags(ctx context.Context, c *op.Call, in *AddTagsInput) (*EmptyOutput, error) {
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	err := s.mutate(ctx, c, in.ResourceId, func(cl *cluster, _ time.Time) error {
		cl.Res.Tags = resource.SetTags(cl.Res.Tags, resource.Tags(in.Tags, Tag.pair))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// RemoveTags removes a cluster's tags by key.
func (s *Service) RemoveTags(ctx context.Context, c *op.Call, in *RemoveTagsInput) (*EmptyOutput, error) {
	err := s.mutate(ctx, c, in.ResourceId, func(cl *cluster, _ time.Time) error {
		cl.Res.Tags = resource.RemoveTags(cl.Res.Tags, in.TagKeys)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// AddJobFlowSteps queues steps on a cluster that is not ending.
func (s *Service) AddJobFlowSteps(ctx context.Context, c *op.Call, in *AddJobFlowStepsInput) (*AddJobFlowStepsOutput, error) {
	if err := validateSteps(in.Steps); err != nil {
		return nil, err
	}
	out := &AddJobFlowStepsOutput{StepIds: []string{}}
	err := s.mutate(ctx, c, in.JobFlowId, func(cl *cluster, now time.Time) error {
		st := s.evaluate(&cl.Doc, now)
		if st.State == StateTerminating || st.State == StateTerminated {
			return validation("A job flow that is shutting down, terminated, or finished may not be modified.")
		}
		if len(cl.Doc.Steps)+len(in.Steps) > 256 {
			return validation("Maximum number of steps exceeded.")
		}
		for _, sc := range in.Steps {
			id, err := s.newID("s-")
			if err != nil {
				return err
			}
			cl.Doc.Steps = append(cl.Doc.Steps, stepDoc{ID: id, Config: sc, Added: now, ExecutionRoleArn: in.ExecutionRoleArn})
			out.StepIds = append(out.StepIds, id)
		}
		return nil
	})
	if err != nil {
		if isInvalid(err) {
			return nil, validation("Job flow ID %s is not valid.", in.JobFlowId)
		}
		return nil, err
	}
	return out, nil
}

func stepOf(sd *stepDoc, ss stepState) Step {
	cfg := HadoopStepConfig{Jar: new(sd.Config.HadoopJarStep.Jar), MainClass: sd.Config.HadoopJarStep.MainClass,
		Args: append([]string{}, sd.Config.HadoopJarStep.Args...), Properties: map[string]string{}}
	for _, kv := range sd.Config.HadoopJarStep.Properties {
		cfg.Properties[deref(kv.Key)] = deref(kv.Value)
	}
	aof := deref(sd.Config.ActionOnFailure)
	if aof == "" {
		aof = "CONTINUE"
	}
	st := StepStatus{State: ss.State, Timeline: &StepTimeline{CreationDateTime: new(sd.Added), StartDateTime: ss.Start, EndDateTime: ss.End},
		StateChangeReason: ss.Reason}
	if st.StateChangeReason == nil {
		st.StateChangeReason = &StepStateChangeReason{}
	}
	return Step{Id: sd.ID, Name: sd.Config.Name, Config: cfg, ActionOnFailure: aof, Status: st, ExecutionRoleArn: sd.ExecutionRoleArn}
}

// ListSteps lists a cluster's steps, most recent first, 50 a page.
func (s *Service) ListSteps(ctx context.Context, c *op.Call, in *ListStepsInput) (*ListStepsOutput, error) {
	off, err := parseMarker(in.Marker)
	if err != nil {
		return nil, err
	}
	var all []StepSummary
	err = s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		cl, err := s.get(ctx, tx, c, in.ClusterId)
		if err != nil {
			return err
		}
		st := s.evaluate(&cl.Doc, s.env.CallTime(c))
		for i := len(cl.Doc.Steps) - 1; i >= 0; i-- {
			sd := &cl.Doc.Steps[i]
			if len(in.StepIds) > 0 && !slices.Contains(in.StepIds, sd.ID) {
				continue
			}
			if len(in.StepStates) > 0 && !slices.Contains(in.StepStates, st.Steps[i].State) {
				continue
			}
			x := stepOf(sd, st.Steps[i])
			all = append(all, StepSummary{Id: x.Id, Name: x.Name, Config: x.Config, ActionOnFailure: x.ActionOnFailure, Status: x.Status})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	page, next := resource.Page(markers, all, off, maxPage)
	return &ListStepsOutput{Steps: append([]StepSummary{}, page...), Marker: next}, nil
}

// DescribeStep describes one step of a cluster.
func (s *Service) DescribeStep(ctx context.Context, c *op.Call, in *DescribeStepInput) (*DescribeStepOutput, error) {
	var out *DescribeStepOutput
	err := s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		cl, err := s.get(ctx, tx, c, in.ClusterId)
		if err != nil {
			return err
		}
		st := s.evaluate(&cl.Doc, s.env.CallTime(c))
		for i := range cl.Doc.Steps {
			if cl.Doc.Steps[i].ID == in.StepId {
				out = &DescribeStepOutput{Step: stepOf(&cl.Doc.Steps[i], st.Steps[i])}
				return nil
			}
		}
		return invalidRequest("Step id '%s' is not valid.", in.StepId)
	})
	return out, err
}
