package iam_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"abacus/internal/service/iam"
)

// FuzzContextKeys feeds arbitrary policy text to
// GetContextKeysForCustomPolicy: it never panics, and a policy it accepts
// yields sorted keys without duplicates (ignoring case).
func FuzzContextKeys(f *testing.F) {
	f.Add(allowAll)
	f.Add(sageMakerPolicy)
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/${aws:PrincipalTag/team, 'x'}/${*}","Condition":{"StringEquals":{"aws:SourceVpce":"${aws:userid}"}}}}`)
	f.Add(`{"Statement":[{"Effect":"Deny","NotAction":"x:y","NotResource":"${","Condition":{"Null":{"a:b":"true"}}}]}`)
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, doc string) {
		out, err := fx.svc.GetContextKeysForCustomPolicy(fx.ctx, fx.c, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{doc}})
		if err != nil {
			return
		}
		lower := make([]string, len(out.ContextKeyNames))
		for i, k := range out.ContextKeyNames {
			if k == "" {
				t.Fatalf("empty key from %q", doc)
			}
			lower[i] = strings.ToLower(k)
		}
		if !slices.IsSorted(lower) || len(slices.Compact(slices.Clone(lower))) != len(lower) {
			t.Fatalf("keys not sorted and unique: %q", out.ContextKeyNames)
		}
	})
}

// FuzzMarker feeds arbitrary markers to a list the service pages itself:
// it never panics and answers with a page or InvalidInput.
func FuzzMarker(f *testing.F) {
	fx := newFixture(f)
	arn := fx.createPolicy(f, "p", allowAll)
	for range 3 {
		if _, err := fx.svc.CreatePolicyVersion(fx.ctx, fx.c, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: allowAll}); err != nil {
			f.Fatal(err)
		}
	}
	first, err := fx.svc.ListPolicyVersions(fx.ctx, fx.c, &iam.ListPolicyVersionsInput{PolicyArn: arn, MaxItems: i32(1)})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(*first.Marker)
	f.Add("")
	f.Add("bzox")
	f.Fuzz(func(t *testing.T, marker string) {
		out, err := fx.svc.ListPolicyVersions(fx.ctx, fx.c, &iam.ListPolicyVersionsInput{PolicyArn: arn, Marker: &marker, MaxItems: i32(2)})
		if err != nil {
			var e *iam.Error
			if !errors.As(err, &e) || (e.Kind != iam.ErrInvalidInput && e.Kind != iam.ErrValidation) {
				t.Fatalf("marker %q: %v", marker, err)
			}
			return
		}
		if len(out.Versions) > 2 {
			t.Fatalf("marker %q: %d versions", marker, len(out.Versions))
		}
	})
}
