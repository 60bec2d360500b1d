package compat

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// providerMirror finds a Terraform filesystem mirror that holds the AWS
// provider: $ABACUS_TF_PROVIDER_MIRROR, else a folder containing
// registry.terraform.io/hashicorp/aws under the usual plugin locations.
func providerMirror() string {
	if d := os.Getenv("ABACUS_TF_PROVIDER_MIRROR"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	roots := []string{"/opt", "/usr/local/share/terraform", "/usr/share/terraform", filepath.Join(home, ".terraform.d"), filepath.Join(home, ".local/share/terraform")}
	for _, root := range roots {
		found := ""
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || found != "" {
				return fs.SkipDir
			}
			if !d.IsDir() {
				return nil
			}
			if strings.HasSuffix(p, filepath.Join("registry.terraform.io", "hashicorp", "aws")) {
				found = filepath.Dir(filepath.Dir(filepath.Dir(p)))
				return fs.SkipAll
			}
			if strings.Count(strings.TrimPrefix(p, root), string(filepath.Separator)) > 5 {
				return fs.SkipDir
			}
			return nil
		})
		if found != "" {
			return found
		}
	}
	return ""
}

// terraform runs a Terraform configuration from examples/ against s:
// init from the provider mirror, apply, a plan that must be empty, destroy.
func terraform(t *testing.T, s *server, example string) {
	t.Helper()
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not installed; skipping the Terraform example")
	}
	mirror := providerMirror()
	if mirror == "" {
		t.Skip("no Terraform provider mirror with registry.terraform.io/hashicorp/aws found; set ABACUS_TF_PROVIDER_MIRROR")
	}
	work := t.TempDir()
	src := filepath.Join("..", "..", "examples", "terraform", example)
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s", src)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rc := filepath.Join(work, "terraformrc")
	cfg := "provider_installation {\n  filesystem_mirror {\n    path = \"" + mirror + "\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n  direct {\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n}\n"
	if err := os.WriteFile(rc, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(cleanAWSEnv(os.Environ()),
		"TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "HOME="+work,
		"AWS_ENDPOINT_URL="+s.Endpoint, "AWS_ACCESS_KEY_ID="+rootKeyID, "AWS_SECRET_ACCESS_KEY="+rootSecret,
		"AWS_REGION="+region, "AWS_EC2_METADATA_DISABLED=true")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(tf, args...)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s\nserver log:\n%s", strings.Join(args, " "), err, out, tail(s.Log(), 40))
		}
		return string(out)
	}
	run("init", "-input=false", "-no-color")
	run("apply", "-auto-approve", "-input=false", "-no-color")
	// A second plan must find nothing to change: every attribute read back
	// equals what was applied.
	cmd := exec.Command(tf, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = work, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the plan after apply is not empty (%v):\n%s", err, out)
	}
	run("destroy", "-auto-approve", "-input=false", "-no-color")
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func TestTerraformIAM(t *testing.T) {
	t.Parallel()
	s := start(t)
	terraform(t, s, "iam")
}
