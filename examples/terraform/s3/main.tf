# Setup 2's bucket on abacus: the shared bucket that holds every Studio
# user's prefix, with tags and a bucket policy that keeps objects out of
# reach of anyone outside the account.
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
  s3_use_path_style           = true
  skip_region_validation      = true
  skip_metadata_api_check     = true
  skip_credentials_validation = false
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "data" {
  bucket = "my-bucket"
  tags = {
    team    = "ml-platform"
    purpose = "studio-user-data"
  }
}

resource "aws_s3_bucket_policy" "account_only" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyOtherAccounts"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["${aws_s3_bucket.data.arn}", "${aws_s3_bucket.data.arn}/*"]
      Condition = {
        StringNotEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id }
      }
    }]
  })
}
