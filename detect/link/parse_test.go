package link

import (
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/lineartest"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in                                string
		host, unicode, site, suffix, user string
		icann, ip                         bool
	}{
		{in: "https://Item.TaoBao.com/item.htm?id=1", host: "item.taobao.com", unicode: "item.taobao.com", site: "taobao.com", suffix: "com", icann: true},
		{in: "taobao.com.cn/x", host: "taobao.com.cn", unicode: "taobao.com.cn", site: "taobao.com.cn", suffix: "com.cn", icann: true},
		{in: "https://a.evil.github.io/", host: "a.evil.github.io", unicode: "a.evil.github.io", site: "evil.github.io", suffix: "github.io"},
		{in: "https://taobao.com@evil.example:8080/login", host: "evil.example", unicode: "evil.example", site: "evil.example", suffix: "example", user: "taobao.com", icann: false},
		{in: "http://[2001:db8::1]:80/", host: "2001:db8::1", unicode: "2001:db8::1", site: "2001:db8::1", ip: true},
		{in: "http://0x7f.1/", host: "0x7f.1", unicode: "0x7f.1", site: "0x7f.1", ip: true},
		{in: "https://xn--80aa5bbq6d.com/", host: "xn--80aa5bbq6d.com", unicode: "таоьао.com", site: "xn--80aa5bbq6d.com", suffix: "com", icann: true},
		{in: "https://淘宝.com", host: "xn--pbt173b.com", unicode: "淘宝.com", site: "xn--pbt173b.com", suffix: "com", icann: true},
		{in: "HTTP://%74aobao.com/", host: "taobao.com", unicode: "taobao.com", site: "taobao.com", suffix: "com", icann: true},
		{in: "http://evil.example.\\@taobao.com", host: "evil.example", unicode: "evil.example", site: "evil.example", suffix: "example"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			l, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if l.Host != tc.host || l.Unicode != tc.unicode || l.Site != tc.site || l.Suffix != tc.suffix || l.UserInfo != tc.user || l.ICANN != tc.icann || l.IP != tc.ip {
				t.Errorf("got %+v", l)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, in := range []string{"", "   ", "https://", "http://[::1", "https://a.com:80x/", "taobao", "com", "localhost", "http://a..b.com/", "http://a b.com/", strings.Repeat("a", 9000)} {
		_, err := Parse(in)
		if shopguard.ErrorCode(err) != shopguard.EINVALID {
			t.Errorf("Parse(%.40q): got %v, want EINVALID", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"https://taobao.com@evil.example/login", "xn--80aa5bbq6d.com", "http://[::1]:80/", "淘宝退款.com", "0x7f.1", "a.b.github.io/x?y#z", "HTTP://%74a.com"} {
		f.Add(s)
	}
	a := mustAnalyzer(f, nil)
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(s)
		if err != nil {
			if shopguard.ErrorCode(err) != shopguard.EINVALID {
				t.Fatalf("Parse(%q): error %v is not EINVALID", s, err)
			}
			return
		}
		if l.Host == "" || l.Site == "" || !strings.HasSuffix(l.Host, l.Site) {
			t.Fatalf("Parse(%q) = %+v: host must end with its site", s, l)
		}
		if !l.IP && strings.ToLower(l.Host) != l.Host {
			t.Fatalf("Parse(%q): host %q not lower case", s, l.Host)
		}
		as := a.Analyze(l)
		if as.Score < 0 || as.Score > 100 {
			t.Fatalf("score %d", as.Score)
		}
		// Parsing the host again gives the same host.
		l2, err := Parse(l.Host)
		if err == nil && l2.Host != l.Host && !l.IP {
			t.Fatalf("Parse(%q).Host = %q, but Parse(%q).Host = %q", s, l.Host, l.Host, l2.Host)
		}
	})
}

func TestFindURLsWithoutScheme(t *testing.T) {
	// A screenshot read by a text recogniser loses the colon: "http //host/path".
	for _, tc := range []struct{ text, want string }{
		{"Pay the toll at http //toll-pay.top/a1 today", "toll-pay.top/a1"},
		{"see //parcel-hold.xyz/x?id=2.", "parcel-hold.xyz/x?id=2"},
	} {
		got := FindURLs(tc.text)
		if len(got) != 1 || got[0].URL != tc.want || string([]rune(tc.text)[got[0].Span.Start:got[0].Span.End]) != tc.want {
			t.Errorf("FindURLs(%q) = %+v, want %q", tc.text, got, tc.want)
		}
	}
	if got := FindURLs("open /index.html or /a/b.php"); len(got) != 0 {
		t.Errorf("paths taken for links: %+v", got)
	}
}

func FuzzFindURLs(f *testing.F) {
	for _, s := range []string{"点击 https://taobao.com.refund-center.xyz/tk?id=1 退款", "mail kefu@qq.com or visit jd-kefu.top.", "(see http://[::1]:8/x)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		// work budget: a link takes 4 bytes at least ("a.co"), and each found allocates a little
		lineartest.AllocBudget(t, len(text), 1, 64, func() { FindURLs(text) })
		runes := []rune(text)
		for _, c := range FindURLs(text) {
			if c.Span.Start < 0 || c.Span.End > len(runes) || c.Span.Start >= c.Span.End {
				t.Fatalf("span %+v out of %d runes", c.Span, len(runes))
			}
			if got := string(runes[c.Span.Start:c.Span.End]); got != c.URL {
				t.Fatalf("span %+v covers %q, want %q", c.Span, got, c.URL)
			}
			if _, err := Parse(c.URL); err != nil {
				t.Fatalf("found %q that does not parse: %v", c.URL, err)
			}
		}
	})
}
