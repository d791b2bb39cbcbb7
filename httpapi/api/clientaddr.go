package api

import (
	"net"
	"net/netip"
)

// ClientKey is what limits per client address count by, from a remote
// address ("ip:port"): an IPv4 address whole, an IPv6 address by its /64,
// the block one subscriber usually holds entirely. Proxy headers are not
// trusted.
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
