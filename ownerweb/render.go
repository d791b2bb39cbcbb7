package ownerweb

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webui"
)

// view is what every template gets: the session (nil when signed out), its
// CSRF token, a one-time message, and the page's own data.
type view struct {
	Session *session
	CSRF    string
	Flash   string
	Data    any
}

// message is a page that only says something.
type message struct{ Title, Text string }

var templates = map[string]*template.Template{}

var funcs = template.FuncMap{
	"percent":  webui.Percent,
	"ms":       func(ms int64) string { return webui.Duration(time.Duration(ms) * time.Millisecond) },
	"eta":      func(s int64) string { return webui.Duration(time.Duration(s) * time.Second) },
	"rate":     func(r float64) string { return strconv.FormatFloat(r, 'f', 0, 64) },
	"terminal": chatlift.Terminal,
	"local":    local,
	"on":       func(t time.Time, zone string) string { return local(&t, zone) },
}

// local writes t (nil: "—") in the time zone named zone.
func local(t *time.Time, zone string) string {
	if t == nil {
		return "—"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format(dateLayout)
}

// dateLayout is how the pages write a date.
const dateLayout = "Monday 2 January 2006, 15:04 MST"

func init() {
	for _, name := range []string{"signin", "message", "home", "upgrade", "inbox"} {
		templates[name] = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/progress.html", "templates/"+name+".html"))
	}
	templates["progress"] = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/progress.html"))
}

// render writes the named page inside the layout, with the status.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, name string, s *session, data any) {
	v := view{Session: s, Data: data}
	if s != nil {
		v.CSRF, v.Flash = s.CSRF, p.sessions.TakeFlash(s)
	}
	var buf bytes.Buffer
	root := "layout"
	if name == "progress" {
		root = "progress"
	}
	if err := templates[name].ExecuteTemplate(&buf, root, v); err != nil {
		p.Logger.ErrorContext(r.Context(), "render account page", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (p *Pages) say(w http.ResponseWriter, r *http.Request, status int, s *session, title, text string) {
	p.render(w, r, status, "message", s, message{Title: title, Text: text})
}

// fail shows an error page: a chatlift error's message, or "internal
// error" (logged) for anything else.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	status := map[string]int{chatlift.EINVALID: 400, chatlift.ENOTFOUND: 404, chatlift.ECONFLICT: 409,
		chatlift.EFORBIDDEN: 403, chatlift.EUNAVAILABLE: 503}[chatlift.ErrorCode(err)]
	msg := chatlift.ErrorMessage(err)
	if status == 0 {
		p.Logger.ErrorContext(r.Context(), "account page failed", "method", r.Method, "path", r.URL.Path, "error", err)
		status, msg = http.StatusInternalServerError, "internal error"
	}
	p.say(w, r, status, s, http.StatusText(status), msg)
}

func urlEscape(s string) string { return url.QueryEscape(s) }
