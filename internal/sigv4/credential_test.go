package sigv4_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"abacus/internal/sigv4"
)

// TestSecretsNeverPrint checks that no way of printing or logging a
// credential reveals its secret or session token.
func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	const secret, token = "s3cr3t-value-XYZ", "session-token-ABC"
	cred := sigv4.Credential{
		AccessKeyID: "ASIAEXAMPLE", Secret: sigv4.NewSecretKey(secret), SessionToken: token,
		Expires: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	log.Info("cred", "credential", cred, "secret", cred.Secret)
	log.Info("long-term", "credential", sigv4.Credential{AccessKeyID: "AKIA", Secret: sigv4.NewSecretKey(secret)})
	jsonSecret, err := json.Marshal(struct{ S sigv4.SecretKey }{cred.Secret})
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v secret":  fmt.Sprintf("%v", cred.Secret),
		"%s secret":  fmt.Sprintf("%s", cred.Secret),
		"%#v secret": fmt.Sprintf("%#v", cred.Secret),
		"%+v cred":   fmt.Sprintf("%+v", cred.Secret),
		"json":       string(jsonSecret),
		"slog":       logged.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, secret) || strings.Contains(out, token) {
			t.Errorf("%s reveals a secret: %s", name, out)
		}
		if !strings.Contains(out, "REDACTED") {
			t.Errorf("%s does not say REDACTED: %s", name, out)
		}
	}
	if !strings.Contains(logged.String(), `"access_key_id":"ASIAEXAMPLE"`) || !strings.Contains(logged.String(), `"expires":"2026-01-01T00:00:00Z"`) {
		t.Errorf("slog output lacks the key ID or expiry: %s", logged.String())
	}
	if cred.Secret.Reveal() != secret || cred.Secret.IsZero() || !(sigv4.SecretKey{}).IsZero() {
		t.Error("Reveal/IsZero do not report the secret")
	}
}

func TestProtocolString(t *testing.T) {
	t.Parallel()
	for p, want := range map[sigv4.Protocol]string{sigv4.ProtocolQuery: "query", sigv4.ProtocolJSON: "json", sigv4.ProtocolS3: "s3"} {
		if got := p.String(); got != want {
			t.Errorf("Protocol(%d).String() = %q, want %q", p, got, want)
		}
	}
}

func TestStaticCredentials(t *testing.T) {
	t.Parallel()
	creds := sigv4.StaticCredentials{testAKID: {AccessKeyID: testAKID, Secret: sigv4.NewSecretKey(testSecret), Principal: "root"}}
	v := sigv4.New(sigv4.Config{Lookup: creds, Now: func() time.Time { return testNow }})
	res, err := v.Verify(context.Background(), req{}.build(t), sigv4.Options{})
	if err != nil || res.Credential.Principal != "root" {
		t.Fatalf("Verify = %+v, %v; want the root principal", res, err)
	}
	_, err = creds.LookupCredential(context.Background(), "AKIAOTHER")
	if !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Errorf("unknown key: %v, want ErrUnknownAccessKey", err)
	}
}
