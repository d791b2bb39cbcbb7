package mailer_test

import (
	"bufio"
	"encoding/base64"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// smtpServer is a minimal SMTP server on 127.0.0.1 for tests: it speaks
// EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP and QUIT, keeps what it
// accepts, and can be told to refuse the next messages temporarily.
type smtpServer struct {
	ln         net.Listener
	user, pass string

	mu       sync.Mutex
	messages []received
	failNext int // answer 451 to this many DATA commands
	wg       sync.WaitGroup
}

// received is one accepted message.
type received struct {
	From string
	To   []string
	Data string
}

func startSMTP(t *testing.T, user, pass string) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, user: user, pass: pass}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(conn)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *smtpServer) addr() string { return s.ln.Addr().String() }

func (s *smtpServer) failNextMessages(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.messages...)
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	reply := func(format string, args ...any) bool { return tp.PrintfLine(format, args...) == nil }
	reply("220 test.localhost ESMTP")
	var cur received
	authed := s.user == ""
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-test.localhost\r\n250-AUTH PLAIN\r\n250 8BITMIME")
		case "HELO", "NOOP":
			reply("250 OK")
		case "AUTH":
			authed = s.auth(tp, arg)
			if authed {
				reply("235 2.7.0 Authentication successful")
			} else {
				reply("535 5.7.8 Authentication credentials invalid")
			}
		case "MAIL":
			if !authed {
				reply("530 5.7.0 Authentication required")
				continue
			}
			cur = received{From: arg}
			reply("250 OK")
		case "RCPT":
			cur.To = append(cur.To, arg)
			reply("250 OK")
		case "DATA":
			reply("354 End data with <CR><LF>.<CR><LF>")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data = string(data)
			reply("%s", s.accept(cur))
		case "RSET":
			cur = received{}
			reply("250 OK")
		case "QUIT":
			reply("221 Bye")
			return
		default:
			reply("502 5.5.2 Command not recognized")
		}
	}
}

func (s *smtpServer) auth(tp *textproto.Conn, arg string) bool {
	mech, resp, _ := strings.Cut(arg, " ")
	if !strings.EqualFold(mech, "PLAIN") {
		return false
	}
	if resp == "" {
		tp.PrintfLine("334 ")
		var err error
		if resp, err = tp.ReadLine(); err != nil {
			return false
		}
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	parts := strings.Split(string(raw), "\x00")
	return err == nil && len(parts) == 3 && parts[1] == s.user && parts[2] == s.pass
}

// accept keeps the message unless told to fail it, and returns the reply.
func (s *smtpServer) accept(m received) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return "451 4.3.0 Try again later"
	}
	s.messages = append(s.messages, m)
	return "250 2.0.0 OK queued"
}

// header returns the value of a header of the message data.
func header(data, name string) string {
	r := textproto.NewReader(bufio.NewReader(strings.NewReader(data)))
	h, _ := r.ReadMIMEHeader()
	return h.Get(name)
}
