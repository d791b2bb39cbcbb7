package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestIndex: a browser at the root finds links to the two faces; an API
// client gets the not-found error in the API's shape.
func TestIndex(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 1)
	get := func(t *testing.T, accept string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.URL+"/", nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	t.Run("OKBrowser", func(t *testing.T) {
		resp, body := get(t, "text/html,application/xhtml+xml")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, `href="/console/"`) || !strings.Contains(body, `href="/account/upgrade"`) {
			t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})
	t.Run("ErrNotFoundAPI", func(t *testing.T) {
		resp, body := get(t, "application/json")
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"error":"not_found"`) {
			t.Fatalf("%d: %s", resp.StatusCode, body)
		}
	})
}
