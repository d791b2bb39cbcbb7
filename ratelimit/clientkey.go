package ratelimit

import (
	"net"
	"net/netip"
)

// ClientKey is the key of a connection's remote address ("host:port") for
// limits per client: an IPv4 address whole, an IPv6 address by its /64.
// Proxy headers are not trusted.
func ClientKey(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if ip = ip.Unmap(); ip.Is6() {
		return netip.PrefixFrom(ip.WithZone(""), 64).Masked().String()
	}
	return ip.String()
}
