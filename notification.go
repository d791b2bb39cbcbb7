package chatlift

import "time"

// Notification is an in-product message shown to an account's admins (or to
// one user when UserEmail is set).
type Notification struct {
	ID        int64  `json:"id"`
	AccountID int64  `json:"account_id"`
	Key       string `json:"key,omitempty"` // unique per account when set: one notification per key
	UserEmail string `json:"user_email,omitempty"`
	Kind      string `json:"kind"` // upgrade_scheduled, upgrade_completed, upgrade_failed, ...
	Title     string `json:"title"`
	Body      string `json:"body"`
	// URL is the page the notification speaks of (a path on this server),
	// empty if none.
	URL       string     `json:"url,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// UpgradePage is the account owners' page every upgrade notice links to.
const UpgradePage = "/account/upgrade"

// Email is a message in the outbox. Key makes sending idempotent: an email
// with a key already in the outbox is not queued again.
type Email struct {
	ID        int64      `json:"id"`
	AccountID int64      `json:"account_id"`
	Key       string     `json:"key"`
	To        []string   `json:"to"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	SentAt    *time.Time `json:"sent_at"`
}

// MaxEmailKeys is how many keys one PlatformStore.EmailsByKey may ask for.
const MaxEmailKeys = 500

// Validate reports the first problem with e.
func (e *Email) Validate() error {
	if e.Key == "" {
		return Errorf(EINVALID, "email key required")
	} else if len(e.To) == 0 {
		return Errorf(EINVALID, "email needs a recipient")
	}
	for _, to := range e.To {
		if !ValidEmail(to) {
			return Errorf(EINVALID, "recipient %q is not an email address", to)
		}
	}
	return nil
}
