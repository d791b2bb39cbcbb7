package opsapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// Store is what the operator API reads and writes of the platform.
type Store interface {
	SupportAccount(ctx context.Context, id int64) (*chatlift.SupportAccount, error)
	Upgrades(ctx context.Context, f chatlift.UpgradeFilter) ([]*chatlift.Upgrade, error)
	Upgrade(ctx context.Context, id string) (*chatlift.Upgrade, error)
	ImportSettings(ctx context.Context) (chatlift.ImportSettings, error)
	PutImportSettings(ctx context.Context, s chatlift.ImportSettings) error
	ActiveImportLeases(ctx context.Context, now time.Time) (int, error)
	ConsolidationRecord(ctx context.Context, accountID int64) (*chatlift.ConsolidationRecord, error)
	BillingAccounts(ctx context.Context, accountID int64) ([]*chatlift.BillingAccount, error)
	Subscriptions(ctx context.Context, billingAccountID int64) ([]*chatlift.Subscription, error)
	Invoices(ctx context.Context, billingAccountID int64) ([]*chatlift.Invoice, error)
	Notifications(ctx context.Context, accountID int64) ([]*chatlift.Notification, error)
	PutNotification(ctx context.Context, n *chatlift.Notification) error
	PostponeRequests(ctx context.Context, upgradeID string) ([]*chatlift.PostponeRequest, error)
	AddAuditEntry(ctx context.Context, e *chatlift.AuditEntry) error
}

// Accounts is what the operator API reads of the legacy chat product.
type Accounts interface {
	ChatAccounts(ctx context.Context, f chatlift.AccountFilter) ([]*chatlift.ChatAccount, error)
}

// Billing is what the operator API asks of billing (billing.Service).
type Billing interface {
	// Plan is what consolidating the account at now would do and, once
	// done, the plan applied and its record; it changes nothing.
	Plan(ctx context.Context, accountID int64, now time.Time) (*chatlift.Consolidation, *chatlift.ConsolidationRecord, error)
	// Consolidate consolidates the account's billing at now, or returns
	// what was done before.
	Consolidate(ctx context.Context, accountID int64, now time.Time) (*chatlift.Consolidation, error)
}

// API is the operator and upgrade API: upgrades (requested by an account's
// admins or the operator), the fleet's enrollment and import settings,
// billing and its consolidation, in-product notifications and the
// operator's list of accounts.
type API struct {
	Logger *slog.Logger
	// Operator authorizes the operator; Auth a support account's callers.
	Operator *api.Operator
	Auth     *api.SupportAuth
	Store    Store
	Legacy   Accounts
	// Billing consolidates an account's billing.
	Billing Billing
	// Upgrades runs upgrades; Faults, when set, accepts injected faults.
	Upgrades Upgrades
	Faults   Faults
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Routes registers the operator and upgrade API.
func (s *API) Routes(handle func(string, http.HandlerFunc)) {
	handle("GET /api/ops/accounts", s.Operator.Only(s.listAccounts))
	s.upgradeRoutes(handle)
	s.importRoutes(handle)
	s.billingRoutes(handle)
	s.notificationRoutes(handle)
}

func (s *API) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
