package route_test

import (
	"net/http"
	"strings"
	"testing"

	"abacus/internal/protocol/route"
)

// FuzzIdentify checks that no method, path, host, target or body makes
// Identify panic, and that an identified operation always has a service.
func FuzzIdentify(f *testing.F) {
	rt := route.New(route.Options{})
	f.Add("GET", "/b/k?tagging", "localhost", "", "s3", "")
	f.Add("PUT", "/b/k?partNumber=1&uploadId=u", "b.localhost:1", "", "s3", "")
	f.Add("POST", "/", "localhost", "", "iam", "Action=CreateRole&Version=2010-05-08")
	f.Add("POST", "/", "localhost", "SageMaker.CreateDomain", "sagemaker", "{}")
	f.Add("DELETE", "/2015-02-01/file-systems/fs-1", "localhost", "", "elasticfilesystem", "")
	f.Add("GET", "//%2F/..", ".localhost", ".", "", "Action=")
	f.Fuzz(func(t *testing.T, method, path, host, target, scope, body string) {
		req, err := http.NewRequest(method, "http://localhost"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Host = host
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		if scope != "" {
			sign(req, scope)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		got, _ := rt.Identify(req, []byte(body))
		if got.Operation != nil && got.Service == nil {
			t.Fatalf("operation %s without a service", got.Operation.Name)
		}
	})
}
