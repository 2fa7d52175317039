package ident

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// appendDomain appends a host name in ASCII (punycode), lower case, without a trailing dot or a
// leading "www.". A URL given as a domain is reduced to its host.
func appendDomain(dst []byte, raw string, why *fault) ([]byte, bool) {
	s := strings.TrimSpace(raw)
	if i := strings.Index(s, "://"); i >= 0 {
		u, err := url.Parse(s)
		if err != nil || u.Hostname() == "" {
			return dst, why.fail("this looks like a URL but has no host name; give the domain alone, such as example.com")
		}
		s = u.Hostname()
	}
	return appendHost(dst, s, true, why)
}

// appendHost appends the host name raw in canonical form; it must end in a known public suffix
// (com, cn, com.cn, …) and have a name before it.
func appendHost(dst []byte, raw string, stripWWW bool, why *fault) ([]byte, bool) {
	var buf [256]byte
	if len(raw) > 1000 {
		return dst, why.fail("a domain has at most 253 characters")
	}
	h, ascii := foldASCII(buf[:0], raw)
	host := raw // already canonical (the usual case): no copy
	if string(h) != raw {
		host = string(h)
	}
	if !ascii {
		a, err := idna.Lookup.ToASCII(strings.TrimSpace(strings.Map(fold, raw)))
		if err != nil {
			return dst, why.fail("not a valid international domain name")
		}
		host = a
	}
	host = strings.TrimSuffix(host, ".")
	if ip := strings.Trim(host, "[]"); mayBeIP(ip) {
		if _, err := netip.ParseAddr(ip); err == nil {
			return dst, why.fail("an IP address is not a domain; report the full link as kind url")
		}
	}
	if len(host) > 253 {
		return dst, why.failNum("a domain has at most 253 characters, got %d", len(host))
	}
	if !checkLabels(host, why) {
		return dst, false
	}
	if stripWWW && strings.HasPrefix(host, "www.") && strings.Count(host, ".") >= 2 {
		host = host[4:]
	}
	suffix, icann := publicsuffix.PublicSuffix(host)
	if !icann && !strings.Contains(suffix, ".") {
		return dst, why.failStr("%q is not a known top-level domain", suffix)
	}
	// A host that is itself a suffix under which the public registers names (com.cn) is no
	// one's; a private suffix (a dynamic-DNS provider's domain) is its provider's, and kept.
	if suffix == host && icann {
		return dst, why.failStr("%q is a public suffix, not a domain someone owns; add the name before it", host)
	}
	return append(dst, host...), true
}

// mayBeIP reports whether netip.ParseAddr could accept s: IPv6 has a colon and IPv4 ends in
// a digit. It spares the usual host name the parse, whose error is an allocation.
func mayBeIP(s string) bool {
	return strings.IndexByte(s, ':') >= 0 || s != "" && isDigit(s[len(s)-1])
}

// checkLabels checks the dot-separated labels of an ASCII host name.
func checkLabels(host string, why *fault) bool {
	if !strings.Contains(host, ".") {
		return why.fail("a domain has a name and a suffix, such as example.com")
	}
	for label := range strings.SplitSeq(host, ".") {
		switch {
		case label == "":
			return why.fail("a domain has no empty parts between dots")
		case len(label) > 63:
			return why.fail("each part of a domain has at most 63 characters")
		case label[0] == '-' || label[len(label)-1] == '-':
			return why.fail("a part of a domain cannot start or end with a dash")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || isDigit(c) || c == '-') {
				return why.failChar("a domain holds only letters, digits, dashes and dots; found %q", rune(c))
			}
		}
	}
	return true
}

// appendURL appends an http or https URL in canonical form: scheme and host in lower case, the
// host in ASCII, no default port, no user info (a classic disguise: http://taobao.com@evil.example/),
// no fragment, and "/" for an empty path. A URL without a scheme is taken as http.
func appendURL(dst []byte, raw string, why *fault) ([]byte, bool) {
	s := strings.TrimSpace(strings.Map(fold, raw))
	if len(s) > 2048 {
		return dst, why.fail("a URL has at most 2048 characters")
	}
	if i := strings.Index(s, "://"); i < 0 {
		s = "http://" + s
	} else if scheme := strings.ToLower(s[:i]); scheme != "http" && scheme != "https" {
		return dst, why.failStr("only http and https links can be reported, got %q", scheme)
	}
	u, err := url.Parse(s)
	if err != nil {
		return dst, why.failStr("not a valid URL: %s", strings.TrimPrefix(err.Error(), "parse "))
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return dst, why.fail("a URL needs a host name after the scheme")
	}
	scheme := strings.ToLower(u.Scheme)
	start := len(dst)
	dst = append(dst, scheme...)
	dst = append(dst, "://"...)
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Is6() && !ip.Is4In6() {
			dst = append(dst, '[')
			dst = ip.AppendTo(dst)
			dst = append(dst, ']')
		} else {
			dst = ip.AppendTo(dst)
		}
	} else if out, ok := appendHost(dst, host, false, why); !ok {
		return dst[:start], false
	} else {
		dst = out
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return dst[:start], why.failStr("a port is a number from 1 to 65535, got %q", p)
		}
		if !(scheme == "http" && n == 80 || scheme == "https" && n == 443) {
			dst = append(dst, ':')
			dst = strconv.AppendInt(dst, int64(n), 10)
		}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	dst = append(dst, path...)
	if u.RawQuery != "" {
		dst = append(dst, '?')
		dst = append(dst, u.RawQuery...)
	}
	return dst, true
}
