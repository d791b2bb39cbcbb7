package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/chatlift/chatlift/internal/webui"
	"github.com/chatlift/chatlift/ratelimit"
)

const (
	sessionCookie  = "chatlift_console"
	preCookie      = "chatlift_console_signin" // the sign-in form's CSRF token, before a session exists
	maxSessions    = 1000
	signInInterval = 10 * time.Second
	signInBurst    = 10
	maxNameRunes   = 64
)

// session is one signed-in operator; its user is the name the operator
// gave, for the audit trail.
type session = webui.Session[string]

// actor is who the audit trail says acted.
func actor(s *session) string {
	if s.User == "" {
		return "operator"
	}
	return "operator (" + s.User + ")"
}

func randomToken() string { return webui.RandomToken() }

func equalTokens(a, b string) bool { return webui.EqualTokens(a, b) }

func cookie(name, value string, maxAge int) *http.Cookie {
	return webui.Cookie(name, value, "/console/", maxAge)
}

// session returns the request's live session, nil if none.
func (c *Console) session(r *http.Request) (*session, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	return c.sessions.Get(r.Context(), ck.Value, c.now())
}

// authed lets a request through only with a live session, before anything
// else is read; a form must also carry the session's CSRF token. A page
// asked for without a session leads to the sign-in form; an action is
// refused without its body being read.
func (c *Console) authed(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := c.session(r)
		switch {
		case err != nil:
			c.fail(w, r, nil, err)
			return
		case s == nil && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			http.Redirect(w, r, "/console/sign-in?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		case s == nil:
			w.Header().Set("Connection", "close")
			c.render(w, r, http.StatusUnauthorized, "message", nil, message{Title: "Signed out", Text: "Your session has ended: sign in again."})
			return
		case r.Method == http.MethodPost:
			if !c.readForm(w, r) {
				return
			}
			if !equalTokens(r.PostForm.Get("csrf"), s.CSRF) {
				c.render(w, r, http.StatusForbidden, "message", s, message{Title: "Form expired", Text: "The form did not carry this session's token: reload the page and try again."})
				return
			}
		}
		h(w, r, s)
	}
}

// readForm reads a form of at most maxFormBytes; it answers the request
// itself and returns false when it cannot.
func (c *Console) readForm(w http.ResponseWriter, r *http.Request) bool {
	if status := webui.ReadForm(w, r, maxFormBytes); status != 0 {
		c.render(w, r, status, "message", nil, message{Title: "Bad form", Text: "The form could not be read."})
		return false
	}
	return true
}

type signInData struct {
	CSRF, Next, Name, Error string
}

// signInPage shows the sign-in form with a fresh CSRF token, kept in a
// cookie of its own until a session exists.
func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	if s, err := c.session(r); err != nil {
		c.fail(w, r, nil, err)
		return
	} else if s != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	c.showSignIn(w, r, http.StatusOK, signInData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (c *Console) showSignIn(w http.ResponseWriter, r *http.Request, status int, d signInData) {
	d.CSRF = randomToken()
	http.SetCookie(w, cookie(preCookie, d.CSRF, 3600))
	c.render(w, r, status, "signin", nil, d)
}

// signIn checks the operator token, throttled per client address, and
// starts a session.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	if ok, wait := c.signIns.Take(ratelimit.ClientKey(r.RemoteAddr), c.now()); !ok {
		secs := int(wait/time.Second) + 1
		w.Header().Set("Retry-After", itoa(secs))
		c.showSignIn(w, r, http.StatusTooManyRequests, signInData{Error: "Too many attempts: wait " + itoa(secs) + " s and try again."})
		return
	}
	if !c.readForm(w, r) {
		return
	}
	d := signInData{Next: safeNext(r.PostForm.Get("next")), Name: r.PostForm.Get("name")}
	pre, err := r.Cookie(preCookie)
	switch {
	case err != nil || !equalTokens(r.PostForm.Get("csrf"), pre.Value):
		d.Error = "The form expired: try again."
		c.showSignIn(w, r, http.StatusForbidden, d)
		return
	case c.OperatorToken == "" || !equalTokens(r.PostForm.Get("token"), c.OperatorToken):
		d.Error = "That is not the operator token."
		c.showSignIn(w, r, http.StatusUnauthorized, d)
		return
	case len([]rune(d.Name)) > maxNameRunes:
		d.Error = "The name is longer than 64 characters."
		c.showSignIn(w, r, http.StatusBadRequest, d)
		return
	}
	s, err := c.sessions.Create(r.Context(), strings.TrimSpace(d.Name), c.now())
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	http.SetCookie(w, cookie(preCookie, "", -1))
	http.SetCookie(w, cookie(sessionCookie, s.ID, int(c.sessions.TTL()/time.Second)))
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, s *session) {
	if err := c.sessions.Delete(r.Context(), s.ID); err != nil {
		c.fail(w, r, s, err)
		return
	}
	http.SetCookie(w, cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/console/sign-in", http.StatusSeeOther)
}

// safeNext keeps a return path within the console.
func safeNext(next string) string { return webui.SafeNext(next, "/console/") }
