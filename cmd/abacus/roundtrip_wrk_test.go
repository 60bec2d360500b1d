package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The wrk benchmarks drive the same two servers as the round-trip
// benchmarks above (abacus in process, and a bare net/http handler) with
// wrk, a load generator written in C, in place of the Go client. wrk costs
// a fraction of the CPU of net/http's client, so with client and server on
// the same two cores more of the machine is left to the server, and the
// process's CPU time per request (cpu-ns/op) is the server's alone. They
// run only where wrk is installed (Debian's package wrk):
//
//	go test ./cmd/abacus -run '^$' -bench Wrk -benchtime 1x -count 5
//
// Each runs wrk once (whatever -benchtime says; -count repeats it) with 2
// threads and 32 connections for ABACUS_BENCH_WRK_DURATION (default 5s),
// and reports requests/s, the p50 and p99 latency wrk measured, and the
// server's CPU time per request.

func BenchmarkGetCallerIdentityWrk(b *testing.B) {
	wrk := wrkPath(b)
	a, cfg := benchApp(b)
	runWrk(b, wrk, a.handler, cfg.RootKeyID, cfg.RootSecret)
}

func BenchmarkBareHandlerWrk(b *testing.B) {
	runWrk(b, wrkPath(b), bareHandler(), "AKIAIOSFODNN7EXAMPLE", "secret")
}

func wrkPath(b *testing.B) string {
	p, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed (Debian package wrk): the wrk round-trip benchmarks need it")
	}
	return p
}

// runWrk serves h on a loopback port and points wrk at it, replaying one
// request signed with the Go SDK's signer (SigV4 has no nonce, and the
// signature stays valid within the 15-minute skew window).
func runWrk(b *testing.B, wrk string, h http.Handler, id, secret string) {
	url := serveLoopback(b, h)
	req := signedGetCallerIdentity(b, url, id, secret)
	var script strings.Builder
	script.WriteString("wrk.method = \"POST\"\n")
	script.WriteString("wrk.body = \"Action=GetCallerIdentity&Version=2011-06-15\"\n")
	for _, k := range []string{"Content-Type", "Authorization", "X-Amz-Date", "X-Amz-Content-Sha256"} {
		if v := req.Header.Get(k); v != "" {
			fmt.Fprintf(&script, "wrk.headers[%q] = %q\n", k, v)
		}
	}
	lua := filepath.Join(b.TempDir(), "request.lua")
	if err := os.WriteFile(lua, []byte(script.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	dur := 5 * time.Second
	if s := os.Getenv("ABACUS_BENCH_WRK_DURATION"); s != "" {
		var err error
		if dur, err = time.ParseDuration(s); err != nil {
			b.Fatalf("ABACUS_BENCH_WRK_DURATION: %v", err)
		}
	}
	// Warm up connections, caches and the audit writer.
	if out, err := exec.Command(wrk, "-t2", "-c32", "-d1s", "-s", lua, url).CombinedOutput(); err != nil {
		b.Fatalf("wrk: %v\n%s", err, out)
	}
	// One wrk run per benchmark call, whatever b.N is: wrk runs for a
	// duration, not a count, and -benchtime Nx must not mean N runs of it.
	// Repeat with -count.
	b.ResetTimer()
	cpu0, _ := processCPU()
	out, err := exec.Command(wrk, "-t2", "-c32", "-d"+dur.String(), "--latency", "-s", lua, url).CombinedOutput()
	cpu1, _ := processCPU()
	b.StopTimer()
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, out)
	}
	r, err := parseWrk(string(out))
	if err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	b.ReportMetric(r.requests/r.seconds, "req/s")
	b.ReportMetric(r.p50, "p50-ms")
	b.ReportMetric(r.p99, "p99-ms")
	b.ReportMetric(float64(cpu1-cpu0)/r.requests, "server-cpu-ns/op")
}

type wrkResult struct {
	requests, seconds, p50, p99 float64 // latencies in milliseconds
}

var (
	wrkTotal   = regexp.MustCompile(`(\d+) requests in ([\d.]+)(us|ms|s|m),`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$`)
	wrkErrors  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*`)
)

// parseWrk reads wrk --latency's summary: the request count and duration,
// the 50th and 99th latency percentiles, and any failed responses, which
// make the run invalid.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	if m := wrkErrors.FindString(out); m != "" {
		return r, fmt.Errorf("wrk reported failures: %s", m)
	}
	m := wrkTotal.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk output without a request total")
	}
	r.requests, _ = strconv.ParseFloat(m[1], 64)
	r.seconds = wrkUnit(m[2], m[3]) / 1000
	for _, l := range wrkLatency.FindAllStringSubmatch(out, -1) {
		v := wrkUnit(l[2], l[3])
		if l[1] == "50" {
			r.p50 = v
		} else {
			r.p99 = v
		}
	}
	if r.requests == 0 || r.seconds == 0 || r.p50 == 0 || r.p99 == 0 {
		return r, fmt.Errorf("incomplete wrk output")
	}
	return r, nil
}

// wrkUnit converts a wrk figure with its unit to milliseconds.
func wrkUnit(v, unit string) float64 {
	f, _ := strconv.ParseFloat(v, 64)
	switch unit {
	case "us":
		return f / 1000
	case "s":
		return f * 1000
	case "m":
		return f * 60000
	}
	return f
}
