package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// BenchmarkIAMGetUserRoundTrip measures an authorized IAM read over
// loopback: alice, a member of a group whose inline policy allows
// iam:GetUser on her own user (arn:aws:iam::*:user/${aws:username}), reads
// herself. Each request is verified, resolved to alice's cached policy set,
// decided by the engine, served from SQLite and durably audited.
//
//	go test ./cmd/abacus -run '^$' -bench IAMGetUserRoundTrip -benchtime 20000x -count 5
func BenchmarkIAMGetUserRoundTrip(b *testing.B) {
	a, cfg := benchApp(b)
	setup := httptest.NewServer(a.handler)
	defer setup.Close()
	ctx := context.Background()
	admin := iam.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(setup.URL),
		Credentials: credentials.NewStaticCredentialsProvider(cfg.RootKeyID, cfg.RootSecret, "")})
	steps := []func() error{
		func() error {
			_, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
			return err
		},
		func() error {
			_, err := admin.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("ML-Team")})
			return err
		},
		func() error {
			_, err := admin.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("ML-Team"), UserName: aws.String("alice")})
			return err
		},
		func() error {
			_, err := admin.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("ML-Team"), PolicyName: aws.String("self"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`)})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		b.Fatal(err)
	}
	id, secret := aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)
	runRoundTrip(b, a.handler, func(url string) *http.Request {
		payload := "Action=GetUser&Version=2010-05-08&UserName=alice"
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(payload))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		sum := sha256.Sum256([]byte(payload))
		if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: secret},
			req, hex.EncodeToString(sum[:]), "iam", "us-east-1", time.Now()); err != nil {
			b.Fatal(err)
		}
		return req
	})
}
