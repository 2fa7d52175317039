package main

import (
	"context"
	"encoding/json"
	"flag"
	"github.com/shopguard/shopguard/fetch"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/shopguard/shopguard/auth"
	shttp "github.com/shopguard/shopguard/http"
)

// Config is the effective configuration: defaults, then SHOPGUARD_* environment variables
// (with *_FILE variants for secrets), then flags.
type Config struct {
	Data  string `json:"data"`
	DB    string `json:"db"`
	Blobs string `json:"blobs"`
	// S3 signs in to the object store when Blobs is an s3:// URL.
	S3             S3Config `json:"s3"`
	Addr           string   `json:"addr"`
	Knowledge      string   `json:"knowledge"`
	SecureCookies  bool     `json:"secure_cookies"`
	TrustedProxies string   `json:"trusted_proxies"`
	RateAnon       float64  `json:"rate_anon"`
	RateKey        float64  `json:"rate_key"`
	LogLevel       string   `json:"log_level"`
	LogFormat      string   `json:"log_format"`
	FeedURLs       string   `json:"feed_urls"`
	MetricsAddr    string   `json:"metrics_addr"`
	MetricsKey     string   `json:"metrics_key"`
	// RetentionDays is how long community reports are kept; 0 keeps them.
	RetentionDays int `json:"report_retention_days"`
	// ReadSites lets the server read shops' live sites (site check, assessment); RDAP is the
	// service asked for domains' registration dates ("" asks none).
	ReadSites bool   `json:"read_sites"`
	RDAP      string `json:"rdap"`
	// PublicPending shows the public "reports under review" for unconfirmed reports.
	PublicPending bool `json:"public_pending"`
	// SnapshotKey writes (snapshot --keyed) and reads keyed snapshots.
	SnapshotKey string `json:"snapshot_key"`
	// ScanSlots, BuildSlots and BodyMemoryMB are the server's budgets for expensive work
	// (shttp.Config.ScanSlots, BuildSlots and BodyMemory, the last in MiB).
	ScanSlots    int `json:"scan_slots"`
	BuildSlots   int `json:"build_slots"`
	BodyMemoryMB int `json:"body_memory_mb"`
}

// S3Config is where the S3-compatible object store of --blobs s3://… is and how to sign in.
type S3Config struct {
	Endpoint  string `json:"endpoint"`
	Region    string `json:"region"`
	AccessKey string `json:"access_key"`
	SecretKey string `json:"secret_key"`
}

// loadConfig reads the defaults and the environment.
func (m *Main) loadConfig() (Config, error) {
	def := shttp.DefaultConfig()
	c := Config{Data: "shopguard-data", Addr: def.Addr, RateAnon: def.RateAnon, RateKey: def.RateKey, LogLevel: "info", LogFormat: "text",
		ReadSites: true, RDAP: fetch.DefaultRDAP, PublicPending: def.PublicPending,
		ScanSlots: def.ScanSlots, BuildSlots: def.BuildSlots, BodyMemoryMB: int(def.BodyMemory >> 20)}
	str := func(name string, dst *string) error {
		if v := m.Getenv(name); v != "" {
			*dst = v
		}
		if f := m.Getenv(name + "_FILE"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return usagef("%s_FILE: %v", name, err)
			}
			*dst = strings.TrimSpace(string(b))
		}
		return nil
	}
	num := func(name string, dst *float64) error {
		if v := m.Getenv(name); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				return usagef("%s=%q: want a number of requests per second (0 turns the limit off)", name, v)
			}
			*dst = f
		}
		return nil
	}
	count := func(name string, dst *int, what string) error {
		if v := m.Getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return usagef("%s=%q: want %s, at least 1", name, v, what)
			}
			*dst = n
		}
		return nil
	}
	var secure, retention, readSites, pending string
	for _, err := range []error{
		count("SHOPGUARD_SCAN_SLOTS", &c.ScanSlots, "a number of scans"), count("SHOPGUARD_BUILD_SLOTS", &c.BuildSlots, "a number of documents"),
		count("SHOPGUARD_BODY_MEMORY_MB", &c.BodyMemoryMB, "a number of MiB"),
		str("SHOPGUARD_READ_SITES", &readSites), str("SHOPGUARD_RDAP", &c.RDAP),
		str("SHOPGUARD_REPORT_RETENTION_DAYS", &retention),
		str("SHOPGUARD_DATA", &c.Data), str("SHOPGUARD_DB", &c.DB), str("SHOPGUARD_BLOBS", &c.Blobs), str("SHOPGUARD_ADDR", &c.Addr),
		str("SHOPGUARD_KNOWLEDGE", &c.Knowledge), str("SHOPGUARD_SECURE_COOKIES", &secure), str("SHOPGUARD_PUBLIC_PENDING", &pending),
		str("SHOPGUARD_TRUSTED_PROXIES", &c.TrustedProxies), num("SHOPGUARD_RATE_ANON", &c.RateAnon),
		num("SHOPGUARD_RATE_KEY", &c.RateKey), str("SHOPGUARD_LOG_LEVEL", &c.LogLevel), str("SHOPGUARD_LOG_FORMAT", &c.LogFormat),
		str("SHOPGUARD_SNAPSHOT_KEY", &c.SnapshotKey), str("SHOPGUARD_FEED_URLS", &c.FeedURLs), str("SHOPGUARD_METRICS_ADDR", &c.MetricsAddr), str("SHOPGUARD_METRICS_KEY", &c.MetricsKey),
		// The AWS names first, so that SHOPGUARD_S3_* wins when both are set.
		str("AWS_REGION", &c.S3.Region), str("AWS_ACCESS_KEY_ID", &c.S3.AccessKey), str("AWS_SECRET_ACCESS_KEY", &c.S3.SecretKey),
		str("SHOPGUARD_S3_ENDPOINT", &c.S3.Endpoint), str("SHOPGUARD_S3_REGION", &c.S3.Region),
		str("SHOPGUARD_S3_ACCESS_KEY", &c.S3.AccessKey), str("SHOPGUARD_S3_SECRET_KEY", &c.S3.SecretKey),
	} {
		if err != nil {
			return c, err
		}
	}
	if retention != "" {
		n, err := strconv.Atoi(retention)
		if err != nil || n < 0 {
			return c, usagef("SHOPGUARD_REPORT_RETENTION_DAYS=%q: want a number of days (0 keeps reports)", retention)
		}
		c.RetentionDays = n
	}
	if readSites != "" {
		b, err := strconv.ParseBool(readSites)
		if err != nil {
			return c, usagef("SHOPGUARD_READ_SITES=%q: want true or false", readSites)
		}
		c.ReadSites = b
	}
	if secure != "" {
		b, err := strconv.ParseBool(secure)
		if err != nil {
			return c, usagef("SHOPGUARD_SECURE_COOKIES=%q: want true or false", secure)
		}
		c.SecureCookies = b
	}
	if pending != "" {
		b, err := strconv.ParseBool(pending)
		if err != nil {
			return c, usagef("SHOPGUARD_PUBLIC_PENDING=%q: want true or false", pending)
		}
		c.PublicPending = b
	}
	return c, nil
}

// storeFlags adds the flags that choose the database.
func (c *Config) storeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", c.Data, "data directory (SQLite database, evidence files) [SHOPGUARD_DATA]")
	fs.StringVar(&c.DB, "db", c.DB, "database: empty for SQLite in the data directory, or postgres://… [SHOPGUARD_DB]")
	fs.StringVar(&c.Blobs, "blobs", c.Blobs, "where the evidence files of cases and reports go: a directory (default DATA/blobs), or s3://BUCKET/PREFIX for an S3-compatible object store (SHOPGUARD_S3_ENDPOINT, _REGION, _ACCESS_KEY, _SECRET_KEY) that several nodes can share [SHOPGUARD_BLOBS]")
	fs.StringVar(&c.Knowledge, "knowledge", c.Knowledge, "directory of an extra knowledge pack that adds or overrides entries [SHOPGUARD_KNOWLEDGE]")
}

// serverFlags adds the flags of the HTTP server.
func (c *Config) serverFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on [SHOPGUARD_ADDR]")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "send cookies over HTTPS only: set it when users reach the server over HTTPS [SHOPGUARD_SECURE_COOKIES]")
	fs.BoolVar(&c.PublicPending, "public-pending", c.PublicPending, "show the public \"reports under review\" (no count, types or dates) for reports no moderator has confirmed; false hides them from all but moderators [SHOPGUARD_PUBLIC_PENDING]")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed [SHOPGUARD_TRUSTED_PROXIES]")
	fs.Float64Var(&c.RateAnon, "rate-anon", c.RateAnon, "requests per second per client IP without credentials; 0 for no limit [SHOPGUARD_RATE_ANON]")
	fs.Float64Var(&c.RateKey, "rate-key", c.RateKey, "requests per second per account (all its keys and sessions together); 0 for no limit [SHOPGUARD_RATE_KEY]")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error [SHOPGUARD_LOG_LEVEL]")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json [SHOPGUARD_LOG_FORMAT]")
	fs.StringVar(&c.FeedURLs, "feed-urls", c.FeedURLs, "threat feeds to fetch and refresh: space-separated NAME,FORMAT,URL[,EVERY] (EVERY such as 6h, default 1h) [SHOPGUARD_FEED_URLS]")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "serve /metrics on this address only (such as 127.0.0.1:9090), not on --addr [SHOPGUARD_METRICS_ADDR]")
	fs.StringVar(&c.MetricsKey, "metrics-key", c.MetricsKey, "bearer token /metrics asks for; better set SHOPGUARD_METRICS_KEY or SHOPGUARD_METRICS_KEY_FILE than the flag [SHOPGUARD_METRICS_KEY]")
	fs.BoolVar(&c.ReadSites, "read-sites", c.ReadSites, "read shops' live sites for the site check and the assessment (private addresses are always refused) [SHOPGUARD_READ_SITES]")
	fs.StringVar(&c.RDAP, "rdap", c.RDAP, "RDAP service asked for a shop domain's registration date; empty asks none [SHOPGUARD_RDAP]")
	fs.IntVar(&c.ScanSlots, "scan-slots", c.ScanSlots, "chat scans, assessments and site checks run at once; more wait up to 2 s, then get 503 [SHOPGUARD_SCAN_SLOTS]")
	fs.IntVar(&c.BuildSlots, "build-slots", c.BuildSlots, "PDFs and evidence packages built at once [SHOPGUARD_BUILD_SLOTS]")
	fs.IntVar(&c.BodyMemoryMB, "body-memory-mb", c.BodyMemoryMB, "MiB the large request bodies in hand may take together, each counted at 8 times its size [SHOPGUARD_BODY_MEMORY_MB]")
	c.retentionFlag(fs)
}

// retentionFlag adds the flag of how long community reports are kept (serve, purge).
func (c *Config) retentionFlag(fs *flag.FlagSet) {
	fs.IntVar(&c.RetentionDays, "report-retention-days", c.RetentionDays, "delete community reports older than this many days; 0 keeps them [SHOPGUARD_REPORT_RETENTION_DAYS]")
}

// retention is how long community reports are kept; 0 keeps them.
func (c Config) retention() time.Duration { return time.Duration(c.RetentionDays) * 24 * time.Hour }

// httpConfig turns the configuration into the HTTP server's.
func (c Config) httpConfig() (shttp.Config, error) {
	h := shttp.DefaultConfig()
	h.Addr, h.SecureCookies, h.RateAnon, h.RateKey = c.Addr, c.SecureCookies, c.RateAnon, c.RateKey
	h.MetricsAddr, h.MetricsKey, h.PublicPending = c.MetricsAddr, c.MetricsKey, c.PublicPending
	if c.ScanSlots < 1 || c.BuildSlots < 1 || c.BodyMemoryMB < 1 {
		return h, usagef("--scan-slots, --build-slots and --body-memory-mb take numbers of at least 1")
	}
	h.ScanSlots, h.BuildSlots, h.BodyMemory = c.ScanSlots, c.BuildSlots, int64(c.BodyMemoryMB)<<20
	if k := c.MetricsKey; k != "" && (len(k) < 16 || strings.HasPrefix(k, auth.KeyPrefix)) {
		return h, usagef("metrics key: want a secret of at least 16 characters that does not start with %q (that is how API keys start)", auth.KeyPrefix)
	}
	for _, s := range strings.Split(c.TrustedProxies, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return h, usagef("trusted proxies: %q is not a CIDR such as 10.0.0.0/8", s)
		}
		h.TrustedProxies = append(h.TrustedProxies, n)
	}
	return h, nil
}

// sqlitePath is where the SQLite database lives in the data directory.
func (c Config) sqlitePath() string { return filepath.Join(c.Data, "shopguard.db") }

// redacted returns the configuration with the database password, the snapshot key, the metrics key and the
// object store's secret key hidden.
func (c Config) redacted() Config {
	if c.SnapshotKey != "" {
		c.SnapshotKey = "REDACTED"
	}
	if c.MetricsKey != "" {
		c.MetricsKey = "REDACTED"
	}
	if c.S3.SecretKey != "" {
		c.S3.SecretKey = "REDACTED"
	}
	if u, err := url.Parse(c.DB); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
			c.DB = u.String()
		}
	}
	return c
}

func (m *Main) config(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("config", "", "Print the effective configuration (defaults, then SHOPGUARD_* variables, then flags), with secrets redacted, as JSON.")
	c.storeFlags(fs)
	c.serverFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, err := c.httpConfig(); err != nil {
		return err
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(c.redacted())
}
