package emr

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/internal/resource"
	"abacus/internal/store"
)

// Store is the slice of storage EMR needs. *sqlite.Store satisfies it.
type Store interface {
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
	Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
}

// DefaultDelay is how long each transitional state lasts when
// Options.Delay is zero.
const DefaultDelay = 2 * time.Second

// Options configure a [Service]. Store is required.
type Options struct {
	Store Store
	// Now is the clock for work not tied to a call; nil means time.Now.
	Now func() time.Time
	// Delay is how long each transitional state (STARTING, BOOTSTRAPPING,
	// a step's RUNNING, TERMINATING) lasts. Zero means [DefaultDelay]; a
	// negative value makes every transition immediate.
	Delay time.Duration
	// Rand is the source of cluster and step IDs; nil means crypto/rand.
	Rand io.Reader
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
}

// Service implements EMR. It keeps no state of its own beyond its
// configuration, so it is safe for concurrent use.
type Service struct {
	env      resource.Env
	clusters resource.Kind[clusterDoc]
}

// New returns a Service.
func New(o Options) *Service {
	return &Service{
		env: resource.Env{Store: o.Store, Now: o.Now, Delay: o.Delay, Rand: o.Rand, Log: o.Logger}.WithDefaults(DefaultDelay),
		clusters: resource.Kind[clusterDoc]{Type: resourceType, Noun: "cluster", NotFound: func(id string) error {
			return invalidRequest("Cluster id '%s' is not valid.", id)
		}},
	}
}

const resourceType = "emr:cluster"

// Cluster and step states.
const (
	StateStarting      = "STARTING"
	StateBootstrapping = "BOOTSTRAPPING"
	StateRunning       = "RUNNING"
	StateWaiting       = "WAITING"
	StateTerminating   = "TERMINATING"
	StateTerminated    = "TERMINATED"

	StepPending   = "PENDING"
	StepRunning   = "RUNNING"
	StepCompleted = "COMPLETED"
	StepCancelled = "CANCELLED"
)

// clusterDoc is a stored cluster: what RunJobFlow was given and the
// events (steps added, termination requested) its state derives from.
type clusterDoc struct {
	ID          string
	Region      string
	Created     time.Time
	Input       RunJobFlowInput
	KeepAlive   bool
	Protected   bool
	Steps       []stepDoc
	TerminateAt *time.Time `json:",omitempty"`
}

// stepDoc is a stored step.
type stepDoc struct {
	ID               string
	Config           StepConfig
	Added            time.Time
	ExecutionRoleArn *string `json:",omitempty"`
}

// stepState is a step's computed state.
type stepState struct {
	State      string
	Start, End *time.Time
	Reason     *StepStateChangeReason
}

// clusterState is a cluster's computed state.
type clusterState struct {
	State        string
	Ready, Ended *time.Time
	Reason       *ClusterStateChangeReason
	Steps        []stepState
}

// evaluate computes the cluster's and its steps' states at now from its
// history; see the package documentation for the progression.
func (s *Service) evaluate(d *clusterDoc, now time.Time) clusterState {
	dl := s.env.Delay
	ready := d.Created.Add(2 * dl)
	var cs clusterState
	cs.Steps = make([]stepState, len(d.Steps))
	// Steps run one at a time once the cluster is ready.
	prevEnd := ready
	lastEnd := ready
	for i, st := range d.Steps {
		start := maxTime(prevEnd, st.Added)
		end := start.Add(dl)
		ss := stepState{}
		switch {
		case d.TerminateAt != nil && !d.TerminateAt.After(start):
			if !now.Before(*d.TerminateAt) {
				ss.State, ss.End = StepCancelled, new(*d.TerminateAt)
				ss.Reason = &StepStateChangeReason{Message: new("Job terminated")}
			} else {
				ss.State = StepPending
			}
		case d.TerminateAt != nil && d.TerminateAt.Before(end):
			switch {
			case now.Before(start):
				ss.State = StepPending
			case now.Before(*d.TerminateAt):
				ss.State, ss.Start = StepRunning, new(start)
			default:
				ss.State, ss.Start, ss.End = StepCancelled, new(start), new(*d.TerminateAt)
				ss.Reason = &StepStateChangeReason{Message: new("Job terminated")}
			}
		default:
			switch {
			case now.Before(start):
				ss.State = StepPending
			case now.Before(end):
				ss.State, ss.Start = StepRunning, new(start)
			default:
				ss.State, ss.Start, ss.End = StepCompleted, new(start), new(end)
			}
			lastEnd = end
		}
		cs.Steps[i] = ss
		prevEnd = end
	}
	// Without KeepJobFlowAliveWhenNoSteps the cluster ends after its
	// last step; a user's termination request may come first.
	termAt, code, msg := d.TerminateAt, "USER_REQUEST", "Terminated by user request"
	if !d.KeepAlive && (termAt == nil || lastEnd.Before(*termAt)) {
		termAt, code, msg = new(lastEnd), "ALL_STEPS_COMPLETED", "Steps completed"
	}
	if now.After(ready) || now.Equal(ready) {
		if d.TerminateAt == nil || d.TerminateAt.After(ready) {
			cs.Ready = new(ready)
		}
	}
	switch {
	case termAt != nil && !now.Before(termAt.Add(dl)):
		cs.State, cs.Ended = StateTerminated, new(termAt.Add(dl))
		cs.Reason = &ClusterStateChangeReason{Code: new(code), Message: new(msg)}
	case termAt != nil && !now.Before(*termAt):
		cs.State = StateTerminating
		cs.Reason = &ClusterStateChangeReason{Code: new(code), Message: new(msg)}
	case now.Before(d.Created.Add(dl)):
		cs.State = StateStarting
	case now.Before(ready):
		cs.State = StateBootstrapping
	case now.Before(lastEnd):
		cs.State = StateRunning
		cs.Reason = &ClusterStateChangeReason{Message: new("Running step")}
	default:
		cs.State = StateWaiting
		cs.Reason = &ClusterStateChangeReason{Message: new("Cluster ready to run steps.")}
	}
	return cs
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// cluster is a loaded cluster.
type cluster = resource.Item[clusterDoc]

func clusterARN(region string, acct model.AccountID, id string) string {
	return "arn:aws:elasticmapreduce:" + region + ":" + string(acct) + ":cluster/" + id
}

// get loads a cluster of the call's region; a missing one is
// InvalidRequestException as DescribeCluster answers.
func (s *Service) get(ctx context.Context, tx store.ReadTx, c *op.Call, id string) (*cluster, error) {
	return s.clusters.Get(ctx, tx, c, id, s.env.CallTime(c))
}

// idAlphabet is the alphabet of cluster and step IDs after their prefix.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newID returns prefix followed by 13 random upper-case letters and
// digits, as j-2AXXXXXXGAPLF and s-1XXXXXXXXXXXX (about 67 random bits).
func (s *Service) newID(prefix string) (string, error) {
	var b [13]byte
	if _, err := io.ReadFull(s.env.Rand, b[:]); err != nil {
		return "", fmt.Errorf("generate identifier: %w", err)
	}
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return prefix + string(b[:]), nil
}
