package httpapi

import (
	"net"
	"sync"

	"github.com/chatlift/chatlift/ratelimit"
)

// perAddressListener accepts at most max open connections per client
// address (ratelimit.ClientKey): a connection beyond that is closed as soon as it is
// accepted, and never reaches the server.
type perAddressListener struct {
	net.Listener
	max int

	mu   sync.Mutex
	open map[string]int
}

// limitPerAddress wraps ln so that each client address holds at most max
// of its connections open at once.
func limitPerAddress(ln net.Listener, max int) net.Listener {
	return &perAddressListener{Listener: ln, max: max, open: make(map[string]int)}
}

// Accept returns the next connection whose address has a place free.
func (l *perAddressListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := ratelimit.ClientKey(c.RemoteAddr().String())
		if l.take(key) {
			return &addressConn{Conn: c, release: func() { l.release(key) }}, nil
		}
		c.Close()
	}
}

func (l *perAddressListener) take(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key] >= l.max {
		return false
	}
	l.open[key]++
	return true
}

func (l *perAddressListener) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key]--; l.open[key] <= 0 {
		delete(l.open, key)
	}
}

// addressConn frees its address's place when it is first closed.
type addressConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *addressConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
