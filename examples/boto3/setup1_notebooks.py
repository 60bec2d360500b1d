"""Setup 1 end to end with boto3: only ML-Team may use notebook instances.

Builds the ML-Team group with its SageMaker-Policy (the five notebook actions
plus passing the notebook's execution role to SageMaker), two members and a
non-member. The members create, stop, start and describe a notebook instance
and open a presigned URL; the non-member is denied each action with AWS's
message, and every denial is in the audit trail. Run against a server
started with `abacus serve`:

    eval "$(abacus env)"
    python3 examples/boto3/setup1_notebooks.py

Exits non-zero (with a message) when anything differs from AWS's behaviour.
"""

import http.cookiejar
import json
import sys
import time
import urllib.error
import urllib.request

import boto3
from botocore.exceptions import ClientError

ACTIONS = [
    "sagemaker:CreateNotebookInstance",
    "sagemaker:StartNotebookInstance",
    "sagemaker:StopNotebookInstance",
    "sagemaker:DescribeNotebookInstance",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
]

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def policy(role_arn):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Notebooks", "Effect": "Allow", "Action": ACTIONS, "Resource": "*"},
            {
                "Sid": "PassNotebookRole",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": role_arn,
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
        ],
    }


def wait(sm, name, want, timeout=60):
    deadline = time.time() + timeout
    while True:
        status = sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"]
        if status == want:
            return
        if time.time() > deadline:
            sys.exit(f"{name} stayed {status}, want {want}")
        time.sleep(0.2)


def client_for(iam, user, service):
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return boto3.client(service, aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])


def main():
    iam = boto3.client("iam")
    account = boto3.client("sts").get_caller_identity()["Account"]

    role_arn = iam.create_role(RoleName="nb-exec", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.create_group(GroupName="ML-Team")
    pol = iam.create_policy(PolicyName="SageMaker-Policy", PolicyDocument=json.dumps(policy(role_arn)))["Policy"]
    iam.attach_group_policy(GroupName="ML-Team", PolicyArn=pol["Arn"])
    for name in ("alice", "bob", "carol"):
        iam.create_user(UserName=name)
    for name in ("alice", "bob"):
        iam.add_user_to_group(GroupName="ML-Team", UserName=name)

    alice = client_for(iam, "alice", "sagemaker")
    bob = client_for(iam, "bob", "sagemaker")
    carol = client_for(iam, "carol", "sagemaker")

    arn = alice.create_notebook_instance(
        NotebookInstanceName="Team-Notebook", InstanceType="ml.t3.medium", RoleArn=role_arn
    )["NotebookInstanceArn"]
    want_arn = f"arn:aws:sagemaker:us-east-1:{account}:notebook-instance/team-notebook"
    if arn != want_arn:
        sys.exit(f"notebook ARN {arn}, want the lower-cased {want_arn}")
    wait(bob, "Team-Notebook", "InService")
    bob.stop_notebook_instance(NotebookInstanceName="Team-Notebook")
    wait(alice, "Team-Notebook", "Stopped")
    alice.start_notebook_instance(NotebookInstanceName="Team-Notebook")
    wait(alice, "Team-Notebook", "InService")
    print("alice and bob: create, stop, start, describe: ok")

    url = alice.create_presigned_notebook_instance_url(NotebookInstanceName="Team-Notebook")["AuthorizedUrl"]
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(url).read().decode()
    for want in ("team-notebook", "InService", f"arn:aws:iam::{account}:user/alice"):
        if want not in page:
            sys.exit(f"the notebook page does not show {want!r}:\n{page}")
    try:
        opener.open(url)
        sys.exit("a presigned URL opened twice")
    except urllib.error.HTTPError as e:
        if e.code != 403:
            sys.exit(f"reused URL: HTTP {e.code}, want 403")
    print("alice: presigned URL opens the notebook page once: ok")

    calls = {
        "CreateNotebookInstance": lambda: carol.create_notebook_instance(
            NotebookInstanceName="carol-nb", InstanceType="ml.t3.medium", RoleArn=role_arn
        ),
        "StartNotebookInstance": lambda: carol.start_notebook_instance(NotebookInstanceName="Team-Notebook"),
        "StopNotebookInstance": lambda: carol.stop_notebook_instance(NotebookInstanceName="Team-Notebook"),
        "DescribeNotebookInstance": lambda: carol.describe_notebook_instance(NotebookInstanceName="Team-Notebook"),
        "CreatePresignedNotebookInstanceUrl": lambda: carol.create_presigned_notebook_instance_url(
            NotebookInstanceName="Team-Notebook"
        ),
    }
    for action, call in calls.items():
        try:
            call()
            sys.exit(f"carol was allowed {action}")
        except ClientError as e:
            err = e.response["Error"]
            want = f"User: arn:aws:iam::{account}:user/carol is not authorized to perform: sagemaker:{action}"
            if err["Code"] != "AccessDeniedException" or not err["Message"].startswith(want):
                sys.exit(f"carol {action}: {err}")
    print("carol: denied all five actions: ok")

    events = boto3.client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "carol"}]
    )["Events"]
    denied = {}
    for ev in events:
        record = json.loads(ev["CloudTrailEvent"])
        if record.get("errorCode"):
            denied[record["eventName"]] = denied.get(record["eventName"], 0) + 1
    for action in calls:
        if denied.get(action) != 1:
            sys.exit(f"audit trail: {denied.get(action, 0)} denials of carol's {action}, want 1")
    print("audit trail: each of carol's denials recorded once: ok")
    print("setup 1 notebook checks passed")


if __name__ == "__main__":
    main()
