package main_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/chatlift/chatlift/internal/convtest"
)

// TestConversationSurvivesCrash holds a live conversation on the real
// program while its account's cutover is killed (kill -9 by an injected
// fault) after the conversations were copied and before the switch; after
// a restart the upgrade completes, the visitor's stream resumed with
// Last-Event-ID gets exactly the messages it missed, and the conversation's
// chat on the platform holds the whole history.
func TestConversationSurvivesCrash(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, "--data", data, "--fault-injection", "--operator-token", "op-e2e", "--worker-processes", "0") // the crash is serve's
	s.waitHealthy(t, 20*time.Second)
	op := "Bearer op-e2e"
	var creds fullCredentials
	if err := jsonFile(filepath.Join(data, "demo-credentials.json"), &creds); err != nil {
		t.Fatal(err)
	}
	acct := creds[1]
	var widget struct {
		WidgetKey string `json:"widget_key"`
	}
	api(t, "GET", s.url+"/api/v2/chat/widget", "Bearer "+acct.ChatAccessToken, nil, http.StatusOK, &widget)
	v := convtest.Start(t, s.url, widget.WidgetKey, "Mika 🌸")
	v.MustSend(t, "v1", "before the upgrade")
	answer := func(s *server, token, clientID, msg string) {
		t.Helper()
		api(t, "POST", s.url+"/api/v2/chat/conversations/"+v.ID+"/messages", "Bearer "+token,
			map[string]any{"client_message_id": clientID, "msg": msg}, http.StatusCreated, nil)
	}
	answer(s, acct.ChatAccessToken, "a1", "hello from the legacy product")
	stream := v.Follow(t, 0)
	stream.Until(t, 2, 10*time.Second)

	api(t, "POST", s.url+"/api/ops/faults", op, map[string]any{"account_id": acct.AccountID, "step": "switch_chat", "mode": "crash"}, http.StatusCreated, nil)
	var u upgradeBody
	api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": acct.AccountID}, http.StatusCreated, &u)
	waitState(t, s, op, u.Upgrade.ID, "scheduled", 20*time.Second)
	api(t, "POST", s.url+"/api/ops/upgrades/"+u.Upgrade.ID+"/run-now", op, nil, http.StatusOK, nil)
	select {
	case <-s.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("the injected crash did not kill serve\n%s", s.stderr)
	}
	stream.Ended(t, 10*time.Second)

	s = startServe(t, "--data", data, "--operator-token", "op-e2e")
	s.waitHealthy(t, 20*time.Second)
	waitState(t, s, op, u.Upgrade.ID, "completed", 90*time.Second)
	v.Base = s.url
	v.MustSend(t, "v2", "after the upgrade")
	client := acct.OAuthClients[0]
	cfg := oauth2.Config{ClientID: client.ClientIdentifier, ClientSecret: client.ClientSecret, Scopes: []string{"read", "write"},
		Endpoint: oauth2.Endpoint{TokenURL: s.url + "/oauth2/chat/token", AuthStyle: oauth2.AuthStyleInHeader}}
	tok, err := cfg.PasswordCredentialsToken(context.Background(), acct.ChatOwnerEmail, acct.ChatOwnerPassword)
	if err != nil {
		t.Fatalf("re-authorize on the platform: %v", err)
	}
	answer(s, tok.AccessToken, "a2", "hello from the platform")
	var got []int64
	for _, m := range v.Follow(t, 2).Until(t, 4, 10*time.Second) {
		got = append(got, m.Seq)
	}
	if !slices.Equal(got, []int64{3, 4}) {
		t.Fatalf("resumed after message 2: %v, want exactly 3 and 4", got)
	}
	api(t, "POST", s.url+"/api/v2/chat/conversations/"+v.ID+"/end", "Bearer "+tok.AccessToken, nil, http.StatusOK, nil)
	var chat struct {
		History []struct {
			Msg string `json:"msg"`
		} `json:"history"`
	}
	api(t, "GET", s.url+"/api/v2/chat/chats/"+v.ID, "Bearer "+tok.AccessToken, nil, http.StatusOK, &chat)
	var texts []string
	for _, m := range chat.History {
		texts = append(texts, m.Msg)
	}
	want := []string{"before the upgrade", "hello from the legacy product", "after the upgrade", "hello from the platform", ""}
	if !slices.Equal(texts, want) {
		t.Fatalf("the conversation's chat on the platform holds %q, want %q", texts, want)
	}
}
