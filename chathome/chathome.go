// Package chathome decides where an account's chat lives: on the legacy
// product, on the unified platform, or nowhere for the moment while the
// account is frozen for its cutover; and, on the platform, whether the
// legacy store's history must still be read with the platform's because the
// import of that history runs.
//
// The chat API and the OAuth server both ask a Router, so that a token, a
// client and a request are always served by the same side. While an
// account is frozen its requests are held (a Hold) and answered by the
// side that serves it once the freeze ends.
package chathome

import (
	"context"
	"errors"

	"github.com/chatlift/chatlift"
)

// Side is the product that serves an account's chat now.
type Side int

// The sides an account's chat can be on.
const (
	// Frozen is the cutover: neither product serves the account.
	Frozen Side = iota
	// Legacy is the legacy chat product, before the upgrade.
	Legacy
	// Platform is the unified platform, after the upgrade.
	Platform
)

// String names the side.
func (s Side) String() string {
	switch s {
	case Legacy:
		return "legacy"
	case Platform:
		return "platform"
	}
	return "frozen"
}

// Store is what a Router reads of one product's chat store.
type Store interface {
	ChatAccount(ctx context.Context, id int64) (*chatlift.ChatAccount, error)
	OAuthTokenByHash(ctx context.Context, hash string) (*chatlift.OAuthToken, error)
	OAuthClientByIdentifier(ctx context.Context, identifier string) (*chatlift.OAuthClient, error)
}

// Imports is what a Router reads of the platform's upgrade records to know
// whether an upgraded account's history is still being imported.
type Imports interface {
	UnifiedAccount(ctx context.Context, accountID int64) (*chatlift.UnifiedAccount, error)
	Upgrade(ctx context.Context, id string) (*chatlift.Upgrade, error)
}

// Home is where an account's chat lives now.
type Home struct {
	Side Side
	// Account is the account as the serving side holds it (the legacy
	// product's copy while frozen).
	Account *chatlift.ChatAccount
}

// Serving fails with EUNAVAILABLE while the account is frozen.
func (h *Home) Serving() error {
	if h.Side == Frozen {
		return chatlift.Errorf(chatlift.EUNAVAILABLE, "chat is being upgraded for this account; retry shortly")
	}
	return nil
}

// Router decides where accounts' chat lives. The legacy product's account
// state is the authority: active is the legacy side, maintenance frozen,
// upgraded the platform's. S is the store interface of the API that asks
// (the chat API's, the OAuth server's), so that the serving side's store
// comes back as what that API calls.
type Router[S Store] struct {
	Legacy, Platform S
	Imports          Imports
	// Hold, when set, holds the requests of frozen accounts until the
	// freeze ends (see Hold.Wait); nil answers them 503 at once.
	Hold *Hold
}

// Home returns where the account's chat lives; ENOTFOUND if the legacy
// product never had the account.
func (r *Router[S]) Home(ctx context.Context, accountID int64) (*Home, error) {
	account, err := r.Legacy.ChatAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	side := sideOf(account.State)
	if side == Platform {
		if account, err = r.Platform.ChatAccount(ctx, accountID); err != nil {
			return nil, err
		}
	}
	return &Home{Side: side, Account: account}, nil
}

// sideOf is the side that serves an account in the legacy account state:
// active is the legacy side, upgraded the platform's, any other frozen.
func sideOf(state string) Side {
	switch state {
	case chatlift.ChatAccountActive:
		return Legacy
	case chatlift.ChatAccountUpgraded:
		return Platform
	}
	return Frozen
}

// Await finds a request's home with find, which authenticates the request
// and looks up its account's home (Token, Client, Home). While that home is
// Frozen, Await holds the request (r.Hold.Wait) and, once the freeze ends,
// finds it again: what answers is then what the side serving the account
// says, so a legacy token held through a switch is not found. Past the
// hold's bounds it fails with EUNAVAILABLE.
func (r *Router[S]) Await(ctx context.Context, find func() (*Home, error)) (*Home, error) {
	home, err := find()
	if err != nil || home.Side != Frozen {
		return home, err
	}
	if err := r.Hold.Wait(ctx, home.Account.ID); err != nil {
		return nil, err
	}
	return find()
}

// Refused reports whether err is a write that a freeze of its account
// refused (chatlift.ErrFrozen): the account froze after the request was
// authenticated. The write was refused whole (the freeze waits for writes
// in flight, and none starts on a frozen account), so the request can be
// served again through Await, whatever became of the freeze meanwhile:
// held while it lasts, then served by the side that serves the account,
// the other after a switch or the same after a rollback.
func Refused(err error) bool { return errors.Is(err, chatlift.ErrFrozen) }

// Store returns the side's store; the zero S (nil) for Frozen.
func (r *Router[S]) Store(side Side) S {
	switch side {
	case Legacy:
		return r.Legacy
	case Platform:
		return r.Platform
	}
	var frozen S
	return frozen
}

// Token returns the access token with the hash and its account's home. A
// token counts only on the side that serves its account: the legacy
// product's tokens end with the upgrade. While the account is frozen the
// token is returned as found, with a Frozen home. ENOTFOUND if no side
// has it.
func (r *Router[S]) Token(ctx context.Context, hash string) (*chatlift.OAuthToken, *Home, error) {
	side := Legacy
	tok, err := r.Legacy.OAuthTokenByHash(ctx, hash)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		side = Platform
		tok, err = r.Platform.OAuthTokenByHash(ctx, hash)
	}
	if err != nil {
		return nil, nil, err
	}
	home, err := r.Home(ctx, tok.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if home.Side != Frozen && home.Side != side {
		return nil, nil, chatlift.Errorf(chatlift.ENOTFOUND, "no such token")
	}
	return tok, home, nil
}

// Client returns the OAuth client with the identifier, as the side serving
// its account holds it, and that home. Clients survive the upgrade: the
// same identifier finds the platform's copy once the account is upgraded.
// While the account is frozen the client is returned as found, with a
// Frozen home. ENOTFOUND if no side has it for its account.
func (r *Router[S]) Client(ctx context.Context, identifier string) (*chatlift.OAuthClient, *Home, error) {
	notFound := chatlift.Errorf(chatlift.ENOTFOUND, "unknown client_id")
	if identifier == "" {
		return nil, nil, notFound
	}
	side := Legacy
	c, err := r.Legacy.OAuthClientByIdentifier(ctx, identifier)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		side = Platform
		c, err = r.Platform.OAuthClientByIdentifier(ctx, identifier)
	}
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, err
	}
	home, err := r.Home(ctx, c.AccountID)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, nil, notFound
	} else if err != nil || home.Side == Frozen {
		return c, home, err
	}
	if home.Side == side && c.AccountID == home.Account.ID {
		return c, home, nil // found on the side that serves its account
	}
	c, err = r.Store(home.Side).OAuthClientByIdentifier(ctx, identifier)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && c.AccountID != home.Account.ID {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, err
	}
	return c, home, nil
}

// Importing returns the progress of the import of an upgraded account's
// legacy history while it runs, nil once it is imported and verified.
// Until then the legacy store holds history the platform lacks, and reads
// merge both.
func (r *Router[S]) Importing(ctx context.Context, accountID int64) (*chatlift.ImportProgress, error) {
	u, err := r.Imports.UnifiedAccount(ctx, accountID)
	switch {
	case err == nil && u.HistoryImported:
		return nil, nil
	case err != nil && chatlift.ErrorCode(err) != chatlift.ENOTFOUND:
		return nil, err
	}
	p := chatlift.ImportProgress{State: chatlift.ImportPending}
	if err == nil {
		up, err := r.Imports.Upgrade(ctx, u.UpgradeID)
		switch {
		case err == nil && up.Import.State == chatlift.ImportDone:
			return nil, nil
		case err == nil:
			p = up.Import
		case chatlift.ErrorCode(err) != chatlift.ENOTFOUND:
			return nil, err
		}
	}
	return &p, nil
}
