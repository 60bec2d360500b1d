package sts_test

import (
	"encoding/json"
	"net/http/httptest"
	"os/exec"
	"testing"

	"abacus/internal/op"
	"abacus/internal/service/sts"
)

// botoScript calls STS with boto3 against the endpoint in argv[1] and
// prints what botocore parsed, as JSON.
const botoScript = `
import json, sys, boto3, botocore
c = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="AKIAALICEALICEALICE", aws_secret_access_key="secret")
out = {}
out["identity"] = {k: v for k, v in c.get_caller_identity().items() if k != "ResponseMetadata"}
r = c.assume_role(RoleArn=sys.argv[2], RoleSessionName="boto", SourceIdentity="alice",
    Tags=[{"Key": "team", "Value": "ml"}], TransitiveTagKeys=["team"])
cr = r["Credentials"]
out["assume"] = {"AccessKeyId": cr["AccessKeyId"], "SecretAccessKey": cr["SecretAccessKey"],
    "SessionToken": cr["SessionToken"], "Expiration": cr["Expiration"].isoformat(),
    "Arn": r["AssumedRoleUser"]["Arn"], "AssumedRoleId": r["AssumedRoleUser"]["AssumedRoleId"],
    "SourceIdentity": r.get("SourceIdentity"), "Packed": r.get("PackedPolicySize")}
try:
    c.assume_role(RoleArn=sys.argv[2], RoleSessionName="xy", DurationSeconds=7201)
except botocore.exceptions.ClientError as e:
    out["error"] = {"Code": e.response["Error"]["Code"], "Message": e.response["Error"]["Message"],
        "Status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
print(json.dumps(out))
`

// TestWireWithBoto3 drives the operations with boto3 (botocore's Query
// parser); it skips when python3 or boto3 is not installed.
func TestWireWithBoto3(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found; install it with boto3 to run this test")
	}
	if err := exec.Command(py, "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 is not installed for python3; pip install boto3 to run this test")
	}
	fx := newFixture(t)
	reg := &op.Registry{}
	sts.Register(reg, fx.svc)
	srv := &stsServer{t: t, reg: reg, caller: alice, bodies: map[string][]byte{}}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	b, err := exec.Command(py, "-c", botoScript, hs.URL, target.ARN).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("boto3: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var got struct {
		Identity map[string]string
		Assume   map[string]any
		Error    map[string]any
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if got.Identity["Arn"] != alice.ARN || got.Identity["UserId"] != alice.ID || got.Identity["Account"] != "123456789012" {
		t.Errorf("get_caller_identity = %v", got.Identity)
	}
	s := fx.store.session(got.Assume["AccessKeyId"].(string))
	if got.Assume["SecretAccessKey"] != string(s.SecretAccessKey) || got.Assume["SessionToken"] != string(s.SessionToken) {
		t.Errorf("assume_role credentials differ from the stored session")
	}
	if got.Assume["Expiration"] != "2026-01-02T04:04:05+00:00" || got.Assume["Arn"] != "arn:aws:sts::123456789012:assumed-role/target/boto" ||
		got.Assume["AssumedRoleId"] != "AROATARGETTARGETTARG:boto" || got.Assume["SourceIdentity"] != "alice" || got.Assume["Packed"] == nil {
		t.Errorf("assume_role = %v", got.Assume)
	}
	if got.Error["Code"] != "ValidationError" || got.Error["Status"] != float64(400) ||
		got.Error["Message"] != "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." {
		t.Errorf("error = %v", got.Error)
	}
}
