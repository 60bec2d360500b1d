//go:build race

package iam_test

// raceEnabled reports whether the tests run under the race detector, where
// the SQLite driver is slow enough that seeding all AWS managed policies
// takes minutes.
const raceEnabled = true
