"""Setup 2 (per-user ABAC through one shared role), Secrets Manager side, with boto3.

Creates the shared execution role whose policy allows
secretsmanager:* only on user-secrets/${aws:SourceIdentity}/*, assumes it
once per user with SourceIdentity alice and bob, and checks that each user
writes and reads only their own secrets, that every denial is
AccessDeniedException and changes nothing, and that the audit trail has
every call with its sourceIdentity and no secret value. Run against a
server started with `abacus serve`:

    eval "$(abacus env)"
    python3 examples/boto3/setup2_secrets.py

Exits non-zero (with a message) when anything differs from AWS's behaviour.
"""

import json
import sys

import boto3
from botocore.exceptions import ClientError

ROLE = "studio-exec-secrets"
USERS = ("alice", "bob")
VALUES = {"alice": "alice-s3cr3t-value-1f2e", "bob": "bob-s3cr3t-value-9a8b"}


def code(err):
    return err.response["Error"]["Code"]


def main():
    iam = boto3.client("iam")
    account = boto3.client("sts").get_caller_identity()["Account"]
    role_arn = f"arn:aws:iam::{account}:role/{ROLE}"

    # A launcher user assumes the shared role on behalf of each Studio user.
    iam.create_user(UserName="launcher")
    iam.put_user_policy(UserName="launcher", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"], "Resource": role_arn}],
    }))
    key = iam.create_access_key(UserName="launcher")["AccessKey"]
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                       "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}],
    }))
    iam.put_role_policy(RoleName=ROLE, PolicyName="own-secrets", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "OwnSecrets", "Effect": "Allow", "Action": "secretsmanager:*",
                       "Resource": "arn:aws:secretsmanager:*:*:secret:user-secrets/${aws:SourceIdentity}/*"}],
    }))

    launcher = boto3.client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    clients = {}
    for user in USERS:
        creds = launcher.assume_role(RoleArn=role_arn, RoleSessionName="SageMaker", SourceIdentity=user)["Credentials"]
        clients[user] = boto3.client("secretsmanager", aws_access_key_id=creds["AccessKeyId"],
                                     aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])

    failures = []
    arns = {}
    for user in USERS:
        out = clients[user].create_secret(Name=f"user-secrets/{user}/token", SecretString=VALUES[user])
        arns[user] = out["ARN"]
        got = clients[user].get_secret_value(SecretId=f"user-secrets/{user}/token")["SecretString"]
        if got != VALUES[user]:
            failures.append(f"{user} read back {got!r}")
        print(f"{user}: created and read {out['ARN']}")

    for user, other in (("alice", "bob"), ("bob", "alice")):
        for name, call in (
            ("GetSecretValue", lambda: clients[user].get_secret_value(SecretId=arns[other])),
            ("PutSecretValue", lambda: clients[user].put_secret_value(SecretId=f"user-secrets/{other}/token", SecretString="overwritten")),
            ("CreateSecret", lambda: clients[user].create_secret(Name=f"user-secrets/{other}/planted", SecretString="x")),
        ):
            try:
                call()
                failures.append(f"{user} {name} on {other}'s secret was allowed")
            except ClientError as e:
                if code(e) != "AccessDeniedException":
                    failures.append(f"{user} {name} on {other}'s secret: {code(e)}, want AccessDeniedException")
                elif "is not authorized to perform: secretsmanager:" + name not in e.response["Error"]["Message"]:
                    failures.append(f"{user} {name}: message {e.response['Error']['Message']!r}")
        print(f"{user}: denied on {other}'s secrets")

    # The denials changed nothing.
    sm = boto3.client("secretsmanager")
    for user in USERS:
        if sm.get_secret_value(SecretId=arns[user])["SecretString"] != VALUES[user]:
            failures.append(f"{user}'s value changed")
        try:
            sm.describe_secret(SecretId=f"user-secrets/{user}/planted")
            failures.append(f"a secret was planted under {user}'s prefix")
        except ClientError as e:
            if code(e) != "ResourceNotFoundException":
                failures.append(f"planted secret lookup: {code(e)}")

    # Every session call is in the audit trail with its source identity,
    # and no event carries a secret value.
    ct = boto3.client("cloudtrail")
    events = []
    for page in ct.get_paginator("lookup_events").paginate(
            LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "secretsmanager.amazonaws.com"}]):
        events.extend(page["Events"])
    seen = {u: 0 for u in USERS}
    for ev in events:
        raw = ev["CloudTrailEvent"]
        for v in list(VALUES.values()) + ["overwritten"]:
            if v in raw:
                failures.append(f"audit event {ev['EventName']} contains a secret value")
        rec = json.loads(raw)
        si = rec.get("userIdentity", {}).get("sessionContext", {}).get("sourceIdentity")
        if si in seen:
            seen[si] += 1
    for user in USERS:
        # create + get + 3 denials each
        if seen[user] < 5:
            failures.append(f"{seen[user]} audit events with sourceIdentity {user}, want at least 5")
    print(f"audit: {len(events)} Secrets Manager events, by source identity {seen}")

    if failures:
        sys.exit("FAILED:\n  " + "\n  ".join(failures))
    print("setup 2 secrets checks passed")


if __name__ == "__main__":
    main()
