package console

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webui"
)

// page is what every template gets: the session (nil when signed out), a
// one-time message, and the page's own data.
type page struct {
	Session *session
	CSRF    string
	Actor   string
	Flash   string
	Data    any
}

// message is a page that only says something.
type message struct {
	Title, Text string
}

var funcs = template.FuncMap{
	"when":     when,
	"duration": duration,
	"ms":       func(ms int64) string { return duration(time.Duration(ms) * time.Millisecond) },
	"percent":  percent,
	"rate":     func(r float64) string { return strconv.FormatFloat(r, 'f', 0, 64) },
	"eta":      func(s int64) string { return duration(time.Duration(s) * time.Second) },
	"since":    stepDuration,
	"terminal": chatlift.Terminal,
	"dict":     dict,
	"join":     strings.Join,
}

var pages = map[string]*template.Template{}

func init() {
	for _, name := range []string{"signin", "message", "fleet", "list", "upgrade", "confirm", "batchconfirm", "batch", "postpone", "throttle", "throttleconfirm"} {
		pages[name] = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/parts.html", "templates/"+name+".html"))
	}
	pages["progress"] = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/parts.html"))
	pages["batchprogress"] = pages["batch"]
}

// render writes a whole page (the layout around the named template) or,
// for a fragment, just the fragment, with the status.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, s *session, data any) {
	p := page{Session: s, Data: data}
	if s != nil {
		p.CSRF, p.Actor, p.Flash = s.CSRF, actor(s), c.sessions.TakeFlash(s)
	}
	root := "layout"
	switch name {
	case "progress":
		root = "progress"
	case "batchprogress":
		root = "batchprogress"
	}
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, root, p); err != nil {
		c.Logger.ErrorContext(r.Context(), "render console page", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail shows an error page: the user-facing message of a chatlift error,
// "internal error" (logged) for anything else.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	code, msg := chatlift.ErrorCode(err), chatlift.ErrorMessage(err)
	status := map[string]int{chatlift.EINVALID: 400, chatlift.ENOTFOUND: 404, chatlift.ECONFLICT: 409,
		chatlift.EUNAVAILABLE: 503}[code]
	if status == 0 {
		c.Logger.ErrorContext(r.Context(), "console request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		status, msg = http.StatusInternalServerError, "internal error"
	}
	c.render(w, r, status, "message", s, message{Title: http.StatusText(status), Text: msg})
}

func when(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return "—"
		}
		return v.UTC().Format("2006-01-02 15:04:05 UTC")
	case *time.Time:
		if v == nil {
			return "—"
		}
		return when(*v)
	}
	return fmt.Sprint(t)
}

func duration(d time.Duration) string { return webui.Duration(d) }

// stepDuration is how long a step took, "—" if it has not both started
// and finished.
func stepDuration(s chatlift.Step) string {
	if s.StartedAt == nil || s.FinishedAt == nil {
		return "—"
	}
	return duration(s.FinishedAt.Sub(*s.StartedAt))
}

func percent(done, total int64) int64 { return webui.Percent(done, total) }

func itoa(n int) string { return strconv.Itoa(n) }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// trimmed is a form or query value without surrounding space.
func trimmed(v url.Values, key string) string { return strings.TrimSpace(v.Get(key)) }

// dict builds a map from key, value pairs, to pass several values to a template.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}
