package ownerweb

import (
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/chatlift/chatlift/internal/webui"
)

var funcs = template.FuncMap{
	"local": local,
	"on":    func(t time.Time, zone string) string { return local(&t, zone) },
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

// face is the account pages in the shared layout.
var face = webui.Face{Name: "your chatlift account", Base: "/account/", Brand: "Your account", NavLabel: "Account",
	Home: "Back to your account", Nav: []webui.Link{{Href: "/account/", Text: "Home"}, {Href: "/account/upgrade", Text: "Upgrade"},
		{Href: "/account/notifications", Text: "Notifications"}}}

var templates = webui.MustParse(face, templateFS, funcs, []string{"templates/progress.html"}, "signin", "home", "upgrade", "inbox")

// page is what the templates get for the session s (nil when signed out).
func (p *Pages) page(s *session, data any) webui.Page {
	return webui.NewPage(p.sessions, s, func(s *session) string { return s.User.Email }, data)
}

// render writes the named page inside the layout or, for "progress", just
// the live part of the upgrade page, with the status.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, name string, s *session, data any) {
	if name == "progress" {
		templates.Fragment(w, r, p.Logger, status, "upgrade", name, p.page(s, data))
		return
	}
	templates.Render(w, r, p.Logger, status, name, p.page(s, data))
}

func (p *Pages) say(w http.ResponseWriter, r *http.Request, status int, s *session, title, text string) {
	templates.Say(w, r, p.Logger, status, p.page(s, nil), title, text)
}

// fail shows an error page: a chatlift error's message, or "internal
// error" (logged) for anything else.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	templates.Fail(w, r, p.Logger, p.page(s, nil), err)
}

func urlEscape(s string) string { return url.QueryEscape(s) }
