"""Setup 1 (group-based access to SageMaker notebook instances), identity side, with boto3.

Creates the ML-Team group with its SageMaker policy, two members and a
non-member, then asks abacus's IAM policy simulator what each may do and
checks the audit trail. Run against a server started with `abacus serve`:

    eval "$(abacus env)"
    python3 examples/boto3/setup1_iam.py

Exits non-zero (with a message) when any decision differs from AWS's.
"""

import json
import sys

import boto3

ACTIONS = [
    "sagemaker:CreateNotebookInstance",
    "sagemaker:StartNotebookInstance",
    "sagemaker:StopNotebookInstance",
    "sagemaker:DescribeNotebookInstance",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
]

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "NotebookAccess", "Effect": "Allow", "Action": ACTIONS, "Resource": "*"}],
}


def main():
    iam = boto3.client("iam")
    sts = boto3.client("sts")
    account = sts.get_caller_identity()["Account"]

    iam.create_group(GroupName="ML-Team")
    iam.put_group_policy(GroupName="ML-Team", PolicyName="SageMaker-Policy", PolicyDocument=json.dumps(POLICY))
    for name in ("alice", "bob", "mallory"):
        iam.create_user(UserName=name)
    for name in ("alice", "bob"):
        iam.add_user_to_group(GroupName="ML-Team", UserName=name)

    members = {u["UserName"] for u in iam.get_group(GroupName="ML-Team")["Users"]}
    if members != {"alice", "bob"}:
        sys.exit(f"ML-Team members are {sorted(members)}, want alice and bob")

    failures = []
    for name, want in (("alice", "allowed"), ("bob", "allowed"), ("mallory", "implicitDeny")):
        res = iam.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{account}:user/{name}", ActionNames=ACTIONS
        )["EvaluationResults"]
        for r in res:
            if r["EvalDecision"] != want:
                failures.append(f"{name} {r['EvalActionName']}: {r['EvalDecision']}, want {want}")
            if want == "allowed" and not r.get("MatchedStatements"):
                failures.append(f"{name} {r['EvalActionName']}: no matched statement reported")
        print(f"{name}: {want} for {len(res)} actions")

    # A member's own credentials work; the non-member's are denied IAM reads.
    key = iam.create_access_key(UserName="mallory")["AccessKey"]
    mallory = boto3.client(
        "iam", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    try:
        mallory.list_users()
        failures.append("mallory could list users")
    except mallory.exceptions.ClientError as e:
        if e.response["Error"]["Code"] != "AccessDenied":
            failures.append(f"mallory's ListUsers failed with {e.response['Error']['Code']}, want AccessDenied")

    ct = boto3.client("cloudtrail")
    events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "mallory"}])["Events"]
    denied = [e for e in events if json.loads(e["CloudTrailEvent"]).get("errorCode") == "AccessDenied"]
    if len(denied) != 1:
        failures.append(f"{len(denied)} audited denials for mallory, want 1")

    if failures:
        sys.exit("\n".join(failures))
    print("setup 1 identity checks passed")


if __name__ == "__main__":
    main()
