// Package bench compares abacus's IAM policy engine with cedar-go, OPA and Casbin on one
// workload: the multi-tenant SageMaker ABAC setup of the project's scenarios (package
// [abacus/bench/workload]). It is its own module so that the product never depends on the other
// engines.
//
// Each engine has an adapter package (abacusengine, cedarengine, opaengine, casbinengine) whose
// New translates the workload into that engine's policies and data and prepares one native
// request per workload request; its Decide(i) then only evaluates. The tests in this package
// check every engine against the workload's ground truth on every request, and the benchmarks
// BenchmarkAbacus, BenchmarkCedar, BenchmarkOPA and BenchmarkCasbin time Decide, in one
// goroutine ("serial") and under b.RunParallel ("parallel"):
//
//	cd bench && go test -run='^$' -bench=. -count=10 | tee new.txt
package bench
