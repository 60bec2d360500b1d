# Setup 1's identity side on abacus: the ML-Team group with its SageMaker
# policy, members and a non-member, a customer managed policy attached to a
# second group, and a notebook execution role.
#
#   eval "$(abacus env)"
#   terraform init && terraform apply
#
# The provider reads AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY from the environment (abacus env prints them).

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_region_validation      = true
  skip_metadata_api_check     = true
  skip_credentials_validation = false
}

resource "aws_iam_group" "ml_team" {
  name = "ML-Team"
}

resource "aws_iam_group_policy" "sagemaker" {
  name  = "SageMaker-Policy"
  group = aws_iam_group.ml_team.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Resource = "*"
      Action = [
        "sagemaker:CreateNotebookInstance",
        "sagemaker:StartNotebookInstance",
        "sagemaker:StopNotebookInstance",
        "sagemaker:DescribeNotebookInstance",
        "sagemaker:CreatePresignedNotebookInstanceUrl",
      ]
    }]
  })
}

resource "aws_iam_user" "member" {
  for_each = toset(["alice", "bob"])
  name     = each.key
  tags     = { team = "ml" }
}

resource "aws_iam_user" "outsider" {
  name = "mallory"
}

resource "aws_iam_group_membership" "ml_team" {
  name  = "ml-team-members"
  group = aws_iam_group.ml_team.name
  users = [for u in aws_iam_user.member : u.name]
}

resource "aws_iam_group" "data_scientists" {
  name = "DataScientists"
  path = "/teams/"
}

resource "aws_iam_policy" "describe_only" {
  name        = "SageMakerDescribeOnly"
  description = "Read-only SageMaker notebook access"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sagemaker:DescribeNotebookInstance", "sagemaker:ListNotebookInstances"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_group_policy_attachment" "data_scientists" {
  group      = aws_iam_group.data_scientists.name
  policy_arn = aws_iam_policy.describe_only.arn
}

resource "aws_iam_role" "notebook" {
  name = "notebook-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = { purpose = "notebooks" }
}

resource "aws_iam_role_policy" "notebook_s3" {
  name = "notebook-s3"
  role = aws_iam_role.notebook.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "arn:aws:s3:::my-bucket/notebooks/*"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "notebook_readonly" {
  role       = aws_iam_role.notebook.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_access_key" "alice" {
  user = aws_iam_user.member["alice"].name
}

output "ml_team_arn" {
  value = aws_iam_group.ml_team.arn
}

output "notebook_role_arn" {
  value = aws_iam_role.notebook.arn
}
