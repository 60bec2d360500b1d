#!/usr/bin/env bash
# Setup 2 with the AWS CLI: per-user ABAC on a shared SageMaker Studio
# domain. One domain whose execution-role identity is the user profile name,
# two user profiles (alice, bob) sharing ONE execution role, and each user
# acting through their Studio session's credentials, which the AWS CLI gets
# from `abacus studio credentials` as a credential_process. Run against a
# server started with `abacus serve`:
#
#   eval "$(abacus env)"
#   bash examples/cli/setup2.sh
#
# Needs the AWS CLI, jq and the abacus binary (ABACUS, default: abacus on
# PATH). Exits non-zero with a message when anything differs from AWS's
# behaviour.
set -euo pipefail

ABACUS=${ABACUS:-abacus}
fail() { echo "FAIL: $*" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# 1. The shared execution role: SageMaker may assume it and set the source
#    identity; its policy lets each user reach only what carries their own
#    sagemaker:user-profile-arn tag, train only on /fsx/users/<self>, and
#    never rewrite the ownership tags.
ROLE_ARN=$(aws iam create-role --role-name studio-exec --query Role.Arn --output text \
  --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}')
OWN='arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}'
cat >"$WORK/policy.json" <<EOF
{"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowUserTrainingJobs", "Effect": "Allow",
   "Action": ["sagemaker:DescribeTrainingJob", "sagemaker:UpdateTrainingJob", "sagemaker:StopTrainingJob"],
   "Resource": "arn:aws:sagemaker:*:*:training-job/*",
   "Condition": {"StringLike": {"sagemaker:ResourceTag/sagemaker:user-profile-arn": "$OWN"}}},
  {"Sid": "AllowUserModelsAndEndpoints", "Effect": "Allow",
   "Action": ["sagemaker:DescribeModel", "sagemaker:DescribeEndpointConfig", "sagemaker:DescribeEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DeleteEndpoint"],
   "Resource": ["arn:aws:sagemaker:*:*:model/*", "arn:aws:sagemaker:*:*:endpoint-config/*", "arn:aws:sagemaker:*:*:endpoint/*"],
   "Condition": {"StringLike": {"sagemaker:ResourceTag/sagemaker:user-profile-arn": "$OWN"}}},
  {"Sid": "TrainOnlyOnOwnDirectory", "Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
   "Condition": {"StringLike": {"sagemaker:FileSystemDirectoryPath": ["/fsx/users/\${aws:SourceIdentity}", "/fsx/users/\${aws:SourceIdentity}/*"]}}},
  {"Sid": "CreateModelsAndEndpoints", "Effect": "Allow",
   "Action": ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig", "sagemaker:CreateEndpoint"],
   "Resource": ["arn:aws:sagemaker:*:*:model/*", "arn:aws:sagemaker:*:*:endpoint-config/*", "arn:aws:sagemaker:*:*:endpoint/*"]},
  {"Sid": "DeployOnlyOwnEndpointConfigs", "Effect": "Deny", "Action": ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"],
   "Resource": "arn:aws:sagemaker:*:*:endpoint-config/*",
   "Condition": {"StringNotLike": {"sagemaker:ResourceTag/sagemaker:user-profile-arn": "$OWN"}}},
  {"Sid": "TagOnCreate", "Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*",
   "Condition": {"Null": {"sagemaker:TaggingAction": "false"}}},
  {"Sid": "TagOwnResources", "Effect": "Allow", "Action": ["sagemaker:AddTags", "sagemaker:DeleteTags"], "Resource": "*",
   "Condition": {"StringLike": {"sagemaker:ResourceTag/sagemaker:user-profile-arn": "$OWN"}}},
  {"Sid": "DenyTagTampering", "Effect": "Deny", "Action": ["sagemaker:AddTags", "sagemaker:DeleteTags"], "Resource": "*",
   "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["sagemaker:user-profile-arn", "sagemaker:domain-arn"]},
                 "Null": {"sagemaker:TaggingAction": "true"}}},
  {"Sid": "Lists", "Effect": "Allow", "Resource": "*",
   "Action": ["sagemaker:ListTrainingJobs", "sagemaker:ListModels", "sagemaker:ListEndpoints", "sagemaker:ListTags"]},
  {"Sid": "PassTheExecutionRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "$ROLE_ARN",
   "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}}
]}
EOF
aws iam put-role-policy --role-name studio-exec --policy-name user-abac --policy-document "file://$WORK/policy.json"

# 2. The domain (source identity = user profile name) and two profiles.
DOMAIN_ARN=$(aws sagemaker create-domain --domain-name ml-domain --auth-mode IAM \
  --default-user-settings "ExecutionRole=$ROLE_ARN" \
  --domain-settings "ExecutionRoleIdentityConfig=USER_PROFILE_NAME" \
  --subnet-ids subnet-0123456789abcdef0 --vpc-id vpc-0123456789abcdef0 --query DomainArn --output text)
DOMAIN_ID=${DOMAIN_ARN##*/}
wait_for() { # DESCRIPTION WANT CMD...
  local what=$1 want=$2 got=; shift 2
  for _ in $(seq 1 300); do
    got=$("$@") && [ "$got" = "$want" ] && return 0
    sleep 0.2
  done
  fail "$what stayed $got, want $want"
}
wait_for "domain" InService aws sagemaker describe-domain --domain-id "$DOMAIN_ID" --query Status --output text
for u in alice bob; do
  aws sagemaker create-user-profile --domain-id "$DOMAIN_ID" --user-profile-name "$u" >/dev/null
  wait_for "profile $u" InService aws sagemaker describe-user-profile --domain-id "$DOMAIN_ID" --user-profile-name "$u" --query Status --output text
done

# 3. The shared FSx for Lustre file system the training jobs mount.
FS_ID=$(aws fsx create-file-system --file-system-type LUSTRE --storage-capacity 1200 \
  --subnet-ids subnet-0123456789abcdef0 --lustre-configuration DeploymentType=SCRATCH_2 \
  --query FileSystem.FileSystemId --output text)

# 4. One AWS CLI profile per Studio user: its credentials are the user's
#    Studio session (the shared role, session name SageMaker, the user's
#    name as source identity), minted through CreatePresignedDomainUrl with
#    the administrator's own keys.
export AWS_CONFIG_FILE="$WORK/config"
for u in alice bob; do
  cat >>"$AWS_CONFIG_FILE" <<EOF
[profile $u]
credential_process = $ABACUS studio credentials --domain-id $DOMAIN_ID --user-profile $u --endpoint-url $AWS_ENDPOINT_URL
EOF
done
[ "$(aws --profile alice sts get-caller-identity --query Arn --output text)" = "arn:aws:sts::${ROLE_ARN:13:12}:assumed-role/studio-exec/SageMaker" ] ||
  fail "alice's Studio session is not assumed-role/studio-exec/SageMaker"
# The walkthrough keeps each user's session for its remaining calls rather
# than minting a new one per call as credential_process does.
declare -A CREDS
for u in alice bob; do
  CREDS[$u]=$("$ABACUS" studio credentials --domain-id "$DOMAIN_ID" --user-profile "$u" --endpoint-url "$AWS_ENDPOINT_URL")
done
as() { # USER CMD...: run an AWS CLI command in USER's Studio session
  local u=$1; shift
  AWS_ACCESS_KEY_ID=$(jq -r .AccessKeyId <<<"${CREDS[$u]}") AWS_SECRET_ACCESS_KEY=$(jq -r .SecretAccessKey <<<"${CREDS[$u]}") \
    AWS_SESSION_TOKEN=$(jq -r .SessionToken <<<"${CREDS[$u]}") aws "$@"
}

denied() { # DESCRIPTION ACTION CMD...: CMD must fail with AccessDeniedException for ACTION
  local what=$1 action=$2 out; shift 2
  if out=$("$@" 2>&1); then fail "$what: allowed"; fi
  grep -q "AccessDeniedException" <<<"$out" && grep -q "is not authorized to perform: $action" <<<"$out" ||
    fail "$what: $out"
}

training() { # NAME DIRECTORY...: a CreateTrainingJob input reading each directory of the file system
  local name=$1; shift
  jq -n --arg name "$name" --arg role "$ROLE_ARN" --arg fs "$FS_ID" --args '{
    TrainingJobName: $name, RoleArn: $role,
    AlgorithmSpecification: {TrainingImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1", TrainingInputMode: "File"},
    OutputDataConfig: {S3OutputPath: "s3://ml-bucket/out/"},
    ResourceConfig: {InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 10},
    StoppingCondition: {MaxRuntimeInSeconds: 3600},
    InputDataConfig: [$ARGS.positional | to_entries[] | {ChannelName: "train\(.key)", DataSource: {FileSystemDataSource:
      {FileSystemId: $fs, FileSystemAccessMode: "ro", FileSystemType: "FSxLustre", DirectoryPath: .value}}}]}' "$@"
}

# 5. Training only on one's own directory.
as alice sagemaker create-training-job --cli-input-json "$(training alice-train /fsx/users/alice)" >/dev/null
as bob sagemaker create-training-job --cli-input-json "$(training bob-train /fsx/users/bob)" >/dev/null
denied "alice trains on bob's directory" sagemaker:CreateTrainingJob \
  as alice sagemaker create-training-job --cli-input-json "$(training alice-on-bob /fsx/users/bob)"
denied "alice mounts her directory and bob's" sagemaker:CreateTrainingJob \
  as alice sagemaker create-training-job --cli-input-json "$(training alice-both /fsx/users/alice /fsx/users/bob)"

# 6. Describe, update and stop: one's own jobs only.
as alice sagemaker update-training-job --training-job-name alice-train --resource-config KeepAlivePeriodInSeconds=60 >/dev/null
denied "bob describes alice's job" sagemaker:DescribeTrainingJob as bob sagemaker describe-training-job --training-job-name alice-train
denied "bob updates alice's job" sagemaker:UpdateTrainingJob \
  as bob sagemaker update-training-job --training-job-name alice-train --resource-config KeepAlivePeriodInSeconds=60
denied "bob stops alice's job" sagemaker:StopTrainingJob as bob sagemaker stop-training-job --training-job-name alice-train

# 7. No retagging into another's resource.
JOB_ARN=${DOMAIN_ARN%:domain/*}:training-job/alice-train
BOB_PROFILE_ARN=${DOMAIN_ARN%:domain/*}:user-profile/$DOMAIN_ID/bob
denied "bob claims alice's job" sagemaker:AddTags \
  as bob sagemaker add-tags --resource-arn "$JOB_ARN" --tags "Key=sagemaker:user-profile-arn,Value=$BOB_PROFILE_ARN"
denied "bob strips alice's owner tag" sagemaker:DeleteTags \
  as bob sagemaker delete-tags --resource-arn "$JOB_ARN" --tag-keys sagemaker:user-profile-arn
denied "bob still cannot describe alice's job" sagemaker:DescribeTrainingJob \
  as bob sagemaker describe-training-job --training-job-name alice-train

# 8. Models, endpoint configs and endpoints.
as alice sagemaker create-model --model-name alice-model --execution-role-arn "$ROLE_ARN" \
  --primary-container "Image=123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1,ModelDataUrl=s3://ml-bucket/model.tar.gz" >/dev/null
as alice sagemaker create-endpoint-config --endpoint-config-name alice-cfg \
  --production-variants "VariantName=main,ModelName=alice-model,InitialInstanceCount=1,InstanceType=ml.m5.large" >/dev/null
denied "bob describes alice's model" sagemaker:DescribeModel as bob sagemaker describe-model --model-name alice-model
denied "bob deploys alice's endpoint config" sagemaker:CreateEndpoint \
  as bob sagemaker create-endpoint --endpoint-name bob-on-alice --endpoint-config-name alice-cfg
as alice sagemaker create-endpoint --endpoint-name alice-ep --endpoint-config-name alice-cfg >/dev/null
wait_for "alice-ep" InService as alice sagemaker describe-endpoint --endpoint-name alice-ep --query EndpointStatus --output text
denied "bob describes alice's endpoint" sagemaker:DescribeEndpoint as bob sagemaker describe-endpoint --endpoint-name alice-ep

# 9. The audit trail: bob's denied calls carry his name as sourceIdentity.
aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=StopTrainingJob \
  --query 'Events[].CloudTrailEvent' --output json >"$WORK/events.json"
got=$(jq -r '.[] | fromjson | "\(.userIdentity.sessionContext.sourceIdentity) \(.errorCode // "allowed")"' "$WORK/events.json" | sort | tr '\n' ';')
[ "$got" = "bob AccessDenied;" ] || [ "$got" = "bob AccessDeniedException;" ] ||
  fail "StopTrainingJob events by source identity: $got"

echo "setup 2 CLI walkthrough passed"
