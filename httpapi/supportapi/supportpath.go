package supportapi

import (
	"context"
	"net/http"
	"strings"
)

// supportPrefix is where the support API's paths start.
const supportPrefix = "/api/v2/"

// originalPathKey carries the path a client sent before JSONSuffix trimmed it.
type originalPathKey struct{}

// JSONSuffix lets every support API path also be asked for with ".json", as
// the hosted support API's clients do (/api/v2/users.json,
// /api/v2/tickets/7.json): the suffix is trimmed before routing, so each
// route is registered once. The chat API's paths are left alone.
func JSONSuffix(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		trimmed, ok := strings.CutSuffix(p, ".json")
		if !ok || !strings.HasPrefix(p, supportPrefix) || strings.HasPrefix(p, supportPrefix+"chat/") || trimmed+"/" == supportPrefix {
			next.ServeHTTP(w, r)
			return
		}
		r2 := r.WithContext(context.WithValue(r.Context(), originalPathKey{}, p))
		u := *r.URL
		u.Path, u.RawPath = trimmed, ""
		r2.URL = &u
		next.ServeHTTP(w, r2)
	})
}

// requestPath is the path the client asked for, ".json" included.
func requestPath(r *http.Request) string {
	if p, ok := r.Context().Value(originalPathKey{}).(string); ok {
		return p
	}
	return r.URL.Path
}
