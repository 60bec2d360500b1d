package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const studioUsage = `Usage: abacus studio credentials --domain-id D --user-profile U [flags]

Prints the temporary credentials of a SageMaker Studio user's session in the
AWS credential_process JSON format (Version 1, AccessKeyId, SecretAccessKey,
SessionToken, Expiration), so that a profile can use them:

  [profile studio-alice]
  credential_process = abacus studio credentials --domain-id d-xxx --user-profile alice

It calls CreatePresignedDomainUrl with your own credentials (so the call is
authorized and audited like any API call), opens the URL as a browser does
and reads the session's credentials from its landing page: a session of the
profile's execution role named SageMaker, with the profile name as source
identity when the domain's ExecutionRoleIdentityConfig is USER_PROFILE_NAME.

Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN,
else the root keys in <data-dir>/credentials. Endpoint: --endpoint-url, else
AWS_ENDPOINT_URL, else <data-dir>/endpoint, else http://127.0.0.1:4599.

Flags:
`

// studioEnv is what the studio command reads from its environment.
type studioEnv struct {
	getenv func(string) string
	now    func() time.Time
	client *http.Client
}

func studioCommand(args []string, stdout, stderr io.Writer) int {
	return runStudio(args, stdout, stderr, studioEnv{getenv: os.Getenv, now: time.Now})
}

func runStudio(args []string, stdout, stderr io.Writer, env studioEnv) int {
	if len(args) == 0 || args[0] != "credentials" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprint(stdout, studioUsage)
			return 0
		}
		fmt.Fprint(stderr, studioUsage)
		return 2
	}
	fs := flag.NewFlagSet("studio credentials", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, studioUsage)
		fs.PrintDefaults()
	}
	var o studioOptions
	fs.StringVar(&o.domainID, "domain-id", "", "the Studio domain's ID (d-...)")
	fs.StringVar(&o.profile, "user-profile", "", "the user profile's name")
	fs.StringVar(&o.endpoint, "endpoint-url", "", "the server's URL")
	fs.StringVar(&o.region, "region", "", "the region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)")
	fs.StringVar(&o.dataDir, "data-dir", "./abacus-data", "the server's data dir (for its endpoint and root credentials)")
	fs.IntVar(&o.session, "session-duration", 0, "SessionExpirationDurationInSeconds (1800-43200; default: AWS's, 43200)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if o.domainID == "" || o.profile == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "abacus studio credentials: --domain-id and --user-profile are required")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := studioCredentials(ctx, o, env)
	if err != nil {
		fmt.Fprintf(stderr, "abacus studio credentials: %v\n", err)
		return 1
	}
	stdout.Write(out)
	return 0
}

type studioOptions struct {
	domainID, profile, endpoint, region, dataDir string
	session                                      int
}

// studioCredentials signs CreatePresignedDomainUrl, opens the URL and
// returns the landing page's credentials JSON.
func studioCredentials(ctx context.Context, o studioOptions, env studioEnv) ([]byte, error) {
	endpoint := o.endpoint
	if endpoint == "" {
		endpoint = env.getenv("AWS_ENDPOINT_URL")
	}
	if endpoint == "" {
		if b, err := os.ReadFile(filepath.Join(o.dataDir, endpointFile)); err == nil {
			endpoint = strings.TrimSpace(string(b))
		}
	}
	if endpoint == "" {
		endpoint = "http://127.0.0.1:4599"
	}
	endpoint = strings.TrimRight(endpoint, "/")
	region := o.region
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if region == "" {
			region = env.getenv(k)
		}
	}
	if region == "" {
		region = "us-east-1"
	}
	creds := aws.Credentials{AccessKeyID: env.getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: env.getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken: env.getenv("AWS_SESSION_TOKEN")}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		id, secret, err := readSharedCredentials(filepath.Join(o.dataDir, "credentials"), "default")
		if err != nil {
			return nil, fmt.Errorf("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or point --data-dir at the server's data dir (%v)", err)
		}
		creds = aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}
	}
	in := map[string]any{"DomainId": o.domainID, "UserProfileName": o.profile}
	if o.session != 0 {
		in["SessionExpirationDurationInSeconds"] = o.session
	}
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "SageMaker.CreatePresignedDomainUrl")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sagemaker", region, env.now()); err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	if env.client != nil {
		client.Transport = env.client.Transport
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
			Msg     string `json:"Message"`
		}
		json.Unmarshal(b, &e)
		return nil, fmt.Errorf("CreatePresignedDomainUrl: %s: %s", e.Type, e.Message+e.Msg)
	}
	var out struct{ AuthorizedUrl string }
	if err := json.Unmarshal(b, &out); err != nil || out.AuthorizedUrl == "" {
		return nil, fmt.Errorf("CreatePresignedDomainUrl: unexpected response %q", b)
	}
	// Opening the URL sets the session cookie (and redirects to the page).
	page, err := get(ctx, client, out.AuthorizedUrl)
	if err != nil {
		return nil, err
	}
	c, err := get(ctx, client, strings.TrimSuffix(page, "/")+"/credentials")
	return []byte(c), err
}

// pageError returns the message of a landing error page.
func pageError(b []byte) string {
	s := string(b)
	if _, rest, ok := strings.Cut(s, `id="error">`); ok {
		msg, _, _ := strings.Cut(rest, "</p>")
		return html.UnescapeString(msg)
	}
	return strings.TrimSpace(s)
}

// get fetches u and returns, for a page, its final URL (without query) and
// for the credentials endpoint its body.
func get(ctx context.Context, client *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: HTTP %d: %s", resp.Request.URL.Path, resp.StatusCode, pageError(b))
	}
	if strings.HasSuffix(resp.Request.URL.Path, "/credentials") {
		return string(b), nil
	}
	final := *resp.Request.URL
	final.RawQuery = ""
	return final.String(), nil
}
