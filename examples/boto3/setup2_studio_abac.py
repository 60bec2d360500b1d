"""Setup 2 end to end with boto3: per-user ABAC on a shared Studio domain.

Builds one SageMaker domain whose execution-role identity is the user
profile name (ExecutionRoleIdentityConfig=USER_PROFILE_NAME), two user
profiles (alice, bob) sharing ONE execution role with an ABAC policy, and a
shared FSx for Lustre file system. Each user then acts through the
credentials of their Studio session (CreatePresignedDomainUrl, then the
landing page's credentials) and:

  * trains only on their own /fsx/users/<self> directory
    (sagemaker:FileSystemDirectoryPath with ${aws:SourceIdentity});
  * describes, updates and stops only their own training jobs, models and
    endpoints (sagemaker:ResourceTag/sagemaker:user-profile-arn against
    ${sagemaker:DomainId} and ${sagemaker:UserProfileName});
  * cannot retag the other's resources (AddTags/DeleteTags on the ownership
    tag keys are denied unless SageMaker applies them on create);
  * is recorded in the audit trail with their name as sourceIdentity.

Run against a server started with `abacus serve`:

    eval "$(abacus env)"
    python3 examples/boto3/setup2_studio_abac.py

Exits non-zero (with a message) when anything differs from AWS's behaviour.
"""

import http.cookiejar
import json
import sys
import time
import urllib.request

import boto3
from botocore.exceptions import ClientError

OWN = "arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"
OWNED = {"StringLike": {"sagemaker:ResourceTag/sagemaker:user-profile-arn": OWN}}

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
        }
    ],
}


def policy(role_arn):
    """The shared execution role's ABAC policy (SCENARIOS.md, setup 2)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowUserTrainingJobs",
                "Effect": "Allow",
                "Action": ["sagemaker:DescribeTrainingJob", "sagemaker:UpdateTrainingJob", "sagemaker:StopTrainingJob"],
                "Resource": "arn:aws:sagemaker:*:*:training-job/*",
                "Condition": OWNED,
            },
            {
                "Sid": "AllowUserModelsAndEndpoints",
                "Effect": "Allow",
                "Action": [
                    "sagemaker:DescribeModel",
                    "sagemaker:DescribeEndpointConfig",
                    "sagemaker:DescribeEndpoint",
                    "sagemaker:UpdateEndpoint",
                    "sagemaker:DeleteEndpoint",
                ],
                "Resource": [
                    "arn:aws:sagemaker:*:*:model/*",
                    "arn:aws:sagemaker:*:*:endpoint-config/*",
                    "arn:aws:sagemaker:*:*:endpoint/*",
                ],
                "Condition": OWNED,
            },
            {
                "Sid": "TrainOnlyOnOwnDirectory",
                "Effect": "Allow",
                "Action": "sagemaker:CreateTrainingJob",
                "Resource": "*",
                "Condition": {
                    "StringLike": {
                        "sagemaker:FileSystemDirectoryPath": [
                            "/fsx/users/${aws:SourceIdentity}",
                            "/fsx/users/${aws:SourceIdentity}/*",
                        ]
                    }
                },
            },
            {
                "Sid": "CreateModelsAndEndpoints",
                "Effect": "Allow",
                "Action": ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig", "sagemaker:CreateEndpoint"],
                "Resource": [
                    "arn:aws:sagemaker:*:*:model/*",
                    "arn:aws:sagemaker:*:*:endpoint-config/*",
                    "arn:aws:sagemaker:*:*:endpoint/*",
                ],
            },
            {
                "Sid": "DeployOnlyOwnEndpointConfigs",
                "Effect": "Deny",
                "Action": ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"],
                "Resource": "arn:aws:sagemaker:*:*:endpoint-config/*",
                "Condition": {"StringNotLike": {"sagemaker:ResourceTag/sagemaker:user-profile-arn": OWN}},
            },
            {
                "Sid": "TagOnCreate",
                "Effect": "Allow",
                "Action": "sagemaker:AddTags",
                "Resource": "*",
                "Condition": {"Null": {"sagemaker:TaggingAction": "false"}},
            },
            {
                "Sid": "TagOwnResources",
                "Effect": "Allow",
                "Action": ["sagemaker:AddTags", "sagemaker:DeleteTags"],
                "Resource": "*",
                "Condition": OWNED,
            },
            {
                "Sid": "DenyTagTampering",
                "Effect": "Deny",
                "Action": ["sagemaker:AddTags", "sagemaker:DeleteTags"],
                "Resource": "*",
                "Condition": {
                    "ForAnyValue:StringLike": {"aws:TagKeys": ["sagemaker:user-profile-arn", "sagemaker:domain-arn"]},
                    "Null": {"sagemaker:TaggingAction": "true"},
                },
            },
            {
                "Sid": "Lists",
                "Effect": "Allow",
                "Action": ["sagemaker:ListTrainingJobs", "sagemaker:ListModels", "sagemaker:ListEndpoints", "sagemaker:ListTags"],
                "Resource": "*",
            },
            {
                "Sid": "PassTheExecutionRole",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": role_arn,
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
        ],
    }


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def wait(describe, key, want, timeout=60):
    deadline = time.time() + timeout
    while True:
        got = describe()[key]
        if got == want:
            return
        if time.time() > deadline:
            fail("%s stayed %s, want %s" % (key, got, want))
        time.sleep(0.2)


def studio_session(sm, domain_id, profile):
    """Opens the user's presigned Studio URL and returns a boto3 session
    with the Studio session's credentials from its landing page."""
    url = sm.create_presigned_domain_url(DomainId=domain_id, UserProfileName=profile)["AuthorizedUrl"]
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(url) as resp:  # sets the session cookie, lands on the page
        page = resp.geturl().split("?")[0].rstrip("/")
    with opener.open(page + "/credentials") as resp:
        creds = json.load(resp)
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=sm.meta.region_name,
    )


def expect_denied(what, fn, action):
    try:
        fn()
    except ClientError as e:
        err = e.response["Error"]
        if err["Code"] != "AccessDeniedException" or ("is not authorized to perform: " + action) not in err["Message"]:
            fail("%s: %s %s, want AccessDeniedException for %s" % (what, err["Code"], err["Message"], action))
        return
    fail("%s: allowed, want AccessDeniedException" % what)


def training(fs_id, name, *dirs):
    return dict(
        TrainingJobName=name,
        RoleArn=ROLE_ARN,
        AlgorithmSpecification={"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1", "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://ml-bucket/out/"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        InputDataConfig=[
            {
                "ChannelName": "train%d" % i,
                "DataSource": {
                    "FileSystemDataSource": {
                        "FileSystemId": fs_id,
                        "FileSystemAccessMode": "ro",
                        "FileSystemType": "FSxLustre",
                        "DirectoryPath": d,
                    }
                },
            }
            for i, d in enumerate(dirs)
        ],
    )


iam = boto3.client("iam")
admin = boto3.client("sagemaker")
ROLE_ARN = iam.create_role(RoleName="studio-exec", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
iam.put_role_policy(RoleName="studio-exec", PolicyName="user-abac", PolicyDocument=json.dumps(policy(ROLE_ARN)))

# 1. The domain (source identity = user profile name) and two profiles.
domain_id = admin.create_domain(
    DomainName="ml-domain",
    AuthMode="IAM",
    DefaultUserSettings={"ExecutionRole": ROLE_ARN},
    DomainSettings={"ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"},
    SubnetIds=["subnet-0123456789abcdef0"],
    VpcId="vpc-0123456789abcdef0",
)["DomainArn"].split("/")[-1]
wait(lambda: admin.describe_domain(DomainId=domain_id), "Status", "InService")
for user in ("alice", "bob"):
    admin.create_user_profile(DomainId=domain_id, UserProfileName=user)
    wait(lambda: admin.describe_user_profile(DomainId=domain_id, UserProfileName=user), "Status", "InService")

# 2. The shared FSx for Lustre file system the training jobs mount.
fs_id = boto3.client("fsx").create_file_system(
    FileSystemType="LUSTRE",
    StorageCapacity=1200,
    SubnetIds=["subnet-0123456789abcdef0"],
    LustreConfiguration={"DeploymentType": "SCRATCH_2"},
)["FileSystem"]["FileSystemId"]

# 3. Each user's Studio session: the shared role, their name as source identity.
alice = studio_session(admin, domain_id, "alice").client("sagemaker")
bob = studio_session(admin, domain_id, "bob").client("sagemaker")

# 4. Training only on one's own directory.
alice.create_training_job(**training(fs_id, "alice-train", "/fsx/users/alice"))
bob.create_training_job(**training(fs_id, "bob-train", "/fsx/users/bob"))
expect_denied("alice trains on bob's directory",
              lambda: alice.create_training_job(**training(fs_id, "alice-on-bob", "/fsx/users/bob")), "sagemaker:CreateTrainingJob")
expect_denied("alice mounts her directory and bob's",
              lambda: alice.create_training_job(**training(fs_id, "alice-both", "/fsx/users/alice", "/fsx/users/bob")),
              "sagemaker:CreateTrainingJob")

# 5. Describe, update and stop: one's own jobs only.
alice.describe_training_job(TrainingJobName="alice-train")
expect_denied("bob describes alice's job", lambda: bob.describe_training_job(TrainingJobName="alice-train"), "sagemaker:DescribeTrainingJob")
expect_denied("bob updates alice's job",
              lambda: bob.update_training_job(TrainingJobName="alice-train", ResourceConfig={"KeepAlivePeriodInSeconds": 60}),
              "sagemaker:UpdateTrainingJob")
expect_denied("bob stops alice's job", lambda: bob.stop_training_job(TrainingJobName="alice-train"), "sagemaker:StopTrainingJob")
alice.update_training_job(TrainingJobName="alice-train", ResourceConfig={"KeepAlivePeriodInSeconds": 60})
alice.stop_training_job(TrainingJobName="alice-train")
bob.stop_training_job(TrainingJobName="bob-train")

# 6. No retagging into another's resource.
job_arn = "arn:aws:sagemaker:%s:%s:training-job/alice-train" % (admin.meta.region_name, ROLE_ARN.split(":")[4])
bob_profile = "arn:aws:sagemaker:%s:%s:user-profile/%s/bob" % (admin.meta.region_name, ROLE_ARN.split(":")[4], domain_id)
expect_denied("bob claims alice's job",
              lambda: bob.add_tags(ResourceArn=job_arn, Tags=[{"Key": "sagemaker:user-profile-arn", "Value": bob_profile}]),
              "sagemaker:AddTags")
expect_denied("bob strips alice's owner tag",
              lambda: bob.delete_tags(ResourceArn=job_arn, TagKeys=["sagemaker:user-profile-arn"]), "sagemaker:DeleteTags")
expect_denied("alice hands her job to bob",
              lambda: alice.add_tags(ResourceArn=job_arn, Tags=[{"Key": "sagemaker:user-profile-arn", "Value": bob_profile}]),
              "sagemaker:AddTags")
expect_denied("bob still cannot describe alice's job",
              lambda: bob.describe_training_job(TrainingJobName="alice-train"), "sagemaker:DescribeTrainingJob")

# 7. Models, endpoint configs and endpoints.
for who, client in (("alice", alice), ("bob", bob)):
    client.create_model(
        ModelName=who + "-model",
        ExecutionRoleArn=ROLE_ARN,
        PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1", "ModelDataUrl": "s3://ml-bucket/model.tar.gz"},
    )
    client.create_endpoint_config(
        EndpointConfigName=who + "-cfg",
        ProductionVariants=[{"VariantName": "main", "ModelName": who + "-model", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}],
    )
expect_denied("bob describes alice's model", lambda: bob.describe_model(ModelName="alice-model"), "sagemaker:DescribeModel")
expect_denied("bob deploys alice's endpoint config",
              lambda: bob.create_endpoint(EndpointName="bob-on-alice", EndpointConfigName="alice-cfg"), "sagemaker:CreateEndpoint")
alice.create_endpoint(EndpointName="alice-ep", EndpointConfigName="alice-cfg")
wait(lambda: alice.describe_endpoint(EndpointName="alice-ep"), "EndpointStatus", "InService")
expect_denied("bob describes alice's endpoint", lambda: bob.describe_endpoint(EndpointName="alice-ep"), "sagemaker:DescribeEndpoint")
expect_denied("bob deletes alice's endpoint", lambda: bob.delete_endpoint(EndpointName="alice-ep"), "sagemaker:DeleteEndpoint")
alice.delete_endpoint(EndpointName="alice-ep")

# 8. The audit trail: every call of each user, allowed or denied, carries
#    their name as sourceIdentity.
events = boto3.client("cloudtrail").lookup_events(
    LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "StopTrainingJob"}]
)["Events"]
seen = set()
for ev in events:
    rec = json.loads(ev["CloudTrailEvent"])
    who = rec["userIdentity"].get("sessionContext", {}).get("sourceIdentity")
    seen.add((who, "denied" if rec.get("errorCode") else "allowed"))
if seen != {("alice", "allowed"), ("bob", "allowed"), ("bob", "denied")}:
    fail("StopTrainingJob events by source identity: %s" % sorted(seen))

print("setup 2 checks passed")
