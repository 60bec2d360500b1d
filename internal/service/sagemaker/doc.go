// Package sagemaker implements the SageMaker API that abacus serves (JSON
// 1.1, X-Amz-Target "SageMaker.<Operation>"): notebook instances, Studio
// domains, user profiles and apps, presigned notebook and Studio URLs, tags,
// and (in the training, processing, model and endpoint files) jobs, models
// and endpoints.
//
// # Flow
//
// Every operation is registered once with [op.Register] (see Register in
// register.go; each resource file has its own registerXxx function that
// Register calls). Its Authorize function returns every check the Service
// Authorization Reference lists for the operation; its Handle function runs
// in one store transaction:
//
//	Authorize: validate input -> load the existing resource (tags) ->
//	           checks: action on ARN (+ request keys), sagemaker:AddTags on
//	           the new ARN when tags are passed, iam:PassRole per role ARN
//	Handle:    s.store.Update(ctx, func(ctx, tx) error { ... })
//
// # The foundation shared by every resource file
//
//   - ARNs: [Service.ARN] / arnOf build "arn:aws:sagemaker:REGION:ACCOUNT:TYPE/PATH";
//     names of name-identified resources are lower-cased in ARNs, as
//     SageMaker does (lowerName). parseARN splits one back.
//   - Storage: every resource is a model.Resource of type "sagemaker:TYPE"
//     whose ID is "REGION/PATH" (PATH as in the ARN, so lower-cased names
//     are unique without regard to case). getEntry, createEntry, putEntry,
//     listEntries and tagsOf wrap the generic resource store with a typed
//     document and the time its status began; a resource whose status has
//     settled to [StatusGone] does not exist.
//   - Tags: validateTags (1-50 tags, key 1-128 characters, no "aws:"
//     prefix), requestTagKeys (aws:RequestTag/* and aws:TagKeys),
//     [Service.CreateChecks] (the Create* check, sagemaker:AddTags on the
//     new ARN with sagemaker:TaggingAction = the operation name, and
//     iam:PassRole with iam:PassedToService = sagemaker.amazonaws.com),
//     resourceCheck (an action on an existing resource: its tags as
//     aws:ResourceTag/* and sagemaker:ResourceTag/*), and
//     [Service.StudioTags] (sagemaker:domain-arn, sagemaker:user-profile-arn
//     and, with TagPropagation ENABLED, the user tags of domain and
//     profile) for resources created with Studio-session credentials.
//     AddTags, DeleteTags and ListTags work on every resource type
//     registered in resourceTypes.
//   - Status progressions: [Lifecycle] maps a transitional status to the
//     status it settles into after the configured delay (Options.Delay),
//     driven by the injected clock; settle returns the effective status of
//     a stored one. Nothing runs in the background.
//   - Errors: [Error] with AWS's codes (ValidationException,
//     ResourceNotFound, ResourceInUse, ResourceLimitExceeded,
//     ConflictException, AccessDeniedException); [MapError] maps them to the
//     wire. transitionError renders the notebook-instance lifecycle text.
//
// # Presigned URLs and Studio sessions
//
// CreatePresignedNotebookInstanceUrl and CreatePresignedDomainUrl store a
// single-use token (its digest) and return a URL under /_abacus/ built on
// the request's endpoint ([WithEndpoint]). The server's landing pages call
// [Service.PeekLanding], re-authorize the creator, then
// [Service.OpenLanding] (which starts a landing session, a cookie) and
// [Service.LandingSession] on later requests; the Studio page gets the
// user's session from [Service.StudioCredentials] through the
// [RoleAssumer] (STS's AssumeRoleAsService in the wiring).
//
// Choices where AWS's behaviour is not documented are written down in the
// repository's docs/sagemaker.md.
package sagemaker
