package route_test

import (
	"net/http/httptest"
	"testing"

	"abacus/internal/protocol/route"
)

func BenchmarkIdentify(b *testing.B) {
	rt := route.New(route.Options{})
	query := httptest.NewRequest("POST", "/", nil)
	sign(query, "iam")
	query.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	queryBody := []byte("Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=x")
	jsonReq := httptest.NewRequest("POST", "/", nil)
	sign(jsonReq, "sagemaker")
	jsonReq.Header.Set("X-Amz-Target", "SageMaker.DescribeNotebookInstance")
	s3Req := httptest.NewRequest("PUT", "/bucket/my_domain/users/alice/file.txt?tagging", nil)
	sign(s3Req, "s3")
	b.Run("query", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rt2, err := rt.Identify(query, queryBody); err != nil || rt2.Operation == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rt2, err := rt.Identify(jsonReq, nil); err != nil || rt2.Operation == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("s3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rt2, err := rt.Identify(s3Req, nil); err != nil || rt2.Operation == nil {
				b.Fatal(err)
			}
		}
	})
}
