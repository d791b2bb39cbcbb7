// Package billing carries out the billing consolidation the upgrade needs:
// a customer's chat billing account folds into its support billing account
// before the cutover, and can be unfolded again if the upgrade rolls back.
//
// The plan itself (prorated alignment, currencies) is the domain's
// chatlift.PlanConsolidation; this package loads the rows, applies the plan
// in one transaction and keeps what it changed in a ConsolidationRecord, so
// that Unconsolidate restores the exact rows even after a restart.
package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// Store is what billing's consolidation reads of the platform; it writes
// in InTx's transaction.
type Store interface {
	InTx(ctx context.Context, fn func(chatlift.PlatformStore) error) error
	SupportAccount(ctx context.Context, id int64) (*chatlift.SupportAccount, error)
	BillingAccounts(ctx context.Context, accountID int64) ([]*chatlift.BillingAccount, error)
	Subscriptions(ctx context.Context, billingAccountID int64) ([]*chatlift.Subscription, error)
	ConsolidationRecord(ctx context.Context, accountID int64) (*chatlift.ConsolidationRecord, error)
}

// Service is Consolidate, Unconsolidate and Preview bound to a store, for callers
// that take them as an interface (the upgrade's saga, the operator API).
type Service struct {
	Store Store
}

// Consolidate calls the package's Consolidate with the service's store.
func (s Service) Consolidate(ctx context.Context, accountID int64, now time.Time) (*chatlift.Consolidation, error) {
	return Consolidate(ctx, s.Store, accountID, now)
}

// Unconsolidate calls the package's Unconsolidate with the service's store.
func (s Service) Unconsolidate(ctx context.Context, accountID int64) error {
	return Unconsolidate(ctx, s.Store, accountID)
}

// Preview returns the plan of the package's Preview with the service's store.
func (s Service) Preview(ctx context.Context, accountID int64, now time.Time) (*chatlift.Consolidation, error) {
	plan, _, err := Preview(ctx, s.Store, accountID, now)
	return plan, err
}

// Plan is the package's Preview with the service's store: the plan and, on
// an account already consolidated, its record.
func (s Service) Plan(ctx context.Context, accountID int64, now time.Time) (*chatlift.Consolidation, *chatlift.ConsolidationRecord, error) {
	return Preview(ctx, s.Store, accountID, now)
}

// state is an account's billing as consolidation sees it.
type state struct {
	support *chatlift.BillingAccount
	chat    *chatlift.BillingAccount // nil when the account has none
	subs    []*chatlift.Subscription // the chat billing account's
}

// errAlready ends a consolidation transaction that another one beat.
var errAlready = errors.New("already consolidated")

// Consolidate folds the account's chat billing account into its support
// billing account at now, when they bill differently: the chat subscription
// moves onto the support account aligned to its term, currency and
// frequency, the chat billing account is marked consolidated into the
// support one, and one invoice with the alignment charge and credit is
// issued to the support account. All of it lands in one transaction or not
// at all.
//
// Consolidate is idempotent: on an account already consolidated it changes
// nothing and returns the plan it applied then. When both accounts already
// bill the same way it changes nothing and returns a plan that is not Needed.
func Consolidate(ctx context.Context, store Store, accountID int64, now time.Time) (*chatlift.Consolidation, error) {
	var plan *chatlift.Consolidation
	err := store.InTx(ctx, func(tx chatlift.PlatformStore) error {
		st, err := load(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if plan, err = st.plan(ctx, tx, now); err != nil || !plan.Needed || st.chat.ConsolidatedInto != nil {
			return err
		}
		return apply(ctx, tx, st, plan, now)
	})
	if errors.Is(err, errAlready) {
		rec, err := store.ConsolidationRecord(ctx, accountID)
		if err != nil {
			return nil, fmt.Errorf("read consolidation of account %d: %w", accountID, err)
		}
		return rec.Plan, nil
	} else if err != nil {
		return nil, fmt.Errorf("consolidate billing of account %d: %w", accountID, err)
	}
	return plan, nil
}

// Preview returns what Consolidate would do at now, changing nothing. On an
// account already consolidated it returns the plan applied and its record.
func Preview(ctx context.Context, store Store, accountID int64, now time.Time) (*chatlift.Consolidation, *chatlift.ConsolidationRecord, error) {
	st, err := load(ctx, store, accountID)
	if err != nil {
		return nil, nil, err
	}
	if st.chat != nil && st.chat.ConsolidatedInto != nil {
		rec, err := store.ConsolidationRecord(ctx, accountID)
		if err == nil {
			return rec.Plan, rec, nil
		} else if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			return nil, nil, err
		}
	}
	plan, err := st.plan(ctx, store, now)
	return plan, nil, err
}

// Unconsolidate undoes Consolidate: it removes the moved subscription and
// the invoice from the support billing account and restores the chat
// billing account and its subscriptions exactly as they were, in one
// transaction. It is idempotent and safe whether or not Consolidate ran
// (or changed anything). Changes made to the moved subscription since are
// lost with it; the saga undoes before the cutover, minutes later.
func Unconsolidate(ctx context.Context, store Store, accountID int64) error {
	err := store.InTx(ctx, func(tx chatlift.PlatformStore) error {
		rec, err := tx.ConsolidationRecord(ctx, accountID)
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if s := rec.Plan.Subscription; s != nil {
			if err := tx.DeleteSubscriptions(ctx, rec.Plan.Into, []int64{s.ID}); err != nil {
				return err
			}
		}
		if rec.InvoiceID != 0 {
			if err := tx.DeleteInvoice(ctx, rec.Plan.Into, rec.InvoiceID); err != nil {
				return err
			}
		}
		if err := tx.PutSubscriptions(ctx, rec.SubsBefore); err != nil {
			return err
		} else if err := tx.PutBillingAccount(ctx, rec.ChatBefore); err != nil {
			return err
		}
		return tx.DeleteConsolidationRecord(ctx, accountID)
	})
	if err != nil {
		return fmt.Errorf("unconsolidate billing of account %d: %w", accountID, err)
	}
	return nil
}

// load reads the account's support and chat billing accounts and the chat
// one's subscriptions.
func load(ctx context.Context, store Store, accountID int64) (*state, error) {
	account, err := store.SupportAccount(ctx, accountID)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "account %d not found", accountID)
	} else if err != nil {
		return nil, err
	}
	list, err := store.BillingAccounts(ctx, accountID)
	if err != nil {
		return nil, err
	}
	st := &state{}
	for _, b := range list {
		if b.Product == "support" && (b.ID == account.BillingAccountID || st.support == nil) {
			st.support = b
		}
	}
	if st.support == nil {
		return nil, chatlift.Errorf(chatlift.EINVALID, "account %d has no support billing account", accountID)
	}
	for _, b := range list {
		if b.Product != "chat" || b.ID == st.support.ID {
			continue
		} else if st.chat != nil {
			return nil, chatlift.Errorf(chatlift.EINVALID, "account %d has chat billing accounts %d and %d; merge them by hand first", accountID, st.chat.ID, b.ID)
		}
		st.chat = b
	}
	if st.chat != nil && st.chat.ConsolidatedInto == nil {
		if st.subs, err = store.Subscriptions(ctx, st.chat.ID); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// plan is what consolidating st at now means; on a consolidated account,
// the plan applied then.
func (st *state) plan(ctx context.Context, store Store, now time.Time) (*chatlift.Consolidation, error) {
	switch {
	case st.chat == nil:
		return &chatlift.Consolidation{Into: st.support.ID, Currency: st.support.Currency, Lines: []chatlift.InvoiceLine{}}, nil
	case st.chat.ConsolidatedInto != nil:
		rec, err := store.ConsolidationRecord(ctx, st.chat.AccountID)
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			// Consolidated by other means: there is nothing left to do.
			return &chatlift.Consolidation{Into: *st.chat.ConsolidatedInto, From: st.chat.ID, Currency: st.support.Currency, Lines: []chatlift.InvoiceLine{}}, nil
		} else if err != nil {
			return nil, err
		}
		return rec.Plan, nil
	case len(st.subs) > 1:
		return nil, chatlift.Errorf(chatlift.EINVALID, "chat billing account %d has %d subscriptions; consolidation moves one", st.chat.ID, len(st.subs))
	}
	var sub *chatlift.Subscription
	if len(st.subs) == 1 {
		sub = st.subs[0]
	}
	return chatlift.PlanConsolidation(st.support, st.chat, sub, now)
}

// apply writes plan within the transaction tx: the record first, so that of
// two concurrent consolidations only one gets past it.
func apply(ctx context.Context, tx chatlift.PlatformStore, st *state, plan *chatlift.Consolidation, now time.Time) error {
	before := *st.chat
	rec := &chatlift.ConsolidationRecord{AccountID: st.chat.AccountID, Plan: plan, ChatBefore: &before,
		SubsBefore: nonNil(st.subs), ConsolidatedAt: now}
	if plan.Subscription != nil && len(plan.Lines) > 0 {
		id, err := tx.NextIDs(ctx, "invoice", 1)
		if err != nil {
			return err
		}
		rec.InvoiceID = id
	}
	if err := tx.CreateConsolidationRecord(ctx, rec); chatlift.ErrorCode(err) == chatlift.ECONFLICT {
		return errAlready
	} else if err != nil {
		return err
	}
	chat := *st.chat
	chat.ConsolidatedInto = &st.support.ID
	if err := tx.PutBillingAccount(ctx, &chat); err != nil {
		return err
	}
	if plan.Subscription != nil {
		if err := moveSubscription(ctx, tx, st, plan.Subscription); err != nil {
			return err
		}
	}
	if rec.InvoiceID == 0 {
		return nil
	}
	return tx.PutInvoice(ctx, &chatlift.Invoice{ID: rec.InvoiceID, BillingAccountID: st.support.ID, Currency: plan.Currency,
		Lines: plan.Lines, TotalCents: plan.TotalCents, IssuedAt: now})
}

// moveSubscription replaces the chat subscription by its aligned copy on
// the support billing account, keeping its id.
func moveSubscription(ctx context.Context, tx chatlift.PlatformStore, st *state, aligned *chatlift.Subscription) error {
	existing, err := tx.Subscriptions(ctx, st.support.ID)
	if err != nil {
		return err
	}
	for _, s := range existing {
		if s.ID == aligned.ID {
			return chatlift.Errorf(chatlift.ECONFLICT, "billing account %d already has a subscription %d", st.support.ID, s.ID)
		}
	}
	if err := tx.DeleteSubscriptions(ctx, st.chat.ID, []int64{aligned.ID}); err != nil {
		return err
	}
	return tx.PutSubscriptions(ctx, []*chatlift.Subscription{aligned})
}

func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
