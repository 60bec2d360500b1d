package awsquery_test

import (
	"net/url"
	"testing"
	"time"

	"abacus/internal/protocol/awsquery"
)

func BenchmarkDecodeCreateRole(b *testing.B) {
	vals, _ := url.ParseQuery("Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D&Path=%2Fa%2F&MaxSessionDuration=7200&Tags.member.1.Key=k1&Tags.member.1.Value=v1&Tags.member.2.Key=k2&Tags.member.2.Value=v2")
	b.ReportAllocs()
	for b.Loop() {
		var in CreateRoleInput
		if err := awsquery.Decode(vals, &in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalCreateRole(b *testing.B) {
	out := &CreateRoleOutput{Role: Role{Path: "/", RoleName: "ml-team", RoleId: "AROAEXAMPLEID0000001", Arn: "arn:aws:iam::123456789012:role/ml-team",
		CreateDate: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), AssumeRolePolicyDocument: "%7B%7D", MaxSessionDuration: ptr(int32(3600)),
		Tags: []Tag{{"team", "ml"}, {"env", "dev"}}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := awsquery.Marshal(iamNS, "CreateRole", "req-1", out); err != nil {
			b.Fatal(err)
		}
	}
}
