package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// ErrBlocked is returned (wrapped) when a fetch would reach an address the guard refuses.
var ErrBlocked = errors.New("address not allowed")

// blockedNets are the ranges no fetch may reach: this host, private networks, link-local
// (cloud metadata services at 169.254.169.254 and fd00:ec2::254 included), shared carrier NAT,
// and the reserved, documentation, benchmarking and multicast ranges.
var blockedNets = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// nat64 is the well-known NAT64 prefix: its addresses carry an IPv4 address in their last 32
// bits, judged as that address.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// allowed reports whether a fetch may connect to ip. Loopback is allowed only when loopback is
// true (tests serving fixtures on 127.0.0.1).
func allowed(ip netip.Addr, loopback bool) bool {
	ip = ip.Unmap()
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	if loopback && ip.IsLoopback() {
		return true
	}
	for _, p := range blockedNets {
		if p.Contains(ip) {
			return false
		}
	}
	return ip.IsGlobalUnicast()
}

// control is the net.Dialer Control hook: it runs after name resolution, on the very address
// the socket is about to connect to, so neither a DNS answer that changes between a check and
// the connection (rebinding) nor a redirect can reach a refused address.
func (f *Fetcher) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("fetch: %w: %s", ErrBlocked, address)
	}
	if !allowed(ap.Addr(), f.opts.AllowLoopback) {
		return fmt.Errorf("fetch: %w: %s", ErrBlocked, ap.Addr())
	}
	if !f.opts.AnyPort && ap.Port() != 80 && ap.Port() != 443 {
		return fmt.Errorf("fetch: %w: port %d", ErrBlocked, ap.Port())
	}
	return nil
}

// dial resolves host with the configured resolver, drops the addresses the guard refuses and
// connects to the first that answers, through a dialer whose Control hook checks again.
func (f *Fetcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("fetch: dial %s: %w", addr, err)
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else if ips, err = f.opts.Resolve(ctx, host); err != nil {
		return nil, fmt.Errorf("fetch: resolve %s: %w", host, err)
	}
	d := net.Dialer{Timeout: f.opts.PageTimeout, Control: f.control}
	var last error = fmt.Errorf("fetch: %s: no address", host)
	for _, ip := range ips {
		if !allowed(ip, f.opts.AllowLoopback) {
			last = fmt.Errorf("fetch: %s resolves to %s: %w", host, ip, ErrBlocked)
			continue
		}
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, last
}
