//go:build unix

package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"abacus/internal/model"
	"abacus/internal/store/sqlite"
)

// BenchmarkAuditAppend measures what the audit writer costs the server:
// batches of the size the group commit forms under load, appended to a
// store that already holds 20,000 events (so index pages are no longer all
// cached and random keys land on random pages), with a realistic spread of
// callers, operations and resources. It
// reports the CPU time of the process per event (cpu-ns/event), events/s,
// and the write system calls and bytes per commit, which is where a
// synchronous=FULL commit spends its time.
func BenchmarkAuditAppend(b *testing.B) {
	for _, c := range []struct {
		ids  string
		size int
	}{{"v7", 16}, {"v7", 64}, {"v4", 16}} {
		size := c.size
		b.Run("ids="+c.ids+"/batch="+strconv.Itoa(size), func(b *testing.B) {
			ctx := context.Background()
			s, err := sqlite.Open(ctx, sqlite.Options{Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			gen := newAuditGen()
			gen.v4 = c.ids == "v4"
			for range 40 { // 20,000 events already logged
				if err := s.AppendAuditEvents(ctx, gen.batch(500)); err != nil {
					b.Fatal(err)
				}
			}
			batches := make([][]model.AuditRecord, 0, 256)
			for range cap(batches) {
				batches = append(batches, gen.batch(size))
			}
			io0 := procIO(b)
			cpu0 := processCPU()
			b.ResetTimer()
			for i := range b.N {
				batch := batches[i%len(batches)]
				if i >= len(batches) {
					batch = gen.batch(size)
				}
				if err := s.AppendAuditEvents(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu1 := processCPU()
			io1 := procIO(b)
			events := float64(b.N * size)
			b.ReportMetric(float64(cpu1-cpu0)/events, "cpu-ns/event")
			b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(io1["syscw"]-io0["syscw"])/float64(b.N), "writes/commit")
			b.ReportMetric(float64(io1["wchar"]-io0["wchar"])/1024/float64(b.N), "KiB/commit")
		})
	}
}

// auditGen makes audit records as a busy multi-tenant platform would:
// 50 users over 2 accounts, 40 operations of 6 services, a resource on
// most events, and a clock that advances a little with every event. Event
// IDs are time-ordered (version 7) UUIDs, as audit.Builder makes them, or
// random (version 4) ones, as other CloudTrail sources have them.
type auditGen struct {
	v4   bool
	rnd  *rand.Rand
	now  time.Time
	blob []byte
}

func newAuditGen() *auditGen {
	return &auditGen{
		rnd:  rand.New(rand.NewPCG(1, 2)),
		now:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		blob: []byte(`{"eventVersion":"1.09","userIdentity":` + strings.Repeat(`{"type":"IAMUser","x":"y"}`, 40) + `}`),
	}
}

func (g *auditGen) batch(n int) []model.AuditRecord {
	sources := []string{"sts.amazonaws.com", "iam.amazonaws.com", "sagemaker.amazonaws.com", "s3.amazonaws.com",
		"secretsmanager.amazonaws.com", "elasticmapreduce.amazonaws.com"}
	out := make([]model.AuditRecord, n)
	for i := range out {
		g.now = g.now.Add(time.Duration(g.rnd.IntN(200)) * time.Microsecond)
		u := g.rnd.IntN(50)
		op := g.rnd.IntN(40)
		acct := model.AccountID("11111111111" + strconv.Itoa(u%2))
		r := model.AuditRecord{
			EventID:     g.eventID(),
			EventTime:   g.now.Truncate(time.Second),
			AccountID:   acct,
			EventName:   "Operation" + strconv.Itoa(op),
			EventSource: sources[op%len(sources)],
			Username:    "user-" + strconv.Itoa(u),
			AccessKeyID: fmt.Sprintf("ASIAEXAMPLE%09d", u),
			ReadOnly:    op%3 != 0,
			Event:       g.blob,
		}
		if u%4 == 0 {
			r.SourceIdentity = r.Username
		}
		if g.rnd.IntN(20) == 0 {
			r.ErrorCode, r.Denied = "AccessDenied", true
		}
		if op%5 != 0 {
			r.Resources = []model.AuditResource{{Type: "AWS::SageMaker::TrainingJob",
				Name: fmt.Sprintf("arn:aws:sagemaker:us-east-1:%s:training-job/job-%d", acct, g.rnd.IntN(5000))}}
		}
		out[i] = r
	}
	return out
}

func (g *auditGen) eventID() string {
	hi := uint64(g.now.UnixMilli())<<16 | 0x7000 | uint64(g.rnd.Uint32()&0xfff)
	if g.v4 {
		hi = g.rnd.Uint64()&^0xf000 | 0x4000
	}
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff,
		g.rnd.Uint32()&0x3fff|0x8000, g.rnd.Uint64()&0xffffffffffff)
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procIO reads the process's I/O counters (Linux); empty elsewhere.
func procIO(b *testing.B) map[string]int64 {
	m := map[string]int64{}
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err == nil {
			m[k] = n
		}
	}
	return m
}
