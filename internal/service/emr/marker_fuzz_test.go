package emr_test

import (
	"errors"
	"testing"
	"time"

	"abacus/internal/service/emr"
)

// FuzzMarker feeds arbitrary Marker values to ListClusters and ListSteps
// and arbitrary cluster IDs to DescribeCluster: nothing panics, a foreign
// marker is InvalidRequestException, and only the real ID finds the
// cluster.
func FuzzMarker(f *testing.F) {
	fx := newFixture(f)
	out, err := fx.svc.RunJobFlow(fx.ctx, at(0), &emr.RunJobFlowInput{Name: "c",
		Instances: emr.JobFlowInstancesConfig{InstanceCount: new(int32(1)), KeepJobFlowAliveWhenNoSteps: new(true)}})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "YWJhY3VzLWVtcjox", "YWJhY3VzLWVtcjotMQ", "abacus-emr:1", out.JobFlowId, "j-", "%%%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := s
		if _, err := fx.svc.ListClusters(fx.ctx, at(time.Minute), &emr.ListClustersInput{Marker: &m}); err != nil && !errors.Is(err, emr.ErrInvalidRequest) {
			t.Fatalf("ListClusters(Marker %q): %v", s, err)
		}
		if _, err := fx.svc.ListSteps(fx.ctx, at(time.Minute), &emr.ListStepsInput{ClusterId: out.JobFlowId, Marker: &m}); err != nil && !errors.Is(err, emr.ErrInvalidRequest) {
			t.Fatalf("ListSteps(Marker %q): %v", s, err)
		}
		d, err := fx.svc.DescribeCluster(fx.ctx, at(time.Minute), &emr.ClusterIDInput{ClusterId: s})
		if (err == nil) != (s == out.JobFlowId) || (err != nil && !errors.Is(err, emr.ErrInvalidRequest)) {
			t.Fatalf("DescribeCluster(%q) = %v, %v", s, d, err)
		}
	})
}
