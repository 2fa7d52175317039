package http_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard/internal/lineartest"
)

// BenchmarkHandlers measures the handlers in process (no network), beside a trivial handler
// that reads the body and answers a small JSON object: the cost the server adds per request.
func BenchmarkHandlers(b *testing.B) {
	ts := newTestServer(b, nil)
	h := ts.srv.Handler()
	trivial := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}` + "\n"))
	})
	scanBody := `{"text":"亲，您好，这里是淘宝官方售后客服。您购买的商品因质检不合格需要为您办理退款，请添加客服微信 kf_refund88 ，按提示操作即可领取三倍赔偿，需要先提供银行卡号和收到的验证码，逾期将无法退款。"}`
	for _, c := range []struct {
		name, method, path, body string
		h                        http.Handler
	}{
		{"trivial", "POST", "/", `{"url":"https://taobao-refund-center.top/pay?id=2231"}`, trivial},
		{"check_url", "POST", "/api/v1/check/url", `{"url":"https://taobao-refund-center.top/pay?id=2231"}`, h},
		{"scan300", "POST", "/api/v1/scan", scanBody, h},
		{"home", "GET", "/", "", h},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
				req.RemoteAddr = "192.0.2.1:1234"
				if c.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("%s %s = %d %s", c.method, c.path, w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkScanAdversarial1MB sends 1 MB of each adversarial shape of text (lineartest.Texts)
// through POST /api/v1/scan, in process, and reports the median time of an answer per shape:
// the target is under a second. Run it with a few iterations:
//
//	go test ./http -run '^$' -bench ScanAdversarial1MB -benchtime 5x
func BenchmarkScanAdversarial1MB(b *testing.B) {
	ts := newTestServer(b, nil)
	h := ts.srv.Handler()
	for _, shape := range lineartest.Texts {
		b.Run(strings.ReplaceAll(shape.Name, " ", "_"), func(b *testing.B) {
			text := strings.ToValidUTF8(lineartest.Repeat(shape.Unit, 1_000_000), "") // not cut in a character
			body, err := json.Marshal(map[string]string{"text": text})
			if err != nil {
				b.Fatal(err)
			}
			var times []time.Duration
			for b.Loop() {
				req := httptest.NewRequest("POST", "/api/v1/scan", bytes.NewReader(body))
				req.RemoteAddr = "192.0.2.1:1234"
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(w, req)
				times = append(times, time.Since(start))
				if w.Code != 200 {
					b.Fatalf("%s: %d %.300s", shape.Name, w.Code, w.Body)
				}
			}
			slices.Sort(times)
			b.ReportMetric(times[len(times)/2].Seconds(), "median-s")
			b.ReportMetric(float64(len(body))/1e6, "body-MB")
		})
	}
}
