package upgrade

import (
	"context"
	"time"

	"github.com/chatlift/chatlift"
)

// Billing consolidates a customer's two billing accounts before the cutover.
type Billing interface {
	Consolidate(ctx context.Context, accountID int64, now time.Time) (*chatlift.Consolidation, error)
	// Unconsolidate restores the billing rows exactly as they were.
	Unconsolidate(ctx context.Context, accountID int64) error
	// Preview is what Consolidate would do at now (on an account already
	// consolidated, what it did), changing nothing.
	Preview(ctx context.Context, accountID int64, now time.Time) (*chatlift.Consolidation, error)
}

// Notice is a message to the customer, by email and in-product.
type Notice struct {
	AccountID int64
	Key       string // one notice per key, however often it is sent
	Kind      string
	Title     string
	Body      string
	URL       string // the page the notice speaks of
	EmailTo   []string
}

// Notifier tells customers; Notify is idempotent by the notice's key.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// Importer moves an account's history (chats, visitors, analytics) from the
// legacy chat store to the platform's and verifies the copy.
type Importer interface {
	// Import copies what is not copied yet, resuming from its durable
	// cursor; progress is called as it goes.
	Import(ctx context.Context, job chatlift.ImportJob, progress func(chatlift.ImportProgress)) error
	// Verify compares source and target per table in key ranges; with
	// repair it re-copies the rows that differ and compares them again.
	Verify(ctx context.Context, job chatlift.ImportJob, repair bool, progress func(chatlift.ImportProgress)) (*chatlift.Verification, error)
}

// Verifier compares an account's history between two stores and repairs
// the target (importer.Verifier). A revert uses one from the platform to
// the legacy product: the import's verifier in the other direction.
type Verifier interface {
	Verify(ctx context.Context, job chatlift.ImportJob, repair bool, progress func(chatlift.ImportProgress)) (*chatlift.Verification, error)
}

// LegacyCopy is what a revert and a retirement ask of the legacy product's
// store beyond chatlift.ChatStore.
type LegacyCopy interface {
	// DeleteAgents removes the account's agents with the ids.
	DeleteAgents(ctx context.Context, accountID int64, ids []int64) error
	// RetireChatAccount removes everything the account holds but its own
	// row, which keeps routing it (chathome.Router reads its state).
	RetireChatAccount(ctx context.Context, accountID int64) error
}

// PlatformCopy is what a revert asks of the platform's store beyond
// chatlift.PlatformStore.
type PlatformCopy interface {
	// DropUpgradedChat removes the platform's copy of the account's chat,
	// its import cursors and its unified account record.
	DropUpgradedChat(ctx context.Context, accountID int64) error
}
