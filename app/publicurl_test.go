package app_test

import (
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/app"
)

func TestPublicURL(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		for raw, want := range map[string]string{"": "", "https://chat.example.com/": "https://chat.example.com",
			"http://10.0.0.5:8080/chatlift": "http://10.0.0.5:8080/chatlift"} {
			if got, err := app.PublicURL(raw); err != nil || got != want {
				t.Errorf("PublicURL(%q) = %q, %v; want %q", raw, got, err, want)
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, raw := range []string{"chat.example.com", "/account", "ftp://chat.example.com", "https://chat.example.com/?a=1", "https://u:p@chat.example.com"} {
			if _, err := app.PublicURL(raw); chatlift.ErrorCode(err) != chatlift.EINVALID {
				t.Errorf("PublicURL(%q) = %v, want invalid", raw, err)
			}
		}
	})
}
