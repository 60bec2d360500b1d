package server

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds the server's Prometheus collectors. Each server has its own
// registry, so tests can run several servers in one process.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	decisions *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	audit     prometheus.Histogram
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "abacus_requests_total",
			Help: "API requests by service, operation and error code (empty when the request succeeded).",
		}, []string{"service", "operation", "code"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "abacus_authz_decisions_total",
			Help: "Authorization decisions by result (allowed, explicitDeny, implicitDeny) and enforcement mode.",
		}, []string{"decision", "enforced"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "abacus_request_duration_seconds",
			Help:    "Time from receiving a request to writing its response, by service and operation.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"service", "operation"}),
		audit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "abacus_audit_commit_seconds",
			Help:    "Time a request waited for its audit event to be durable.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25},
		}),
	}
	m.reg.MustRegister(m.requests, m.decisions, m.latency, m.audit,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (m *metrics) observe(service, operation, code string, d time.Duration) {
	m.requests.WithLabelValues(service, operation, code).Inc()
	m.latency.WithLabelValues(service, operation).Observe(d.Seconds())
}
