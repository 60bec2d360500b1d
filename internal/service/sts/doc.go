// Package sts implements AWS Security Token Service on plain Go structs:
// GetCallerIdentity, GetSessionToken and AssumeRole, plus
// [Service.AssumeRoleAsService] for services that assume roles themselves
// (SageMaker assuming a Studio domain's execution role).
//
//	svc := sts.New(sts.Options{Store: st})
//	sts.Register(reg, svc)                      // the operations and their checks
//	... apierr.From(err, sts.Mapper)            // STS domain errors on the wire
//
// AssumeRole is authorized in two steps. Its registry entry declares
// sts:AssumeRole (and sts:TagSession, sts:SetSourceIdentity when tags or a
// source identity are passed) on the role with the trust policy as the
// resource policy; the handler then enforces what makes a trust policy
// special: it must itself allow the caller, and when it allows only the
// caller's account, the caller's identity-based policies must allow too
// (checked through op.Call.Authz). The handler also enforces the duration
// limits (the role's MaxSessionDuration; one hour for callers with
// temporary credentials), the immutability of a source identity through
// role chaining, transitive session tags, and session policies.
//
// Sessions are stored through the store (model.Session) and found again by
// internal/principal when their ASIA... access key signs a request.
package sts
