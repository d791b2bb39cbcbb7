package apitest

import (
	"context"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// UpgradeForImport moves the account to the platform as the cutover does,
// without its history, and returns a platform token for it.
func (e *Env) UpgradeForImport(t *testing.T, id int64) string {
	t.Helper()
	ctx := context.Background()
	account, err := e.Legacy.ChatAccount(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	agents, err := e.Legacy.Agents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	account.State = chatlift.ChatAccountActive
	if err := e.Platform.PutChatAccount(ctx, account); err != nil {
		t.Fatal(err)
	}
	if err := e.Platform.PutAgents(ctx, agents); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Legacy.SetChatAccountState(ctx, id, chatlift.ChatAccountUpgraded); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	u := &chatlift.Upgrade{ID: "up-import", AccountID: id, State: chatlift.UpgradeImporting, Attempt: 1, RequestedBy: "operator",
		Import: chatlift.ImportProgress{State: chatlift.ImportRunning, Total: 1}, CreatedAt: now, UpdatedAt: now}
	if err := e.Platform.CreateUpgrade(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := e.Platform.PutUnifiedAccount(ctx, &chatlift.UnifiedAccount{AccountID: id, UpgradeID: u.ID, UpgradedAt: now}); err != nil {
		t.Fatal(err)
	}
	secret := chatlift.NewSecret()
	expires := now.Add(time.Hour)
	tok := &chatlift.OAuthToken{ID: 1, AccountID: id, ClientID: 1, AgentID: agents[0].ID, TokenHash: chatlift.HashSecret(secret),
		Scopes: []string{"read", "write"}, CreatedAt: now, ExpiresAt: &expires}
	if err := e.Platform.PutOAuthTokens(ctx, []*chatlift.OAuthToken{tok}); err != nil {
		t.Fatal(err)
	}
	return secret
}
