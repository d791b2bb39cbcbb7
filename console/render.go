package console

import (
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

var funcs = template.FuncMap{
	"when":     when,
	"duration": duration,
	"since":    stepDuration,
	"dict":     dict,
	"join":     strings.Join,
}

// face is the console in the shared layout.
var face = webui.Face{Name: "chatlift console", Base: "/console/", Brand: "chatlift console", NavLabel: "Console",
	Home: "Back to the fleet", Nav: []webui.Link{{Href: "/console/", Text: "Fleet"}, {Href: "/console/upgrades", Text: "Upgrades"},
		{Href: "/console/upgrades?attention=on", Text: "Needing attention"}}}

var pages = webui.MustParse(face, templateFS, funcs, []string{"templates/parts.html"},
	"signin", "fleet", "list", "upgrade", "confirm", "batchconfirm", "batch", "postpone", "throttle", "throttleconfirm")

// page is what the templates get for the session s (nil when signed out).
func (c *Console) page(s *session, data any) webui.Page {
	return webui.NewPage(c.sessions, s, actor, data)
}

// message is the data of a page that only says something.
type message = webui.Message

// fragments are the parts that live updates swap in, each with the page it
// is parsed with.
var fragments = map[string]string{"progress": "upgrade", "batchprogress": "batch"}

// render writes the named page inside the layout or, for a fragment, just
// the fragment, with the status.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, s *session, data any) {
	if page, ok := fragments[name]; ok {
		pages.Fragment(w, r, c.Logger, status, page, name, c.page(s, data))
		return
	}
	pages.Render(w, r, c.Logger, status, name, c.page(s, data))
}

// fail shows an error page: the user-facing message of a chatlift error,
// "internal error" (logged) for anything else.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	pages.Fail(w, r, c.Logger, c.page(s, nil), err)
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
