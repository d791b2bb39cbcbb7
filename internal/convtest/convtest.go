// Package convtest is the live conversations' tests' client: a visitor on
// an account's widget, sending over HTTP and following its conversation's
// event stream, as docs/conversations.md describes them.
package convtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/apitest"
)

// Visitor is one visitor's conversation on a widget of the server at Base.
type Visitor struct {
	Base, Key string
	ID, Token string
}

// Path is the conversation's path under the widget, with suffix.
func (v *Visitor) Path(suffix string) string {
	return v.Base + "/api/v2/chat/widget/" + v.Key + "/conversations/" + v.ID + suffix
}

// Call sends a request with the visitor's token (token "" sends none) and
// returns the status and body.
func Call(t testing.TB, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, b := apitest.Do(t, req)
	return resp.StatusCode, b
}

// Clock is a clock that moves only when told.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a Clock at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Start starts a conversation on the widget with the key.
func Start(t testing.TB, base, key, name string) *Visitor {
	t.Helper()
	status, b := Call(t, "POST", base+"/api/v2/chat/widget/"+key+"/conversations", "", map[string]any{"visitor": map[string]any{"name": name}})
	var out struct {
		Conversation chatlift.Conversation `json:"conversation"`
		Token        string                `json:"token"`
	}
	if status != http.StatusCreated || json.Unmarshal(b, &out) != nil || out.Token == "" {
		t.Fatalf("start a conversation: %d %s", status, b)
	}
	return &Visitor{Base: base, Key: key, ID: out.Conversation.ID, Token: out.Token}
}

// Send sends one message and returns the status and the message stored.
func (v *Visitor) Send(t testing.TB, clientID, msg string) (int, *chatlift.ConversationMessage) {
	t.Helper()
	status, b := Call(t, "POST", v.Path("/messages"), v.Token, map[string]any{"client_message_id": clientID, "msg": msg})
	var out struct {
		Message *chatlift.ConversationMessage `json:"message"`
	}
	json.Unmarshal(b, &out)
	return status, out.Message
}

// MustSend is Send that fails the test unless the message is new (201).
func (v *Visitor) MustSend(t testing.TB, clientID, msg string) *chatlift.ConversationMessage {
	t.Helper()
	status, m := v.Send(t, clientID, msg)
	if status != http.StatusCreated || m == nil {
		t.Fatalf("send %s: %d", clientID, status)
	}
	return m
}

// Event is one server-sent event.
type Event struct {
	ID, Name string
	Data     []byte
}

// Seq is the event's id as a sequence number, 0 if it has none.
func (e Event) Seq() int64 {
	n, _ := strconv.ParseInt(e.ID, 10, 64)
	return n
}

// Message decodes a message event.
func (e Event) Message(t testing.TB) *chatlift.ConversationMessage {
	t.Helper()
	var m chatlift.ConversationMessage
	if err := json.Unmarshal(e.Data, &m); err != nil {
		t.Fatalf("event %s %s: %v", e.Name, e.Data, err)
	}
	return &m
}

// Stream is an open event stream; its events arrive on a channel closed
// when the server ends the stream.
type Stream struct {
	Status int
	events chan Event
	cancel context.CancelFunc
}

// Follow opens the conversation's event stream after lastID (0: from the
// start), sending it as Last-Event-ID. A refusal has its Status and no
// events.
func (v *Visitor) Follow(t testing.TB, lastID int64) *Stream {
	t.Helper()
	return Open(t, v.Path("/events"), v.Token, lastID)
}

// Open opens an event stream at url with the bearer token.
func Open(t testing.TB, url, token string, lastID int64) *Stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID > 0 {
		req.Header.Set("Last-Event-ID", fmt.Sprint(lastID))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &Stream{Status: resp.StatusCode, events: make(chan Event, 1024), cancel: cancel}
	t.Cleanup(s.Close)
	go s.read(resp)
	return s
}

func (s *Stream) read(resp *http.Response) {
	defer close(s.events)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return
	}
	sc := bufio.NewScanner(resp.Body)
	var e Event
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if e.Name != "" {
				s.events <- e
			}
			e = Event{}
		case strings.HasPrefix(line, "id: "):
			e.ID = line[4:]
		case strings.HasPrefix(line, "event: "):
			e.Name = line[7:]
		case strings.HasPrefix(line, "data: "):
			e.Data = []byte(line[6:])
		}
	}
}

// Close drops the stream.
func (s *Stream) Close() { s.cancel() }

// Next returns the next event; ok is false once the server ended the
// stream. It fails the test after within.
func (s *Stream) Next(t testing.TB, within time.Duration) (e Event, ok bool) {
	t.Helper()
	select {
	case e, ok = <-s.events:
		return e, ok
	case <-time.After(within):
		t.Fatalf("no event and no end of the stream within %s", within)
	}
	return Event{}, false
}

// Until reads message events up to and including sequence number seq and
// returns them; it fails the test if the stream ends first.
func (s *Stream) Until(t testing.TB, seq int64, within time.Duration) []*chatlift.ConversationMessage {
	t.Helper()
	got, ended := s.UpTo(t, seq, within)
	if ended {
		t.Fatalf("the stream ended after %d messages, before message %d", len(got), seq)
	}
	return got
}

// UpTo is Until that reports a stream the server ended first (ended true)
// instead of failing.
func (s *Stream) UpTo(t testing.TB, seq int64, within time.Duration) (got []*chatlift.ConversationMessage, ended bool) {
	t.Helper()
	for {
		e, ok := s.Next(t, within)
		if !ok {
			return got, true
		}
		if e.Name != "message" {
			continue
		}
		m := e.Message(t)
		got = append(got, m)
		if m.Seq >= seq {
			return got, false
		}
	}
}

// Ended waits until the server ends the stream and returns the events
// left on it.
func (s *Stream) Ended(t testing.TB, within time.Duration) []Event {
	t.Helper()
	var rest []Event
	for {
		e, ok := s.Next(t, within)
		if !ok {
			return rest
		}
		rest = append(rest, e)
	}
}
