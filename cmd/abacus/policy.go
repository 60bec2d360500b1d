package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"abacus/internal/arn"
	"abacus/internal/authz"
	"abacus/internal/policy"
)

const policyUsage = `Usage: abacus policy <command> [flags]

Work with IAM policy documents offline: nothing here talks to a server.

Commands:
  validate   check policy documents as IAM would and print every error with its position
  simulate   decide one request against a set of policies and explain the decision

Run "abacus policy <command> --help" for a command's flags.
`

const validateUsage = `Usage: abacus policy validate [--kind KIND] FILE...

Validate IAM JSON policy documents the way IAM does when a policy is created
(MalformedPolicyDocument). Every problem is printed as FILE:LINE:COL: message,
naming the statement and the element at fault. A valid document prints
"FILE: valid (N characters)", N being its size as IAM counts it (white space
excluded).

Exit status: 0 when every file is valid, 1 when any is not, 2 on bad usage or
an unreadable file.

Flags:
  --kind KIND   identity, resource, trust, boundary, session or scp. Default:
                resource when any statement names a Principal or NotPrincipal,
                identity otherwise.
`

const simulateUsage = `Usage: abacus policy simulate --policy F [--policy F]... [--boundary F]
         [--resource-policy F | --trust-policy F] [--session-policy F]... [--scp F]...
         --principal ARN --action ACTION --resource ARN
         [--context KEY=VALUE]... [--resource-account ID] [--time RFC3339]
         [--output text|json]

Decide whether the principal may perform the action on the resource, combining
the policy types as AWS's policy evaluation logic does, and explain why.

  --policy F            identity-based policy of the principal (repeatable)
  --boundary F          permissions boundary of the principal
  --resource-policy F   resource-based policy of the resource
  --trust-policy F      trust policy of the role being assumed (the resource);
                        unlike other resource-based policies it must allow
                        even within the account
  --session-policy F    session policy of a role session (repeatable)
  --scp F               service control policy applying to the principal's
                        account (repeatable; all are treated as one level)
  --principal ARN       caller: arn:aws:iam::ACCOUNT:user/NAME,
                        arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or
                        arn:aws:iam::ACCOUNT:root
  --action ACTION       service:Action
  --resource ARN        resource ARN, or *
  --context KEY=VALUE   request context key (repeatable; repeating a key makes
                        it multivalued), e.g. --context aws:SourceIdentity=alice
                        --context sagemaker:ResourceTag/owner=alice; it also
                        overrides aws:username and aws:userid, which are
                        otherwise derived from --principal
  --resource-account ID account owning the resource; default: the account in
                        the resource ARN, else the principal's
  --time T              aws:CurrentTime as RFC 3339; default: now
  --output FORMAT       text (default) or json

Exit status: 0 when a decision was made (allowed or denied), 2 on bad input.
`

// policyCommand runs "abacus policy ARGS..." and returns the exit status.
// args excludes the word "policy".
func policyCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, policyUsage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, policyUsage)
		return 0
	case "validate":
		return policyValidate(args[1:], stdout, stderr)
	case "simulate":
		return policySimulate(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "abacus policy: unknown command %q\n\n%s", args[0], policyUsage)
	return 2
}

func newFlagSet(name, usage string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stdout, usage) }
	return fs
}

// parseFlags parses fs and returns (exit status, done). Help exits 0.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0, true
	case err != nil:
		return 2, true
	}
	return 0, false
}

func policyValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("abacus policy validate", validateUsage, stdout, stderr)
	kindFlag := fs.String("kind", "", "policy kind")
	if code, done := parseFlags(fs, interleave(args, map[string]bool{"kind": true})); done {
		return code
	}
	var kind policy.Kind
	if *kindFlag != "" {
		k, ok := policy.ParseKind(*kindFlag)
		if !ok {
			fmt.Fprintf(stderr, "abacus policy validate: unknown --kind %q (want identity, resource, trust, boundary, session or scp)\n", *kindFlag)
			return 2
		}
		kind = k
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, "abacus policy validate: no files given\n\n"+validateUsage)
		return 2
	}
	status := 0
	for _, name := range fs.Args() {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "abacus policy validate: %v\n", err)
			status = 2
			continue
		}
		doc, err := policy.Parse(src)
		if err == nil {
			k := kind
			if *kindFlag == "" {
				k = guessKind(doc)
			}
			err = doc.Validate(k)
		}
		if err == nil {
			fmt.Fprintf(stdout, "%s: valid (%d characters)\n", name, policy.Size(src))
			continue
		}
		if status == 0 {
			status = 1
		}
		for _, e := range flatten(err) {
			fmt.Fprintf(stdout, "%s:%s\n", name, positioned(e))
		}
	}
	return status
}

// interleave moves flags that follow positional arguments to the front, so
// that "validate a.json --kind trust" works like "validate --kind trust
// a.json". valued names the flags that take a value.
func interleave(args []string, valued map[string]bool) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if valued[name] && !strings.Contains(name, "=") && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(append(flags, "--"), pos...)
}

func guessKind(d *policy.Document) policy.Kind {
	for _, st := range d.Statements {
		if st.Principal != nil || st.NotPrincipal != nil {
			return policy.KindResource
		}
	}
	return policy.KindIdentity
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// positioned renders an error as "LINE:COL: message".
func positioned(err error) string {
	var se *policy.SyntaxError
	var ve *policy.ValidationError
	switch {
	case errors.As(err, &se):
		return se.Error()
	case errors.As(err, &ve):
		if ve.Line == 0 {
			return "1:1: " + ve.Error()
		}
		return ve.Error()
	}
	return "1:1: " + err.Error()
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type simFlags struct {
	policies, sessions, scps, contexts listFlag
	boundary, resourcePolicy, trust    string
	principal, action, resource        string
	resourceAccount, at, output        string
}

func policySimulate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("abacus policy simulate", simulateUsage, stdout, stderr)
	var f simFlags
	fs.Var(&f.policies, "policy", "identity-based policy file")
	fs.Var(&f.sessions, "session-policy", "session policy file")
	fs.Var(&f.scps, "scp", "service control policy file")
	fs.Var(&f.contexts, "context", "KEY=VALUE")
	fs.StringVar(&f.boundary, "boundary", "", "permissions boundary file")
	fs.StringVar(&f.resourcePolicy, "resource-policy", "", "resource-based policy file")
	fs.StringVar(&f.trust, "trust-policy", "", "role trust policy file")
	fs.StringVar(&f.principal, "principal", "", "principal ARN")
	fs.StringVar(&f.action, "action", "", "action")
	fs.StringVar(&f.resource, "resource", "", "resource ARN")
	fs.StringVar(&f.resourceAccount, "resource-account", "", "resource owner account")
	fs.StringVar(&f.at, "time", "", "request time")
	fs.StringVar(&f.output, "output", "text", "text or json")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "abacus policy simulate: "+format+"\n", a...)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return bad("unexpected argument %q", fs.Arg(0))
	case f.principal == "":
		return bad("--principal is required")
	case f.action == "":
		return bad("--action is required")
	case f.resource == "":
		return bad("--resource is required")
	case f.output != "text" && f.output != "json":
		return bad("--output must be text or json, not %q", f.output)
	case f.resourcePolicy != "" && f.trust != "":
		return bad("--resource-policy and --trust-policy both name the resource's policy; give one")
	}
	if !strings.Contains(f.action, ":") && f.action != "*" {
		return bad("--action %q must be service:Action", f.action)
	}
	caller, err := callerFromARN(f.principal)
	if err != nil {
		return bad("--principal: %v", err)
	}
	req := &policy.Request{Principal: caller, Action: f.action, Resource: f.resource}
	if f.at == "" {
		req.Time = time.Now().UTC()
	} else if req.Time, err = time.Parse(time.RFC3339, f.at); err != nil {
		return bad("--time %q is not RFC 3339 (2026-01-02T15:04:05Z)", f.at)
	}
	seen := map[string]bool{}
	for _, kv := range f.contexts {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return bad("--context %q must be KEY=VALUE", kv)
		}
		lk := strings.ToLower(k)
		// A --context value for a key the ARN would derive wins.
		switch lk {
		case "aws:username":
			req.Principal.UserName = ""
		case "aws:userid":
			req.Principal.UserID = ""
		}
		if seen[lk] {
			req.Context.Add(k, v)
		} else {
			req.Context.Set(k, v)
			seen[lk] = true
		}
	}
	in := &authz.Input{Request: req, ResourceAccount: f.resourceAccount}
	if in.ResourceAccount == "" {
		if a, err := arn.Parse(f.resource); err == nil && a.Account != "" {
			in.ResourceAccount = a.Account
		}
	}
	load := func(files []string, kind policy.Kind) (*policy.Set, error) {
		var ps []*policy.Policy
		for _, name := range files {
			src, err := os.ReadFile(name)
			if err != nil {
				return nil, err
			}
			p, err := policy.CompileJSON(src, policy.Options{Name: name, Kind: kind})
			if err != nil {
				var msgs []string
				for _, e := range flatten(err) {
					msgs = append(msgs, name+":"+positioned(e))
				}
				return nil, errors.New("invalid " + kind.String() + " policy:\n  " + strings.Join(msgs, "\n  "))
			}
			ps = append(ps, p)
		}
		return policy.NewSet(ps...), nil
	}
	one := func(file string) []string {
		if file == "" {
			return nil
		}
		return []string{file}
	}
	type src struct {
		files []string
		kind  policy.Kind
		dst   **policy.Set
	}
	var scp *policy.Set
	for _, s := range []src{
		{f.policies, policy.KindIdentity, &in.Identity},
		{one(f.boundary), policy.KindBoundary, &in.Boundary},
		{one(f.resourcePolicy), policy.KindResource, &in.ResourcePolicy},
		{one(f.trust), policy.KindTrust, &in.ResourcePolicy},
		{f.sessions, policy.KindSession, &in.Session},
		{f.scps, policy.KindSCP, &scp},
	} {
		if len(s.files) == 0 {
			continue
		}
		set, err := load(s.files, s.kind)
		if err != nil {
			return bad("%v", err)
		}
		*s.dst = set
	}
	if scp != nil {
		in.SCPs = []*policy.Set{scp}
	}
	in.ResourcePolicyRequired = f.trust != ""
	exp := authz.Explain(in)
	if f.output == "json" {
		return writeJSON(stdout, stderr, req, &exp)
	}
	writeText(stdout, req, &exp)
	return 0
}

// callerFromARN derives the caller's typed fields from its ARN.
func callerFromARN(s string) (policy.Caller, error) {
	if s == "*" {
		return policy.Caller{Type: policy.PrincipalAnonymous, ARN: "*"}, nil
	}
	a, err := arn.Parse(s)
	if err != nil {
		return policy.Caller{}, err
	}
	c := policy.Caller{ARN: s, Account: a.Account}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	switch {
	case a.Service == "iam" && a.Resource == "root":
		c.Type = policy.PrincipalAccount
		c.UserID = a.Account
	case a.Service == "iam" && kind == "user":
		c.Type = policy.PrincipalUser
		c.UserName = rest[strings.LastIndexByte(rest, '/')+1:]
	case a.Service == "iam" && kind == "role":
		// A role ARN as the caller: treat it as a session of the role.
		c.Type = policy.PrincipalAssumedRole
		c.RoleARN = s
	case a.Service == "sts" && kind == "assumed-role":
		role, _, ok := strings.Cut(rest, "/")
		if !ok {
			return policy.Caller{}, fmt.Errorf("%q: want arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION", s)
		}
		c.Type = policy.PrincipalAssumedRole
		c.RoleARN = "arn:" + a.Partition + ":iam::" + a.Account + ":role/" + role
	case a.Service == "sts" && kind == "federated-user":
		c.Type = policy.PrincipalFederatedUser
	default:
		return policy.Caller{}, fmt.Errorf("%q is not a user, role, assumed-role session or root ARN", s)
	}
	if c.Account == "" {
		return policy.Caller{}, fmt.Errorf("%q has no account ID", s)
	}
	return c, nil
}

type jsonStatement struct {
	PolicyType string `json:"policyType"`
	Policy     string `json:"policy"`
	Sid        string `json:"sid,omitempty"`
	Index      int    `json:"index"`
	Effect     string `json:"effect"`
	Applied    *bool  `json:"applied,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

type jsonResult struct {
	Decision          string          `json:"decision"`
	DeniedBy          string          `json:"deniedBy,omitempty"`
	Message           string          `json:"message,omitempty"`
	Principal         string          `json:"principal"`
	Action            string          `json:"action"`
	Resource          string          `json:"resource"`
	MatchedStatements []jsonStatement `json:"matchedStatements"`
	Explanation       []jsonStatement `json:"explanation"`
}

func writeJSON(stdout, stderr io.Writer, req *policy.Request, exp *authz.Explanation) int {
	out := jsonResult{
		Decision:          exp.Decision.String(),
		DeniedBy:          exp.DeniedBy.Key(),
		Message:           exp.Message(req),
		Principal:         req.Principal.ARN,
		Action:            req.Action,
		Resource:          req.Resource,
		MatchedStatements: []jsonStatement{},
		Explanation:       []jsonStatement{},
	}
	for i, m := range exp.Matched {
		out.MatchedStatements = append(out.MatchedStatements, jsonStatement{
			PolicyType: exp.Type(i).Key(), Policy: m.Policy.Label(), Sid: m.Sid, Index: m.Statement, Effect: m.Effect.String(),
		})
	}
	for _, s := range exp.Statements {
		applied := s.Applied
		out.Explanation = append(out.Explanation, jsonStatement{
			PolicyType: s.Type.Key(), Policy: s.Policy.Label(), Sid: s.Sid, Index: s.Statement, Effect: s.Effect.String(),
			Applied: &applied, Reason: s.Reason,
		})
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "abacus policy simulate: %v\n", err)
		return 2
	}
	return 0
}

func stmtName(p *policy.Policy, index int, sid string) string {
	s := fmt.Sprintf("%s statement %d", p.Label(), index+1)
	if sid != "" {
		s += fmt.Sprintf(" (Sid %q)", sid)
	}
	return s
}

func writeText(w io.Writer, req *policy.Request, exp *authz.Explanation) {
	fmt.Fprintf(w, "Decision: %s\n", exp.Decision)
	fmt.Fprintf(w, "Request:  %s %s on %s\n", req.Principal.ARN, req.Action, req.Resource)
	if msg := exp.Message(req); msg != "" {
		fmt.Fprintf(w, "AccessDenied: %s\n", msg)
	}
	fmt.Fprintln(w)
	if len(exp.Matched) == 0 {
		fmt.Fprintln(w, "Matched statements: none")
	} else {
		fmt.Fprintln(w, "Matched statements:")
		for i, m := range exp.Matched {
			fmt.Fprintf(w, "  %-5s %s: %s\n", m.Effect, exp.Type(i), stmtName(m.Policy, m.Statement, m.Sid))
		}
	}
	fmt.Fprintln(w)
	if len(exp.Statements) == 0 {
		fmt.Fprintf(w, "No statement in any policy names %s.\n", req.Action)
		return
	}
	fmt.Fprintf(w, "Statements that name %s:\n", req.Action)
	for _, s := range exp.Statements {
		state := "applied"
		if !s.Applied {
			state = "did not apply: " + s.Reason
		}
		fmt.Fprintf(w, "  %-5s %s: %s\n        %s\n", s.Effect, s.Type, stmtName(s.Policy, s.Statement, s.Sid), state)
	}
}
