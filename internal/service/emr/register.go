package emr

import "abacus/internal/op"

const svc = "emr"

// Register registers every EMR operation abacus serves with r, each with
// the checks the Service Authorization Reference lists for it.
func Register(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[RunJobFlowInput, RunJobFlowOutput]{Service: svc, Name: "RunJobFlow",
		Authorize: s.authorizeRunJobFlow, Handle: s.RunJobFlow})
	op.Register(r, op.Spec[ClusterIDInput, DescribeClusterOutput]{Service: svc, Name: "DescribeCluster", ReadOnly: true,
		Authorize: on(s, "elasticmapreduce:DescribeCluster", func(in *ClusterIDInput) string { return in.ClusterId }, nil),
		Handle:    s.DescribeCluster})
	op.Register(r, op.Spec[ListClustersInput, ListClustersOutput]{Service: svc, Name: "ListClusters", ReadOnly: true,
		Authorize: op.Any[ListClustersInput]("elasticmapreduce:ListClusters"), Handle: s.ListClusters})
	op.Register(r, op.Spec[TerminateJobFlowsInput, EmptyOutput]{Service: svc, Name: "TerminateJobFlows",
		Authorize: s.authorizeTerminate, Handle: s.TerminateJobFlows})
	op.Register(r, op.Spec[AddTagsInput, EmptyOutput]{Service: svc, Name: "AddTags",
		Authorize: on(s, "elasticmapreduce:AddTags", func(in *AddTagsInput) string { return in.ResourceId }, func(in *AddTagsInput) map[string][]string {
			k := map[string][]string{}
			requestTags(k, in.Tags)
			return k
		}),
		Handle: s.AddTags})
	op.Register(r, op.Spec[RemoveTagsInput, EmptyOutput]{Service: svc, Name: "RemoveTags",
		Authorize: on(s, "elasticmapreduce:RemoveTags", func(in *RemoveTagsInput) string { return in.ResourceId }, func(in *RemoveTagsInput) map[string][]string {
			return map[string][]string{"aws:TagKeys": append([]string{}, in.TagKeys...)}
		}),
		Handle: s.RemoveTags})
	op.Register(r, op.Spec[AddJobFlowStepsInput, AddJobFlowStepsOutput]{Service: svc, Name: "AddJobFlowSteps",
		Authorize: on(s, "elasticmapreduce:AddJobFlowSteps", func(in *AddJobFlowStepsInput) string { return in.JobFlowId }, func(in *AddJobFlowStepsInput) map[string][]string {
			if in.ExecutionRoleArn == nil {
				return nil
			}
			return map[string][]string{"elasticmapreduce:ExecutionRoleArn": {*in.ExecutionRoleArn}}
		}),
		Handle: s.AddJobFlowSteps})
	op.Register(r, op.Spec[ListStepsInput, ListStepsOutput]{Service: svc, Name: "ListSteps", ReadOnly: true,
		Authorize: on(s, "elasticmapreduce:ListSteps", func(in *ListStepsInput) string { return in.ClusterId }, nil),
		Handle:    s.ListSteps})
	op.Register(r, op.Spec[DescribeStepInput, DescribeStepOutput]{Service: svc, Name: "DescribeStep", ReadOnly: true,
		Authorize: on(s, "elasticmapreduce:DescribeStep", func(in *DescribeStepInput) string { return in.ClusterId }, nil),
		Handle:    s.DescribeStep})
}
