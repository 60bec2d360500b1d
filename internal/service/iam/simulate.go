package iam

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"abacus/internal/authz"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/store"
)

// source is one policy document taking part in a simulation, with the
// names IAM's simulator reports for it.
type source struct {
	id   string // SourcePolicyId: a policy name, "PolicyInputList.1", ...
	typ  string // SourcePolicyType: user, group, role, aws-managed, user-managed, resource, none
	doc  string
	kind policy.Kind
	pol  *policy.Policy
}

func (s *source) compile(member string) error {
	d, err := policy.Parse([]byte(s.doc))
	if err == nil {
		s.pol, err = policy.Compile(d, policy.Options{Name: s.id, Kind: s.kind})
	}
	if err != nil {
		return &Error{Kind: ErrInvalidInput, Message: member + ": " + malformedMessage(err), Err: err}
	}
	return nil
}

// simulation is everything a simulator call evaluates.
type simulation struct {
	identity []*source
	boundary *source // nil: no permissions boundary
	resource *source // nil: no resource-based policy
	caller   policy.Caller
	owner    string // ResourceOwner, "" when not given
	context  policy.Context
	now      time.Time
}

func (sim *simulation) all() []*source {
	out := append([]*source(nil), sim.identity...)
	if sim.boundary != nil {
		out = append(out, sim.boundary)
	}
	if sim.resource != nil {
		out = append(out, sim.resource)
	}
	return out
}

// inputSources compiles the policies given in a request.
func inputSources(member string, docs []string, typ string, kind policy.Kind) ([]*source, error) {
	out := make([]*source, 0, len(docs))
	for i, doc := range docs {
		var v validator
		name := member + "." + strconv.Itoa(i+1)
		v.document(name, doc)
		if err := v.err(); err != nil {
			return nil, err
		}
		s := &source{id: name, typ: typ, doc: doc, kind: kind}
		if err := s.compile(name); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// contextFromEntries converts ContextEntries, checking each value against
// its ContextKeyType.
func contextFromEntries(entries []ContextEntry) (policy.Context, error) {
	var ctx policy.Context
	for i, e := range entries {
		if e.ContextKeyName == nil || len(*e.ContextKeyName) < 5 || len(*e.ContextKeyName) > 256 {
			return ctx, errorf(ErrInvalidInput, "ContextEntries.%d: ContextKeyName must be 5 to 256 characters long.", i+1)
		}
		key := *e.ContextKeyName
		typ := "string"
		if e.ContextKeyType != nil {
			typ = *e.ContextKeyType
		}
		base, list := strings.CutSuffix(typ, "List")
		check, ok := contextTypes[base]
		if !ok {
			return ctx, errorf(ErrValidation, "1 validation error detected: Value '%s' at 'contextEntries.%d.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]", typ, i+1)
		}
		for _, val := range e.ContextKeyValues {
			if !check(val) {
				return ctx, errorf(ErrInvalidInput, "Invalid value %q for context key %s of type %s.", val, key, typ)
			}
		}
		if list {
			ctx.SetMulti(key, e.ContextKeyValues...)
			continue
		}
		switch len(e.ContextKeyValues) {
		case 0:
			return ctx, errorf(ErrInvalidInput, "Context key %s of type %s needs a value.", key, typ)
		case 1:
			ctx.Set(key, e.ContextKeyValues[0])
		default:
			return ctx, errorf(ErrInvalidInput, "Context key %s of type %s takes one value; use type %sList for several.", key, typ, typ)
		}
	}
	return ctx, nil
}

// contextTypes checks a value of each ContextKeyType.
var contextTypes = map[string]func(string) bool{
	"string": func(string) bool { return true },
	"numeric": func(s string) bool {
		_, err := strconv.ParseFloat(s, 64)
		return err == nil
	},
	"boolean": func(s string) bool { return strings.EqualFold(s, "true") || strings.EqualFold(s, "false") },
	"ip": func(s string) bool {
		if _, err := netip.ParsePrefix(s); err == nil {
			return true
		}
		_, err := netip.ParseAddr(s)
		return err == nil
	},
	"binary": func(s string) bool {
		_, err := base64.StdEncoding.DecodeString(s)
		return err == nil
	},
	"date": func(s string) bool {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return true
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z", "2006-01-02"} {
			if _, err := time.Parse(layout, s); err == nil {
				return true
			}
		}
		return false
	},
}

// callerFromARN is the simulated caller named by CallerArn (an IAM user).
func callerFromARN(arn string) (policy.Caller, error) {
	acct, rest, ok := splitIAMARN(arn)
	if !ok || !strings.HasPrefix(rest, "user/") {
		return policy.Caller{}, errorf(ErrInvalidInput, "Invalid CallerArn %s: it must be the ARN of an IAM user.", arn)
	}
	return policy.Caller{ARN: arn, Type: policy.PrincipalUser, Account: acct, UserName: rest[strings.LastIndexByte(rest, '/')+1:]}, nil
}

// splitIAMARN splits arn:aws:iam::ACCOUNT:REST.
func splitIAMARN(arn string) (acct, rest string, ok bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[2] != "iam" {
		return "", "", false
	}
	return p[4], p[5], true
}

// run evaluates every action on every resource, one EvaluationResult per
// action: the most restrictive decision across the resources on top, the
// per-resource detail in ResourceSpecificResults when resources were named.
func (sim *simulation) run(actions, resources []string) []EvaluationResult {
	sim.preferContext()
	var identity []*policy.Policy
	for _, s := range sim.identity {
		identity = append(identity, s.pol)
	}
	in := authz.Input{Identity: policy.NewSet(identity...)}
	if sim.boundary != nil {
		in.Boundary = policy.NewSet(sim.boundary.pol)
	}
	if sim.resource != nil {
		in.ResourcePolicy = policy.NewSet(sim.resource.pol)
	}
	bySource := make(map[*policy.Policy]*source)
	for _, s := range sim.all() {
		bySource[s.pol] = s
	}
	wildcard := len(resources) == 0 || (len(resources) == 1 && resources[0] == "*")
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	out := make([]EvaluationResult, 0, len(actions))
	for _, action := range actions {
		res := EvaluationResult{EvalActionName: action, EvalResourceName: ptr("*")}
		if len(resources) == 1 {
			res.EvalResourceName = ptr(resources[0])
		}
		agg := policy.Allowed
		var aggMatched []Statement
		for _, resource := range resources {
			req := &policy.Request{Principal: sim.caller, Action: action, Resource: resource, Time: sim.now, Context: sim.context}
			in := in
			in.Request = req
			in.ResourceAccount = sim.resourceAccount(resource)
			r := authz.Evaluate(&in, nil)
			matched := sim.statements(bySource, r)
			missing := sim.missing(in, req)
			rs := ResourceSpecificResult{
				EvalResourceName:     resource,
				EvalResourceDecision: r.Decision.String(),
				MatchedStatements:    matched,
				MissingContextValues: missing,
			}
			if in.Boundary != nil {
				rs.PermissionsBoundaryDecisionDetail = &PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: ptr(in.Boundary.Decide(req) == policy.Allowed)}
			}
			if details := sim.details(in, req, resource); details != nil {
				rs.EvalDecisionDetails = details
			}
			if restrictiveness(r.Decision) > restrictiveness(agg) {
				agg, aggMatched = r.Decision, nil
			}
			if r.Decision == agg {
				aggMatched = appendStatements(aggMatched, matched)
			}
			if wildcard {
				res.MissingContextValues = missing
				res.PermissionsBoundaryDecisionDetail = rs.PermissionsBoundaryDecisionDetail
				res.EvalDecisionDetails = rs.EvalDecisionDetails
			} else {
				res.ResourceSpecificResults = append(res.ResourceSpecificResults, rs)
			}
		}
		res.EvalDecision = agg.String()
		res.MatchedStatements = aggMatched
		if res.MatchedStatements == nil {
			res.MatchedStatements = []Statement{}
		}
		if res.MissingContextValues == nil {
			res.MissingContextValues = []string{}
		}
		if !wildcard {
			// Present but empty for a same-account simulation on named
			// resources, as IAM documents.
			if res.EvalDecisionDetails == nil {
				res.EvalDecisionDetails = map[string]string{}
			}
			if len(res.ResourceSpecificResults) == 1 {
				res.PermissionsBoundaryDecisionDetail = res.ResourceSpecificResults[0].PermissionsBoundaryDecisionDetail
			}
		}
		out = append(out, res)
	}
	return out
}

// preferContext lets ContextEntries supply keys the engine would otherwise
// derive from the simulated caller and the clock (aws:CurrentTime,
// aws:EpochTime, aws:username, aws:userid, aws:SourceIdentity,
// aws:PrincipalTag/*): the simulator evaluates with the values it is given.
func (sim *simulation) preferContext() {
	for _, e := range sim.context.Entries() {
		k := strings.ToLower(e.Key)
		switch k {
		case "aws:currenttime", "aws:epochtime":
			sim.now = time.Time{}
		case "aws:username":
			sim.caller.UserName = ""
		case "aws:userid":
			sim.caller.UserID = ""
		case "aws:sourceidentity":
			sim.caller.SourceIdentity = ""
		}
		if tag, ok := strings.CutPrefix(k, "aws:principaltag/"); ok {
			sim.caller.Tags = slices.DeleteFunc(slices.Clone(sim.caller.Tags), func(t policy.Tag) bool { return strings.EqualFold(t.Key, tag) })
		}
	}
}

func restrictiveness(d policy.Decision) int {
	switch d {
	case policy.ExplicitDeny:
		return 2
	case policy.ImplicitDeny:
		return 1
	}
	return 0
}

func appendStatements(have, add []Statement) []Statement {
	for _, s := range add {
		dup := false
		for _, h := range have {
			if *h.SourcePolicyId == *s.SourcePolicyId && *h.StartPosition.Line == *s.StartPosition.Line && *h.StartPosition.Column == *s.StartPosition.Column {
				dup = true
				break
			}
		}
		if !dup {
			have = append(have, s)
		}
	}
	return have
}

// resourceAccount is the account that owns a simulated resource: the
// ResourceOwner when given, else the account in the ARN, else the caller's.
func (sim *simulation) resourceAccount(resource string) string {
	if sim.owner != "" {
		return sim.owner
	}
	if p := strings.SplitN(resource, ":", 6); len(p) == 6 && p[4] != "" {
		return p[4]
	}
	return ""
}

// details is EvalDecisionDetails for a cross-account simulation: how the
// caller's IAM policies and the resource-based policy decided on their own.
func (sim *simulation) details(in authz.Input, req *policy.Request, resource string) map[string]string {
	acct := sim.resourceAccount(resource)
	if acct == "" || acct == sim.caller.Account {
		return nil
	}
	return map[string]string{
		"IAM Policy":      in.Identity.Decide(req).String(),
		"Resource Policy": in.ResourcePolicy.Decide(req).String(),
	}
}

// statements are the MatchedStatements of a result: the statements that
// decided it (only the denying ones for an explicit deny).
func (sim *simulation) statements(bySource map[*policy.Policy]*source, r authz.Result) []Statement {
	out := []Statement{}
	for i, m := range r.Matched {
		if r.Type(i) == authz.TypeBoundary {
			continue
		}
		if (r.Decision == policy.ExplicitDeny) != (m.Effect == policy.EffectDeny) {
			continue
		}
		if r.Decision == policy.ImplicitDeny {
			continue
		}
		s := bySource[m.Policy]
		if s == nil {
			continue
		}
		start, end := statementSpan(s.doc, m.Policy.Document(), m.Statement)
		out = append(out, Statement{SourcePolicyId: ptr(s.id), SourcePolicyType: ptr(s.typ), StartPosition: start, EndPosition: end})
	}
	return out
}

// missing lists the condition keys that the statements naming the action
// read but the request does not supply.
func (sim *simulation) missing(in authz.Input, req *policy.Request) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, set := range []*policy.Set{in.Identity, in.Boundary, in.ResourcePolicy} {
		for _, sr := range set.Explain(req) {
			st := sr.Policy.Document().Statements[sr.Statement]
			for _, key := range statementKeys(st) {
				lk := strings.ToLower(key)
				if seen[lk] || sim.supplies(req, key) {
					continue
				}
				seen[lk] = true
				out = append(out, key)
			}
		}
	}
	sort.Strings(out)
	return out
}

// supplies reports whether the simulated request has a value for key,
// given or derived from the caller and the time.
func (sim *simulation) supplies(req *policy.Request, key string) bool {
	if _, ok := req.Context.Get(key); ok {
		return true
	}
	p := req.Principal
	lk := strings.ToLower(key)
	if tag, ok := strings.CutPrefix(lk, "aws:principaltag/"); ok {
		for _, t := range p.Tags {
			if strings.EqualFold(t.Key, tag) {
				return true
			}
		}
		return false
	}
	switch lk {
	case "aws:username":
		return p.UserName != ""
	case "aws:userid":
		return p.UserID != ""
	case "aws:principalarn":
		return p.PrincipalARN() != ""
	case "aws:principalaccount":
		return p.Account != ""
	case "aws:principaltype":
		return p.Type != ""
	case "aws:sourceidentity":
		return p.SourceIdentity != ""
	case "aws:currenttime", "aws:epochtime":
		return !req.Time.IsZero()
	}
	return false
}

// statementKeys returns the condition keys a statement reads: its
// Condition keys and the policy variables in its Resource, NotResource and
// condition values.
func statementKeys(st *policy.Statement) []string {
	var keys []string
	for _, c := range st.Condition {
		keys = append(keys, c.Key)
		for _, v := range c.Values {
			keys = append(keys, variables(v)...)
		}
	}
	for _, r := range append(append([]string(nil), st.Resource...), st.NotResource...) {
		keys = append(keys, variables(r)...)
	}
	return keys
}

// variables returns the keys of the policy variables in s: ${aws:username},
// ${aws:PrincipalTag/team, 'none'}; the special ${*}, ${?} and ${$} are not
// keys.
func variables(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		s = s[i+2:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return out
		}
		v := strings.TrimSpace(s[:j])
		if k, _, ok := strings.Cut(v, ","); ok {
			v = strings.TrimSpace(k)
		}
		if v != "*" && v != "?" && v != "$" && v != "" {
			out = append(out, v)
		}
		s = s[j+1:]
	}
}

// contextKeys lists the distinct keys the documents read, sorted; keys
// compare without regard to case.
func contextKeys(docs []*policy.Document) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, d := range docs {
		for _, st := range d.Statements {
			for _, k := range statementKeys(st) {
				if lk := strings.ToLower(k); !seen[lk] {
					seen[lk] = true
					out = append(out, k)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// statementSpan returns the 1-based line and column where statement i of d
// starts and ends in its source text doc.
func statementSpan(doc string, d *policy.Document, i int) (start, end *Position) {
	if d == nil || i < 0 || i >= len(d.Statements) {
		return nil, nil
	}
	off := d.Statements[i].Offset
	return position(doc, off), position(doc, closing(doc, off))
}

// closing returns the offset just after the JSON object or array that
// starts at off.
func closing(doc string, off int) int {
	depth, inStr, esc := 0, false, false
	for i := off; i < len(doc); i++ {
		ch := doc[i]
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case ch == '\\':
				esc = true
			case ch == '"':
				inStr = false
			}
		case ch == '"':
			inStr = true
		case ch == '{' || ch == '[':
			depth++
		case ch == '}' || ch == ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(doc)
}

func position(doc string, off int) *Position {
	off = min(max(off, 0), len(doc))
	line := 1 + strings.Count(doc[:off], "\n")
	col := 1 + len([]rune(doc[strings.LastIndexByte(doc[:off], '\n')+1:off]))
	return &Position{Line: ptr(int32(line)), Column: ptr(int32(col))}
}

func validateSimulation(v *validator, actions, resources []string, marker *string, max *int32) {
	for i, a := range actions {
		v.str(fmt.Sprintf("actionNames.%d.member", i+1), a, 3, 128, nil, "")
	}
	for i, r := range resources {
		v.str(fmt.Sprintf("resourceArns.%d.member", i+1), r, 1, 2048, nil, "")
	}
	v.paging(marker, max)
}

// SimulateCustomPolicy evaluates the given policies (and optional
// permissions boundary and resource-based policy) for every action on
// every resource, without touching stored policies.
func (s *Service) SimulateCustomPolicy(_ context.Context, c *op.Call, in *SimulateCustomPolicyInput) (*SimulatePolicyResponse, error) {
	var v validator
	validateSimulation(&v, in.ActionNames, in.ResourceArns, in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	sim, err := s.customSimulation(c, in.PolicyInputList, in.PermissionsBoundaryPolicyInputList, in.ResourcePolicy, in.ResourceOwner, in.CallerArn, in.ContextEntries)
	if err != nil {
		return nil, err
	}
	return respond(sim.run(in.ActionNames, in.ResourceArns), in.Marker, in.MaxItems)
}

func respond(results []EvaluationResult, marker *string, max *int32) (*SimulatePolicyResponse, error) {
	page, tr, m, err := pageSlice(results, marker, max)
	if err != nil {
		return nil, err
	}
	return &SimulatePolicyResponse{EvaluationResults: page, IsTruncated: tr, Marker: m}, nil
}

// customSimulation builds a simulation from request parameters alone.
func (s *Service) customSimulation(c *op.Call, inputs, boundaries []string, resourcePolicy, owner, callerARN *string, entries []ContextEntry) (*simulation, error) {
	sim := &simulation{now: now(c), caller: policy.Caller{Account: string(c.Account)}}
	var err error
	if sim.identity, err = inputSources("PolicyInputList", inputs, "none", policy.KindIdentity); err != nil {
		return nil, err
	}
	if len(boundaries) > 1 {
		return nil, errorf(ErrInvalidInput, "Only one permissions boundary policy can be simulated.")
	}
	bs, err := inputSources("PermissionsBoundaryPolicyInputList", boundaries, "none", policy.KindBoundary)
	if err != nil {
		return nil, err
	}
	if len(bs) == 1 {
		sim.boundary = bs[0]
	}
	if resourcePolicy != nil {
		var v validator
		v.document("resourcePolicy", *resourcePolicy)
		if err := v.err(); err != nil {
			return nil, err
		}
		sim.resource = &source{id: "ResourcePolicy", typ: "resource", doc: *resourcePolicy, kind: policy.KindResource}
		if err := sim.resource.compile("ResourcePolicy"); err != nil {
			return nil, err
		}
	}
	if owner != nil {
		sim.owner = *owner
	}
	if callerARN != nil {
		if sim.caller, err = callerFromARN(*callerARN); err != nil {
			return nil, err
		}
	}
	if sim.context, err = contextFromEntries(entries); err != nil {
		return nil, err
	}
	return sim, nil
}

// GetContextKeysForCustomPolicy lists the condition keys the given
// policies read.
func (s *Service) GetContextKeysForCustomPolicy(_ context.Context, _ *op.Call, in *GetContextKeysForCustomPolicyInput) (*GetContextKeysForPolicyResponse, error) {
	srcs, err := inputSources("PolicyInputList", in.PolicyInputList, "none", policy.KindIdentity)
	if err != nil {
		return nil, err
	}
	return &GetContextKeysForPolicyResponse{ContextKeyNames: contextKeys(documents(srcs))}, nil
}

func documents(srcs []*source) []*policy.Document {
	out := make([]*policy.Document, 0, len(srcs))
	for _, s := range srcs {
		out = append(out, s.pol.Document())
	}
	return out
}

// principalSource names the entity of a PolicySourceArn.
type principalSource struct {
	kind model.EntityKind
	name string
}

func parseSourceARN(acct model.AccountID, arn string) (principalSource, error) {
	a, rest, ok := splitIAMARN(arn)
	kind, path, _ := strings.Cut(rest, "/")
	if !ok || a != string(acct) || path == "" {
		return principalSource{}, errorf(ErrInvalidInput, "Invalid ARN %s: PolicySourceArn must name a user, group or role of this account.", arn)
	}
	name := path[strings.LastIndexByte(path, '/')+1:]
	switch kind {
	case "user":
		return principalSource{model.EntityUser, name}, nil
	case "group":
		return principalSource{model.EntityGroup, name}, nil
	case "role":
		return principalSource{model.EntityRole, name}, nil
	}
	return principalSource{}, errorf(ErrInvalidInput, "Invalid ARN %s: PolicySourceArn must name a user, group or role of this account.", arn)
}

// entityPolicies loads the stored policies of an entity for a simulation:
// inline and attached policies (with those of a user's groups), its
// permissions boundary, and the caller it stands for.
func (s *Service) entityPolicies(ctx context.Context, c *op.Call, ps principalSource) (ids []*source, bnd *source, caller policy.Caller, err error) {
	caller = policy.Caller{Account: string(c.Account)}
	err = s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		add := func(kind model.EntityKind, name, typ string) error {
			if err := forEachPage(func(o store.ListOptions) (store.Page[model.InlinePolicy], error) {
				return tx.ListInlinePolicies(ctx, c.Account, kind, name, o)
			}, func(p model.InlinePolicy) {
				ids = append(ids, &source{id: p.PolicyName, typ: typ, doc: p.Document})
			}); err != nil {
				return err
			}
			var attached []model.AttachedPolicy
			if err := forEachPage(func(o store.ListOptions) (store.Page[model.AttachedPolicy], error) {
				return tx.ListAttachedPolicies(ctx, c.Account, kind, name, o)
			}, func(a model.AttachedPolicy) { attached = append(attached, a) }); err != nil {
				return err
			}
			for _, a := range attached {
				src, err := managedSource(ctx, tx, c.Account, a.PolicyARN)
				if err != nil {
					return err
				}
				ids = append(ids, src)
			}
			return nil
		}
		switch ps.kind {
		case model.EntityUser:
			u, err := getUser(ctx, tx, c.Account, ps.name)
			if err != nil {
				return err
			}
			caller = policy.Caller{ARN: u.ARN, Type: policy.PrincipalUser, Account: string(c.Account), UserName: u.UserName, UserID: u.UserID, Tags: callerTags(u.Tags)}
			if err := add(model.EntityUser, u.UserName, "user"); err != nil {
				return err
			}
			if err := forEachPage(func(o store.ListOptions) (store.Page[model.Group], error) {
				return tx.ListGroupsForUser(ctx, c.Account, u.UserName, o)
			}, func(g model.Group) {
				if err == nil {
					err = add(model.EntityGroup, g.GroupName, "group")
				}
			}); err != nil {
				return err
			}
			if u.PermissionsBoundary != "" {
				if bnd, err = managedSource(ctx, tx, c.Account, u.PermissionsBoundary); err != nil {
					return err
				}
			}
		case model.EntityGroup:
			g, err := getGroup(ctx, tx, c.Account, ps.name)
			if err != nil {
				return err
			}
			return add(model.EntityGroup, g.GroupName, "group")
		case model.EntityRole:
			r, err := getRole(ctx, tx, c.Account, ps.name)
			if err != nil {
				return err
			}
			caller = policy.Caller{ARN: r.ARN, RoleARN: r.ARN, Type: policy.PrincipalAssumedRole, Account: string(c.Account), UserID: r.RoleID, Tags: callerTags(r.Tags)}
			if err := add(model.EntityRole, r.RoleName, "role"); err != nil {
				return err
			}
			if r.PermissionsBoundary != "" {
				if bnd, err = managedSource(ctx, tx, c.Account, r.PermissionsBoundary); err != nil {
					return err
				}
				bnd.kind = policy.KindBoundary
			}
		}
		return err
	})
	if err != nil {
		return nil, nil, caller, err
	}
	for _, src := range ids {
		if err := src.compile(src.id); err != nil {
			return nil, nil, caller, err
		}
	}
	if bnd != nil {
		bnd.kind = policy.KindBoundary
		if err := bnd.compile(bnd.id); err != nil {
			return nil, nil, caller, err
		}
	}
	return ids, bnd, caller, nil
}

// managedSource reads the default version of a managed policy.
func managedSource(ctx context.Context, tx store.ReadTx, acct model.AccountID, arn string) (*source, error) {
	p, err := getPolicy(ctx, tx, acct, arn)
	if err != nil {
		return nil, err
	}
	v, err := tx.GetPolicyVersion(ctx, acct, arn, p.DefaultVersionID)
	if err != nil {
		return nil, err
	}
	typ := "user-managed"
	if p.IsAWSManaged() {
		typ = "aws-managed"
	}
	return &source{id: p.PolicyName, typ: typ, doc: v.Document}, nil
}

func callerTags(ts []model.Tag) []policy.Tag {
	out := make([]policy.Tag, 0, len(ts))
	for _, t := range ts {
		out = append(out, policy.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// SimulatePrincipalPolicy evaluates the stored policies of a user (with its
// groups'), group or role, plus any given ones, for every action on every
// resource.
func (s *Service) SimulatePrincipalPolicy(ctx context.Context, c *op.Call, in *SimulatePrincipalPolicyInput) (*SimulatePolicyResponse, error) {
	var v validator
	v.arn("policySourceArn", in.PolicySourceArn)
	validateSimulation(&v, in.ActionNames, in.ResourceArns, in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	ps, err := parseSourceARN(c.Account, in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	if in.ResourcePolicy != nil && in.CallerArn == nil && ps.kind != model.EntityUser {
		return nil, errorf(ErrInvalidInput, "CallerArn must be specified when a ResourcePolicy is simulated and the PolicySourceArn is not an IAM user.")
	}
	sim, err := s.customSimulation(c, in.PolicyInputList, in.PermissionsBoundaryPolicyInputList, in.ResourcePolicy, in.ResourceOwner, nil, in.ContextEntries)
	if err != nil {
		return nil, err
	}
	ids, bnd, caller, err := s.entityPolicies(ctx, c, ps)
	if err != nil {
		return nil, err
	}
	sim.identity = append(ids, sim.identity...)
	if sim.boundary == nil {
		sim.boundary = bnd
	}
	sim.caller = caller
	if in.CallerArn != nil {
		if sim.caller, err = callerFromARN(*in.CallerArn); err != nil {
			return nil, err
		}
	}
	return respond(sim.run(in.ActionNames, in.ResourceArns), in.Marker, in.MaxItems)
}

// GetContextKeysForPrincipalPolicy lists the condition keys read by the
// stored policies of a user (with its groups'), group or role and by any
// given policies.
func (s *Service) GetContextKeysForPrincipalPolicy(ctx context.Context, c *op.Call, in *GetContextKeysForPrincipalPolicyInput) (*GetContextKeysForPolicyResponse, error) {
	var v validator
	v.arn("policySourceArn", in.PolicySourceArn)
	if err := v.err(); err != nil {
		return nil, err
	}
	ps, err := parseSourceARN(c.Account, in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	extra, err := inputSources("PolicyInputList", in.PolicyInputList, "none", policy.KindIdentity)
	if err != nil {
		return nil, err
	}
	ids, bnd, _, err := s.entityPolicies(ctx, c, ps)
	if err != nil {
		return nil, err
	}
	all := append(ids, extra...)
	if bnd != nil {
		all = append(all, bnd)
	}
	return &GetContextKeysForPolicyResponse{ContextKeyNames: contextKeys(documents(all))}, nil
}
