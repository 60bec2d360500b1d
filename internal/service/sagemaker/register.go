package sagemaker

import (
	"context"

	"abacus/internal/op"
)

// Register registers the notebook-instance, Studio (domains, user profiles,
// apps, presigned domain URLs) and tag operations with r; RegisterJobs
// registers jobs, models and endpoints. Each resource file contributes a
// registerXxx function.
func Register(r *op.Registry, s *Service) {
	registerTags(r, s)
	registerNotebookInstances(r, s)
	registerPresignedNotebookURL(r, s)
	registerStudio(r, s)
}

// register is op.Register with the Studio context keys added to the
// operation's SageMaker checks (see [Service.StudioKeys]).
func register[In, Out any](r *op.Registry, s *Service, spec op.Spec[In, Out]) {
	authorize := spec.Authorize
	spec.Authorize = func(ctx context.Context, c *op.Call, in *In) ([]op.Check, error) {
		checks, err := authorize(ctx, c, in)
		if err != nil || len(checks) == 0 {
			return checks, err
		}
		return s.WithStudioKeys(ctx, c, checks)
	}
	op.Register(r, spec)
}
