#!/usr/bin/env bash
# Setup 1 with the AWS CLI: only members of ML-Team may use SageMaker
# notebook instances. Run against a server started with `abacus serve`:
#
#   eval "$(abacus env)"
#   bash examples/cli/setup1.sh
#
# Needs the AWS CLI, curl and jq. Exits non-zero with a message when
# anything differs from AWS's behaviour.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

ACCOUNT=$(aws sts get-caller-identity --query Account --output text)

# 1. The notebook's execution role, the group and its policy (attached to
#    the group, never to users), two members and a non-member.
ROLE_ARN=$(aws iam create-role --role-name nb-exec --query Role.Arn --output text \
  --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}')
aws iam create-group --group-name ML-Team >/dev/null
POLICY_ARN=$(aws iam create-policy --policy-name SageMaker-Policy --query Policy.Arn --output text --policy-document "{
  \"Version\": \"2012-10-17\",
  \"Statement\": [
    {\"Sid\": \"Notebooks\", \"Effect\": \"Allow\", \"Resource\": \"*\",
     \"Action\": [\"sagemaker:CreateNotebookInstance\", \"sagemaker:StartNotebookInstance\", \"sagemaker:StopNotebookInstance\",
                \"sagemaker:DescribeNotebookInstance\", \"sagemaker:CreatePresignedNotebookInstanceUrl\"]},
    {\"Sid\": \"PassNotebookRole\", \"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"$ROLE_ARN\",
     \"Condition\": {\"StringEquals\": {\"iam:PassedToService\": \"sagemaker.amazonaws.com\"}}}
  ]}")
aws iam attach-group-policy --group-name ML-Team --policy-arn "$POLICY_ARN"
for u in alice bob carol; do aws iam create-user --user-name "$u" >/dev/null; done
aws iam add-user-to-group --group-name ML-Team --user-name alice
aws iam add-user-to-group --group-name ML-Team --user-name bob

# as USER CMD...: run an AWS CLI command with USER's own access key.
declare -A KEY SECRET
for u in alice bob carol; do
  read -r KEY[$u] SECRET[$u] < <(aws iam create-access-key --user-name "$u" \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
done
as() { local u=$1; shift; AWS_ACCESS_KEY_ID=${KEY[$u]} AWS_SECRET_ACCESS_KEY=${SECRET[$u]} AWS_SESSION_TOKEN= aws "$@"; }

wait_status() { # USER NAME STATUS
  for _ in $(seq 1 300); do
    s=$(as "$1" sagemaker describe-notebook-instance --notebook-instance-name "$2" --query NotebookInstanceStatus --output text)
    [ "$s" = "$3" ] && return 0
    sleep 0.2
  done
  fail "$2 stayed $s, want $3"
}

# 2. Members create, stop, start and describe a notebook instance.
as alice sagemaker create-notebook-instance --notebook-instance-name team-nb \
  --instance-type ml.t3.medium --role-arn "$ROLE_ARN" >/dev/null
wait_status bob team-nb InService
as bob sagemaker stop-notebook-instance --notebook-instance-name team-nb
wait_status alice team-nb Stopped
as alice sagemaker start-notebook-instance --notebook-instance-name team-nb
wait_status alice team-nb InService
echo "alice and bob: create, stop, start, describe: ok"

# 3. A presigned URL opens the notebook's page once.
URL=$(as alice sagemaker create-presigned-notebook-instance-url --notebook-instance-name team-nb \
  --query AuthorizedUrl --output text)
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT
PAGE=$(curl -sS -L -c "$JAR" -b "$JAR" "$URL")
for want in team-nb InService "arn:aws:iam::$ACCOUNT:user/alice"; do
  grep -q -- "$want" <<<"$PAGE" || fail "the notebook page does not show $want"
done
[ "$(curl -sS -o /dev/null -w '%{http_code}' "$URL")" = 403 ] || fail "a presigned URL opened twice"
echo "alice: presigned URL opens the notebook page once: ok"

# 4. carol is outside ML-Team: every action is denied with AWS's message.
deny() { # ACTION CMD...
  local action=$1; shift
  if out=$(as carol sagemaker "$@" 2>&1); then fail "carol was allowed $action"; fi
  grep -q "AccessDeniedException" <<<"$out" || fail "carol $action: $out"
  grep -q "User: arn:aws:iam::$ACCOUNT:user/carol is not authorized to perform: sagemaker:$action" <<<"$out" || fail "carol $action: $out"
}
deny CreateNotebookInstance create-notebook-instance --notebook-instance-name carol-nb --instance-type ml.t3.medium --role-arn "$ROLE_ARN"
deny StartNotebookInstance start-notebook-instance --notebook-instance-name team-nb
deny StopNotebookInstance stop-notebook-instance --notebook-instance-name team-nb
deny DescribeNotebookInstance describe-notebook-instance --notebook-instance-name team-nb
deny CreatePresignedNotebookInstanceUrl create-presigned-notebook-instance-url --notebook-instance-name team-nb
echo "carol: denied all five actions: ok"

# 5. Each denial is one event in the audit trail.
EVENTS=$(aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=carol \
  --query 'Events[].CloudTrailEvent' --output json)
for action in CreateNotebookInstance StartNotebookInstance StopNotebookInstance DescribeNotebookInstance CreatePresignedNotebookInstanceUrl; do
  n=$(jq --arg a "$action" '[.[] | fromjson | select(.eventName == $a and .errorCode != null)] | length' <<<"$EVENTS")
  [ "$n" = 1 ] || fail "audit trail has $n denials of carol's $action, want 1"
done
echo "audit trail: each of carol's denials recorded once: ok"
echo "setup 1 CLI walkthrough passed"
