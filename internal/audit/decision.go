package audit

// Decision values, spelled as abacus writes them in
// additionalEventData.abacus.decision.
const (
	DecisionAllow        = "allowed"
	DecisionExplicitDeny = "explicitDeny"
	DecisionImplicitDeny = "implicitDeny"
)

// AdditionalDataKey is the key of additionalEventData under which an event
// carries its [Decision].
const AdditionalDataKey = "abacus"

// Decision is the authorization outcome of a request as the audit trail
// records it. It is a plain struct of its own so that the audit trail does
// not depend on the policy engine: the server copies the engine's decision
// into it.
//
// The zero value means no authorization decision was made (for example
// when authentication failed) and is not written.
type Decision struct {
	// Decision is one of DecisionAllow, DecisionExplicitDeny and
	// DecisionImplicitDeny.
	Decision string `json:"decision"`
	// MatchedStatements are the statements that decided: for an explicit
	// deny the denying statements, for an allow the allowing ones.
	MatchedStatements []Statement `json:"matchedStatements,omitempty"`
	// Explanation is a human-readable account of the decision.
	Explanation string `json:"explanation,omitempty"`
	// Enforced is false when the server runs with --enforce=soft and let a
	// denied request through; such an event has a deny decision and no
	// error code.
	Enforced *bool `json:"enforced,omitempty"`
}

// Statement identifies one policy statement that took part in a decision.
type Statement struct {
	// Policy is the policy's ARN for managed policies, or
	// "PRINCIPAL_ARN/inline/NAME" style names for inline policies, as the
	// engine reports them.
	Policy string `json:"policy"`
	// Sid is the statement's Sid, empty when it has none.
	Sid string `json:"sid,omitempty"`
	// Index is the statement's position in the policy, from 0.
	Index int `json:"index"`
	// Effect is "Allow" or "Deny".
	Effect string `json:"effect"`
	// Action is the action of the check the statement matched, when a
	// request needed several (AssumeRole and SetSourceIdentity; PassRole).
	Action string `json:"action,omitempty"`
}

// IsZero reports whether d records no decision.
func (d Decision) IsZero() bool {
	return d.Decision == "" && len(d.MatchedStatements) == 0 && d.Explanation == ""
}

// Denied reports whether d is a denial, explicit or implicit.
func (d Decision) Denied() bool {
	return d.Decision == DecisionExplicitDeny || d.Decision == DecisionImplicitDeny
}
