package storetest

import (
	"context"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
)

// testChatHome takes one account through its life over two stores, the
// legacy product's and the platform's, and asks a chathome.Router at each
// stage where its chat lives, which token and client count, and whether
// its history still imports: active on the legacy side, frozen for the
// cutover, upgraded with the history importing, imported.
func testChatHome(t *testing.T, legacy, platform chatlift.PlatformStore) {
	ctx := context.Background()
	r := &chathome.Router[chatlift.ChatStore]{Legacy: legacy, Platform: platform, Imports: platform}
	const id = 40
	client := &chatlift.OAuthClient{AccountID: id, ID: 1, Name: "CRM sync", ClientIdentifier: "home-crm", SecretHash: "h-secret",
		ClientType: chatlift.ClientConfidential, RedirectURIs: []string{"https://crm.test/cb"}, Scopes: []string{"read"}, CreatedAt: t0}
	must(t, legacy.PutChatAccount(ctx, chatAccount(id)))
	must(t, legacy.PutOAuthClient(ctx, client))
	must(t, legacy.PutOAuthTokens(ctx, []*chatlift.OAuthToken{oauthToken(id, 1, 1, "home-legacy", "")}))
	// expect checks the account's home, its two tokens and its client.
	expect := func(t *testing.T, side chathome.Side, name string, tokens map[string]bool) {
		t.Helper()
		h, err := r.Home(ctx, id)
		must(t, err)
		if h.Side != side || h.Account.ID != id || h.Account.Name != name {
			t.Fatalf("home %s of account %q, want %s of %q", h.Side, h.Account.Name, side, name)
		}
		if serving := h.Serving(); (serving == nil) != (side != chathome.Frozen) {
			t.Fatalf("serving on %s: %v", side, serving)
		}
		for hash, counts := range tokens {
			tok, th, err := r.Token(ctx, hash)
			if !counts {
				wantCode(t, err, chatlift.ENOTFOUND)
				continue
			}
			must(t, err)
			if tok.TokenHash != hash || th.Side != side {
				t.Fatalf("token %s on %s, want %s", tok.TokenHash, th.Side, side)
			}
		}
		c, ch, err := r.Client(ctx, client.ClientIdentifier)
		must(t, err)
		if c.AccountID != id || ch.Side != side {
			t.Fatalf("client of account %d on %s, want %s", c.AccountID, ch.Side, side)
		}
	}
	importing := func(t *testing.T, state string) {
		t.Helper()
		p, err := r.Importing(ctx, id)
		must(t, err)
		if state == "" && p != nil || state != "" && (p == nil || p.State != state) {
			t.Fatalf("import progress %+v, want %q", p, state)
		}
	}
	name := chatAccount(id).Name

	t.Run("Legacy", func(t *testing.T) {
		expect(t, chathome.Legacy, name, map[string]bool{"home-legacy": true, "home-platform": false})
		if r.Store(chathome.Legacy) != legacy {
			t.Fatal("the legacy side's store is not the legacy store")
		}
	})
	t.Run("Frozen", func(t *testing.T) {
		_, err := legacy.SetChatAccountState(ctx, id, chatlift.ChatAccountMaintenance)
		must(t, err)
		expect(t, chathome.Frozen, name, map[string]bool{"home-legacy": true})
		h, err := r.Home(ctx, id)
		must(t, err)
		wantCode(t, h.Serving(), chatlift.EUNAVAILABLE)
	})
	t.Run("UpgradedImporting", func(t *testing.T) {
		moved := chatAccount(id)
		moved.Name = "Acme on the platform"
		must(t, platform.PutChatAccount(ctx, moved))
		copied := *client
		copied.Name = "CRM sync (platform)"
		must(t, platform.PutOAuthClient(ctx, &copied))
		must(t, platform.PutOAuthTokens(ctx, []*chatlift.OAuthToken{oauthToken(id, 2, 1, "home-platform", "")}))
		_, err := legacy.SetChatAccountState(ctx, id, chatlift.ChatAccountUpgraded)
		must(t, err)
		importing(t, chatlift.ImportPending) // switched, the upgrade not yet recorded
		u := &chatlift.Upgrade{ID: "home-up", AccountID: id, State: chatlift.UpgradeImporting, Attempt: 1, CreatedAt: t0, UpdatedAt: t0,
			Import: chatlift.ImportProgress{State: chatlift.ImportRunning, Total: 10, Done: 4}}
		must(t, platform.CreateUpgrade(ctx, u))
		must(t, platform.PutUnifiedAccount(ctx, &chatlift.UnifiedAccount{AccountID: id, UpgradeID: u.ID, OwnerEmail: moved.OwnerEmail, UpgradedAt: t0}))
		expect(t, chathome.Platform, moved.Name, map[string]bool{"home-legacy": false, "home-platform": true})
		importing(t, chatlift.ImportRunning)
		if r.Store(chathome.Platform) != platform {
			t.Fatal("the platform side's store is not the platform store")
		}
		c, _, err := r.Client(ctx, client.ClientIdentifier)
		must(t, err)
		if c.Name != copied.Name {
			t.Fatalf("client %q after the upgrade, want the platform's copy", c.Name)
		}
	})
	t.Run("Imported", func(t *testing.T) {
		u, err := platform.Upgrade(ctx, "home-up")
		must(t, err)
		u.Import.State, u.Import.Done = chatlift.ImportDone, u.Import.Total
		must(t, platform.PutUpgrade(ctx, u))
		importing(t, "")
		unified, err := platform.UnifiedAccount(ctx, id)
		must(t, err)
		unified.HistoryImported = true
		must(t, platform.PutUnifiedAccount(ctx, unified))
		importing(t, "")
		expect(t, chathome.Platform, "Acme on the platform", map[string]bool{"home-legacy": false, "home-platform": true})
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := r.Home(ctx, id+1)
		wantCode(t, err, chatlift.ENOTFOUND)
		_, _, err = r.Client(ctx, "home-nobody")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
}
