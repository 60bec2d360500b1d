"""Setup 2 (per-user ABAC through one shared execution role): the data paths, with boto3.

Hundreds of SageMaker Studio users share one execution role; every session
of it carries aws:SourceIdentity = the user profile name, and the role's
policies (examples/policies/setup2-*.json) use ${aws:SourceIdentity} to keep
each user to

  - s3://my-bucket/my_domain/users/<self>/ (Put, Get, List with s3:prefix, Delete),
  - Secrets Manager secrets under user-secrets/<self>/ (the ARN ends in a
    random six-character suffix, hence the trailing wildcard),
  - EMR clusters tagged owner=<self> (and RunJobFlow only with that tag).

The script creates the role, starts sessions for alice and bob (and one
without a source identity), and checks that each user reaches only their
own data, that every denial is AWS's AccessDenied for the protocol and
changes nothing, and that every call is in the audit trail under the
session's access key with its sourceIdentity. Run it against a fresh
server started with `abacus serve`:

    eval "$(abacus env)"
    python3 examples/boto3/setup2_data_paths.py

It prints each check and exits non-zero when any differs from AWS's
behaviour.
"""

import json
import os
import re
import sys

import boto3
from botocore.exceptions import ClientError

ROLE = "SageMakerStudioExecutionRole"
BUCKET = "my-bucket"
USERS = ("alice", "bob")
POLICY_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "policies")
ROLE_POLICIES = ("setup2-s3-user-prefix.json", "setup2-secrets-user-path.json", "setup2-emr-owner-tag.json")
SECRET_MARKERS = ("-initial-7d3a", "-rotated-c81f", "overwritten-by-")

failures = []


def check(ok, what):
    print(("ok:   " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def policy(name, account):
    with open(os.path.join(POLICY_DIR, name)) as f:
        # The files name the default account of `abacus serve`.
        return f.read().replace("123456789012", account)


class Session:
    """One session of the shared role and every call made with it."""

    def __init__(self, user, creds, arn):
        self.user = user
        self.key = creds["AccessKeyId"]
        self.arn = arn
        kw = dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
        self.s3 = boto3.client("s3", **kw)
        self.sm = boto3.client("secretsmanager", **kw)
        self.emr = boto3.client("emr", **kw)
        self.calls = []  # (eventSource, eventName, errorCode or "")

    def allow(self, source, name, what, call):
        try:
            out = call()
            self.calls.append((source, name, ""))
            check(True, f"{self.user}: {what}")
            return out
        except ClientError as e:
            self.calls.append((source, name, e.response["Error"]["Code"]))
            check(False, f"{self.user}: {what}: {e}")
            return None

    def deny(self, source, name, what, action, resource, call, explicit=False):
        """resource is a regular expression, or None for an action without one."""
        code, status = ("AccessDenied", 403) if source == "s3.amazonaws.com" else ("AccessDeniedException", 400)
        try:
            call()
            self.calls.append((source, name, ""))
            check(False, f"{self.user or '(no source identity)'}: {what} was allowed")
            return
        except ClientError as e:
            got = e.response["Error"]["Code"]
            self.calls.append((source, name, got))
            msg = e.response["Error"].get("Message", "")
            http = e.response["ResponseMetadata"]["HTTPStatusCode"]
        want = "^User: " + re.escape(self.arn) + " is not authorized to perform: " + re.escape(action)
        if resource:
            # S3 quotes the resource ARN; the other services do not.
            want += ' on resource: "?' + resource + '"?'
        if explicit:
            want += " with an explicit deny in an identity-based policy$"
        else:
            want += " because no identity-based policy allows the " + re.escape(action) + " action$"
        check(got == code and http == status and re.match(want, msg) is not None,
              f"{self.user or '(no source identity)'}: {what} denied: {got} {http} {msg!r}")


def run_cluster(emr, name, tags):
    return emr.run_job_flow(
        Name=name, ReleaseLabel="emr-7.2.0",
        Instances={"MasterInstanceType": "m5.xlarge", "SlaveInstanceType": "m5.xlarge", "InstanceCount": 3,
                   "KeepJobFlowAliveWhenNoSteps": True},
        Applications=[{"Name": "Spark"}], ServiceRole="EMR_DefaultRole", JobFlowRole="EMR_EC2_DefaultRole",
        VisibleToAllUsers=True, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


def snapshot():
    """What denials must not change, read with the root's keys."""
    s3, sm, emr = boto3.client("s3"), boto3.client("secretsmanager"), boto3.client("emr")
    state = {"objects": {}, "secrets": {}, "clusters": {}}
    for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        got = s3.get_object(Bucket=BUCKET, Key=o["Key"])
        state["objects"][o["Key"]] = (got["Body"].read(), got["ETag"])
    for e in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]:
        d = sm.describe_secret(SecretId=e["ARN"])
        entry = {"versions": len(d.get("VersionIdsToStages", {})), "deleted": "DeletedDate" in d}
        if not entry["deleted"]:
            v = sm.get_secret_value(SecretId=e["ARN"])
            entry["value"], entry["version"] = v["SecretString"], v["VersionId"]
        state["secrets"][e["Name"]] = entry
    for c in emr.list_clusters()["Clusters"]:
        d = emr.describe_cluster(ClusterId=c["Id"])["Cluster"]
        steps = sorted(s["Name"] for s in emr.list_steps(ClusterId=c["Id"])["Steps"])
        state["clusters"][c["Name"]] = {"id": c["Id"], "tags": {t["Key"]: t["Value"] for t in d.get("Tags", [])},
                                        "steps": steps,
                                        "terminated": d["Status"]["State"] in ("TERMINATING", "TERMINATED")}
    return state


def own_data(u, account):
    """Everything a user does with their own data; all of it is allowed."""
    prefix = f"my_domain/users/{u.user}/"
    u.allow("s3.amazonaws.com", "PutObject", f"PutObject {prefix}features.csv",
            lambda: u.s3.put_object(Bucket=BUCKET, Key=prefix + "features.csv", Body=f"{u.user},features\n".encode()))
    u.allow("s3.amazonaws.com", "PutObject", f"PutObject {prefix}scratch/tmp.bin",
            lambda: u.s3.put_object(Bucket=BUCKET, Key=prefix + "scratch/tmp.bin", Body=b"scratch"))
    got = u.allow("s3.amazonaws.com", "GetObject", f"GetObject {prefix}features.csv",
                  lambda: u.s3.get_object(Bucket=BUCKET, Key=prefix + "features.csv"))
    check(got is not None and got["Body"].read() == f"{u.user},features\n".encode(), f"{u.user}: reads back their own object")
    u.allow("s3.amazonaws.com", "DeleteObject", f"DeleteObject {prefix}scratch/tmp.bin",
            lambda: u.s3.delete_object(Bucket=BUCKET, Key=prefix + "scratch/tmp.bin"))
    listed = u.allow("s3.amazonaws.com", "ListObjectsV2", f"ListObjectsV2 prefix={prefix}",
                     lambda: u.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix))
    keys = [o["Key"] for o in (listed or {}).get("Contents", [])]
    check(keys == [prefix + "features.csv"], f"{u.user}: own prefix lists {keys}")

    name = f"user-secrets/{u.user}/db-password"
    out = u.allow("secretsmanager.amazonaws.com", "CreateSecret", f"CreateSecret {name}",
                  lambda: u.sm.create_secret(Name=name, SecretString=u.user + "-initial-7d3a"))
    check(out is not None and re.match(rf"^arn:aws:secretsmanager:[a-z0-9-]+:{account}:secret:{re.escape(name)}-[A-Za-z0-9]{{6}}$",
                                       out["ARN"]) is not None, f"{u.user}: secret ARN carries the six-character suffix")
    u.allow("secretsmanager.amazonaws.com", "PutSecretValue", f"PutSecretValue {name}",
            lambda: u.sm.put_secret_value(SecretId=name, SecretString=u.user + "-rotated-c81f"))
    got = u.allow("secretsmanager.amazonaws.com", "GetSecretValue", f"GetSecretValue {name}",
                  lambda: u.sm.get_secret_value(SecretId=name))
    check(got is not None and got["SecretString"] == u.user + "-rotated-c81f", f"{u.user}: reads their current value")
    d = u.allow("secretsmanager.amazonaws.com", "DescribeSecret", f"DescribeSecret {name}",
                lambda: u.sm.describe_secret(SecretId=name))
    check(d is not None and len(d["VersionIdsToStages"]) == 2, f"{u.user}: two versions (AWSCURRENT, AWSPREVIOUS)")
    scratch = f"user-secrets/{u.user}/scratch-token"
    u.allow("secretsmanager.amazonaws.com", "CreateSecret", f"CreateSecret {scratch}",
            lambda: u.sm.create_secret(Name=scratch, SecretString="short-lived"))
    u.allow("secretsmanager.amazonaws.com", "DeleteSecret", f"DeleteSecret {scratch} (7-day recovery window)",
            lambda: u.sm.delete_secret(SecretId=scratch, RecoveryWindowInDays=7))

    out = u.allow("elasticmapreduce.amazonaws.com", "RunJobFlow", "RunJobFlow tagged owner=self",
                  lambda: run_cluster(u.emr, u.user + "-spark", {"owner": u.user}))
    if out is None:
        sys.exit(f"FAILED: {u.user} has no cluster")
    cid = out["JobFlowId"]
    u.allow("elasticmapreduce.amazonaws.com", "DescribeCluster", f"DescribeCluster {cid}",
            lambda: u.emr.describe_cluster(ClusterId=cid))
    u.allow("elasticmapreduce.amazonaws.com", "AddJobFlowSteps", f"AddJobFlowSteps {cid}",
            lambda: u.emr.add_job_flow_steps(JobFlowId=cid, Steps=[{
                "Name": u.user + "-etl", "ActionOnFailure": "CONTINUE",
                "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", "etl.py"]}}]))
    u.allow("elasticmapreduce.amazonaws.com", "ListSteps", f"ListSteps {cid}", lambda: u.emr.list_steps(ClusterId=cid))
    u.allow("elasticmapreduce.amazonaws.com", "AddTags", f"AddTags project=churn on {cid}",
            lambda: u.emr.add_tags(ResourceId=cid, Tags=[{"Key": "project", "Value": "churn"}]))
    return cid


def others_data(u, other, other_cluster, other_secret_arn, account, region):
    """Every attempt on another user's data; each one is denied."""
    theirs = f"my_domain/users/{other}/"

    def obj(key):
        return re.escape(f"arn:aws:s3:::{BUCKET}/{key}")

    s3 = "s3.amazonaws.com"
    u.deny(s3, "GetObject", f"GetObject {theirs}features.csv", "s3:GetObject", obj(theirs + "features.csv"),
           lambda: u.s3.get_object(Bucket=BUCKET, Key=theirs + "features.csv"))
    u.deny(s3, "PutObject", f"PutObject over {theirs}features.csv", "s3:PutObject", obj(theirs + "features.csv"),
           lambda: u.s3.put_object(Bucket=BUCKET, Key=theirs + "features.csv", Body=b"overwritten"))
    u.deny(s3, "PutObject", f"PutObject {theirs}planted.py", "s3:PutObject", obj(theirs + "planted.py"),
           lambda: u.s3.put_object(Bucket=BUCKET, Key=theirs + "planted.py", Body=b"import os"))
    u.deny(s3, "DeleteObject", f"DeleteObject {theirs}features.csv", "s3:DeleteObject", obj(theirs + "features.csv"),
           lambda: u.s3.delete_object(Bucket=BUCKET, Key=theirs + "features.csv"))
    for prefix in (theirs, "my_domain/users/", None):
        kw = {"Prefix": prefix} if prefix is not None else {}
        u.deny(s3, "ListObjectsV2", f"ListObjectsV2 prefix={prefix}", "s3:ListBucket", re.escape(f"arn:aws:s3:::{BUCKET}"),
               lambda: u.s3.list_objects_v2(Bucket=BUCKET, **kw))

    sm = "secretsmanager.amazonaws.com"
    name = f"user-secrets/{other}/db-password"
    arn = re.escape(other_secret_arn)
    u.deny(sm, "GetSecretValue", f"GetSecretValue {name}", "secretsmanager:GetSecretValue", arn,
           lambda: u.sm.get_secret_value(SecretId=name))
    u.deny(sm, "GetSecretValue", "GetSecretValue by ARN", "secretsmanager:GetSecretValue", arn,
           lambda: u.sm.get_secret_value(SecretId=other_secret_arn))
    u.deny(sm, "PutSecretValue", f"PutSecretValue {name}", "secretsmanager:PutSecretValue", arn,
           lambda: u.sm.put_secret_value(SecretId=name, SecretString="overwritten-by-" + u.user))
    u.deny(sm, "DescribeSecret", f"DescribeSecret {name}", "secretsmanager:DescribeSecret", arn,
           lambda: u.sm.describe_secret(SecretId=name))
    u.deny(sm, "DeleteSecret", f"DeleteSecret {name}", "secretsmanager:DeleteSecret", arn,
           lambda: u.sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True))
    planted = f"user-secrets/{other}/planted"
    u.deny(sm, "CreateSecret", f"CreateSecret {planted}", "secretsmanager:CreateSecret",
           re.escape(f"arn:aws:secretsmanager:{region}:{account}:secret:{planted}") + "-[A-Za-z0-9]{6}",
           lambda: u.sm.create_secret(Name=planted, SecretString="x"))

    emr = "elasticmapreduce.amazonaws.com"
    carn = re.escape(f"arn:aws:elasticmapreduce:{region}:{account}:cluster/{other_cluster}")
    u.deny(emr, "DescribeCluster", f"DescribeCluster {other}'s cluster", "elasticmapreduce:DescribeCluster", carn,
           lambda: u.emr.describe_cluster(ClusterId=other_cluster))
    u.deny(emr, "ListSteps", f"ListSteps {other}'s cluster", "elasticmapreduce:ListSteps", carn,
           lambda: u.emr.list_steps(ClusterId=other_cluster))
    u.deny(emr, "AddJobFlowSteps", f"AddJobFlowSteps {other}'s cluster", "elasticmapreduce:AddJobFlowSteps", carn,
           lambda: u.emr.add_job_flow_steps(JobFlowId=other_cluster, Steps=[{
               "Name": "exfiltrate", "HadoopJarStep": {"Jar": "command-runner.jar"}}]))
    u.deny(emr, "TerminateJobFlows", f"TerminateJobFlows {other}'s cluster", "elasticmapreduce:TerminateJobFlows", carn,
           lambda: u.emr.terminate_job_flows(JobFlowIds=[other_cluster]))
    u.deny(emr, "AddTags", f"AddTags owner={u.user} on {other}'s cluster", "elasticmapreduce:AddTags", carn,
           lambda: u.emr.add_tags(ResourceId=other_cluster, Tags=[{"Key": "owner", "Value": u.user}]), explicit=True)
    u.deny(emr, "RunJobFlow", f"RunJobFlow tagged owner={other}", "elasticmapreduce:RunJobFlow", None,
           lambda: run_cluster(u.emr, f"{u.user}-as-{other}", {"owner": other}))
    u.deny(emr, "RunJobFlow", "RunJobFlow untagged", "elasticmapreduce:RunJobFlow", None,
           lambda: run_cluster(u.emr, f"{u.user}-untagged", {}))


def check_audit(u, role_arn):
    """One event per call under the session's key, each with its source identity."""
    ct = boto3.client("cloudtrail")
    got = []
    for page in ct.get_paginator("lookup_events").paginate(
            LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": u.key}]):
        for ev in page["Events"]:
            raw = ev["CloudTrailEvent"]
            rec = json.loads(raw)
            got.append((rec["eventSource"], rec["eventName"], rec.get("errorCode", "")))
            ident = rec.get("userIdentity", {})
            ctx = ident.get("sessionContext", {})
            ok = (ident.get("type") == "AssumedRole" and ident.get("arn") == u.arn and ident.get("accessKeyId") == u.key
                  and ctx.get("sourceIdentity", "") == u.user and ctx.get("sessionIssuer", {}).get("arn") == role_arn)
            if not ok:
                check(False, f"audit: {rec['eventName']} userIdentity {ident}")
            if any(m in raw for m in SECRET_MARKERS):
                check(False, f"audit: {rec['eventName']} carries a secret value")
    want = sorted(u.calls)
    got.sort()
    check(got == want, f"audit: {len(got)} events for {u.user or '(no source identity)'}'s key {u.key}, "
                       f"{sum(1 for c in got if c[2])} of them denials, match the {len(want)} calls made")
    if got != want:
        print("  calls made:      ", want)
        print("  events recorded: ", got)


def main():
    account = boto3.client("sts").get_caller_identity()["Account"]
    region = boto3.session.Session().region_name
    iam = boto3.client("iam")
    role_arn = f"arn:aws:iam::{account}:role/{ROLE}"

    boto3.client("s3").create_bucket(Bucket=BUCKET)
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=policy("setup2-execution-role-trust.json", account))
    for f in ROLE_POLICIES:
        arn = iam.create_policy(PolicyName=f[:-len(".json")], PolicyDocument=policy(f, account))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)
    # The launcher stands in for SageMaker, which assumes the domain's
    # execution role with the user profile name as the source identity.
    iam.create_user(UserName="studio-launcher")
    iam.put_user_policy(UserName="studio-launcher", PolicyName="assume-execution-role",
                        PolicyDocument=policy("setup2-session-launcher.json", account))
    key = iam.create_access_key(UserName="studio-launcher")["AccessKey"]
    launcher = boto3.client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])

    sessions = {}
    for user in USERS + ("",):
        kw = {"SourceIdentity": user} if user else {}
        out = launcher.assume_role(RoleArn=role_arn, RoleSessionName="SageMaker", **kw)
        check(out.get("SourceIdentity", "") == user, f"AssumeRole with SourceIdentity {user!r}")
        sessions[user] = Session(user, out["Credentials"], out["AssumedRoleUser"]["Arn"])
    alice, bob, nobody = sessions["alice"], sessions["bob"], sessions[""]

    clusters = {u.user: own_data(u, account) for u in (alice, bob)}
    sm = boto3.client("secretsmanager")
    secret_arns = {u: sm.describe_secret(SecretId=f"user-secrets/{u}/db-password")["ARN"] for u in USERS}

    before = snapshot()
    check(sorted(before["objects"]) == [f"my_domain/users/{u}/features.csv" for u in USERS], "root sees both users' objects")
    check(len(before["clusters"]) == 2, "root sees two clusters")

    others_data(alice, "bob", clusters["bob"], secret_arns["bob"], account, region)
    others_data(bob, "alice", clusters["alice"], secret_arns["alice"], account, region)

    # Tag tampering on one's own cluster: an explicit Deny on the owner key.
    carn = re.escape(f"arn:aws:elasticmapreduce:{region}:{account}:cluster/{clusters['alice']}")
    alice.deny("elasticmapreduce.amazonaws.com", "AddTags", "AddTags owner=bob on her own cluster", "elasticmapreduce:AddTags",
               carn, lambda: alice.emr.add_tags(ResourceId=clusters["alice"], Tags=[{"Key": "owner", "Value": "bob"}]),
               explicit=True)
    alice.deny("elasticmapreduce.amazonaws.com", "RemoveTags", "RemoveTags owner on her own cluster", "elasticmapreduce:RemoveTags",
               carn, lambda: alice.emr.remove_tags(ResourceId=clusters["alice"], TagKeys=["owner"]), explicit=True)

    # Without a source identity no ${aws:SourceIdentity} statement matches.
    nobody.deny("s3.amazonaws.com", "GetObject", "GetObject alice's object", "s3:GetObject",
                re.escape(f"arn:aws:s3:::{BUCKET}/my_domain/users/alice/features.csv"),
                lambda: nobody.s3.get_object(Bucket=BUCKET, Key="my_domain/users/alice/features.csv"))
    nobody.deny("secretsmanager.amazonaws.com", "GetSecretValue", "GetSecretValue alice's secret",
                "secretsmanager:GetSecretValue", re.escape(secret_arns["alice"]),
                lambda: nobody.sm.get_secret_value(SecretId=secret_arns["alice"]))
    nobody.deny("elasticmapreduce.amazonaws.com", "DescribeCluster", "DescribeCluster alice's cluster",
                "elasticmapreduce:DescribeCluster",
                re.escape(f"arn:aws:elasticmapreduce:{region}:{account}:cluster/{clusters['alice']}"),
                lambda: nobody.emr.describe_cluster(ClusterId=clusters["alice"]))

    after = snapshot()
    check(after == before, "denied calls changed nothing (objects, secrets and versions, clusters, tags and steps)")
    if after != before:
        print("  before:", before)
        print("  after: ", after)

    alice.allow("elasticmapreduce.amazonaws.com", "TerminateJobFlows", "TerminateJobFlows her own cluster",
                lambda: alice.emr.terminate_job_flows(JobFlowIds=[clusters["alice"]]))
    ended = snapshot()["clusters"]
    check(ended["alice-spark"]["terminated"] and not ended["bob-spark"]["terminated"], "only alice's cluster is terminating")

    for u in (alice, bob, nobody):
        check_audit(u, role_arn)

    if failures:
        sys.exit(f"FAILED: {len(failures)} check(s):\n  " + "\n  ".join(failures))
    print("setup 2 data path checks passed")


if __name__ == "__main__":
    main()
