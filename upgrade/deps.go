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
