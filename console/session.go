package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

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

// session is one signed-in operator: a random id kept server-side (only
// the cookie holds it), the CSRF token its forms carry, and the name the
// operator gave, for the audit trail.
type session struct {
	id, csrf, name string
	expires        time.Time
	flash          string // shown once on the next page
}

// actor is who the audit trail says acted.
func (s *session) actor() string {
	if s.name == "" {
		return "operator"
	}
	return "operator (" + s.name + ")"
}

// sessions keeps at most max sessions; the oldest goes first when full.
type sessions struct {
	mu   sync.Mutex
	ttl  time.Duration
	max  int
	byID map[string]*session
}

func newSessions(ttl time.Duration, max int) *sessions {
	return &sessions{ttl: ttl, max: max, byID: map[string]*session{}}
}

func (ss *sessions) create(name string, now time.Time) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.byID) >= ss.max {
		var oldest *session
		for _, s := range ss.byID {
			if oldest == nil || s.expires.Before(oldest.expires) {
				oldest = s
			}
		}
		delete(ss.byID, oldest.id)
	}
	s := &session{id: randomToken(), csrf: randomToken(), name: name, expires: now.Add(ss.ttl)}
	ss.byID[s.id] = s
	return s
}

func (ss *sessions) get(id string, now time.Time) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byID[id]
	if s != nil && !now.Before(s.expires) {
		delete(ss.byID, id)
		return nil
	}
	return s
}

func (ss *sessions) delete(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byID, id)
}

// takeFlash returns the session's one-time message and clears it.
func (ss *sessions) takeFlash(s *session) string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	f := s.flash
	s.flash = ""
	return f
}

func (ss *sessions) setFlash(s *session, msg string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s.flash = msg
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func equalTokens(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/console/", MaxAge: maxAge,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode}
}

// session returns the request's live session, nil if none.
func (c *Console) session(r *http.Request) *session {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	return c.sessions.get(ck.Value, c.now())
}

// authed lets a request through only with a live session, before anything
// else is read; a form must also carry the session's CSRF token. A page
// asked for without a session leads to the sign-in form; an action is
// refused without its body being read.
func (c *Console) authed(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := c.session(r)
		switch {
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
			if !equalTokens(r.PostForm.Get("csrf"), s.csrf) {
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
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		status := http.StatusBadRequest
		if _, tooLarge := err.(*http.MaxBytesError); tooLarge {
			status = http.StatusRequestEntityTooLarge
		}
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
	if c.session(r) != nil {
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
	s := c.sessions.create(strings.TrimSpace(d.Name), c.now())
	http.SetCookie(w, cookie(preCookie, "", -1))
	http.SetCookie(w, cookie(sessionCookie, s.id, int(c.sessions.ttl/time.Second)))
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, s *session) {
	c.sessions.delete(s.id)
	http.SetCookie(w, cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/console/sign-in", http.StatusSeeOther)
}

// safeNext keeps a return path within the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/console/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/console/"
	}
	return next
}
