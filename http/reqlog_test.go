package http

import (
	"bytes"
	"log/slog"
	"testing"
	"time"
)

// logLines returns a request's log line as Logger writes it, through slog's text or JSON
// handler, and as RequestLog writes it, and whether RequestLog wrote it.
func logLines(json bool, now time.Time, id, method, route string, status int, d time.Duration) (viaSlog, direct string, wrote bool) {
	var a, b bytes.Buffer
	h := slog.Handler(slog.NewTextHandler(&a, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if json {
		h = slog.NewJSONHandler(&a, nil)
	}
	st := &requestState{id: id, route: route}
	(&Server{Logger: slog.New(h)}).logRequest(now, st, method, status, d)
	wrote = (&RequestLog{W: &b, JSON: json}).write(now, id, method, route, status, float64(d.Microseconds())/1000)
	return a.String(), b.String(), wrote
}

// RequestLog writes a request's line byte for byte as slog's handlers do.
func TestRequestLogIsSlogs(t *testing.T) {
	times := []time.Time{time.Date(2026, 12, 6, 1, 2, 3, 0, time.UTC), time.Date(2026, 12, 6, 1, 2, 3, 999_999_999, time.UTC),
		time.Date(1999, 1, 2, 3, 4, 5, 120_000_000, time.FixedZone("CST", 8*3600)), time.Date(2026, 6, 1, 0, 0, 0, 1000, time.Local)}
	durations := []time.Duration{0, time.Microsecond, 123456 * time.Nanosecond, 20 * time.Millisecond, 3 * time.Second, 2 * time.Hour, 400 * 24 * time.Hour}
	for _, json := range []bool{false, true} {
		for _, now := range times {
			for _, d := range durations {
				for _, c := range []struct{ id, method, route string }{
					{"3f9a0c1d2e4b5a67", "POST", "POST /api/v1/check/url"},
					{"req-1.a_B", "GET", "unmatched"},
					{"x", "PROPFIND", "GET /cases/{id}/evidence/{n}"},
					{"a<b>&c", "M~!#$%&'*+-.^_`|", "GET /{$}"},
				} {
					viaSlog, direct, wrote := logLines(json, now, c.id, c.method, c.route, 200, d)
					if !wrote || direct != viaSlog {
						t.Errorf("json %v %v %v %v:\nslog   %q\ndirect %q (%v)", json, now, d, c, viaSlog, direct, wrote)
					}
				}
			}
		}
	}
	// What slog would quote or escape is left to it.
	for _, v := range []string{"", "a=b", `a"b`, `a\b`, "a\tb", "é", "\x7f"} {
		if _, _, wrote := logLines(false, times[0], v, "GET", "GET /", 200, 0); wrote {
			t.Errorf("request id %q written by RequestLog", v)
		}
	}
}

// FuzzRequestLog: whatever the values, RequestLog writes slog's line or leaves it to slog.
func FuzzRequestLog(f *testing.F) {
	f.Add("3f9a0c1d2e4b5a67", "POST", "POST /api/v1/check/url", 200, int64(123456), int64(1780000000123456789), false)
	f.Add("a b", "GET", "unmatched", 404, int64(0), int64(0), true)
	f.Fuzz(func(t *testing.T, id, method, route string, status int, d, unixNano int64, json bool) {
		if len(id)+len(method)+len(route) > 1<<10 {
			return
		}
		now := time.Unix(0, unixNano).UTC()
		viaSlog, direct, wrote := logLines(json, now, id, method, route, status, time.Duration(d))
		if wrote && direct != viaSlog {
			t.Errorf("slog   %q\ndirect %q", viaSlog, direct)
		}
	})
}
