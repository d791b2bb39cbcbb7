package ownerweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webui"
	"github.com/chatlift/chatlift/ratelimit"
)

// session is one signed-in support admin.
type session = webui.Session[owner]

func cookie(name, value string, maxAge int) *http.Cookie {
	return webui.Cookie(name, value, cookiePath, maxAge)
}

// session returns the request's live session, nil if none. A session
// whose user is no longer an active admin of the account ends here.
func (p *Pages) session(r *http.Request) (*session, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	s, err := p.sessions.Get(r.Context(), ck.Value, p.now())
	if s == nil || err != nil {
		return nil, err
	}
	u, err := p.Store.User(r.Context(), s.User.AccountID, s.User.UserID)
	if err != nil && chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		return nil, err
	} else if err != nil || !admin(u) {
		return nil, p.sessions.Delete(r.Context(), s.ID)
	}
	return s, nil
}

// admin reports whether u may use the pages: an active support admin.
func admin(u *chatlift.User) bool { return u.Active && u.Role == chatlift.UserRoleAdmin }

// authed lets a request through only with a live session, before anything
// else is read; a form must also carry the session's CSRF token.
func (p *Pages) authed(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := p.session(r)
		if err != nil {
			p.fail(w, r, nil, err)
			return
		}
		if s == nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			http.Redirect(w, r, "/account/sign-in?next="+urlEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if s == nil {
			w.Header().Set("Connection", "close")
			p.say(w, r, http.StatusUnauthorized, nil, "Signed out", "Your session has ended: sign in again.")
			return
		}
		if r.Method == http.MethodPost {
			if status := webui.ReadForm(w, r, maxFormBytes); status != 0 {
				p.say(w, r, status, s, "Bad form", "The form could not be read.")
				return
			}
			if !webui.EqualTokens(r.PostForm.Get("csrf"), s.CSRF) {
				p.say(w, r, http.StatusForbidden, s, "Form expired", "The form did not carry this session's token: reload the page and try again.")
				return
			}
		}
		h(w, r, s)
	}
}

type signInData struct {
	CSRF, Next, Email, Error string
}

func (p *Pages) signInPage(w http.ResponseWriter, r *http.Request) {
	next := webui.SafeNext(r.URL.Query().Get("next"), cookiePath)
	if s, err := p.session(r); err != nil {
		p.fail(w, r, nil, err)
		return
	} else if s != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	p.showSignIn(w, r, http.StatusOK, signInData{Next: next})
}

func (p *Pages) showSignIn(w http.ResponseWriter, r *http.Request, status int, d signInData) {
	d.CSRF = webui.RandomToken()
	http.SetCookie(w, cookie(preCookie, d.CSRF, 3600))
	p.render(w, r, status, "signin", nil, d)
}

// signIn checks the email and password of a support admin, throttled per
// client address and per email, and starts a session.
func (p *Pages) signIn(w http.ResponseWriter, r *http.Request) {
	if !p.allow(w, r, "addr "+ratelimit.ClientKey(r.RemoteAddr), p.guard.perAddress) {
		return
	}
	if status := webui.ReadForm(w, r, maxFormBytes); status != 0 {
		p.say(w, r, status, nil, "Bad form", "The form could not be read.")
		return
	}
	d := signInData{Next: webui.SafeNext(r.PostForm.Get("next"), cookiePath), Email: strings.TrimSpace(r.PostForm.Get("email"))}
	pre, err := r.Cookie(preCookie)
	if err != nil || !webui.EqualTokens(r.PostForm.Get("csrf"), pre.Value) {
		d.Error = "The form expired: try again."
		p.showSignIn(w, r, http.StatusForbidden, d)
		return
	}
	if !p.allow(w, r, chatlift.NormalizeEmail(d.Email), p.guard.perEmail) {
		return
	}
	who, err := p.check(r, d.Email, r.PostForm.Get("password"))
	if err != nil {
		if chatlift.ErrorCode(err) != chatlift.EUNAUTHORIZED {
			p.fail(w, r, nil, err)
			return
		}
		d.Error = "Wrong email or password, or not an admin of a support account."
		p.showSignIn(w, r, http.StatusUnauthorized, d)
		return
	}
	s, err := p.sessions.Create(r.Context(), *who, p.now())
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	http.SetCookie(w, cookie(preCookie, "", -1))
	http.SetCookie(w, cookie(sessionCookie, s.ID, int(p.sessions.TTL()/time.Second)))
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

// allow takes one attempt from the key's bucket; past the limit it answers 429.
func (p *Pages) allow(w http.ResponseWriter, r *http.Request, key string, bucket *ratelimit.Keyed) bool {
	ok, wait := bucket.Take(key, p.now())
	if !ok {
		secs := strconv.Itoa(int(wait/time.Second) + 1)
		w.Header().Set("Retry-After", secs)
		p.showSignIn(w, r, http.StatusTooManyRequests, signInData{Error: "Too many attempts: wait " + secs + " s and try again."})
	}
	return ok
}

// check returns the active support admin with the email and password;
// EUNAUTHORIZED otherwise. An unknown email costs one bcrypt comparison, as
// does a wrong password for an email with a password in one account; an
// email with passwords in several accounts costs one per account tried
// until one matches.
func (p *Pages) check(r *http.Request, email, password string) (*owner, error) {
	ctx := r.Context()
	creds, err := p.Store.SupportPasswords(ctx, email)
	if err != nil {
		return nil, err
	}
	var match *chatlift.SupportPassword
	cost := bcrypt.DefaultCost
	for _, c := range creds {
		if cst, err := bcrypt.Cost([]byte(c.Hash)); err == nil {
			cost = cst
		}
	}
	if len(creds) == 0 {
		p.guard.check("", password, cost)
	}
	for _, c := range creds {
		if p.guard.check(c.Hash, password, cost) {
			match = c
			break
		}
	}
	if match == nil {
		return nil, chatlift.Errorf(chatlift.EUNAUTHORIZED, "wrong email or password")
	}
	u, err := p.Store.User(ctx, match.AccountID, match.UserID)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && !admin(u) {
		return nil, chatlift.Errorf(chatlift.EUNAUTHORIZED, "not an active admin")
	} else if err != nil {
		return nil, err
	}
	return &owner{AccountID: u.AccountID, UserID: u.ID, Email: u.Email}, nil
}

func (p *Pages) signOut(w http.ResponseWriter, r *http.Request, s *session) {
	if err := p.sessions.Delete(r.Context(), s.ID); err != nil {
		p.fail(w, r, s, err)
		return
	}
	http.SetCookie(w, cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/account/sign-in", http.StatusSeeOther)
}
