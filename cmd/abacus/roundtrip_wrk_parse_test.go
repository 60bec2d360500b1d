package main

import (
	"strings"
	"testing"
)

// TestParseWrk checks the reading of wrk --latency's summary that the wrk
// benchmarks report from; the outputs are wrk 4.1's, with its units.
func TestParseWrk(t *testing.T) {
	const ok = `Running 5s test @ http://127.0.0.1:40000/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.60ms    1.02ms  21.31ms   86.20%
    Req/Sec    10.04k   512.11    11.02k    70.00%
  Latency Distribution
     50%    1.42ms
     75%    1.88ms
     90%    2.61ms
     99%  850.00us
  99872 requests in 5.01s, 58.21MB read
Requests/sec:  19934.53
Transfer/sec:     11.62MB
`
	r, err := parseWrk(ok)
	if err != nil {
		t.Fatal(err)
	}
	if want := (wrkResult{requests: 99872, seconds: 5.01, p50: 1.42, p99: 0.85}); r != want {
		t.Errorf("parseWrk = %+v, want %+v", r, want)
	}
	for name, out := range map[string]string{
		"non-2xx":        strings.Replace(ok, "Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec", 1),
		"socket errors":  strings.Replace(ok, "Requests/sec", "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec", 1),
		"no total":       strings.Replace(ok, "99872 requests in 5.01s", "", 1),
		"no percentiles": strings.Replace(ok, "     99%  850.00us\n", "", 1),
	} {
		if _, err := parseWrk(out); err == nil {
			t.Errorf("%s: parseWrk accepted an invalid run", name)
		}
	}
	if got := wrkUnit("1.5", "s"); got != 1500 {
		t.Errorf("wrkUnit(1.5, s) = %v ms, want 1500", got)
	}
}
