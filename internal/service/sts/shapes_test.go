package sts_test

import (
	"testing"

	"abacus/internal/protocol/shapecheck"
	"abacus/internal/service/sts"
)

// TestShapes checks the STS input and output structs against botocore's sts
// model (member names, types, required members); it skips when botocore is
// not installed.
func TestShapes(t *testing.T) {
	c := shapecheck.New(t)
	c.Check(t, "sts", "GetCallerIdentity", &sts.GetCallerIdentityInput{}, &sts.GetCallerIdentityOutput{}, shapecheck.Required())
	c.Check(t, "sts", "GetSessionToken", &sts.GetSessionTokenInput{}, &sts.GetSessionTokenOutput{}, shapecheck.Required())
	c.Check(t, "sts", "AssumeRole", &sts.AssumeRoleInput{}, &sts.AssumeRoleOutput{}, shapecheck.Required())
}
