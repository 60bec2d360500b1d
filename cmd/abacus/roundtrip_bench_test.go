package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The round-trip benchmarks measure what a client sees over loopback with
// keep-alive: BenchmarkGetCallerIdentityRoundTrip drives a real abacus (the
// embedded SQLite store with synchronous=FULL, SigV4 verification, principal
// resolution, authorization and a durable audit event per request) and
// BenchmarkBareHandlerRoundTrip drives a net/http handler that only writes
// a fixed response, with the same client, so their ratio is abacus's cost.
//
//	go test ./cmd/abacus -run '^$' -bench RoundTrip -benchtime 20000x -count 5
//
// Each reports requests/s and the p50/p99 latency at concurrency 32, and
// cpu-ns/op: the user plus system CPU time of the whole process (server,
// client and garbage collector) per request. On a machine shared with other
// work, wall time also counts the time other processes held the cores; CPU
// time does not, so it is the steadier figure for comparing before and
// after a change. The client's share is the same in both benchmarks, so the
// difference of their cpu-ns/op is what abacus costs per request.

const benchConcurrency = 32

// benchApp starts an abacus (store, services, handler; no listener) on a
// fresh data dir with fixed root credentials, closed when b ends.
func benchApp(b *testing.B) (*app, config) {
	cfg := config{
		Addr: "127.0.0.1:0", DataDir: b.TempDir(), AccountID: "123456789012", Enforce: "on",
		RootKeyID: "AKIAIOSFODNN7EXAMPLE", RootSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	}
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.close() })
	return a, cfg
}

// bareHandler answers every request with a fixed GetCallerIdentity
// response after reading its body: the floor an HTTP server costs.
func bareHandler() http.Handler {
	body := []byte(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		w.Write(body)
	})
}

// serveLoopback serves h on a free loopback port until b ends and returns
// its URL.
func serveLoopback(b *testing.B, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

func BenchmarkGetCallerIdentityRoundTrip(b *testing.B) {
	a, cfg := benchApp(b)
	before := a.broker.Stats()
	runRoundTrip(b, a.handler, func(url string) *http.Request {
		return signedGetCallerIdentity(b, url, cfg.RootKeyID, cfg.RootSecret)
	})
	after := a.broker.Stats()
	if n := after.Batches - before.Batches; n > 0 {
		b.ReportMetric(float64(after.Events-before.Events)/float64(n), "events/commit")
	}
}

func BenchmarkBareHandlerRoundTrip(b *testing.B) {
	runRoundTrip(b, bareHandler(), func(url string) *http.Request {
		return signedGetCallerIdentity(b, url, "AKIAIOSFODNN7EXAMPLE", "secret")
	})
}

// signedGetCallerIdentity signs one request with the Go SDK's signer. The
// benchmark replays its headers: SigV4 has no nonce, and the signature stays
// valid within the 15-minute skew window, so the client spends no time
// signing.
func signedGetCallerIdentity(b *testing.B, url, id, secret string) *http.Request {
	payload := "Action=GetCallerIdentity&Version=2011-06-15"
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(payload))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(payload))
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: id, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// BenchmarkGetCallerIdentityServerRoundTrip drives an abacus started
// separately, so that the server's CPU time can be told apart from the
// client's. It runs only when ABACUS_BENCH_ENDPOINT is set (e.g.
// http://127.0.0.1:4599/), signs with AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, and, when ABACUS_BENCH_PID names the server's
// process, reports its CPU time per request (server-cpu-ns/op, from
// /proc/PID/stat, Linux only):
//
//	abacus serve --data-dir "$(mktemp -d)" & export ABACUS_BENCH_PID=$!
//	eval "$(abacus env --data-dir ...)"; export ABACUS_BENCH_ENDPOINT=$AWS_ENDPOINT_URL
//	go test ./cmd/abacus -run '^$' -bench ServerRoundTrip -benchtime 20000x -count 5
func BenchmarkGetCallerIdentityServerRoundTrip(b *testing.B) {
	url := os.Getenv("ABACUS_BENCH_ENDPOINT")
	if url == "" {
		b.Skip("ABACUS_BENCH_ENDPOINT is not set: no separately started abacus to drive")
	}
	pid, _ := strconv.Atoi(os.Getenv("ABACUS_BENCH_PID"))
	cpu0, ok0 := serverCPU(pid)
	driveRoundTrip(b, url, func(url string) *http.Request {
		return signedGetCallerIdentity(b, url, os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"))
	})
	if cpu1, ok1 := serverCPU(pid); ok0 && ok1 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "server-cpu-ns/op")
	}
}

// serverCPU returns the user plus system CPU time of process pid from
// /proc/PID/stat, in units of the kernel's 100 Hz clock ticks.
func serverCPU(pid int) (time.Duration, bool) {
	if pid <= 0 {
		return 0, false
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces; fields after it are
	// counted from its closing parenthesis.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}

func runRoundTrip(b *testing.B, h http.Handler, sign func(url string) *http.Request) {
	driveRoundTrip(b, serveLoopback(b, h), sign)
}

// driveRoundTrip sends b.N copies of one signed request to url from
// benchConcurrency goroutines and reports throughput, latency and the
// process's CPU time per request.
func driveRoundTrip(b *testing.B, url string, sign func(url string) *http.Request) {
	tmpl := sign(url)
	payload, _ := io.ReadAll(tmpl.Body)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchConcurrency, MaxConnsPerHost: benchConcurrency}}
	do := func() error {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(payload))
		req.Header = tmpl.Header.Clone()
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		return err
	}
	for range benchConcurrency { // warm connections, caches and the audit writer
		if err := do(); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, cpuOK := processCPU()
	start := time.Now()
	for range benchConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				if err := do(); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, _ := processCPU()
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	if cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}
