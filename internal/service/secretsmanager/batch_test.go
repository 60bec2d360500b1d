package secretsmanager_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/op"
	sm "abacus/internal/service/secretsmanager"
)

// denyPrefix is an authorizer that denies GetSecretValue on secrets whose
// ARN contains a marker, as the server's would for a policy keyed to
// another user's prefix.
type denyPrefix struct{ marker string }

func (d denyPrefix) Authorize(_ context.Context, _ *op.Call, checks ...op.Check) error {
	for _, ch := range checks {
		if strings.Contains(ch.Resource, d.marker) {
			return apierr.New(http.StatusBadRequest, "AccessDeniedException", "not authorized to perform: "+ch.Action+" on resource: "+ch.Resource)
		}
	}
	return nil
}

func TestBatchGetSecretValue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, n := range []string{"user-secrets/alice/a", "user-secrets/alice/b", "user-secrets/bob/c"} {
		if _, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: n, SecretString: secret("value-of-" + n)}); err != nil {
			t.Fatal(err)
		}
	}
	c := f.call(time.Second)
	c.Authz = denyPrefix{"/bob/"}
	out, err := f.svc.BatchGetSecretValue(f.ctx, c, &sm.BatchGetSecretValueInput{SecretIdList: []string{"user-secrets/alice/a", "user-secrets/bob/c", "missing"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.SecretValues) != 1 || string(*out.SecretValues[0].SecretString) != "value-of-user-secrets/alice/a" {
		t.Errorf("values %+v", out.SecretValues)
	}
	var codes []string
	for _, e := range out.Errors {
		codes = append(codes, e.SecretId+" "+e.ErrorCode)
	}
	if diff := cmp.Diff([]string{"user-secrets/bob/c AccessDeniedException", "missing ResourceNotFoundException"}, codes); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	out, err = f.svc.BatchGetSecretValue(f.ctx, c, &sm.BatchGetSecretValueInput{Filters: []sm.Filter{{Key: str("name"), Values: []string{"user-secrets/"}}}, MaxResults: new(int32(2))})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.SecretValues)+len(out.Errors) != 2 || out.NextToken == nil {
		t.Errorf("first filtered page: %d values, %d errors, token %v", len(out.SecretValues), len(out.Errors), out.NextToken)
	}
	for _, in := range []*sm.BatchGetSecretValueInput{{}, {SecretIdList: []string{"a"}, Filters: []sm.Filter{{Key: str("name"), Values: []string{"a"}}}}} {
		if _, err := f.svc.BatchGetSecretValue(f.ctx, c, in); !errors.Is(err, sm.ErrInvalidParam) {
			t.Errorf("BatchGetSecretValue(%+v): %v", in, err)
		}
	}
}

func TestGetRandomPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name  string
		in    sm.GetRandomPasswordInput
		n     int
		check func(string) bool
	}{
		{"default", sm.GetRandomPasswordInput{}, 32, func(p string) bool {
			return strings.ContainsAny(p, "abcdefghijklmnopqrstuvwxyz") && strings.ContainsAny(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
				strings.ContainsAny(p, "0123456789") && strings.ContainsAny(p, "!#$%&()*+,-./:;<=>?@[]^_{|}~\"'`\\")
		}},
		{"digits only", sm.GetRandomPasswordInput{PasswordLength: new(int64(12)), ExcludeLowercase: new(true), ExcludeUppercase: new(true), ExcludePunctuation: new(true)}, 12,
			func(p string) bool { return strings.Trim(p, "0123456789") == "" }},
		{"excluded characters", sm.GetRandomPasswordInput{PasswordLength: new(int64(200)), ExcludeCharacters: new("aeiouAEIOU0")}, 200,
			func(p string) bool { return !strings.ContainsAny(p, "aeiouAEIOU0") }},
	}
	for _, tt := range tests {
		out, err := f.svc.GetRandomPassword(f.ctx, f.call(0), &tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		p := string(*out.RandomPassword)
		if len(p) != tt.n || !tt.check(p) {
			t.Errorf("%s: %q", tt.name, p)
		}
	}
	for _, in := range []sm.GetRandomPasswordInput{{PasswordLength: new(int64(0))}, {PasswordLength: new(int64(4097))},
		{ExcludeLowercase: new(true), ExcludeUppercase: new(true), ExcludeNumbers: new(true), ExcludePunctuation: new(true)}, {PasswordLength: new(int64(3))}} {
		if _, err := f.svc.GetRandomPassword(f.ctx, f.call(0), &in); !errors.Is(err, sm.ErrInvalidParam) {
			t.Errorf("GetRandomPassword(%+v): %v", in, err)
		}
	}
}
