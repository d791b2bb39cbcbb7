package main_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestCLIRevert reverts an upgrade through the CLI on the real program:
// the platform's tokens stop working, agents re-authorize on the legacy
// product with the clients it kept, the account is upgraded again, and a
// finished upgrade refuses a revert.
func TestCLIRevert(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, "--data", data, "--operator-token", "op-rev")
	s.waitHealthy(t, 20*time.Second)
	op := "Bearer op-rev"
	up := func(args ...string) run {
		t.Helper()
		return runCLI(t, append(append([]string{"upgrade"}, args...), "--server", s.url, "--operator-token", "op-rev")...)
	}
	var creds fullCredentials
	if err := jsonFile(filepath.Join(data, "demo-credentials.json"), &creds); err != nil {
		t.Fatal(err)
	}
	acct := creds[1]
	client := acct.OAuthClients[0]
	token := func() string { // an agent's (re-)authorization
		t.Helper()
		cfg := oauth2.Config{ClientID: client.ClientIdentifier, ClientSecret: client.ClientSecret, Scopes: []string{"read"},
			Endpoint: oauth2.Endpoint{TokenURL: s.url + "/oauth2/chat/token", AuthStyle: oauth2.AuthStyleInHeader}}
		tok, err := cfg.PasswordCredentialsToken(context.Background(), acct.ChatOwnerEmail, acct.ChatOwnerPassword)
		if err != nil {
			t.Fatalf("authorize: %v", err)
		}
		return "Bearer " + tok.AccessToken
	}
	upgraded := func() string {
		t.Helper()
		id := up("request", "--account", fmt.Sprint(acct.AccountID)).want(t, 0, `^request accepted: (upg_\w+)`)[1]
		waitState(t, s, op, id, "scheduled", 20*time.Second)
		up("run-now", id).want(t, 0, `^run-now accepted`)
		waitState(t, s, op, id, "completed", 90*time.Second)
		return id
	}
	id := upgraded()
	platformToken := token()
	api(t, "GET", s.url+"/api/v2/chat/account", platformToken, nil, http.StatusOK, nil)

	t.Run("Revert", func(t *testing.T) {
		up("revert", id).want(t, 0, `^revert accepted: `+id+` \(account \d+\) is (reverting|reverted)\n$`)
		done := waitState(t, s, op, id, "reverted", 60*time.Second)
		if done.Upgrade.Error != "" {
			t.Fatalf("reverted with error %q", done.Upgrade.Error)
		}
		up("show", id).want(t, 0, `(?s)reverted +\d{4}-.*revert downtime +\d+ ms\n.*revert verification +passed, \d+ rows.*revert_switch_back +done`)
	})
	t.Run("PlatformTokensRefused", func(t *testing.T) {
		api(t, "GET", s.url+"/api/v2/chat/account", platformToken, nil, http.StatusUnauthorized, nil)
	})
	t.Run("AgentsReauthorize", func(t *testing.T) {
		var account struct{ State string }
		api(t, "GET", s.url+"/api/v2/chat/account", token(), nil, http.StatusOK, &account)
		if account.State != "active" {
			t.Fatalf("the legacy account is %q", account.State)
		}
	})
	t.Run("UpgradedAgainThenFinished", func(t *testing.T) {
		again := upgraded()
		up("finish", again).want(t, 0, `^finish accepted: `+again+` \(account \d+\) is completed \(legacy copy retired\)\n$`)
		up("revert", again).want(t, 1, `revert refused: `)
		up("show", again).want(t, 0, `legacy copy +retired \d{4}-`)
	})
}
