// Package notification tells customers about their upgrade: an in-product
// message on the account and an email queued in the outbox (which the
// mailer delivers), both at most once per key.
package notification

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// errSent ends a transaction that found the key already notified.
var errSent = errors.New("already notified")

// Notify creates an in-product message for everyone on the account and,
// when emailTo is not empty, queues an email with the same title and body,
// both in one transaction and both under key: a key already notified
// changes nothing, however often or concurrently Notify is called with it.
// It reports whether this call created them.
func Notify(ctx context.Context, store chatlift.PlatformStore, accountID int64, kind, title, body string, emailTo []string, key string) (bool, error) {
	return Send(ctx, store, &chatlift.Notification{AccountID: accountID, Key: key, Kind: kind, Title: title, Body: body}, emailTo)
}

// Send is Notify with the notification given whole: its URL, when set,
// links the in-product message to its page and ends the email's body (as a
// path: Sender with a PublicURL makes it absolute).
func Send(ctx context.Context, store chatlift.PlatformStore, n *chatlift.Notification, emailTo []string) (bool, error) {
	return Sender{Store: store}.Send(ctx, n, emailTo)
}

// Sender sends notifications through Store. PublicURL is the address
// customers reach this server at (https://chat.example.com): an email's link
// is PublicURL followed by the notification's path; empty, the email carries
// the path alone. The in-product message always keeps the path.
type Sender struct {
	Store     chatlift.PlatformStore
	PublicURL string
}

// Send writes the notification and queues its email, as the package-level
// Send does, the email's link made absolute with s.PublicURL.
func (s Sender) Send(ctx context.Context, n *chatlift.Notification, emailTo []string) (bool, error) {
	store := s.Store
	now := time.Now().UTC()
	n.CreatedAt = now
	accountID, key, body := n.AccountID, n.Key, EmailBody(n, s.PublicURL)
	var email *chatlift.Email
	if len(emailTo) > 0 {
		email = &chatlift.Email{AccountID: accountID, Key: key, To: dedupe(emailTo), Subject: n.Title, Body: body, CreatedAt: now}
	}
	if err := validate(n, email); err != nil {
		return false, err
	}
	err := store.InTx(ctx, func(tx chatlift.PlatformStore) error {
		id, err := tx.NextIDs(ctx, "notifications/"+strconv.FormatInt(accountID, 10), 1)
		if err != nil {
			return err
		}
		n.ID = id
		if err := tx.PutNotification(ctx, n); chatlift.ErrorCode(err) == chatlift.ECONFLICT {
			return errSent
		} else if err != nil || email == nil {
			return err
		}
		if email.ID, err = tx.NextIDs(ctx, "email", 1); err != nil {
			return err
		}
		// false when an email with the key was queued by other means: still one.
		_, err = tx.QueueEmail(ctx, email)
		return err
	})
	if errors.Is(err, errSent) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("notify account %d (%s): %w", accountID, key, err)
	}
	return true, nil
}

// EmailBody is the body of n's email: its body, then the link to the page it
// speaks of, publicURL (without its trailing slash) before the path when set.
func EmailBody(n *chatlift.Notification, publicURL string) string {
	if n.URL == "" {
		return n.Body
	}
	return n.Body + "\n\nSee it on your account's pages: " + strings.TrimSuffix(publicURL, "/") + n.URL
}

func validate(n *chatlift.Notification, e *chatlift.Email) error {
	switch {
	case n.AccountID <= 0:
		return chatlift.Errorf(chatlift.EINVALID, "account id must be positive")
	case n.Key == "":
		return chatlift.Errorf(chatlift.EINVALID, "notification key required")
	case n.Title == "":
		return chatlift.Errorf(chatlift.EINVALID, "notification title required")
	case e != nil:
		return e.Validate()
	}
	return nil
}

// dedupe drops repeated recipients, ignoring case, keeping the first spelling.
func dedupe(to []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(to))
	for _, addr := range to {
		if k := chatlift.NormalizeEmail(addr); !seen[k] {
			seen[k] = true
			out = append(out, addr)
		}
	}
	return out
}
