package policy

import "fmt"

// Decision is the outcome of evaluating a request, in IAM's words. The zero
// value is [ImplicitDeny], so an unevaluated decision denies.
type Decision uint8

// The three decisions IAM distinguishes
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html).
const (
	ImplicitDeny Decision = iota
	Allowed
	ExplicitDeny
)

var decisionNames = [...]string{"implicitDeny", "allowed", "explicitDeny"}

// String returns "allowed", "explicitDeny" or "implicitDeny".
func (d Decision) String() string {
	if int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return fmt.Sprintf("Decision(%d)", uint8(d))
}

// MarshalText implements encoding.TextMarshaler.
func (d Decision) MarshalText() ([]byte, error) {
	if int(d) >= len(decisionNames) {
		return nil, fmt.Errorf("policy: invalid decision %d", uint8(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Decision) UnmarshalText(b []byte) error {
	for i, n := range decisionNames {
		if n == string(b) {
			*d = Decision(i)
			return nil
		}
	}
	return fmt.Errorf("policy: unknown decision %q", b)
}

// Effect is a statement's Effect.
type Effect uint8

// The two effects. The zero value is not a valid effect.
const (
	EffectAllow Effect = iota + 1
	EffectDeny
)

// String returns "Allow" or "Deny".
func (e Effect) String() string {
	switch e {
	case EffectAllow:
		return "Allow"
	case EffectDeny:
		return "Deny"
	}
	return fmt.Sprintf("Effect(%d)", uint8(e))
}

// MarshalText implements encoding.TextMarshaler.
func (e Effect) MarshalText() ([]byte, error) { return []byte(e.String()), nil }
