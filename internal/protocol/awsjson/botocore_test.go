package awsjson_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol/awsjson"
	"abacus/internal/protocol/botocoretest"
)

// TestBotocore decodes requests serialized by botocore's JSON serializer
// (what boto3 and the AWS CLI send) and parses our responses and errors
// with botocore's JSON parser.
func TestBotocore(t *testing.T) {
	t.Parallel()
	describe, _ := awsjson.Marshal(&DescribeSecretOutput{
		Name: ptr("s"), CreatedDate: ptr(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)),
		LastChangedDate: ptr(time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)), RotationEnabled: ptr(false),
		Tags: []Tag{}, VersionIdsToStages: map[string][]string{"v1": {"AWSCURRENT"}},
	})
	notFound := awsjson.ErrorBody(apierr.New(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."))
	res := botocoretest.Run(t, []botocoretest.Job{
		{Mode: "serialize", Service: "secretsmanager", Operation: "CreateSecret", Params: map[string]any{
			"Name": "user-secrets/alice/db", "SecretBinary": "hi", "ClientRequestToken": "11111111-2222-3333-4444-555555555555",
			"Tags": []any{map[string]any{"Key": "owner", "Value": "alice"}},
		}},
		{Mode: "parse", Service: "secretsmanager", Operation: "DescribeSecret", Status: 200, Headers: map[string]string{"x-amzn-requestid": "rid-1"}, Body: string(describe)},
		{Mode: "parse", Service: "secretsmanager", Operation: "DescribeSecret", Status: 400,
			Headers: map[string]string{"x-amzn-requestid": "rid-2", "x-amzn-errortype": "ResourceNotFoundException"}, Body: string(notFound)},
	})
	for i, r := range res {
		if r.Error != "" {
			t.Fatalf("job %d: botocore: %s", i, r.Error)
		}
	}
	if got := res[0].Headers["X-Amz-Target"]; got != "secretsmanager.CreateSecret" {
		t.Errorf("botocore X-Amz-Target = %q", got)
	}
	if got := res[0].Headers["Content-Type"]; got != awsjson.ContentType("1.1") {
		t.Errorf("botocore Content-Type = %q", got)
	}
	var in CreateSecretInput
	if err := awsjson.Decode([]byte(res[0].Body), &in); err != nil {
		t.Fatalf("Decode(%s): %v", res[0].Body, err)
	}
	if diff := cmp.Diff(CreateSecretInput{Name: "user-secrets/alice/db", SecretBinary: []byte("hi"), ClientRequestToken: ptr("11111111-2222-3333-4444-555555555555"),
		Tags: []Tag{{Key: ptr("owner"), Value: ptr("alice")}}}, in); diff != "" {
		t.Errorf("CreateSecret from botocore (-want +got):\n%s", diff)
	}

	got := res[1].Parsed
	delete(got, "ResponseMetadata")
	want := map[string]any{"Name": "s", "CreatedDate": "2024-01-01T00:00:00.000000Z", "LastChangedDate": "2024-01-02T03:04:05.678000Z",
		"RotationEnabled": false, "Tags": []any{}, "VersionIdsToStages": map[string]any{"v1": []any{"AWSCURRENT"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeSecret as botocore parses it (-want +got):\n%s", diff)
	}
	errGot := res[2].Parsed["Error"]
	if diff := cmp.Diff(map[string]any{"Code": "ResourceNotFoundException", "Message": "Secrets Manager can't find the specified secret."}, errGot); diff != "" {
		t.Errorf("error as botocore parses it (-want +got):\n%s", diff)
	}
}
