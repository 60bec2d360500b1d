// Package principal turns the credentials a request presents into the
// verified caller and everything authorization needs to know about it.
//
//	res := principal.New(principal.Options{Store: st, Root: rootKeys, ...})
//	cred, err := res.LookupCredential(ctx, accessKeyID) // sigv4.CredentialLookup
//	p := cred.Principal.(*model.Principal)              // root, IAM user or role session
//	sets, err := res.PolicySets(ctx, p)                  // compiled, cached identity/boundary/session policies
//	keys := principal.Context(p, principal.Request{...}) // aws:* global condition keys
//
// Credentials are read from the store on every request, so a deactivated or
// deleted access key fails on the very next request. Compiled policy sets
// are cached per principal and dropped precisely through the store's change
// feed.
package principal
