package httpapi_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift/httpapi"
)

// limited starts a server over e's stores with the limits and the
// operator's token, and returns its host:port.
func (e *env) limited(t *testing.T, l httpapi.Limits) string {
	t.Helper()
	url := e.Server(t, func(s *httpapi.Server) { s.Limits, s.OperatorToken = l, e.Op })
	return strings.TrimPrefix(url, "http://")
}

// dial opens a raw connection to addr and sends head, a request's start
// line and headers without the blank line that ends them.
func dial(t *testing.T, addr, head string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, head+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// closedWithin reads conn, skipping any answer, and reports whether the
// server closed it within d.
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) bool {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return true
}

// TestLimits checks that slow, idle and greedy clients cannot hold the
// server, with small limits so that it runs fast.
func TestLimits(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	for name, auth := range map[string]string{"SlowBodyCutOff": "\r\nAuthorization: Bearer " + e.Op, "SlowAnonymousBodyCutOff": ""} {
		t.Run(name, func(t *testing.T) {
			addr := e.limited(t, httpapi.Limits{ReadTimeout: 300 * time.Millisecond})
			conn := dial(t, addr, "PUT /api/ops/import/settings HTTP/1.1\r\nHost: x\r\nContent-Length: 1000"+auth)
			go func() { // one byte every 50 ms: the body would take 50 s
				tick := time.NewTicker(50 * time.Millisecond)
				defer tick.Stop()
				for range tick.C {
					if _, err := conn.Write([]byte(" ")); err != nil {
						return
					}
				}
			}()
			start := time.Now()
			if !closedWithin(t, conn, 5*time.Second) {
				t.Fatal("a body sent at 20 bytes/s still held its connection after 5 s; ReadTimeout is 300 ms")
			}
			t.Logf("cut off after %s", time.Since(start).Round(time.Millisecond))
		})
	}
	t.Run("IdleClosed", func(t *testing.T) {
		addr := e.limited(t, httpapi.Limits{IdleTimeout: 200 * time.Millisecond})
		conn := dial(t, addr, "GET /healthz HTTP/1.1\r\nHost: x")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Close {
			t.Fatalf("healthz = %d (close %t), want 200 kept alive", resp.StatusCode, resp.Close)
		}
		if !closedWithin(t, conn, 5*time.Second) {
			t.Fatal("an idle keep-alive connection was still open after 5 s; IdleTimeout is 200 ms")
		}
	})
	t.Run("HeaderTooLarge", func(t *testing.T) {
		addr := e.limited(t, httpapi.Limits{MaxHeaderBytes: 1 << 10})
		conn := dial(t, addr, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: "+strings.Repeat("p", 16<<10))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("16 KiB of headers = %d, want 431", resp.StatusCode)
		}
	})
	t.Run("ConnectionsBeyondTheBoundWait", func(t *testing.T) {
		addr := e.limited(t, httpapi.Limits{MaxConnections: 2})
		var held []net.Conn
		for range 2 { // two kept-alive connections take both places
			conn := dial(t, addr, "GET /healthz HTTP/1.1\r\nHost: x")
			if _, err := http.ReadResponse(bufio.NewReader(conn), nil); err != nil {
				t.Fatal(err)
			}
			held = append(held, conn)
		}
		third := make(chan error, 1)
		go func() {
			client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
			resp, err := client.Get("http://" + addr + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			third <- err
		}()
		select {
		case err := <-third:
			t.Fatalf("a third connection was served while two held the bound (err %v)", err)
		case <-time.After(300 * time.Millisecond):
		}
		held[0].Close()
		select {
		case err := <-third:
			if err != nil {
				t.Fatalf("the waiting connection, once a place was free: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the waiting connection was not served within 5 s of a place freeing")
		}
	})
	t.Run("ConnectionsPerAddressBounded", func(t *testing.T) {
		addr := e.limited(t, httpapi.Limits{MaxConnectionsPerAddress: 2})
		var held []net.Conn
		for range 2 { // two kept-alive connections from 127.0.0.1 take its places
			held = append(held, served(t, dial(t, addr, "GET /healthz HTTP/1.1\r\nHost: x")))
		}
		if !closedWithin(t, dial(t, addr, "GET /healthz HTTP/1.1\r\nHost: x"), 5*time.Second) {
			t.Fatal("a third connection from the address was kept open; the bound is 2")
		}
		other := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
		conn, err := other.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		served(t, conn) // another address is served
		held[0].Close()
		deadline := time.Now().Add(5 * time.Second)
		for { // the place frees once the server sees the close
			conn := dial(t, addr, "GET /healthz HTTP/1.1\r\nHost: x")
			if _, err := http.ReadResponse(bufio.NewReader(conn), nil); err == nil {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("no place freed within 5 s of a connection closing: %v", err)
			}
			time.Sleep(10 * time.Millisecond) // poll interval
		}
	})
}

// served reads the answer to the request sent on conn and fails unless it
// is 200; it returns conn, kept alive.
func served(t *testing.T, conn net.Conn) net.Conn {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz = %d, want 200", resp.StatusCode)
	}
	return conn
}
