package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is what a run does.
type Config struct {
	Targets     []string      // base URLs, used in turn (targetOf)
	Rate        float64       // requests per second (open loop); 0 for a closed loop
	Concurrency int           // clients of a closed loop
	MaxInFlight int           // open loop: the most requests outstanding at once
	Duration    time.Duration // how long requests are sent
	Mix         []mixEntry
	Key         string // API key, sent as "Authorization: Bearer"
	// Networks, when above 0, spreads the requests over this many made-up client networks
	// (X-Forwarded-For 10.a.b.1, one /24 each), so that limits per network (reports) do not
	// decide the run; the server must trust the generator's address as a proxy.
	Networks int
	Timeout  time.Duration
	JSON     bool
}

func parseRun(args []string) (Config, error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var targets []string
	fs.Func("target", "base URL of a server (default http://127.0.0.1:8080); several, repeated or comma-separated, are used in turn", func(s string) error {
		targets = append(targets, strings.Split(s, ",")...)
		return nil
	})
	rate := fs.Float64("rate", 0, "open loop: requests per second, latency counted from when each was due")
	conc := fs.Int("concurrency", 0, "closed loop: this many clients, each sending when answered")
	inflight := fs.Int("max-inflight", 4096, "open loop: the most requests outstanding at once")
	dur := fs.Duration("duration", 10*time.Second, "how long to send requests")
	mix := fs.String("mix", "check_url=1", "operations and weights, such as check_url=5,scan=3,lookup=2,report=1,case=1 (operations: "+opNames()+")")
	key := fs.String("key", "", "API key to send as Authorization: Bearer (env SHOPGUARD_LOAD_KEY)")
	networks := fs.Int("networks", 0, "spread requests over this many client networks with X-Forwarded-For (the server must trust this host: --trusted-proxies)")
	timeout := fs.Duration("timeout", 30*time.Second, "timeout of one request")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	c := Config{Rate: *rate, Concurrency: *conc, MaxInFlight: *inflight, Duration: *dur, Key: *key, Timeout: *timeout, JSON: *asJSON, Networks: *networks}
	if len(targets) == 0 {
		targets = []string{"http://127.0.0.1:8080"}
	}
	for _, t := range targets {
		if t = strings.TrimRight(strings.TrimSpace(t), "/"); t != "" {
			if !strings.HasPrefix(t, "http://") && !strings.HasPrefix(t, "https://") {
				return c, fmt.Errorf("--target %q: want a base URL such as http://127.0.0.1:8080", t)
			}
			c.Targets = append(c.Targets, t)
		}
	}
	if c.Key == "" {
		c.Key = os.Getenv("SHOPGUARD_LOAD_KEY")
	}
	var err error
	if c.Mix, err = parseMix(*mix); err != nil {
		return c, err
	}
	switch {
	case len(c.Targets) == 0:
		return c, errors.New("give at least one --target")
	case (c.Rate > 0) == (c.Concurrency > 0):
		return c, errors.New("give either --rate (open loop) or --concurrency (closed loop)")
	case c.Duration <= 0:
		return c, errors.New("--duration must be above 0")
	case c.Networks < 0 || c.Networks > 1<<16:
		return c, errors.New("--networks takes 0 to 65536")
	case c.Rate > 0 && c.MaxInFlight < 1:
		return c, errors.New("--max-inflight must be at least 1")
	}
	return c, nil
}

func opNames() string {
	var names []string
	for _, o := range ops {
		names = append(names, o.Name)
	}
	return strings.Join(names, ", ")
}

// Client sends the requests of a run.
type Client struct {
	http *http.Client
	key  string
	// networks and next choose each request's X-Forwarded-For (Config.Networks).
	networks int
	next     atomic.Uint64
}

// Do sends one request and reads the whole answer. bearer, when set, is sent instead of the
// API key (a case's own key).
func (c *Client) Do(ctx context.Context, method, url, contentType string, body []byte, bearer string) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer == "" {
		bearer = c.key
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if c.networks > 0 {
		n := c.next.Add(1) % uint64(c.networks)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.1", n/256%256, n%256))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// targetOf returns which of targets servers request n goes to, when the mix repeats every
// slots requests: the servers in turn, and each operation of the mix to every server in turn
// (n mod targets alone would send one slot of the mix always to the same server when
// targets divides slots: with three servers and a mix of twelve, every report to one of them,
// which a load balancer in front of real nodes does not do).
func targetOf(n uint64, slots, targets int) int {
	return int((n%uint64(slots) + n/uint64(slots)) % uint64(targets))
}

// Load runs the load cfg describes and reports what happened.
func Load(ctx context.Context, cfg Config) (*Report, error) {
	conns := cfg.Concurrency
	if cfg.Rate > 0 {
		conns = min(cfg.MaxInFlight, 1024)
	}
	tr := &http.Transport{MaxIdleConns: conns * len(cfg.Targets), MaxIdleConnsPerHost: conns, DisableCompression: true, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	c := &Client{http: &http.Client{Transport: tr, Timeout: cfg.Timeout}, key: cfg.Key, networks: cfg.Networks}
	slots := schedule(cfg.Mix)
	rec := newRecorder()
	var seq atomic.Uint64
	one := func(due time.Time) {
		n := seq.Add(1) - 1
		op := slots[n%uint64(len(slots))]
		base := cfg.Targets[targetOf(n, len(slots), len(cfg.Targets))]
		st, err := op.Do(ctx, c, base, n)
		rec.add(op.Name, time.Since(due), st, err)
	}
	start := time.Now()
	end := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	if cfg.Rate > 0 {
		// Open loop: request i is due at start + i/rate. A request waiting for a free slot
		// is late, and its lateness counts in its latency.
		sem := make(chan struct{}, cfg.MaxInFlight)
		interval := time.Duration(float64(time.Second) / cfg.Rate)
		for i := int64(0); ; i++ {
			due := start.Add(time.Duration(i) * interval)
			if !due.Before(end) || ctx.Err() != nil {
				break
			}
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				break
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				one(due)
			}()
		}
	} else {
		for range cfg.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil && time.Now().Before(end) {
					one(time.Now())
				}
			}()
		}
	}
	wg.Wait()
	return rec.report(cfg, time.Since(start)), nil
}

// recorder gathers the outcomes of a run from many goroutines.
type recorder struct {
	mu     sync.Mutex
	all    histogram
	byOp   map[string]*histogram
	status map[string]int
	errs   map[string]int // transport errors by message, a few kept
}

func newRecorder() *recorder {
	return &recorder{byOp: map[string]*histogram{}, status: map[string]int{}, errs: map[string]int{}}
}

func (r *recorder) add(op string, d time.Duration, status int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all.add(d)
	h := r.byOp[op]
	if h == nil {
		h = &histogram{}
		r.byOp[op] = h
	}
	h.add(d)
	key := strconv.Itoa(status)
	if err != nil {
		key = "error"
		if len(r.errs) < 10 {
			r.errs[err.Error()]++
		}
	}
	r.status[key]++
}

// histogram counts latencies in buckets of about 1.5% width: 64 per power of two.
type histogram struct {
	counts [64 * 64]int64
	n      int64
	max    time.Duration
}

func bucketOf(d time.Duration) int {
	v := uint64(max(d, 0))
	if v < 64 {
		return int(v)
	}
	e := bits.Len64(v) - 6 // v>>e is in [32, 64)
	return (e+1)*32 + int(v>>e) - 32
}

// bucketTop returns the largest duration of bucket i.
func bucketTop(i int) time.Duration {
	if i < 64 {
		return time.Duration(i)
	}
	e := i/32 - 1
	m := uint64(i%32 + 32)
	return time.Duration((m+1)<<e - 1)
}

func (h *histogram) add(d time.Duration) {
	h.counts[bucketOf(d)]++
	h.n++
	h.max = max(h.max, d)
}

// quantile returns the latency below which a share q of the requests fell (the top of its
// bucket, at most the largest seen).
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	seen := int64(0)
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(bucketTop(i), h.max)
		}
	}
	return h.max
}

// Latency is a summary of a histogram, in milliseconds.
type Latency struct {
	Requests int64   `json:"requests"`
	P50      float64 `json:"p50_ms"`
	P90      float64 `json:"p90_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
}

func (h *histogram) summary() Latency {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return Latency{Requests: h.n, P50: ms(h.quantile(0.5)), P90: ms(h.quantile(0.9)), P99: ms(h.quantile(0.99)), Max: ms(h.max)}
}

// Report is what a run measured.
type Report struct {
	Mode        string             `json:"mode"` // "rate" or "concurrency"
	Rate        float64            `json:"rate,omitempty"`
	Concurrency int                `json:"concurrency,omitempty"`
	Targets     []string           `json:"targets"`
	Seconds     float64            `json:"seconds"`
	Throughput  float64            `json:"throughput"` // answered requests per second
	Latency     Latency            `json:"latency"`
	ByOp        map[string]Latency `json:"by_op"`
	Status      map[string]int     `json:"status"`
	Errors      map[string]int     `json:"errors,omitempty"`
}

func (r *recorder) report(cfg Config, elapsed time.Duration) *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &Report{Mode: "concurrency", Concurrency: cfg.Concurrency, Targets: cfg.Targets, Seconds: elapsed.Seconds(),
		Latency: r.all.summary(), ByOp: map[string]Latency{}, Status: r.status, Errors: r.errs}
	if cfg.Rate > 0 {
		rep.Mode, rep.Rate, rep.Concurrency = "rate", cfg.Rate, 0
	}
	rep.Throughput = float64(r.all.n) / elapsed.Seconds()
	for name, h := range r.byOp {
		rep.ByOp[name] = h.summary()
	}
	return rep
}

// WriteJSON writes the report as one JSON object.
func (rep *Report) WriteJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(rep)
}

// WriteText writes the report for a person.
func (rep *Report) WriteText(w io.Writer) {
	switch rep.Mode {
	case "rate":
		fmt.Fprintf(w, "open loop at %.0f req/s for %.1fs against %s\n", rep.Rate, rep.Seconds, strings.Join(rep.Targets, ", "))
	default:
		fmt.Fprintf(w, "closed loop, %d clients, for %.1fs against %s\n", rep.Concurrency, rep.Seconds, strings.Join(rep.Targets, ", "))
	}
	fmt.Fprintf(w, "throughput  %.0f req/s (%d requests)\n", rep.Throughput, rep.Latency.Requests)
	line := func(name string, l Latency) {
		fmt.Fprintf(w, "%-12s n=%-8d p50 %8.3f ms  p90 %8.3f ms  p99 %8.3f ms  max %8.3f ms\n", name, l.Requests, l.P50, l.P90, l.P99, l.Max)
	}
	line("latency", rep.Latency)
	names := make([]string, 0, len(rep.ByOp))
	for n := range rep.ByOp {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) > 1 {
		for _, n := range names {
			line("  "+n, rep.ByOp[n])
		}
	}
	codes := make([]string, 0, len(rep.Status))
	for c := range rep.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	fmt.Fprint(w, "status     ")
	for _, c := range codes {
		fmt.Fprintf(w, " %s:%d", c, rep.Status[c])
	}
	fmt.Fprintln(w)
	for e, n := range rep.Errors {
		fmt.Fprintf(w, "error       %dx %s\n", n, e)
	}
}
