package compat

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The S3 benchmarks drive a real abacus binary (data dir on disk, every
// object fsynced, metadata and audit event committed durably before the
// answer) over loopback with plain signed HTTP requests (UNSIGNED-PAYLOAD,
// so the client spends nothing hashing), one request at a time:
//
//	go test ./test/compat -run '^$' -bench S3 -benchtime 5s
//
// The "c16" variants of the 1 KiB cases keep 16 requests in flight.
// Each reports MB/s, req/s, the client's B/op and allocs/op, and
// server-peak-RSS-MiB: the abacus process's peak resident set (VmHWM)
// after the run, which shows whether memory stays flat as objects grow.

// s3BenchServer is an abacus process for a benchmark.
type s3BenchServer struct {
	endpoint string
	cmd      *exec.Cmd
}

func startS3Bench(b *testing.B) *s3BenchServer {
	b.Helper()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data-dir", b.TempDir())
	cmd.Env = append(os.Environ(), "ABACUS_ROOT_ACCESS_KEY_ID="+rootKeyID, "ABACUS_ROOT_SECRET_ACCESS_KEY="+rootSecret)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	s := &s3BenchServer{cmd: cmd}
	select {
	case s.endpoint = <-found:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		b.Fatal("abacus did not start")
	}
	b.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	return s
}

// peakRSS returns the process's VmHWM in MiB, or -1 where /proc is absent.
func (s *s3BenchServer) peakRSS() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return -1
}

// do sends one signed request and discards the response body.
func s3BenchDo(b *testing.B, hc *http.Client, method, url string, body io.Reader, size int64) {
	req := signedRequest(b, method, url, body, "UNSIGNED-PAYLOAD", http.Header{})
	if body != nil {
		req.ContentLength = size
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || method == "GET" && n != size {
		b.Fatalf("%s %s: %s, %d bytes", method, url, resp.Status, n)
	}
}

// pattern is a reader of n bytes that allocates nothing per read.
type s3Pattern struct{ left int64 }

func (p *s3Pattern) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.left)
	for i := range b[:n] {
		b[i] = byte(i)
	}
	p.left -= n
	return int(n), nil
}

// s3Parallel runs fn from 16 goroutines (on a machine with 2 cores,
// parallelism 8) and reports req/s.
func s3Parallel(b *testing.B, s *s3BenchServer, size int64, fn func(hc *http.Client, i int)) {
	b.SetBytes(size)
	b.ReportAllocs()
	b.SetParallelism(16 / max(1, runtime.GOMAXPROCS(0)))
	var n atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		hc := &http.Client{}
		for pb.Next() {
			fn(hc, int(n.Add(1)))
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	b.ReportMetric(s.peakRSS(), "server-peak-RSS-MiB")
}

// BenchmarkS3Big puts and gets one 2 GiB object, to show the server's
// memory does not grow with object size. It takes tens of seconds and
// runs only when ABACUS_BENCH_BIG is set:
//
//	ABACUS_BENCH_BIG=1 go test ./test/compat -run '^$' -bench S3Big -benchtime 1x
func BenchmarkS3Big(b *testing.B) {
	if os.Getenv("ABACUS_BENCH_BIG") == "" {
		b.Skip("set ABACUS_BENCH_BIG=1 to move a 2 GiB object")
	}
	s := startS3Bench(b)
	hc := &http.Client{}
	s3BenchDo(b, hc, "PUT", s.endpoint+"/bench", nil, 0)
	const size = 2 << 30
	b.SetBytes(2 * size)
	for b.Loop() {
		s3BenchDo(b, hc, "PUT", s.endpoint+"/bench/big", &s3Pattern{left: size}, size)
		s3BenchDo(b, hc, "GET", s.endpoint+"/bench/big", nil, size)
	}
	b.ReportMetric(s.peakRSS(), "server-peak-RSS-MiB")
}

func BenchmarkS3(b *testing.B) {
	b.Run("PutObject/1KiB-c16", func(b *testing.B) {
		s := startS3Bench(b)
		s3BenchDo(b, &http.Client{}, "PUT", s.endpoint+"/bench", nil, 0)
		s3Parallel(b, s, 1<<10, func(hc *http.Client, i int) {
			s3BenchDo(b, hc, "PUT", fmt.Sprintf("%s/bench/k%d", s.endpoint, i%64), &s3Pattern{left: 1 << 10}, 1<<10)
		})
	})
	b.Run("GetObject/1KiB-c16", func(b *testing.B) {
		s := startS3Bench(b)
		hc := &http.Client{}
		s3BenchDo(b, hc, "PUT", s.endpoint+"/bench", nil, 0)
		s3BenchDo(b, hc, "PUT", s.endpoint+"/bench/obj", &s3Pattern{left: 1 << 10}, 1<<10)
		s3Parallel(b, s, 1<<10, func(hc *http.Client, _ int) {
			s3BenchDo(b, hc, "GET", s.endpoint+"/bench/obj", nil, 1<<10)
		})
	})
	for _, size := range []int64{1 << 10, 64 << 20} {
		name := "1KiB"
		if size > 1<<20 {
			name = "64MiB"
		}
		b.Run("PutObject/"+name, func(b *testing.B) {
			s := startS3Bench(b)
			hc := &http.Client{}
			s3BenchDo(b, hc, "PUT", s.endpoint+"/bench", nil, 0)
			b.SetBytes(size)
			b.ReportAllocs()
			start := time.Now()
			i := 0
			for b.Loop() {
				s3BenchDo(b, hc, "PUT", fmt.Sprintf("%s/bench/k%d", s.endpoint, i%16), &s3Pattern{left: size}, size)
				i++
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
			b.ReportMetric(s.peakRSS(), "server-peak-RSS-MiB")
		})
		b.Run("GetObject/"+name, func(b *testing.B) {
			s := startS3Bench(b)
			hc := &http.Client{}
			s3BenchDo(b, hc, "PUT", s.endpoint+"/bench", nil, 0)
			s3BenchDo(b, hc, "PUT", s.endpoint+"/bench/obj", &s3Pattern{left: size}, size)
			b.SetBytes(size)
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				s3BenchDo(b, hc, "GET", s.endpoint+"/bench/obj", nil, size)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
			b.ReportMetric(s.peakRSS(), "server-peak-RSS-MiB")
		})
	}
}
