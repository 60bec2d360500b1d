// Command abacus is an AWS-compatible control plane for multi-tenant ML
// platforms: IAM, STS, SageMaker, S3, Secrets Manager, EMR and CloudTrail on
// one port, with a faithful IAM policy engine and a CloudTrail-format audit
// trail.
//
// Usage:
//
//	abacus serve [flags]      run the server
//	abacus env [flags]        print shell exports for a data dir's server
//	abacus policy ...         validate and simulate IAM policies offline
//	abacus audit ...          query the audit trail of a running server
//	abacus studio credentials print a Studio user's session credentials
//	abacus version            print the version
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `abacus: an AWS-compatible control plane with a faithful IAM engine

Usage:
  abacus serve [flags]     run the server (abacus serve -h for flags)
  abacus env [flags]       print shell exports (AWS_ENDPOINT_URL, keys, region) for a data dir
  abacus policy CMD ...    validate and simulate IAM policies offline (validate | simulate)
  abacus audit [flags]     query the audit trail of a running server
  abacus studio credentials --domain-id D --user-profile U
                           print a SageMaker Studio user's session credentials (credential_process JSON)
  abacus version           print the version

Run "abacus COMMAND -h" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the process exit code: 0 on
// success, 1 on a runtime failure, 2 on bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serveCommand(args[1:], stdout, stderr)
	case "env":
		return envCommand(args[1:], stdout, stderr)
	case "policy":
		return policyCommand(args[1:], stdout, stderr)
	case "audit":
		return auditCommand(args[1:], stdout, stderr)
	case "studio":
		return studioCommand(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "abacus %s\n", version)
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "abacus: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
