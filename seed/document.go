package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/chatlift/chatlift"
)

// ReadDocument reads a seed document, {"accounts": [Account, ...]} (see
// docs/seed-format.md), fills in its defaults and validates every account.
// Any problem, an unknown field included, is an EINVALID *chatlift.Error
// naming the account and the field: "accounts[2].agents[0]: ...".
func ReadDocument(r io.Reader) ([]*Account, error) {
	var doc struct {
		Accounts []json.RawMessage `json:"accounts"`
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read seed document: %w", err)
	}
	if err := strictJSON(data, &doc); err != nil {
		return nil, invalid("seed document: %s", err)
	}
	accounts := make([]*Account, len(doc.Accounts))
	for i, raw := range doc.Accounts {
		if err := strictJSON(raw, &accounts[i]); err != nil {
			return nil, invalid("accounts[%d]: %s", i, err)
		}
	}
	if err := checkAll(accounts); err != nil {
		return nil, err
	}
	return accounts, nil
}

// checkAll checks every account and that no two share an account id, an
// OAuth client identifier or a billing account id.
func checkAll(accounts []*Account) error {
	if len(accounts) == 0 {
		return invalid(`seed document: "accounts" has no account`)
	}
	ids, clients, billing := map[int64]int{}, map[string]int{}, map[int64]int{}
	for i, a := range accounts {
		if a == nil {
			return invalid("accounts[%d]: null", i)
		} else if err := a.check(); err != nil {
			return within(fmt.Sprintf("accounts[%d].", i), err)
		}
		if k, ok := ids[a.ID()]; ok {
			return invalid("accounts[%d].chat.id: accounts[%d] has id %d too", i, k, a.ID())
		}
		ids[a.ID()] = i
		for j, c := range a.OAuthClients {
			if k, ok := clients[c.ClientIdentifier]; ok {
				return invalid("accounts[%d].oauth_clients[%d]: accounts[%d] has client_identifier %q too", i, j, k, c.ClientIdentifier)
			}
			clients[c.ClientIdentifier] = i
		}
		for j, b := range a.Billing {
			if k, ok := billing[b.ID]; ok && b.ID != 0 {
				return invalid("accounts[%d].billing[%d]: accounts[%d] has billing account %d too", i, j, k, b.ID)
			}
			billing[b.ID] = i
		}
	}
	return nil
}

// LoadDocument loads accounts, read by ReadDocument or built in code, and
// returns their credentials. It validates all of them, and checks them
// against what the stores hold, before writing anything: a bad document
// writes nothing. It reserves the document's account ids in the platform's
// "account" sequence, so that a later Fleet does not reuse them.
func LoadDocument(ctx context.Context, legacy chatlift.ChatStore, platform chatlift.PlatformStore, accounts []*Account, now time.Time) ([]*Credentials, error) {
	if err := checkAll(accounts); err != nil {
		return nil, err
	}
	if err := preflight(ctx, legacy, platform, accounts); err != nil {
		return nil, err
	}
	if err := reserveAccountIDs(ctx, platform, accounts); err != nil {
		return nil, err
	}
	p := &pipeline{legacy: legacy, platform: platform, now: now, ids: newIDAllocator(platform, 0)}
	return p.run(ctx, len(accounts), func(i int) *Account { return accounts[i] })
}

// preflight reports, as ECONFLICT, records the stores hold for another
// account (OAuth client identifiers, billing accounts) or under another id
// (users' emails), which would fail the load halfway.
func preflight(ctx context.Context, legacy chatlift.ChatStore, platform chatlift.PlatformStore, accounts []*Account) error {
	for i, a := range accounts {
		for j, c := range a.OAuthClients {
			old, err := legacy.OAuthClientByIdentifier(ctx, c.ClientIdentifier)
			if err := unlessNotFound(err); err != nil {
				return err
			} else if old != nil && (old.AccountID != a.ID() || old.ID != c.ID) {
				return conflict("accounts[%d].oauth_clients[%d]: client_identifier %q is client %d of account %d", i, j, c.ClientIdentifier, old.ID, old.AccountID)
			}
		}
		for j, b := range a.Billing {
			if b.ID == 0 {
				continue
			}
			old, err := platform.BillingAccount(ctx, b.ID)
			if err := unlessNotFound(err); err != nil {
				return err
			} else if old != nil && old.AccountID != a.ID() {
				return conflict("accounts[%d].billing[%d]: billing account %d belongs to account %d", i, j, b.ID, old.AccountID)
			}
		}
		if err := preflightUsers(ctx, platform, i, a); err != nil {
			return err
		}
	}
	return nil
}

func preflightUsers(ctx context.Context, platform chatlift.PlatformStore, i int, a *Account) error {
	stored, err := platform.Users(ctx, a.ID())
	if err != nil {
		return err
	}
	byEmail := make(map[string]int64, len(stored))
	for _, u := range stored {
		byEmail[chatlift.NormalizeEmail(u.Email)] = u.ID
	}
	for j, u := range a.Users {
		if id, ok := byEmail[chatlift.NormalizeEmail(u.Email)]; ok && id != u.ID {
			return conflict("accounts[%d].users[%d]: account %d has user %d with email %q", i, j, a.ID(), id, u.Email)
		}
	}
	return nil
}

// reserveAccountIDs advances the "account" sequence past the largest id
// of accounts.
func reserveAccountIDs(ctx context.Context, platform chatlift.PlatformStore, accounts []*Account) error {
	var top int64
	for _, a := range accounts {
		top = max(top, a.ID())
	}
	next, err := platform.NextIDs(ctx, "account", 1)
	if err != nil {
		return fmt.Errorf("reserve account ids: %w", err)
	}
	if next < top {
		if _, err := platform.NextIDs(ctx, "account", int(top-next)); err != nil {
			return fmt.Errorf("reserve account ids: %w", err)
		}
	}
	return nil
}

func unlessNotFound(err error) error {
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil
	}
	return err
}

func conflict(format string, args ...any) error {
	return chatlift.Errorf(chatlift.ECONFLICT, format, args...)
}
