// Package resource is the plumbing shared by the services whose resources
// are generic store resources with a clock-driven life (EFS and FSx file
// systems, EMR clusters). It holds only what their logic has in common;
// everything AWS spells differently per service (state names, error codes
// and messages, ARN formats, marker prefixes, timings) is passed in as data.
//
// A service builds an [Env] from its Options and one [Kind] per type of
// resource it keeps:
//
//	env := resource.Env{Store: o.Store, Now: o.Now, Delay: o.Delay, Rand: o.Rand, Log: o.Logger}.WithDefaults(DefaultDelay)
//	fs := resource.Kind[fsDoc]{Type: "efs:file-system", Noun: "file system",
//		NotFound: func(id string) error { return notFound(id) },
//		Life:     &resource.Lifecycle{Creating: "creating", Available: "available", Deleting: "deleting", Delay: env.Delay},
//		Since:    func(d *fsDoc) *time.Time { return &d.Since }}
//
// A resource is one store record keyed REGION/ID ([StoreID]) whose Document
// is the service's own JSON ([Item]). Nothing runs in the background: a
// resource's state is computed from what is stored and the time it is
// looked at ([Lifecycle.At]), so it progresses with the call's clock and
// every node agrees on it.
//
// The package also holds the small pieces the services share around their
// resources: tags ([SetTags], [RemoveTags], [RequestTags]), list pages
// ([Pager], [Page]) and IDs derived from the request ID ([Env.Digest]).
package resource
