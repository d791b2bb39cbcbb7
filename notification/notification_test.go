package notification_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/notification"
	"github.com/chatlift/chatlift/sqlstore"
)

var schemaSeq atomic.Int64

// setup opens an empty platform store: SQLite, or PostgreSQL in a schema of
// its own when TEST_DATABASE_URL is set.
func setup(t *testing.T) *sqlstore.DB {
	t.Helper()
	cfg := sqlstore.Config{Path: filepath.Join(t.TempDir(), "platform.db"), Role: sqlstore.RolePlatform}
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		cfg.URL, cfg.Schema = url, fmt.Sprintf("notify%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	}
	db, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// counts returns the account's notifications and every queued email.
func counts(t *testing.T, s chatlift.PlatformStore, accountID int64) ([]*chatlift.Notification, []*chatlift.Email) {
	t.Helper()
	ns, err := s.Notifications(context.Background(), accountID)
	if err != nil {
		t.Fatal(err)
	}
	es, err := s.PendingEmails(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return ns, es
}

func TestNotify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		created, err := notification.Notify(ctx, s, 1, "upgrade_scheduled", "Your upgrade is scheduled", "On 3 March at 02:00.",
			[]string{"boss@acme.test", "BOSS@acme.test", "ap@acme.test"}, "upgrade-u1-scheduled")
		if err != nil || !created {
			t.Fatalf("Notify = %v, %v", created, err)
		}
		ns, es := counts(t, s, 1)
		if len(ns) != 1 || ns[0].Key != "upgrade-u1-scheduled" || ns[0].Kind != "upgrade_scheduled" || ns[0].UserEmail != "" {
			t.Fatalf("notifications = %+v", ns)
		}
		if len(es) != 1 || es[0].Key != "upgrade-u1-scheduled" || len(es[0].To) != 2 || es[0].Subject != "Your upgrade is scheduled" {
			t.Fatalf("emails = %+v", es)
		}
	})
	t.Run("URL", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		n := &chatlift.Notification{AccountID: 1, Key: "upgrade-u1-blocked", Kind: "upgrade_blocked", Title: "Blocked",
			Body: "Resolve it.", URL: chatlift.UpgradePage}
		if created, err := notification.Send(ctx, s, n, []string{"boss@acme.test"}); err != nil || !created {
			t.Fatalf("Send = %v, %v", created, err)
		}
		ns, es := counts(t, s, 1)
		if len(ns) != 1 || ns[0].URL != "/account/upgrade" || ns[0].Body != "Resolve it." {
			t.Fatalf("notifications = %+v", ns)
		}
		if len(es) != 1 || es[0].Body != "Resolve it.\n\nSee it on your account's pages: /account/upgrade" {
			t.Fatalf("emails = %+v", es)
		}
	})
	t.Run("IdempotentByKey", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		var wg sync.WaitGroup
		results := make(chan bool, 10)
		for range 10 {
			wg.Go(func() {
				created, err := notification.Notify(ctx, s, 1, "upgrade_completed", "Done", "Chat is upgraded.", []string{"boss@acme.test"}, "upgrade-u1-completed")
				if err != nil {
					t.Error(err)
				}
				results <- created
			})
		}
		wg.Wait()
		close(results)
		n := 0
		for created := range results {
			if created {
				n++
			}
		}
		ns, es := counts(t, s, 1)
		if n != 1 || len(ns) != 1 || len(es) != 1 {
			t.Fatalf("%d calls created; %d notifications, %d emails; want 1 each", n, len(ns), len(es))
		}
		created, err := notification.Notify(ctx, s, 2, "upgrade_completed", "Done", "", []string{"boss@other.test"}, "upgrade-u1-completed")
		if err != nil || !created {
			t.Fatalf("same key on another account: %v, %v", created, err)
		}
	})
	t.Run("WithoutEmail", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		for range 2 {
			if _, err := notification.Notify(ctx, s, 1, "upgrade_failed", "Rescheduled", "We will try again.", nil, "upgrade-u1-failed-1"); err != nil {
				t.Fatal(err)
			}
		}
		ns, es := counts(t, s, 1)
		if len(ns) != 1 || len(es) != 0 {
			t.Fatalf("%d notifications, %d emails; want 1, 0", len(ns), len(es))
		}
	})
	t.Run("ErrInvalidWritesNothing", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		for _, c := range []struct {
			title, key string
			to         []string
		}{{"Hi", "k", []string{"not an email"}}, {"", "k", nil}, {"Hi", "", nil}} {
			_, err := notification.Notify(ctx, s, 1, "x", c.title, "", c.to, c.key)
			if chatlift.ErrorCode(err) != chatlift.EINVALID {
				t.Fatalf("Notify(%q, %q, %q) = %v, want invalid", c.title, c.key, c.to, err)
			}
		}
		ns, es := counts(t, s, 1)
		if len(ns) != 0 || len(es) != 0 {
			t.Fatalf("%d notifications, %d emails after invalid calls", len(ns), len(es))
		}
	})
}

func TestEmailBody(t *testing.T) {
	t.Parallel()
	n := &chatlift.Notification{Body: "Resolve it.", URL: chatlift.UpgradePage}
	for _, c := range []struct{ name, publicURL, want string }{
		{"PathOnly", "", "Resolve it.\n\nSee it on your account's pages: /account/upgrade"},
		{"Absolute", "https://chat.example.com", "Resolve it.\n\nSee it on your account's pages: https://chat.example.com/account/upgrade"},
		{"TrailingSlash", "https://chat.example.com/", "Resolve it.\n\nSee it on your account's pages: https://chat.example.com/account/upgrade"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := notification.EmailBody(n, c.publicURL); got != c.want {
				t.Fatalf("EmailBody = %q, want %q", got, c.want)
			}
		})
	}
	t.Run("NoURL", func(t *testing.T) {
		if got := notification.EmailBody(&chatlift.Notification{Body: "Done."}, "https://chat.example.com"); got != "Done." {
			t.Fatalf("EmailBody = %q", got)
		}
	})
}

func TestSenderPublicURL(t *testing.T) {
	t.Parallel()
	s := setup(t)
	n := &chatlift.Notification{AccountID: 1, Key: "upgrade-u1-blocked", Kind: "upgrade_blocked", Title: "Blocked",
		Body: "Resolve it.", URL: chatlift.UpgradePage}
	sender := notification.Sender{Store: s, PublicURL: "https://chat.example.com"}
	if created, err := sender.Send(context.Background(), n, []string{"boss@acme.test"}); err != nil || !created {
		t.Fatalf("Send = %v, %v", created, err)
	}
	ns, es := counts(t, s, 1)
	if len(ns) != 1 || ns[0].URL != "/account/upgrade" {
		t.Fatalf("notifications = %+v, want the path kept in-product", ns)
	}
	if len(es) != 1 || es[0].Body != "Resolve it.\n\nSee it on your account's pages: https://chat.example.com/account/upgrade" {
		t.Fatalf("emails = %+v", es)
	}
}
