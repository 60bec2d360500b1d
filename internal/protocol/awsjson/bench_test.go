package awsjson_test

import (
	"testing"
	"time"

	"abacus/internal/protocol/awsjson"
)

func BenchmarkDecodeCreateSecret(b *testing.B) {
	body := []byte(`{"Name":"user-secrets/alice/db","SecretString":"{\"password\":\"x\"}","ClientRequestToken":"11111111-2222-3333-4444-555555555555","Tags":[{"Key":"owner","Value":"alice"},{"Key":"env","Value":"dev"}]}`)
	b.ReportAllocs()
	for b.Loop() {
		var in CreateSecretInput
		if err := awsjson.Decode(body, &in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalDescribeSecret(b *testing.B) {
	out := &DescribeSecretOutput{ARN: ptr("arn:aws:secretsmanager:us-east-1:123456789012:secret:user-secrets/alice/db-AbCdEf"), Name: ptr("user-secrets/alice/db"),
		CreatedDate: ptr(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), LastChangedDate: ptr(time.Date(2024, 1, 2, 0, 0, 0, 5e8, time.UTC)),
		Tags: []Tag{{Key: ptr("owner"), Value: ptr("alice")}}, VersionIdsToStages: map[string][]string{"v1": {"AWSCURRENT"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := awsjson.Marshal(out); err != nil {
			b.Fatal(err)
		}
	}
}
