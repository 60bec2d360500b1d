"""Setup 2 (per-user S3 prefixes through one shared execution role), with boto3.

Creates my-bucket, a platform user allowed to start sessions of the shared
studio-exec role, and the role's policy that confines every session to
my-bucket/my_domain/users/${aws:SourceIdentity}/. Then, as alice and as bob
(AssumeRole with SourceIdentity), writes and reads their own prefix (a small
object, a multipart upload and a presigned download), is refused the other
user's prefix with AccessDenied, and finds every call in the audit trail with
its source identity. Run against a server started with `abacus serve`:

    eval "$(abacus env)"
    python3 examples/boto3/s3_user_prefixes.py

Exits non-zero (with a message) when anything differs from AWS's behaviour.
"""

import hashlib
import io
import json
import sys
import urllib.request

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

BUCKET = "my-bucket"
# Presigned URLs use SigV4 (s3v4): S3 refuses SigV2 for buckets created
# since June 2020, and so does abacus.
S3_CONFIG = Config(signature_version="s3v4", s3={"addressing_style": "path"})

ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OwnPrefix",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            "Resource": f"arn:aws:s3:::{BUCKET}/my_domain/users/${{aws:SourceIdentity}}/*",
        },
        {
            "Sid": "ListOwnPrefix",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{BUCKET}",
            "Condition": {"StringLike": {"s3:prefix": "my_domain/users/${aws:SourceIdentity}/*"}},
        },
    ],
}


def code(err):
    return err.response.get("Error", {}).get("Code")


def expect_denied(what, fn):
    try:
        fn()
    except ClientError as err:
        if code(err) != "AccessDenied" or err.response["ResponseMetadata"]["HTTPStatusCode"] != 403:
            sys.exit(f"{what}: got {code(err)}, want AccessDenied (403)")
        return
    sys.exit(f"{what}: allowed, want AccessDenied")


def main():
    iam = boto3.client("iam")
    sts = boto3.client("sts")
    s3 = boto3.client("s3", config=S3_CONFIG)
    account = sts.get_caller_identity()["Account"]
    role_arn = f"arn:aws:iam::{account}:role/studio-exec"

    s3.create_bucket(Bucket=BUCKET)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                       "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}],
    }
    iam.create_role(RoleName="studio-exec", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="studio-exec", PolicyName="user-prefixes", PolicyDocument=json.dumps(ROLE_POLICY))
    iam.create_user(UserName="platform")
    iam.put_user_policy(UserName="platform", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"], "Resource": role_arn}],
    }))
    key = iam.create_access_key(UserName="platform")["AccessKey"]
    platform_sts = boto3.client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])

    sessions = {}
    for user in ("alice", "bob"):
        cr = platform_sts.assume_role(RoleArn=role_arn, RoleSessionName="SageMaker", SourceIdentity=user)["Credentials"]
        sessions[user] = (boto3.client("s3", config=S3_CONFIG, aws_access_key_id=cr["AccessKeyId"],
                                       aws_secret_access_key=cr["SecretAccessKey"], aws_session_token=cr["SessionToken"]),
                          cr["AccessKeyId"])

    big = bytes(range(256)) * (11 * 1024 * 1024 // 256)  # 11 MiB: three parts of at most 5 MiB
    for user, other in (("alice", "bob"), ("bob", "alice")):
        c, _ = sessions[user]
        own = f"my_domain/users/{user}/"
        c.put_object(Bucket=BUCKET, Key=own + "notes.txt", Body=f"{user}'s notes".encode())
        got = c.get_object(Bucket=BUCKET, Key=own + "notes.txt")["Body"].read()
        if got != f"{user}'s notes".encode():
            sys.exit(f"{user} read back {got!r}")
        c.upload_fileobj(io.BytesIO(big), BUCKET, own + "big.bin",
                         Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
        head = c.head_object(Bucket=BUCKET, Key=own + "big.bin")
        if head["ContentLength"] != len(big) or not head["ETag"].endswith('-3"'):
            sys.exit(f"{user}'s multipart object: {head['ContentLength']} bytes, ETag {head['ETag']}")
        url = c.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": own + "big.bin"}, ExpiresIn=300)
        with urllib.request.urlopen(url) as resp:
            if hashlib.sha256(resp.read()).digest() != hashlib.sha256(big).digest():
                sys.exit(f"{user}'s presigned download differs")
        listed = [o["Key"] for o in c.list_objects_v2(Bucket=BUCKET, Prefix=own)["Contents"]]
        if listed != [own + "big.bin", own + "notes.txt"]:
            sys.exit(f"{user} lists {listed}")

        theirs = f"my_domain/users/{other}/"
        expect_denied(f"{user} reads {other}'s notes", lambda: c.get_object(Bucket=BUCKET, Key=theirs + "notes.txt"))
        expect_denied(f"{user} overwrites {other}'s notes",
                      lambda: c.put_object(Bucket=BUCKET, Key=theirs + "notes.txt", Body=b"mine now"))
        expect_denied(f"{user} lists {other}'s prefix", lambda: c.list_objects_v2(Bucket=BUCKET, Prefix=theirs))

    # The denials changed nothing.
    for user in ("alice", "bob"):
        got = s3.get_object(Bucket=BUCKET, Key=f"my_domain/users/{user}/notes.txt")["Body"].read()
        if got != f"{user}'s notes".encode():
            sys.exit(f"{user}'s notes became {got!r}")

    # Every call is in the trail with its session's source identity.
    ct = boto3.client("cloudtrail")
    for user, (_, akid) in sessions.items():
        events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": akid}],
                                  MaxResults=50)["Events"]
        names = {e["EventName"] for e in events}
        for want in ("PutObject", "GetObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload",
                     "HeadObject", "ListObjectsV2"):
            if want not in names:
                sys.exit(f"no {want} event for {user}: {sorted(names)}")
        for e in events:
            if json.loads(e["CloudTrailEvent"])["userIdentity"].get("sessionContext", {}).get("sourceIdentity") != user:
                sys.exit(f"{e['EventName']} event of {user}'s session lacks sourceIdentity {user}")
    print("setup 2 S3 checks passed")


if __name__ == "__main__":
    main()
