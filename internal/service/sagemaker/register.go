package sagemaker

import "abacus/internal/op"

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
