package webui

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/chatlift/chatlift"
)

//go:embed templates/*.html
var layoutFS embed.FS

// Face is what one web face puts into the shared layout: its name after
// each page's title, where it is mounted, and its navigation.
type Face struct {
	Name     string // after each page's title: "chatlift console"
	Base     string // where the face is mounted, ending in /: "/console/"
	Brand    string // the header's link to Base
	NavLabel string // the navigation's accessible name
	Nav      []Link // shown when signed in
	Home     string // the message page's link back to Base when signed in
}

// Link is one entry of a face's navigation.
type Link struct{ Href, Text string }

// Page is what every template gets: the face, the session (nil when signed
// out), its CSRF token, who is signed in, a one-time message, and the
// page's own data.
type Page struct {
	Face    *Face
	Session any
	CSRF    string
	Who     string
	Flash   string
	Data    any
}

// Message is the data of a page that only says something.
type Message struct{ Title, Text string }

// NewPage is the page of data for the session s (nil when signed out): its
// CSRF token, who is signed in (who(s)) and its one-time message, taken.
func NewPage[T any](ss *Sessions[T], s *Session[T], who func(*Session[T]) string, data any) Page {
	p := Page{Data: data}
	if s != nil {
		p.Session, p.CSRF, p.Who, p.Flash = s, s.CSRF, who(s), ss.TakeFlash(s)
	}
	return p
}

// Funcs are the template functions both faces use; a face adds its own.
var Funcs = template.FuncMap{
	"percent":  Percent,
	"ms":       func(ms int64) string { return Duration(time.Duration(ms) * time.Millisecond) },
	"eta":      func(s int64) string { return Duration(time.Duration(s) * time.Second) },
	"rate":     func(r float64) string { return strconv.FormatFloat(r, 'f', 0, 64) },
	"terminal": chatlift.Terminal,
}

// Templates are a face's pages, each parsed with the shared layout and the
// face's partials; "message" is always one of them.
type Templates struct {
	face  Face
	pages map[string]*template.Template
}

// MustParse parses the pages named (templates/<name>.html in fsys, each
// defining "title" and "content") with the shared layout, the shared
// message page and the partials (paths in fsys). It panics on a bad
// template, as template.Must does.
func MustParse(face Face, fsys fs.FS, funcs template.FuncMap, partials []string, names ...string) *Templates {
	all := template.FuncMap{}
	for _, m := range []template.FuncMap{Funcs, funcs} {
		for k, f := range m {
			all[k] = f
		}
	}
	base := template.Must(template.New("").Funcs(all).ParseFS(layoutFS, "templates/layout.html"))
	if len(partials) > 0 {
		base = template.Must(base.ParseFS(fsys, partials...))
	}
	t := &Templates{face: face, pages: map[string]*template.Template{}}
	t.pages["message"] = template.Must(template.Must(base.Clone()).ParseFS(layoutFS, "templates/message.html"))
	for _, name := range names {
		t.pages[name] = template.Must(template.Must(base.Clone()).ParseFS(fsys, "templates/"+name+".html"))
	}
	return t
}

// Render writes the named page inside the layout, with the status.
func (t *Templates) Render(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, name string, p Page) {
	t.execute(w, r, log, status, name, "layout", p)
}

// Fragment writes only the template fragment of the named page (a part
// that live updates swap in), with the status.
func (t *Templates) Fragment(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, name, fragment string, p Page) {
	t.execute(w, r, log, status, name, fragment, p)
}

// Say writes a page that only says something.
func (t *Templates) Say(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, p Page, title, text string) {
	p.Data = Message{Title: title, Text: text}
	t.Render(w, r, log, status, "message", p)
}

// Fail writes an error page: the user-facing message of a chatlift error
// with its status, "internal error" (logged) for anything else.
func (t *Templates) Fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, p Page, err error) {
	status, msg := ErrorStatus(err), chatlift.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		log.ErrorContext(r.Context(), "page failed", "face", t.face.Name, "method", r.Method, "path", r.URL.Path, "error", err)
		msg = "internal error"
	}
	t.Say(w, r, log, status, p, http.StatusText(status), msg)
}

// ErrorStatus is the HTTP status of a page that failed with err: that of its
// chatlift error code, 500 for anything else.
func ErrorStatus(err error) int {
	switch chatlift.ErrorCode(err) {
	case chatlift.EINVALID:
		return http.StatusBadRequest
	case chatlift.EFORBIDDEN:
		return http.StatusForbidden
	case chatlift.ENOTFOUND:
		return http.StatusNotFound
	case chatlift.ECONFLICT:
		return http.StatusConflict
	case chatlift.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func (t *Templates) execute(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, name, root string, p Page) {
	p.Face = &t.face
	var buf bytes.Buffer
	if err := t.pages[name].ExecuteTemplate(&buf, root, p); err != nil {
		log.ErrorContext(r.Context(), "render page", "face", t.face.Name, "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
