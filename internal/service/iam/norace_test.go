//go:build !race

package iam_test

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
