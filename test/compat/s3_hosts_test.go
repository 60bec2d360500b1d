package compat

import (
	"context"
	"sync"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

type middlewareStack = middleware.Stack

// recordHosts adds a finalize step to st that records each request's
// Host.
func recordHosts(st *middleware.Stack, mu *sync.Mutex, hosts *[]string) error {
	return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("recordHost", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if req, ok := in.Request.(*smithyhttp.Request); ok {
			mu.Lock()
			*hosts = append(*hosts, req.URL.Host)
			mu.Unlock()
		}
		return next.HandleFinalize(ctx, in)
	}), middleware.After)
}
