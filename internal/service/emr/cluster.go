package emr

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

const tagPrefix = "elasticmapreduce:ResourceTag/"

// maxPage is EMR's page size for ListClusters and ListSteps.
const maxPage = 50

// requestTags sets aws:RequestTag/*, elasticmapreduce:RequestTag/* and
// aws:TagKeys for tags.
func requestTags(keys map[string][]string, tags []Tag) {
	if len(tags) == 0 {
		return
	}
	var tk []string
	for _, t := range tags {
		k, v := deref(t.Key), deref(t.Value)
		tk = append(tk, k)
		keys["aws:RequestTag/"+k] = []string{v}
		keys["elasticmapreduce:RequestTag/"+k] = []string{v}
	}
	keys["aws:TagKeys"] = tk
}

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
	now := s.callTime(c)
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
	cl := &cluster{res: model.Resource{Type: resourceType, ID: storeID(c.Region, id), ARN: clusterARN(c.Region, c.Account, id),
		Name: in.Name, CreateDate: now, UpdateDate: now}, doc: doc}
	for _, t := range in.Tags {
		cl.res.Tags = setTag(cl.res.Tags, deref(t.Key), deref(t.Value))
	}
	if err := cl.encode(); err != nil {
		return nil, err
	}
	if err := s.store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateResource(ctx, c.Account, cl.res)
		return err
	}); err != nil {
		return nil, err
	}
	return &RunJobFlowOutput{JobFlowId: id, ClusterArn: cl.res.ARN}, nil
}

func setTag(tags []model.Tag, k, v string) []model.Tag {
	for i := range tags {
		if tags[i].Key == k {
			tags[i].Value = v
			return tags
		}
	}
	return append(tags, model.Tag{Key: k, Value: v})
}

// clusterCheck is the check of action on the cluster id names, with its
// tags; a cluster that does not exist is checked on its would-be ARN
// without tags.
func (s *Service) clusterCheck(ctx context.Context, c *op.Call, id, action string, keys map[string][]string) (op.Check, error) {
	ch := op.Check{Action: action, Resource: clusterARN(c.Region, c.Account, id), Context: keys, TagKeyPrefix: tagPrefix}
	err := s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		cl, err := s.get(ctx, tx, c, id)
		if err != nil {
			return err
		}
		ch.ResourceTags = cl.tags()
		return nil
	})
	if err != nil && !isInvalid(err) {
		return op.Check{}, err
	}
	return ch, nil
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
	d := &cl.doc
	st := s.evaluate(d, now)
	in := &d.Input
	out := Cluster{
		Id: d.ID, Name: in.Name, ClusterArn: cl.res.ARN,
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
	for _, t := range cl.res.Tags {
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
	err := s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		cl, err := s.get(ctx, tx, c, in.ClusterId)
		if err != nil {
			return err
		}
		out = &DescribeClusterOutput{Cluster: s.describe(cl, s.callTime(c))}
		return nil
	})
	return out, err
}

// marker encodes a list position.
func marker(i int) *string {
	m := base64.RawURLEncoding.EncodeToString([]byte("abacus-emr:" + strconv.Itoa(i)))
	return &m
}

func parseMarker(m *string) (int, error) {
	if m == nil {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*m)
	rest, ok := strings.CutPrefix(string(b), "abacus-emr:")
	n, aerr := strconv.Atoi(rest)
	if err != nil || !ok || aerr != nil || n < 0 {
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
	now := s.callTime(c)
	var all []ClusterSummary
	var created []time.Time
	err = s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		opts := store.ResourceListOptions{Prefix: c.Region + "/", MaxItems: store.MaxMaxItems}
		for {
			page, err := tx.ListResources(ctx, c.Account, resourceType, opts)
			if err != nil {
				return err
			}
			for _, r := range page.Items {
				cl, err := decodeCluster(r)
				if err != nil {
					return err
				}
				d := &cl.doc
				if in.CreatedAfter != nil && d.Created.Before(*in.CreatedAfter) || in.CreatedBefore != nil && d.Created.After(*in.CreatedBefore) {
					continue
				}
				st := s.evaluate(d, now)
				if len(in.ClusterStates) > 0 && !slices.Contains(in.ClusterStates, st.State) {
					continue
				}
				all = append(all, ClusterSummary{Id: d.ID, Name: d.Input.Name, Status: clusterStatus(d, st), ClusterArn: cl.res.ARN})
				created = append(created, d.Created)
			}
			if !page.IsTruncated {
				return nil
			}
			opts.Marker = page.Marker
		}
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
	out := &ListClustersOutput{Clusters: []ClusterSummary{}}
	off = min(off, len(idx))
	end := min(off+maxPage, len(idx))
	for _, i := range idx[off:end] {
		out.Clusters = append(out.Clusters, all[i])
	}
	if end < len(idx) {
		out.Marker = marker(end)
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
	now := s.callTime(c)
	err := s.store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		var todo []*cluster
		for _, id := range in.JobFlowIds {
			cl, err := s.get(ctx, tx, c, id)
			if err != nil {
				if isInvalid(err) {
					return validation("Job flow ID %s is not valid.", id)
				}
				return err
			}
			if cl.doc.Protected {
				return validation("Could not shut down one or more job flows since they are termination protected.")
			}
			todo = append(todo, cl)
		}
		for _, cl := range todo {
			st := s.evaluate(&cl.doc, now)
			if st.State == StateTerminating || st.State == StateTerminated {
				continue
			}
			cl.doc.TerminateAt = new(now)
			if err := s.put(ctx, tx, c, cl, now); err != nil {
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

func (s *Service) put(ctx context.Context, tx store.Tx, c *op.Call, cl *cluster, now time.Time) error {
	cl.res.UpdateDate = now
	if err := cl.encode(); err != nil {
		return err
	}
	r, err := tx.UpdateResource(ctx, c.Account, cl.res)
	if err != nil {
		return err
	}
	cl.res = r
	return nil
}

// mutate changes one cluster in a transaction.
func (s *Service) mutate(ctx context.Context, c *op.Call, id string, fn func(cl *cluster, now time.Time) error) error {
	now := s.callTime(c)
	return s.store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		cl, err := s.get(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := fn(cl, now); err != nil {
			return err
		}
		return s.put(ctx, tx, c, cl, now)
	})
}

// AddTags adds or replaces a cluster's tags.
func (s *Service) AddTags(ctx context.Context, c *op.Call, in *AddTagsInput) (*EmptyOutput, error) {
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	err := s.mutate(ctx, c, in.ResourceId, func(cl *cluster, _ time.Time) error {
		for _, t := range in.Tags {
			cl.res.Tags = setTag(cl.res.Tags, deref(t.Key), deref(t.Value))
		}
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
		cl.res.Tags = slices.DeleteFunc(cl.res.Tags, func(t model.Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
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
		st := s.evaluate(&cl.doc, now)
		if st.State == StateTerminating || st.State == StateTerminated {
			return validation("A job flow that is shutting down, terminated, or finished may not be modified.")
		}
		if len(cl.doc.Steps)+len(in.Steps) > 256 {
			return validation("Maximum number of steps exceeded.")
		}
		for _, sc := range in.Steps {
			id, err := s.newID("s-")
			if err != nil {
				return err
			}
			cl.doc.Steps = append(cl.doc.Steps, stepDoc{ID: id, Config: sc, Added: now, ExecutionRoleArn: in.ExecutionRoleArn})
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
	err = s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		cl, err := s.get(ctx, tx, c, in.ClusterId)
		if err != nil {
			return err
		}
		st := s.evaluate(&cl.doc, s.callTime(c))
		for i := len(cl.doc.Steps) - 1; i >= 0; i-- {
			sd := &cl.doc.Steps[i]
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
	out := &ListStepsOutput{Steps: []StepSummary{}}
	off = min(off, len(all))
	end := min(off+maxPage, len(all))
	out.Steps = append(out.Steps, all[off:end]...)
	if end < len(all) {
		out.Marker = marker(end)
	}
	return out, nil
}

// DescribeStep describes one step of a cluster.
func (s *Service) DescribeStep(ctx context.Context, c *op.Call, in *DescribeStepInput) (*DescribeStepOutput, error) {
	var out *DescribeStepOutput
	err := s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		cl, err := s.get(ctx, tx, c, in.ClusterId)
		if err != nil {
			return err
		}
		st := s.evaluate(&cl.doc, s.callTime(c))
		for i := range cl.doc.Steps {
			if cl.doc.Steps[i].ID == in.StepId {
				out = &DescribeStepOutput{Step: stepOf(&cl.doc.Steps[i], st.Steps[i])}
				return nil
			}
		}
		return invalidRequest("Step id '%s' is not valid.", in.StepId)
	})
	return out, err
}
