package secretsmanager

import (
	"context"

	"abacus/internal/op"
)

const svc = "secretsmanager"

// Register registers every Secrets Manager operation abacus serves with r,
// each with the checks the Service Authorization Reference lists for it.
func Register(r *op.Registry, s *Service) {
	id := func(in *SecretIDInput) string { return in.SecretId }
	op.Register(r, op.Spec[CreateSecretInput, CreateSecretOutput]{Service: svc, Name: "CreateSecret",
		Authorize: s.authorizeCreateSecret, Handle: s.CreateSecret})
	op.Register(r, op.Spec[GetSecretValueInput, GetSecretValueOutput]{Service: svc, Name: "GetSecretValue", ReadOnly: true,
		Authorize: on(s, "secretsmanager:GetSecretValue", func(in *GetSecretValueInput) string { return in.SecretId }, func(in *GetSecretValueInput) map[string][]string {
			k := map[string][]string{}
			if in.VersionId != nil {
				k["secretsmanager:VersionId"] = []string{*in.VersionId}
			}
			if in.VersionStage != nil {
				k["secretsmanager:VersionStage"] = []string{*in.VersionStage}
			}
			return k
		}),
		Handle: s.GetSecretValue})
	op.Register(r, op.Spec[PutSecretValueInput, PutSecretValueOutput]{Service: svc, Name: "PutSecretValue",
		Authorize: on(s, "secretsmanager:PutSecretValue", func(in *PutSecretValueInput) string { return in.SecretId }, nil),
		Handle:    s.PutSecretValue})
	op.Register(r, op.Spec[UpdateSecretInput, UpdateSecretOutput]{Service: svc, Name: "UpdateSecret",
		Authorize: on(s, "secretsmanager:UpdateSecret", func(in *UpdateSecretInput) string { return in.SecretId }, func(in *UpdateSecretInput) map[string][]string {
			k := map[string][]string{}
			if in.Description != nil {
				k["secretsmanager:Description"] = []string{*in.Description}
			}
			if in.KmsKeyId != nil {
				k["secretsmanager:KmsKeyId"] = []string{*in.KmsKeyId}
				k["secretsmanager:KmsKeyArn"] = []string{*in.KmsKeyId}
			}
			if in.Type != nil {
				k["secretsmanager:Type"] = []string{*in.Type}
			}
			return k
		}),
		Handle: s.UpdateSecret})
	op.Register(r, op.Spec[SecretIDInput, DescribeSecretOutput]{Service: svc, Name: "DescribeSecret", ReadOnly: true,
		Authorize: on(s, "secretsmanager:DescribeSecret", id, nil), Handle: s.DescribeSecret})
	op.Register(r, op.Spec[ListSecretsInput, ListSecretsOutput]{Service: svc, Name: "ListSecrets", ReadOnly: true,
		Authorize: op.Any[ListSecretsInput]("secretsmanager:ListSecrets"), Handle: s.ListSecrets})
	op.Register(r, op.Spec[DeleteSecretInput, DeleteSecretOutput]{Service: svc, Name: "DeleteSecret",
		Authorize: s.authorizeDeleteSecret, Handle: s.DeleteSecret})
	op.Register(r, op.Spec[SecretIDInput, ARNNameOutput]{Service: svc, Name: "RestoreSecret",
		Authorize: on(s, "secretsmanager:RestoreSecret", id, nil), Handle: s.RestoreSecret})
	op.Register(r, op.Spec[UpdateSecretVersionStageInput, ARNNameOutput]{Service: svc, Name: "UpdateSecretVersionStage",
		Authorize: on(s, "secretsmanager:UpdateSecretVersionStage", func(in *UpdateSecretVersionStageInput) string { return in.SecretId },
			func(in *UpdateSecretVersionStageInput) map[string][]string {
				return map[string][]string{"secretsmanager:VersionStage": {in.VersionStage}}
			}),
		Handle: s.UpdateSecretVersionStage})
	op.Register(r, op.Spec[ListSecretVersionIdsInput, ListSecretVersionIdsOutput]{Service: svc, Name: "ListSecretVersionIds", ReadOnly: true,
		Authorize: on(s, "secretsmanager:ListSecretVersionIds", func(in *ListSecretVersionIdsInput) string { return in.SecretId }, nil),
		Handle:    s.ListSecretVersionIds})
	op.Register(r, op.Spec[TagResourceInput, EmptyOutput]{Service: svc, Name: "TagResource",
		Authorize: on(s, "secretsmanager:TagResource", func(in *TagResourceInput) string { return in.SecretId }, func(in *TagResourceInput) map[string][]string {
			k := map[string][]string{}
			requestTagKeys(k, in.Tags)
			return k
		}),
		Handle: s.TagResource})
	op.Register(r, op.Spec[UntagResourceInput, EmptyOutput]{Service: svc, Name: "UntagResource",
		Authorize: on(s, "secretsmanager:UntagResource", func(in *UntagResourceInput) string { return in.SecretId }, func(in *UntagResourceInput) map[string][]string {
			return map[string][]string{"aws:TagKeys": append([]string{}, in.TagKeys...)}
		}),
		Handle: s.UntagResource})
	op.Register(r, op.Spec[PutResourcePolicyInput, ARNNameOutput]{Service: svc, Name: "PutResourcePolicy",
		Authorize: on(s, "secretsmanager:PutResourcePolicy", func(in *PutResourcePolicyInput) string { return in.SecretId }, func(in *PutResourcePolicyInput) map[string][]string {
			b := "false"
			if in.BlockPublicPolicy != nil && *in.BlockPublicPolicy {
				b = "true"
			}
			return map[string][]string{"secretsmanager:BlockPublicPolicy": {b}}
		}),
		Handle: s.PutResourcePolicy})
	op.Register(r, op.Spec[SecretIDInput, GetResourcePolicyOutput]{Service: svc, Name: "GetResourcePolicy", ReadOnly: true,
		Authorize: on(s, "secretsmanager:GetResourcePolicy", id, nil), Handle: s.GetResourcePolicy})
	op.Register(r, op.Spec[SecretIDInput, ARNNameOutput]{Service: svc, Name: "DeleteResourcePolicy",
		Authorize: on(s, "secretsmanager:DeleteResourcePolicy", id, nil), Handle: s.DeleteResourcePolicy})
	op.Register(r, op.Spec[BatchGetSecretValueInput, BatchGetSecretValueOutput]{Service: svc, Name: "BatchGetSecretValue", ReadOnly: true,
		Authorize: op.Any[BatchGetSecretValueInput]("secretsmanager:BatchGetSecretValue"), Handle: s.BatchGetSecretValue})
	op.Register(r, op.Spec[GetRandomPasswordInput, GetRandomPasswordOutput]{Service: svc, Name: "GetRandomPassword", ReadOnly: true,
		Authorize: op.Any[GetRandomPasswordInput]("secretsmanager:GetRandomPassword"), Handle: s.GetRandomPassword})
	op.Register(r, op.Spec[ValidateResourcePolicyInput, ValidateResourcePolicyOutput]{Service: svc, Name: "ValidateResourcePolicy", ReadOnly: true,
		Authorize: func(ctx context.Context, c *op.Call, in *ValidateResourcePolicyInput) ([]op.Check, error) {
			if in.SecretId == nil {
				return []op.Check{{Action: "secretsmanager:ValidateResourcePolicy", Resource: "*"}}, nil
			}
			return s.secretCheck(ctx, c, *in.SecretId, "secretsmanager:ValidateResourcePolicy", nil)
		},
		Handle: s.ValidateResourcePolicy})
}
