// Package emr implements the cluster and step operations of Amazon EMR
// (JSON 1.1, target prefix ElasticMapReduce): RunJobFlow, DescribeCluster,
// ListClusters, TerminateJobFlows, AddTags, RemoveTags, AddJobFlowSteps,
// ListSteps and DescribeStep.
//
// Nothing runs: a cluster's state is computed from its stored history and
// the call's clock, so it progresses as on AWS without a background worker
// (and several nodes agree on it):
//
//	STARTING -> BOOTSTRAPPING -> RUNNING (while steps run) -> WAITING
//	         (or, without KeepJobFlowAliveWhenNoSteps, TERMINATING -> TERMINATED: ALL_STEPS_COMPLETED)
//	TerminateJobFlows: TERMINATING -> TERMINATED (USER_REQUEST); unfinished steps CANCELLED
//	steps: PENDING -> RUNNING -> COMPLETED, one at a time
//
// each state lasting Options.Delay. Clusters are generic store resources of
// type "emr:cluster" keyed by REGION/CLUSTER-ID, with AWS's IDs
// (j-XXXXXXXXXXXXX) and ARNs
// (arn:aws:elasticmapreduce:REGION:ACCOUNT:cluster/j-...).
//
// Authorization follows the Service Authorization Reference: RunJobFlow is
// elasticmapreduce:RunJobFlow on "*" with aws:RequestTag/*,
// elasticmapreduce:RequestTag/* and aws:TagKeys, plus iam:PassRole for the
// ServiceRole, JobFlowRole and AutoScalingRole it names; every other
// operation is checked on the cluster's ARN with the cluster's tags as
// aws:ResourceTag/* and elasticmapreduce:ResourceTag/*.
package emr
