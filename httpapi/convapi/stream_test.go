package convapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/httpapi/convapi"
	"github.com/chatlift/chatlift/internal/convtest"
)

func TestEvents(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t.Run("Resume", func(t *testing.T) {
		v := f.start(t)
		s := v.Follow(t, 0)
		v.MustSend(t, "c1", "hello")
		f.answer(t, v, "a1", "hi")
		if got := s.Until(t, 2, within); len(got) != 2 || got[0].Msg != "hello" || got[1].Msg != "hi" {
			t.Fatalf("live messages: %+v", got)
		}
		s.Close()
		missed := []*chatlift.ConversationMessage{v.MustSend(t, "c2", "are you there?"), f.answer(t, v, "a2", "yes")}
		resumed := v.Follow(t, 2)
		got := resumed.Until(t, 4, within)
		if len(got) != 2 || got[0].Seq != missed[0].Seq || got[1].Seq != missed[1].Seq {
			t.Fatalf("resumed after 2: %+v, want exactly messages 3 and 4", got)
		}
		resumed.Close()
		for deadline := time.Now().Add(within); f.api.Service.Hub.Waiting() > 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the streams' hub keys outlive the streams")
			}
		}
	})
	t.Run("End", func(t *testing.T) {
		v := f.start(t)
		v.MustSend(t, "c1", "bye")
		s := v.Follow(t, 0)
		convtest.Call(t, "POST", v.Path("/end"), v.Token, nil)
		rest := s.Ended(t, within)
		last := rest[len(rest)-1]
		if len(rest) != 3 || rest[1].Seq() != 2 || last.Name != "end" || last.ID != "" {
			t.Fatalf("events: %+v, want message 1, the leave message 2 and end", rest)
		}
		var c chatlift.Conversation
		if err := json.Unmarshal(last.Data, &c); err != nil || c.State != chatlift.ConversationEnded || c.EndedBy != chatlift.EndedByVisitor {
			t.Fatalf("end event: %s", last.Data)
		}
		ch, err := f.Legacy.Chat(context.Background(), 1, v.ID)
		if err != nil || len(ch.History) != 2 || ch.History[0].Msg != "bye" {
			t.Fatalf("the conversation's chat: %+v, %v", ch, err)
		}
	})
	t.Run("Agent", func(t *testing.T) {
		v := f.start(t)
		s := convtest.Open(t, f.url+"/api/v2/chat/conversations/"+v.ID+"/events", f.agent, 0)
		v.MustSend(t, "c1", "hello")
		if got := s.Until(t, 1, within); got[0].Msg != "hello" {
			t.Fatalf("agent's stream: %+v", got)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		v := f.start(t)
		req, _ := http.NewRequest("GET", v.Path("/events"), nil)
		req.Header.Set("Authorization", "Bearer "+v.Token)
		req.Header.Set("Last-Event-ID", "-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("Last-Event-ID -1: %d, want 400", resp.StatusCode)
		}
	})
}

// TestFrozen: while the account is frozen widget requests answer 503 with
// Retry-After and a stream ends, so that its client reconnects to where
// the account's chat lives next.
func TestFrozen(t *testing.T) {
	t.Parallel()
	f := setup(t)
	v := f.start(t)
	v.MustSend(t, "c1", "hello")
	s := v.Follow(t, 0)
	s.Until(t, 1, within)
	f.setState(t, chatlift.ChatAccountMaintenance)
	if rest := s.Ended(t, within); len(rest) != 0 {
		t.Fatalf("events after the freeze: %+v", rest)
	}
	h := f.Call(t, "POST", v.Path("/messages"), v.Token, map[string]any{"client_message_id": "c2", "msg": "hm"}, http.StatusServiceUnavailable, nil)
	if h.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	if refused := v.Follow(t, 1); refused.Status != http.StatusServiceUnavailable {
		t.Fatalf("stream while frozen: %d", refused.Status)
	}
	f.setState(t, chatlift.ChatAccountActive)
	v.MustSend(t, "c2", "back")
	if got := v.Follow(t, 1).Until(t, 2, within); len(got) != 1 || got[0].Msg != "back" {
		t.Fatalf("after the freeze: %+v", got)
	}
}

func TestAgents(t *testing.T) {
	t.Parallel()
	f := setup(t)
	v := f.start(t)
	ended := f.start(t)
	f.Call(t, "POST", f.url+"/api/v2/chat/conversations/"+ended.ID+"/end", f.agent, nil, http.StatusOK, nil)
	t.Run("List", func(t *testing.T) {
		var open, all convapi.ListResponse
		f.Call(t, "GET", f.url+"/api/v2/chat/conversations", f.agent, nil, http.StatusOK, &open)
		f.Call(t, "GET", f.url+"/api/v2/chat/conversations?state=all", f.agent, nil, http.StatusOK, &all)
		if len(open.Conversations) != 1 || open.Conversations[0].ID != v.ID || len(all.Conversations) != 2 {
			t.Fatalf("%d open, %d in all", len(open.Conversations), len(all.Conversations))
		}
		f.Call(t, "GET", f.url+"/api/v2/chat/conversations?state=nope", f.agent, nil, http.StatusBadRequest, nil)
	})
	t.Run("EndedByAgent", func(t *testing.T) {
		c, err := f.Legacy.Conversation(context.Background(), 1, ended.ID)
		if err != nil || c.EndedBy != chatlift.EndedByAgent {
			t.Fatalf("%+v, %v", c, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		f.Call(t, "GET", f.url+"/api/v2/chat/conversations/"+v.ID, f.Creds[1].ChatAccessToken, nil, http.StatusNotFound, nil)
		f.Call(t, "GET", f.url+"/api/v2/chat/conversations/cv_missing", f.agent, nil, http.StatusNotFound, nil)
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		f.Call(t, "GET", f.url+"/api/v2/chat/conversations/"+v.ID, v.Token, nil, http.StatusUnauthorized, nil)
	})
}

// TestRateLimit: past its allowance a client address answers 429 with
// Retry-After on that widget only.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := setup(t, func(a *convapi.API) { a.VisitorRequestsPerMinute = 1 })
	v := f.start(t)
	for i := 1; i < convapi.VisitorBurst; i++ {
		v.Send(t, "c1", "hi")
	}
	h := f.Call(t, "POST", v.Path("/messages"), v.Token, map[string]any{"client_message_id": "c1", "msg": "hi"}, http.StatusTooManyRequests, nil)
	if h.Get("Retry-After") != "60" {
		t.Fatalf("Retry-After %q, want 60", h.Get("Retry-After"))
	}
	other := f.widgetKey(t, f.Creds[1].ChatAccessToken)
	convtest.Start(t, f.url, other, "on another widget")
}

// TestAccountEvents: agents follow the account's conversations as they
// change; a stream resumed with Last-Event-ID gets each conversation
// changed since, once, in the order of their last changes.
func TestAccountEvents(t *testing.T) {
	t.Parallel()
	f := setup(t)
	url := f.url + "/api/v2/chat/conversations/events"
	a := f.start(t)
	s := convtest.Open(t, url, f.agent, 0)
	first := conversationEvent(t, s)
	if first.ID != a.ID || first.State != chatlift.ConversationOpen {
		t.Fatalf("first event: %+v", first)
	}
	a.MustSend(t, "c1", "hello")
	seen := conversationEvent(t, s)
	if seen.ID != a.ID || seen.LastSeq != 1 {
		t.Fatalf("after a message: %+v", seen)
	}
	s.Close()
	b := f.start(t)
	f.answer(t, a, "a1", "hi")
	resumed := convtest.Open(t, url, f.agent, seen.ChangeSeq)
	if got := []string{conversationEvent(t, resumed).ID, conversationEvent(t, resumed).ID}; got[0] != b.ID || got[1] != a.ID {
		t.Fatalf("resumed: %v, want %s then %s", got, b.ID, a.ID)
	}
	if status := convtest.Open(t, url, a.Token, 0).Status; status != http.StatusUnauthorized {
		t.Fatalf("a visitor's token on the agents' stream: %d", status)
	}
}

func conversationEvent(t *testing.T, s *convtest.Stream) *chatlift.Conversation {
	t.Helper()
	e, ok := s.Next(t, within)
	if !ok || e.Name != "conversation" {
		t.Fatalf("event %+v (stream open %v), want a conversation", e, ok)
	}
	var c chatlift.Conversation
	if err := json.Unmarshal(e.Data, &c); err != nil || e.Seq() != c.ChangeSeq {
		t.Fatalf("event id %s for %s: %v", e.ID, e.Data, err)
	}
	return &c
}

// TestHeld: a visitor's send and stream while the account is frozen wait
// for the freeze to end (chathome.Hold), then are served; nothing is sent
// twice.
func TestHeld(t *testing.T) {
	t.Parallel()
	var hold *chathome.Hold
	f := setup(t, func(a *convapi.API) {
		hold = &chathome.Hold{Accounts: a.Auth.Homes.Legacy, Limits: chathome.HoldLimits{For: within}}
		a.Auth.Homes.Hold = hold
	})
	waiting := hold.Collectors()[5].(prometheus.Gauge)
	v := f.start(t)
	v.MustSend(t, "c1", "hello")
	f.setState(t, chatlift.ChatAccountMaintenance)
	type sent struct {
		status int
		msg    *chatlift.ConversationMessage
	}
	done := make(chan sent, 1)
	go func() {
		status, msg := v.Send(t, "c2", "held")
		done <- sent{status, msg}
	}()
	deadline := time.Now().Add(within)
	for testutil.ToFloat64(waiting) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the send was not held")
		}
		time.Sleep(5 * time.Millisecond)
	}
	f.setState(t, chatlift.ChatAccountActive)
	got := <-done
	if got.status != http.StatusCreated || got.msg == nil || got.msg.Seq != 2 {
		t.Fatalf("held send answered %d %+v, want message 2 created", got.status, got.msg)
	}
	if status, again := v.Send(t, "c2", "held"); status != http.StatusOK || again == nil || again.Seq != 2 {
		t.Fatalf("the held send, retried, answered %d %+v, want message 2 again", status, again)
	}
}
