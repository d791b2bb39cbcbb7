package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// testOAuthServer covers what the OAuth server needs of a store beyond
// clients and tokens: deleting clients, refresh lookups, revoking one token
// exactly once and single-use authorization codes. It uses accounts 30-32.
func testOAuthServer(t *testing.T, s chatlift.PlatformStore) {
	t.Run("RevokeOne", func(t *testing.T) { testRevokeOAuthToken(t, s) })
	t.Run("RefreshHash", func(t *testing.T) { testOAuthTokenByRefreshHash(t, s) })
	t.Run("DeleteClient", func(t *testing.T) { testDeleteOAuthClient(t, s) })
	t.Run("Codes", func(t *testing.T) { testOAuthCodes(t, s) })
}

func oauthToken(account, id, client int64, hash, refresh string) *chatlift.OAuthToken {
	exp := t0.Add(2 * time.Hour)
	return &chatlift.OAuthToken{AccountID: account, ID: id, ClientID: client, AgentID: 1, TokenHash: hash, RefreshHash: refresh,
		Scopes: []string{"read"}, CreatedAt: t0, ExpiresAt: &exp}
}

func testRevokeOAuthToken(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	must(t, s.PutOAuthTokens(ctx, []*chatlift.OAuthToken{oauthToken(30, 1, 1, "rv1", ""), oauthToken(30, 2, 1, "rv2", "")}))
	t.Run("ExactlyOnce", func(t *testing.T) {
		var wg sync.WaitGroup
		wins := make(chan bool, 8)
		for range 8 {
			wg.Go(func() {
				ok, err := s.RevokeOAuthToken(ctx, 30, 1, t0)
				if err != nil {
					t.Error(err)
				}
				wins <- ok
			})
		}
		wg.Wait()
		close(wins)
		n := 0
		for ok := range wins {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d calls revoked the token, want 1", n)
		}
		tok, err := s.OAuthTokenByHash(ctx, "rv1")
		must(t, err)
		other, err := s.OAuthTokenByHash(ctx, "rv2")
		must(t, err)
		if tok.Active(t0) || tok.RevokedAt == nil || !tok.RevokedAt.Equal(t0) || !other.Active(t0) {
			t.Fatalf("after revoke: %+v; neighbour active %v", tok, other.Active(t0))
		}
		n2, err := s.RevokeOAuthTokens(ctx, 30, t0)
		must(t, err)
		if n2 != 1 {
			t.Fatalf("bulk revoke after one revoke revoked %d, want 1", n2)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.RevokeOAuthToken(ctx, 30, 99, t0)
		wantCode(t, err, chatlift.ENOTFOUND)
		_, err = s.RevokeOAuthToken(ctx, 31, 1, t0) // token 1 is account 30's
		wantCode(t, err, chatlift.ENOTFOUND)
	})
}

func testOAuthTokenByRefreshHash(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	must(t, s.PutOAuthTokens(ctx, []*chatlift.OAuthToken{oauthToken(31, 1, 1, "rh-t1", "rh-r1"), oauthToken(31, 2, 1, "rh-t2", "")}))
	tok, err := s.OAuthTokenByRefreshHash(ctx, "rh-r1")
	must(t, err)
	if tok.AccountID != 31 || tok.ID != 1 || tok.TokenHash != "rh-t1" {
		t.Fatalf("by refresh hash: %+v", tok)
	}
	_, err = s.OAuthTokenByRefreshHash(ctx, "")
	wantCode(t, err, chatlift.ENOTFOUND)
	_, err = s.OAuthTokenByRefreshHash(ctx, "rh-t1")
	wantCode(t, err, chatlift.ENOTFOUND)
}

func testDeleteOAuthClient(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	for _, id := range []int64{1, 2} {
		must(t, s.PutOAuthClient(ctx, &chatlift.OAuthClient{AccountID: 32, ID: id, Name: "App", ClientIdentifier: fmt.Sprintf("del-%d", id),
			ClientType: chatlift.ClientPublic, RedirectURIs: []string{}, Scopes: []string{"read"}, CreatedAt: t0}))
	}
	must(t, s.PutOAuthTokens(ctx, []*chatlift.OAuthToken{oauthToken(32, 1, 1, "dc1", ""), oauthToken(32, 2, 2, "dc2", "")}))
	code := oauthCode(32, 1, "dc-code")
	must(t, s.PutOAuthCode(ctx, code))
	later := t0.Add(time.Minute)
	must(t, s.DeleteOAuthClient(ctx, 32, 1, later))
	clients, err := s.OAuthClients(ctx, 32)
	must(t, err)
	if len(clients) != 1 || clients[0].ID != 2 {
		t.Fatalf("clients after delete: %v", ids(clients, func(c *chatlift.OAuthClient) any { return c.ID }))
	}
	gone, err := s.OAuthTokenByHash(ctx, "dc1")
	must(t, err)
	kept, err := s.OAuthTokenByHash(ctx, "dc2")
	must(t, err)
	if gone.RevokedAt == nil || !gone.RevokedAt.Equal(later) || !kept.Active(t0) {
		t.Fatalf("the deleted client's token %+v; the other's active %v", gone, kept.Active(t0))
	}
	_, err = s.TakeOAuthCode(ctx, "dc-code")
	wantCode(t, err, chatlift.ENOTFOUND)
	wantCode(t, s.DeleteOAuthClient(ctx, 32, 1, later), chatlift.ENOTFOUND)
	wantCode(t, s.DeleteOAuthClient(ctx, 31, 2, later), chatlift.ENOTFOUND) // client 2 is account 32's
}

func oauthCode(account, client int64, hash string) *chatlift.OAuthCode {
	return &chatlift.OAuthCode{AccountID: account, CodeHash: hash, ClientID: client, AgentID: 1, RedirectURI: "https://app.test/cb",
		Scopes: []string{"read", "write"}, Challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
}

func testOAuthCodes(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	t.Run("TakeOnce", func(t *testing.T) {
		c := oauthCode(30, 1, "code-1")
		must(t, s.PutOAuthCode(ctx, c))
		var wg sync.WaitGroup
		got := make(chan *chatlift.OAuthCode, 6)
		for range 6 {
			wg.Go(func() {
				taken, err := s.TakeOAuthCode(ctx, "code-1")
				if err == nil {
					got <- taken
				} else if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		close(got)
		if len(got) != 1 {
			t.Fatalf("the code was taken %d times, want once", len(got))
		}
		same(t, "taken code", <-got, c)
	})
	t.Run("KeptFields", func(t *testing.T) {
		must(t, s.PutOAuthCode(ctx, oauthCode(30, 1, "code-2")))
		c, err := s.TakeOAuthCode(ctx, "code-2")
		must(t, err)
		if c.AccountID != 30 || c.CodeHash != "code-2" || !c.ExpiresAt.Equal(t0.Add(10*time.Minute)) {
			t.Fatalf("taken code %+v", c)
		}
	})
	t.Run("ExpiredDropped", func(t *testing.T) {
		must(t, s.PutOAuthCode(ctx, oauthCode(30, 1, "old")))
		next := oauthCode(30, 1, "new")
		next.CreatedAt, next.ExpiresAt = t0.Add(time.Hour), t0.Add(time.Hour+10*time.Minute)
		must(t, s.PutOAuthCode(ctx, next))
		_, err := s.TakeOAuthCode(ctx, "old")
		wantCode(t, err, chatlift.ENOTFOUND)
		_, err = s.TakeOAuthCode(ctx, "new")
		must(t, err)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := oauthCode(30, 1, "")
		wantCode(t, s.PutOAuthCode(ctx, bad), chatlift.EINVALID)
		_, err := s.TakeOAuthCode(ctx, "")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("DeletedWithAccount", func(t *testing.T) {
		must(t, s.PutOAuthCode(ctx, oauthCode(33, 1, "acct-33")))
		must(t, s.DeleteChatAccount(ctx, 33))
		_, err := s.TakeOAuthCode(ctx, "acct-33")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
}
