package convapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/conversation"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/httpapi/convapi"
	"github.com/chatlift/chatlift/internal/apitest"
	"github.com/chatlift/chatlift/internal/convtest"
)

// fixture is the conversations' API over two seeded accounts' stores, on
// a clock that stands still unless a test moves it.
type fixture struct {
	*apitest.Env
	url   string
	key   string // account 1's widget key
	agent string // a chat API token of account 1's owner
	api   *convapi.API
}

const within = 10 * time.Second

func setup(t *testing.T, configure ...func(*convapi.API)) *fixture {
	t.Helper()
	e := apitest.Setup(t, 2, 1)
	clk := convtest.NewClock(time.Now().UTC())
	f := &fixture{Env: e, agent: e.Creds[0].ChatAccessToken}
	f.api = &convapi.API{Auth: &api.ChatAuth[convapi.Store]{Homes: &chathome.Router[convapi.Store]{Legacy: e.Legacy, Platform: e.Platform, Imports: e.Platform},
		Logger: slog.New(slog.DiscardHandler)}, Service: &conversation.Service{Hub: &conversation.Hub{}, Now: clk.Now},
		Logger: slog.New(slog.DiscardHandler), Now: clk.Now, PollInterval: 50 * time.Millisecond}
	for _, c := range configure {
		c(f.api)
	}
	mux := http.NewServeMux()
	f.api.Routes(func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, h) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	f.key = f.widgetKey(t, f.agent)
	return f
}

// widgetKey asks the chat API for the account's widget key.
func (f *fixture) widgetKey(t *testing.T, token string) string {
	t.Helper()
	var out convapi.WidgetResponse
	f.Call(t, "GET", f.url+"/api/v2/chat/widget", token, nil, http.StatusOK, &out)
	return out.WidgetKey
}

func (f *fixture) start(t *testing.T) *convtest.Visitor {
	t.Helper()
	return convtest.Start(t, f.url, f.key, "Mika 🌸")
}

// answer sends an agent's message through the chat API.
func (f *fixture) answer(t *testing.T, v *convtest.Visitor, clientID, msg string) *chatlift.ConversationMessage {
	t.Helper()
	var out convapi.MessageResponse
	f.Call(t, "POST", f.url+"/api/v2/chat/conversations/"+v.ID+"/messages", f.agent,
		map[string]any{"client_message_id": clientID, "msg": msg}, http.StatusCreated, &out)
	return out.Message
}

func (f *fixture) setState(t *testing.T, state string) {
	t.Helper()
	if _, err := f.Legacy.SetChatAccountState(context.Background(), 1, state); err != nil {
		t.Fatal(err)
	}
}
