// Package link judges links: whether a URL or a domain imitates a shopping, payment or
// delivery brand (misspelling, look-alike characters, brand name plus other words, brand in
// a subdomain, brand on another ending), hides where it leads (raw IP, the @ trick, short
// links, long subdomain chains) or is on a threat list. It is pure and fast: an Analyzer is
// built once from a knowledge pack and is safe for concurrent use.
package link

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/shopguard/shopguard"
)

// Link is a URL or a bare domain taken apart.
type Link struct {
	Raw      string `json:"raw"`
	Scheme   string `json:"scheme,omitempty"`   // lower case, "" for a bare domain
	UserInfo string `json:"userinfo,omitempty"` // what stands before an @ in the authority
	Host     string `json:"host"`               // ASCII (punycode), lower case, no trailing dot
	Unicode  string `json:"unicode"`            // Host as a reader sees it (IDN decoded)
	Port     string `json:"port,omitempty"`
	Path     string `json:"path,omitempty"` // path, query and fragment
	IP       bool   `json:"ip,omitempty"`   // Host is an IP address (dotted, integer or hex form)
	// Suffix is the public suffix of Host ("com", "com.cn", "github.io"); ICANN is false when
	// it comes from the private section of the list (a hosting platform such as github.io).
	Suffix string `json:"suffix,omitempty"`
	ICANN  bool   `json:"icann,omitempty"`
	// Site is the registrable domain, private suffixes included: "taobao.com" for
	// shop1.taobao.com, "evil.github.io" for a.evil.github.io. It is the level at which a
	// host is judged.
	Site string `json:"site,omitempty"`
}

// profile maps and checks host names as browsers do for lookup, without refusing the
// underscores and odd labels that real hosts carry.
var profile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false))

// Parse takes apart a URL ("https://user@host:port/path") or a bare domain with an optional
// path ("taobao.com/item"). It returns an EINVALID error saying what is wrong when raw holds
// no usable host.
func Parse(raw string) (Link, error) {
	l := Link{Raw: raw}
	s := strings.TrimSpace(raw)
	if s == "" {
		return l, shopguard.Invalid("url", "empty link")
	}
	if len(s) > 8192 {
		return l, shopguard.Invalid("url", "link longer than 8192 bytes")
	}
	rest := s
	if i := strings.Index(s, "://"); i > 0 && isScheme(s[:i]) {
		l.Scheme, rest = strings.ToLower(s[:i]), s[i+3:]
	} else if strings.HasPrefix(s, "//") {
		rest = s[2:]
	}
	end := strings.IndexAny(rest, "/?#\\")
	authority := rest
	if end >= 0 {
		authority, l.Path = rest[:end], rest[end:]
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		l.UserInfo, authority = authority[:at], authority[at+1:]
	}
	host := authority
	if strings.HasPrefix(host, "[") {
		j := strings.IndexByte(host, ']')
		if j < 0 {
			return l, shopguard.Invalid("url", "%q: IPv6 address without a closing ]", raw)
		}
		host, l.Port = host[1:j], strings.TrimPrefix(host[j+1:], ":")
	} else if c := strings.LastIndexByte(host, ':'); c >= 0 {
		host, l.Port = host[:c], host[c+1:]
	}
	for i := 0; i < len(l.Port); i++ {
		if l.Port[i] < '0' || l.Port[i] > '9' {
			return l, shopguard.Invalid("url", "%q: port %q is not a number", raw, l.Port)
		}
	}
	if strings.IndexByte(host, '%') >= 0 {
		h, err := url.PathUnescape(host)
		if err != nil {
			return l, shopguard.Invalid("url", "%q: bad escape in host", raw)
		}
		host = h
	}
	host = strings.TrimRight(lowerASCII(host), ".") // "example.com." and "example.com.." name the same host
	if host == "" {
		return l, shopguard.Invalid("url", "%q: no host", raw)
	}
	if len(host) > 253 {
		return l, shopguard.Invalid("url", "%q: host longer than 253 bytes", raw)
	}
	if ip, ok := parseIP(host); ok {
		l.Host, l.Unicode, l.IP, l.Site = ip, ip, true, ip
		return l, nil
	}
	ascii, uni, err := hostForms(host)
	if err != nil {
		return l, shopguard.Invalid("url", "%q: host %q: %v", raw, host, err)
	}
	l.Host, l.Unicode = ascii, uni
	l.Suffix, l.ICANN = publicSuffix(ascii)
	if strings.IndexByte(ascii, '.') < 0 {
		return l, shopguard.Invalid("url", "%q: host %q has no domain name before its ending", raw, host)
	}
	if l.Suffix == ascii {
		// The host is a suffix itself (github.io, gov.uk): judge it as a site.
		l.Site = ascii
		return l, nil
	}
	l.Site = ascii[strings.LastIndexByte(ascii[:len(ascii)-len(l.Suffix)-1], '.')+1:]
	return l, nil
}

func isScheme(s string) bool {
	if len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases s, allocating only when it has an upper-case ASCII letter.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// hostForms returns the ASCII and Unicode forms of a host name, or why it is not one.
func hostForms(host string) (ascii, uni string, err error) {
	plain := true
	for i := 0; i < len(host); i++ {
		c := host[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_':
		case c >= 0x80:
			plain = false
		default:
			return "", "", fmt.Errorf("character %q not allowed in a host name", c)
		}
	}
	if plain && !strings.Contains(host, "xn--") {
		if strings.Contains(host, "..") || host[0] == '.' {
			return "", "", fmt.Errorf("empty label")
		}
		return host, host, nil
	}
	if !utf8.ValidString(host) {
		return "", "", fmt.Errorf("not valid UTF-8")
	}
	ascii, err = profile.ToASCII(host)
	if err != nil {
		return "", "", err
	}
	uni, err = profile.ToUnicode(ascii)
	if err != nil {
		return "", "", err
	}
	if ascii == "" || strings.Contains(ascii, "..") || ascii[0] == '.' {
		return "", "", fmt.Errorf("empty label")
	}
	return strings.TrimRight(ascii, "."), strings.TrimRight(uni, "."), nil
}

// parseIP recognises a host that is an IP address, also in the integer, octal and hex forms
// that browsers accept for IPv4 ("3232235777", "0x7f.1"), and returns it as written.
func parseIP(host string) (string, bool) {
	if strings.IndexByte(host, ':') >= 0 {
		if a, err := netip.ParseAddr(host); err == nil {
			return a.String(), true
		}
		return "", false
	}
	if !allDigitsAndDots(host) && !strings.Contains(host, "0x") {
		return "", false
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.String(), true
	}
	// Obfuscated IPv4: every label a decimal or 0x-hex number, at most four labels.
	labels, n := 0, 0
	for i := 0; i <= len(host); i++ {
		if i < len(host) && host[i] != '.' {
			continue
		}
		lab := host[n:i]
		n = i + 1
		labels++
		if !isNumberLabel(lab) || labels > 4 {
			return "", false
		}
	}
	return host, true
}

func allDigitsAndDots(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

func isNumberLabel(s string) bool {
	if s == "" {
		return false
	}
	if len(s) > 2 && s[0] == '0' && s[1] == 'x' {
		for i := 2; i < len(s); i++ {
			c := s[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// publicSuffix is the public suffix list's answer for a host.
func publicSuffix(host string) (string, bool) { return publicsuffix.PublicSuffix(host) }
