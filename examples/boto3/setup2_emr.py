"""Setup 2 (per-user ABAC through one shared role), EMR side, with boto3.

A user may reach an EMR cluster only when the cluster carries their user
name as a tag. Creates the shared execution role whose policy keys
elasticmapreduce actions to the tag owner=${aws:SourceIdentity}, assumes it
with SourceIdentity alice and bob, and checks that each user creates only
clusters tagged with their own name, describes, steps and terminates only
those, that every denial is AccessDeniedException and changes nothing, and
that the audit trail has every call with its sourceIdentity. Run against a
server started with `abacus serve`:

    eval "$(abacus env)"
    python3 examples/boto3/setup2_emr.py

Exits non-zero (with a message) when anything differs from AWS's behaviour.
"""

import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

ROLE = "studio-exec-emr"
USERS = ("alice", "bob")


def code(err):
    return err.response["Error"]["Code"]


def run_cluster(emr, name, owner):
    tags = [{"Key": "owner", "Value": owner}] if owner else []
    return emr.run_job_flow(
        Name=name, ReleaseLabel="emr-7.2.0",
        Instances={"MasterInstanceType": "m5.xlarge", "SlaveInstanceType": "m5.xlarge", "InstanceCount": 3,
                   "KeepJobFlowAliveWhenNoSteps": True},
        Applications=[{"Name": "Spark"}], ServiceRole="EMR_DefaultRole", JobFlowRole="EMR_EC2_DefaultRole",
        VisibleToAllUsers=True, Tags=tags)


def main():
    iam = boto3.client("iam")
    account = boto3.client("sts").get_caller_identity()["Account"]
    role_arn = f"arn:aws:iam::{account}:role/{ROLE}"

    iam.create_user(UserName="emr-launcher")
    iam.put_user_policy(UserName="emr-launcher", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"], "Resource": role_arn}],
    }))
    key = iam.create_access_key(UserName="emr-launcher")["AccessKey"]
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                       "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}],
    }))
    iam.put_role_policy(RoleName=ROLE, PolicyName="own-clusters", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "OwnClusters", "Effect": "Allow",
             "Action": ["elasticmapreduce:DescribeCluster", "elasticmapreduce:AddJobFlowSteps",
                        "elasticmapreduce:ListSteps", "elasticmapreduce:TerminateJobFlows"],
             "Resource": "arn:aws:elasticmapreduce:*:*:cluster/*",
             "Condition": {"StringEquals": {"elasticmapreduce:ResourceTag/owner": "${aws:SourceIdentity}"}}},
            {"Sid": "CreateTaggedWithSelf", "Effect": "Allow", "Action": "elasticmapreduce:RunJobFlow", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/owner": "${aws:SourceIdentity}"}}},
            {"Sid": "PassEMRRoles", "Effect": "Allow", "Action": "iam:PassRole",
             "Resource": [f"arn:aws:iam::{account}:role/EMR_DefaultRole", f"arn:aws:iam::{account}:role/EMR_EC2_DefaultRole"]},
        ],
    }))

    launcher = boto3.client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    clients = {}
    for user in USERS:
        creds = launcher.assume_role(RoleArn=role_arn, RoleSessionName="SageMaker", SourceIdentity=user)["Credentials"]
        clients[user] = boto3.client("emr", aws_access_key_id=creds["AccessKeyId"],
                                     aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])

    failures = []
    clusters = {}
    for user in USERS:
        out = run_cluster(clients[user], f"{user}-spark", user)
        clusters[user] = out["JobFlowId"]
        if not out["ClusterArn"].endswith(f":cluster/{out['JobFlowId']}"):
            failures.append(f"ClusterArn {out['ClusterArn']}")
        state = clients[user].describe_cluster(ClusterId=out["JobFlowId"])["Cluster"]["Status"]["State"]
        print(f"{user}: created {out['JobFlowId']} ({state})")

    def denied(what, call):
        try:
            call()
            failures.append(f"{what} was allowed")
        except ClientError as e:
            if code(e) != "AccessDeniedException":
                failures.append(f"{what}: {code(e)}, want AccessDeniedException")

    for user, other in (("alice", "bob"), ("bob", "alice")):
        cl = clients[user]
        denied(f"{user} RunJobFlow tagged owner={other}", lambda: run_cluster(cl, "impostor", other))
        denied(f"{user} RunJobFlow untagged", lambda: run_cluster(cl, "untagged", None))
        denied(f"{user} DescribeCluster of {other}'s", lambda: cl.describe_cluster(ClusterId=clusters[other]))
        denied(f"{user} AddJobFlowSteps to {other}'s", lambda: cl.add_job_flow_steps(JobFlowId=clusters[other], Steps=[
            {"Name": "evil", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["true"]}}]))
        denied(f"{user} TerminateJobFlows of {other}'s", lambda: cl.terminate_job_flows(JobFlowIds=[clusters[other]]))
        print(f"{user}: denied on {other}'s cluster")

    # The denials changed nothing: no steps, still running; one cluster each.
    emr = boto3.client("emr")
    for user in USERS:
        if emr.list_steps(ClusterId=clusters[user])["Steps"]:
            failures.append(f"{user}'s cluster has steps after the other's denied call")
        st = emr.describe_cluster(ClusterId=clusters[user])["Cluster"]["Status"]["State"]
        if st in ("TERMINATING", "TERMINATED"):
            failures.append(f"{user}'s cluster is {st} after the other's denied call")
    if len(emr.list_clusters()["Clusters"]) != 2:
        failures.append("a denied RunJobFlow created a cluster")

    # Each user works on and ends their own cluster.
    for user in USERS:
        step = clients[user].add_job_flow_steps(JobFlowId=clusters[user], Steps=[
            {"Name": "etl", "ActionOnFailure": "CONTINUE", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", "etl.py"]}}])
        if len(step["StepIds"]) != 1:
            failures.append(f"{user} AddJobFlowSteps returned {step}")
        clients[user].terminate_job_flows(JobFlowIds=[clusters[user]])
        st = clients[user].describe_cluster(ClusterId=clusters[user])["Cluster"]["Status"]
        if st["State"] not in ("TERMINATING", "TERMINATED"):
            failures.append(f"{user}'s cluster is {st['State']} after TerminateJobFlows")

    time.sleep(0.1)
    ct = boto3.client("cloudtrail")
    seen = {u: 0 for u in USERS}
    for page in ct.get_paginator("lookup_events").paginate(
            LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "elasticmapreduce.amazonaws.com"}]):
        for ev in page["Events"]:
            rec = json.loads(ev["CloudTrailEvent"])
            si = rec.get("userIdentity", {}).get("sessionContext", {}).get("sourceIdentity")
            if si in seen:
                seen[si] += 1
    for user in USERS:
        # run + describe + 5 denials + add steps + terminate + describe
        if seen[user] < 10:
            failures.append(f"{seen[user]} audit events with sourceIdentity {user}, want at least 10")
    print(f"audit: EMR events by source identity {seen}")

    if failures:
        sys.exit("FAILED:\n  " + "\n  ".join(failures))
    print("setup 2 EMR checks passed")


if __name__ == "__main__":
    main()
