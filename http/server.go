// Package http serves shopguard's JSON API under /api/v1, its web UI and its operational
// endpoints (/healthz, /readyz, /metrics) over one standard-library ServeMux. Handlers are
// thin: they parse, call the core packages and render.
package http

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/auth"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/model"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/fetch"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/internal/budget"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/prices"
)

// Config holds the settings of the HTTP server.
type Config struct {
	// Addr is the address to listen on, such as "127.0.0.1:8080".
	Addr string
	// SecureCookies marks cookies Secure (send them over HTTPS only). Set it whenever users
	// reach the server over HTTPS, directly or through a proxy.
	SecureCookies bool
	// TrustedProxies are the networks whose X-Forwarded-For header is believed.
	TrustedProxies []*net.IPNet
	// RateAnon and RateKey are the requests per second allowed to one client IP without
	// credentials and to one account (all its API keys and sessions together); bursts may be
	// three times as large.
	RateAnon, RateKey float64
	// MaxBodyBytes caps a request body, except for routes that set their own limit.
	MaxBodyBytes int64
	// MaxUploadBytes caps the body of an evidence upload (the file and the form around it).
	MaxUploadBytes int64
	// Evidence bounds what one case may hold (casework.DefaultLimits by default).
	Evidence casework.Limits
	// PublicPending lets the public see that an identifier has reports waiting for a
	// moderator, as "reports under review" without their count, types or dates. Without it
	// unconfirmed reports are invisible to anyone but moderators.
	PublicPending bool
	// DiskQuota is how many bytes of files one client (account, else address) may upload in
	// an hour, to cases and reports together, before moderation; 0 for no quota.
	DiskQuota int64
	// RateShare is how often a node serving from a database that other nodes share
	// (PostgreSQL) tells them what the per-account limits counted (RateKey, DiskQuota) and
	// hears what they counted, so that an account's limit holds across the nodes; 0 leaves
	// each node its own limits.
	RateShare time.Duration
	// MetricsAddr, when set, serves /metrics on this address only (such as "127.0.0.1:9090"),
	// not on Addr.
	MetricsAddr string
	// MetricsKey, when set, is the bearer token /metrics asks for ("Authorization: Bearer …").
	MetricsKey string
	// ScanSlots bounds the chat scans, assessments and site checks that run at once, and
	// BuildSlots the PDFs and evidence packages being built; a request that finds no slot free
	// within WorkWait is answered 503 with Retry-After, while cheap requests go on answering.
	ScanSlots, BuildSlots int
	// WorkWait is how long a request waits for a slot of ScanSlots or BuildSlots, or for
	// room in BodyMemory.
	WorkWait time.Duration
	// BodyMemory bounds the memory the large request bodies being handled at once may take,
	// each counted at eight times its size (the bytes, what is decoded from them, the scan of
	// them); evidence uploads stream to disk and do not count, nor do bodies under 64 KiB. A
	// request that finds no room within WorkWait is answered 503 with Retry-After; 0 for no
	// bound.
	BodyMemory int64
}

// DefaultConfig returns the settings a fresh install runs with.
func DefaultConfig() Config {
	return Config{Addr: "127.0.0.1:8080", RateAnon: 10, RateKey: 50, MaxBodyBytes: 1 << 20,
		MaxUploadBytes: casework.DefaultLimits.FileSize + 1<<20, Evidence: casework.DefaultLimits, PublicPending: true,
		DiskQuota: 200 << 20, ScanSlots: 2 * runtime.GOMAXPROCS(0), BuildSlots: 2, WorkWait: 2 * time.Second,
		RateShare: 250 * time.Millisecond, BodyMemory: 128 << 20}
}

// Server is shopguard's HTTP server. Fill the exported fields, then call Open.
type Server struct {
	Config    Config
	Store     shopguard.Store
	Auth      *auth.Service
	Knowledge *knowledge.Pack
	Logger    *slog.Logger
	// RequestLog, when set, writes the request log lines instead of Logger, as Logger's
	// handler would (see RequestLog).
	RequestLog *RequestLog
	// Text finds scam scripts in chats; NewServer builds it from Knowledge.
	Text *text.Detector
	// Model is the chat check's learned layer; NewServer loads the one embedded in the
	// binary. Nil turns it off.
	Model *model.Model
	// Blobs keeps the evidence files of cases and of community reports; routes that need
	// files answer 503 until it is set (before Open).
	Blobs shopguard.BlobStore
	// Links judges links; NewServer makes one that asks the community's reports (Intel),
	// which the caller may replace before Open with one that also asks threat feeds.
	Links *link.Analyzer

	// Intel is community reporting and reputation; Open starts it (StartIntel).
	Intel *intel.Service
	// Prices are the reference prices; NewServer makes them over Store and Open loads them.
	Prices *prices.Service
	// Fetcher reads shops' sites for the site check and the assessment; nil (the default)
	// reads none: the site check then only takes pages handed to it.
	Fetcher *fetch.Fetcher

	planner *casework.Planner
	mux     *http.ServeMux
	// literal holds the routes whose pattern is a method and a path without wildcards, by
	// pattern: for a request of that method and path the mux would choose the same.
	literal map[string]literalRoute
	srv     *http.Server
	ln      net.Listener
	// metricsSrv and metricsLn serve /metrics on Config.MetricsAddr, when set.
	metricsSrv *http.Server
	metricsLn  net.Listener
	routes     []string
	limits     *limiter
	disk       *limiter
	// rates is what this node knows of the limits it shares with others (shareRates).
	rates    rateShare
	metrics  *metrics
	registry *prometheus.Registry
	ui       *ui
	// apiDoc is the API reference page, made from the OpenAPI document.
	apiDoc  *apiDoc
	closing atomic.Bool
	// base is the context every request's context derives from; cancelRequests ends it when
	// shutdown runs out of time, so that the work of requests still running stops.
	base           context.Context
	cancelRequests context.CancelFunc
	// scanGate and buildGate bound the expensive work running at once (Config.ScanSlots,
	// Config.BuildSlots).
	scanGate, buildGate *budget.Gate
	// packages keeps the evidence packages built lately.
	packages packageCache
	// links is the secret of the private links, read from the store once (linksSecret).
	links atomic.Pointer[[]byte]
	// bodies bounds the memory of the large request bodies in hand (Config.BodyMemory); nil
	// for no bound.
	bodies *budget.Pool
	// stopIntel stops following the change sequence.
	stopIntel context.CancelFunc
	// shop holds what the shop checks share, built on first use (after the caller has set
	// Links).
	shop shopChecks
}

// NewServer returns a server over the store and knowledge pack, with its routes registered.
func NewServer(cfg Config, store shopguard.Store, pack *knowledge.Pack, logger *slog.Logger) (*Server, error) {
	s := &Server{
		Config: cfg, Store: store, Auth: auth.NewService(store), Knowledge: pack, Logger: logger,
		mux:      http.NewServeMux(),
		literal:  map[string]literalRoute{},
		limits:   newLimiter("req"),
		disk:     newLimiter("disk"),
		rates:    rateShare{node: rand.Text(), seen: map[[2]string]seenTotal{}},
		registry: prometheus.NewRegistry(),
	}
	s.metrics = newMetrics(s.registry)
	s.base, s.cancelRequests = context.WithCancel(context.Background())
	s.scanGate = budget.NewGate("checking chats and shops", cfg.ScanSlots, cfg.WorkWait)
	s.buildGate = budget.NewGate("building documents", cfg.BuildSlots, cfg.WorkWait)
	if cfg.BodyMemory > 0 {
		s.bodies = budget.NewPool("reading large requests", cfg.BodyMemory, cfg.WorkWait)
	}
	s.Intel = &intel.Service{Store: store, Index: intel.NewIndex(), Prover: &intel.Prover{}, Log: logger,
		KnownScamType: func(id string) bool { _, ok := pack.ScamType(id); return ok }}
	s.Links = link.New(pack, s.Intel)
	s.Prices = prices.NewService(store)
	var err error
	if s.Text, err = text.New(pack); err != nil {
		return nil, fmt.Errorf("http: text detector: %w", err)
	}
	if s.Model, err = model.Default(); err != nil {
		return nil, fmt.Errorf("http: learned layer: %w", err)
	}
	if s.ui, err = newUI(); err != nil {
		return nil, err
	}
	if s.planner, err = casework.NewPlanner(pack); err != nil {
		return nil, err
	}
	if s.apiDoc, err = buildAPIDoc(openAPI); err != nil {
		return nil, err
	}
	s.registerRoutes()
	return s, nil
}

// handlerFunc is a route's handler: it writes its answer, or returns the error for the
// server to render (as JSON for the API, as a page for browsers).
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle registers h for pattern ("GET /api/v1/…") behind the route's row of the
// authorisation table, recording the route for metrics, logs and the OpenAPI check.
func (s *Server) handle(pattern string, h handlerFunc) {
	s.routes = append(s.routes, pattern)
	h = s.guard(pattern, h)
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stateOf(r).route = pattern
		err := checkInput(r)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.error(w, r, err)
		}
	})
	s.mux.Handle(pattern, serve)
	if method, path, _ := strings.Cut(pattern, " "); method != "" && strings.HasPrefix(path, "/") &&
		!strings.HasSuffix(path, "/") && !strings.ContainsAny(path, "{}") {
		s.literal[pattern] = literalRoute{pattern, serve}
	}
}

// literalRoute is a route of Server.literal.
type literalRoute struct {
	pattern string
	h       http.Handler
}

// route serves r by its literal route when it has one, without the mux's search of every
// pattern, else by the mux. A literal pattern with the request's method and exactly its
// path is the one the mux chooses: no pattern is more specific (none names a host), and such
// a path is clean. A path with escapes of its own (RawPath) is left to the mux.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if r.URL.RawPath == "" && len(r.Method)+1+len(r.URL.Path) <= 64 {
		var buf [64]byte
		key := append(append(append(buf[:0], r.Method...), ' '), r.URL.Path...)
		if lr, ok := s.literal[string(key)]; ok { // no allocation: the key is only looked up
			r.Pattern = lr.pattern
			lr.h.ServeHTTP(w, r)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// Routes lists the registered route patterns.
func (s *Server) Routes() []string { return append([]string(nil), s.routes...) }

// Handler returns the whole server as one http.Handler, middleware included.
func (s *Server) Handler() http.Handler { return s.middleware(http.HandlerFunc(s.route)) }

// Open loads the reputation index, warms the store's connections for writes (when the store
// can: warmer), then starts listening on Config.Addr and serving in the background: /readyz
// first answers once the node is warm.
func (s *Server) Open() error {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopIntel = cancel
	if err := s.StartIntel(ctx); err != nil {
		cancel()
		return fmt.Errorf("http: start reputation index: %w", err)
	}
	if err := s.startPrices(ctx); err != nil {
		cancel()
		return err
	}
	if w, ok := s.Store.(warmer); ok {
		wctx, stop := context.WithTimeout(ctx, warmTimeout)
		err := w.Warm(wctx, warmConns)
		stop()
		if err != nil {
			s.Logger.Warn("http: warm the database connections", "err", err)
		}
	}
	if s.Config.RateShare > 0 && s.Store.Listens() {
		s.limits.share()
		s.disk.share()
		go s.shareRates(ctx, s.Config.RateShare)
	}
	ln, err := net.Listen("tcp", s.Config.Addr)
	if err != nil {
		cancel()
		return fmt.Errorf("http: listen on %s: %w", s.Config.Addr, err)
	}
	s.ln = ln
	s.srv = s.serveOn(ln, s.Handler())
	if s.Config.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.Config.MetricsAddr)
		if err != nil {
			s.srv.Close()
			cancel()
			return fmt.Errorf("http: listen on %s for metrics: %w", s.Config.MetricsAddr, err)
		}
		s.metricsLn = mln
		s.metricsSrv = s.serveOn(mln, s.MetricsHandler())
	}
	return nil
}

// warmer is a store that can ready its connections for writes before the server listens
// (sqlstore.DB.Warm), so that a node joining a cluster is warm when /readyz first answers.
type warmer interface {
	Warm(ctx context.Context, n int) error
}

// warmConns is how many connections Open warms: the idle connections the PostgreSQL pool
// keeps (postgres.Open). warmTimeout bounds the warm-up; a failed one is logged, not fatal.
const (
	warmConns   = 10
	warmTimeout = 30 * time.Second
)

// serveOn serves h on ln in the background.
func (s *Server) serveOn(ln net.Listener, h http.Handler) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return s.base },
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http: serve", "addr", ln.Addr().String(), "err", err)
		}
	}()
	return srv
}

// MetricsURL returns the base URL of the separate metrics listener (Config.MetricsAddr), or
// "" when /metrics is served with the rest.
func (s *Server) MetricsURL() string {
	if s.metricsLn == nil {
		return ""
	}
	return "http://" + s.metricsLn.Addr().String()
}

// URL returns the base URL the server listens on, such as "http://127.0.0.1:8080".
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops accepting requests, answers /readyz with 503 at once, and waits for requests in
// flight to finish until ctx ends. Requests still running then are cancelled (their work
// stops at its next look at the request's context) and their connections closed. Either
// way the reputation index cache is saved.
func (s *Server) Close(ctx context.Context) error {
	s.closing.Store(true)
	if s.stopIntel != nil {
		defer s.stopIntel()
	}
	defer s.cancelRequests()
	if s.srv == nil {
		return s.packages.close()
	}
	var errs []error
	for _, srv := range []*http.Server{s.metricsSrv, s.srv} {
		if srv == nil {
			continue
		}
		if err := srv.Shutdown(ctx); err != nil {
			s.cancelRequests()
			errs = append(errs, fmt.Errorf("http: shutdown: %w", errors.Join(err, srv.Close())))
		}
	}
	if err := s.Intel.SaveCache(); err != nil {
		errs = append(errs, fmt.Errorf("http: shutdown: %w", err))
	}
	errs = append(errs, s.packages.close())
	return errors.Join(errs...)
}
