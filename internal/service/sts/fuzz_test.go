package sts_test

import (
	"context"
	"strings"
	"testing"

	"abacus/internal/model"
	"abacus/internal/service/sts"
)

// FuzzAssumeRole feeds arbitrary AssumeRole inputs through authorization
// and the handler: neither may panic, every refusal must be a client error
// (4xx, never InternalFailure), and an accepted call must return
// credentials for the requested session.
func FuzzAssumeRole(f *testing.F) {
	f.Add(target.ARN, "s1", "", "", "", "", "", int32(0))
	f.Add(target.ARN, "s1", "alice", "ext-1", "team", "ml", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, int32(3600))
	f.Add("arn:aws:iam::123456789012:role/a/b/c/target", "x", "aws:x", "e", "", "", "{", int32(100))
	f.Add("arn:aws:iam::123456789012:user/alice", "my session", "", "", "k*", "v", "", int32(43201))
	f.Add("arn:aws:iam:::role/", strings.Repeat("a", 65), "", "", "", "", `{"Statement":[]}`, int32(-1))
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, roleARN, name, sourceIdentity, externalID, tagKey, tagValue, pol string, duration int32) {
		in := sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: name}
		if sourceIdentity != "" {
			in.SourceIdentity = &sourceIdentity
		}
		if externalID != "" {
			in.ExternalId = &externalID
		}
		if tagKey != "" {
			in.Tags = []sts.Tag{{Key: tagKey, Value: tagValue}}
			in.TransitiveTagKeys = []string{tagKey}
		}
		if pol != "" {
			in.Policy = &pol
		}
		if duration != 0 {
			in.DurationSeconds = &duration
		}
		for _, p := range []*model.Principal{alice, devSession} {
			_, err := fx.svc.AuthorizeAssumeRole(context.Background(), call(p), &in)
			if err != nil {
				if e := wire(err); e.HTTPStatus >= 500 {
					t.Fatalf("Authorize: %v -> %d %s", err, e.HTTPStatus, e.Code)
				}
			}
			out, err := fx.svc.AssumeRole(context.Background(), call(p), &in)
			if err != nil {
				if e := wire(err); e.HTTPStatus >= 500 {
					t.Fatalf("AssumeRole: %v -> %d %s", err, e.HTTPStatus, e.Code)
				}
				continue
			}
			if out.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/target/"+name || !strings.HasPrefix(out.Credentials.AccessKeyId, "ASIA") {
				t.Fatalf("AssumeRole(%+v) = %+v", in, out.AssumedRoleUser)
			}
		}
	})
}
