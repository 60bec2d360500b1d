// Package secretsmanager implements AWS Secrets Manager (JSON 1.1): secrets
// with versions and staging labels, tags, resource policies and scheduled
// deletion. Secret values are sealed with AES-256-GCM (package secretbox)
// before they reach the store, bound to the secret's ARN and version; they
// are opened only to answer GetSecretValue.
//
// A secret is one generic store resource of type "secretsmanager:secret"
// keyed by REGION/NAME; its ARN carries AWS's random six-character suffix
// (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf). Operations
// accept a secret by name, full ARN or partial ARN (the ARN without the
// suffix), as AWS does.
//
//	svc := secretsmanager.New(secretsmanager.Options{Store: st, Box: box})
//	secretsmanager.Register(reg, svc)
//	// server.Options.Mappers: secretsmanager.MapError
//
// Authorization follows the Service Authorization Reference: every
// operation on a secret is checked on the secret's ARN with its tags (as
// aws:ResourceTag/* and secretsmanager:ResourceTag/*), its resource policy
// and the keys secretsmanager:SecretId, secretsmanager:SecretPrimaryRegion
// and the operation's own (secretsmanager:Name, VersionStage,
// RecoveryWindowInDays, ...). A CreateSecret with tags is also checked for
// secretsmanager:TagResource on the new secret.
package secretsmanager
