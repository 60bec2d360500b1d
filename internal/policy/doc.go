// Package policy is the IAM policy language: parse, validate, compile and
// evaluate AWS IAM JSON policies. It does no I/O, takes no context and
// imports nothing of abacus (internal/arn is the only dependency it may
// take), so it can be lifted out as a library.
//
// The stages are separate and each runs once per policy version, except
// the last, which runs per request:
//
//	doc, err := policy.Parse(src)                 // *SyntaxError with line:col
//	err = doc.Validate(policy.KindIdentity)       // *ValidationError per problem
//	p, err := policy.Compile(doc, policy.Options{Name: "ml-team", Kind: policy.KindIdentity})
//	set := policy.NewSet(p, q, ...)               // immutable, indexed by action
//
//	req := &policy.Request{Principal: ..., Action: "sagemaker:DescribeTrainingJob",
//		Resource: "arn:aws:sagemaker:us-east-1:123456789012:training-job/x"}
//	req.Context.Set("sagemaker:ResourceTag/owner", "alice")
//	dec, matched := set.Evaluate(req, buf[:0])    // no allocation
//	why := set.Explain(req)                       // allocates; for denials and audit
//
// Evaluate returns [Allowed], [ExplicitDeny] or [ImplicitDeny] for one
// policy set; combining policy types (SCPs, resource-based policies,
// permissions boundaries, session policies) is internal/authz's job.
//
// Semantics follow AWS's IAM documentation; each rule's table test cites the
// page it encodes. Choices where the documentation is silent:
//
//   - A policy variable's value is literal text: a '*' in a user name is
//     not a wildcard. Variables are substituted into parsed values at
//     evaluation time, never into policy text.
//   - A variable whose key is absent (or multivalued) and has no default
//     has no value: a Resource pattern or condition value containing it
//     matches nothing, so StringEquals is false and StringNotEquals true
//     for that value.
//   - A single-valued operator applied to a multivalued key is true when
//     any request value matches; its negated form is the negation of that.
package policy
