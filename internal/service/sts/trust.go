package sts

import (
	"context"
	"errors"
	"fmt"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/principal"
)

// checkTrust enforces what makes AssumeRole different from other
// resource-based access: a role's trust policy must itself allow the caller
// ("role trust policies ... are exceptions ... because they must explicitly
// allow access for principals",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html),
// and when it allows only at the level of the account (Principal
// "arn:aws:iam::ACCOUNT:root", an account ID or "*") the account's IAM
// policies decide, so the caller's identity-based policies must allow too
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html).
// A trust policy that names the caller's ARN, or the role of the calling
// session, grants on its own within the account. Across accounts the
// operation's registered checks already require both sides.
func (s *Service) checkTrust(ctx context.Context, c *op.Call, role model.Role, in *AssumeRoleInput) error {
	p := c.Principal
	trust, err := policy.CompileJSON([]byte(role.AssumeRolePolicyDocument), policy.Options{Name: "trust policy", ARN: role.ARN, Kind: policy.KindTrust})
	if err != nil {
		return fmt.Errorf("sts: trust policy of %s: %w", role.ARN, err)
	}
	set := policy.NewSet(trust)
	keys := assumeRoleKeys(p, in)
	info := principal.Request{SourceIP: c.SourceIP, UserAgent: c.UserAgent, Region: c.Region, Time: c.Now}
	sameAccount := roleAccount(role.ARN) == string(p.AccountID)
	var needIdentity []string
	buf := make([]policy.Match, 0, 8)
	for _, a := range assumeRoleActions(in) {
		req := principal.NewRequest(p, info, a, role.ARN, keys)
		d, matched := set.Evaluate(req, buf[:0])
		if d != policy.Allowed {
			return &AccessDeniedError{Caller: p.ARN, Action: a, Resource: role.ARN}
		}
		if sameAccount && !grantsPrincipal(matched, p) {
			needIdentity = append(needIdentity, a)
		}
	}
	if len(needIdentity) == 0 {
		return nil
	}
	if c.Authz == nil {
		return errors.New("sts: no authorizer for the identity-policy check of AssumeRole")
	}
	for _, a := range needIdentity {
		if err := c.Authz.Authorize(ctx, c, op.Check{Action: a, Resource: role.ARN, Context: keys}); err != nil {
			return err
		}
	}
	return nil
}

func assumeRoleActions(in *AssumeRoleInput) []string {
	actions := []string{ActionAssumeRole}
	if len(in.Tags) > 0 {
		actions = append(actions, ActionTagSession)
	}
	if in.SourceIdentity != nil {
		actions = append(actions, ActionSetSourceIdentity)
	}
	return actions
}

// grantsPrincipal reports whether an applying Allow statement names the
// caller itself in its Principal element: its own ARN (a user, or a role
// session's ARN), or the role of a calling role session. An account ID, an
// account root ARN or "*" is not a name.
func grantsPrincipal(matched []policy.Match, p *model.Principal) bool {
	for _, m := range matched {
		if m.Effect != policy.EffectAllow {
			continue
		}
		st := m.Policy.Document().Statements[m.Statement]
		if st.Principal == nil {
			continue
		}
		for _, a := range st.Principal.AWS {
			if a == p.ARN || (p.Session != nil && a == p.Session.RoleARN) {
				return true
			}
		}
	}
	return false
}

// PolicyTrust is the default [ServiceTrust]: it evaluates the trust policy
// with the policy engine for the service principal. Only an explicit Allow
// that names the service allows.
func PolicyTrust(_ context.Context, trustPolicy, service, action, roleARN string, keys map[string][]string) (bool, error) {
	p, err := policy.CompileJSON([]byte(trustPolicy), policy.Options{Name: "trust policy", ARN: roleARN, Kind: policy.KindTrust})
	if err != nil {
		return false, err
	}
	req := &policy.Request{Principal: policy.Caller{Type: policy.PrincipalService, Service: service}, Action: action, Resource: roleARN}
	for k, vs := range keys {
		if len(vs) == 1 {
			req.Context.Set(k, vs[0])
		} else {
			req.Context.SetMulti(k, vs...)
		}
	}
	return policy.NewSet(p).Decide(req) == policy.Allowed, nil
}

// validateSessionPolicy is the default session-policy check: the policy
// engine's parser and its rules for session policies. The error wraps
// [policy.ErrMalformedPolicyDocument] and carries the engine's message.
func validateSessionPolicy(doc string) error {
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		return err
	}
	return d.Validate(policy.KindSession)
}
