//go:build !unix

package main

import "time"

// processCPU reports false: CPU time is measured only on Unix.
func processCPU() (time.Duration, bool) { return 0, false }
