#!/usr/bin/env bash
# SageMaker Studio with the AWS CLI: a domain that puts the user profile name
# on sessions as their source identity, a user profile, and Studio
# credentials used from an AWS CLI profile through `abacus studio
# credentials` (credential_process). Run against a server started with
# `abacus serve`:
#
#   eval "$(abacus env)"
#   bash examples/cli/studio.sh
#
# Needs the AWS CLI and jq; ABACUS names the abacus binary (default: abacus).
# Exits non-zero with a message when anything differs from AWS's behaviour.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
ABACUS=${ABACUS:-abacus}
ACCOUNT=$(aws sts get-caller-identity --query Account --output text)

# 1. The shared execution role: SageMaker may assume it and set the source
#    identity; it may create notebook instances (tagging them) and describe
#    only those its own Studio user created.
ROLE_ARN=$(aws iam create-role --role-name studio-exec --query Role.Arn --output text \
  --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}')
aws iam put-role-policy --role-name studio-exec --policy-name notebooks --policy-document '{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["sagemaker:CreateNotebookInstance", "sagemaker:AddTags"], "Resource": "*"},
    {"Effect": "Allow", "Action": "sagemaker:DescribeNotebookInstance", "Resource": "*",
     "Condition": {"StringLike": {"sagemaker:ResourceTag/sagemaker:user-profile-arn":
        "arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"}}},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
     "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}}
  ]}'

# 2. The domain (IAM auth mode, source identity on) and two user profiles.
DOMAIN=$(aws sagemaker create-domain --domain-name studio --auth-mode IAM \
  --default-user-settings "ExecutionRole=$ROLE_ARN" \
  --domain-settings "ExecutionRoleIdentityConfig=USER_PROFILE_NAME" \
  --vpc-id vpc-0123456789abcdef0 --subnet-ids subnet-0123456789abcdef0 \
  --query DomainId --output text)
wait_for() { # DESCRIBE-COMMAND... (prints Status)
  for _ in $(seq 1 100); do
    [ "$("$@" --query Status --output text)" = InService ] && return 0
    sleep 0.3
  done
  fail "$* never reached InService"
}
wait_for aws sagemaker describe-domain --domain-id "$DOMAIN"
for u in alice bob; do
  aws sagemaker create-user-profile --domain-id "$DOMAIN" --user-profile-name "$u" >/dev/null
  wait_for aws sagemaker describe-user-profile --domain-id "$DOMAIN" --user-profile-name "$u"
done
echo "domain $DOMAIN with profiles alice and bob: ok"

# 3. Each user's Studio session, as AWS CLI profiles.
CONFIG=$(mktemp)
trap 'rm -f "$CONFIG"' EXIT
for u in alice bob; do
  printf '[profile studio-%s]\nregion = us-east-1\ncredential_process = %s studio credentials --domain-id %s --user-profile %s\n' \
    "$u" "$ABACUS" "$DOMAIN" "$u" >>"$CONFIG"
done
studio() { local u=$1; shift; AWS_CONFIG_FILE=$CONFIG aws --profile "studio-$u" "$@"; }
ARN=$(studio alice sts get-caller-identity --query Arn --output text)
[ "$ARN" = "arn:aws:sts::$ACCOUNT:assumed-role/studio-exec/SageMaker" ] || fail "alice's Studio session is $ARN"
echo "alice's Studio session: $ARN: ok"

# 4. A notebook alice creates from Studio carries the automatic tags; she
#    may describe it, bob (same role) may not.
studio alice sagemaker create-notebook-instance --notebook-instance-name alice-nb \
  --instance-type ml.t3.medium --role-arn "$ROLE_ARN" >/dev/null
TAGS=$(aws sagemaker list-tags --resource-arn "arn:aws:sagemaker:us-east-1:$ACCOUNT:notebook-instance/alice-nb" --output json)
[ "$(jq -r '.Tags[] | select(.Key == "sagemaker:user-profile-arn") | .Value' <<<"$TAGS")" = \
  "arn:aws:sagemaker:us-east-1:$ACCOUNT:user-profile/$DOMAIN/alice" ] || fail "tags: $TAGS"
[ "$(jq -r '.Tags[] | select(.Key == "sagemaker:domain-arn") | .Value' <<<"$TAGS")" = \
  "arn:aws:sagemaker:us-east-1:$ACCOUNT:domain/$DOMAIN" ] || fail "tags: $TAGS"
studio alice sagemaker describe-notebook-instance --notebook-instance-name alice-nb >/dev/null
if out=$(studio bob sagemaker describe-notebook-instance --notebook-instance-name alice-nb 2>&1); then
  fail "bob described alice's notebook"
fi
grep -q AccessDeniedException <<<"$out" || fail "bob: $out"
echo "automatic tags; alice describes her notebook, bob is denied: ok"

# 5. The audit trail names alice as the source identity of her calls.
SI=$(aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateNotebookInstance \
  --query 'Events[0].CloudTrailEvent' --output text | jq -r .userIdentity.sessionContext.sourceIdentity)
[ "$SI" = alice ] || fail "sourceIdentity of CreateNotebookInstance is $SI"
echo "audit trail: sourceIdentity alice: ok"
echo "Studio CLI walkthrough passed"
