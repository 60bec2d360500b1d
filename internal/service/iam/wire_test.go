package iam_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"abacus/internal/apierr"
	"abacus/internal/protocol/awsquery"
	"abacus/internal/service/iam"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/wire")

// TestWire pins the Query protocol encoding of representative responses and
// errors to golden files: URL-encoded policy documents, omitted optional
// members, empty lists, error codes and messages. Run with -update to
// rewrite them, and review the diff.
func TestWire(t *testing.T) {
	f := newFixture(t)
	bnd := f.createPolicy(t, "Boundary", allowAll)
	must[*iam.CreateRoleOutput](t)(f.svc.CreateRole(f.ctx, f.c, &iam.CreateRoleInput{
		RoleName: "SageMakerExecution", Path: s("/ml/"), AssumeRolePolicyDocument: trust, Description: s("execution role"),
		PermissionsBoundary: s(bnd), Tags: []iam.Tag{{Key: "team", Value: "ml"}},
	}))
	f.createUser(t, "alice")
	must[*iam.PutUserPolicyOutput](t)(f.svc.PutUserPolicy(f.ctx, f.c, &iam.PutUserPolicyInput{UserName: "alice", PolicyName: "own", PolicyDocument: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/a+b/*\"}\n}"}))

	tests := []struct {
		name string
		run  func() (any, error)
	}{
		{"GetRole", func() (any, error) {
			return f.svc.GetRole(f.ctx, f.c, &iam.GetRoleInput{RoleName: "SageMakerExecution"})
		}},
		{"ListUsers", func() (any, error) { return f.svc.ListUsers(f.ctx, f.c, &iam.ListUsersInput{}) }},
		{"GetUserPolicy", func() (any, error) {
			return f.svc.GetUserPolicy(f.ctx, f.c, &iam.GetUserPolicyInput{UserName: "alice", PolicyName: "own"})
		}},
		{"ListAttachedRolePolicies", func() (any, error) {
			return f.svc.ListAttachedRolePolicies(f.ctx, f.c, &iam.ListAttachedRolePoliciesInput{RoleName: "SageMakerExecution"})
		}},
		{"GetUser-root", func() (any, error) { return f.svc.GetUser(f.ctx, f.c, &iam.GetUserInput{}) }},
		{"SimulateCustomPolicy", func() (any, error) {
			return f.svc.SimulateCustomPolicy(f.ctx, f.c, &iam.SimulateCustomPolicyInput{
				PolicyInputList: []string{sageMakerPolicy}, ActionNames: []string{"sagemaker:StartNotebookInstance"},
				ResourceArns: []string{"arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/dev-1"},
			})
		}},
		{"NoSuchEntity", func() (any, error) {
			return f.svc.GetUser(f.ctx, f.c, &iam.GetUserInput{UserName: s("nobody")})
		}},
		{"DeleteConflict", func() (any, error) {
			return f.svc.DeleteUser(f.ctx, f.c, &iam.DeleteUserInput{UserName: "alice"})
		}},
		{"ValidationError", func() (any, error) {
			return f.svc.CreateUser(f.ctx, f.c, &iam.CreateUserInput{UserName: "bad name"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.run()
			var body []byte
			if err != nil {
				body = awsquery.ErrorBody(xmlns, "req-1", apierr.From(err, iam.MapError))
			} else {
				op := tt.name
				if i := bytes.IndexByte([]byte(op), '-'); i >= 0 {
					op = op[:i]
				}
				if body, err = awsquery.Marshal(xmlns, op, "req-1", out); err != nil {
					t.Fatal(err)
				}
			}
			if err := xml.Unmarshal(body, new(struct{})); err != nil {
				t.Fatalf("not XML: %v\n%s", err, body)
			}
			golden := filepath.Join("testdata", "wire", tt.name+".xml")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(want, body) {
				t.Errorf("%s differs from %s:\n%s", tt.name, golden, body)
			}
		})
	}
}
