package resource

import "time"

// Gone is the state of a resource whose deletion has completed. It never
// reaches the wire: such a resource does not exist ([Kind.Get] reports it
// missing and [Kind.List] leaves it out).
const Gone = "<gone>"

// Lifecycle is the life of a resource that is created, becomes available
// and is deleted, creating and deleting each lasting Delay. A resource is
// stored with its status and the time that status was set; its state at
// any time is computed from the two, so nothing runs in the background.
// The state names are the service's own ("available", "AVAILABLE").
type Lifecycle struct {
	Creating, Available, Deleting string
	Delay                         time.Duration
}

// At returns the state at now of a resource stored with status since the
// time since: the stored status until Delay has passed, then Available
// after Creating and [Gone] after Deleting. Any other status stays as it
// is.
func (l Lifecycle) At(status string, since, now time.Time) string {
	if now.Before(since.Add(l.Delay)) {
		return status
	}
	switch status {
	case l.Creating:
		return l.Available
	case l.Deleting:
		return Gone
	}
	return status
}

// Delete starts deleting, at now, a resource stored with *status since
// *since. An available resource becomes Deleting since now; one already
// deleting is left as it is. It returns the resource's state at now (as
// it was before the call) and whether it may be deleted; when it may not,
// nothing changes.
func (l Lifecycle) Delete(status *string, since *time.Time, now time.Time) (string, bool) {
	switch st := l.At(*status, *since, now); st {
	case l.Deleting:
		return st, true
	case l.Available:
		*status, *since = l.Deleting, now
		return st, true
	default:
		return st, false
	}
}
