# Setup 2's secrets on abacus: one secret per Studio user under
# user-secrets/<user>/, each with a value, a tag naming its owner and a
# resource policy that lets only that user's sessions of the shared
# execution role read it.
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
  skip_requesting_account_id  = true
}

variable "users" {
  type    = list(string)
  default = ["alice", "bob"]
}

resource "aws_secretsmanager_secret" "user" {
  for_each                = toset(var.users)
  name                    = "user-secrets/${each.key}/db-password"
  description             = "Database password of ${each.key}"
  recovery_window_in_days = 0
  tags = {
    owner = each.key
  }
}

resource "aws_secretsmanager_secret_version" "user" {
  for_each      = aws_secretsmanager_secret.user
  secret_id     = each.value.id
  secret_string = jsonencode({ username = each.key, password = "initial-${each.key}" })
}

resource "aws_secretsmanager_secret_policy" "user" {
  for_each   = aws_secretsmanager_secret.user
  secret_arn = each.value.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OwnerSessionsOnly"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:role/studio-exec" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceIdentity" = each.key } }
    }]
  })
}

output "secret_arns" {
  value = { for k, s in aws_secretsmanager_secret.user : k => s.arn }
}
