package seed_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/seed"
)

var fleetSpec = seed.Spec{Accounts: 6, ChatsPerAccount: 25, Seed: 11, Start: start}

func TestLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("WritesWhatGenerateMade", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		for i := range fleetSpec.Accounts {
			a := seed.Generate(fleetSpec, int64(i+1), i)
			_, err := seed.Load(ctx, s.legacy, s.platform, a, now)
			must(t, err)
			stored(t, s, seed.Generate(fleetSpec, int64(i+1), i))
		}
	})
	t.Run("CredentialsWork", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		for i := range 3 { // index 1 has no OAuth client: Load registers one
			creds, err := seed.Load(ctx, s.legacy, s.platform, seed.Generate(fleetSpec, int64(i+1), i), now)
			must(t, err)
			credentialsWork(t, s, creds)
		}
	})
	t.Run("Rerunnable", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		first, err := seed.Load(ctx, s.legacy, s.platform, seed.Generate(fleetSpec, 3, 2), now)
		must(t, err)
		before := snapshot(t, s, 3)
		again, err := seed.Load(ctx, s.legacy, s.platform, seed.Generate(fleetSpec, 3, 2), now)
		must(t, err)
		same(t, "stores after a second load", snapshot(t, s, 3), before)
		credentialsWork(t, s, again)
		if _, err := s.legacy.OAuthTokenByHash(ctx, chatlift.HashSecret(first.ChatAccessToken)); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("the first load's chat token still works: %v", err)
		}
	})
	t.Run("ErrAccountIDsDiffer", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		a := seed.Generate(fleetSpec, 1, 0)
		a.Support.ID = 2
		_, err := seed.Load(ctx, s.legacy, s.platform, a, now)
		wantCode(t, err, chatlift.EINVALID)
		if list, _ := s.platform.SupportAccounts(ctx, chatlift.AccountFilter{}); len(list) != 0 {
			t.Fatalf("wrote %d accounts", len(list))
		}
	})
}

// stored fails unless the stores hold what want, a freshly generated
// account, holds.
func stored(t *testing.T, s stores, want *seed.Account) {
	t.Helper()
	ctx, id := context.Background(), want.Chat.ID
	n, err := s.legacy.CountHistory(ctx, id)
	must(t, err)
	if n != (chatlift.HistoryCount{Chats: int64(len(want.Chats)), Visitors: int64(len(want.Visitors)), Analytics: int64(len(want.Analytics)),
		AgentTimeline: int64(len(want.AgentTimeline))}) {
		t.Fatalf("account %d: history %+v, generated %d chats, %d visitors, %d events, %d timeline entries", id, n,
			len(want.Chats), len(want.Visitors), len(want.Analytics), len(want.AgentTimeline))
	}
	timeline, err := s.legacy.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: id, Limit: chatlift.MaxLimit})
	must(t, err)
	same(t, "agent timeline", timeline, want.AgentTimeline)
	agents, err := s.legacy.Agents(ctx, id)
	must(t, err)
	same(t, "agents", agents, want.Agents)
	users, err := s.platform.Users(ctx, id)
	must(t, err)
	same(t, "users", users, want.Users)
	var objects int
	for _, kind := range chatlift.ObjectKinds {
		list, err := s.legacy.Objects(ctx, id, kind)
		must(t, err)
		objects += len(list)
	}
	apps, err := s.platform.Apps(ctx, id)
	must(t, err)
	tickets, err := s.platform.Tickets(ctx, chatlift.KeyFilter{AccountID: id})
	must(t, err)
	if objects != len(want.Objects) || len(apps) != len(want.Apps) || len(tickets) != len(want.Tickets) {
		t.Fatalf("account %d: %d objects, %d apps, %d tickets stored", id, objects, len(apps), len(tickets))
	}
	if len(want.Chats) > 0 {
		c, err := s.legacy.Chat(ctx, id, want.Chats[0].ID)
		must(t, err)
		same(t, "first chat", c, want.Chats[0])
	}
	storedBilling(t, s, id)
}

// storedBilling fails unless both accounts point at their product's billing
// account, each with its subscription.
func storedBilling(t *testing.T, s stores, id int64) {
	t.Helper()
	ctx := context.Background()
	chat, err := s.legacy.ChatAccount(ctx, id)
	must(t, err)
	support, err := s.platform.SupportAccount(ctx, id)
	must(t, err)
	for product, bid := range map[string]int64{"chat": chat.BillingAccountID, "support": support.BillingAccountID} {
		b, err := s.platform.BillingAccount(ctx, bid)
		must(t, err)
		subs, err := s.platform.Subscriptions(ctx, bid)
		must(t, err)
		if b.Product != product || b.AccountID != id || len(subs) != 1 || subs[0].Product != product {
			t.Fatalf("account %d: %s billing %+v, subscriptions %+v", id, product, b, subs)
		}
	}
}

// credentialsWork fails unless creds' secrets are what the stores hold
// hashes of, and the tokens are active.
func credentialsWork(t *testing.T, s stores, creds *seed.Credentials) {
	t.Helper()
	ctx := context.Background()
	token, err := s.legacy.OAuthTokenByHash(ctx, chatlift.HashSecret(creds.ChatAccessToken))
	must(t, err)
	agents, err := s.legacy.Agents(ctx, creds.AccountID)
	must(t, err)
	if token.AccountID != creds.AccountID || !token.Active(now) || agents[token.AgentID-1].Email != creds.ChatOwnerEmail {
		t.Fatalf("chat token %+v of agent %+v", token, agents[token.AgentID-1])
	}
	api, err := s.platform.APITokenByHash(ctx, chatlift.HashSecret(creds.SupportAPIToken))
	must(t, err)
	owner, err := s.platform.UserByEmail(ctx, creds.AccountID, creds.SupportOwnerEmail)
	must(t, err)
	if api.AccountID != creds.AccountID || api.UserID != owner.ID || !owner.Owner || api.RevokedAt != nil {
		t.Fatalf("API token %+v of owner %+v", api, owner)
	}
	if len(creds.OAuthClients) == 0 {
		t.Fatal("no OAuth client credentials")
	}
	for _, cc := range creds.OAuthClients {
		c, err := s.legacy.OAuthClientByIdentifier(ctx, cc.ClientIdentifier)
		must(t, err)
		if c.SecretHash != chatlift.HashSecret(cc.ClientSecret) || c.ClientType != cc.ClientType {
			t.Fatalf("client %s: stored hash does not match the secret", cc.ClientIdentifier)
		}
	}
	tokens, err := s.legacy.OAuthTokens(ctx, creds.AccountID)
	must(t, err)
	admins := 0
	for _, g := range agents {
		if g.Enabled && g.IsAdmin() {
			admins++
		}
	}
	if len(tokens) != admins {
		t.Fatalf("%d tokens for %d enabled admins", len(tokens), admins)
	}
}

// snapshot is everything the stores hold for an account but its secrets.
func snapshot(t *testing.T, s stores, id int64) string {
	t.Helper()
	ctx := context.Background()
	var parts []any
	add := func(v any, err error) {
		must(t, err)
		parts = append(parts, v)
	}
	add(s.legacy.ChatAccount(ctx, id))
	add(s.legacy.Agents(ctx, id))
	add(s.legacy.Chats(ctx, chatlift.ChatFilter{AccountID: id, Limit: chatlift.MaxLimit}))
	add(s.legacy.Visitors(ctx, chatlift.KeyFilter{AccountID: id, Limit: chatlift.MaxLimit}))
	add(s.legacy.Analytics(ctx, chatlift.KeyFilter{AccountID: id, Limit: chatlift.MaxLimit}))
	add(s.legacy.OAuthClients(ctx, id))
	add(s.platform.SupportAccount(ctx, id))
	add(s.platform.Users(ctx, id))
	add(s.platform.Apps(ctx, id))
	add(s.platform.Tickets(ctx, chatlift.KeyFilter{AccountID: id}))
	support, err := s.platform.SupportAccount(ctx, id)
	must(t, err)
	add(s.platform.BillingAccount(ctx, support.BillingAccountID))
	add(s.platform.Subscriptions(ctx, support.BillingAccountID))
	for _, p := range parts {
		if clients, ok := p.([]*chatlift.OAuthClient); ok {
			for _, c := range clients {
				c.SecretHash = ""
			}
		}
	}
	b, err := json.Marshal(parts)
	must(t, err)
	return string(b)
}

func TestFleet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s := setup(t)
		var calls []int
		creds, err := seed.Fleet(ctx, s.legacy, s.platform, fleetSpec, now, func(done int) { calls = append(calls, done) })
		must(t, err)
		if len(creds) != fleetSpec.Accounts || len(calls) != fleetSpec.Accounts || calls[len(calls)-1] != fleetSpec.Accounts {
			t.Fatalf("%d credentials, progress %v", len(creds), calls)
		}
		for i, c := range creds {
			credentialsWork(t, s, c)
			stored(t, s, seed.Generate(fleetSpec, c.AccountID, i))
		}
		more, err := seed.Fleet(ctx, s.legacy, s.platform, seed.Spec{Accounts: 2, ChatsPerAccount: 1, Seed: 1}, now, nil)
		must(t, err)
		if more[0].AccountID != creds[len(creds)-1].AccountID+1 {
			t.Fatalf("second fleet starts at account %d", more[0].AccountID)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s := setup(t)
		_, err := seed.Fleet(ctx, s.legacy, s.platform, seed.Spec{Accounts: 0}, now, nil)
		wantCode(t, err, chatlift.EINVALID)
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		s := setup(t)
		ctx, cancel := context.WithCancel(ctx)
		_, err := seed.Fleet(ctx, s.legacy, s.platform, fleetSpec, now, func(int) { cancel() })
		if err == nil {
			t.Fatal("a cancelled fleet reported success")
		}
	})
}
