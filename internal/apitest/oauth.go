package apitest

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/oauthserver"
)

// RedirectURI is the redirect URI of the OAuth clients the tests register.
const RedirectURI = "https://app.example.test/callback"

// NewClient registers an OAuth client through the chat API with an owner's
// token; body adds to or overrides a confidential client for RedirectURI.
func (e *Env) NewClient(t *testing.T, token string, body map[string]any) *oauthserver.OAuthClient {
	t.Helper()
	req := map[string]any{"name": "CRM ☎", "company": "Acme", "redirect_uris": []string{RedirectURI}}
	for k, v := range body {
		req[k] = v
	}
	var c oauthserver.OAuthClient
	e.Call(t, "POST", "/api/v2/chat/oauth/clients", token, req, http.StatusCreated, &c)
	return &c
}

// Server starts a second server over e's stores, changed by change, and
// returns its base URL.
func (e *Env) Server(t *testing.T, change func(*httpapi.Server)) string {
	t.Helper()
	srv := &httpapi.Server{Logger: slog.New(slog.DiscardHandler), Ready: func(context.Context) error { return nil },
		Legacy: e.Legacy, Platform: e.Platform, Registry: prometheus.NewRegistry()}
	change(srv)
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv.URL()
}
