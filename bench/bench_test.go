package bench_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"abacus/bench/abacusengine"
	"abacus/bench/casbinengine"
	"abacus/bench/cedarengine"
	"abacus/bench/opaengine"
	"abacus/bench/workload"
)

// decider is what every engine adapter provides.
type decider interface {
	Decide(i int) (workload.Decision, error)
}

type engine struct {
	name string
	new  func(*workload.Workload) (decider, error)
}

func engines() []engine {
	return []engine{
		{"Abacus", func(w *workload.Workload) (decider, error) { return abacusengine.New(w) }},
		{"Cedar", func(w *workload.Workload) (decider, error) { return cedarengine.New(w) }},
		{"OPA", func(w *workload.Workload) (decider, error) { return opaengine.New(w) }},
		{"Casbin", func(w *workload.Workload) (decider, error) { return casbinengine.New(w) }},
	}
}

func lookup(tb testing.TB, name string) engine {
	tb.Helper()
	for _, e := range engines() {
		if e.name == name {
			return e
		}
	}
	tb.Fatalf("no engine %q", name)
	return engine{}
}

// defaultWorkload is generated once per test binary; it is never modified.
var defaultWorkload = sync.OnceValues(func() (*workload.Workload, error) {
	return workload.Generate(workload.DefaultConfig())
})

func load(tb testing.TB) *workload.Workload {
	tb.Helper()
	w, err := defaultWorkload()
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// TestEnginesAgreeWithGroundTruth runs every request of the default workload through every
// engine and compares the decision with the ground truth. The three outcomes are IAM's: an
// applicable Deny statement gives an explicit deny even where an Allow also applies, and no
// applicable statement gives an implicit deny
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html).
func TestEnginesAgreeWithGroundTruth(t *testing.T) {
	w := load(t)
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			d, err := e.new(w)
			if err != nil {
				t.Fatal(err)
			}
			wrong := map[workload.Kind]int{}
			for i, r := range w.Requests {
				got, err := d.Decide(i)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if got != r.Expected {
					if wrong[r.Kind] < 3 {
						t.Errorf("request %d (%v: %s %s by %s): got %v, want %v", i, r.Kind, r.Action, r.Resource, w.Users[r.User].Name, got, r.Expected)
					}
					wrong[r.Kind]++
				}
			}
			if len(wrong) > 0 {
				t.Errorf("wrong decisions by kind: %v of %d requests", wrong, len(w.Requests))
			}
		})
	}
}

// TestEnginesAgreeOnOtherSeeds repeats the agreement check on smaller workloads of other seeds,
// so that no engine's translation is right only by accident of one request list.
func TestEnginesAgreeOnOtherSeeds(t *testing.T) {
	for seed := uint64(2); seed <= 4; seed++ {
		cfg := workload.Config{Seed: seed, Users: 60, Groups: 4, Domains: 3, JobsPerUser: 2, ForgedJobs: 10, Requests: 2000}
		w, err := workload.Generate(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range engines() {
			d, err := e.new(w)
			if err != nil {
				t.Fatalf("%s: %v", e.name, err)
			}
			for i, r := range w.Requests {
				if got, err := d.Decide(i); err != nil || got != r.Expected {
					t.Errorf("seed %d, %s, request %d (%v): got %v, %v; want %v", seed, e.name, i, r.Kind, got, err, r.Expected)
					break
				}
			}
		}
	}
}

// TestEnginesConcurrentUse decides requests from several goroutines at once and checks every
// answer, so that `go test -race` covers the concurrent use the parallel benchmarks make.
func TestEnginesConcurrentUse(t *testing.T) {
	w := load(t)
	const goroutines, perGoroutine = 4, 500
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			d, err := e.new(w)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Go(func() {
					for k := range perGoroutine {
						i := (g*perGoroutine + k*7) % len(w.Requests)
						if got, err := d.Decide(i); err != nil || got != w.Requests[i].Expected {
							t.Errorf("goroutine %d, request %d: got %v, %v; want %v", g, i, got, err, w.Requests[i].Expected)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

func BenchmarkAbacus(b *testing.B) { run(b, lookup(b, "Abacus")) }

func BenchmarkCedar(b *testing.B) { run(b, lookup(b, "Cedar")) }

func BenchmarkOPA(b *testing.B) { run(b, lookup(b, "OPA")) }

func BenchmarkCasbin(b *testing.B) { run(b, lookup(b, "Casbin")) }

// cpuClock measures the CPU time the process spends in a benchmark loop. On a shared machine
// wall time (ns/op) also counts time other processes took the cores away; CPU time per
// decision (cpu-ns/op) does not, so it is the steadier figure for comparing engines. It counts
// every goroutine of the process, garbage collection included, so allocation is charged to the
// engine that allocates.
type cpuClock struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuClock {
	t, ok := processCPU()
	return cpuClock{t, ok}
}

// report adds cpu-ns/op to b's results.
func (c cpuClock) report(b *testing.B) {
	end, ok := processCPU()
	if !c.ok || !ok || b.N == 0 {
		return
	}
	b.ReportMetric(float64(end-c.start)/float64(b.N), "cpu-ns/op")
}

// run times Decide over the workload's requests in order, cycling, in one goroutine and then
// under b.RunParallel. Building the engine is not timed.
func run(b *testing.B, e engine) {
	w := load(b)
	d, err := e.new(w)
	if err != nil {
		b.Fatal(err)
	}
	n := len(w.Requests)
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		i := 0
		for b.Loop() {
			if _, err := d.Decide(i); err != nil {
				b.Fatal(err)
			}
			if i++; i == n {
				i = 0
			}
		}
		cpu.report(b)
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		defer cpu.report(b)
		var start atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			// Each goroutine starts at its own offset and then walks the list in order.
			i := int(start.Add(int64(n/8+1))) % n
			for pb.Next() {
				if _, err := d.Decide(i); err != nil {
					b.Error(err)
					return
				}
				if i++; i == n {
					i = 0
				}
			}
		})
	})
}
