//go:build race

package policy_test

// raceEnabled reports that the race detector is on; the slowest
// property test then runs fewer cases.
const raceEnabled = true
