// Package webui holds what the server-rendered web faces share: the page
// layout, template parsing and rendering, the message and error pages and
// flash messages; sessions kept in the platform store with their CSRF tokens
// (so they outlive a restart and every serve process shares them); cookie
// and token helpers, the security headers, and bounded form reading. The
// operator console and the account owners' pages both use it.
package webui

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// SessionStore keeps the sessions of every face: the platform store, so
// that sessions outlive a restart and every serve process shares them.
type SessionStore interface {
	CreateWebSession(ctx context.Context, s *chatlift.WebSession, max int) error
	WebSession(ctx context.Context, face, idHash string, now time.Time) (*chatlift.WebSession, error)
	SetWebSessionFlash(ctx context.Context, face, idHash, flash string) error
	TakeWebSessionFlash(ctx context.Context, face, idHash, flash string) (bool, error)
	DeleteWebSession(ctx context.Context, face, idHash string) error
}

var _ SessionStore = chatlift.PlatformStore(nil)

// Session is one signed-in user: a random id that only the cookie holds
// (the store keeps its hash), the CSRF token its forms carry, and what the
// face keeps about the user.
type Session[T any] struct {
	ID, CSRF string
	Expires  time.Time
	User     T
	flash    string // taken from the store when the session was read
}

// Sessions are one face's sessions in the store, at most max of them: the
// ones expiring first go when a new one would pass the cap.
type Sessions[T any] struct {
	store  SessionStore
	face   string
	ttl    time.Duration
	max    int
	logger *slog.Logger
}

// NewSessions keeps the face's sessions in store; each lasts ttl.
func NewSessions[T any](store SessionStore, face string, ttl time.Duration, max int, logger *slog.Logger) *Sessions[T] {
	return &Sessions[T]{store: store, face: face, ttl: ttl, max: max, logger: logger}
}

// TTL is how long a session lasts.
func (ss *Sessions[T]) TTL() time.Duration { return ss.ttl }

// hashID is what the store keeps of a session id.
func hashID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// Create starts a session for user.
func (ss *Sessions[T]) Create(ctx context.Context, user T, now time.Time) (*Session[T], error) {
	data, err := json.Marshal(user)
	if err != nil {
		return nil, fmt.Errorf("encode the user of a %s session: %w", ss.face, err)
	}
	s := &Session[T]{ID: RandomToken(), CSRF: RandomToken(), User: user, Expires: now.Add(ss.ttl)}
	kept := &chatlift.WebSession{Face: ss.face, IDHash: hashID(s.ID), CSRF: s.CSRF, User: data, Created: now, Expires: s.Expires}
	if err := ss.store.CreateWebSession(ctx, kept, ss.max); err != nil {
		return nil, fmt.Errorf("create a %s session: %w", ss.face, err)
	}
	return s, nil
}

// Get returns the live session with the id, nil if there is none. It takes
// the session's one-time message, for TakeFlash.
func (ss *Sessions[T]) Get(ctx context.Context, id string, now time.Time) (*Session[T], error) {
	if id == "" {
		return nil, nil
	}
	kept, err := ss.store.WebSession(ctx, ss.face, hashID(id), now)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read a %s session: %w", ss.face, err)
	}
	s := &Session[T]{ID: id, CSRF: kept.CSRF, Expires: kept.Expires}
	if err := json.Unmarshal(kept.User, &s.User); err != nil { // kept by another version: sign in again
		ss.logger.WarnContext(ctx, "session user unreadable; ending it", "face", ss.face, "error", err)
		return nil, ss.Delete(ctx, id)
	}
	if kept.Flash != "" {
		taken, err := ss.store.TakeWebSessionFlash(ctx, ss.face, kept.IDHash, kept.Flash)
		if err != nil {
			return nil, fmt.Errorf("take a %s session's message: %w", ss.face, err)
		}
		if taken {
			s.flash = kept.Flash
		}
	}
	return s, nil
}

// Delete ends the session with the id.
func (ss *Sessions[T]) Delete(ctx context.Context, id string) error {
	if err := ss.store.DeleteWebSession(ctx, ss.face, hashID(id)); err != nil {
		return fmt.Errorf("end a %s session: %w", ss.face, err)
	}
	return nil
}

// TakeFlash returns the one-time message the session had when it was read
// and clears it.
func (ss *Sessions[T]) TakeFlash(s *Session[T]) string {
	f := s.flash
	s.flash = ""
	return f
}

// SetFlash sets the message the session's next page shows once. The
// action it reports is done: a store that fails loses the message only,
// and says so in the log.
func (ss *Sessions[T]) SetFlash(ctx context.Context, s *Session[T], msg string) {
	if err := ss.store.SetWebSessionFlash(ctx, ss.face, hashID(s.ID), msg); err != nil {
		ss.logger.ErrorContext(ctx, "keep a session's message", "face", ss.face, "error", err)
	}
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
