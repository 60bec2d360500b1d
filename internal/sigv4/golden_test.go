package sigv4_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"abacus/internal/apierr"
	"abacus/internal/sigv4"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestCanonicalRequestGolden pins the canonical request and string to sign
// that the verifier reports when a signature does not match, for requests
// that exercise each canonicalization rule. The files are meant to be read:
// review a diff in them like code.
func TestCanonicalRequestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		proto sigv4.Protocol
		req   req
	}{
		{"iam-form-post", sigv4.ProtocolQuery, req{body: "Action=ListUsers&Version=2010-05-08",
			headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}}},
		{"sagemaker-json", sigv4.ProtocolJSON, req{service: "sagemaker", url: "http://api.sagemaker.local/a/./b//c%20d/../e",
			body:    `{"NotebookInstanceName":"nb"}`,
			headers: map[string]string{"X-Amz-Target": "SageMaker.DescribeNotebookInstance", "X-Padded": "  a   b  "}}},
		{"s3-tricky-key", sigv4.ProtocolS3, req{method: "PUT", service: "s3",
			url:  "http://s3.local/bucket/a%20b/c%2Bd%3De//f/./%C3%BC?tagging=&x-id=PutObject&z=1&a=%7e",
			body: "data", headers: map[string]string{"X-Amz-Meta-Note": "x  y"}}},
		{"s3-presigned", sigv4.ProtocolS3, req{method: "GET", service: "s3", url: "http://s3.local/bucket/k%20ey?response-content-type=text%2Fplain",
			presign: true, expires: "3600", tok: tempToken, akid: tempAKID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := tt.req
			q.secret = "wrong secret"
			r := q.build(t)
			_, err := newTestVerifier(testNow).Verify(context.Background(), r, sigv4.Options{Protocol: tt.proto})
			var ae *apierr.Error
			if !errors.As(err, &ae) || !errors.Is(err, sigv4.ErrSignatureMismatch) {
				t.Fatalf("Verify: %v, want a signature mismatch", err)
			}
			got := ae.Code + "\n" + ae.Message + "\n"
			for _, f := range ae.Extra {
				if strings.HasSuffix(f.Name, "Bytes") {
					continue // the hex spelling of another field
				}
				got += "--- " + f.Name + "\n" + f.Value + "\n"
			}
			path := filepath.Join("testdata", "canonical", tt.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if d := diff(string(want), got); d != "" {
				t.Errorf("%s differs (-want +got):\n%s", path, d)
			}
		})
	}
}
