package cloudtrail_test

import (
	"context"
	"errors"
	"testing"

	"abacus/internal/apierr"
	"abacus/internal/service/cloudtrail"
)

// FuzzNextToken feeds arbitrary NextTokens to LookupEvents: it must never
// panic, and a token it cannot read must be InvalidNextTokenException,
// never an internal error.
func FuzzNextToken(f *testing.F) {
	mem, _ := seed(f)
	svc := cloudtrail.New(mem)
	page, err := svc.LookupEvents(context.Background(), acct, &cloudtrail.LookupEventsInput{MaxResults: ptr(int32(2))})
	if err != nil || page.NextToken == "" {
		f.Fatalf("no token to seed with: %v", err)
	}
	issued := page.NextToken
	f.Add(issued)
	f.Add("")
	f.Add("e30")
	f.Add("eyJwIjoiIiwidCI6IiJ9")
	f.Add(issued[:len(issued)-1])
	f.Fuzz(func(t *testing.T, tok string) {
		out, err := svc.LookupEvents(context.Background(), acct, &cloudtrail.LookupEventsInput{MaxResults: ptr(int32(2)), NextToken: &tok})
		if tok == issued {
			if err != nil {
				t.Fatalf("issued token rejected: %v", err)
			}
			return
		}
		if err == nil {
			// A token whose envelope carries these parameters and whose
			// content the store can read is a valid cursor, even if it
			// was crafted; it yields some page of this account.
			if len(out.Events) > 2 {
				t.Fatalf("token %q gave %d events, more than MaxResults", tok, len(out.Events))
			}
			return
		}
		var ae *apierr.Error
		if !errors.As(err, &ae) || ae.Code != cloudtrail.CodeInvalidNextToken {
			t.Fatalf("token %q: error %v, want InvalidNextTokenException", tok, err)
		}
	})
}
