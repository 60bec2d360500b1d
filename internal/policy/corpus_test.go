package policy_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"abacus/internal/policy"
)

// corpusCase is one case of testdata/corpus: a language-neutral record of
// policies, a request and the decision AWS documents for it, so that the
// same files can be replayed against the IAM policy simulator. The format:
//
//	{
//	  "description": "...", "doc": "https://docs.aws.amazon.com/...",
//	  "policies": [{"type": "identity|resource|trust|boundary|session|scp", "name": "...", "document": {...}}],
//	  "resourceAccount": "",
//	  "request": {
//	    "principal": {"arn": "...", "type": "User|AssumedRole|Account|FederatedUser|Anonymous|Service",
//	                  "account": "...", "userName": "...", "userId": "...", "roleArn": "...",
//	                  "sourceIdentity": "...", "service": "...", "tags": {}, "sessionTags": {}},
//	    "action": "...", "resource": "...", "time": "RFC 3339",
//	    "context": {"key": "value", "multi": ["a", "b"], "emptyMulti": []}
//	  },
//	  "expect": {"decision": "allowed|explicitDeny|implicitDeny", "matchedSids": ["..."]}
//	}
type corpusCase struct {
	file            string
	Description     string         `json:"description"`
	Doc             string         `json:"doc"`
	Policies        []corpusPolicy `json:"policies"`
	ResourceAccount string         `json:"resourceAccount"`
	Request         struct {
		Principal struct {
			ARN            string            `json:"arn"`
			Type           string            `json:"type"`
			Account        string            `json:"account"`
			UserName       string            `json:"userName"`
			UserID         string            `json:"userId"`
			RoleARN        string            `json:"roleArn"`
			SourceIdentity string            `json:"sourceIdentity"`
			Service        string            `json:"service"`
			Tags           map[string]string `json:"tags"`
			SessionTags    map[string]string `json:"sessionTags"`
		} `json:"principal"`
		Action   string                     `json:"action"`
		Resource string                     `json:"resource"`
		Time     string                     `json:"time"`
		Context  map[string]json.RawMessage `json:"context"`
	} `json:"request"`
	Expect struct {
		Decision    string   `json:"decision"`
		MatchedSids []string `json:"matchedSids"`
	} `json:"expect"`
}

type corpusPolicy struct {
	Type     string          `json:"type"`
	Name     string          `json:"name"`
	Document json.RawMessage `json:"document"`
}

func (c *corpusCase) policies() []corpusPolicy { return c.Policies }

func loadCorpus(t testing.TB) []*corpusCase {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var out []*corpusCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := &corpusCase{file: f}
		if err := json.Unmarshal(b, c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, c)
	}
	return out
}

func tags(m map[string]string) []policy.Tag {
	var out []policy.Tag
	for k, v := range m {
		out = append(out, policy.Tag{Key: k, Value: v})
	}
	slices.SortFunc(out, func(a, b policy.Tag) int {
		if a.Key < b.Key {
			return -1
		}
		return 1
	})
	return out
}

func (c *corpusCase) request(t testing.TB) *policy.Request {
	t.Helper()
	p := c.Request.Principal
	r := &policy.Request{
		Principal: policy.Caller{ARN: p.ARN, RoleARN: p.RoleARN, Type: policy.PrincipalType(p.Type), Account: p.Account,
			UserName: p.UserName, UserID: p.UserID, SourceIdentity: p.SourceIdentity, Service: p.Service,
			Tags: tags(p.Tags), SessionTags: tags(p.SessionTags)},
		Action:   c.Request.Action,
		Resource: c.Request.Resource,
	}
	if c.Request.Time != "" {
		tm, err := time.Parse(time.RFC3339, c.Request.Time)
		if err != nil {
			t.Fatalf("%s: time: %v", c.file, err)
		}
		r.Time = tm
	}
	keys := make([]string, 0, len(c.Request.Context))
	for k := range c.Request.Context {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		raw := c.Request.Context[k]
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			r.Context.Set(k, one)
			continue
		}
		var many []string
		if err := json.Unmarshal(raw, &many); err != nil {
			t.Fatalf("%s: context %s: %v", c.file, k, err)
		}
		r.Context.SetMulti(k, many...)
	}
	return r
}

// A "trust" policy is a role trust policy: the role's resource-based policy,
// which must allow even within one account.
//
// TestCorpusIdentityOnly replays the corpus cases that involve identity
// policies only through a single Set; internal/authz replays every case.
func TestCorpusIdentityOnly(t *testing.T) {
	n := 0
	for _, c := range loadCorpus(t) {
		identityOnly := true
		for _, p := range c.Policies {
			identityOnly = identityOnly && p.Type == "identity"
		}
		if !identityOnly || c.ResourceAccount != "" || c.Request.Principal.Type == string(policy.PrincipalAccount) {
			continue
		}
		n++
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			var ps []*policy.Policy
			for _, p := range c.Policies {
				cp, err := policy.CompileJSON(p.Document, policy.Options{Name: p.Name})
				if err != nil {
					t.Fatalf("%s: %v", p.Name, err)
				}
				ps = append(ps, cp)
			}
			got, matched := policy.NewSet(ps...).Evaluate(c.request(t), nil)
			if got.String() != c.Expect.Decision {
				t.Errorf("%s\ndecision %v, want %s (%s)", c.Description, got, c.Expect.Decision, c.Doc)
			}
			sids := []string{}
			for _, m := range matched {
				sids = append(sids, m.Sid)
			}
			if c.Expect.MatchedSids != nil && !slices.Equal(sids, c.Expect.MatchedSids) {
				t.Errorf("matched %q, want %q", sids, c.Expect.MatchedSids)
			}
		})
	}
	if n < 10 {
		t.Errorf("only %d identity-only corpus cases", n)
	}
}
