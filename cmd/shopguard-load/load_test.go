package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.9, 900 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {1, time.Second}} {
		got := h.quantile(c.q)
		if got < c.want || float64(got) > float64(c.want)*1.04 {
			t.Errorf("quantile %.2f = %v, want %v within 4%%", c.q, got, c.want)
		}
	}
	for v := time.Duration(0); v < time.Hour; v = v*9/8 + 1 {
		if i := bucketOf(v); bucketTop(i) < v || i > 0 && bucketTop(i-1) >= v {
			t.Fatalf("%v in bucket %d of top %v (the one before tops at %v)", v, i, bucketTop(i), bucketTop(i-1))
		}
	}
}

// Every operation of the mix goes to every server, as many times each, whether or not the
// number of servers divides the mix's length; and the servers share the requests evenly.
func TestTargetsShareEveryOperation(t *testing.T) {
	for _, c := range []struct {
		mix     string
		targets int
	}{
		{"check_url=5,scan=3,lookup=2,report=1,case=1", 3}, {"check_url=5,scan=3,lookup=2,report=1,case=1", 5},
		{"check_url=1,report=1", 2}, {"check_url=2,report=1", 3}, {"report", 3},
	} {
		mix, err := parseMix(c.mix)
		if err != nil {
			t.Fatal(err)
		}
		slots := schedule(mix)
		count := map[string][]int{}
		perTarget := make([]int, c.targets)
		for n := range uint64(len(slots) * c.targets) {
			op, to := slots[n%uint64(len(slots))].Name, targetOf(n, len(slots), c.targets)
			if count[op] == nil {
				count[op] = make([]int, c.targets)
			}
			count[op][to]++
			perTarget[to]++
		}
		for op, byTarget := range count {
			if slices.Min(byTarget) != slices.Max(byTarget) {
				t.Errorf("mix %s, %d servers: %s goes to them %v times", c.mix, c.targets, op, byTarget)
			}
		}
		if slices.Min(perTarget) != slices.Max(perTarget) {
			t.Errorf("mix %s, %d servers: requests per server %v", c.mix, c.targets, perTarget)
		}
	}
}

func TestScheduleKeepsTheMix(t *testing.T) {
	mix, err := parseMix("check_url=5,scan=3,lookup")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, op := range schedule(mix) {
		count[op.Name]++
	}
	if count["check_url"] != 5 || count["scan"] != 3 || count["lookup"] != 1 {
		t.Errorf("schedule = %v, want 5 check_url, 3 scan, 1 lookup", count)
	}
	if _, err := parseMix("check_url=5,nope=1"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown operation: %v", err)
	}
}

// TestLoadAgainstTheAnchor runs both modes against the anchor over loopback, through two
// targets, and reads the report back.
func TestLoadAgainstTheAnchor(t *testing.T) {
	a, b := httptest.NewServer(AnchorHandler()), httptest.NewServer(AnchorHandler())
	defer a.Close()
	defer b.Close()
	for _, mode := range [][]string{{"--rate", "400"}, {"--concurrency", "4"}} {
		var out bytes.Buffer
		args := append([]string{"run", "--target", a.URL + "," + b.URL, "--duration", "500ms", "--mix", "check_url=2,scan=1", "--json"}, mode...)
		if err := run(context.Background(), args, &out); err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		var rep Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("%v: report %q: %v", mode, out.String(), err)
		}
		if rep.Latency.Requests < 20 || rep.Status["200"] != int(rep.Latency.Requests) || rep.Throughput <= 0 {
			t.Errorf("%v: report %+v, want every request answered 200", mode, rep)
		}
		if rep.ByOp["check_url"].Requests < rep.ByOp["scan"].Requests {
			t.Errorf("%v: mix not kept: %+v", mode, rep.ByOp)
		}
		if rep.Latency.P50 > rep.Latency.P99 || rep.Latency.P99 > rep.Latency.Max {
			t.Errorf("%v: percentiles out of order: %+v", mode, rep.Latency)
		}
	}
}

// TestOpenLoopCountsLateness: when the server stalls, an open loop's latency counts from
// when each request was due, not from when it could be sent.
func TestOpenLoopCountsLateness(t *testing.T) {
	// One request at a time, each held 20 ms: 100 due, at most 25 can be answered in time,
	// the rest wait their turn and are late by up to about 1.5 s.
	slow := httptest.NewServer(delayed(AnchorHandler(), 20*time.Millisecond))
	defer slow.Close()
	cfg, err := parseRun([]string{"--target", slow.URL, "--rate", "200", "--duration", "500ms", "--max-inflight", "1"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Latency.Max < 500 || rep.Latency.P90 < 200 {
		t.Errorf("latency %+v (ms): the waiting of late requests was not counted", rep.Latency)
	}
}

func delayed(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(d)
		h.ServeHTTP(w, r)
	})
}

// TestNetworksSpreadTheClients: --networks N sends X-Forwarded-For from N made-up /24s in
// turn, so that limits per network do not decide a run.
func TestNetworksSpreadTheClients(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("X-Forwarded-For")]++
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"run", "--target", srv.URL, "--duration", "300ms", "--concurrency", "2", "--networks", "3", "--json"}, &out); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || seen[""] != 0 || seen["10.0.1.1"] == 0 {
		t.Fatalf("X-Forwarded-For seen: %v, want three networks 10.0.{0,1,2}.1", seen)
	}
	if err := run(context.Background(), []string{"run", "--target", srv.URL, "--concurrency", "1", "--networks", "-1"}, &out); err == nil {
		t.Fatal("--networks -1 was taken")
	}
}
