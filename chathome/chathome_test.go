package chathome_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
)

// side is a hand-written fake of one product's store.
type side struct {
	accounts map[int64]*chatlift.ChatAccount
	tokens   map[string]*chatlift.OAuthToken
	clients  map[string]*chatlift.OAuthClient
}

func newSide() *side {
	return &side{map[int64]*chatlift.ChatAccount{}, map[string]*chatlift.OAuthToken{}, map[string]*chatlift.OAuthClient{}}
}

func find[T any](m map[string]T, k string) (T, error) {
	v, ok := m[k]
	if !ok {
		return v, chatlift.Errorf(chatlift.ENOTFOUND, "not found")
	}
	return v, nil
}

func (s *side) ChatAccount(_ context.Context, id int64) (*chatlift.ChatAccount, error) {
	a, ok := s.accounts[id]
	if !ok {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no account")
	}
	return a, nil
}

func (s *side) OAuthTokenByHash(_ context.Context, hash string) (*chatlift.OAuthToken, error) {
	return find(s.tokens, hash)
}

func (s *side) OAuthClientByIdentifier(_ context.Context, id string) (*chatlift.OAuthClient, error) {
	return find(s.clients, id)
}

var _ chathome.Store = (*side)(nil)

// imports is a hand-written fake of the platform's upgrade records.
type imports struct {
	unified  map[int64]*chatlift.UnifiedAccount
	upgrades map[string]*chatlift.Upgrade
}

func (i *imports) UnifiedAccount(_ context.Context, id int64) (*chatlift.UnifiedAccount, error) {
	u, ok := i.unified[id]
	if !ok {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "not upgraded")
	}
	return u, nil
}

func (i *imports) Upgrade(_ context.Context, id string) (*chatlift.Upgrade, error) {
	return find(i.upgrades, id)
}

var _ chathome.Imports = (*imports)(nil)

// setup is a router over two fake stores with one account per state:
// 1 active, 2 frozen, 3 upgraded; each side has token "t-<side>-<id>" and
// client "c<id>" for the accounts it has.
func setup(t *testing.T) (*chathome.Router[*side], *side, *side, *imports) {
	t.Helper()
	legacy, platform := newSide(), newSide()
	for id, state := range map[int64]string{1: chatlift.ChatAccountActive, 2: chatlift.ChatAccountMaintenance, 3: chatlift.ChatAccountUpgraded} {
		legacy.accounts[id] = &chatlift.ChatAccount{ID: id, State: state}
		legacy.tokens["t-legacy-"+itoa(id)] = &chatlift.OAuthToken{ID: 1, AccountID: id}
		legacy.clients["c"+itoa(id)] = &chatlift.OAuthClient{ID: 1, AccountID: id, Name: "legacy copy"}
	}
	platform.accounts[3] = &chatlift.ChatAccount{ID: 3, State: chatlift.ChatAccountActive}
	platform.tokens["t-platform-3"] = &chatlift.OAuthToken{ID: 2, AccountID: 3}
	platform.clients["c3"] = &chatlift.OAuthClient{ID: 1, AccountID: 3, Name: "platform copy"}
	im := &imports{unified: map[int64]*chatlift.UnifiedAccount{}, upgrades: map[string]*chatlift.Upgrade{}}
	return &chathome.Router[*side]{Legacy: legacy, Platform: platform, Imports: im}, legacy, platform, im
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func TestHome(t *testing.T) {
	t.Parallel()
	r, _, platform, _ := setup(t)
	ctx := context.Background()
	for id, want := range map[int64]chathome.Side{1: chathome.Legacy, 2: chathome.Frozen, 3: chathome.Platform} {
		h, err := r.Home(ctx, id)
		if err != nil || h.Side != want || h.Account.ID != id {
			t.Fatalf("account %d: home %+v, %v; want %s", id, h, err, want)
		}
		if got := h.Serving() == nil; got != (want != chathome.Frozen) {
			t.Fatalf("account %d on %s: serving = %v", id, want, got)
		}
	}
	t.Run("UpgradedReadsThePlatformsAccount", func(t *testing.T) {
		h, err := r.Home(ctx, 3)
		if err != nil || h.Account != platform.accounts[3] {
			t.Fatalf("home %+v, %v", h, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := r.Home(ctx, 9); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestToken(t *testing.T) {
	t.Parallel()
	r, _, _, _ := setup(t)
	ctx := context.Background()
	for _, c := range []struct {
		hash string
		side chathome.Side
	}{{"t-legacy-1", chathome.Legacy}, {"t-legacy-2", chathome.Frozen}, {"t-platform-3", chathome.Platform}} {
		tok, h, err := r.Token(ctx, c.hash)
		if err != nil || h.Side != c.side || tok == nil {
			t.Fatalf("%s: %+v %+v %v, want side %s", c.hash, tok, h, err, c.side)
		}
	}
	t.Run("ErrLegacyTokenAfterTheUpgrade", func(t *testing.T) {
		if _, _, err := r.Token(ctx, "t-legacy-3"); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		if _, _, err := r.Token(ctx, "nope"); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestClient(t *testing.T) {
	t.Parallel()
	r, legacy, platform, _ := setup(t)
	ctx := context.Background()
	for _, c := range []struct {
		id   string
		side chathome.Side
		name string
	}{{"c1", chathome.Legacy, "legacy copy"}, {"c2", chathome.Frozen, "legacy copy"}, {"c3", chathome.Platform, "platform copy"}} {
		got, h, err := r.Client(ctx, c.id)
		if err != nil || h.Side != c.side || got.Name != c.name {
			t.Fatalf("%s: %+v %+v %v", c.id, got, h, err)
		}
	}
	t.Run("ErrUpgradedWithoutThePlatformsCopy", func(t *testing.T) {
		delete(platform.clients, "c3")
		if _, _, err := r.Client(ctx, "c3"); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrAnotherAccountsIdentifier", func(t *testing.T) {
		legacy.clients["c1"].AccountID = 3 // the platform's c3 is gone: no side has c1 for account 3
		if _, _, err := r.Client(ctx, "c1"); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrEmpty", func(t *testing.T) {
		if _, _, err := r.Client(ctx, ""); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestImporting(t *testing.T) {
	t.Parallel()
	r, _, _, im := setup(t)
	ctx := context.Background()
	want := func(t *testing.T, state string) {
		t.Helper()
		p, err := r.Importing(ctx, 3)
		switch {
		case err != nil:
			t.Fatal(err)
		case state == "" && p != nil:
			t.Fatalf("progress %+v, want none: history imported", p)
		case state != "" && (p == nil || p.State != state):
			t.Fatalf("progress %+v, want %s", p, state)
		}
	}
	t.Run("PendingBeforeTheRecord", func(t *testing.T) { want(t, chatlift.ImportPending) })
	im.unified[3] = &chatlift.UnifiedAccount{AccountID: 3, UpgradeID: "up"}
	t.Run("PendingWithoutTheUpgrade", func(t *testing.T) { want(t, chatlift.ImportPending) })
	im.upgrades["up"] = &chatlift.Upgrade{ID: "up", Import: chatlift.ImportProgress{State: chatlift.ImportRunning}}
	t.Run("Running", func(t *testing.T) { want(t, chatlift.ImportRunning) })
	im.upgrades["up"].Import.State = chatlift.ImportDone
	t.Run("DoneByTheUpgrade", func(t *testing.T) { want(t, "") })
	im.upgrades["up"].Import.State = chatlift.ImportRunning
	im.unified[3].HistoryImported = true
	t.Run("DoneByTheAccount", func(t *testing.T) { want(t, "") })
}

// TestRefused: only a write the freeze refused (ErrFrozen in its chain)
// is served again; the hold's own refusals and other errors are not.
func TestRefused(t *testing.T) {
	t.Parallel()
	frozen := fmt.Errorf("%w: %w", chatlift.Errorf(chatlift.EUNAVAILABLE, "chat account 1 is maintenance"), chatlift.ErrFrozen)
	for _, c := range []struct {
		name    string
		err     error
		refused bool
	}{
		{"RefusedByTheFreeze", frozen, true},
		{"Wrapped", fmt.Errorf("add a message: %w", frozen), true},
		{"PastTheHold", chatlift.Errorf(chatlift.EUNAVAILABLE, "chat is being upgraded for this account; retry shortly"), false},
		{"Other", errors.New("disk full"), false},
		{"None", nil, false},
	} {
		if got := chathome.Refused(c.err); got != c.refused {
			t.Errorf("%s: Refused(%v) = %v, want %v", c.name, c.err, got, c.refused)
		}
	}
}
