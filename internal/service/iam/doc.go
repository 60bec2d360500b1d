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

// # Choices where AWS is silent or abacus differs
//
//   - Lists the store pages (users, groups, roles, policies, attachments,
//     inline policies, memberships) use the store's stable markers. Lists
//     the service assembles itself (policy versions, tags, access keys,
//     ListEntitiesForPolicy, GetAccountAuthorizationDetails, simulation
//     results) use an opaque offset marker; a marker this service did not
//     hand out is InvalidInput.
//   - The simulator returns one EvaluationResult per action, as IAM does
//     today: the most restrictive decision over the resources on top, one
//     ResourceSpecificResult per named resource. EvalResourceName is the
//     resource when one is named and "*" otherwise. For cross-account
//     simulations EvalDecisionDetails has the keys "IAM Policy" and
//     "Resource Policy". Context entries win over values the engine would
//     derive from the simulated caller or the clock.
//   - AWS managed policies are seeded with their current default document
//     as version v1; their policy IDs are derived from the ARN.
//   - abacus has no instance profiles: ListInstanceProfilesForRole answers
//     an empty list for an existing role, so Terraform can delete roles.
//   - GetUser, CreateAccessKey and ListAccessKeys without UserName act on
//     the caller (the root's own keys for the root); role sessions get
//     ValidationError, as IAM answers.
