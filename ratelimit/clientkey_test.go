package ratelimit_test

import (
	"testing"

	"github.com/chatlift/chatlift/ratelimit"
)

func TestClientKey(t *testing.T) {
	for remote, want := range map[string]string{
		"192.0.2.7:5000":               "192.0.2.7",
		"[::ffff:192.0.2.7]:5000":      "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443":   "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1%1]:443": "2001:db8:1:2::/64",
		"not an address":               "not an address",
	} {
		if got := ratelimit.ClientKey(remote); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", remote, got, want)
		}
	}
}
