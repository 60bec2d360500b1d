package secretsmanager_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/protocol/awsjson"
	sm "abacus/internal/service/secretsmanager"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/wire")

// TestWire pins the JSON 1.1 encoding of representative responses and
// errors to golden files in testdata/wire. Run with -update to rewrite
// them, and review the diff.
func TestWire(t *testing.T) {
	f := newFixture(t)
	tok := "11111111-2222-3333-4444-555555555555"
	out, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "user-secrets/alice/db", SecretString: secret("pw"),
		ClientRequestToken: &tok, Description: str("alice's database"), Tags: []sm.Tag{{Key: str("owner"), Value: str("alice")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "doomed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DeleteSecret(f.ctx, f.call(time.Second), &sm.DeleteSecretInput{SecretId: "doomed", RecoveryWindowInDays: new(int64(7))}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func() (any, error)
	}{
		{"CreateSecret", func() (any, error) { return out, nil }},
		{"DescribeSecret", func() (any, error) {
			return f.svc.DescribeSecret(f.ctx, f.call(time.Minute), &sm.SecretIDInput{SecretId: "user-secrets/alice/db"})
		}},
		{"GetSecretValue", func() (any, error) {
			return f.svc.GetSecretValue(f.ctx, f.call(time.Minute), &sm.GetSecretValueInput{SecretId: out.ARN})
		}},
		{"ListSecrets", func() (any, error) {
			return f.svc.ListSecrets(f.ctx, f.call(time.Minute), &sm.ListSecretsInput{IncludePlannedDeletion: new(true)})
		}},
		{"ResourceNotFoundException", func() (any, error) {
			return f.svc.GetSecretValue(f.ctx, f.call(time.Minute), &sm.GetSecretValueInput{SecretId: "nope"})
		}},
		{"InvalidRequestException", func() (any, error) {
			return f.svc.GetSecretValue(f.ctx, f.call(time.Minute), &sm.GetSecretValueInput{SecretId: "doomed"})
		}},
		{"InvalidParameterException", func() (any, error) {
			return f.svc.DeleteSecret(f.ctx, f.call(time.Minute), &sm.DeleteSecretInput{SecretId: "doomed", RecoveryWindowInDays: new(int64(1))})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.run()
			var body []byte
			if err != nil {
				rec := httptest.NewRecorder()
				awsjson.WriteError(rec, "1.1", "req-1", apierr.From(err, sm.MapError))
				body = []byte(rec.Header().Get("X-Amzn-Errortype") + " " + rec.Result().Status + "\n" + rec.Body.String())
			} else if body, err = awsjson.Marshal(res); err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if i := bytes.IndexByte(body, '{'); i >= 0 && json.Indent(&pretty, body[i:], "", "  ") == nil {
				body = append(body[:i:i], pretty.Bytes()...)
			}
			body = append(body, '\n')
			path := filepath.Join("testdata", "wire", tt.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("%s differs from the golden file:\n got %s\nwant %s", tt.name, body, want)
			}
		})
	}
}
