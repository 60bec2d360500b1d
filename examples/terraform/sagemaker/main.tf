# Setup 1 on abacus with Terraform: the ML-Team group whose SageMaker policy
# lets members use notebook instances, a notebook instance with its
# execution role, and a Studio domain (IAM auth mode, source identity on)
# with a user profile.
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

data "aws_caller_identity" "current" {}

# The role SageMaker assumes for the notebook instance and for Studio users.
# sts:SetSourceIdentity lets Studio put the user profile name on sessions.
resource "aws_iam_role" "sagemaker_exec" {
  name = "SageMakerExecution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    }]
  })
}

resource "aws_iam_group" "ml_team" {
  name = "ML-Team"
}

resource "aws_iam_group_policy" "sagemaker" {
  name  = "SageMaker-Policy"
  group = aws_iam_group.ml_team.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Notebooks"
        Effect   = "Allow"
        Resource = "*"
        Action = [
          "sagemaker:CreateNotebookInstance",
          "sagemaker:StartNotebookInstance",
          "sagemaker:StopNotebookInstance",
          "sagemaker:DescribeNotebookInstance",
          "sagemaker:CreatePresignedNotebookInstanceUrl",
        ]
      },
      {
        Sid       = "PassNotebookRole"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = aws_iam_role.sagemaker_exec.arn
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
    ]
  })
}

resource "aws_iam_user" "member" {
  for_each = toset(["alice", "bob"])
  name     = each.key
}

resource "aws_iam_user" "outsider" {
  name = "carol"
}

resource "aws_iam_group_membership" "ml_team" {
  name  = "ml-team-members"
  group = aws_iam_group.ml_team.name
  users = [for u in aws_iam_user.member : u.name]
}

resource "aws_sagemaker_notebook_instance" "team" {
  name          = "ml-team-notebook"
  role_arn      = aws_iam_role.sagemaker_exec.arn
  instance_type = "ml.t3.medium"
  tags = {
    team = "ml"
  }
}

resource "aws_sagemaker_domain" "studio" {
  domain_name = "ml-studio"
  auth_mode   = "IAM"
  vpc_id      = "vpc-0123456789abcdef0"
  subnet_ids  = ["subnet-0123456789abcdef0"]

  default_user_settings {
    execution_role = aws_iam_role.sagemaker_exec.arn
  }

  domain_settings {
    execution_role_identity_config = "USER_PROFILE_NAME"
  }

  tags = {
    team = "ml"
  }
}

resource "aws_sagemaker_user_profile" "alice" {
  domain_id         = aws_sagemaker_domain.studio.id
  user_profile_name = "alice"
}

output "notebook_arn" {
  value = aws_sagemaker_notebook_instance.team.arn
}

output "domain_id" {
  value = aws_sagemaker_domain.studio.id
}
