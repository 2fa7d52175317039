package fetch_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/site"
	"github.com/shopguard/shopguard/fetch"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/prices"
)

// loopback answers every name with 127.0.0.1, so that a test server stands for any host.
func loopback(context.Context, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}

// testOptions let the fetcher reach the test servers on loopback, with short limits.
func testOptions() fetch.Options {
	return fetch.Options{Resolve: loopback, AllowLoopback: true, AnyPort: true, PageTimeout: time.Second, Timeout: 5 * time.Second}
}

type fixture struct {
	Dir     string   `json:"dir"`
	URL     string   `json:"url"`
	Risk    string   `json:"risk"`
	Signals []string `json:"signals"`
}

const sitesDir = "../detect/site/testdata"

// TestFixtureSites serves every fixture site of detect/site on a local server, each under its
// own host name, reads it through the fetcher (the first page and the pages it links to) and
// checks that the verdict is the one the fixture expects.
func TestFixtureSites(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sitesDir, "sites.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []fixture
	if err := json.Unmarshal(b, &fixtures); err != nil {
		t.Fatal(err)
	}
	hostDir := map[string]string{}
	for _, f := range fixtures {
		hostDir[hostOf(f.URL)] = f.Dir
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "" {
			t.Errorf("a cookie was sent to %s", r.Host)
		}
		http.SetCookie(w, &http.Cookie{Name: "track", Value: "1"})
		name := path.Base(r.URL.Path)
		if name == "/" {
			name = "index.html"
		} else if !strings.HasSuffix(name, ".html") {
			name += ".html"
		}
		dir, ok := hostDir[hostOf("http://"+r.Host)]
		if !ok || strings.Contains(name, "..") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeFile(w, r, filepath.Join(sitesDir, "sites", dir, name))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	refs, err := prices.TableFromCSV(filepath.Join(sitesDir, "prices.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checker := site.New(p, link.New(p, nil), refs)
	f := fetch.New(testOptions())
	for _, fx := range fixtures {
		t.Run(fx.Dir, func(t *testing.T) {
			s, err := f.Fetch(context.Background(), "http://"+hostOf(fx.URL)+":"+port+"/")
			if err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(sitesDir, "sites", fx.Dir, "*.html"))
			if len(s.Pages) != len(files) {
				t.Errorf("read %d pages, the site has %d: %v %v", len(s.Pages), len(files), pageURLs(s), s.Errors)
			}
			in := s.Input()
			in.URL = fx.URL // judged at the fixture's own address, not the test server's port
			r, err := checker.Check(in)
			if err != nil {
				t.Fatal(err)
			}
			if string(r.Risk) != fx.Risk {
				t.Errorf("risk %s (%d), want %s: %v", r.Risk, r.Score, fx.Risk, r.Signals)
			}
			for _, want := range fx.Signals {
				if !hasCode(r, want) {
					t.Errorf("no %s", want)
				}
			}
		})
	}
}

func hasCode(r site.Result, code string) bool {
	for _, s := range r.Signals {
		if s.Code == code {
			return true
		}
	}
	return false
}

func pageURLs(s fetch.Site) []string {
	var out []string
	for _, p := range s.Pages {
		out = append(out, p.URL)
	}
	return out
}

func hostOf(u string) string {
	h := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	h = strings.SplitN(h, "/", 2)[0]
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	return h
}
