package awsjson_test

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/protocol/awsjson"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// Types mirroring Secrets Manager's model, written against the convention
// in package protocol.
type Tag struct {
	Key   *string
	Value *string
}

type CreateSecretInput struct {
	Name                        string `aws:",required"`
	ClientRequestToken          *string
	Description                 *string
	KmsKeyId                    *string
	SecretBinary                []byte
	SecretString                *string
	Tags                        []Tag
	ForceOverwriteReplicaSecret *bool
}

type DescribeSecretOutput struct {
	ARN                *string
	Name               *string
	Description        *string
	RotationEnabled    *bool
	LastChangedDate    *time.Time
	CreatedDate        *time.Time
	DeletedDate        *time.Time
	Tags               []Tag
	VersionIdsToStages map[string][]string
}

func ptr[T any](v T) *T { return &v }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestWriteResponseGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		out  any
	}{
		{"DescribeSecret.json", &DescribeSecretOutput{
			ARN:                ptr("arn:aws:secretsmanager:us-east-1:123456789012:secret:user-secrets/alice/db-AbCdEf"),
			Name:               ptr("user-secrets/alice/db"),
			RotationEnabled:    ptr(false),
			CreatedDate:        ptr(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)),
			LastChangedDate:    ptr(time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)),
			Tags:               []Tag{{Key: ptr("owner"), Value: ptr("alice \"<&>\"\n")}},
			VersionIdsToStages: map[string][]string{"v2": {"AWSPENDING"}, "v1": {"AWSCURRENT"}},
		}},
		{"Empty.json", nil},
		{"EmptyLists.json", &DescribeSecretOutput{Tags: []Tag{}, VersionIdsToStages: map[string][]string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			if err := awsjson.WriteResponse(rec, "1.1", "req-1", tt.out); err != nil {
				t.Fatal(err)
			}
			if rec.Code != http.StatusOK {
				t.Errorf("status = %d", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := rec.Header().Get("x-amzn-RequestId"); got != "req-1" {
				t.Errorf("x-amzn-RequestId = %q", got)
			}
			golden(t, tt.name, rec.Body.Bytes())
		})
	}
}

func TestWriteErrorGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		version string
		err     *apierr.Error
	}{
		{"error_ResourceNotFound.json", "1.1", apierr.New(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")},
		{"error_UnknownOperation.json", "1.0", awsjson.UnknownOperation("SageMaker.Frobnicate")},
		{"error_AccessDenied.json", "1.1", apierr.New(400, apierr.CodeAccessDeniedException, `User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sagemaker:CreateNotebookInstance on resource: arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb because no identity-based policy allows the sagemaker:CreateNotebookInstance action`)},
		{"error_Extra.json", "1.1", apierr.New(400, "LimitExceededException", "too many").With("Reason", "quota")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			awsjson.WriteError(rec, tt.version, "req-2", tt.err)
			if rec.Code != tt.err.HTTPStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.err.HTTPStatus)
			}
			if got := rec.Header().Get("x-amzn-ErrorType"); got != tt.err.Code {
				t.Errorf("x-amzn-ErrorType = %q", got)
			}
			if got, want := rec.Header().Get("Content-Type"), awsjson.ContentType(tt.version); got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			golden(t, tt.name, rec.Body.Bytes())
		})
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		want    CreateSecretInput
		wantErr string
	}{
		{
			name: "members",
			body: `{"Name":"s","SecretString":"v","Tags":[{"Key":"k","Value":""}],"SecretBinary":"aGk=","Unknown":{"x":[1]},"ForceOverwriteReplicaSecret":false}`,
			want: CreateSecretInput{Name: "s", SecretString: ptr("v"), Tags: []Tag{{Key: ptr("k"), Value: ptr("")}}, SecretBinary: []byte("hi"), ForceOverwriteReplicaSecret: ptr(false)},
		},
		{
			name: "null is absent",
			body: `{"Name":"s","Description":null}`,
			want: CreateSecretInput{Name: "s"},
		},
		{
			name: "empty list is kept",
			body: `{"Name":"s","Tags":[]}`,
			want: CreateSecretInput{Name: "s", Tags: []Tag{}},
		},
		{name: "missing required", body: `{}`, wantErr: "ValidationException: 1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"},
		{name: "empty body", body: ``, wantErr: "ValidationException: 1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"},
		{name: "malformed", body: `{"Name":`, wantErr: "SerializationException: Malformed JSON request body: unexpected end of input"},
		{name: "trailing data", body: `{"Name":"a"} {}`, wantErr: "SerializationException: Malformed JSON request body: unexpected data after the top-level value"},
		{name: "not an object", body: `[1]`, wantErr: "SerializationException: Expected a JSON object as the request body but found an array"},
		{name: "wrong type", body: `{"Name":5}`, wantErr: "SerializationException: Expected a string for member 'Name' but found a number"},
		{name: "wrong nested type", body: `{"Name":"a","Tags":[{"Key":true}]}`, wantErr: "SerializationException: Expected a string for member 'Tags[0].Key' but found a boolean"},
		{name: "bad base64", body: `{"Name":"a","SecretBinary":"!!"}`, wantErr: "SerializationException: Value for member 'SecretBinary' is not valid base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got CreateSecretInput
			err := awsjson.Decode([]byte(tt.body), &got)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || err.HTTPStatus != 400 {
					t.Fatalf("Decode error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decode mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

type numbers struct {
	I32 *int32
	I64 int64 `aws:",omitempty"`
	F   *float64
	T   *time.Time
	Doc any
	M   map[string]int32
}

func TestDecodeNumbersAndTimes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		want    numbers
		wantErr string
	}{
		{name: "int32", body: `{"I32":2147483647}`, want: numbers{I32: ptr(int32(2147483647))}},
		{name: "int32 overflow", body: `{"I32":2147483648}`, wantErr: "SerializationException: Value 2147483648 for member 'I32' is not an integer in range"},
		{name: "fraction for int", body: `{"I64":1.5}`, wantErr: "SerializationException: Value 1.5 for member 'I64' is not an integer in range"},
		{name: "string for int", body: `{"I64":"1"}`, wantErr: "SerializationException: Expected an integer for member 'I64' but found a string"},
		{name: "epoch seconds", body: `{"T":1704067200.25}`, want: numbers{T: ptr(time.Date(2024, 1, 1, 0, 0, 0, 250e6, time.UTC))}},
		{name: "iso8601 timestamp", body: `{"T":"2024-01-01T00:00:00Z"}`, want: numbers{T: ptr(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))}},
		{name: "bad timestamp", body: `{"T":"yesterday"}`, wantErr: `SerializationException: Invalid timestamp for member 'T': unrecognized timestamp "yesterday"`},
		{name: "float", body: `{"F":0.5}`, want: numbers{F: ptr(0.5)}},
		{name: "map", body: `{"M":{"a":1}}`, want: numbers{M: map[string]int32{"a": 1}}},
		{name: "map wrong value", body: `{"M":{"a":"x"}}`, wantErr: "SerializationException: Expected an integer for member 'M.a' but found a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got numbers
			err := awsjson.Decode([]byte(tt.body), &got)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Decode error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decode mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	in := numbers{I32: ptr(int32(-3)), I64: 1 << 40, F: ptr(2.5), T: ptr(time.Date(1999, 12, 31, 23, 59, 59, 1e6, time.UTC)), M: map[string]int32{"z": 1, "a": 2}}
	b, err := awsjson.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"I32":-3,"I64":1099511627776,"F":2.5,"T":946684799.001,"M":{"a":2,"z":1}}`
	if string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var got numbers
	if err := awsjson.Decode(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestDecodeNestedRequired(t *testing.T) {
	t.Parallel()
	type tag struct {
		Key   string `aws:",required"`
		Value string `aws:",required"`
	}
	type in struct {
		Tags  []tag
		ByKey map[string]tag
	}
	var v in
	err := awsjson.Decode([]byte(`{"Tags":[{"Key":"a","Value":""},{"Key":"b"}],"ByKey":{"x":{"Value":"1"}}}`), &v)
	want := "ValidationException: 2 validation errors detected: Value null at 'tags.2.member.value' failed to satisfy constraint: Member must not be null; " +
		"Value null at 'byKey.x.key' failed to satisfy constraint: Member must not be null"
	if err == nil || err.Error() != want {
		t.Errorf("Decode error = %v, want %s", err, want)
	}
}
