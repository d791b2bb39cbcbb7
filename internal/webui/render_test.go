package webui_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webui"
	"github.com/chatlift/chatlift/internal/webui/webuitest"
)

var now = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

var face = webui.Face{Name: "test face", Base: "/t/", Brand: "Test", NavLabel: "Test nav", Home: "Back home",
	Nav: []webui.Link{{Href: "/t/a", Text: "A"}}}

func setupRender(t *testing.T) (*webui.Templates, *webui.Sessions[string], *webui.Session[string]) {
	t.Helper()
	fsys := fstest.MapFS{
		"templates/parts.html": {Data: []byte(`{{define "live"}}<p id="live">{{.Data}}</p>{{end}}`)},
		"templates/home.html":  {Data: []byte(`{{define "title"}}Home{{end}}{{define "content"}}<h1>{{shout .Data}}</h1>{{template "live" .}}{{end}}`)},
	}
	tpl := webui.MustParse(face, fsys, map[string]any{"shout": strings.ToUpper}, []string{"templates/parts.html"}, "home")
	ss := webui.NewSessions[string](&webuitest.Sessions{}, chatlift.FaceConsole, time.Hour, 10, slog.New(slog.DiscardHandler))
	s, err := ss.Create(context.Background(), "ann", now)
	if err != nil {
		t.Fatal(err)
	}
	return tpl, ss, s
}

func userName(s *webui.Session[string]) string { return "user " + s.User }

func TestRender(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		tpl, ss, s := setupRender(t)
		ss.SetFlash(context.Background(), s, "Saved")
		s, err := ss.Get(context.Background(), s.ID, now) // the next request takes the message
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		tpl.Render(w, httptest.NewRequest("GET", "/t/", nil), slog.New(slog.DiscardHandler), http.StatusOK, "home", webui.NewPage(ss, s, userName, "hi"))
		body := w.Body.String()
		for _, want := range []string{"<title>Home · test face</title>", `href="/t/static/console.css"`, `<nav aria-label="Test nav">`,
			`<a href="/t/a">A</a>`, `action="/t/sign-out"`, `value="` + s.CSRF + `"`, "user ann", `role="status">Saved</p>`, "<h1>HI</h1>", `<p id="live">hi</p>`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q:\n%s", want, body)
			}
		}
		if w.Code != 200 || w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("status %d, Cache-Control %q", w.Code, w.Header().Get("Cache-Control"))
		}
		if ss.TakeFlash(s) != "" {
			t.Error("the flash is shown twice")
		}
	})
	t.Run("SignedOut", func(t *testing.T) {
		tpl, ss, _ := setupRender(t)
		w := httptest.NewRecorder()
		tpl.Render(w, httptest.NewRequest("GET", "/t/", nil), slog.New(slog.DiscardHandler), http.StatusOK, "home", webui.NewPage(ss, nil, userName, "hi"))
		if strings.Contains(w.Body.String(), "<nav") || strings.Contains(w.Body.String(), "sign-out") {
			t.Errorf("a signed-out page shows the navigation:\n%s", w.Body)
		}
	})
	t.Run("Fragment", func(t *testing.T) {
		tpl, ss, s := setupRender(t)
		w := httptest.NewRecorder()
		tpl.Fragment(w, httptest.NewRequest("GET", "/t/live", nil), slog.New(slog.DiscardHandler), http.StatusOK, "home", "live", webui.NewPage(ss, s, userName, "hi"))
		if got := w.Body.String(); got != `<p id="live">hi</p>` {
			t.Errorf("fragment = %q", got)
		}
	})
}

func TestFail(t *testing.T) {
	for _, c := range []struct {
		name   string
		err    error
		status int
		text   string
	}{
		{"ErrInvalid", chatlift.Errorf(chatlift.EINVALID, "bad <date>"), 400, "bad &lt;date&gt;"},
		{"ErrForbidden", chatlift.Errorf(chatlift.EFORBIDDEN, "not yours"), 403, "not yours"},
		{"ErrNotFound", chatlift.Errorf(chatlift.ENOTFOUND, "no such upgrade"), 404, "no such upgrade"},
		{"ErrConflict", chatlift.Errorf(chatlift.ECONFLICT, "already running"), 409, "already running"},
		{"ErrUnavailable", chatlift.Errorf(chatlift.EUNAVAILABLE, "try later"), 503, "try later"},
		{"ErrInternal", errors.New("disk on fire"), 500, "internal error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tpl, ss, s := setupRender(t)
			var log strings.Builder
			w := httptest.NewRecorder()
			tpl.Fail(w, httptest.NewRequest("GET", "/t/x", nil), slog.New(slog.NewTextHandler(&log, nil)), webui.NewPage(ss, s, userName, nil), c.err)
			body := w.Body.String()
			if w.Code != c.status || !strings.Contains(body, `<p id="message">`+c.text+`</p>`) || !strings.Contains(body, `<a href="/t/">Back home</a>`) {
				t.Errorf("status %d, want %d, with %q and the link home:\n%s", w.Code, c.status, c.text, body)
			}
			if logged := strings.Contains(log.String(), "disk on fire"); logged != (c.status == 500) || strings.Contains(body, "disk on fire") {
				t.Errorf("logged %v for status %d (log %q); page:\n%s", logged, c.status, log.String(), body)
			}
		})
	}
}
