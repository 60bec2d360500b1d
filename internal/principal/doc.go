// Package principal turns the credentials a request presents into the
// verified caller and everything authorization needs to know about it.
//
//	res := principal.New(principal.Options{Store: st, Roots: rootKeys})
//	defer res.Close()
//	cred, err := res.LookupCredential(ctx, accessKeyID) // sigv4.CredentialLookup
//	p := cred.Principal.(*model.Principal)              // root, IAM user or role session
//	sets, err := res.PolicySets(ctx, p)                  // identity, boundary, session policy sets
//	req := principal.NewRequest(p, principal.Request{...}, action, resource, keys)
//	// authz.Evaluate(&authz.Input{Request: req, Identity: sets.Identity,
//	//	Boundary: sets.Boundary, Session: sets.Session, ...}, buf)
//
// Resolved credentials and compiled policy sets are cached in memory and
// invalidated precisely through the store's change feed: a change to user U
// drops U's credentials and policy set, to group G the policy sets of G's
// members (and G's own compiled policies), to role R its sessions'
// credentials and R's policy set, to managed policy P every policy set that
// uses P, to an access key or session that key's credentials. The feed is
// drained before every lookup, so with an in-process feed (SQLite) a
// committed change is seen by the very next request; a feed served over the
// network (PostgreSQL LISTEN/NOTIFY) bounds staleness by its delivery delay.
//
// [Context] builds the aws:* global condition keys of a request.
package principal
