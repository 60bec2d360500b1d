package compat

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
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
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// smDelay is how long SageMaker's transitional statuses last in these
// tests.
const smDelay = "300ms"

// smMessage returns an API error's message.
func smMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// smNotebookStatus waits (polling, bounded) until the notebook instance has
// the wanted status and fails the test if it never does.
func smNotebookStatus(t *testing.T, sm *sagemaker.Client, name string, want smtypes.NotebookInstanceStatus) *sagemaker.DescribeNotebookInstanceOutput {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := sm.DescribeNotebookInstance(ctx(t), &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String(name)})
		if err != nil {
			t.Fatalf("describe %s: %v", name, err)
		}
		if out.NotebookInstanceStatus == want {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("notebook %s stayed %s, want %s", name, out.NotebookInstanceStatus, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// smExecRole creates the notebook execution role every test passes.
func smExecRole(t *testing.T, admin *iam.Client, name string) string {
	t.Helper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`
	out, err := admin.CreateRole(ctx(t), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

// TestNotebookInstanceLifecycle drives one instance through its state
// machine with the SDK: Pending -> InService, forbidden transitions with
// AWS's ValidationException texts, Stop -> Stopped, Update -> Stopped,
// Start, Stop, Delete -> gone (ValidationException RecordNotFound).
func TestNotebookInstanceLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", smDelay)
	c := ctx(t)
	role := smExecRole(t, iam.NewFromConfig(s.root()), "nb-exec")
	sm := sagemaker.NewFromConfig(s.root())
	const arn = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/mynotebook"

	out, err := sm.CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{
		NotebookInstanceName: aws.String("MyNotebook"), InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.NotebookInstanceArn); got != arn {
		t.Errorf("ARN %s, want the lower-cased name %s", got, arn)
	}
	if _, err := sm.CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{
		NotebookInstanceName: aws.String("mynotebook"), InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role),
	}); apiCode(err) != "ValidationException" {
		t.Errorf("duplicate name without regard to case: %v", err)
	}
	d, err := sm.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")})
	if err != nil {
		t.Fatal(err)
	}
	if d.NotebookInstanceStatus != smtypes.NotebookInstanceStatusPending || d.DirectInternetAccess != "Enabled" || d.RootAccess != "Enabled" ||
		aws.ToInt32(d.VolumeSizeInGB) != 5 || aws.ToString(d.RoleArn) != role || aws.ToString(d.NotebookInstanceName) != "MyNotebook" ||
		aws.ToString(d.Url) != "mynotebook.notebook.us-east-1.sagemaker.aws" {
		t.Errorf("fresh instance: %+v", d)
	}
	if _, err := sm.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")}); smMessage(err) !=
		"Status (Pending) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance ("+arn+")." {
		t.Errorf("stop while Pending: %v", err)
	}
	smNotebookStatus(t, sm, "MyNotebook", smtypes.NotebookInstanceStatusInService)

	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"start while InService", func() error {
			_, err := sm.StartNotebookInstance(c, &sagemaker.StartNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")})
			return err
		}, "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Pending) for Notebook Instance (" + arn + ")."},
		{"delete while InService", func() error {
			_, err := sm.DeleteNotebookInstance(c, &sagemaker.DeleteNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")})
			return err
		}, "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Deleting) for Notebook Instance (" + arn + ")."},
		{"update while InService", func() error {
			_, err := sm.UpdateNotebookInstance(c, &sagemaker.UpdateNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook"), VolumeSizeInGB: aws.Int32(10)})
			return err
		}, "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Updating) for Notebook Instance (" + arn + ")."},
	}
	for _, tt := range tests {
		err := tt.call()
		if apiCode(err) != "ValidationException" || smMessage(err) != tt.want {
			t.Errorf("%s: %v, want ValidationException %q", tt.name, err, tt.want)
		}
	}

	if _, err := sm.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")}); smMessage(err) !=
		"Status (Stopping) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance ("+arn+")." {
		t.Errorf("stop while Stopping: %v", err)
	}
	smNotebookStatus(t, sm, "MyNotebook", smtypes.NotebookInstanceStatusStopped)
	if _, err := sm.UpdateNotebookInstance(c, &sagemaker.UpdateNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook"),
		VolumeSizeInGB: aws.Int32(20), RootAccess: smtypes.RootAccessDisabled}); err != nil {
		t.Fatal(err)
	}
	d = smNotebookStatus(t, sm, "MyNotebook", smtypes.NotebookInstanceStatusStopped)
	if aws.ToInt32(d.VolumeSizeInGB) != 20 || d.RootAccess != smtypes.RootAccessDisabled {
		t.Errorf("update not applied: %+v", d)
	}
	if _, err := sm.DeleteNotebookInstance(c, &sagemaker.DeleteNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := sm.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("MyNotebook")})
		if err != nil {
			if apiCode(err) != "ValidationException" || !strings.Contains(smMessage(err), "RecordNotFound") {
				t.Fatalf("deleted instance: %v, want ValidationException RecordNotFound", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("instance never went away")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// smUser creates an IAM user with an access key and returns an SDK
// configuration for it.
func smUser(t *testing.T, s *server, admin *iam.Client, name string, groups ...string) aws.Config {
	t.Helper()
	c := ctx(t)
	if _, err := admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if _, err := admin.AddUserToGroup(c, &iam.AddUserToGroupInput{GroupName: aws.String(g), UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	key, err := admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return s.config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")
}

// smSetup1Policy is setup 1's SageMaker-Policy: the five notebook actions
// on every resource, plus passing the notebook's execution role to
// SageMaker, which CreateNotebookInstance needs on AWS.
const smSetup1Policy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Notebooks","Effect":"Allow","Action":["sagemaker:CreateNotebookInstance","sagemaker:StartNotebookInstance","sagemaker:StopNotebookInstance","sagemaker:DescribeNotebookInstance","sagemaker:CreatePresignedNotebookInstanceUrl"],"Resource":"*"},
 {"Sid":"PassNotebookRole","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/nb-exec","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}]}`

// smSetup1 builds setup 1: group ML-Team with SageMaker-Policy attached,
// alice and bob in it, carol outside. It returns the three users' configs.
func smSetup1(t *testing.T, s *server) (alice, bob, carol aws.Config) {
	t.Helper()
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	smExecRole(t, admin, "nb-exec")
	if _, err := admin.CreateGroup(c, &iam.CreateGroupInput{GroupName: aws.String("ML-Team")}); err != nil {
		t.Fatal(err)
	}
	pol, err := admin.CreatePolicy(c, &iam.CreatePolicyInput{PolicyName: aws.String("SageMaker-Policy"), PolicyDocument: aws.String(smSetup1Policy)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AttachGroupPolicy(c, &iam.AttachGroupPolicyInput{GroupName: aws.String("ML-Team"), PolicyArn: pol.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	return smUser(t, s, admin, "alice", "ML-Team"), smUser(t, s, admin, "bob", "ML-Team"), smUser(t, s, admin, "carol")
}

// smBrowser is an HTTP client with a cookie jar that does not follow
// redirects, dialing from the given loopback source address.
func smBrowser(t *testing.T, from string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// smGet fetches u and returns the status and body.
func smGet(t *testing.T, hc *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// smOpen opens a presigned URL as a browser does: the token request sets
// the session cookie and redirects to the page, which is then fetched.
func smOpen(t *testing.T, hc *http.Client, authorized string) (int, string) {
	t.Helper()
	resp, err := hc.Get(authorized)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return resp.StatusCode, string(b)
	}
	u, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return smGet(t, hc, u.String())
}

// TestSetup1GroupNotebookAccess is setup 1 end to end: ML-Team members
// create, start, stop and describe notebook instances and open a presigned
// URL whose page shows the instance; a user outside the group is denied
// each action with AWS's message, and each denial is in the audit trail.
func TestSetup1GroupNotebookAccess(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", smDelay)
	c := ctx(t)
	aliceCfg, bobCfg, carolCfg := smSetup1(t, s)
	alice, bob, carol := sagemaker.NewFromConfig(aliceCfg), sagemaker.NewFromConfig(bobCfg), sagemaker.NewFromConfig(carolCfg)
	const role = "arn:aws:iam::123456789012:role/nb-exec"
	const arn = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/team-nb"

	if _, err := alice.CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{
		NotebookInstanceName: aws.String("team-nb"), InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role),
	}); err != nil {
		t.Fatal(err)
	}
	smNotebookStatus(t, bob, "team-nb", smtypes.NotebookInstanceStatusInService)
	if _, err := bob.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("team-nb")}); err != nil {
		t.Fatal(err)
	}
	smNotebookStatus(t, alice, "team-nb", smtypes.NotebookInstanceStatusStopped)
	if _, err := alice.StartNotebookInstance(c, &sagemaker.StartNotebookInstanceInput{NotebookInstanceName: aws.String("team-nb")}); err != nil {
		t.Fatal(err)
	}
	smNotebookStatus(t, alice, "team-nb", smtypes.NotebookInstanceStatusInService)
	u, err := alice.CreatePresignedNotebookInstanceUrl(c, &sagemaker.CreatePresignedNotebookInstanceUrlInput{NotebookInstanceName: aws.String("team-nb")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(u.AuthorizedUrl), s.Endpoint+"/_abacus/notebook/team-nb?authToken=") {
		t.Fatalf("AuthorizedUrl %s", aws.ToString(u.AuthorizedUrl))
	}
	browser := smBrowser(t, "127.0.0.1")
	code, body := smOpen(t, browser, aws.ToString(u.AuthorizedUrl))
	if code != http.StatusOK || !strings.Contains(body, `<dd id="name">team-nb</dd>`) || !strings.Contains(body, `<dd id="status">InService</dd>`) ||
		!strings.Contains(body, `<dd id="opened-by">arn:aws:iam::123456789012:user/alice</dd>`) || !strings.Contains(body, `id="expires"`) {
		t.Fatalf("landing page %d:\n%s", code, body)
	}
	if code, body := smGet(t, browser, s.Endpoint+"/_abacus/notebook/team-nb"); code != http.StatusOK || !strings.Contains(body, "team-nb") {
		t.Errorf("page with the session cookie: %d", code)
	}
	if code, body := smOpen(t, smBrowser(t, "127.0.0.1"), aws.ToString(u.AuthorizedUrl)); code != http.StatusForbidden || !strings.Contains(body, "already been used") {
		t.Errorf("reused URL: %d %s", code, body)
	}
	if code, body := smOpen(t, smBrowser(t, "127.0.0.1"), aws.ToString(u.AuthorizedUrl)+"x"); code != http.StatusForbidden || !strings.Contains(body, "not valid") {
		t.Errorf("tampered URL: %d %s", code, body)
	}
	if code, _ := smGet(t, smBrowser(t, "127.0.0.1"), s.Endpoint+"/_abacus/notebook/team-nb"); code != http.StatusForbidden {
		t.Errorf("page without a session: %d", code)
	}

	// carol is outside ML-Team: every action is denied with AWS's text.
	denials := []struct {
		action string
		call   func() error
	}{
		{"CreateNotebookInstance", func() error {
			_, err := carol.CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: aws.String("carol-nb"),
				InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role)})
			return err
		}},
		{"StartNotebookInstance", func() error {
			_, err := carol.StartNotebookInstance(c, &sagemaker.StartNotebookInstanceInput{NotebookInstanceName: aws.String("team-nb")})
			return err
		}},
		{"StopNotebookInstance", func() error {
			_, err := carol.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("team-nb")})
			return err
		}},
		{"DescribeNotebookInstance", func() error {
			_, err := carol.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("team-nb")})
			return err
		}},
		{"CreatePresignedNotebookInstanceUrl", func() error {
			_, err := carol.CreatePresignedNotebookInstanceUrl(c, &sagemaker.CreatePresignedNotebookInstanceUrlInput{NotebookInstanceName: aws.String("team-nb")})
			return err
		}},
	}
	for _, d := range denials {
		err := d.call()
		res := arn
		if d.action == "CreateNotebookInstance" {
			res = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/carol-nb"
		}
		want := "User: arn:aws:iam::123456789012:user/carol is not authorized to perform: sagemaker:" + d.action +
			" on resource: " + res + " because no identity-based policy allows the sagemaker:" + d.action + " action"
		if apiCode(err) != "AccessDeniedException" || smMessage(err) != want {
			t.Errorf("carol %s: %v\nwant AccessDeniedException %q", d.action, err, want)
		}
	}
	// Nothing changed: the denied create left no instance behind.
	if _, err := alice.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("carol-nb")}); apiCode(err) != "ValidationException" {
		t.Errorf("denied create changed state: %v", err)
	}

	// Each denial is one audit event with carol as the caller.
	evs, err := cloudtrail.NewFromConfig(s.root()).LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyUsername, AttributeValue: aws.String("carol")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	denied := map[string]int{}
	for _, e := range evs.Events {
		var ev struct {
			EventName   string `json:"eventName"`
			EventSource string `json:"eventSource"`
			ErrorCode   string `json:"errorCode"`
		}
		if err := json.Unmarshal([]byte(aws.ToString(e.CloudTrailEvent)), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.ErrorCode != "" {
			denied[ev.EventName]++
		}
	}
	for _, d := range denials {
		if denied[d.action] != 1 {
			t.Errorf("audit trail has %d denials of carol's %s, want 1 (%v)", denied[d.action], d.action, denied)
		}
	}

	// Opening the URL is an audit event of alice's.
	opens, err := cloudtrail.NewFromConfig(s.root()).LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("OpenPresignedNotebookInstanceUrl")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(opens.Events) != 3 { // the open, the reuse, the tampered URL
		t.Errorf("%d open events, want 3", len(opens.Events))
	}
}

// TestPresignedNotebookURLSourceIP: a creator whose policy allows
// CreatePresignedNotebookInstanceUrl only from 127.0.0.1 gets a URL that
// opens from 127.0.0.1 but not from 127.0.0.2, and the open page itself is
// re-checked on every request, as AWS enforces the creator's IAM conditions
// on every request to the notebook.
func TestPresignedNotebookURLSourceIP(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", "-1s")
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	role := smExecRole(t, admin, "nb-exec")
	if _, err := sagemaker.NewFromConfig(s.root()).CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{
		NotebookInstanceName: aws.String("ip-nb"), InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role)}); err != nil {
		t.Fatal(err)
	}
	dave := smUser(t, s, admin, "dave")
	if _, err := admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("dave"), PolicyName: aws.String("ip"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:CreatePresignedNotebookInstanceUrl","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	sm := sagemaker.NewFromConfig(dave)
	presign := func() string {
		u, err := sm.CreatePresignedNotebookInstanceUrl(c, &sagemaker.CreatePresignedNotebookInstanceUrlInput{NotebookInstanceName: aws.String("ip-nb")})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(u.AuthorizedUrl)
	}
	if code, body := smOpen(t, smBrowser(t, "127.0.0.2"), presign()); code != http.StatusForbidden ||
		!strings.Contains(body, "is not authorized to perform: sagemaker:CreatePresignedNotebookInstanceUrl") {
		t.Errorf("open from 127.0.0.2: %d %s", code, body)
	}
	home := smBrowser(t, "127.0.0.1")
	if code, body := smOpen(t, home, presign()); code != http.StatusOK {
		t.Fatalf("open from 127.0.0.1: %d %s", code, body)
	}
	// Move the session cookie to a client on another address.
	away := smBrowser(t, "127.0.0.2")
	page, _ := url.Parse(s.Endpoint + "/_abacus/notebook/ip-nb")
	away.Jar.SetCookies(page, home.Jar.Cookies(page))
	if code, _ := smGet(t, away, page.String()); code != http.StatusForbidden {
		t.Errorf("session page from 127.0.0.2: %d", code)
	}
	if code, _ := smGet(t, home, page.String()); code != http.StatusOK {
		t.Errorf("session page from 127.0.0.1: %d", code)
	}
}

// smStudioTrust lets SageMaker assume a Studio execution role and set the
// source identity, as AWS's documentation requires for
// ExecutionRoleIdentityConfig=USER_PROFILE_NAME
// (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access.html).
const smStudioTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`

// smWait polls describe until it reports want (bounded).
func smWait(t *testing.T, what string, want string, describe func() (string, error)) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := describe()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s stayed %s, want %s", what, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// smDomain creates an IAM-mode domain whose default execution role is
// roleARN and waits until it is InService.
func smDomain(t *testing.T, sm *sagemaker.Client, roleARN string, identity smtypes.ExecutionRoleIdentityConfig, tags ...smtypes.Tag) string {
	t.Helper()
	c := ctx(t)
	out, err := sm.CreateDomain(c, &sagemaker.CreateDomainInput{
		DomainName: aws.String("ml-domain"), AuthMode: smtypes.AuthModeIam,
		DefaultUserSettings: &smtypes.UserSettings{ExecutionRole: aws.String(roleARN)},
		DomainSettings:      &smtypes.DomainSettings{ExecutionRoleIdentityConfig: identity},
		SubnetIds:           []string{"subnet-0123456789abcdef0"}, VpcId: aws.String("vpc-0123456789abcdef0"),
		TagPropagation: smtypes.TagPropagationEnabled, Tags: tags,
	})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.DomainId)
	smWait(t, "domain", "InService", func() (string, error) {
		d, err := sm.DescribeDomain(c, &sagemaker.DescribeDomainInput{DomainId: aws.String(id)})
		if err != nil {
			return "", err
		}
		return string(d.Status), nil
	})
	return id
}

func smProfile(t *testing.T, sm *sagemaker.Client, domainID, name string, tags ...smtypes.Tag) {
	t.Helper()
	c := ctx(t)
	if _, err := sm.CreateUserProfile(c, &sagemaker.CreateUserProfileInput{DomainId: aws.String(domainID), UserProfileName: aws.String(name), Tags: tags}); err != nil {
		t.Fatal(err)
	}
	smWait(t, "profile "+name, "InService", func() (string, error) {
		p, err := sm.DescribeUserProfile(c, &sagemaker.DescribeUserProfileInput{DomainId: aws.String(domainID), UserProfileName: aws.String(name)})
		if err != nil {
			return "", err
		}
		return string(p.Status), nil
	})
}

// TestStudioDomainProfileAppLifecycles drives domains, user profiles and
// apps through their states, including the rule that a domain's
// ExecutionRoleIdentityConfig cannot change while apps are InService or
// Pending.
func TestStudioDomainProfileAppLifecycles(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", smDelay)
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	out, err := admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("studio-exec"), AssumeRolePolicyDocument: aws.String(smStudioTrust)})
	if err != nil {
		t.Fatal(err)
	}
	role := aws.ToString(out.Role.Arn)
	sm := sagemaker.NewFromConfig(s.root())
	id := smDomain(t, sm, role, smtypes.ExecutionRoleIdentityConfigUserProfileName)

	d, err := sm.DescribeDomain(c, &sagemaker.DescribeDomainInput{DomainId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if d.AuthMode != smtypes.AuthModeIam || aws.ToString(d.DefaultUserSettings.ExecutionRole) != role ||
		d.DomainSettings.ExecutionRoleIdentityConfig != smtypes.ExecutionRoleIdentityConfigUserProfileName ||
		d.AppNetworkAccessType != smtypes.AppNetworkAccessTypePublicInternetOnly || d.TagPropagation != smtypes.TagPropagationEnabled ||
		aws.ToString(d.VpcId) != "vpc-0123456789abcdef0" || aws.ToString(d.DomainArn) != "arn:aws:sagemaker:us-east-1:123456789012:domain/"+id {
		t.Errorf("DescribeDomain: %+v", d)
	}
	smProfile(t, sm, id, "alice")
	p, err := sm.DescribeUserProfile(c, &sagemaker.DescribeUserProfileInput{DomainId: aws.String(id), UserProfileName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if p.UserSettings != nil || aws.ToString(p.UserProfileArn) != "arn:aws:sagemaker:us-east-1:123456789012:user-profile/"+id+"/alice" {
		t.Errorf("DescribeUserProfile: settings %+v, ARN %s", p.UserSettings, aws.ToString(p.UserProfileArn))
	}
	if _, err := sm.CreateUserProfile(c, &sagemaker.CreateUserProfileInput{DomainId: aws.String(id), UserProfileName: aws.String("alice")}); apiCode(err) != "ResourceInUse" {
		t.Errorf("duplicate profile: %v", err)
	}

	app := &sagemaker.CreateAppInput{DomainId: aws.String(id), UserProfileName: aws.String("alice"), AppType: smtypes.AppTypeJupyterServer, AppName: aws.String("default")}
	a, err := sm.CreateApp(c, app)
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(a.AppArn); got != "arn:aws:sagemaker:us-east-1:123456789012:app/"+id+"/alice/jupyterserver/default" {
		t.Errorf("app ARN %s", got)
	}
	describeApp := func() (string, error) {
		a, err := sm.DescribeApp(c, &sagemaker.DescribeAppInput{DomainId: aws.String(id), UserProfileName: aws.String("alice"), AppType: smtypes.AppTypeJupyterServer, AppName: aws.String("default")})
		if err != nil {
			return "", err
		}
		return string(a.Status), nil
	}
	setIdentity := func(v smtypes.ExecutionRoleIdentityConfig) error {
		_, err := sm.UpdateDomain(c, &sagemaker.UpdateDomainInput{DomainId: aws.String(id),
			DomainSettingsForUpdate: &smtypes.DomainSettingsForUpdate{ExecutionRoleIdentityConfig: v}})
		return err
	}
	// Pending and InService apps both lock the identity config.
	if err := setIdentity(smtypes.ExecutionRoleIdentityConfigDisabled); apiCode(err) != "ValidationException" ||
		!strings.Contains(smMessage(err), "no apps in the InService or Pending state") {
		t.Errorf("identity config change with a Pending app: %v", err)
	}
	smWait(t, "app", "InService", describeApp)
	if err := setIdentity(smtypes.ExecutionRoleIdentityConfigDisabled); apiCode(err) != "ValidationException" {
		t.Errorf("identity config change with an InService app: %v", err)
	}
	if _, err := sm.UpdateDomain(c, &sagemaker.UpdateDomainInput{DomainId: aws.String(id), TagPropagation: smtypes.TagPropagationDisabled}); err != nil {
		t.Errorf("other updates are allowed while apps run: %v", err)
	}
	smWait(t, "domain", "InService", func() (string, error) {
		d, err := sm.DescribeDomain(c, &sagemaker.DescribeDomainInput{DomainId: aws.String(id)})
		if err != nil {
			return "", err
		}
		return string(d.Status), nil
	})
	if _, err := sm.DeleteUserProfile(c, &sagemaker.DeleteUserProfileInput{DomainId: aws.String(id), UserProfileName: aws.String("alice")}); apiCode(err) != "ResourceInUse" {
		t.Errorf("deleting a profile with a running app: %v", err)
	}
	if _, err := sm.DeleteApp(c, &sagemaker.DeleteAppInput{DomainId: aws.String(id), UserProfileName: aws.String("alice"), AppType: smtypes.AppTypeJupyterServer, AppName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	smWait(t, "app", "Deleted", describeApp)
	apps, err := sm.ListApps(c, &sagemaker.ListAppsInput{DomainIdEquals: aws.String(id)})
	if err != nil || len(apps.Apps) != 1 || apps.Apps[0].Status != smtypes.AppStatusDeleted {
		t.Errorf("ListApps: %+v %v", apps, err)
	}
	if err := setIdentity(smtypes.ExecutionRoleIdentityConfigDisabled); err != nil {
		t.Errorf("identity config change with only deleted apps: %v", err)
	}
	if _, err := sm.DeleteDomain(c, &sagemaker.DeleteDomainInput{DomainId: aws.String(id)}); apiCode(err) != "ResourceInUse" {
		t.Errorf("deleting a domain with profiles: %v", err)
	}
	if _, err := sm.DeleteUserProfile(c, &sagemaker.DeleteUserProfileInput{DomainId: aws.String(id), UserProfileName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	smWait(t, "profile", "gone", func() (string, error) {
		_, err := sm.DescribeUserProfile(c, &sagemaker.DescribeUserProfileInput{DomainId: aws.String(id), UserProfileName: aws.String("alice")})
		if apiCode(err) == "ResourceNotFound" {
			return "gone", nil
		}
		return "present", err
	})
	smWait(t, "domain", "InService", func() (string, error) {
		d, err := sm.DescribeDomain(c, &sagemaker.DescribeDomainInput{DomainId: aws.String(id)})
		if err != nil {
			return "", err
		}
		return string(d.Status), nil
	})
	if _, err := sm.DeleteDomain(c, &sagemaker.DeleteDomainInput{DomainId: aws.String(id),
		RetentionPolicy: &smtypes.RetentionPolicy{HomeEfsFileSystem: smtypes.RetentionTypeDelete}}); err != nil {
		t.Fatal(err)
	}
	smWait(t, "domain", "gone", func() (string, error) {
		_, err := sm.DescribeDomain(c, &sagemaker.DescribeDomainInput{DomainId: aws.String(id)})
		if apiCode(err) == "ResourceNotFound" {
			return "gone", nil
		}
		return "present", err
	})
	if l, err := sm.ListDomains(c, &sagemaker.ListDomainsInput{}); err != nil || len(l.Domains) != 0 {
		t.Errorf("ListDomains after delete: %+v %v", l, err)
	}
}

// TestStudioCredentials: `abacus studio credentials` (CreatePresignedDomainUrl
// with the caller's own keys) prints credential_process JSON for a session
// of the profile's execution role named SageMaker with the profile name as
// source identity; resources created with them carry the automatic
// sagemaker:domain-arn and sagemaker:user-profile-arn tags and the
// propagated domain and profile tags; their calls are audited with the
// source identity.
func TestStudioCredentials(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", "-1s")
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	out, err := admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("studio-exec"), AssumeRolePolicyDocument: aws.String(smStudioTrust)})
	if err != nil {
		t.Fatal(err)
	}
	role := aws.ToString(out.Role.Arn)
	if _, err := admin.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("studio-exec"), PolicyName: aws.String("notebooks"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["sagemaker:CreateNotebookInstance","sagemaker:AddTags","sagemaker:ListTags"],"Resource":"*"},
 {"Effect":"Allow","Action":"sagemaker:DescribeNotebookInstance","Resource":"*","Condition":{"StringEquals":{"sagemaker:UserProfileName":"alice"}}},
 {"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	sm := sagemaker.NewFromConfig(s.root())
	id := smDomain(t, sm, role, smtypes.ExecutionRoleIdentityConfigUserProfileName, smtypes.Tag{Key: aws.String("team"), Value: aws.String("ml")})
	smProfile(t, sm, id, "alice", smtypes.Tag{Key: aws.String("project"), Value: aws.String("p1")})

	// sam may create presigned Studio URLs for alice only.
	sam := smUser(t, s, admin, "sam")
	if _, err := admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("sam"), PolicyName: aws.String("studio"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:CreatePresignedDomainUrl","Resource":"arn:aws:sagemaker:*:*:user-profile/` + id + `/alice"}]}`)}); err != nil {
		t.Fatal(err)
	}
	samCreds, _ := sam.Credentials.Retrieve(c)
	run := func(profile string) ([]byte, error) {
		cmd := exec.Command(binary, "studio", "credentials", "--domain-id", id, "--user-profile", profile)
		cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+s.Endpoint, "AWS_REGION=us-east-1",
			"AWS_ACCESS_KEY_ID="+samCreds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+samCreds.SecretAccessKey, "AWS_SESSION_TOKEN=")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%v: %s", err, stderr.String())
		}
		return b, nil
	}
	if _, err := run("bob"); err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Errorf("credentials for a profile sam may not open: %v", err)
	}
	b, err := run("alice")
	if err != nil {
		t.Fatal(err)
	}
	var cp struct {
		Version                                                int
		AccessKeyId, SecretAccessKey, SessionToken, Expiration string
	}
	if err := json.Unmarshal(b, &cp); err != nil || cp.Version != 1 || cp.AccessKeyId == "" || cp.SessionToken == "" {
		t.Fatalf("credential_process output %s: %v", b, err)
	}
	if _, err := time.Parse(time.RFC3339, cp.Expiration); err != nil {
		t.Errorf("Expiration %q: %v", cp.Expiration, err)
	}
	studio := s.config(cp.AccessKeyId, cp.SecretAccessKey, cp.SessionToken)
	who, err := sts.NewFromConfig(studio).GetCallerIdentity(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(who.Arn); got != "arn:aws:sts::123456789012:assumed-role/studio-exec/SageMaker" {
		t.Errorf("Studio session ARN %s", got)
	}

	alice := sagemaker.NewFromConfig(studio)
	if _, err := alice.CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: aws.String("alice-nb"),
		InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role), Tags: []smtypes.Tag{{Key: aws.String("purpose"), Value: aws.String("eda")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := alice.ListTags(c, &sagemaker.ListTagsInput{ResourceArn: aws.String("arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/alice-nb")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tg := range tags.Tags {
		got[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	want := map[string]string{
		"purpose":                    "eda",
		"team":                       "ml",
		"project":                    "p1",
		"sagemaker:domain-arn":       "arn:aws:sagemaker:us-east-1:123456789012:domain/" + id,
		"sagemaker:user-profile-arn": "arn:aws:sagemaker:us-east-1:123456789012:user-profile/" + id + "/alice",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tags of a resource created in Studio (-want +got):\n%s", diff)
	}

	// The session's calls are audited with alice as source identity.
	evs, err := cloudtrail.NewFromConfig(s.root()).LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("CreateNotebookInstance")}},
	})
	if err != nil || len(evs.Events) != 1 {
		t.Fatalf("CreateNotebookInstance events: %v %v", evs, err)
	}
	var ev struct {
		UserIdentity struct {
			Arn            string `json:"arn"`
			SessionContext struct {
				SourceIdentity string `json:"sourceIdentity"`
			} `json:"sessionContext"`
		} `json:"userIdentity"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(evs.Events[0].CloudTrailEvent)), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.UserIdentity.SessionContext.SourceIdentity != "alice" || ev.UserIdentity.Arn != "arn:aws:sts::123456789012:assumed-role/studio-exec/SageMaker" {
		t.Errorf("audited identity %+v", ev.UserIdentity)
	}

	// Opening the Studio URL was audited as sam's, with the decision.
	opens, err := cloudtrail.NewFromConfig(s.root()).LookupEvents(c, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("OpenPresignedDomainUrl")}},
	})
	if err != nil || len(opens.Events) != 1 {
		t.Fatalf("OpenPresignedDomainUrl events: %+v %v", opens, err)
	}
	var open struct {
		EventSource  string `json:"eventSource"`
		ErrorCode    string `json:"errorCode"`
		UserIdentity struct {
			Arn string `json:"arn"`
		} `json:"userIdentity"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(opens.Events[0].CloudTrailEvent)), &open); err != nil {
		t.Fatal(err)
	}
	if open.EventSource != "sagemaker.amazonaws.com" || open.ErrorCode != "" || open.UserIdentity.Arn != "arn:aws:iam::123456789012:user/sam" {
		t.Errorf("open event %+v", open)
	}

	// The command works as a credential_process of an AWS CLI profile.
	t.Run("credential_process", func(t *testing.T) {
		if _, err := exec.LookPath("aws"); err != nil {
			t.Skip("the AWS CLI (aws) is not installed")
		}
		home := t.TempDir()
		cfg := filepath.Join(home, "config")
		if err := os.WriteFile(cfg, []byte("[profile studio-alice]\nregion = us-east-1\ncredential_process = "+binary+" studio credentials --domain-id "+id+" --user-profile alice\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("aws", "sts", "get-caller-identity", "--profile", "studio-alice", "--query", "Arn", "--output", "text")
		cmd.Env = append(cleanAWSEnv(os.Environ()), "HOME="+home, "AWS_CONFIG_FILE="+cfg, "AWS_ENDPOINT_URL="+s.Endpoint,
			"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID="+samCreds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+samCreds.SecretAccessKey)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "arn:aws:sts::123456789012:assumed-role/studio-exec/SageMaker" {
			t.Errorf("aws sts get-caller-identity --profile studio-alice: %v\n%s", err, out)
		}
	})

	// SageMaker requests of the session carry sagemaker:UserProfileName: the
	// Describe statement above applies only through it.
	if _, err := alice.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("alice-nb")}); err != nil {
		t.Errorf("a statement conditioned on sagemaker:UserProfileName=alice does not apply to alice's Studio session: %v", err)
	}
	// Another Studio user's session does not match alice's condition.
	smProfile(t, sm, id, "bob")
	if _, err := admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("sam"), PolicyName: aws.String("studio"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:CreatePresignedDomainUrl","Resource":"arn:aws:sagemaker:*:*:user-profile/` + id + `/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	b, err = run("bob")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatal(err)
	}
	bob := sagemaker.NewFromConfig(s.config(cp.AccessKeyId, cp.SecretAccessKey, cp.SessionToken))
	if _, err := bob.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("alice-nb")}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("bob's Studio session passed alice's sagemaker:UserProfileName condition: %v", err)
	}
}

// TestNotebookConditionKeys: every request-derived condition key the
// Service Authorization Reference lists for CreateNotebookInstance is
// populated, tested with one policy per key
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerai.html;
// multivalued keys with ForAllValues and a Null check, as
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// advises).
func TestNotebookConditionKeys(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", "-1s")
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	role := smExecRole(t, admin, "nb-exec")
	const pass = `{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}`
	base := func(name string) *sagemaker.CreateNotebookInstanceInput {
		return &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: aws.String(name), InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role)}
	}
	tests := []struct {
		key       string
		condition string // the Condition block of the Allow on CreateNotebookInstance (and AddTags)
		good, bad func(in *sagemaker.CreateNotebookInstanceInput)
	}{
		{"sagemaker:InstanceTypes", `{"ForAllValues:StringLike":{"sagemaker:InstanceTypes":["ml.t3.*"]},"Null":{"sagemaker:InstanceTypes":"false"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) {},
			func(in *sagemaker.CreateNotebookInstanceInput) { in.InstanceType = smtypes.InstanceTypeMlM5Xlarge }},
		{"sagemaker:RootAccess", `{"StringEquals":{"sagemaker:RootAccess":"Disabled"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) { in.RootAccess = smtypes.RootAccessDisabled },
			func(in *sagemaker.CreateNotebookInstanceInput) {}},
		{"sagemaker:DirectInternetAccess", `{"StringEquals":{"sagemaker:DirectInternetAccess":"Disabled"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.DirectInternetAccess, in.SubnetId, in.SecurityGroupIds = smtypes.DirectInternetAccessDisabled, aws.String("subnet-a"), []string{"sg-a"}
			},
			func(in *sagemaker.CreateNotebookInstanceInput) {}},
		{"sagemaker:VpcSubnets", `{"ForAllValues:StringEquals":{"sagemaker:VpcSubnets":["subnet-a"]},"Null":{"sagemaker:VpcSubnets":"false"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.SubnetId, in.SecurityGroupIds = aws.String("subnet-a"), []string{"sg-a"}
			},
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.SubnetId, in.SecurityGroupIds = aws.String("subnet-b"), []string{"sg-a"}
			}},
		{"sagemaker:VpcSecurityGroupIds", `{"ForAllValues:StringEquals":{"sagemaker:VpcSecurityGroupIds":["sg-a"]},"Null":{"sagemaker:VpcSecurityGroupIds":"false"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.SubnetId, in.SecurityGroupIds = aws.String("subnet-a"), []string{"sg-a"}
			},
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.SubnetId, in.SecurityGroupIds = aws.String("subnet-a"), []string{"sg-a", "sg-b"}
			}},
		{"sagemaker:VolumeKmsKeyArn", `{"ArnLike":{"sagemaker:VolumeKmsKeyArn":"arn:aws:kms:*:123456789012:key/approved"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.KmsKeyId = aws.String("arn:aws:kms:us-east-1:123456789012:key/approved")
			},
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.KmsKeyId = aws.String("arn:aws:kms:us-east-1:123456789012:key/other")
			}},
		{"sagemaker:NotebookInstanceLifecycleConfigArns", `{"ArnLike":{"sagemaker:NotebookInstanceLifecycleConfigArns":"arn:aws:sagemaker:*:*:notebook-instance-lifecycle-config/approved"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) { in.LifecycleConfigName = aws.String("approved") },
			func(in *sagemaker.CreateNotebookInstanceInput) { in.LifecycleConfigName = aws.String("other") }},
		{"sagemaker:AcceleratorTypes", `{"ForAllValues:StringEquals":{"sagemaker:AcceleratorTypes":["ml.eia2.medium"]},"Null":{"sagemaker:AcceleratorTypes":"false"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.AcceleratorTypes = []smtypes.NotebookInstanceAcceleratorType{smtypes.NotebookInstanceAcceleratorTypeMlEia2Medium}
			},
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.AcceleratorTypes = []smtypes.NotebookInstanceAcceleratorType{smtypes.NotebookInstanceAcceleratorTypeMlEia2Large}
			}},
		{"sagemaker:MinimumInstanceMetadataServiceVersion", `{"StringEquals":{"sagemaker:MinimumInstanceMetadataServiceVersion":"2"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.InstanceMetadataServiceConfiguration = &smtypes.InstanceMetadataServiceConfiguration{MinimumInstanceMetadataServiceVersion: aws.String("2")}
			},
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.InstanceMetadataServiceConfiguration = &smtypes.InstanceMetadataServiceConfiguration{MinimumInstanceMetadataServiceVersion: aws.String("1")}
			}},
		{"aws:RequestTag/team", `{"StringEquals":{"aws:RequestTag/team":"ml"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.Tags = []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}}
			},
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.Tags = []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}}
			}},
		{"aws:TagKeys", `{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]},"Null":{"aws:TagKeys":"false"}}`,
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.Tags = []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}}
			},
			func(in *sagemaker.CreateNotebookInstanceInput) {
				in.Tags = []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}, {Key: aws.String("cost"), Value: aws.String("x")}}
			}},
	}
	for i, tt := range tests {
		user := fmt.Sprintf("key%d", i)
		cfg := smUser(t, s, admin, user)
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:CreateNotebookInstance","sagemaker:AddTags"],"Resource":"*","Condition":` + tt.condition + `},` + pass + `]}`
		if _, err := admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("k"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatalf("%s: %v", tt.key, err)
		}
		sm := sagemaker.NewFromConfig(cfg)
		good := base(user + "-good")
		tt.good(good)
		if _, err := sm.CreateNotebookInstance(c, good); err != nil {
			t.Errorf("%s: the request that satisfies the condition failed: %v", tt.key, err)
		}
		bad := base(user + "-bad")
		tt.bad(bad)
		if _, err := sm.CreateNotebookInstance(c, bad); apiCode(err) != "AccessDeniedException" {
			t.Errorf("%s: the request that fails the condition: %v, want AccessDeniedException", tt.key, err)
		}
	}
}

// TestNotebookTagsAndResourceConditions: tags on create are authorized as
// sagemaker:AddTags on the new resource; the reserved aws: prefix is
// refused; iam:PassRole is checked with iam:PassedToService;
// sagemaker:ResourceTag/* and aws:ResourceTag/* decide resource actions and
// are absent from List* (https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html:
// tag-based policies do not restrict List calls).
func TestNotebookTagsAndResourceConditions(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", "-1s")
	c := ctx(t)
	admin := iam.NewFromConfig(s.root())
	role := smExecRole(t, admin, "nb-exec")
	root := sagemaker.NewFromConfig(s.root())
	put := func(user, doc string) *sagemaker.Client {
		cfg := smUser(t, s, admin, user)
		if _, err := admin.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
		return sagemaker.NewFromConfig(cfg)
	}
	create := func(sm *sagemaker.Client, name string, tags ...smtypes.Tag) error {
		_, err := sm.CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: aws.String(name),
			InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role), Tags: tags})
		return err
	}
	team := smtypes.Tag{Key: aws.String("team"), Value: aws.String("ml")}

	// Create allowed, AddTags not: creating with tags is denied as AddTags.
	noTags := put("notags", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:CreateNotebookInstance","iam:PassRole"],"Resource":"*"}]}`)
	err := create(noTags, "tagged", team)
	if want := "User: arn:aws:iam::123456789012:user/notags is not authorized to perform: sagemaker:AddTags on resource: arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/tagged because no identity-based policy allows the sagemaker:AddTags action"; smMessage(err) != want {
		t.Errorf("create with tags without AddTags: %v", err)
	}
	if err := create(noTags, "untagged"); err != nil {
		t.Errorf("create without tags: %v", err)
	}
	// No iam:PassRole, or PassRole for another service: denied.
	noPass := put("nopass", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:CreateNotebookInstance","Resource":"*"},
 {"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}`)
	err = create(noPass, "nopass-nb")
	if want := "User: arn:aws:iam::123456789012:user/nopass is not authorized to perform: iam:PassRole on resource: " + role + " because no identity-based policy allows the iam:PassRole action"; smMessage(err) != want {
		t.Errorf("create without iam:PassRole to SageMaker: %v", err)
	}
	// The aws: prefix is reserved.
	if err := create(root, "awstag", smtypes.Tag{Key: aws.String("aws:team"), Value: aws.String("x")}); apiCode(err) != "ValidationException" {
		t.Errorf("create with an aws: tag: %v", err)
	}
	if err := create(root, "team-nb", team); err != nil {
		t.Fatal(err)
	}
	if err := create(root, "other-nb", smtypes.Tag{Key: aws.String("team"), Value: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	const teamARN = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/team-nb"
	if _, err := root.AddTags(c, &sagemaker.AddTagsInput{ResourceArn: aws.String(teamARN),
		Tags: []smtypes.Tag{{Key: aws.String("AWS:x"), Value: aws.String("y")}}}); apiCode(err) != "ValidationException" {
		t.Errorf("AddTags with an AWS: key: %v", err)
	}

	for _, prefix := range []string{"sagemaker:ResourceTag/", "aws:ResourceTag/"} {
		user := "rt" + strings.TrimSuffix(strings.Split(prefix, ":")[0], "")
		sm := put(user, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:DescribeNotebookInstance","sagemaker:StopNotebookInstance","sagemaker:ListNotebookInstances"],"Resource":"*","Condition":{"StringEquals":{"`+prefix+`team":"ml"}}}]}`)
		if _, err := sm.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("team-nb")}); err != nil {
			t.Errorf("%s: describe of a matching instance: %v", prefix, err)
		}
		if _, err := sm.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("other-nb")}); apiCode(err) != "AccessDeniedException" {
			t.Errorf("%s: describe of another team's instance: %v", prefix, err)
		}
		if _, err := sm.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("other-nb")}); apiCode(err) != "AccessDeniedException" {
			t.Errorf("%s: stop of another team's instance: %v", prefix, err)
		}
		// List has no resource: its request carries no resource tags, so a
		// tag condition cannot be met there.
		if _, err := sm.ListNotebookInstances(c, &sagemaker.ListNotebookInstancesInput{}); apiCode(err) != "AccessDeniedException" {
			t.Errorf("%s: list under a resource-tag condition: %v", prefix, err)
		}
	}
	// Retagging changes the decision on the next request.
	sm := put("retag", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:DescribeNotebookInstance","Resource":"*","Condition":{"StringEquals":{"sagemaker:ResourceTag/team":"ml"}}}]}`)
	if _, err := root.AddTags(c, &sagemaker.AddTagsInput{ResourceArn: aws.String("arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/other-nb"), Tags: []smtypes.Tag{team}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("other-nb")}); err != nil {
		t.Errorf("describe after retagging: %v", err)
	}
	if _, err := root.DeleteTags(c, &sagemaker.DeleteTagsInput{ResourceArn: aws.String("arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/other-nb"), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.DescribeNotebookInstance(c, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("other-nb")}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("describe after the tag was deleted: %v", err)
	}
	lt, err := root.ListTags(c, &sagemaker.ListTagsInput{ResourceArn: aws.String(teamARN)})
	if err != nil || len(lt.Tags) != 1 || aws.ToString(lt.Tags[0].Key) != "team" {
		t.Errorf("ListTags: %+v %v", lt, err)
	}
}

// TestListNotebookInstances: name, status and time filters, sorting and
// NextToken paging.
func TestListNotebookInstances(t *testing.T) {
	t.Parallel()
	s := start(t, "--sagemaker-delay", "-1s")
	c := ctx(t)
	role := smExecRole(t, iam.NewFromConfig(s.root()), "nb-exec")
	sm := sagemaker.NewFromConfig(s.root())
	names := []string{"delta", "Alpha", "charlie", "bravo-x", "echo-x"}
	var mid time.Time
	for i, n := range names {
		if i == 3 {
			time.Sleep(10 * time.Millisecond)
			mid = time.Now()
			time.Sleep(10 * time.Millisecond)
		}
		// Creation times have millisecond precision: two creates in the
		// same millisecond tie, and a tie sorts by name.
		time.Sleep(2 * time.Millisecond)
		if _, err := sm.CreateNotebookInstance(c, &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: aws.String(n),
			InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sm.StopNotebookInstance(c, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String("charlie")}); err != nil {
		t.Fatal(err)
	}
	list := func(in sagemaker.ListNotebookInstancesInput) []string {
		t.Helper()
		var out []string
		p := sagemaker.NewListNotebookInstancesPaginator(sm, &in)
		for p.HasMorePages() {
			page, err := p.NextPage(c)
			if err != nil {
				t.Fatal(err)
			}
			if in.MaxResults != nil && len(page.NotebookInstances) > int(*in.MaxResults) {
				t.Fatalf("page of %d > MaxResults", len(page.NotebookInstances))
			}
			for _, nb := range page.NotebookInstances {
				out = append(out, aws.ToString(nb.NotebookInstanceName))
			}
		}
		return out
	}
	tests := []struct {
		name string
		in   sagemaker.ListNotebookInstancesInput
		want []string
	}{
		{"by name, paged by 2", sagemaker.ListNotebookInstancesInput{MaxResults: aws.Int32(2)}, []string{"Alpha", "bravo-x", "charlie", "delta", "echo-x"}},
		{"descending", sagemaker.ListNotebookInstancesInput{SortOrder: smtypes.NotebookInstanceSortOrderDescending}, []string{"echo-x", "delta", "charlie", "bravo-x", "Alpha"}},
		{"by creation time", sagemaker.ListNotebookInstancesInput{SortBy: smtypes.NotebookInstanceSortKeyCreationTime}, names},
		{"name contains", sagemaker.ListNotebookInstancesInput{NameContains: aws.String("-X")}, []string{"bravo-x", "echo-x"}},
		{"status", sagemaker.ListNotebookInstancesInput{StatusEquals: smtypes.NotebookInstanceStatusStopped}, []string{"charlie"}},
		{"created after", sagemaker.ListNotebookInstancesInput{CreationTimeAfter: aws.Time(mid)}, []string{"bravo-x", "echo-x"}},
		{"created before", sagemaker.ListNotebookInstancesInput{CreationTimeBefore: aws.Time(mid)}, []string{"Alpha", "charlie", "delta"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, list(tt.in)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if _, err := sm.ListNotebookInstances(c, &sagemaker.ListNotebookInstancesInput{NextToken: aws.String("bogus")}); apiCode(err) != "ValidationException" {
		t.Errorf("foreign NextToken: %v", err)
	}
}

// TestTerraformSageMaker applies examples/terraform/sagemaker (IAM group,
// policy, users, role, notebook instance, Studio domain and user profile),
// plans clean and destroys.
func TestTerraformSageMaker(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow external-tool walkthrough; skipped with -short")
	}
	s := start(t, "--sagemaker-delay", "-1s")
	terraform(t, s, "sagemaker")
}

// TestBoto3Setup1Notebooks runs examples/boto3/setup1_notebooks.py: setup 1
// end to end with boto3.
func TestBoto3Setup1Notebooks(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow external-tool walkthrough; skipped with -short")
	}
	s := start(t, "--sagemaker-delay", smDelay)
	out := runBoto3Example(t, s, "setup1_notebooks.py")
	if !strings.Contains(out, "setup 1 notebook checks passed") {
		t.Fatalf("unexpected output:\n%s", out)
	}
}

// TestCLISetup1 runs the AWS CLI walkthrough examples/cli/setup1.sh.
func TestCLISetup1(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow external-tool walkthrough; skipped with -short")
	}
	for _, tool := range []string{"aws", "bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed; skipping the AWS CLI walkthrough", tool)
		}
	}
	// Immediate transitions: every AWS CLI call costs a Python start-up.
	s := start(t, "--sagemaker-delay", "-1s")
	script, err := filepath.Abs(filepath.Join("..", "..", "examples", "cli", "setup1.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Env = append(cleanAWSEnv(os.Environ()), "HOME="+t.TempDir(),
		"AWS_ENDPOINT_URL="+s.Endpoint, "AWS_ACCESS_KEY_ID="+rootKeyID, "AWS_SECRET_ACCESS_KEY="+rootSecret,
		"AWS_DEFAULT_REGION="+region, "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "setup 1 CLI walkthrough passed") {
		t.Fatalf("setup1.sh: %v\n%s\nserver log:\n%s", err, out, tail(s.Log(), 30))
	}
}

// TestCLIStudio runs the AWS CLI Studio walkthrough examples/cli/studio.sh
// (domain with source identity, profiles, `abacus studio credentials` as a
// credential_process, automatic tags, per-user access, audit).
func TestCLIStudio(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow external-tool walkthrough; skipped with -short")
	}
	for _, tool := range []string{"aws", "bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed; skipping the AWS CLI walkthrough", tool)
		}
	}
	s := start(t, "--sagemaker-delay", "-1s")
	script, err := filepath.Abs(filepath.Join("..", "..", "examples", "cli", "studio.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Env = append(cleanAWSEnv(os.Environ()), "HOME="+t.TempDir(), "ABACUS="+binary,
		"AWS_ENDPOINT_URL="+s.Endpoint, "AWS_ACCESS_KEY_ID="+rootKeyID, "AWS_SECRET_ACCESS_KEY="+rootSecret,
		"AWS_DEFAULT_REGION="+region, "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Studio CLI walkthrough passed") {
		t.Fatalf("studio.sh: %v\n%s\nserver log:\n%s", err, out, tail(s.Log(), 30))
	}
}
