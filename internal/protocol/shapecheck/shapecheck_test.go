package shapecheck_test

import (
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/protocol/shapecheck"
)

type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

type CreateRoleInput struct {
	Path                     *string
	RoleName                 string `aws:",required"`
	AssumeRolePolicyDocument string `aws:",required"`
	Description              *string
	MaxSessionDuration       *int32
	PermissionsBoundary      *string
	Tags                     []Tag
}

type Role struct {
	Path       string
	RoleName   string
	RoleId     string
	Arn        string
	CreateDate time.Time
	Tags       []Tag
}

type CreateRoleOutput struct {
	Role Role
}

// Deliberately wrong types.
type badTag struct {
	Key   int32
	Value string
}

type badCreateRoleInput struct {
	RoleName                 string `aws:",required"`
	AssumeRolePolicyDocument string
	MaxSessionDuration       int64
	Tags                     []badTag
	Nickname                 string
}

type badRole struct {
	CreateDate string
	Tags       map[string]string
}

type badCreateRoleOutput struct {
	Role *badRole
}

type S3Tag struct {
	Key   string
	Value string
}

type Tagging struct {
	TagSet []S3Tag `aws:",member=Tag"`
}

type PutObjectTaggingInput struct {
	Bucket    string   `aws:",uri=Bucket"`
	Key       string   `aws:",uri=Key"`
	VersionId *string  `aws:",querystring=versionId"`
	Tagging   *Tagging `aws:",payload"`
}

type PutObjectTaggingOutput struct {
	VersionId *string `aws:",header=x-amz-version-id"`
}

type GetObjectOutput struct {
	Body         io.Reader         `aws:",payload"`
	LastModified *time.Time        `aws:",header=Last-Modified"`
	Metadata     map[string]string `aws:",headers=x-amz-meta-"`
}

type badPutObjectTaggingInput struct {
	Bucket    string  `aws:",uri=Bucket"`
	VersionId *string `aws:",header=versionId"`
	Tagging   *struct {
		TagSet []S3Tag
	} `aws:",payload"`
}

type DeleteObjectsOutput struct {
	Errors []struct {
		Key *string
	} `aws:",flattened,xml=Error"`
}

type badDeleteObjectsOutput struct {
	Errors []struct {
		Key *string
	}
}

type DescribeSecretOutput struct {
	ARN                *string
	CreatedDate        *time.Time
	Tags               []struct{ Key, Value *string }
	VersionIdsToStages map[string][]string
}

type retainUntil struct {
	RetainUntil *time.Time `aws:"ObjectLockRetainUntilDate,header=x-amz-object-lock-retain-until-date"`
}

func TestProblems(t *testing.T) {
	t.Parallel()
	c := shapecheck.New(t)
	tests := []struct {
		name    string
		service string
		op      string
		in, out any
		opts    []shapecheck.Option
		want    []string
	}{
		{name: "iam agrees", service: "iam", op: "CreateRole", in: &CreateRoleInput{}, out: &CreateRoleOutput{}, opts: []shapecheck.Option{shapecheck.Required()}},
		{name: "iam wrong types", service: "iam", op: "CreateRole", in: badCreateRoleInput{}, out: &badCreateRoleOutput{}, opts: []shapecheck.Option{shapecheck.Required()}, want: []string{
			"badCreateRoleInput.AssumeRolePolicyDocument: member AssumeRolePolicyDocument is required by the model; tag it `aws:\",required\"`",
			"badCreateRoleInput.MaxSessionDuration: Go type int64 does not fit integer shape roleMaxSessionDurationType",
			"badCreateRoleInput.Nickname: member \"Nickname\" is not in shape CreateRoleRequest (members: AssumeRolePolicyDocument, Description, MaxSessionDuration, Path, PermissionsBoundary, RoleName, Tags)",
			"badCreateRoleInput.Tags[].Key: Go type int32 does not fit string shape tagKeyType",
			"badCreateRoleInput.Tags[].Key: member Key is required by the model; tag it `aws:\",required\"`",
			"badCreateRoleInput.Tags[].Value: member Value is required by the model; tag it `aws:\",required\"`",
			"badCreateRoleOutput.Role.CreateDate: Go type string does not fit timestamp shape dateType",
			"badCreateRoleOutput.Role.Tags: Go type map[string]string does not fit list shape tagListType",
			"badCreateRoleOutput.Role: required member Arn of shape Role has no field",
			"badCreateRoleOutput.Role: required member Path of shape Role has no field",
			"badCreateRoleOutput.Role: required member RoleId of shape Role has no field",
			"badCreateRoleOutput.Role: required member RoleName of shape Role has no field",
		}},
		{name: "unknown operation", service: "iam", op: "Frob", in: &CreateRoleInput{}, want: []string{`the model has no operation "Frob"`}},
		{name: "no output shape", service: "iam", op: "DeleteRole", out: &CreateRoleOutput{}, want: []string{"*shapecheck_test.CreateRoleOutput: the operation has no output shape"}},
		{name: "s3 agrees", service: "s3", op: "PutObjectTagging", in: &PutObjectTaggingInput{}, out: &PutObjectTaggingOutput{}},
		{name: "s3 streaming body", service: "s3", op: "GetObject", out: &GetObjectOutput{}},
		{name: "s3 flattened with xml name", service: "s3", op: "DeleteObjects", out: &DeleteObjectsOutput{}},
		{name: "s3 bindings wrong", service: "s3", op: "PutObjectTagging", in: &badPutObjectTaggingInput{}, want: []string{
			`badPutObjectTaggingInput.Tagging.TagSet: list member element "member", the model says "Tag" (tag member=Tag)`,
			`badPutObjectTaggingInput.VersionId: bound to a header, the model binds it to the query string`,
		}},
		{name: "s3 flattening wrong", service: "s3", op: "DeleteObjects", out: &badDeleteObjectsOutput{}, want: []string{
			`badDeleteObjectsOutput.Errors: XML name "Errors", the model says "Error" (tag xml=Error)`,
			`badDeleteObjectsOutput.Errors: flattened is false, the model says true`,
		}},
		{name: "json service", service: "secretsmanager", op: "DescribeSecret", out: &DescribeSecretOutput{}},
		{name: "header timestamp format", service: "s3", op: "GetObject", out: &retainUntil{}, want: []string{
			`retainUntil.RetainUntil: timestamp format rfc822, the model says iso8601 (tag timestamp=iso8601)`,
		}},
		{name: "header timestamp format tagged", service: "s3", op: "GetObject", out: &struct {
			RetainUntil *time.Time `aws:"ObjectLockRetainUntilDate,header=x-amz-object-lock-retain-until-date,timestamp=iso8601"`
		}{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := c.Problems(tt.service, tt.op, tt.in, tt.out, tt.opts...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckPasses(t *testing.T) {
	t.Parallel()
	shapecheck.Check(t, "iam", "CreateRole", &CreateRoleInput{}, &CreateRoleOutput{}, shapecheck.Required())
}
