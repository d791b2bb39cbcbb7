package seed

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/chatlift/chatlift"
)

// Credentials are the secrets Load made for one account. They are shown
// once: the stores keep only their hashes.
type Credentials struct {
	AccountID         int64  `json:"account_id"`
	AccountName       string `json:"account_name"`
	SupportOwnerEmail string `json:"support_owner_email"`
	SupportAPIToken   string `json:"support_api_token"` // the support owner's API token
	ChatOwnerEmail    string `json:"chat_owner_email"`
	ChatAccessToken   string `json:"chat_access_token"` // an OAuth access token of the chat owner
	// ChatOwnerPassword signs the chat owner in on the OAuth consent page;
	// every chat agent of the account has the same password.
	ChatOwnerPassword string `json:"chat_owner_password"`
	// SupportAdminPassword signs the support owner in on the account
	// owners' pages (/account/); every active support admin has it.
	SupportAdminPassword string `json:"support_admin_password"`
	// OAuthClients are the account's Chat API clients with new secrets.
	OAuthClients []ClientCredentials `json:"oauth_clients"`
}

// ClientCredentials are an OAuth client's identifier and new secret.
type ClientCredentials struct {
	ClientIdentifier string `json:"client_identifier"`
	ClientSecret     string `json:"client_secret"`
	ClientType       string `json:"client_type"`
}

// batchSize is how many chats, visitors or events one Put writes.
const batchSize = 1000

// tokenLifetime is how long the OAuth tokens Load issues live.
const tokenLifetime = 365 * 24 * time.Hour

// Load writes a into the stores, the chat side into legacy and the support
// side into platform, and makes fresh credentials for it: an API token of
// the support owner, a secret for each OAuth client (a confidential client
// "Chat API (seed)" is registered when there is none) and access tokens, on
// the first client, for the chat owner and every other enabled chat admin,
// and one password for every chat agent (shown as the owner's).
//
// Load fills in a's defaults (see docs/seed-format.md), its account ids and
// any zero billing or subscription id. Every write is an upsert, so Load can
// run again on the same stores: it reuses the billing ids stored before and
// replaces the OAuth tokens, though each run adds an API token. The chat and
// support account rows are written last, so an account is never listed
// before its contents are in.
func Load(ctx context.Context, legacy chatlift.ChatStore, platform chatlift.PlatformStore, a *Account, now time.Time) (*Credentials, error) {
	if a == nil {
		return nil, invalid("no account")
	}
	p := &pipeline{legacy: legacy, platform: platform, now: now, ids: newIDAllocator(platform, 0)}
	creds, err := p.run(ctx, 1, func(int) *Account { return a })
	if err != nil {
		return nil, err
	}
	return creds[0], nil
}

// job is one account on its way into the two stores.
type job struct {
	index      int
	a          *Account
	apiTokenID int64
	creds      *Credentials
	left       atomic.Int32 // stores still to write
}

// prepare checks a and gives it everything it needs before its writes: the
// account id on every record, timestamps, billing, subscription and API
// token ids. Unless fresh, billing ids stored by an earlier load are reused.
func (p *pipeline) prepare(ctx context.Context, a *Account, index int) (*job, error) {
	if err := a.check(); err != nil {
		return nil, within(fmt.Sprintf("account %d: ", a.ID()), err)
	}
	a.setAccountIDs()
	stamp(a, p.now)
	if !p.fresh {
		if err := p.reuseBilling(ctx, a); err != nil {
			return nil, fmt.Errorf("account %d: stored billing: %w", a.ID(), err)
		}
	}
	if err := p.allocateBilling(ctx, a); err != nil {
		return nil, fmt.Errorf("account %d: allocate billing ids: %w", a.ID(), err)
	}
	tokenID, err := p.ids.take(ctx, "api_token", 1)
	if err != nil {
		return nil, fmt.Errorf("account %d: allocate API token id: %w", a.ID(), err)
	}
	password, err := setPasswords(a)
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", a.ID(), err)
	}
	return &job{index: index, a: a, apiTokenID: tokenID, creds: &Credentials{AccountID: a.ID(), AccountName: a.Support.Name,
		SupportOwnerEmail: a.Support.OwnerEmail, ChatOwnerEmail: a.Chat.OwnerEmail, ChatOwnerPassword: password,
		OAuthClients: []ClientCredentials{}}}, nil
}

// setPasswords gives every chat agent of a one new password and returns it.
// The password is a 256-bit random secret, whose strength is its entropy:
// bcrypt's cheapest cost guards it as well as any cost would, and a fleet of
// thousands of accounts does not spend a tenth of a second on each.
func setPasswords(a *Account) (string, error) {
	password := chatlift.NewSecret()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		return "", fmt.Errorf("hash agent password: %w", err)
	}
	for _, g := range a.Agents {
		g.PasswordHash = string(hash)
	}
	return password, nil
}

// putSupportPasswords gives every active support admin of j's account one
// new password for the account owners' pages (hashed at bcrypt's cheapest
// cost, for the reason setPasswords gives) and keeps it in j's credentials.
func (p *pipeline) putSupportPasswords(ctx context.Context, j *job) error {
	password := chatlift.NewSecret()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		return fmt.Errorf("hash support password: %w", err)
	}
	for _, u := range j.a.Users {
		if u.Role != chatlift.UserRoleAdmin || !u.Active {
			continue
		}
		sp := &chatlift.SupportPassword{AccountID: j.a.ID(), UserID: u.ID, Email: u.Email, Hash: string(hash)}
		if err := p.platform.PutSupportPassword(ctx, sp); err != nil {
			return err
		}
	}
	j.creds.SupportAdminPassword = password
	return nil
}

// allocateBilling gives zero-id billing accounts and subscriptions new ids,
// ties subscriptions to their billing accounts and the accounts to theirs.
func (p *pipeline) allocateBilling(ctx context.Context, a *Account) error {
	if err := allocate(ctx, p.ids, "billing_account", a.Billing, func(b *chatlift.BillingAccount) *int64 { return &b.ID }); err != nil {
		return err
	}
	for _, s := range a.Subscriptions {
		if s.BillingAccountID == 0 {
			s.BillingAccountID = a.billing(s.Product).ID
		}
	}
	if b := a.billing("chat"); b != nil {
		a.Chat.BillingAccountID = b.ID
	}
	if b := a.billing("support"); b != nil {
		a.Support.BillingAccountID = b.ID
	}
	return allocate(ctx, p.ids, "subscription", a.Subscriptions, func(s *chatlift.Subscription) *int64 { return &s.ID })
}

// allocate gives the items whose id is zero consecutive ids of sequence.
func allocate[T any](ctx context.Context, ids *idAllocator, sequence string, items []*T, id func(*T) *int64) error {
	n := 0
	for _, it := range items {
		if *id(it) == 0 {
			n++
		}
	}
	next, err := ids.take(ctx, sequence, n)
	if err != nil {
		return err
	}
	for _, it := range items {
		if *id(it) == 0 {
			*id(it), next = next, next+1
		}
	}
	return nil
}

// reuseBilling gives a's zero-id billing accounts and subscriptions the ids
// an earlier load of the same account stored.
func (p *pipeline) reuseBilling(ctx context.Context, a *Account) error {
	stored := map[string]int64{}
	if s, err := p.platform.SupportAccount(ctx, a.ID()); err == nil {
		stored["support"] = s.BillingAccountID
	} else if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		return err
	}
	if c, err := p.legacy.ChatAccount(ctx, a.ID()); err == nil {
		stored["chat"] = c.BillingAccountID
	} else if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		return err
	}
	for _, b := range a.Billing {
		if b.ID != 0 || stored[b.Product] == 0 {
			continue
		}
		old, err := p.platform.BillingAccount(ctx, stored[b.Product])
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		} else if old.AccountID != a.ID() || old.Product != b.Product {
			continue
		}
		b.ID = old.ID
		if err := p.reuseSubscriptions(ctx, a, b); err != nil {
			return err
		}
	}
	return nil
}

// reuseSubscriptions gives the zero-id subscriptions of b the ids of those
// stored for it, in order.
func (p *pipeline) reuseSubscriptions(ctx context.Context, a *Account, b *chatlift.BillingAccount) error {
	old, err := p.platform.Subscriptions(ctx, b.ID)
	if err != nil {
		return err
	}
	for _, s := range a.Subscriptions {
		if s.ID == 0 && len(old) > 0 && s.Product == b.Product && (s.BillingAccountID == 0 || s.BillingAccountID == b.ID) {
			s.ID, old = old[0].ID, old[1:]
		}
	}
	return nil
}

// stamp sets the zero creation times of a's records to now.
func stamp(a *Account, now time.Time) {
	set := func(ts ...*time.Time) {
		for _, t := range ts {
			if t.IsZero() {
				*t = now
			}
		}
	}
	set(&a.Chat.CreatedAt, &a.Support.CreatedAt)
	for _, x := range a.Agents {
		set(&x.CreatedAt)
	}
	for _, x := range a.Visitors {
		set(&x.CreatedAt, &x.UpdatedAt)
	}
	for _, x := range a.OAuthClients {
		set(&x.CreatedAt)
	}
	for _, x := range a.Users {
		set(&x.CreatedAt)
	}
	for _, x := range a.Apps {
		set(&x.CreatedAt)
	}
	for _, x := range a.Tickets {
		set(&x.CreatedAt, &x.UpdatedAt)
	}
}

// idAllocator hands out ids of the platform's sequences. With a block size
// it reserves ids in blocks, so that a fleet does not ask the store for
// each account. It is not safe for concurrent use.
type idAllocator struct {
	store     chatlift.ChatStore
	block     int
	next, end map[string]int64
}

func newIDAllocator(store chatlift.ChatStore, block int) *idAllocator {
	return &idAllocator{store: store, block: block, next: map[string]int64{}, end: map[string]int64{}}
}

// take reserves n consecutive ids of sequence and returns the first (0 when
// n is 0).
func (ids *idAllocator) take(ctx context.Context, sequence string, n int) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	if ids.next[sequence]+int64(n) > ids.end[sequence] {
		size := max(n, ids.block)
		first, err := ids.store.NextIDs(ctx, sequence, size)
		if err != nil {
			return 0, err
		}
		ids.next[sequence], ids.end[sequence] = first, first+int64(size)
	}
	first := ids.next[sequence]
	ids.next[sequence] += int64(n)
	return first, nil
}
