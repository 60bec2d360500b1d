// Package audit records every request as one event in CloudTrail's record
// format, with abacus's authorization decision and its explanation.
//
// The flow for one request, driven by the server after the operation ran
// (or was denied):
//
//	ev := builder.Event(call, audit.Details{EventName: "CreateRole", Request: in, Response: out, Err: aerr, Decision: d})
//	if err := broker.Record(ctx, ev); err != nil { ...fail the request... }
//	...encode the response...
//
// [Builder.Event] fills every CloudTrail field from the verified caller
// ([model.Principal]) and redacts the operation's input and output into
// requestParameters and responseElements with a [Redactor]. [Broker.Record]
// returns once the event is durable in a [Sink]; concurrent events are
// written in one batch (group commit), so durability costs one fsync per
// batch rather than one per request.
//
// Sinks are backends (the SQLite and PostgreSQL stores, an in-memory fake for
// tests); audittest.Run is the conformance suite every sink runs.
package audit
