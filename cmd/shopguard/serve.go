package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/fetch"
	shttp "github.com/shopguard/shopguard/http"
	"github.com/shopguard/shopguard/intel/feed"
	"github.com/shopguard/shopguard/sqlstore"
)

// server is a running shopguard server: its store, its HTTP server and the feed refreshers.
type server struct {
	store     *sqlstore.DB
	http      *shttp.Server
	logger    *slog.Logger
	logs      *logWriter
	stopFeeds context.CancelFunc
}

// openServer opens the store, loads the knowledge and starts serving.
func (m *Main) openServer(ctx context.Context, c Config) (srv *server, err error) {
	logs := newLogWriter(m.Stderr)
	defer func() {
		if err != nil {
			logs.Close()
		}
	}()
	logger, err := newLogger(logs, c.LogLevel, c.LogFormat)
	if err != nil {
		return nil, err
	}
	hc, err := c.httpConfig()
	if err != nil {
		return nil, err
	}
	pack, err := loadKnowledge(c)
	if err != nil {
		return nil, err
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return nil, err
	}
	h, err := shttp.NewServer(hc, store, pack, logger)
	if err == nil {
		registerPools(h.Registry(), store)
	}
	if err == nil && logger.Enabled(ctx, slog.LevelInfo) {
		// logger is newLogger's handler, without options but its level: the request lines
		// can be written as it writes them, without slog's walk of their attributes.
		h.RequestLog = &shttp.RequestLog{W: logs, JSON: c.LogFormat == "json"}
	}
	feeds := feed.NewSet()
	feedCtx, stopFeeds := context.WithCancel(context.Background())
	if err == nil {
		h.Blobs, err = c.openBlobs(ctx)
		if shopguard.ErrorCode(err) == shopguard.EUNAVAILABLE && h.Blobs != nil {
			// Checks need no object store: serve them, and uploads fail until it is back.
			logger.Warn("the evidence store cannot be reached; uploads fail until it is back", "err", err)
			err = nil
		}
	}
	if err == nil {
		err = followFeeds(feedCtx, c, store, feeds, logger)
	}
	if err == nil {
		// Confirmed community reports first: the link check names the first hit.
		h.Links = link.New(pack, link.Lookups{h.Intel, feeds})
		h.Intel.Limits.Retention = c.retention()
		h.Intel.CachePath = c.indexCache()
		if c.ReadSites {
			h.Fetcher = fetch.New(fetch.Options{RDAP: c.RDAP})
		}
		err = h.Open()
	}
	if err != nil {
		stopFeeds()
		store.Close()
		return nil, err
	}
	engine := "sqlite"
	if c.DB != "" {
		engine = "postgres"
	}
	logger.Info("shopguard serving", "url", h.URL(), "engine", engine, "knowledge", pack.Version)
	return &server{store: store, http: h, logger: logger, logs: logs, stopFeeds: stopFeeds}, nil
}

// close stops the server gracefully: requests in flight finish (for up to 30 s), then the
// database closes.
func (s *server) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.stopFeeds()
	err := s.http.Close(ctx)
	err = errors.Join(err, s.store.Close())
	s.logger.Info("shopguard stopped")
	return errors.Join(err, s.logs.Close())
}

func (m *Main) serve(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("serve", "", "Run the web UI (/), the JSON API (/api/v1, described at /api/v1/openapi.json), /healthz, /readyz and /metrics.\nSIGINT or SIGTERM stops it gracefully.")
	c.storeFlags(fs)
	c.serverFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve takes no arguments, got %q", fs.Args())
	}
	srv, err := m.openServer(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "shopguard: listening on %s (Ctrl-C to stop)\n", srv.http.URL())
	<-ctx.Done()
	return srv.close()
}

// registerPools adds the store's connection pools to /metrics (go_sql_*, labelled db_name
// "write", and "read" where reads have a pool of their own): open and idle connections, and
// how often and how long requests waited for a free one (go_sql_wait_count_total,
// go_sql_wait_duration_seconds_total), the wait a write's latency can hide.
func registerPools(reg *prometheus.Registry, store *sqlstore.DB) {
	reg.MustRegister(collectors.NewDBStatsCollector(store.Write, "write"))
	if store.Read != store.Write {
		reg.MustRegister(collectors.NewDBStatsCollector(store.Read, "read"))
	}
}
