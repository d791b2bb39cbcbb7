package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

var oauthCodes = &table[chatlift.OAuthCode]{name: "oauth_codes",
	cols: []string{"code_hash", "account_id", "client_id", "expires_s"}, nkey: 1,
	vals: func(c *chatlift.OAuthCode) []any {
		return []any{c.CodeHash, c.AccountID, c.ClientID, c.ExpiresAt.Unix()}
	},
	kept: []string{"account_id", "code_hash"},
	dest: func(c *chatlift.OAuthCode) []any { return []any{&c.AccountID, &c.CodeHash} }}

// DeleteOAuthClient implements chatlift.ChatStore.
func (d *DB) DeleteOAuthClient(ctx context.Context, accountID, id int64, at time.Time) error {
	return d.inTx(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, d.rebind("DELETE FROM oauth_clients WHERE account_id = ? AND id = ?"), accountID, id)
		if err != nil {
			return fmt.Errorf("delete OAuth client %d: %w", id, interpret(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("delete OAuth client %d: %w", id, err)
		} else if n == 0 {
			return chatlift.Errorf(chatlift.ENOTFOUND, "OAuth client %d not found", id)
		}
		_, err = tx.ExecContext(ctx, d.rebind("DELETE FROM oauth_codes WHERE account_id = ? AND client_id = ?"), accountID, id)
		if err != nil {
			return fmt.Errorf("delete codes of OAuth client %d: %w", id, err)
		}
		active, err := oauthTokens.list(ctx, d, tx, "WHERE account_id = ? AND revoked = ?", accountID, false)
		if err != nil {
			return err
		}
		var revoke []*chatlift.OAuthToken
		for _, t := range active {
			if t.ClientID == id {
				t.RevokedAt = &at
				revoke = append(revoke, t)
			}
		}
		return oauthTokens.put(ctx, d, tx, revoke)
	})
}

// OAuthTokenByRefreshHash implements chatlift.ChatStore.
func (d *DB) OAuthTokenByRefreshHash(ctx context.Context, hash string) (*chatlift.OAuthToken, error) {
	if hash == "" {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "token not found")
	}
	return oauthTokens.get(ctx, d, d.q(), "token", "WHERE refresh_hash = ?", hash)
}

// RevokeOAuthToken implements chatlift.ChatStore. The update is conditional
// on the token being active, so of two racing calls only one changes the row.
func (d *DB) RevokeOAuthToken(ctx context.Context, accountID, id int64, at time.Time) (bool, error) {
	var revoked bool
	err := d.inTx(ctx, func(tx querier) error {
		t, err := oauthTokens.get(ctx, d, tx, "token", "WHERE account_id = ? AND id = ?", accountID, id)
		if err != nil || t.RevokedAt != nil {
			return err
		}
		t.RevokedAt = &at
		body, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("encode token: %w", err)
		}
		res, err := tx.ExecContext(ctx, d.rebind("UPDATE oauth_tokens SET revoked = ?, body = ? WHERE account_id = ? AND id = ? AND revoked = ?"),
			true, string(body), accountID, id, false)
		if err != nil {
			return fmt.Errorf("revoke token %d: %w", id, interpret(err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		revoked = n == 1
		return nil
	})
	return revoked, err
}

// PutOAuthCode implements chatlift.ChatStore.
func (d *DB) PutOAuthCode(ctx context.Context, c *chatlift.OAuthCode) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, d.rebind("DELETE FROM oauth_codes WHERE account_id = ? AND expires_s < ?"), c.AccountID, c.CreatedAt.Unix())
		if err != nil {
			return fmt.Errorf("drop expired codes of account %d: %w", c.AccountID, err)
		}
		return oauthCodes.put(ctx, d, tx, []*chatlift.OAuthCode{c})
	})
}

// TakeOAuthCode implements chatlift.ChatStore. One DELETE ... RETURNING
// both reads and removes the code, so two exchanges of it cannot both win.
func (d *DB) TakeOAuthCode(ctx context.Context, hash string) (*chatlift.OAuthCode, error) {
	notFound := chatlift.Errorf(chatlift.ENOTFOUND, "authorization code not found")
	if hash == "" {
		return nil, notFound
	}
	c := new(chatlift.OAuthCode)
	var body []byte
	err := d.writeRow(ctx, "DELETE FROM oauth_codes WHERE code_hash = ? RETURNING account_id, code_hash, body", []any{hash},
		&c.AccountID, &c.CodeHash, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	} else if err != nil {
		return nil, fmt.Errorf("take authorization code: %w", err)
	}
	if err := json.Unmarshal(body, c); err != nil {
		return nil, fmt.Errorf("decode authorization code: %w", err)
	}
	return c, nil
}
