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
}

// Notice is a message to the customer, by email and in-product.
type Notice struct {
	AccountID int64
	Key       string // one notice per key, however often it is sent
	Kind      string
	Title     string
	Body      string
	EmailTo   []string
}

// Notifier tells customers; Notify is idempotent by the notice's key.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// Importer copies an account's history (chats, visitors, analytics) from
// the legacy chat store to the platform's, resumably; progress is called as
// it goes.
type Importer interface {
	Import(ctx context.Context, accountID int64, progress func(chatlift.ImportProgress)) error
}
