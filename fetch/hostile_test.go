package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopguard/shopguard/fetch"
)

// TestSlowloris: a server that sends its answer one byte a second cannot hold the fetcher
// past its page timeout.
func TestSlowloris(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		for range 60 {
			if _, err := w.Write([]byte("<")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
				return
			}
		}
	}))
	defer srv.Close()
	start := time.Now()
	_, err := fetch.New(testOptions()).Fetch(context.Background(), srv.URL)
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("the fetch took %v", took)
	}
	if err == nil {
		t.Error("a page that never ends was read without error")
	}
}

// TestSilentServer: a server that accepts and never answers is given up on.
func TestSilentServer(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	o := testOptions()
	o.PageTimeout = 500 * time.Millisecond
	start := time.Now()
	if _, err := fetch.New(o).Fetch(context.Background(), srv.URL); err == nil {
		t.Error("no error from a silent server")
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the fetch took %v", took)
	}
}

// TestEndlessBody: an endless answer is cut at MaxBytes, and reading it costs memory in
// proportion to the limit, not to what the server sends.
func TestEndlessBody(t *testing.T) {
	var sent atomic.Int64
	chunk := []byte(strings.Repeat("<p>buy now</p>", 4096))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for r.Context().Err() == nil {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	o := testOptions()
	o.MaxBytes = 1 << 20
	o.MaxPages = 1
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s, err := fetch.New(o).Fetch(context.Background(), srv.URL)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Pages[0].HTML); n != 1<<20 {
		t.Errorf("read %d bytes, want the limit %d", n, 1<<20)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("allocated %d bytes to read a 1 MiB page", alloc)
	}
}

// TestRedirectLoop: a server redirecting forever is left after MaxRedirects.
func TestRedirectLoop(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "/again?n="+r.URL.Query().Get("n")+"x", http.StatusFound)
	}))
	defer srv.Close()
	o := testOptions()
	o.MaxRedirects = 4
	_, err := fetch.New(o).Fetch(context.Background(), srv.URL)
	if !errors.Is(err, fetch.ErrLimit) {
		t.Errorf("error %v, want the redirect limit", err)
	}
	if n := hits.Load(); n > 5 {
		t.Errorf("%d requests for a redirect limit of 4", n)
	}
}

// TestPrivateAddresses: without AllowLoopback nothing on this host is reached; names that
// resolve to private, link-local (metadata), shared-NAT or mapped addresses are refused; and a
// public page redirecting to one is refused at the redirect.
func TestPrivateAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<p>inside</p>"))
	}))
	defer srv.Close()
	strict := fetch.New(fetch.Options{AnyPort: true, PageTimeout: time.Second})
	for _, u := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "[::ffff:127.0.0.1]", 1), "http://localhost:" + port(srv.URL) + "/"} {
		if _, err := strict.Fetch(context.Background(), u); !errors.Is(err, fetch.ErrBlocked) {
			t.Errorf("%s: error %v, want blocked", u, err)
		}
	}
	for _, ip := range []string{"10.1.2.3", "192.168.1.1", "172.16.0.9", "169.254.169.254", "100.64.0.1", "::1", "fe80::1", "fd00:ec2::254", "64:ff9b::a9fe:a9fe", "0.0.0.0"} {
		o := fetch.Options{AnyPort: true, PageTimeout: time.Second, Resolve: func(context.Context, string) ([]netip.Addr, error) {
			return []netip.Addr{netip.MustParseAddr(ip)}, nil
		}}
		if _, err := fetch.New(o).Fetch(context.Background(), "http://shop.example:"+port(srv.URL)+"/"); !errors.Is(err, fetch.ErrBlocked) {
			t.Errorf("a name resolving to %s: error %v, want blocked", ip, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the private server was reached %d times", n)
	}
	// A page allowed (loopback, as in the tests) redirects to the metadata address.
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	}))
	defer redir.Close()
	if _, err := fetch.New(testOptions()).Fetch(context.Background(), redir.URL); !errors.Is(err, fetch.ErrBlocked) {
		t.Errorf("redirect to the metadata address: error %v, want blocked", err)
	}
	// Ports other than 80 and 443 are refused unless allowed.
	o := testOptions()
	o.AnyPort = false
	if _, err := fetch.New(o).Fetch(context.Background(), srv.URL); !errors.Is(err, fetch.ErrBlocked) {
		t.Errorf("port %s: error %v, want blocked", port(srv.URL), err)
	}
}

func port(u string) string { return u[strings.LastIndexByte(u, ':')+1:] }

// TestNotHTML: an answer that is not a web page is not read.
func TestNotHTML(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(make([]byte, 1000))
	}))
	defer srv.Close()
	if _, err := fetch.New(testOptions()).Fetch(context.Background(), srv.URL); err == nil || !strings.Contains(err.Error(), "not a web page") {
		t.Errorf("error %v", err)
	}
}

// TestAges: the certificate's start comes from the page's TLS connection, the registration
// date from RDAP (asked once, then cached); without RDAP the date is left unknown.
func TestAges(t *testing.T) {
	var rdapHits atomic.Int32
	rdap := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rdapHits.Add(1)
		if r.URL.Path != "/domain/example.com" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rdap+json")
		w.Write([]byte(`{"objectClassName":"domain","events":[{"eventAction":"last changed","eventDate":"2025-01-01T00:00:00Z"},{"eventAction":"registration","eventDate":"2025-11-20T08:00:00Z"}]}`))
	}))
	defer rdap.Close()
	shop := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<title>Shop</title>"))
	}))
	defer shop.Close()
	o := testOptions()
	o.RootCAs = shop.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	o.RDAP = rdap.URL
	f := fetch.New(o)
	u := "https://example.com:" + port(shop.URL) + "/"
	for range 2 {
		s, err := f.Fetch(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		if s.CertSince.IsZero() {
			t.Error("no certificate start")
		}
		if want := time.Date(2025, 11, 20, 8, 0, 0, 0, time.UTC); !s.Registered.Equal(want) {
			t.Errorf("registered %v, want %v (errors %v)", s.Registered, want, s.Errors)
		}
	}
	if n := rdapHits.Load(); n != 1 {
		t.Errorf("RDAP asked %d times, want once", n)
	}
	o.RDAP = ""
	s, err := fetch.New(o).Fetch(context.Background(), u)
	if err != nil || !s.Registered.IsZero() || len(s.Errors) != 0 {
		t.Errorf("offline: %v, registered %v, errors %v", err, s.Registered, s.Errors)
	}
}
