// Package iam is abacus's AWS Identity and Access Management service: users,
// groups, roles, managed policies with versions, inline policies,
// attachments, permissions boundaries, tags, access keys, the account
// authorization details and the policy simulator, with IAM's validation
// rules, quotas and error messages.
//
// The server wires it in three lines:
//
//	svc := iam.New(st, iam.Options{})  // st: the store
//	iam.Register(reg, svc)             // one op.Spec per operation
//	apierr.From(err, iam.MapError)     // domain errors to IAM wire errors
//
// and seeds the AWS managed policies once with [Service.SeedManagedPolicies].
//
// Every operation is registered with the checks AWS's Service Authorization
// Reference lists for it (action, resource ARN, condition keys such as
// iam:PermissionsBoundary, iam:PolicyARN, aws:RequestTag/*, aws:TagKeys and
// the entity's tags under iam:ResourceTag/*). Handlers take and return the
// structs in types.go, whose members follow botocore's iam model; the
// protocol layer encodes them. Each mutating operation runs in one store
// transaction, so a rejected call changes nothing, and the store announces
// every committed change on its change feed.
package iam
