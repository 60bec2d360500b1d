package compat

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// errMessage returns the AWS error message of err.
func errMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// must fails the test on err; it takes the unused result so calls read as
// must(client.Op(...)).
func mustOK(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// sharedRoleSessions creates the setup-2 shared execution role with the
// given identity policy and returns a session of it for each source
// identity, assumed by an IAM user "launcher".
func sharedRoleSessions(t *testing.T, s *server, rolePolicy string, users ...string) map[string]aws.Config {
	t.Helper()
	c := ctx(t)
	must := mustOK(t)
	admin := iam.NewFromConfig(s.root())
	must(admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("launcher")}))
	must(admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("launcher"), PolicyName: aws.String("assume"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Resource":"arn:aws:iam::123456789012:role/studio-exec"}]}`)}))
	key, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("launcher")})
	must(key, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`
	must(admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("studio-exec"), AssumeRolePolicyDocument: aws.String(trust)}))
	must(admin.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("studio-exec"), PolicyName: aws.String("per-user"),
		PolicyDocument: aws.String(rolePolicy)}))
	launcher := sts.NewFromConfig(s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	out := map[string]aws.Config{}
	for _, u := range users {
		as, err := launcher.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/studio-exec"),
			RoleSessionName: aws.String("SageMaker"), SourceIdentity: aws.String(u)})
		if err != nil {
			t.Fatal(err)
		}
		cr := as.Credentials
		out[u] = s.config(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)
	}
	return out
}

// TestSecretsManagerOperations drives every operation and its errors with
// the SDK as the account root.
func TestSecretsManagerOperations(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	sm := secretsmanager.NewFromConfig(s.root())
	created, err := sm.CreateSecret(c, &secretsmanager.CreateSecretInput{Name: aws.String("app/db"), SecretString: aws.String("pw-1"),
		Description: aws.String("database"), Tags: []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(created.ARN)
	if !strings.HasPrefix(arn, "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-") || len(arn) != len("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-")+6 {
		t.Fatalf("ARN %s", arn)
	}
	partial := arn[:len(arn)-7]
	for _, id := range []string{"app/db", arn, partial} {
		got, err := sm.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetSecretValue(%s): %v", id, err)
		}
		if aws.ToString(got.SecretString) != "pw-1" || aws.ToString(got.VersionId) != aws.ToString(created.VersionId) {
			t.Errorf("GetSecretValue(%s) = %q %s", id, aws.ToString(got.SecretString), aws.ToString(got.VersionId))
		}
	}
	put, err := sm.PutSecretValue(c, &secretsmanager.PutSecretValueInput{SecretId: aws.String("app/db"), SecretBinary: []byte{0, 1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sm.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db")})
	if err != nil || string(got.SecretBinary) != "\x00\x01\x02" || got.SecretString != nil {
		t.Fatalf("binary value: %v %v", got, err)
	}
	prev, err := sm.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db"), VersionStage: aws.String("AWSPREVIOUS")})
	if err != nil || aws.ToString(prev.SecretString) != "pw-1" {
		t.Fatalf("AWSPREVIOUS: %v", err)
	}
	upd, err := sm.UpdateSecret(c, &secretsmanager.UpdateSecretInput{SecretId: aws.String(arn), Description: aws.String("db v3"), SecretString: aws.String("pw-3")})
	if err != nil || upd.VersionId == nil {
		t.Fatalf("UpdateSecret: %v", err)
	}
	// Roll back: AWSCURRENT to the binary version.
	if _, err := sm.UpdateSecretVersionStage(c, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String("app/db"), VersionStage: aws.String("AWSCURRENT"),
		MoveToVersionId: put.VersionId, RemoveFromVersionId: upd.VersionId}); err != nil {
		t.Fatal(err)
	}
	d, err := sm.DescribeSecret(c, &secretsmanager.DescribeSecretInput{SecretId: aws.String("app/db")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{aws.ToString(put.VersionId): {"AWSCURRENT"}, aws.ToString(upd.VersionId): {"AWSPREVIOUS"}}
	if fmt.Sprint(d.VersionIdsToStages) != fmt.Sprint(want) || aws.ToString(d.Description) != "db v3" || d.CreatedDate == nil {
		t.Errorf("DescribeSecret: stages %v description %q", d.VersionIdsToStages, aws.ToString(d.Description))
	}
	vs, err := sm.ListSecretVersionIds(c, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String("app/db"), IncludeDeprecated: aws.Bool(true)})
	if err != nil || len(vs.Versions) != 3 {
		t.Fatalf("ListSecretVersionIds: %v %v", vs, err)
	}
	must := mustOK(t)
	must(sm.TagResource(c, &secretsmanager.TagResourceInput{SecretId: aws.String("app/db"), Tags: []smtypes.Tag{{Key: aws.String("owner"), Value: aws.String("ops")}}}))
	must(sm.UntagResource(c, &secretsmanager.UntagResourceInput{SecretId: aws.String("app/db"), TagKeys: []string{"team"}}))
	must(sm.CreateSecret(c, &secretsmanager.CreateSecretInput{Name: aws.String("other")}))
	ls, err := sm.ListSecrets(c, &secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeTagKey, Values: []string{"owner"}}}})
	if err != nil || len(ls.SecretList) != 1 || aws.ToString(ls.SecretList[0].Name) != "app/db" {
		t.Fatalf("ListSecrets by tag-key: %v %v", ls, err)
	}
	// Paginator over both secrets, one per page.
	var names []string
	p := secretsmanager.NewListSecretsPaginator(sm, &secretsmanager.ListSecretsInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.SecretList {
			names = append(names, aws.ToString(e.Name))
		}
	}
	if fmt.Sprint(names) != "[app/db other]" {
		t.Errorf("paged names %v", names)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	must(sm.PutResourcePolicy(c, &secretsmanager.PutResourcePolicyInput{SecretId: aws.String("app/db"), ResourcePolicy: aws.String(doc)}))
	gp, err := sm.GetResourcePolicy(c, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String("app/db")})
	if err != nil || aws.ToString(gp.ResourcePolicy) != doc {
		t.Fatalf("GetResourcePolicy: %v", err)
	}
	must(sm.DeleteResourcePolicy(c, &secretsmanager.DeleteResourcePolicyInput{SecretId: aws.String("app/db")}))
	vr, err := sm.ValidateResourcePolicy(c, &secretsmanager.ValidateResourcePolicyInput{ResourcePolicy: aws.String(doc)})
	if err != nil || !vr.PolicyValidationPassed {
		t.Fatalf("ValidateResourcePolicy: %v %v", vr, err)
	}

	// Deletion with a recovery window, restore, forced deletion.
	del, err := sm.DeleteSecret(c, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/db"), RecoveryWindowInDays: aws.Int64(7)})
	if err != nil || del.DeletionDate == nil || time.Until(*del.DeletionDate) < 6*24*time.Hour {
		t.Fatalf("DeleteSecret: %v %v", del, err)
	}
	_, err = sm.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db")})
	if apiCode(err) != "InvalidRequestException" || errMessage(err) != "You can't perform this operation on the secret because it was marked for deletion." {
		t.Errorf("GetSecretValue of a deleted secret: %v", err)
	}
	d, err = sm.DescribeSecret(c, &secretsmanager.DescribeSecretInput{SecretId: aws.String("app/db")})
	if err != nil || d.DeletedDate == nil {
		t.Errorf("DescribeSecret of a deleted secret: %v", err)
	}
	must(sm.RestoreSecret(c, &secretsmanager.RestoreSecretInput{SecretId: aws.String("app/db")}))
	must(sm.DeleteSecret(c, &secretsmanager.DeleteSecretInput{SecretId: aws.String("other"), ForceDeleteWithoutRecovery: aws.Bool(true)}))

	errs := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"not found", func() error {
			_, err := sm.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("other")})
			return err
		}, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."},
		{"exists", func() error {
			_, err := sm.CreateSecret(c, &secretsmanager.CreateSecretInput{Name: aws.String("app/db")})
			return err
		}, "ResourceExistsException", "The operation failed because the secret app/db already exists."},
		{"window", func() error {
			_, err := sm.DeleteSecret(c, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/db"), RecoveryWindowInDays: aws.Int64(3)})
			return err
		}, "InvalidParameterException", ""},
		{"malformed policy", func() error {
			_, err := sm.PutResourcePolicy(c, &secretsmanager.PutResourcePolicyInput{SecretId: aws.String("app/db"), ResourcePolicy: aws.String(`{"Statement":"x"}`)})
			return err
		}, "MalformedPolicyDocumentException", ""},
		{"bad token", func() error {
			_, err := sm.ListSecrets(c, &secretsmanager.ListSecretsInput{NextToken: aws.String("nope")})
			return err
		}, "InvalidNextTokenException", ""},
		{"missing member", func() error {
			_, err := sm.DescribeSecret(c, &secretsmanager.DescribeSecretInput{SecretId: aws.String("")})
			return err
		}, "", ""},
	}
	for _, e := range errs {
		err := e.call()
		if err == nil || (e.code != "" && apiCode(err) != e.code) || (e.msg != "" && errMessage(err) != e.msg) {
			t.Errorf("%s: %v, want %s %q", e.name, err, e.code, e.msg)
		}
	}
}

// TestSecretsPerUserABAC is setup 2 for secrets: one shared role whose
// policy allows user-secrets/${aws:SourceIdentity}/*; alice and bob each
// reach only their own secrets, every denial is AccessDeniedException with
// AWS's message and changes nothing, a resource policy grants a user what
// no identity policy does, and no secret value reaches the audit trail or
// the server log.
func TestSecretsPerUserABAC(t *testing.T) {
	t.Parallel()
	s := start(t, "--log-level", "debug")
	c := ctx(t)
	policy := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"OwnSecrets","Effect":"Allow","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:*:*:secret:user-secrets/${aws:SourceIdentity}/*"},
	 {"Sid":"TaggedSecrets","Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"*",
	  "Condition":{"StringEquals":{"secretsmanager:ResourceTag/owner":"${aws:SourceIdentity}"}}},
	 {"Sid":"List","Effect":"Allow","Action":["secretsmanager:ListSecrets","secretsmanager:BatchGetSecretValue"],"Resource":"*"}]}`
	sess := sharedRoleSessions(t, s, policy, "alice", "bob")
	alice, bob := secretsmanager.NewFromConfig(sess["alice"]), secretsmanager.NewFromConfig(sess["bob"])
	root := secretsmanager.NewFromConfig(s.root())

	values := map[string]string{"alice": "alice-value-7f3a9c", "bob": "bob-value-2e8d41"}
	arns := map[string]string{}
	for u, cl := range map[string]*secretsmanager.Client{"alice": alice, "bob": bob} {
		out, err := cl.CreateSecret(c, &secretsmanager.CreateSecretInput{Name: aws.String("user-secrets/" + u + "/token"), SecretString: aws.String(values[u])})
		if err != nil {
			t.Fatalf("%s creates her own secret: %v", u, err)
		}
		arns[u] = aws.ToString(out.ARN)
	}
	got, err := alice.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("user-secrets/alice/token")})
	if err != nil || aws.ToString(got.SecretString) != values["alice"] {
		t.Fatalf("alice reads her secret: %v", err)
	}
	// A binary value too: neither its bytes nor their base64 may be logged.
	const binary = "binary-marker-5c3e"
	if _, err := alice.PutSecretValue(c, &secretsmanager.PutSecretValueInput{SecretId: aws.String("user-secrets/alice/token"), SecretBinary: []byte(binary)}); err != nil {
		t.Fatal(err)
	}
	got, err = alice.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("user-secrets/alice/token")})
	if err != nil || string(got.SecretBinary) != binary {
		t.Fatalf("alice reads her binary value: %v", err)
	}
	// Denials: bob's secret by name and ARN, creating under bob's prefix,
	// deleting bob's secret.
	denials := []struct {
		name     string
		call     func() error
		action   string
		resource string
	}{
		{"get by name", func() error {
			_, err := alice.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("user-secrets/bob/token")})
			return err
		}, "secretsmanager:GetSecretValue", arns["bob"]},
		{"get by ARN", func() error {
			_, err := alice.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arns["bob"])})
			return err
		}, "secretsmanager:GetSecretValue", arns["bob"]},
		{"put", func() error {
			_, err := alice.PutSecretValue(c, &secretsmanager.PutSecretValueInput{SecretId: aws.String("user-secrets/bob/token"), SecretString: aws.String("overwritten")})
			return err
		}, "secretsmanager:PutSecretValue", arns["bob"]},
		{"delete", func() error {
			_, err := alice.DeleteSecret(c, &secretsmanager.DeleteSecretInput{SecretId: aws.String("user-secrets/bob/token"), ForceDeleteWithoutRecovery: aws.Bool(true)})
			return err
		}, "secretsmanager:DeleteSecret", arns["bob"]},
	}
	for _, d := range denials {
		err := d.call()
		want := fmt.Sprintf("User: arn:aws:sts::123456789012:assumed-role/studio-exec/SageMaker is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action", d.action, d.resource, d.action)
		if apiCode(err) != "AccessDeniedException" || errMessage(err) != want {
			t.Errorf("%s: %v\nwant AccessDeniedException: %s", d.name, err, want)
		}
	}
	// BatchGetSecretValue returns alice's value and reports bob's as denied.
	batch, err := alice.BatchGetSecretValue(c, &secretsmanager.BatchGetSecretValueInput{SecretIdList: []string{"user-secrets/alice/token", arns["bob"]}})
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.SecretValues) != 1 || aws.ToString(batch.SecretValues[0].Name) != "user-secrets/alice/token" ||
		len(batch.Errors) != 1 || aws.ToString(batch.Errors[0].ErrorCode) != "AccessDeniedException" || aws.ToString(batch.Errors[0].SecretId) != arns["bob"] {
		t.Errorf("BatchGetSecretValue: %d values, errors %+v", len(batch.SecretValues), batch.Errors)
	}
	if _, err := alice.CreateSecret(c, &secretsmanager.CreateSecretInput{Name: aws.String("user-secrets/bob/planted"), SecretString: aws.String("x")}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("alice creates under bob's prefix: %v", err)
	}
	// Nothing changed: bob's value and versions are intact, nothing was planted.
	got, err = root.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("user-secrets/bob/token")})
	if err != nil || aws.ToString(got.SecretString) != values["bob"] {
		t.Errorf("bob's secret after alice's attempts: %v", err)
	}
	if _, err := root.DescribeSecret(c, &secretsmanager.DescribeSecretInput{SecretId: aws.String("user-secrets/bob/planted")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("planted secret: %v", err)
	}
	// Tag-based: a shared secret tagged owner=bob is bob's to read only.
	must := mustOK(t)
	must(root.CreateSecret(c, &secretsmanager.CreateSecretInput{Name: aws.String("shared/for-bob"), SecretString: aws.String("tagged-value-91c"),
		Tags: []smtypes.Tag{{Key: aws.String("owner"), Value: aws.String("bob")}}}))
	if _, err := bob.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("shared/for-bob")}); err != nil {
		t.Errorf("bob reads the secret tagged owner=bob: %v", err)
	}
	if _, err := alice.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("shared/for-bob")}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("alice reads the secret tagged owner=bob: %v", err)
	}
	// A resource policy grants alice a secret no identity policy allows.
	must(root.PutResourcePolicy(c, &secretsmanager.PutResourcePolicyInput{SecretId: aws.String("shared/for-bob"), ResourcePolicy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/studio-exec"},"Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:SourceIdentity":"alice"}}}]}`)}))
	if _, err := alice.GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("shared/for-bob")}); err != nil {
		t.Errorf("alice reads through the resource policy: %v", err)
	}

	// The audit trail has every call with its source identity and no value.
	ct := cloudtrail.NewFromConfig(s.root())
	var events []string
	pg := cloudtrail.NewLookupEventsPaginator(ct, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{
		{AttributeKey: cttypes.LookupAttributeKeyEventSource, AttributeValue: aws.String("secretsmanager.amazonaws.com")}}})
	for pg.HasMorePages() {
		page, err := pg.NextPage(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Events {
			events = append(events, aws.ToString(e.CloudTrailEvent))
		}
	}
	// alice: 2 creates/reads + 5 denials + 1 tagged denial + 1 resource-policy read; bob: 1 create + 1 read; root: 5.
	if len(events) < 14 {
		t.Errorf("%d Secrets Manager events, want at least 14", len(events))
	}
	sawDenied := false
	for _, raw := range events {
		for _, v := range []string{values["alice"], values["bob"], "tagged-value-91c", "overwritten", binary, "YmluYXJ5LW1hcmtlci01YzNl"} {
			if strings.Contains(raw, v) {
				t.Errorf("audit event contains a secret value: %s", raw)
			}
		}
		var ev struct {
			ErrorCode    string `json:"errorCode"`
			UserIdentity struct {
				Type           string `json:"type"`
				SessionContext struct {
					SourceIdentity string `json:"sourceIdentity"`
				} `json:"sessionContext"`
			} `json:"userIdentity"`
		}
		if err := json.Unmarshal([]byte(raw), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.UserIdentity.Type == "AssumedRole" && ev.UserIdentity.SessionContext.SourceIdentity == "" {
			t.Errorf("role session event without sourceIdentity: %s", raw)
		}
		if ev.ErrorCode == "AccessDenied" || ev.ErrorCode == "AccessDeniedException" {
			sawDenied = true
		}
	}
	if !sawDenied {
		t.Error("no denial in the audit trail")
	}
	for _, v := range []string{values["alice"], values["bob"], binary, "YmluYXJ5LW1hcmtlci01YzNl"} {
		if strings.Contains(s.Log(), v) {
			t.Errorf("server log contains a secret value")
		}
	}
}

// TestSecretsPersistEncrypted restarts a server on one data dir: values
// survive, the key file is 0600, and the database files hold no plaintext.
func TestSecretsPersistEncrypted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const value = "persisted-plaintext-4b1d"
	s := start(t, "--data-dir", dir)
	c := ctx(t)
	if _, err := secretsmanager.NewFromConfig(s.root()).CreateSecret(c, &secretsmanager.CreateSecretInput{Name: aws.String("p"), SecretString: aws.String(value)}); err != nil {
		t.Fatal(err)
	}
	s.stop(t)
	fi, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret.key: %v %v", fi, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		if filepath.Base(f) == "secret.key" {
			continue
		}
		b, err := os.ReadFile(f)
		if err == nil && strings.Contains(string(b), value) {
			t.Errorf("%s holds the plaintext", filepath.Base(f))
		}
	}
	s2 := start(t, "--data-dir", dir)
	got, err := secretsmanager.NewFromConfig(s2.root()).GetSecretValue(c, &secretsmanager.GetSecretValueInput{SecretId: aws.String("p")})
	if err != nil || aws.ToString(got.SecretString) != value {
		t.Fatalf("after restart: %v", err)
	}
}

// BenchmarkGetSecretValueRoundTrip measures GetSecretValue of a 256-byte
// secret over loopback against the real binary on a data dir (SigV4,
// principal, authorization with the secret's tags and resource policy,
// AES-GCM decryption, a durable audit event per request):
//
//	go test ./test/compat -run '^$' -bench GetSecretValue -benchtime 5000x -count 3
//
// "sdk-serial" and "sdk" drive the Go SDK client one request at a time and
// at concurrency 16 (each request signed and parsed by the client, on the
// same machine); "replay" replays one
// pre-signed request with net/http at concurrency 32, so it measures the
// server. Each reports requests/s and the p50/p99 latency.
func BenchmarkGetSecretValueRoundTrip(b *testing.B) {
	s := startBench(b, "--data-dir", b.TempDir())
	sm := secretsmanager.NewFromConfig(s.root())
	if _, err := sm.CreateSecret(b.Context(), &secretsmanager.CreateSecretInput{Name: aws.String("bench/db"), SecretString: aws.String(strings.Repeat("x", 256))}); err != nil {
		b.Fatal(err)
	}
	get := func() error {
		out, err := sm.GetSecretValue(b.Context(), &secretsmanager.GetSecretValueInput{SecretId: aws.String("bench/db")})
		if err == nil && len(aws.ToString(out.SecretString)) != 256 {
			err = fmt.Errorf("value of %d bytes", len(aws.ToString(out.SecretString)))
		}
		return err
	}
	b.Run("sdk-serial", func(b *testing.B) { runConcurrent(b, 1, get) })
	b.Run("sdk", func(b *testing.B) { runConcurrent(b, 16, get) })
	b.Run("replay", func(b *testing.B) {
		payload := []byte(`{"SecretId":"bench/db"}`)
		req, err := http.NewRequest(http.MethodPost, s.Endpoint+"/", bytes.NewReader(payload))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "secretsmanager.GetSecretValue")
		sum := sha256.Sum256(payload)
		if err := v4.NewSigner().SignHTTP(b.Context(), aws.Credentials{AccessKeyID: rootKeyID, SecretAccessKey: rootSecret},
			req, hex.EncodeToString(sum[:]), "secretsmanager", region, time.Now()); err != nil {
			b.Fatal(err)
		}
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32, MaxConnsPerHost: 32}}
		runConcurrent(b, 32, func() error {
			r, _ := http.NewRequest(http.MethodPost, s.Endpoint+"/", bytes.NewReader(payload))
			r.Header = req.Header.Clone()
			resp, err := client.Do(r)
			if err != nil {
				return err
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("status %d: %s", resp.StatusCode, body)
			}
			return err
		})
	})
}

// runConcurrent runs do b.N times from n goroutines and reports
// requests/s and the p50/p99 latency.
func runConcurrent(b *testing.B, n int, do func() error) {
	for range n { // warm connections and caches
		if err := do(); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Pointer[error]
	b.ResetTimer()
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) || failed.Load() != nil {
					return
				}
				t0 := time.Now()
				if err := do(); err != nil {
					failed.Store(&err)
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// startBench is start for benchmarks: abacus serve with args on a free
// loopback port, stopped when the benchmark ends. (start takes a
// *testing.T; its stop reporting needs t.Errorf, which testing.TB has.)
func startBench(b *testing.B, args ...string) *server {
	b.Helper()
	s := &server{done: make(chan error, 1)}
	s.cmd = exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	s.cmd.Env = append(os.Environ(), "ABACUS_ROOT_ACCESS_KEY_ID="+rootKeyID, "ABACUS_ROOT_SECRET_ACCESS_KEY="+rootSecret)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	go func() { s.done <- s.cmd.Wait() }()
	select {
	case s.Endpoint = <-found:
	case err := <-s.done:
		b.Fatalf("abacus exited before serving: %v", err)
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		b.Fatal("abacus did not start within 60s")
	}
	b.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		<-s.done
	})
	return s
}

// errorsAs is errors.As for typed SDK errors.
func errorsAs(err error, target any) bool { return errors.As(err, target) }

// TestTerraformSecrets applies examples/terraform/secrets (secrets,
// versions and resource policies), plans clean and destroys.
func TestTerraformSecrets(t *testing.T) {
	t.Parallel()
	s := start(t)
	terraform(t, s, "secrets")
}

// TestBoto3Setup2Secrets runs examples/boto3/setup2_secrets.py: per-user
// secrets through the shared role, with boto3.
func TestBoto3Setup2Secrets(t *testing.T) {
	t.Parallel()
	s := start(t)
	out := runBoto3Example(t, s, "setup2_secrets.py")
	if !strings.Contains(out, "setup 2 secrets checks passed") {
		t.Fatalf("unexpected output:\n%s", out)
	}
}
