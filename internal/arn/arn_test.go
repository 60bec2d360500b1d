package arn_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/arn"
)

// ARN format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    arn.ARN
		wantErr bool
	}{
		{in: "arn:aws:iam::123456789012:user/alice", want: arn.ARN{Partition: "aws", Service: "iam", Account: "123456789012", Resource: "user/alice"}},
		{in: "arn:aws:s3:::bucket/key/with:colon", want: arn.ARN{Partition: "aws", Service: "s3", Resource: "bucket/key/with:colon"}},
		{in: "arn:aws-cn:sagemaker:cn-north-1:123456789012:training-job/j", want: arn.ARN{Partition: "aws-cn", Service: "sagemaker", Region: "cn-north-1", Account: "123456789012", Resource: "training-job/j"}},
		{in: "arn:aws:secretsmanager:us-east-1:123456789012:secret:user-secrets/alice/x-AbCdEf", want: arn.ARN{Partition: "aws", Service: "secretsmanager", Region: "us-east-1", Account: "123456789012", Resource: "secret:user-secrets/alice/x-AbCdEf"}},
		{in: "arn:aws:iam::123456789012:root", want: arn.ARN{Partition: "aws", Service: "iam", Account: "123456789012", Resource: "root"}},
		{in: "", wantErr: true},
		{in: "arn:aws:iam::123456789012", wantErr: true},
		{in: "urn:aws:iam::123456789012:user/x", wantErr: true},
		{in: "arn::iam::123456789012:user/x", wantErr: true},
		{in: "arn:aws:::123456789012:user/x", wantErr: true},
		{in: "arn:aws:iam::123456789012:", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := arn.Parse(tt.in)
			if tt.wantErr {
				if !errors.Is(err, arn.ErrMalformed) {
					t.Fatalf("Parse(%q) error = %v, want ErrMalformed", tt.in, err)
				}
				var e *arn.Error
				if !errors.As(err, &e) || e.Input != tt.in || e.Error() == "" {
					t.Fatalf("Parse(%q) error %v is not an *arn.Error for the input", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("String() = %q, want %q", s, tt.in)
			}
		})
	}
}

func TestErrorTruncatesLongInput(t *testing.T) {
	long := "x"
	for len(long) < 200 {
		long += long
	}
	_, err := arn.Parse(long)
	if err == nil || len(err.Error()) > 150 {
		t.Fatalf("error for a long input should be short, got %v", err)
	}
}

// Wildcards in Resource and StringLike: '*' matches any run of characters,
// '?' exactly one, across ':' and '/'.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
func TestWildcard(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything/at:all", true},
		{"", "", true},
		{"", "a", false},
		{"a", "a", true},
		{"a", "A", false},
		{"a*", "abc", true},
		{"*c", "abc", true},
		{"a*c", "abbbc", true},
		{"a*c", "ab", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "abbc", false},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false},
		{"arn:aws:*:bucket", "arn:aws:s3:::bucket", true},
		{"arn:aws:sagemaker:*:*:training-job/*", "arn:aws:sagemaker:us-east-1:123456789012:training-job/x", true},
		{"*/users/*/data", "b/users/alice/data", true},
		{"*/users/*/data", "b/users/alice/data/x", false},
		{"**a", "bba", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"?", "é", true},
		{"??", "é", false},
		{"user-?", "user-1", true},
		{"*?", "", false},
	}
	for _, tt := range tests {
		if got := arn.Wildcard(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Wildcard(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// Actions match case-insensitively.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestWildcardFold(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"s3:get*", "S3:GetObject", true},
		{"S3:GETOBJECT", "s3:getobject", true},
		{"iam:*AccessKey*", "iam:CreateAccessKey", true},
		{"iam:*AccessKey*", "iam:CreateUser", false},
		{"sagemaker:Describe?rainingJob", "sagemaker:describetrainingjob", true},
	}
	for _, tt := range tests {
		if got := arn.WildcardFold(tt.pattern, tt.s); got != tt.want {
			t.Errorf("WildcardFold(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// ArnLike/ArnEquals: "Each of the six colon-delimited components of the ARN
// is checked separately and each can include multi-character match
// wildcards (*) or single-character match wildcards (?)."
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
func TestLike(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:user/alice", true},
		{"arn:aws:iam::*:user/*", "arn:aws:iam::123456789012:user/alice", true},
		{"arn:aws:iam::123456789012:*", "arn:aws:iam::123456789012:role/x", true},
		{"arn:aws:iam::123456789012:user/*", "arn:aws:iam::210987654321:user/alice", false},
		// '*' in one component does not span into the next.
		{"arn:aws:*", "arn:aws:iam::123456789012:user/alice", false},
		{"arn:*:*:*:*:*", "arn:aws:iam::123456789012:user/alice", true},
		{"arn:aws:sqs:us-*:123456789012:q", "arn:aws:sqs:us-east-1:123456789012:q", true},
		{"arn:aws:sqs:us-*:123456789012:q", "arn:aws:sqs:eu-west-1:123456789012:q", false},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b", true},
		{"arn:aws:iam::123456789012:user/?lice", "arn:aws:iam::123456789012:user/alice", true},
		{"arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/Alice", false},
		{"not-an-arn", "arn:aws:iam::123456789012:user/alice", false},
		{"arn:aws:iam::123456789012:user/alice", "alice", false},
		{"*", "arn:aws:iam::123456789012:user/alice", false},
	}
	for _, tt := range tests {
		if got := arn.Like(tt.pattern, tt.value); got != tt.want {
			t.Errorf("Like(%q, %q) = %v, want %v", tt.pattern, tt.value, got, tt.want)
		}
	}
}

func BenchmarkWildcard(b *testing.B) {
	for range b.N {
		arn.Wildcard("arn:aws:s3:::bucket/users/*/data/*.parquet", "arn:aws:s3:::bucket/users/alice/data/part-0001.parquet")
	}
}
