package sigv4_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"abacus/internal/apierr"
	"abacus/internal/sigv4"
)

// Fixed test identities. The long-term pair is the one AWS's SigV4
// documentation uses in its examples.
const (
	testAKID    = "AKIAIOSFODNN7EXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	tempAKID    = "ASIAEXAMPLETEMPKEY01"
	tempSecret  = "tempSecretKeyForTesting/0123456789abcdefg"
	tempToken   = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN//////////wEaDEXAMPLE=="
	staleAKID   = "ASIAEXAMPLESTALEKEY1"
	staleToken  = "FwoGZXIvYXdzSTALESESSIONTOKEN"
	brokenAKID  = "AKIABROKENLOOKUP0001"
	testRegion  = "us-east-1"
	principalID = "user/alice"
)

// testNow is the fixed clock of the table tests.
var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// principal is the opaque value the lookup hands back.
type principal struct{ Name string }

var errStoreDown = errors.New("store unavailable")

// testLookup knows one long-term key, one temporary key, one expired
// temporary key, and fails with a non-domain error for brokenAKID.
func testLookup(now time.Time) sigv4.CredentialLookup {
	creds := map[string]sigv4.Credential{
		testAKID: {AccessKeyID: testAKID, Secret: sigv4.NewSecretKey(testSecret), Principal: principal{principalID}},
		tempAKID: {
			AccessKeyID: tempAKID, Secret: sigv4.NewSecretKey(tempSecret), SessionToken: tempToken,
			Expires: now.Add(time.Hour), Principal: principal{"assumed-role/r/s"},
		},
		staleAKID: {
			AccessKeyID: staleAKID, Secret: sigv4.NewSecretKey(tempSecret), SessionToken: staleToken,
			Expires: now.Add(-time.Minute), Principal: principal{"assumed-role/r/old"},
		},
	}
	return sigv4.CredentialLookupFunc(func(_ context.Context, id string) (sigv4.Credential, error) {
		if id == brokenAKID {
			return sigv4.Credential{}, errStoreDown
		}
		c, ok := creds[id]
		if !ok {
			return sigv4.Credential{}, fmt.Errorf("lookup %q: %w", id, sigv4.ErrUnknownAccessKey)
		}
		return c, nil
	})
}

// newTestVerifier returns a verifier whose clock is fixed at now.
func newTestVerifier(now time.Time) *sigv4.Verifier {
	return sigv4.New(sigv4.Config{Lookup: testLookup(now), Now: func() time.Time { return now }})
}

// wireError is the part of an *apierr.Error the client sees.
type wireError struct {
	Code    string
	Status  int
	Message string
	Extra   map[string]string
}

// toWire converts err, which must be an *apierr.Error, for comparison.
// Extra fields not named in keep are dropped.
func toWire(t *testing.T, err error, keep ...string) wireError {
	t.Helper()
	var ae *apierr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not an *apierr.Error", err, err)
	}
	w := wireError{Code: ae.Code, Status: ae.HTTPStatus, Message: ae.Message}
	for _, f := range ae.Extra {
		for _, k := range keep {
			if f.Name == k {
				if w.Extra == nil {
					w.Extra = map[string]string{}
				}
				w.Extra[k] = f.Value
			}
		}
	}
	return w
}

// diff is cmp.Diff, named for readability at call sites.
func diff(want, got any) string { return cmp.Diff(want, got) }

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
