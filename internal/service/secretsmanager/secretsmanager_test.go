package secretsmanager_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/protocol/shapecheck"
	"abacus/internal/secretbox"
	sm "abacus/internal/service/secretsmanager"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

const acct = model.AccountID("123456789012")

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

type fixture struct {
	st  *sqlite.Store
	svc *sm.Service
	reg *op.Registry
	c   *op.Call
	ctx context.Context
	n   int
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	box, err := secretbox.LoadOrCreate("", nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := sm.New(sm.Options{Store: st, Box: box})
	reg := &op.Registry{}
	sm.Register(reg, svc)
	c := &op.Call{Account: acct, Region: "us-east-1", Now: t0, Service: "secretsmanager", RequestID: "req-0",
		Principal: &model.Principal{Type: model.PrincipalRoot, AccountID: acct, ARN: "arn:aws:iam::123456789012:root", ID: string(acct)}}
	return &fixture{st: st, svc: svc, reg: reg, c: c, ctx: ctx}
}

// call returns a fresh call (new request ID) at t0+d.
func (f *fixture) call(d time.Duration) *op.Call {
	f.n++
	c := *f.c
	c.Now = t0.Add(d)
	c.RequestID = "req-" + string(rune('a'+f.n%26)) + time.Duration(f.n).String()
	return &c
}

func secret(s string) *model.Secret { v := model.Secret(s); return &v }
func str(s string) *string          { return &s }

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if !errors.Is(err, &sm.Error{Code: code}) {
		t.Fatalf("error = %v, want %s", err, code)
	}
}

// TestShapes checks every registered operation against botocore's model.
func TestShapes(t *testing.T) {
	c := shapecheck.New(t)
	m, err := c.Model("secretsmanager")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	for _, e := range f.reg.Entries() {
		in := reflect.New(e.InputType()).Interface()
		var out any = reflect.New(e.OutputType()).Interface()
		if m.Operations[e.Name()].Output == nil {
			out = nil
		}
		c.Check(t, "secretsmanager", e.Name(), in, out, shapecheck.Required())
	}
}

func TestCreateAndGet(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "user-secrets/alice/db", SecretString: secret("pw1"),
		Tags: []sm.Tag{{Key: str("owner"), Value: str("alice")}}})
	if err != nil {
		t.Fatal(err)
	}
	prefix := "arn:aws:secretsmanager:us-east-1:123456789012:secret:user-secrets/alice/db-"
	if !strings.HasPrefix(out.ARN, prefix) || len(out.ARN) != len(prefix)+6 {
		t.Fatalf("ARN = %q, want %s plus six characters", out.ARN, prefix)
	}
	for _, id := range []string{"user-secrets/alice/db", out.ARN, strings.TrimSuffix(out.ARN, out.ARN[len(out.ARN)-7:])} {
		got, err := f.svc.GetSecretValue(f.ctx, f.call(time.Second), &sm.GetSecretValueInput{SecretId: id})
		if err != nil {
			t.Fatalf("GetSecretValue(%q): %v", id, err)
		}
		if string(*got.SecretString) != "pw1" || got.ARN != out.ARN || got.VersionId != *out.VersionId {
			t.Fatalf("GetSecretValue(%q) = %+v", id, got)
		}
		if diff := cmp.Diff([]string{"AWSCURRENT"}, got.VersionStages); diff != "" {
			t.Error(diff)
		}
	}
	_, err = f.svc.CreateSecret(f.ctx, f.call(2*time.Second), &sm.CreateSecretInput{Name: "user-secrets/alice/db"})
	wantCode(t, err, sm.CodeExists)
	_, err = f.svc.GetSecretValue(f.ctx, f.call(0), &sm.GetSecretValueInput{SecretId: "nope"})
	wantCode(t, err, sm.CodeNotFound)
	_, err = f.svc.GetSecretValue(f.ctx, f.call(0), &sm.GetSecretValueInput{SecretId: out.ARN[:len(out.ARN)-6] + "zzzzzz"})
	wantCode(t, err, sm.CodeNotFound)
}

// TestEncryptedAtRest checks that the store holds no plaintext.
func TestEncryptedAtRest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const value = "correct-horse-battery-staple"
	if _, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "s", SecretString: secret(value)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PutSecretValue(f.ctx, f.call(time.Second), &sm.PutSecretValueInput{SecretId: "s", SecretBinary: []byte(value + "-bin")}); err != nil {
		t.Fatal(err)
	}
	err := f.st.View(f.ctx, func(ctx context.Context, tx store.ReadTx) error {
		r, err := tx.GetResource(ctx, acct, "secretsmanager:secret", "us-east-1/s")
		if err != nil {
			return err
		}
		if bytes.Contains(r.Document, []byte(value)) || bytes.Contains(r.Document, []byte("Y29ycmVjdC1ob3Jz")) {
			t.Errorf("stored document contains the value: %s", r.Document)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestVersionsAndStages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c1, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "s", SecretString: secret("v1")})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := f.svc.PutSecretValue(f.ctx, f.call(time.Second), &sm.PutSecretValueInput{SecretId: "s", SecretString: secret("v2")})
	if err != nil {
		t.Fatal(err)
	}
	tok := "0123456789abcdef0123456789abcdef"
	p3, err := f.svc.PutSecretValue(f.ctx, f.call(2*time.Second), &sm.PutSecretValueInput{SecretId: "s", SecretString: secret("v3"),
		ClientRequestToken: &tok, VersionStages: []string{"AWSPENDING"}})
	if err != nil {
		t.Fatal(err)
	}
	if p3.VersionId != tok {
		t.Fatalf("VersionId = %q, want the token", p3.VersionId)
	}
	// The same token and value again is idempotent; another value is not.
	if _, err := f.svc.PutSecretValue(f.ctx, f.call(3*time.Second), &sm.PutSecretValueInput{SecretId: "s", SecretString: secret("v3"), ClientRequestToken: &tok}); err != nil {
		t.Fatalf("idempotent retry: %v", err)
	}
	_, err = f.svc.PutSecretValue(f.ctx, f.call(3*time.Second), &sm.PutSecretValueInput{SecretId: "s", SecretString: secret("other"), ClientRequestToken: &tok})
	wantCode(t, err, sm.CodeExists)

	d, err := f.svc.DescribeSecret(f.ctx, f.call(4*time.Second), &sm.SecretIDInput{SecretId: "s"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{*c1.VersionId: {"AWSPREVIOUS"}, p2.VersionId: {"AWSCURRENT"}, tok: {"AWSPENDING"}}
	if diff := cmp.Diff(want, d.VersionIdsToStages); diff != "" {
		t.Errorf("stages after puts (-want +got):\n%s", diff)
	}
	tests := []struct {
		name  string
		in    sm.GetSecretValueInput
		value string
		code  string
	}{
		{"current", sm.GetSecretValueInput{SecretId: "s"}, "v2", ""},
		{"previous", sm.GetSecretValueInput{SecretId: "s", VersionStage: str("AWSPREVIOUS")}, "v1", ""},
		{"pending by id", sm.GetSecretValueInput{SecretId: "s", VersionId: &tok}, "v3", ""},
		{"id and matching stage", sm.GetSecretValueInput{SecretId: "s", VersionId: &tok, VersionStage: str("AWSPENDING")}, "v3", ""},
		{"id and other stage", sm.GetSecretValueInput{SecretId: "s", VersionId: &tok, VersionStage: str("AWSCURRENT")}, "", sm.CodeInvalidRequest},
		{"unknown stage", sm.GetSecretValueInput{SecretId: "s", VersionStage: str("X")}, "", sm.CodeNotFound},
		{"unknown id", sm.GetSecretValueInput{SecretId: "s", VersionId: str("nope")}, "", sm.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.svc.GetSecretValue(f.ctx, f.call(5*time.Second), &tt.in)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(*got.SecretString) != tt.value {
				t.Errorf("value = %q, want %q", *got.SecretString, tt.value)
			}
		})
	}

	// Promote the pending version: AWSCURRENT moves, the old current
	// becomes AWSPREVIOUS.
	_, err = f.svc.UpdateSecretVersionStage(f.ctx, f.call(6*time.Second), &sm.UpdateSecretVersionStageInput{SecretId: "s", VersionStage: "AWSCURRENT", MoveToVersionId: &tok})
	wantCode(t, err, sm.CodeInvalidParameter)
	if _, err := f.svc.UpdateSecretVersionStage(f.ctx, f.call(6*time.Second), &sm.UpdateSecretVersionStageInput{SecretId: "s", VersionStage: "AWSCURRENT",
		MoveToVersionId: &tok, RemoveFromVersionId: &p2.VersionId}); err != nil {
		t.Fatal(err)
	}
	d, _ = f.svc.DescribeSecret(f.ctx, f.call(7*time.Second), &sm.SecretIDInput{SecretId: "s"})
	want = map[string][]string{p2.VersionId: {"AWSPREVIOUS"}, tok: {"AWSPENDING", "AWSCURRENT"}}
	if diff := cmp.Diff(want, d.VersionIdsToStages); diff != "" {
		t.Errorf("stages after promotion (-want +got):\n%s", diff)
	}
	l, err := f.svc.ListSecretVersionIds(f.ctx, f.call(8*time.Second), &sm.ListSecretVersionIdsInput{SecretId: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Versions) != 2 {
		t.Errorf("ListSecretVersionIds: %d versions, want 2 (the unlabelled one is deprecated)", len(l.Versions))
	}
	l, _ = f.svc.ListSecretVersionIds(f.ctx, f.call(8*time.Second), &sm.ListSecretVersionIdsInput{SecretId: "s", IncludeDeprecated: new(true)})
	if len(l.Versions) != 3 {
		t.Errorf("ListSecretVersionIds(IncludeDeprecated): %d versions, want 3", len(l.Versions))
	}
}

func TestDeleteAndRestore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "s", SecretString: secret("v")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   sm.DeleteSecretInput
		code string
	}{
		{"window too short", sm.DeleteSecretInput{SecretId: "s", RecoveryWindowInDays: new(int64(6))}, sm.CodeInvalidParameter},
		{"window too long", sm.DeleteSecretInput{SecretId: "s", RecoveryWindowInDays: new(int64(31))}, sm.CodeInvalidParameter},
		{"both", sm.DeleteSecretInput{SecretId: "s", RecoveryWindowInDays: new(int64(7)), ForceDeleteWithoutRecovery: new(true)}, sm.CodeInvalidParameter},
	}
	for _, tt := range tests {
		_, err := f.svc.DeleteSecret(f.ctx, f.call(0), &tt.in)
		wantCode(t, err, tt.code)
	}
	del, err := f.svc.DeleteSecret(f.ctx, f.call(time.Second), &sm.DeleteSecretInput{SecretId: "s", RecoveryWindowInDays: new(int64(7))})
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(time.Second + 7*24*time.Hour); !del.DeletionDate.Equal(want) {
		t.Errorf("DeletionDate = %v, want %v", del.DeletionDate, want)
	}
	_, err = f.svc.GetSecretValue(f.ctx, f.call(2*time.Second), &sm.GetSecretValueInput{SecretId: "s"})
	if !errors.Is(err, &sm.Error{Code: sm.CodeInvalidRequest, Message: "You can't perform this operation on the secret because it was marked for deletion."}) {
		t.Fatalf("GetSecretValue on a deleted secret: %v", err)
	}
	d, err := f.svc.DescribeSecret(f.ctx, f.call(2*time.Second), &sm.SecretIDInput{SecretId: "s"})
	if err != nil || d.DeletedDate == nil {
		t.Fatalf("DescribeSecret on a deleted secret = %+v, %v; want DeletedDate", d, err)
	}
	_, err = f.svc.CreateSecret(f.ctx, f.call(2*time.Second), &sm.CreateSecretInput{Name: "s"})
	wantCode(t, err, sm.CodeInvalidRequest)
	ls, _ := f.svc.ListSecrets(f.ctx, f.call(2*time.Second), &sm.ListSecretsInput{})
	if len(ls.SecretList) != 0 {
		t.Errorf("ListSecrets lists a deleted secret")
	}
	ls, _ = f.svc.ListSecrets(f.ctx, f.call(2*time.Second), &sm.ListSecretsInput{IncludePlannedDeletion: new(true)})
	if len(ls.SecretList) != 1 {
		t.Errorf("ListSecrets(IncludePlannedDeletion) lists %d secrets, want 1", len(ls.SecretList))
	}
	if _, err := f.svc.RestoreSecret(f.ctx, f.call(3*time.Second), &sm.SecretIDInput{SecretId: "s"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.GetSecretValue(f.ctx, f.call(4*time.Second), &sm.GetSecretValueInput{SecretId: "s"}); err != nil {
		t.Fatalf("GetSecretValue after restore: %v", err)
	}
	// After the window the secret is gone and its name is free.
	if _, err := f.svc.DeleteSecret(f.ctx, f.call(5*time.Second), &sm.DeleteSecretInput{SecretId: "s", RecoveryWindowInDays: new(int64(7))}); err != nil {
		t.Fatal(err)
	}
	later := 8 * 24 * time.Hour
	_, err = f.svc.DescribeSecret(f.ctx, f.call(later), &sm.SecretIDInput{SecretId: "s"})
	wantCode(t, err, sm.CodeNotFound)
	if _, err := f.svc.CreateSecret(f.ctx, f.call(later), &sm.CreateSecretInput{Name: "s"}); err != nil {
		t.Fatalf("CreateSecret after the window: %v", err)
	}
	if _, err := f.svc.DeleteSecret(f.ctx, f.call(later), &sm.DeleteSecretInput{SecretId: "s", ForceDeleteWithoutRecovery: new(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.DescribeSecret(f.ctx, f.call(later), &sm.SecretIDInput{SecretId: "s"})
	wantCode(t, err, sm.CodeNotFound)
}

func TestListSecretsFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mk := func(name, desc, owner string, d time.Duration) {
		t.Helper()
		in := &sm.CreateSecretInput{Name: name, Tags: []sm.Tag{{Key: str("owner"), Value: str(owner)}}}
		if desc != "" {
			in.Description = &desc
		}
		if _, err := f.svc.CreateSecret(f.ctx, f.call(d), in); err != nil {
			t.Fatal(err)
		}
	}
	mk("user-secrets/alice/a", "alice db", "alice", 0)
	mk("user-secrets/bob/b", "bob db", "bob", time.Second)
	mk("shared/c", "", "ops", 2*time.Second)
	tests := []struct {
		name    string
		filters []sm.Filter
		order   string
		want    []string
	}{
		{"none", nil, "", []string{"user-secrets/alice/a", "user-secrets/bob/b", "shared/c"}},
		{"desc", nil, "desc", []string{"shared/c", "user-secrets/bob/b", "user-secrets/alice/a"}},
		{"name prefix", []sm.Filter{{Key: str("name"), Values: []string{"user-secrets/"}}}, "", []string{"user-secrets/alice/a", "user-secrets/bob/b"}},
		{"name negated", []sm.Filter{{Key: str("name"), Values: []string{"!user-secrets/"}}}, "", []string{"shared/c"}},
		{"description", []sm.Filter{{Key: str("description"), Values: []string{"bob"}}}, "", []string{"user-secrets/bob/b"}},
		{"tag-value or", []sm.Filter{{Key: str("tag-value"), Values: []string{"alice", "ops"}}}, "", []string{"user-secrets/alice/a", "shared/c"}},
		{"tag-key and name", []sm.Filter{{Key: str("tag-key"), Values: []string{"owner"}}, {Key: str("name"), Values: []string{"shared"}}}, "", []string{"shared/c"}},
		{"all", []sm.Filter{{Key: str("all"), Values: []string{"ops"}}}, "", []string{"shared/c"}},
		{"primary-region", []sm.Filter{{Key: str("primary-region"), Values: []string{"eu-west-1"}}}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &sm.ListSecretsInput{Filters: tt.filters}
			if tt.order != "" {
				in.SortOrder = &tt.order
			}
			out, err := f.svc.ListSecrets(f.ctx, f.call(time.Minute), in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range out.SecretList {
				got = append(got, e.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Pagination visits every secret once.
	var names []string
	in := &sm.ListSecretsInput{MaxResults: new(int32(2))}
	for {
		out, err := f.svc.ListSecrets(f.ctx, f.call(time.Minute), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.SecretList {
			names = append(names, e.Name)
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if len(names) != 3 {
		t.Errorf("paged through %v, want 3 secrets", names)
	}
	_, err := f.svc.ListSecrets(f.ctx, f.call(time.Minute), &sm.ListSecretsInput{NextToken: str("garbage")})
	wantCode(t, err, sm.CodeInvalidNextToken)
	_, err = f.svc.ListSecrets(f.ctx, f.call(time.Minute), &sm.ListSecretsInput{Filters: []sm.Filter{{Key: str("color"), Values: []string{"x"}}}})
	wantCode(t, err, sm.CodeInvalidParameter)
}

// TestChecks pins the checks each operation declares: the secret's ARN,
// tags under both prefixes and its resource policy, and request keys.
// Sources: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
// and https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
// ("If you include tags in the secret, you also need secretsmanager:TagResource").
func TestChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.call(0)
	out, err := f.svc.CreateSecret(f.ctx, c, &sm.CreateSecretInput{Name: "user-secrets/alice/x", SecretString: secret("v"),
		Tags: []sm.Tag{{Key: str("owner"), Value: str("alice")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PutResourcePolicy(f.ctx, f.call(0), &sm.PutResourcePolicyInput{SecretId: "user-secrets/alice/x", ResourcePolicy: `{"Version":"2012-10-17","Statement":[]}`}); err != nil {
		t.Fatal(err)
	}
	entry := func(name string) op.Entry {
		e, ok := f.reg.Lookup("secretsmanager", name)
		if !ok {
			t.Fatalf("%s not registered", name)
		}
		return e
	}
	// CreateSecret's authorization names the same ARN its handler creates.
	c2 := f.call(0)
	in := &sm.CreateSecretInput{Name: "n2", Tags: []sm.Tag{{Key: str("k"), Value: str("v")}}}
	checks, err := entry("CreateSecret").Authorize(f.ctx, c2, in)
	if err != nil {
		t.Fatal(err)
	}
	created, err := f.svc.CreateSecret(f.ctx, c2, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 2 || checks[0].Resource != created.ARN || checks[1].Action != "secretsmanager:TagResource" || checks[1].Resource != created.ARN {
		t.Errorf("CreateSecret checks = %+v, want CreateSecret and TagResource on %s", checks, created.ARN)
	}
	if diff := cmp.Diff(map[string][]string{"secretsmanager:Name": {"n2"}, "aws:RequestTag/k": {"v"}, "aws:TagKeys": {"k"}}, checks[0].Context); diff != "" {
		t.Errorf("CreateSecret context (-want +got):\n%s", diff)
	}

	checks, err = entry("GetSecretValue").Authorize(f.ctx, f.call(0), &sm.GetSecretValueInput{SecretId: "user-secrets/alice/x", VersionStage: str("AWSCURRENT")})
	if err != nil {
		t.Fatal(err)
	}
	want := op.Check{Action: "secretsmanager:GetSecretValue", Resource: out.ARN,
		Context:      map[string][]string{"secretsmanager:SecretId": {out.ARN}, "secretsmanager:SecretPrimaryRegion": {"us-east-1"}, "secretsmanager:VersionStage": {"AWSCURRENT"}},
		ResourceTags: map[string]string{"owner": "alice"}, TagKeyPrefix: "secretsmanager:ResourceTag/",
		ResourcePolicy: `{"Version":"2012-10-17","Statement":[]}`}
	if diff := cmp.Diff([]op.Check{want}, checks); diff != "" {
		t.Errorf("GetSecretValue checks (-want +got):\n%s", diff)
	}
	// A secret that does not exist is checked on the ARN the caller named,
	// so a denial reveals nothing.
	checks, err = entry("DescribeSecret").Authorize(f.ctx, f.call(0), &sm.SecretIDInput{SecretId: "user-secrets/bob/none"})
	if err != nil {
		t.Fatal(err)
	}
	if checks[0].Resource != "arn:aws:secretsmanager:us-east-1:123456789012:secret:user-secrets/bob/none" {
		t.Errorf("missing secret checked on %q", checks[0].Resource)
	}
	checks, _ = entry("DeleteSecret").Authorize(f.ctx, f.call(0), &sm.DeleteSecretInput{SecretId: "n2", ForceDeleteWithoutRecovery: new(true)})
	if got := checks[0].Context["secretsmanager:ForceDeleteWithoutRecovery"]; !cmp.Equal(got, []string{"true"}) {
		t.Errorf("DeleteSecret ForceDeleteWithoutRecovery key = %v", got)
	}
	checks, _ = entry("ListSecrets").Authorize(f.ctx, f.call(0), &sm.ListSecretsInput{})
	if checks[0].Resource != "*" {
		t.Errorf("ListSecrets resource = %q, want *", checks[0].Resource)
	}
}

func TestResourcePolicy(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "s"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.PutResourcePolicy(f.ctx, f.call(0), &sm.PutResourcePolicyInput{SecretId: "s", ResourcePolicy: "{not json"})
	wantCode(t, err, sm.CodeMalformedPolicy)
	g, err := f.svc.GetResourcePolicy(f.ctx, f.call(0), &sm.SecretIDInput{SecretId: "s"})
	if err != nil || g.ResourcePolicy != nil {
		t.Fatalf("GetResourcePolicy without a policy = %+v, %v", g, err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	if _, err := f.svc.PutResourcePolicy(f.ctx, f.call(0), &sm.PutResourcePolicyInput{SecretId: "s", ResourcePolicy: doc}); err != nil {
		t.Fatal(err)
	}
	g, _ = f.svc.GetResourcePolicy(f.ctx, f.call(0), &sm.SecretIDInput{SecretId: "s"})
	if g.ResourcePolicy == nil || *g.ResourcePolicy != doc {
		t.Fatalf("GetResourcePolicy = %v", g.ResourcePolicy)
	}
	if _, err := f.svc.DeleteResourcePolicy(f.ctx, f.call(0), &sm.SecretIDInput{SecretId: "s"}); err != nil {
		t.Fatal(err)
	}
	g, _ = f.svc.GetResourcePolicy(f.ctx, f.call(0), &sm.SecretIDInput{SecretId: "s"})
	if g.ResourcePolicy != nil {
		t.Fatal("policy survived DeleteResourcePolicy")
	}
	v, err := f.svc.ValidateResourcePolicy(f.ctx, f.call(0), &sm.ValidateResourcePolicyInput{ResourcePolicy: "[1"})
	if err != nil || v.PolicyValidationPassed {
		t.Fatalf("ValidateResourcePolicy of bad JSON = %+v, %v", v, err)
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "s", Tags: []sm.Tag{{Key: str("a"), Value: str("1")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TagResource(f.ctx, f.call(0), &sm.TagResourceInput{SecretId: "s", Tags: []sm.Tag{{Key: str("a"), Value: str("2")}, {Key: str("b"), Value: str("3")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UntagResource(f.ctx, f.call(0), &sm.UntagResourceInput{SecretId: "s", TagKeys: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	d, _ := f.svc.DescribeSecret(f.ctx, f.call(0), &sm.SecretIDInput{SecretId: "s"})
	if diff := cmp.Diff([]sm.Tag{{Key: str("a"), Value: str("2")}}, d.Tags); diff != "" {
		t.Error(diff)
	}
	_, err := f.svc.TagResource(f.ctx, f.call(0), &sm.TagResourceInput{SecretId: "missing", Tags: []sm.Tag{{Key: str("a"), Value: str("1")}}})
	wantCode(t, err, sm.CodeNotFound)
}

func TestMapError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		code   string
		status int
	}{
		{&sm.Error{Code: sm.CodeNotFound, Message: "m"}, sm.CodeNotFound, 400},
		{store.ErrInvalidToken, sm.CodeInvalidNextToken, 400},
		{&sm.Error{Code: sm.CodeDecryption, Message: "m"}, sm.CodeDecryption, 500},
	}
	for _, tt := range tests {
		e, ok := sm.MapError(tt.err)
		if !ok || e.Code != tt.code || e.HTTPStatus != tt.status {
			t.Errorf("MapError(%v) = %+v, %v", tt.err, e, ok)
		}
	}
	if _, ok := sm.MapError(errors.New("other")); ok {
		t.Error("MapError claimed an unknown error")
	}
}

// TestLastAccessedDate: GetSecretValue records the day of the last read,
// as DescribeSecret's LastAccessedDate does on AWS.
func TestLastAccessedDate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "s", SecretString: secret("v")}); err != nil {
		t.Fatal(err)
	}
	d, _ := f.svc.DescribeSecret(f.ctx, f.call(0), &sm.SecretIDInput{SecretId: "s"})
	if d.LastAccessedDate != nil {
		t.Fatalf("LastAccessedDate before any read: %v", d.LastAccessedDate)
	}
	for _, after := range []time.Duration{time.Hour, 30 * time.Hour} {
		if _, err := f.svc.GetSecretValue(f.ctx, f.call(after), &sm.GetSecretValueInput{SecretId: "s"}); err != nil {
			t.Fatal(err)
		}
		d, _ = f.svc.DescribeSecret(f.ctx, f.call(after), &sm.SecretIDInput{SecretId: "s"})
		if want := t0.Add(after).Truncate(24 * time.Hour); d.LastAccessedDate == nil || !d.LastAccessedDate.Equal(want) {
			t.Errorf("after a read at +%v: LastAccessedDate %v, want %v", after, d.LastAccessedDate, want)
		}
	}
}

// TestBlockPublicPolicy: with BlockPublicPolicy, a policy that allows
// every principal without a condition is PublicPolicyException; a scoped
// one is accepted
// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html).
func TestBlockPublicPolicy(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "s"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, doc string
		public    bool
	}{
		{"star", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`, true},
		{"AWS star", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"secretsmanager:*","Resource":"*"}}`, true},
		{"conditioned", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}}]}`, false},
		{"account", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`, false},
		{"deny star", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteSecret","Resource":"*"}]}`, false},
	}
	for _, tt := range tests {
		_, err := f.svc.PutResourcePolicy(f.ctx, f.call(0), &sm.PutResourcePolicyInput{SecretId: "s", ResourcePolicy: tt.doc, BlockPublicPolicy: new(true)})
		if tt.public != errors.Is(err, &sm.Error{Code: sm.CodePublicPolicy}) || (!tt.public && err != nil) {
			t.Errorf("%s: %v", tt.name, err)
		}
		if _, err := f.svc.PutResourcePolicy(f.ctx, f.call(0), &sm.PutResourcePolicyInput{SecretId: "s", ResourcePolicy: tt.doc}); err != nil {
			t.Errorf("%s without BlockPublicPolicy: %v", tt.name, err)
		}
	}
}
