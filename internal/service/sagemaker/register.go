package sagemaker

import "abacus/internal/op"

// Register registers every SageMaker operation abacus serves with r. Each
// resource file contributes a registerXxx function; add new ones here.
func Register(r *op.Registry, s *Service) {
	registerTags(r, s)
	registerNotebookInstances(r, s)
	registerPresignedNotebookURL(r, s)
	registerStudio(r, s)
}
