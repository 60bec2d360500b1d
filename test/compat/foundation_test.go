package compat

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	s := start(t)
	resp, err := http.Get(s.Endpoint + "/_abacus/health")
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || h["status"] != "ok" || h["accountId"] != accountID {
		t.Fatalf("health: %d %v", resp.StatusCode, h)
	}
	if _, err := sts.NewFromConfig(s.root()).GetCallerIdentity(ctx(t), nil); err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(s.Endpoint + "/_abacus/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`abacus_requests_total{code="",operation="GetCallerIdentity",service="sts"} 1`,
		`abacus_request_duration_seconds_bucket{operation="GetCallerIdentity",service="sts"`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestRootCallerIdentity(t *testing.T) {
	t.Parallel()
	s := start(t)
	out, err := sts.NewFromConfig(s.root()).GetCallerIdentity(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Arn) != "arn:aws:iam::123456789012:root" || aws.ToString(out.Account) != accountID {
		t.Fatalf("root identity: %s %s", aws.ToString(out.Arn), aws.ToString(out.Account))
	}
}

// apiCode returns the AWS error code of err, or "" when it carries none.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestAuthenticationFailures(t *testing.T) {
	t.Parallel()
	s := start(t)
	tests := []struct {
		name, id, secret, token string
		want                    string
	}{
		{"unknown access key", "AKIAUNKNOWNUNKNOWN00", "x", "", "InvalidClientTokenId"},
		{"wrong secret", rootKeyID, "not-the-secret", "", "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := iam.NewFromConfig(s.config(tt.id, tt.secret, tt.token)).ListUsers(ctx(t), nil)
			if got := apiCode(err); got != tt.want {
				t.Fatalf("ListUsers: code %q (%v), want %s", got, err, tt.want)
			}
			_, err = sts.NewFromConfig(s.config(tt.id, tt.secret, tt.token)).GetCallerIdentity(ctx(t), nil)
			if got := apiCode(err); got != tt.want {
				t.Fatalf("GetCallerIdentity: code %q (%v), want %s", got, err, tt.want)
			}
		})
	}
	// An unsigned request gets MissingAuthenticationToken.
	resp, err := http.Post(s.Endpoint+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(body), "<Code>MissingAuthenticationToken</Code>") {
		t.Fatalf("unsigned request: %d %s", resp.StatusCode, body)
	}
}

// TestDenialIsAuditedAndChangesNothing: an IAM user without policies is
// denied with AWS's message, nothing changes, and both the denial and the
// allowed calls are one audit event each.
func TestDenialIsAuditedAndChangesNothing(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	if _, err := admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("mallory")}); err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("mallory")})
	if err != nil {
		t.Fatal(err)
	}
	mallory := iam.NewFromConfig(s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	_, err = mallory.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("eve")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("CreateUser by mallory: %v", err)
	}
	want := "User: arn:aws:iam::123456789012:user/mallory is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/eve because no identity-based policy allows the iam:CreateUser action"
	if ae.ErrorMessage() != want {
		t.Errorf("message:\n got %s\nwant %s", ae.ErrorMessage(), want)
	}
	if _, err := admin.GetUser(c, &iam.GetUserInput{UserName: aws.String("eve")}); apiCode(err) != "NoSuchEntity" {
		t.Fatalf("eve exists after a denied CreateUser: %v", err)
	}

	ct := cloudtrail.NewFromConfig(s.root())
	out, err := ct.LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyUsername, AttributeValue: aws.String("mallory")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 {
		t.Fatalf("mallory has %d events, want 1", len(out.Events))
	}
	var ev struct {
		ErrorCode    string `json:"errorCode"`
		ErrorMessage string `json:"errorMessage"`
		EventName    string `json:"eventName"`
		UserIdentity struct {
			Type, UserName string
		} `json:"userIdentity"`
		AdditionalEventData struct {
			Abacus struct {
				Decision    string `json:"decision"`
				Explanation string `json:"explanation"`
			} `json:"abacus"`
		} `json:"additionalEventData"`
	}
	if err := json.Unmarshal([]byte(*out.Events[0].CloudTrailEvent), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.ErrorCode != "AccessDenied" || ev.ErrorMessage != want || ev.EventName != "CreateUser" ||
		ev.UserIdentity.Type != "IAMUser" || ev.AdditionalEventData.Abacus.Decision != "implicitDeny" {
		t.Errorf("denial event: %+v", ev)
	}
}

func TestSecondServerOnSameDataDirRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	start(t, "--data-dir", dir)
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data-dir", dir)
	cmd.Env = append(os.Environ(), "ABACUS_ROOT_ACCESS_KEY_ID="+rootKeyID, "ABACUS_ROOT_SECRET_ACCESS_KEY="+rootSecret)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("second server started:\n%s", out)
	}
	if !strings.Contains(string(out), "in use by another abacus process") {
		t.Errorf("second server's message does not say why:\n%s", out)
	}
}

func TestCredentialsFileAndEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data-dir", dir)
	cmd.Env = withoutRootKeys(os.Environ())
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Signal(os.Interrupt)
	buf := make([]byte, 4096)
	var log strings.Builder
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(log.String(), "abacus is serving") && time.Now().Before(deadline) {
		n, err := stderr.Read(buf)
		log.Write(buf[:n])
		if err != nil {
			break
		}
	}
	go io.Copy(io.Discard, stderr)
	fi, err := os.Stat(filepath.Join(dir, "credentials"))
	if err != nil {
		t.Fatalf("no credentials file: %v\n%s", err, log.String())
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials mode %v, want 0600", fi.Mode().Perm())
	}
	envCmd := exec.Command(binary, "env", "--data-dir", dir)
	envCmd.Env = withoutRootKeys(os.Environ())
	out, err := envCmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	exports := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
			exports[k] = strings.Trim(v, "'")
		}
	}
	if !strings.HasPrefix(exports["AWS_ENDPOINT_URL"], "http://127.0.0.1:") || !strings.HasPrefix(exports["AWS_ACCESS_KEY_ID"], "AKIA") {
		t.Fatalf("abacus env printed:\n%s", out)
	}
	srv := &server{Endpoint: exports["AWS_ENDPOINT_URL"]}
	id, err := sts.NewFromConfig(srv.config(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], "")).GetCallerIdentity(ctx(t), nil)
	if err != nil {
		t.Fatalf("the exported credentials do not work: %v", err)
	}
	if aws.ToString(id.Arn) != "arn:aws:iam::123456789012:root" {
		t.Errorf("exported credentials are %s, want root", aws.ToString(id.Arn))
	}
}

func withoutRootKeys(env []string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, "ABACUS_ROOT_") {
			out = append(out, e)
		}
	}
	return out
}
