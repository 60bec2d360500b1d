package sagemaker_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/sagemaker"
)

// token returns the authToken and page of a presigned URL.
func token(t *testing.T, u string) (page, tok string) {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(p.Path, "/_abacus/"), p.Query().Get("authToken")
}

// TestPresignedNotebookURL: the URL is built on the request's endpoint,
// opens once within 5 minutes, and its session lasts
// SessionExpirationDurationInSeconds; altered tokens and pages are refused.
func TestPresignedNotebookURL(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := sagemaker.WithEndpoint(context.Background(), "http://127.0.0.1:9999")
	if _, err := f.svc.CreateNotebookInstance(ctx, at(0), &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "MyNB", InstanceType: "ml.t3.medium", RoleArn: role}); err != nil {
		t.Fatal(err)
	}
	presign := func(d time.Duration) string {
		out, err := f.svc.CreatePresignedNotebookInstanceUrl(ctx, at(d), &sagemaker.CreatePresignedNotebookInstanceUrlInput{
			NotebookInstanceName: "MyNB", SessionExpirationDurationInSeconds: new(int32(1800))})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.AuthorizedUrl, "http://127.0.0.1:9999/_abacus/notebook/mynb?authToken=") {
			t.Fatalf("AuthorizedUrl %s", out.AuthorizedUrl)
		}
		return out.AuthorizedUrl
	}
	page, tok := token(t, presign(delay))
	if page != "notebook/mynb" {
		t.Fatalf("page %s", page)
	}
	tests := []struct {
		name       string
		page, tok  string
		at         time.Duration
		peekOnly   bool
		wantErr    error
		wantStatus string
	}{
		{"another page", "notebook/other", tok, delay, false, sagemaker.ErrURLInvalid, ""},
		{"altered token", page, tok + "A", delay, false, sagemaker.ErrURLInvalid, ""},
		{"peek just before expiry", page, tok, delay + 5*time.Minute - time.Millisecond, true, nil, "InService"},
		{"at expiry", page, tok, delay + 5*time.Minute, false, sagemaker.ErrURLExpired, ""},
		{"open in time", page, tok, delay + time.Minute, false, nil, "InService"},
		{"reuse", page, tok, delay + time.Minute, false, sagemaker.ErrURLUsed, ""},
	}
	var cookie string
	opened := t0.Add(delay + time.Minute)
	for _, tt := range tests {
		var l sagemaker.Landing
		var err error
		if tt.peekOnly {
			l, err = f.svc.PeekLanding(ctx, acct, tt.page, tt.tok, t0.Add(tt.at))
		} else {
			l, err = f.svc.OpenLanding(ctx, acct, tt.page, tt.tok, t0.Add(tt.at))
		}
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.wantErr)
			continue
		}
		if err == nil {
			if l.Status != tt.wantStatus || l.CreatorARN != rootPrincipal.ARN || l.CreatorKeyID != "AKIAROOT" ||
				l.Action != "sagemaker:CreatePresignedNotebookInstanceUrl" || l.ResourceARN != "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/mynb" {
				t.Errorf("%s: landing %+v", tt.name, l)
			}
			if !tt.peekOnly {
				cookie = l.Cookie
				if !l.SessionExpires.Equal(opened.Add(1800 * time.Second)) {
					t.Errorf("session expires %s", l.SessionExpires)
				}
			}
		}
	}
	if cookie == "" {
		t.Fatal("no session")
	}
	if _, err := f.svc.LandingSession(ctx, acct, page, cookie, opened.Add(1799*time.Second)); err != nil {
		t.Errorf("session before its end: %v", err)
	}
	if _, err := f.svc.LandingSession(ctx, acct, page, cookie, opened.Add(1800*time.Second)); !errors.Is(err, sagemaker.ErrSessionExpired) {
		t.Errorf("session at its end: %v", err)
	}
	if _, err := f.svc.LandingSession(ctx, acct, "notebook/other", cookie, opened); !errors.Is(err, sagemaker.ErrSessionInvalid) {
		t.Errorf("session on another page: %v", err)
	}
	if _, err := f.svc.LandingSession(ctx, acct, page, "", opened); !errors.Is(err, sagemaker.ErrSessionInvalid) {
		t.Errorf("no cookie: %v", err)
	}
}

// studioFixture creates a domain (identity config as given) with a default
// execution role, a profile "alice" without settings and a profile "bob"
// with his own execution role, all InService at t0+delay.
func studioFixture(t *testing.T, identity string) (*fixture, string) {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	c := at(0)
	c.RequestID = "create-domain-" + identity
	out, err := f.svc.CreateDomain(ctx, c, &sagemaker.CreateDomainInput{DomainName: "d", AuthMode: "IAM",
		DefaultUserSettings: map[string]any{"ExecutionRole": "arn:aws:iam::123456789012:role/domain-exec"},
		DomainSettings:      map[string]any{"ExecutionRoleIdentityConfig": identity},
		TagPropagation:      str("ENABLED"), Tags: []sagemaker.Tag{{Key: "team", Value: "ml"}, {Key: "sagemaker:system", Value: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := out.DomainId
	if _, err := f.svc.CreateUserProfile(ctx, at(delay), &sagemaker.CreateUserProfileInput{DomainId: id, UserProfileName: "alice",
		Tags: []sagemaker.Tag{{Key: "project", Value: "p1"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateUserProfile(ctx, at(delay), &sagemaker.CreateUserProfileInput{DomainId: id, UserProfileName: "bob",
		UserSettings: map[string]any{"ExecutionRole": "arn:aws:iam::123456789012:role/bob-exec"}}); err != nil {
		t.Fatal(err)
	}
	return f, id
}

// TestStudioSessions: the Studio session SageMaker asks STS for, per
// profile and identity config
// (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access.html).
func TestStudioSessions(t *testing.T) {
	t.Parallel()
	for _, identity := range []string{"USER_PROFILE_NAME", "DISABLED"} {
		f, id := studioFixture(t, identity)
		ctx := context.Background()
		for _, profile := range []string{"alice", "bob"} {
			out, err := f.svc.CreatePresignedDomainUrl(ctx, at(2*delay), &sagemaker.CreatePresignedDomainUrlInput{DomainId: id, UserProfileName: profile,
				ExpiresInSeconds: new(int32(5)), SessionExpirationDurationInSeconds: new(int32(1800))})
			if err != nil {
				t.Fatal(err)
			}
			page, tok := token(t, out.AuthorizedUrl)
			if _, err := f.svc.OpenLanding(ctx, acct, page, tok, t0.Add(2*delay+5*time.Second)); !errors.Is(err, sagemaker.ErrURLExpired) {
				t.Errorf("open after ExpiresInSeconds: %v", err)
			}
			out, _ = f.svc.CreatePresignedDomainUrl(ctx, at(2*delay), &sagemaker.CreatePresignedDomainUrlInput{DomainId: id, UserProfileName: profile,
				SessionExpirationDurationInSeconds: new(int32(1800))})
			page, tok = token(t, out.AuthorizedUrl)
			l, err := f.svc.OpenLanding(ctx, acct, page, tok, t0.Add(2*delay+time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.StudioCredentials(ctx, acct, page, l.Cookie, t0.Add(2*delay+time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		want := []sagemaker.RoleSessionRequest{
			{RoleARN: "arn:aws:iam::123456789012:role/domain-exec", SessionName: "SageMaker",
				ContextKeys: map[string][]string{"sagemaker:DomainId": {id}, "sagemaker:UserProfileName": {"alice"}}, Duration: 30 * time.Minute, Region: "us-east-1"},
			{RoleARN: "arn:aws:iam::123456789012:role/bob-exec", SessionName: "SageMaker",
				ContextKeys: map[string][]string{"sagemaker:DomainId": {id}, "sagemaker:UserProfileName": {"bob"}}, Duration: 30 * time.Minute, Region: "us-east-1"},
		}
		if identity == "USER_PROFILE_NAME" {
			want[0].SourceIdentity, want[1].SourceIdentity = "alice", "bob"
		}
		if diff := cmp.Diff(want, f.roles.got); diff != "" {
			t.Errorf("%s: sessions asked for (-want +got):\n%s", identity, diff)
		}
	}
}

// TestStudioTags: a resource created with a Studio session's credentials
// gets sagemaker:domain-arn and sagemaker:user-profile-arn and, with
// TagPropagation, the user-defined tags of domain and profile (not their
// system tags); they are part of the request's tag keys and authorized as
// AddTags (https://docs.aws.amazon.com/sagemaker/latest/dg/domain-multiple.html).
func TestStudioTags(t *testing.T) {
	t.Parallel()
	f, id := studioFixture(t, "USER_PROFILE_NAME")
	ctx := context.Background()
	c := at(2 * delay)
	c.Principal = &model.Principal{Type: model.PrincipalAssumedRole, AccountID: acct, ARN: "arn:aws:sts::123456789012:assumed-role/domain-exec/SageMaker",
		AccessKeyID: "ASIASTUDIO", Temporary: true, Session: &model.RoleSession{RoleName: "domain-exec", Name: "SageMaker", SourceIdentity: "alice",
			ContextKeys: map[string][]string{"sagemaker:DomainId": {id}, "sagemaker:UserProfileName": {"alice"}}}}
	in := &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "studio-nb", InstanceType: "ml.t3.medium", RoleArn: role,
		Tags: []sagemaker.Tag{{Key: "purpose", Value: "eda"}, {Key: "sagemaker:user-profile-arn", Value: "spoofed"}}}
	e, _ := f.reg.Lookup("sagemaker", "CreateNotebookInstance")
	checks, err := e.Authorize(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	domainARN := "arn:aws:sagemaker:us-east-1:123456789012:domain/" + id
	profileARN := "arn:aws:sagemaker:us-east-1:123456789012:user-profile/" + id + "/alice"
	wantKeys := []string{"purpose", "sagemaker:user-profile-arn", "team", "project", "sagemaker:domain-arn"}
	var add *op.Check
	for i := range checks {
		if checks[i].Action == "sagemaker:AddTags" {
			add = &checks[i]
		}
	}
	if add == nil || !cmp.Equal(add.Context["aws:TagKeys"], wantKeys) || add.Context["aws:RequestTag/sagemaker:user-profile-arn"][0] != profileARN {
		t.Fatalf("AddTags check %+v", add)
	}
	if _, err := f.svc.CreateNotebookInstance(ctx, c, in); err != nil {
		t.Fatal(err)
	}
	out, err := f.svc.ListTags(ctx, c, &sagemaker.ListTagsInput{ResourceArn: "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/studio-nb"})
	if err != nil {
		t.Fatal(err)
	}
	want := []sagemaker.Tag{{Key: "purpose", Value: "eda"}, {Key: "sagemaker:user-profile-arn", Value: profileARN},
		{Key: "team", Value: "ml"}, {Key: "project", Value: "p1"}, {Key: "sagemaker:domain-arn", Value: domainARN}}
	if diff := cmp.Diff(want, out.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	// The same call outside Studio gets no automatic tags.
	plain, _ := e.Authorize(ctx, at(2*delay), &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "plain", InstanceType: "ml.t3.medium", RoleArn: role})
	if len(plain) != 2 || plain[1].Action != "iam:PassRole" {
		t.Errorf("checks outside Studio: %+v", plain)
	}
}

// TestPresignedDomainURLRules: IAM auth mode only; ExpiresInSeconds 5-300.
func TestPresignedDomainURLRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	c := at(0)
	c.RequestID = "sso"
	out, err := f.svc.CreateDomain(ctx, c, &sagemaker.CreateDomainInput{DomainName: "sso", AuthMode: "SSO",
		DefaultUserSettings: map[string]any{"ExecutionRole": role}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateUserProfile(ctx, at(delay), &sagemaker.CreateUserProfileInput{DomainId: out.DomainId, UserProfileName: "u",
		SingleSignOnUserIdentifier: str("UserName"), SingleSignOnUserValue: str("u")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   sagemaker.CreatePresignedDomainUrlInput
		want string
	}{
		{"SSO domain", sagemaker.CreatePresignedDomainUrlInput{DomainId: out.DomainId, UserProfileName: "u"}, sagemaker.CodeValidation},
		{"expires too soon", sagemaker.CreatePresignedDomainUrlInput{DomainId: out.DomainId, UserProfileName: "u", ExpiresInSeconds: new(int32(4))}, sagemaker.CodeValidation},
		{"expires too late", sagemaker.CreatePresignedDomainUrlInput{DomainId: out.DomainId, UserProfileName: "u", ExpiresInSeconds: new(int32(301))}, sagemaker.CodeValidation},
		{"session too short", sagemaker.CreatePresignedDomainUrlInput{DomainId: out.DomainId, UserProfileName: "u", SessionExpirationDurationInSeconds: new(int32(1799))}, sagemaker.CodeValidation},
		{"missing profile", sagemaker.CreatePresignedDomainUrlInput{DomainId: "d-nope", UserProfileName: "u"}, sagemaker.CodeNotFound},
	}
	for _, tt := range tests {
		if _, err := f.svc.CreatePresignedDomainUrl(ctx, at(2*delay), &tt.in); code(err) != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
		}
	}
}

// TestTagsOfStudioResources: AddTags and ListTags find domains, profiles
// (whose names keep their case in ARNs) and apps by ARN.
func TestTagsOfStudioResources(t *testing.T) {
	t.Parallel()
	f, id := studioFixture(t, "DISABLED")
	ctx := context.Background()
	if _, err := f.svc.CreateUserProfile(ctx, at(delay), &sagemaker.CreateUserProfileInput{DomainId: id, UserProfileName: "Carol"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateApp(ctx, at(2*delay), &sagemaker.CreateAppInput{DomainId: id, UserProfileName: str("Carol"), AppType: "JupyterLab", AppName: "Default"}); err != nil {
		t.Fatal(err)
	}
	prefix := "arn:aws:sagemaker:us-east-1:123456789012:"
	tests := []struct {
		arn  string
		want []sagemaker.Tag // before the AddTags below
	}{
		{prefix + "domain/" + id, []sagemaker.Tag{{Key: "team", Value: "ml"}, {Key: "sagemaker:system", Value: "x"}}},
		{prefix + "user-profile/" + id + "/Carol", []sagemaker.Tag{}},
		{prefix + "app/" + id + "/Carol/jupyterlab/default", []sagemaker.Tag{{Key: "team", Value: "ml"}}},
	}
	for _, tt := range tests {
		out, err := f.svc.ListTags(ctx, at(2*delay), &sagemaker.ListTagsInput{ResourceArn: tt.arn})
		if err != nil {
			t.Errorf("ListTags %s: %v", tt.arn, err)
			continue
		}
		if diff := cmp.Diff(tt.want, out.Tags); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.arn, diff)
		}
		if _, err := f.svc.AddTags(ctx, at(2*delay), &sagemaker.AddTagsInput{ResourceArn: tt.arn, Tags: []sagemaker.Tag{{Key: "k", Value: "v"}}}); err != nil {
			t.Errorf("AddTags %s: %v", tt.arn, err)
		}
	}
	if _, err := f.svc.ListTags(ctx, at(2*delay), &sagemaker.ListTagsInput{ResourceArn: prefix + "user-profile/" + id + "/carol"}); code(err) != sagemaker.CodeValidation {
		t.Errorf("profile ARN in another case: %v", err)
	}
}

// TestPurgeLandings: URLs are forgotten an hour after they expire, landing
// sessions when they end.
func TestPurgeLandings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.CreateNotebookInstance(ctx, at(0), &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: "nb", InstanceType: "ml.t3.medium", RoleArn: role}); err != nil {
		t.Fatal(err)
	}
	var opened sagemaker.Landing
	for i := range 2 {
		out, err := f.svc.CreatePresignedNotebookInstanceUrl(ctx, at(0), &sagemaker.CreatePresignedNotebookInstanceUrlInput{NotebookInstanceName: "nb",
			SessionExpirationDurationInSeconds: new(int32(1800))})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			page, tok := token(t, out.AuthorizedUrl)
			if opened, err = f.svc.OpenLanding(ctx, acct, page, tok, t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []struct {
		at   time.Duration
		want int
	}{
		{30 * time.Minute, 0},               // nothing has ended yet
		{time.Minute + 1800*time.Second, 1}, // the session ends
		{time.Hour, 0},                      // the URLs expired at 5 min; remembered for an hour
		{5*time.Minute + time.Hour, 2},      // both URLs
	}
	for _, st := range steps {
		n, err := f.svc.PurgeLandings(ctx, acct, t0.Add(st.at))
		if err != nil || n != st.want {
			t.Errorf("purge at t0+%s: %d %v, want %d", st.at, n, err, st.want)
		}
	}
	if _, err := f.svc.LandingSession(ctx, acct, "notebook/nb", opened.Cookie, t0.Add(2*time.Minute)); err == nil {
		t.Error("the purged session still answers")
	}
}

// TestCreateDomainChecks: CreateDomain's request keys and iam:PassRole, on
// the ARN of the domain the same call then creates.
func TestCreateDomainChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	in := &sagemaker.CreateDomainInput{DomainName: "d", AuthMode: "IAM", SubnetIds: []string{"subnet-1"},
		KmsKeyId:            str("arn:aws:kms:us-east-1:123456789012:key/k"),
		DefaultUserSettings: map[string]any{"ExecutionRole": role, "KernelGatewayAppSettings": map[string]any{"DefaultResourceSpec": map[string]any{"InstanceType": "ml.t3.medium"}}},
		Tags:                []sagemaker.Tag{{Key: "team", Value: "ml"}}}
	c := at(0)
	c.RequestID = "one-request"
	e, _ := f.reg.Lookup("sagemaker", "CreateDomain")
	checks, err := e.Authorize(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.svc.CreateDomain(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []op.Check{
		{Action: "sagemaker:CreateDomain", Resource: out.DomainArn, Context: map[string][]string{
			"sagemaker:AuthMode": {"IAM"}, "sagemaker:AppNetworkAccessType": {"PublicInternetOnly"}, "sagemaker:VpcSubnets": {"subnet-1"},
			"sagemaker:VolumeKmsKeyArn": {"arn:aws:kms:us-east-1:123456789012:key/k"}, "sagemaker:InstanceTypes": {"ml.t3.medium"},
			"aws:RequestTag/team": {"ml"}, "aws:TagKeys": {"team"}}},
		{Action: "sagemaker:AddTags", Resource: out.DomainArn, Context: map[string][]string{
			"sagemaker:TaggingAction": {"CreateDomain"}, "aws:RequestTag/team": {"ml"}, "aws:TagKeys": {"team"}}},
		{Action: "iam:PassRole", Resource: role, Context: map[string][]string{"iam:PassedToService": {"sagemaker.amazonaws.com"}}},
	}
	if diff := cmp.Diff(want, checks); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
}
