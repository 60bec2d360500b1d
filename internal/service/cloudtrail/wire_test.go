package cloudtrail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/audit"
	"abacus/internal/audit/audittest"
	"abacus/internal/model"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsjson"
	"abacus/internal/protocol/shapecheck"
	"abacus/internal/service/cloudtrail"
)

func TestShapecheck(t *testing.T) {
	t.Parallel()
	shapecheck.Check(t, "cloudtrail", "LookupEvents", &cloudtrail.LookupEventsInput{}, &cloudtrail.LookupEventsOutput{}, shapecheck.Required())
}

// jsonHandler serves LookupEvents over JSON 1.1 the way the server routes
// it: by X-Amz-Target through the protocol table, awsjson codecs.
func jsonHandler(t *testing.T, svc *cloudtrail.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		i := strings.LastIndexByte(target, '.')
		meta, ok := protocol.ServiceByTargetPrefix(target[:max(i, 0)])
		if !ok || meta.Name != "cloudtrail" || target[i+1:] != "LookupEvents" {
			awsjson.WriteError(w, "1.1", "rid", awsjson.UnknownOperation(target))
			return
		}
		body, aerr := protocol.ReadBody(r, 0)
		if aerr != nil {
			awsjson.WriteError(w, meta.JSONVersion, "rid", aerr)
			return
		}
		var in cloudtrail.LookupEventsInput
		if aerr := awsjson.Decode(body, &in); aerr != nil {
			awsjson.WriteError(w, meta.JSONVersion, "rid", aerr)
			return
		}
		out, err := svc.LookupEvents(r.Context(), acct, &in)
		if err != nil {
			awsjson.WriteError(w, meta.JSONVersion, "rid", apierr.From(err))
			return
		}
		if err := awsjson.WriteResponse(w, meta.JSONVersion, "rid", out); err != nil {
			t.Error(err)
		}
	})
}

// awsCLI runs the AWS CLI against url, skipping when it is not installed.
func awsCLI(t *testing.T, url string, args ...string) (string, string, error) {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("the AWS CLI (aws) is not installed; this test drives it against LookupEvents")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--endpoint-url", url, "--region", "us-east-1", "--output", "json"}, args...)...)
	home := t.TempDir()
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID=AKIATESTTESTTESTTEST", "AWS_SECRET_ACCESS_KEY=secret", "AWS_SESSION_TOKEN=",
		"AWS_CONFIG_FILE="+home+"/config", "AWS_SHARED_CREDENTIALS_FILE="+home+"/credentials",
		"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1", "HOME="+home)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	return stdout.String(), stderr.String(), err
}

// TestAWSCLILookupEvents drives `aws cloudtrail lookup-events` (botocore's
// full target prefix, its JSON parser and its paginator) against the
// service.
func TestAWSCLILookupEvents(t *testing.T) {
	t.Parallel()
	mem, evs := seed(t)
	srv := httptest.NewServer(jsonHandler(t, cloudtrail.New(mem)))
	defer srv.Close()

	t.Run("paginated lookup by user", func(t *testing.T) {
		stdout, stderr, err := awsCLI(t, srv.URL, "cloudtrail", "lookup-events",
			"--lookup-attributes", "AttributeKey=Username,AttributeValue=alice", "--page-size", "2")
		if err != nil {
			t.Fatalf("aws: %v\n%s", err, stderr)
		}
		var out struct {
			Events []struct {
				EventId, EventName, ReadOnly, Username, CloudTrailEvent string
				// AWS CLI v1 prints the wire's epoch seconds, v2 ISO 8601.
				EventTime any
			}
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%v in %s", err, stdout)
		}
		var got []string
		for _, e := range out.Events {
			got = append(got, e.EventName)
			var ev audit.Event
			if err := json.Unmarshal([]byte(e.CloudTrailEvent), &ev); err != nil {
				t.Errorf("CloudTrailEvent of %s: %v", e.EventId, err)
			}
			if ev.EventID != e.EventId || e.Username != "alice" {
				t.Errorf("event %+v disagrees with its record %s", e, e.CloudTrailEvent)
			}
			switch tm := e.EventTime.(type) {
			case float64:
				if got := time.Unix(int64(tm), 0).UTC(); !got.Equal(ev.EventTime) {
					t.Errorf("EventTime %v, want %v", got, ev.EventTime)
				}
			case string:
				if got, err := time.Parse(time.RFC3339, tm); err != nil || !got.Equal(ev.EventTime) {
					t.Errorf("EventTime %q, want %v", tm, ev.EventTime)
				}
			default:
				t.Errorf("EventTime %v (%T)", tm, tm)
			}
		}
		// Three events over two pages of two, newest first.
		if diff := cmp.Diff([]string{"DeleteRole", "CreateRole", "GetRole"}, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if out.Events[0].EventId != evs[4].EventID || out.Events[0].ReadOnly != "false" {
			t.Errorf("first event %+v, want DeleteRole %s read-only false", out.Events[0], evs[4].EventID)
		}
	})
	t.Run("two lookup attributes", func(t *testing.T) {
		_, stderr, err := awsCLI(t, srv.URL, "cloudtrail", "lookup-events", "--lookup-attributes",
			"AttributeKey=Username,AttributeValue=alice", "AttributeKey=EventName,AttributeValue=GetRole")
		if err == nil {
			t.Fatal("aws succeeded with two lookup attributes")
		}
		if !strings.Contains(stderr, "(InvalidLookupAttributesException)") {
			t.Errorf("stderr %q lacks InvalidLookupAttributesException", stderr)
		}
	})
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestLookupEventsWireGolden pins the JSON 1.1 body of LookupEvents
// responses: Events always present (also when empty), NextToken only when
// more follow, EventTime as epoch seconds, CloudTrailEvent as a string.
func TestLookupEventsWireGolden(t *testing.T) {
	t.Parallel()
	ev := audit.Event{
		EventVersion: audit.EventVersion, EventTime: base, EventSource: "iam.amazonaws.com", EventName: "CreateRole",
		UserIdentity: audit.UserIdentity{Type: "IAMUser", UserName: "alice", AccessKeyID: "AKIAALICE"},
		EventID:      "3f1c7f53-0d2e-4c4a-9a53-1d9b1c1e0a01", RecipientAccountID: string(acct),
		Resources: []audit.Resource{{ARN: "arn:aws:iam::123456789012:role/R", Type: "AWS::IAM::Role"}},
	}
	rec, err := ev.Record()
	if err != nil {
		t.Fatal(err)
	}
	mem := audittest.NewMemory()
	if err := mem.AppendAuditEvents(context.Background(), []model.AuditRecord{rec, func() model.AuditRecord {
		r := rec
		r.EventID = "3f1c7f53-0d2e-4c4a-9a53-1d9b1c1e0a00"
		return r
	}()}); err != nil {
		t.Fatal(err)
	}
	svc := cloudtrail.New(mem)
	tests := []struct {
		name string
		in   cloudtrail.LookupEventsInput
	}{
		{"LookupEvents_page", cloudtrail.LookupEventsInput{MaxResults: ptr(int32(1))}},
		{"LookupEvents_empty", cloudtrail.LookupEventsInput{LookupAttributes: []cloudtrail.LookupAttribute{{AttributeKey: "Username", AttributeValue: "nobody"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := svc.LookupEvents(context.Background(), acct, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			body, err := awsjson.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			path := filepath.Join("testdata", tt.name+".json")
			if *update {
				if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), pretty.String()); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}
