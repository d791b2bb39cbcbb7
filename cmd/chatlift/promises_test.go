package main_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

type fullCredentials []struct {
	AccountID         int64  `json:"account_id"`
	SupportOwnerEmail string `json:"support_owner_email"`
	SupportAPIToken   string `json:"support_api_token"`
	ChatOwnerEmail    string `json:"chat_owner_email"`
	ChatAccessToken   string `json:"chat_access_token"`
	ChatOwnerPassword string `json:"chat_owner_password"`
	OAuthClients      []struct {
		ClientIdentifier string `json:"client_identifier"`
		ClientSecret     string `json:"client_secret"`
		ClientType       string `json:"client_type"`
	} `json:"oauth_clients"`
}

type user struct {
	Email    string `json:"email"`
	Role     string `json:"role"`
	ChatRole string `json:"chat_role"`
	ChatOnly bool   `json:"chat_only"`
	Owner    bool   `json:"owner"`
}

// TestUpgradeKeepsPromises upgrades two demo accounts on the real program
// and checks, through the public APIs only, every promise the upgrade makes.
func TestUpgradeKeepsPromises(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, "--data", data, "--operator-token", "op-e2e")
	s.waitHealthy(t, 20*time.Second)
	op := "Bearer op-e2e"
	var creds fullCredentials
	if err := jsonFile(filepath.Join(data, "demo-credentials.json"), &creds); err != nil {
		t.Fatal(err)
	}
	differ, channels := creds[1], creds[0] // seed index 1: owners differ; index 0: Message channels
	basic := func(email, token string) string {
		req, _ := http.NewRequest("GET", "/", nil)
		req.SetBasicAuth(email+"/token", token)
		return req.Header.Get("Authorization")
	}
	admin := basic(differ.SupportOwnerEmail, differ.SupportAPIToken)

	var appsBefore, clientsBefore []map[string]any
	var apps struct {
		Installations []map[string]any `json:"installations"`
	}
	api(t, "GET", s.url+"/api/v2/apps/installations", admin, nil, http.StatusOK, &apps)
	appsBefore = apps.Installations
	api(t, "GET", s.url+"/api/v2/chat/oauth/clients", "Bearer "+differ.ChatAccessToken, nil, http.StatusOK, &clientsBefore)

	// Support keeps answering while the upgrades run.
	var supportOK, supportBad atomic.Int64
	stop := make(chan struct{})
	var hammer sync.WaitGroup
	hammer.Add(1)
	go func() {
		defer hammer.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			req, _ := http.NewRequest("GET", s.url+"/api/v2/tickets", nil)
			req.Header.Set("Authorization", admin)
			resp, err := http.DefaultClient.Do(req)
			if err == nil && resp.StatusCode == http.StatusOK {
				supportOK.Add(1)
			} else {
				supportBad.Add(1)
			}
			if err == nil {
				resp.Body.Close()
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()

	var first, second upgradeBody
	api(t, "POST", s.url+"/api/v2/upgrades", admin, nil, http.StatusCreated, &first) // the customer's own request
	api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": channels.AccountID}, http.StatusCreated, &second)
	for _, id := range []string{first.Upgrade.ID, second.Upgrade.ID} {
		waitState(t, s, op, id, "scheduled", 20*time.Second)
		api(t, "POST", s.url+"/api/ops/upgrades/"+id+"/run-now", op, nil, http.StatusOK, nil)
	}
	done := waitState(t, s, op, first.Upgrade.ID, "completed", 60*time.Second)
	waitState(t, s, op, second.Upgrade.ID, "completed", 60*time.Second)
	close(stop)
	hammer.Wait()

	t.Run("SupportNeverDown", func(t *testing.T) {
		if supportBad.Load() != 0 || supportOK.Load() == 0 {
			t.Fatalf("support API during the upgrades: %d ok, %d failed", supportOK.Load(), supportBad.Load())
		}
	})
	t.Run("ChatDowntimeRecorded", func(t *testing.T) {
		t.Logf("chat downtime %d ms", done.Upgrade.ChatDowntimeMS)
		if done.Upgrade.ChatDowntimeMS <= 0 || done.Upgrade.ChatDowntimeMS > 1000 {
			t.Fatalf("chat downtime %d ms", done.Upgrade.ChatDowntimeMS)
		}
	})
	t.Run("OwnersAndRoles", func(t *testing.T) {
		var resp struct{ Users []user }
		api(t, "GET", s.url+"/api/v2/users?per_page=100", admin, nil, http.StatusOK, &resp)
		byEmail := map[string]user{}
		for _, u := range resp.Users {
			key := strings.ToLower(u.Email)
			if _, dup := byEmail[key]; dup {
				t.Fatalf("two users with the email %s after the merge", u.Email)
			}
			byEmail[key] = u
		}
		so, co := byEmail[strings.ToLower(differ.SupportOwnerEmail)], byEmail[strings.ToLower(differ.ChatOwnerEmail)]
		if !so.Owner || so.Role != "admin" || so.ChatRole != "administrator" {
			t.Fatalf("support owner after the upgrade: %+v", so)
		}
		if co.Owner || co.Role != "admin" || co.ChatRole != "administrator" {
			t.Fatalf("chat owner after the upgrade: %+v", co)
		}
		chatOnly := 0
		for _, u := range resp.Users {
			if u.ChatOnly && u.ChatRole != "" && u.Role == "agent" {
				chatOnly++
			}
			if u.Role == "admin" && u.ChatRole != "administrator" {
				t.Fatalf("admin %s is not admin in chat", u.Email)
			}
		}
		if chatOnly == 0 {
			t.Fatal("no chat-only agent became a support user with chat access")
		}
	})
	t.Run("OldTokensRevokedClientsKept", func(t *testing.T) {
		api(t, "GET", s.url+"/api/v2/chat/account", "Bearer "+differ.ChatAccessToken, nil, http.StatusUnauthorized, nil)
		client := differ.OAuthClients[0]
		cfg := oauth2.Config{ClientID: client.ClientIdentifier, ClientSecret: client.ClientSecret, Scopes: []string{"read", "write"},
			Endpoint: oauth2.Endpoint{TokenURL: s.url + "/oauth2/chat/token", AuthStyle: oauth2.AuthStyleInHeader}}
		tok, err := cfg.PasswordCredentialsToken(context.Background(), differ.ChatOwnerEmail, differ.ChatOwnerPassword)
		if err != nil {
			t.Fatalf("new token through the OAuth flow: %v", err)
		}
		bearer := "Bearer " + tok.AccessToken
		var account struct{ State string }
		api(t, "GET", s.url+"/api/v2/chat/account", bearer, nil, http.StatusOK, &account)
		var clients []map[string]any
		api(t, "GET", s.url+"/api/v2/chat/oauth/clients", bearer, nil, http.StatusOK, &clients)
		if len(clients) != len(clientsBefore) || clients[0]["client_identifier"] != clientsBefore[0]["client_identifier"] {
			t.Fatalf("OAuth clients before %v, after %v", clientsBefore, clients)
		}
		var integrations []struct{ Enabled bool }
		api(t, "GET", s.url+"/api/v2/chat/integrations", bearer, nil, http.StatusOK, &integrations)
		for _, in := range integrations {
			if in.Enabled {
				t.Fatal("an integration still works after the upgrade")
			}
		}
	})
	t.Run("HistoryImportedAndVerified", func(t *testing.T) {
		v := done.Upgrade.Verification
		if v == nil || !v.Passed || v.Rows != done.Upgrade.Import.Total || v.Table("chats") == nil || v.Table("chats").SourceRows == 0 {
			t.Fatalf("verification %+v of import %+v", v, done.Upgrade.Import)
		}
		client := differ.OAuthClients[0]
		cfg := oauth2.Config{ClientID: client.ClientIdentifier, ClientSecret: client.ClientSecret, Scopes: []string{"read"},
			Endpoint: oauth2.Endpoint{TokenURL: s.url + "/oauth2/chat/token", AuthStyle: oauth2.AuthStyleInHeader}}
		tok, err := cfg.PasswordCredentialsToken(context.Background(), differ.ChatOwnerEmail, differ.ChatOwnerPassword)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		next := s.url + "/api/v2/chat/incremental/chats?start_time=0&limit=10"
		for {
			var page struct {
				Chats  []struct{ ID string }
				Count  int
				Next   string           `json:"next_page"`
				Import *json.RawMessage `json:"import"`
			}
			api(t, "GET", next, "Bearer "+tok.AccessToken, nil, http.StatusOK, &page)
			if page.Import != nil {
				t.Fatalf("a completed upgrade's chat API still reports an import: %s", *page.Import)
			}
			for _, c := range page.Chats {
				seen[c.ID] = true
			}
			if page.Count < 10 {
				break
			}
			next = page.Next
		}
		if int64(len(seen)) != v.Table("chats").SourceRows {
			t.Fatalf("the platform exports %d chats; the legacy account had %d", len(seen), v.Table("chats").SourceRows)
		}
	})
	t.Run("AppsKept", func(t *testing.T) {
		api(t, "GET", s.url+"/api/v2/apps/installations", admin, nil, http.StatusOK, &apps)
		if len(apps.Installations) != len(appsBefore) || len(appsBefore) == 0 {
			t.Fatalf("apps before %d, after %d", len(appsBefore), len(apps.Installations))
		}
	})
	t.Run("TasksListIntegrationsAndMessage", func(t *testing.T) {
		var u struct {
			Upgrade struct {
				PostTasks []struct {
					Key, Status string
					Details     []string
				} `json:"post_tasks"`
			}
		}
		api(t, "GET", s.url+"/api/v2/upgrades/"+first.Upgrade.ID, admin, nil, http.StatusOK, &u)
		for _, task := range u.Upgrade.PostTasks {
			if task.Key == "replace_integrations" && (task.Status != "todo" || len(task.Details) == 0) {
				t.Fatalf("integrations task: %+v", task)
			}
		}
		channelsAdmin := basic(channels.SupportOwnerEmail, channels.SupportAPIToken)
		api(t, "GET", s.url+"/api/v2/upgrades/"+second.Upgrade.ID, channelsAdmin, nil, http.StatusOK, &u)
		found := false
		for _, task := range u.Upgrade.PostTasks {
			found = found || task.Key == "reconfigure_message" && task.Status == "todo" && len(task.Details) > 0
		}
		if !found {
			t.Fatalf("no Message reconfiguration task: %+v", u.Upgrade.PostTasks)
		}
		api(t, "GET", s.url+"/api/v2/upgrades/"+second.Upgrade.ID, admin, nil, http.StatusNotFound, nil) // another account's upgrade
	})
	t.Run("OneBillingAccountWithAlignment", func(t *testing.T) {
		var b struct {
			BillingAccounts []struct {
				ID               int64  `json:"id"`
				Product          string `json:"product"`
				ConsolidatedInto *int64 `json:"consolidated_into"`
			} `json:"billing_accounts"`
		}
		api(t, "GET", s.url+"/api/v2/billing/accounts", admin, nil, http.StatusOK, &b)
		var support int64
		for _, acc := range b.BillingAccounts {
			if acc.Product == "support" {
				support = acc.ID
			}
		}
		for _, acc := range b.BillingAccounts {
			if acc.Product == "chat" && (acc.ConsolidatedInto == nil || *acc.ConsolidatedInto != support) {
				t.Fatalf("chat billing account not consolidated into %d: %+v", support, b.BillingAccounts)
			}
		}
		var inv struct {
			Invoices []struct {
				Lines []struct {
					Description string `json:"description"`
					AmountCents int64  `json:"amount_cents"`
				} `json:"lines"`
			} `json:"invoices"`
		}
		api(t, "GET", s.url+"/api/v2/billing/invoices", admin, nil, http.StatusOK, &inv)
		if len(inv.Invoices) == 0 || len(inv.Invoices[len(inv.Invoices)-1].Lines) == 0 {
			t.Fatalf("no alignment invoice: %+v", inv.Invoices)
		}
	})
	t.Run("Notified", func(t *testing.T) {
		var n struct {
			Notifications []struct{ Kind string } `json:"notifications"`
		}
		api(t, "GET", s.url+"/api/v2/notifications", admin, nil, http.StatusOK, &n)
		kinds := map[string]bool{}
		for _, x := range n.Notifications {
			kinds[x.Kind[:min(len(x.Kind), len("upgrade_scheduled"))]] = true
		}
		if !kinds["upgrade_scheduled"] || !kinds["upgrade_completed"] {
			t.Fatalf("notifications: %+v", n.Notifications)
		}
	})
}
