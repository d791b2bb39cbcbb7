package webui

import (
	"embed"
	"io/fs"
	"net/http"
	"sync"
	"time"
)

//go:embed static
var staticFS embed.FS

// Static serves the shared assets (htmx.min.js, console.css) under the path it is
// mounted at with the prefix stripped, cacheable for an hour.
func Static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// Handler is a face's router, built on its first request: the shared
// assets under Base+"static/", the face's own routes, and the security
// headers on every answer.
type Handler struct {
	once sync.Once
	mux  *http.ServeMux
}

// Serve answers r with the router routes builds (once) on a mux that
// already serves the shared assets under base.
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request, base string, routes func(*http.ServeMux)) {
	h.once.Do(func() {
		h.mux = http.NewServeMux()
		h.mux.Handle("GET "+base+"static/", http.StripPrefix(base+"static/", Static()))
		routes(h.mux)
	})
	SecurityHeaders(w.Header())
	h.mux.ServeHTTP(w, r)
}

// SessionTTL is ttl, or the faces' default of 12 hours when it is 0.
func SessionTTL(ttl time.Duration) time.Duration {
	if ttl == 0 {
		return 12 * time.Hour
	}
	return ttl
}
