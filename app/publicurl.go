package app

import (
	"net"
	"net/url"
	"strings"

	"github.com/chatlift/chatlift"
)

// PublicURL checks --public-url, the address customers reach the server at,
// and returns it without a trailing slash; empty stays empty.
func PublicURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", chatlift.Errorf(chatlift.EINVALID, "--public-url must be an absolute http or https URL without query, such as https://chat.example.com")
	}
	return strings.TrimSuffix(raw, "/"), nil
}

// listenURL is the base URL of a listener, the public URL when none is set.
func listenURL(ln net.Listener) string { return "http://" + ln.Addr().String() }
