package principal_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/model"
	"abacus/internal/sigv4"
)

// TestThroughSigV4 verifies requests signed by the AWS SDK's signer with
// credentials the resolver serves, at times chosen with an injected clock:
// temporary credentials stop at their expiry with AWS's ExpiredToken
// ("The security token included in the request is expired"), an Inactive
// key fails as InvalidClientTokenId, and a wrong session token is refused.
func TestThroughSigV4(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	type creds struct{ id, secret, token string }
	dev := creds{"ASIADEV0000000000001", "dev-secret", "dev-token"}
	tests := []struct {
		name    string
		c       creds
		at      time.Time
		wantARN string
		wantErr *wireErr
	}{
		{name: "session before expiry", c: dev, at: t0.Add(59 * time.Minute), wantARN: "arn:aws:sts::123456789012:assumed-role/dev/alice-s"},
		{name: "session at expiry", c: dev, at: t0.Add(time.Hour),
			wantErr: &wireErr{"ExpiredToken", 403, "The security token included in the request is expired"}},
		{name: "session after expiry", c: dev, at: t0.Add(2 * time.Hour),
			wantErr: &wireErr{"ExpiredToken", 403, "The security token included in the request is expired"}},
		{name: "wrong session token", c: creds{dev.id, dev.secret, "other-token"}, at: t0,
			wantErr: &wireErr{"InvalidClientTokenId", 403, "The security token included in the request is invalid."}},
		{name: "active key", c: creds{"AKIAALICE00000000001", "alice-secret", ""}, at: t0, wantARN: "arn:aws:iam::123456789012:user/alice"},
		{name: "inactive key", c: creds{"AKIAALICE00000000002", "old-secret", ""}, at: t0,
			wantErr: &wireErr{"InvalidClientTokenId", 403, "The security token included in the request is invalid."}},
		{name: "configured root key", c: creds{"AKIAROOTCONFIG000001", "root-secret", ""}, at: t0, wantARN: "arn:aws:iam::123456789012:root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := "Action=GetCallerIdentity&Version=2011-06-15"
			r, _ := http.NewRequest(http.MethodPost, "https://sts.amazonaws.com/", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			sum := sha256.Sum256([]byte(body))
			err := v4.NewSigner().SignHTTP(context.Background(),
				aws.Credentials{AccessKeyID: tt.c.id, SecretAccessKey: tt.c.secret, SessionToken: tt.c.token},
				r, hex.EncodeToString(sum[:]), "sts", "us-east-1", tt.at)
			if err != nil {
				t.Fatal(err)
			}
			v := sigv4.New(sigv4.Config{Lookup: w.res, Now: func() time.Time { return tt.at }})
			res, err := v.Verify(context.Background(), r, sigv4.Options{Protocol: sigv4.ProtocolQuery})
			var got *wireErr
			if err != nil {
				var ae *apierr.Error
				if !errors.As(err, &ae) {
					t.Fatalf("Verify error %v is not an *apierr.Error", err)
				}
				got = &wireErr{ae.Code, ae.HTTPStatus, ae.Message}
			}
			if diff := cmp.Diff(tt.wantErr, got); diff != "" {
				t.Fatalf("Verify error (-want +got):\n%s", diff)
			}
			if err == nil {
				if p := res.Credential.Principal.(*model.Principal); p.ARN != tt.wantARN {
					t.Errorf("principal %s, want %s", p.ARN, tt.wantARN)
				}
			}
		})
	}
}

type wireErr struct {
	Code   string
	Status int
	Msg    string
}
