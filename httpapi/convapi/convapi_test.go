package convapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/convapi"
	"github.com/chatlift/chatlift/internal/convtest"
)

func TestStart(t *testing.T) {
	t.Parallel()
	f := setup(t)
	path := func(key string) string { return f.url + "/api/v2/chat/widget/" + key + "/conversations" }
	t.Run("OK", func(t *testing.T) {
		var out convapi.StartResponse
		f.Call(t, "POST", path(f.key), "", map[string]any{"visitor": map[string]any{"name": "Mika", "email": "mika@example.test"}}, http.StatusCreated, &out)
		c := out.Conversation
		if !strings.HasPrefix(c.ID, chatlift.ConversationIDPrefix) || c.State != chatlift.ConversationOpen || len(out.Token) < 40 || c.Visitor.Name != "Mika" {
			t.Fatalf("started: %+v, token %q", c, out.Token)
		}
		if f.widgetKey(t, f.agent) != f.key {
			t.Fatal("asking again gave another widget key")
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		f.Call(t, "POST", path("wk_nope"), "", map[string]any{}, http.StatusNotFound, nil)
		f.Call(t, "POST", path("bad%20key"), "", map[string]any{}, http.StatusNotFound, nil)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		f.Call(t, "POST", path(f.key), "", map[string]any{"visitor": map[string]any{"email": "not an email"}}, http.StatusBadRequest, nil)
		f.Call(t, "POST", path(f.key), "", map[string]any{"visitor": map[string]any{"name": strings.Repeat("n", 256)}}, http.StatusBadRequest, nil)
		f.Call(t, "POST", path(f.key), "", map[string]any{"color": "red"}, http.StatusBadRequest, nil)
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		body := []byte(`{"visitor": {"name": "` + strings.Repeat(" ", convapi.MaxVisitorBodyBytes) + `"}}`)
		f.Call(t, "POST", path(f.key), "", body, http.StatusRequestEntityTooLarge, nil)
	})
}

func TestSend(t *testing.T) {
	t.Parallel()
	f := setup(t)
	v := f.start(t)
	t.Run("OK", func(t *testing.T) {
		m1 := v.MustSend(t, "c1", "hello")
		reply := f.answer(t, v, "a1", "Hi, Ann here")
		if m1.Seq != 1 || m1.SenderType != chatlift.SenderVisitor || reply.Seq != 2 || reply.AgentID == nil {
			t.Fatalf("messages %+v and %+v", m1, reply)
		}
	})
	t.Run("Retried", func(t *testing.T) {
		status, again := v.Send(t, "c1", "hello (sent again)")
		if status != http.StatusOK || again.Seq != 1 || again.Msg != "hello" {
			t.Fatalf("retried send: %d %+v, want 200 with the first message", status, again)
		}
		var out convapi.ConversationResponse
		f.Call(t, "GET", f.url+"/api/v2/chat/conversations/"+v.ID, f.agent, nil, http.StatusOK, &out)
		if len(out.Messages) != 2 || out.Conversation.LastSeq != 2 {
			t.Fatalf("after a retried send: %d messages, last seq %d; want 2 and 2", len(out.Messages), out.Conversation.LastSeq)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for name, body := range map[string]map[string]any{
			"empty":       {"client_message_id": "c9", "msg": "  "},
			"no id":       {"msg": "hi"},
			"bad id":      {"client_message_id": "c 9", "msg": "hi"},
			"too long":    {"client_message_id": "c9", "msg": strings.Repeat("あ", chatlift.MaxConversationMessageBytes/3+1)},
			"wrong field": {"client_message_id": "c9", "msg": "hi", "sender_type": "Agent"},
		} {
			if status, _ := convtest.Call(t, "POST", v.Path("/messages"), v.Token, body); status != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", name, status)
			}
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		if status, _ := convtest.Call(t, "POST", v.Path("/end"), v.Token, nil); status != http.StatusOK {
			t.Fatalf("end: %d", status)
		}
		if status, _ := v.Send(t, "c2", "still there?"); status != http.StatusConflict {
			t.Fatalf("send after the end: %d, want 409", status)
		}
	})
}

// TestConcurrentSenders: a visitor and agents sending at once get every
// sequence number once, without gaps, and every send is kept once.
func TestConcurrentSenders(t *testing.T) {
	t.Parallel()
	f := setup(t, func(a *convapi.API) { a.Now, a.VisitorRequestsPerMinute = time.Now, 1_000_000 })
	v := f.start(t)
	const senders, each = 6, 8
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			for j := range each {
				id := fmt.Sprintf("s%d-%d", i, j)
				if i%2 == 0 {
					v.MustSend(t, id, "from the visitor")
					v.Send(t, id, "again") // a retry changes nothing
				} else {
					f.answer(t, v, id, "from an agent")
				}
			}
		})
	}
	wg.Wait()
	msgs, err := f.Legacy.ConversationMessages(context.Background(), 1, v.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != senders*each {
		t.Fatalf("%d messages, want %d", len(msgs), senders*each)
	}
	for i, m := range msgs {
		if m.Seq != int64(i+1) {
			t.Fatalf("message %d has seq %d", i, m.Seq)
		}
	}
}

// TestVisitorAuthorization sends the requests of docs/authorization.md's
// widget table with the conversation's token, another conversation's and
// none.
func TestVisitorAuthorization(t *testing.T) {
	t.Parallel()
	f := setup(t)
	other := f.start(t)
	requests := []struct{ method, suffix string }{{"GET", ""}, {"POST", "/messages"}, {"GET", "/events"}, {"POST", "/end"}}
	for _, r := range requests {
		v := f.start(t)
		body := map[string]any{"client_message_id": "c1", "msg": "hi"}
		if r.method == "GET" {
			body = nil
		}
		for token, want := range map[string]int{other.Token: http.StatusNotFound, "": http.StatusUnauthorized, f.agent: http.StatusNotFound} {
			if status, b := convtest.Call(t, r.method, v.Path(r.suffix), token, body); status != want {
				t.Errorf("%s %s with a foreign token: %d %s, want %d", r.method, r.suffix, status, b, want)
			}
		}
		if r.suffix == "/events" { // answered once the conversation has ended
			convtest.Call(t, "POST", v.Path("/end"), v.Token, nil)
		}
		if status, b := convtest.Call(t, r.method, v.Path(r.suffix), v.Token, body); status/100 != 2 {
			t.Errorf("%s %s with its token: %d %s", r.method, r.suffix, status, b)
		}
	}
	t.Run("OtherAccountsKey", func(t *testing.T) {
		key := f.widgetKey(t, f.Creds[1].ChatAccessToken)
		moved := *other
		moved.Key = key
		if status, _ := convtest.Call(t, "GET", moved.Path(""), other.Token, nil); status != http.StatusNotFound {
			t.Fatalf("a conversation under another account's key: %d, want 404", status)
		}
	})
}

// TestCrossOrigin: a widget on the customer's site, another origin, may
// call the widget's endpoints; the agents' are not opened to other sites.
func TestCrossOrigin(t *testing.T) {
	t.Parallel()
	f := setup(t)
	v := f.start(t)
	t.Run("Preflight", func(t *testing.T) {
		req, _ := http.NewRequest("OPTIONS", v.Path("/messages"), nil)
		req.Header.Set("Origin", "https://shop.example.test")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Fatalf("preflight: %d %v", resp.StatusCode, h)
		}
	})
	t.Run("OK", func(t *testing.T) {
		h := f.Call(t, "GET", v.Path(""), v.Token, nil, http.StatusOK, nil)
		if h.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("headers %v", h)
		}
		h = f.Call(t, "GET", f.url+"/api/v2/chat/conversations", f.agent, nil, http.StatusOK, nil)
		if h.Get("Access-Control-Allow-Origin") != "" {
			t.Fatal("the agents' endpoints answer other sites")
		}
	})
}
