// Package webui holds what the server-rendered web faces share: sessions
// kept server-side with their CSRF tokens, cookie and token helpers, the
// security headers, and bounded form reading. The operator console and the
// account owners' pages both use it.
package webui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Session is one signed-in user: a random id kept server-side (only the
// cookie holds it), the CSRF token its forms carry, and what the face keeps
// about the user.
type Session[T any] struct {
	ID, CSRF string
	Expires  time.Time
	User     T
	flash    string // shown once on the next page
}

// Sessions keeps at most max sessions; the oldest goes first when full.
type Sessions[T any] struct {
	mu   sync.Mutex
	ttl  time.Duration
	max  int
	byID map[string]*Session[T]
}

// NewSessions makes a session store whose sessions last ttl.
func NewSessions[T any](ttl time.Duration, max int) *Sessions[T] {
	return &Sessions[T]{ttl: ttl, max: max, byID: map[string]*Session[T]{}}
}

// TTL is how long a session lasts.
func (ss *Sessions[T]) TTL() time.Duration { return ss.ttl }

// Create starts a session for user.
func (ss *Sessions[T]) Create(user T, now time.Time) *Session[T] {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.byID) >= ss.max {
		var oldest *Session[T]
		for _, s := range ss.byID {
			if oldest == nil || s.Expires.Before(oldest.Expires) {
				oldest = s
			}
		}
		delete(ss.byID, oldest.ID)
	}
	s := &Session[T]{ID: RandomToken(), CSRF: RandomToken(), User: user, Expires: now.Add(ss.ttl)}
	ss.byID[s.ID] = s
	return s
}

// Get returns the live session with the id, nil if none.
func (ss *Sessions[T]) Get(id string, now time.Time) *Session[T] {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byID[id]
	if s != nil && !now.Before(s.Expires) {
		delete(ss.byID, id)
		return nil
	}
	return s
}

// Delete ends the session with the id.
func (ss *Sessions[T]) Delete(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byID, id)
}

// TakeFlash returns the session's one-time message and clears it.
func (ss *Sessions[T]) TakeFlash(s *Session[T]) string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	f := s.flash
	s.flash = ""
	return f
}

// SetFlash sets the message the session's next page shows once.
func (ss *Sessions[T]) SetFlash(s *Session[T], msg string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s.flash = msg
}

// RandomToken is 256 random bits, URL-safe.
func RandomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// EqualTokens compares two tokens in constant time; an empty one never matches.
func EqualTokens(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Cookie is a Secure, HttpOnly, SameSite=Strict cookie under path.
func Cookie(name, value, path string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode}
}

// SecurityHeaders sets the headers every page of a face carries: a
// Content-Security-Policy of 'self' only, no framing, no sniffing.
func SecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

// ReadForm reads a form of at most max bytes. It returns 0, or the status
// to answer when the form cannot be read (413 when too large).
func ReadForm(w http.ResponseWriter, r *http.Request, max int64) int {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	if err := r.ParseForm(); err != nil {
		if _, tooLarge := err.(*http.MaxBytesError); tooLarge {
			return http.StatusRequestEntityTooLarge
		}
		return http.StatusBadRequest
	}
	return 0
}

// SafeNext keeps a return path within prefix (a path ending in /); anything
// else becomes prefix.
func SafeNext(next, prefix string) string {
	if !strings.HasPrefix(next, prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return prefix
	}
	return next
}
