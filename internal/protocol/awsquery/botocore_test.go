package awsquery_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol/awsquery"
	"abacus/internal/protocol/botocoretest"
)

// TestBotocore decodes requests serialized by botocore's Query serializer
// (what boto3 and the AWS CLI send) and parses our responses and errors
// with botocore's Query parser.
func TestBotocore(t *testing.T) {
	t.Parallel()
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	createRole, _ := awsquery.Marshal(iamNS, "CreateRole", "rid-1", &CreateRoleOutput{Role: Role{
		Path: "/", RoleName: "r", RoleId: "AROA1", Arn: "arn:aws:iam::123456789012:role/r", CreateDate: created,
		MaxSessionDuration: ptr(int32(3600)), Tags: []Tag{{"team", "ml"}},
	}})
	listRoles, _ := awsquery.Marshal(iamNS, "ListRoles", "rid-2", &ListRolesOutput{Roles: []Role{}, IsTruncated: true, Marker: ptr("m")})
	deleteRole, _ := awsquery.Marshal(iamNS, "DeleteRole", "rid-3", nil)
	notFound := awsquery.ErrorBody(iamNS, "rid-4", apierr.New(404, "NoSuchEntity", "The role with name x cannot be found."))
	res := botocoretest.Run(t, []botocoretest.Job{
		{Mode: "serialize", Service: "iam", Operation: "CreateRole", Params: map[string]any{
			"RoleName": "r", "AssumeRolePolicyDocument": `{"Version":"2012-10-17"}`, "MaxSessionDuration": 7200,
			"Tags": []any{map[string]any{"Key": "team", "Value": "ml"}, map[string]any{"Key": "e", "Value": ""}},
		}},
		{Mode: "serialize", Service: "sts", Operation: "AssumeRole", Params: map[string]any{
			"RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "alice", "SourceIdentity": "alice",
			"PolicyArns": []any{map[string]any{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}, "TransitiveTagKeys": []any{},
		}},
		{Mode: "parse", Service: "iam", Operation: "CreateRole", Status: 200, Body: string(createRole)},
		{Mode: "parse", Service: "iam", Operation: "ListRoles", Status: 200, Body: string(listRoles)},
		{Mode: "parse", Service: "iam", Operation: "DeleteRole", Status: 200, Body: string(deleteRole)},
		{Mode: "parse", Service: "iam", Operation: "DeleteRole", Status: 404, Body: string(notFound)},
	})
	for i, r := range res {
		if r.Error != "" {
			t.Fatalf("job %d: botocore: %s", i, r.Error)
		}
	}

	decode := func(body string, in any) {
		t.Helper()
		vals, err := url.ParseQuery(body)
		if err != nil {
			t.Fatal(err)
		}
		if aerr := awsquery.Decode(vals, in); aerr != nil {
			t.Fatalf("Decode(%s): %v", body, aerr)
		}
	}
	var cr CreateRoleInput
	decode(res[0].Body, &cr)
	if diff := cmp.Diff(CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: `{"Version":"2012-10-17"}`, MaxSessionDuration: ptr(int32(7200)),
		Tags: []Tag{{"team", "ml"}, {"e", ""}}}, cr); diff != "" {
		t.Errorf("CreateRole from botocore (-want +got):\n%s", diff)
	}
	var ar AssumeRoleInput
	decode(res[1].Body, &ar)
	if diff := cmp.Diff(AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/r", RoleSessionName: "alice", SourceIdentity: ptr("alice"),
		PolicyArns: []PolicyDescriptor{{Arn: ptr("arn:aws:iam::aws:policy/ReadOnlyAccess")}}, TransitiveTagKeys: []string{}}, ar); diff != "" {
		t.Errorf("AssumeRole from botocore (-want +got):\n%s", diff)
	}

	meta := func(id string) map[string]any {
		return map[string]any{"RequestId": id}
	}
	tests := []struct {
		name string
		got  map[string]any
		want map[string]any
	}{
		{"CreateRole", res[2].Parsed, map[string]any{
			"Role": map[string]any{"Path": "/", "RoleName": "r", "RoleId": "AROA1", "Arn": "arn:aws:iam::123456789012:role/r",
				"CreateDate": "2024-01-01T00:00:00.000000Z", "MaxSessionDuration": float64(3600),
				"Tags": []any{map[string]any{"Key": "team", "Value": "ml"}}},
			"ResponseMetadata": meta("rid-1"),
		}},
		{"ListRoles", res[3].Parsed, map[string]any{"Roles": []any{}, "IsTruncated": true, "Marker": "m", "ResponseMetadata": meta("rid-2")}},
		{"DeleteRole", res[4].Parsed, map[string]any{"ResponseMetadata": meta("rid-3")}},
		{"NoSuchEntity", res[5].Parsed, map[string]any{
			"Error":            map[string]any{"Type": "Sender", "Code": "NoSuchEntity", "Message": "The role with name x cannot be found."},
			"ResponseMetadata": meta("rid-4"),
		}},
	}
	for _, tt := range tests {
		if rm, ok := tt.got["ResponseMetadata"].(map[string]any); ok {
			tt.got["ResponseMetadata"] = map[string]any{"RequestId": rm["RequestId"]}
		}
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s as botocore parses it (-want +got):\n%s", tt.name, diff)
		}
	}
}
