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
	"slices"
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

func BenchmarkGetCallerIdentityRoundTrip(b *testing.B) {
	cfg := config{
		Addr: "127.0.0.1:0", DataDir: b.TempDir(), AccountID: "123456789012", Enforce: "on",
		RootKeyID: "AKIAIOSFODNN7EXAMPLE", RootSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	}
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer a.close()
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
	body := []byte(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		w.Write(body)
	})
	runRoundTrip(b, h, func(url string) *http.Request {
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

func runRoundTrip(b *testing.B, h http.Handler, sign func(url string) *http.Request) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/"
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
