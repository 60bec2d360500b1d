package emr_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/protocol/awsjson"
	"abacus/internal/service/emr"
	"abacus/internal/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/wire")

// TestWire pins the JSON 1.1 encoding of representative EMR responses and
// errors to golden files in testdata/wire. Run with -update to rewrite
// them, and review the diff.
func TestWire(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := emr.New(emr.Options{Store: st, Delay: delay, Rand: bytes.NewReader(bytes.Repeat([]byte("0123456789abcdefghij"), 20))})
	run, err := svc.RunJobFlow(ctx, at(0), &emr.RunJobFlowInput{Name: "analytics", ReleaseLabel: str("emr-7.2.0"), LogUri: str("s3://logs/"),
		ServiceRole: str("EMR_DefaultRole"), JobFlowRole: str("EMR_EC2_DefaultRole"),
		Applications: []emr.Application{{Name: str("Spark")}},
		Instances:    emr.JobFlowInstancesConfig{InstanceCount: new(int32(3)), KeepJobFlowAliveWhenNoSteps: new(true), Ec2KeyName: str("key")},
		Steps:        []emr.StepConfig{step("etl")}, Tags: []emr.Tag{{Key: str("owner"), Value: str("alice")}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func() (any, error)
	}{
		{"RunJobFlow", func() (any, error) { return run, nil }},
		{"DescribeCluster", func() (any, error) {
			return svc.DescribeCluster(ctx, at(time.Hour), &emr.ClusterIDInput{ClusterId: run.JobFlowId})
		}},
		{"ListSteps", func() (any, error) {
			return svc.ListSteps(ctx, at(time.Hour), &emr.ListStepsInput{ClusterId: run.JobFlowId})
		}},
		{"ListClusters", func() (any, error) { return svc.ListClusters(ctx, at(delay/2), &emr.ListClustersInput{}) }},
		{"InvalidRequestException", func() (any, error) {
			return svc.DescribeCluster(ctx, at(0), &emr.ClusterIDInput{ClusterId: "j-NOTACLUSTER1"})
		}},
		{"ValidationException", func() (any, error) {
			return svc.TerminateJobFlows(ctx, at(0), &emr.TerminateJobFlowsInput{JobFlowIds: []string{"j-NOTACLUSTER1"}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.run()
			var body []byte
			if err != nil {
				rec := httptest.NewRecorder()
				awsjson.WriteError(rec, "1.1", "req-1", apierr.From(err, emr.MapError))
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
