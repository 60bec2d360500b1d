package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"abacus/internal/server"
)

const envUsage = `Usage: abacus env [flags]

Prints the shell exports that point the AWS CLI, SDKs and Terraform at the
abacus server running on a data dir:

  eval "$(abacus env)"

The endpoint is the running server's (written to <data-dir>/endpoint at
start), else http://127.0.0.1:4599; the keys are the root credentials from
ABACUS_ROOT_ACCESS_KEY_ID / ABACUS_ROOT_SECRET_ACCESS_KEY or
<data-dir>/credentials.

Flags:
`

func envCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, envUsage)
		fs.PrintDefaults()
	}
	dir := fs.String("data-dir", "./abacus-data", "the data dir of the server")
	region := fs.String("region", "us-east-1", "the region to export")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	endpoint := "http://127.0.0.1:4599"
	if b, err := os.ReadFile(filepath.Join(*dir, endpointFile)); err == nil {
		endpoint = strings.TrimSpace(string(b))
	}
	id, secret := os.Getenv("ABACUS_ROOT_ACCESS_KEY_ID"), os.Getenv("ABACUS_ROOT_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		c, err := server.ReadCredentialsFile(filepath.Join(*dir, server.CredentialsFile))
		if err != nil {
			fmt.Fprintf(stderr, "abacus env: no root credentials: %v (start \"abacus serve --data-dir %s\" once, or set ABACUS_ROOT_ACCESS_KEY_ID and ABACUS_ROOT_SECRET_ACCESS_KEY)\n", err, *dir)
			return 1
		}
		id, secret = c.AccessKeyID, c.SecretAccessKey
	}
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL=%s\n", shellQuote(endpoint))
	fmt.Fprintf(stdout, "export AWS_ACCESS_KEY_ID=%s\n", shellQuote(id))
	fmt.Fprintf(stdout, "export AWS_SECRET_ACCESS_KEY=%s\n", shellQuote(secret))
	fmt.Fprintf(stdout, "unset AWS_SESSION_TOKEN AWS_PROFILE\n")
	fmt.Fprintf(stdout, "export AWS_REGION=%s\n", shellQuote(*region))
	fmt.Fprintf(stdout, "export AWS_DEFAULT_REGION=%s\n", shellQuote(*region))
	return 0
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=+@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
