package sagemaker

import "time"

// StatusGone is the settled status of a resource whose deletion has
// finished: the record may still be stored but the resource no longer
// exists (Describe says not found, List leaves it out, a new resource may
// take its name).
const StatusGone = "<gone>"

// Step is one automatic transition: a resource in a transitional status
// moves To another after a delay.
type Step struct {
	To string
	// Scale multiplies the service's configured delay (Options.Delay) for
	// this step; 0 means 1. Jobs use it to run longer than a notebook
	// takes to start.
	Scale int
}

// Lifecycle maps each transitional status of a resource type to the step it
// takes, e.g. {"Pending": {To: "InService"}, "Deleting": {To: StatusGone}}.
// A status without an entry is stable.
type Lifecycle map[string]Step

// settle returns the effective status at now of a resource stored with
// status since the given time, following as many steps as have elapsed,
// and the time the effective status began.
func (s *Service) settle(l Lifecycle, status string, since, now time.Time) (string, time.Time) {
	for range len(l) + 1 {
		st, ok := l[status]
		if !ok {
			return status, since
		}
		d := s.delay
		if st.Scale > 1 {
			d *= time.Duration(st.Scale)
		}
		if now.Before(since.Add(d)) {
			return status, since
		}
		status, since = st.To, since.Add(d)
	}
	return status, since
}
