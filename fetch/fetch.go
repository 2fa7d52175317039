// Package fetch is the only code of shopguard that reaches out to shops' sites. It reads a
// shop's page and a few pages it links to on the same site (contact, about, imprint, payment,
// FAQ, terms) under strict limits (time, bytes, pages, redirects), without cookies or
// JavaScript, and refuses to connect to private, loopback, link-local, shared-NAT or metadata
// addresses: the check runs in the dialer after name resolution, on every connection, so it
// holds on every redirect too. It hands the pages to detect/site.
//
// When online it also learns when the domain was registered (RDAP, cached) and since when the
// site's certificate is valid (from the page's own TLS connection).
package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/site"
)

// Options are the limits and settings of a Fetcher. Zero values take the defaults.
type Options struct {
	// Timeout bounds a whole site read (every page, the RDAP lookup); PageTimeout one request,
	// body included. Defaults 20 s and 8 s.
	Timeout, PageTimeout time.Duration
	// MaxBytes is the most read of one page (default site.MaxHTML); MaxPages the pages read
	// from a site, the first included (default 6); MaxRedirects the redirects followed for
	// one page (default 5).
	MaxBytes     int64
	MaxPages     int
	MaxRedirects int
	// Resolve looks a host name up (default: the system resolver). Tests map names to a local
	// server with it.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	// AllowLoopback lets fetches reach 127.0.0.0/8 and ::1, and AnyPort ports other than 80
	// and 443: for tests that serve fixtures on loopback, never in production.
	AllowLoopback, AnyPort bool
	// RootCAs replaces the system roots (tests).
	RootCAs *x509.CertPool
	// RDAP is the base URL of the RDAP service asked for a domain's registration date
	// ("https://rdap.org/"); empty skips the lookup (offline).
	RDAP string
	// UserAgent is sent with every request.
	UserAgent string
}

// DefaultRDAP is the RDAP bootstrap service, which redirects to the registry of each ending.
const DefaultRDAP = "https://rdap.org/"

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	if o.PageTimeout <= 0 {
		o.PageTimeout = 8 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = site.MaxHTML
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 6
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	if o.Resolve == nil {
		o.Resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	if o.UserAgent == "" {
		o.UserAgent = "shopguard/" + shopguard.Version + " (shop check)"
	}
}

// Fetcher reads shops' sites. It is safe for concurrent use.
type Fetcher struct {
	opts   Options
	client *http.Client
	ages   *ageCache
}

// New returns a Fetcher with the options (defaults filled in).
func New(o Options) *Fetcher {
	o.defaults()
	f := &Fetcher{opts: o, ages: newAgeCache(10000, 24*time.Hour)}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would connect for us, past the guard
		DialContext:            f.dial,
		TLSClientConfig:        &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  5 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           16,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	f.client = &http.Client{
		Transport: tr,
		Timeout:   o.PageTimeout,
		Jar:       nil, // no cookies, ever
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects {
				return fmt.Errorf("fetch: %w: more than %d redirects", ErrLimit, o.MaxRedirects)
			}
			return checkURL(req.URL)
		},
	}
	return f
}

// ErrLimit is returned (wrapped) when a page goes past a limit that stops its read.
var ErrLimit = errors.New("limit reached")

// checkURL refuses what a fetch never follows: other schemes, and user info in the address.
func checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return shopguard.Invalid("url", "only http and https addresses can be read, not %q", u.Scheme)
	}
	if u.User != nil {
		return shopguard.Invalid("url", "an address with a user name or password is not read")
	}
	if u.Hostname() == "" {
		return shopguard.Invalid("url", "the address has no host")
	}
	return nil
}

// Site is what was read of a shop's site: the pages (the first at the address given, after
// redirects), the domain's registration and the certificate's start when known, and why a
// page or a lookup failed.
type Site struct {
	URL        string      `json:"url"`
	Pages      []site.Page `json:"pages"`
	Registered time.Time   `json:"registered,omitzero"`
	CertSince  time.Time   `json:"cert_since,omitzero"`
	Errors     []string    `json:"errors,omitempty"`
}

// Input returns the site check's input for what was read.
func (s Site) Input() site.Input {
	return site.Input{URL: s.URL, Pages: s.Pages, Registered: s.Registered, CertSince: s.CertSince}
}

// Fetch reads the page at raw and the pages it links to on the same site whose address or
// text says they are about contact, the company, payment, help or terms, up to MaxPages. It
// fails only when the first page cannot be read; later failures are noted in Site.Errors.
func (f *Fetcher) Fetch(ctx context.Context, raw string) (Site, error) {
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	if !strings.Contains(raw, "://") {
		raw = "https://" + strings.TrimSpace(raw)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Site{}, shopguard.Invalid("url", "not an address: %v", err)
	}
	if err := checkURL(u); err != nil {
		return Site{}, err
	}
	s := Site{URL: u.String()}
	first, state, err := f.page(ctx, u)
	if err != nil {
		return s, err
	}
	s.Pages = append(s.Pages, first)
	if state != nil && len(state.PeerCertificates) > 0 {
		s.CertSince = state.PeerCertificates[0].NotBefore
	}
	home, _ := link.Parse(first.URL)
	seen := map[string]bool{first.URL: true, s.URL: true}
	for _, next := range related(site.Parse(first), first.URL, home.Site) {
		if len(s.Pages) >= f.opts.MaxPages || ctx.Err() != nil {
			break
		}
		if seen[next] {
			continue
		}
		seen[next] = true
		nu, err := url.Parse(next)
		if err != nil {
			continue
		}
		p, _, err := f.page(ctx, nu)
		if err != nil {
			s.Errors = append(s.Errors, err.Error())
			continue
		}
		s.Pages = append(s.Pages, p)
	}
	if f.opts.RDAP != "" && home.Site != "" && !home.IP {
		reg, err := f.registered(ctx, home.Site)
		if err != nil {
			s.Errors = append(s.Errors, err.Error())
		}
		s.Registered = reg
	}
	return s, nil
}

// page reads one page: at most MaxBytes of an HTML answer. A longer page is cut, not refused.
func (f *Fetcher) page(ctx context.Context, u *url.URL) (site.Page, *tls.ConnectionState, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return site.Page{}, nil, shopguard.Invalid("url", "not an address: %v", err)
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
	resp, err := f.client.Do(req)
	if err != nil {
		return site.Page{}, nil, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return site.Page{}, nil, fmt.Errorf("fetch %s: status %s", u.Redacted(), resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "text/html" && mt != "application/xhtml+xml" {
			return site.Page{}, nil, fmt.Errorf("fetch %s: %s is not a web page", u.Redacted(), mt)
		}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opts.MaxBytes))
	if err != nil { // a timeout or a broken connection: a page half read is not judged
		return site.Page{}, nil, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	return site.Page{URL: resp.Request.URL.String(), HTML: body}, resp.TLS, nil
}

// relatedWords mark the pages worth reading besides the first: where shops say who they are,
// how to reach them, how they are paid and on what terms.
var relatedWords = []string{
	"contact", "about", "imprint", "impressum", "legal", "payment", "pay", "faq", "help", "terms", "conditions",
	"联系", "关于", "支付", "付款", "帮助", "条款", "售后", "公司", "营业执照", "资质",
}

// related returns the addresses of the pages a page links to on the same site that look like
// contact, about, payment, help or terms pages, in the page's order.
func related(d site.Doc, base, home string) []string {
	b, err := url.Parse(base)
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range d.Links {
		s := strings.ToLower(l.Href + " " + l.Text)
		hit := false
		for _, w := range relatedWords {
			if strings.Contains(s, w) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		u, err := b.Parse(l.Href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		u.Fragment = ""
		if pl, err := link.Parse(u.String()); err != nil || pl.Site != home {
			continue
		}
		out = append(out, u.String())
	}
	return out
}
