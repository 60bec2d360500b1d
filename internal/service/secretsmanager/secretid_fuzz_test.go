package secretsmanager_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	sm "abacus/internal/service/secretsmanager"
)

// FuzzSecretID feeds arbitrary SecretId values (names, full and partial
// ARNs, garbage) to DescribeSecret and ListSecrets tokens: nothing panics,
// a secret is found only by its name, its full ARN or its partial ARN, and
// every other answer is ResourceNotFoundException (or, for tokens,
// InvalidNextTokenException).
func FuzzSecretID(f *testing.F) {
	fx := newFixture(f)
	out, err := fx.svc.CreateSecret(fx.ctx, fx.call(0), &sm.CreateSecretInput{Name: "user-secrets/alice/db", SecretString: secret("v")})
	if err != nil {
		f.Fatal(err)
	}
	partial := out.ARN[:len(out.ARN)-7]
	for _, seed := range []string{"user-secrets/alice/db", out.ARN, partial, out.ARN + "x", partial + "-ZZZZZZ",
		"arn:aws:secretsmanager:us-east-1:999999999999:secret:user-secrets/alice/db", "arn:", "arn:aws:s3:::b", "", "-", "user-secrets/alice/db-AbCdEf"} {
		f.Add(seed)
	}
	valid := map[string]bool{"user-secrets/alice/db": true, out.ARN: true, partial: true}
	f.Fuzz(func(t *testing.T, id string) {
		d, err := fx.svc.DescribeSecret(fx.ctx, fx.call(time.Second), &sm.SecretIDInput{SecretId: id})
		switch {
		case err == nil:
			if !valid[id] || d.ARN != out.ARN {
				t.Fatalf("DescribeSecret(%q) found %s", id, d.ARN)
			}
		case !errors.Is(err, sm.ErrNotFound):
			t.Fatalf("DescribeSecret(%q): %v", id, err)
		case valid[id]:
			t.Fatalf("DescribeSecret(%q) did not find the secret", id)
		}
		tok := id
		_, err = fx.svc.ListSecrets(fx.ctx, fx.call(time.Second), &sm.ListSecretsInput{NextToken: &tok})
		if err != nil && !errors.Is(err, &sm.Error{Code: sm.CodeInvalidNextToken}) && !strings.Contains(err.Error(), "MaxResults") {
			t.Fatalf("ListSecrets(NextToken %q): %v", id, err)
		}
	})
}
