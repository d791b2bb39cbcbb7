package seed

import (
	"context"
	"fmt"

	"github.com/chatlift/chatlift"
)

// writeChat writes the chat side of j's account into the legacy store, the
// account row last.
func (p *pipeline) writeChat(ctx context.Context, j *job) error {
	a, s := j.a, p.legacy
	if err := s.PutAgents(ctx, a.Agents); err != nil {
		return failed(a, "agents", err)
	} else if err := s.PutObjects(ctx, a.Objects); err != nil {
		return failed(a, "objects", err)
	} else if err := putBatches(ctx, a.Visitors, s.PutVisitors); err != nil {
		return failed(a, "visitors", err)
	} else if err := putBatches(ctx, a.Chats, s.PutChats); err != nil {
		return failed(a, "chats", err)
	} else if err := putBatches(ctx, a.Analytics, s.PutAnalytics); err != nil {
		return failed(a, "analytics", err)
	} else if err := putBatches(ctx, a.AgentTimeline, s.PutAgentTimeline); err != nil {
		return failed(a, "agent timeline", err)
	} else if err := p.writeOAuth(ctx, j); err != nil {
		return err
	}
	return failed(a, "chat account", s.PutChatAccount(ctx, a.Chat))
}

// writeOAuth stores each OAuth client with a new secret and issues tokens
// for the chat owner and the other enabled chat admins on the first client.
func (p *pipeline) writeOAuth(ctx context.Context, j *job) error {
	a := j.a
	if len(a.OAuthClients) == 0 {
		a.OAuthClients = []*chatlift.OAuthClient{{ID: 1, AccountID: a.ID(), Name: "Chat API (seed)", Company: a.Chat.Name,
			ClientIdentifier: fmt.Sprintf("chatlift_seed_%d", a.ID()), ClientType: chatlift.ClientConfidential,
			RedirectURIs: []string{}, Scopes: []string{"read", "write"}, AgentID: a.chatOwner().ID, CreatedAt: p.now}}
	}
	for _, c := range a.OAuthClients {
		secret := chatlift.NewSecret()
		c.SecretHash = chatlift.HashSecret(secret)
		if err := p.legacy.PutOAuthClient(ctx, c); err != nil {
			return failed(a, "OAuth client "+c.ClientIdentifier, err)
		}
		j.creds.OAuthClients = append(j.creds.OAuthClients, ClientCredentials{ClientIdentifier: c.ClientIdentifier,
			ClientSecret: secret, ClientType: c.ClientType})
	}
	admins := []*chatlift.Agent{a.chatOwner()}
	for _, g := range a.Agents {
		if g != admins[0] && g.Enabled && g.IsAdmin() {
			admins = append(admins, g)
		}
	}
	expires := p.now.Add(tokenLifetime)
	tokens := make([]*chatlift.OAuthToken, len(admins))
	for i, g := range admins {
		secret := chatlift.NewSecret()
		tokens[i] = &chatlift.OAuthToken{ID: int64(i + 1), AccountID: a.ID(), ClientID: a.OAuthClients[0].ID, AgentID: g.ID,
			TokenHash: chatlift.HashSecret(secret), RefreshHash: chatlift.HashSecret(chatlift.NewSecret()),
			Scopes: []string{"read", "write"}, CreatedAt: p.now, ExpiresAt: &expires}
		if i == 0 {
			j.creds.ChatAccessToken = secret
		}
	}
	return failed(a, "OAuth tokens", p.legacy.PutOAuthTokens(ctx, tokens))
}

// writePlatform writes the support side of j's account into the platform
// store with a new API token for the owner, the account row last.
func (p *pipeline) writePlatform(ctx context.Context, j *job) error {
	a, s := j.a, p.platform
	for _, b := range a.Billing {
		if err := s.PutBillingAccount(ctx, b); err != nil {
			return failed(a, "billing account", err)
		}
	}
	if err := s.PutSubscriptions(ctx, a.Subscriptions); err != nil {
		return failed(a, "subscriptions", err)
	} else if err := s.PutUsers(ctx, a.Users); err != nil {
		return failed(a, "users", err)
	} else if err := s.PutApps(ctx, a.Apps); err != nil {
		return failed(a, "apps", err)
	} else if err := putBatches(ctx, a.Tickets, s.PutTickets); err != nil {
		return failed(a, "tickets", err)
	}
	secret := chatlift.NewSecret()
	token := &chatlift.APIToken{ID: j.apiTokenID, AccountID: a.ID(), UserID: a.supportOwner().ID,
		Description: "seed: support owner", TokenHash: chatlift.HashSecret(secret), CreatedAt: p.now}
	if err := s.PutAPIToken(ctx, token); err != nil {
		return failed(a, "API token", err)
	}
	j.creds.SupportAPIToken = secret
	if err := p.putSupportPasswords(ctx, j); err != nil {
		return failed(a, "support passwords", err)
	}
	return failed(a, "support account", s.PutSupportAccount(ctx, a.Support))
}

// putBatches puts items batchSize at a time.
func putBatches[T any](ctx context.Context, items []*T, put func(context.Context, []*T) error) error {
	for start := 0; start < len(items); start += batchSize {
		if err := put(ctx, items[start:min(len(items), start+batchSize)]); err != nil {
			return err
		}
	}
	return nil
}

// failed wraps a store error with the account and what was being written.
func failed(a *Account, what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("account %d: put %s: %w", a.ID(), what, err)
}
