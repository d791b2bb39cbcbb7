package httpapi

import (
	"net/http"
	"time"
)

// Limits bound what clients can hold of the server: how long a request may
// take to arrive, how long its answer may take, how long an idle connection
// stays open, how large headers and bodies may be and how many connections
// are served at once, in all and per client address. A zero field takes
// its default from DefaultLimits.
// docs/server.md explains each.
type Limits struct {
	// ReadHeaderTimeout is how long a client has to send a request's
	// headers, from the moment the connection is ready for one.
	ReadHeaderTimeout time.Duration
	// ReadTimeout is how long a client has to send a whole request, body
	// included; a slower body is cut off.
	ReadTimeout time.Duration
	// WriteTimeout is how long the server has to answer, from the end of the
	// request's headers. The conversations' event streams move it forward
	// before each write; a chat request held through its account's freeze
	// waits at most Server.Hold.For.
	WriteTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its next
	// request before it is closed.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's headers; more answers 431.
	MaxHeaderBytes int
	// MaxBodyBytes bounds a request's body; reading more answers 413.
	MaxBodyBytes int64
	// MaxConnections is how many connections are served at once; further
	// connections wait to be accepted until one closes.
	MaxConnections int
	// MaxConnectionsPerAddress is how many connections one client address
	// (an IPv6 address by its /64) may hold open at once; a further one is
	// closed as soon as it is accepted, so that one client cannot take all
	// of MaxConnections.
	MaxConnectionsPerAddress int
}

// DefaultLimits are the limits of a zero Limits.
func DefaultLimits() Limits {
	return Limits{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 60 * time.Second, MaxHeaderBytes: 64 << 10, MaxBodyBytes: 1 << 20, MaxConnections: 1000,
		MaxConnectionsPerAddress: 64}
}

// withDefaults is l with each zero field set to its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	def(&l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	def(&l.ReadTimeout, d.ReadTimeout)
	def(&l.WriteTimeout, d.WriteTimeout)
	def(&l.IdleTimeout, d.IdleTimeout)
	def(&l.MaxHeaderBytes, d.MaxHeaderBytes)
	def(&l.MaxBodyBytes, d.MaxBodyBytes)
	def(&l.MaxConnections, d.MaxConnections)
	def(&l.MaxConnectionsPerAddress, d.MaxConnectionsPerAddress)
	return l
}

func def[T time.Duration | int | int64](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// httpServer is an http.Server serving h within the limits.
func (l Limits) httpServer(h http.Handler) *http.Server {
	l = l.withDefaults()
	return &http.Server{Handler: h, ReadHeaderTimeout: l.ReadHeaderTimeout, ReadTimeout: l.ReadTimeout,
		WriteTimeout: l.WriteTimeout, IdleTimeout: l.IdleTimeout, MaxHeaderBytes: l.MaxHeaderBytes}
}

// limitBody caps every request body at Limits.MaxBodyBytes: a read past it
// fails (decode answers 413) and the connection is closed after the answer.
// Handlers authenticate from the headers before they read a body at all.
func (s *Server) limitBody(h http.Handler) http.Handler {
	limit := s.Limits.withDefaults().MaxBodyBytes
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, r)
	})
}
