package http

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shopguard/shopguard"
)

// metrics are the server's Prometheus series, in a registry of its own so that several
// servers can live in one process (as in tests).
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// series keeps the children of requests and duration by route, method and status
	// (seriesKey → *series), so that a request does not build and hash its labels; at most
	// maxSeries of them (methods are the client's to choose), the rest are asked of the vectors.
	series  sync.Map
	nseries atomic.Int64
}

// maxSeries bounds metrics.series.
const maxSeries = 1024

type seriesKey struct {
	route, method string
	status        int
}

// series are the children of metrics' vectors for one seriesKey.
type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopguard_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "shopguard_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	k := seriesKey{route, method, status}
	var s *series
	if v, ok := m.series.Load(k); ok {
		s = v.(*series)
	} else {
		s = &series{m.requests.WithLabelValues(route, method, strconv.Itoa(status)), m.duration.WithLabelValues(route)}
		if m.nseries.Add(1) <= maxSeries {
			m.series.Store(k, s)
		}
	}
	s.requests.Inc()
	s.duration.Observe(d.Seconds())
}

// Registry returns the server's Prometheus registry, for other parts to add their series.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// handleMetrics serves the Prometheus registry, to callers that send Config.MetricsKey when
// it is set. With Config.MetricsAddr set, the main address has no /metrics at all.
func (s *Server) handleMetrics() handlerFunc {
	h := promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.Config.MetricsAddr != "" && r.Context().Value(metricsListener{}) == nil {
			return s.notFound(w, r)
		}
		if k := s.Config.MetricsKey; k != "" {
			tok, _ := bearer(r)
			if subtle.ConstantTimeCompare([]byte(tok), []byte(k)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				return shopguard.Errorf(shopguard.EUNAUTHORIZED, "/metrics needs the metrics key: send Authorization: Bearer KEY")
			}
		}
		h.ServeHTTP(w, r)
		return nil
	}
}

// metricsListener marks requests that came in on the separate metrics address.
type metricsListener struct{}

// MetricsHandler serves /metrics alone, as the listener on Config.MetricsAddr does; every
// other path is 404.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	h := s.handleMetrics()
	mux.Handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), metricsListener{}, true))
		if err := h(w, r); err != nil {
			s.error(w, r, err)
		}
	}))
	return mux
}

// handleHealthz answers 200 while the process serves.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": versionString()})
	return nil
}

// handleReadyz answers 200 when the database answers and the server is not shutting down,
// else 503 with Retry-After.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	if s.closing.Load() {
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
		return nil
	}
	if err := s.Store.Ping(r.Context()); err != nil {
		s.Logger.Warn("readyz: database", "err", err)
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "knowledge": s.Knowledge.Version})
	return nil
}
