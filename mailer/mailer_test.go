package mailer_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/mailer"
	"github.com/chatlift/chatlift/sqlstore"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// fixture is a platform store with an outbox, a test SMTP server and a
// mailer delivering to it on a clock the test moves.
type fixture struct {
	store  *sqlstore.DB
	server *smtpServer
	mailer *mailer.Mailer
	clock  *clock
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func setup(t *testing.T) *fixture {
	t.Helper()
	store, err := sqlstore.Open(context.Background(), sqlstore.Config{Path: filepath.Join(t.TempDir(), "platform.db"), Role: sqlstore.RolePlatform})
	must(t, err)
	t.Cleanup(func() { store.Close() })
	server := startSMTP(t, "chatlift", "s3cret")
	sender, from, err := mailer.Open(mailer.Config{URL: "smtp://chatlift:s3cret@" + server.addr() + "?from=Chatlift%20%3Cupgrades@chatlift.test%3E"})
	must(t, err)
	f := &fixture{store: store, server: server, clock: &clock{now: t0}}
	f.mailer = &mailer.Mailer{Outbox: store, Sender: sender, From: from, Logger: slog.New(slog.DiscardHandler), Now: f.clock.Now}
	return f
}

// queue puts an email in the outbox.
func (f *fixture) queue(t *testing.T, key string, to ...string) *chatlift.Email {
	t.Helper()
	ctx := context.Background()
	id, err := f.store.NextIDs(ctx, "email", 1)
	must(t, err)
	e := &chatlift.Email{ID: id, AccountID: 1, Key: key, To: to, Subject: "Your upgrade: " + key,
		Body: "Hello,\nFrom now on chat is part of your account.\n.\nBye", CreatedAt: t0}
	added, err := f.store.QueueEmail(ctx, e)
	must(t, err)
	if !added {
		t.Fatalf("email %s not queued", key)
	}
	return e
}

// pending is the email if it is still pending in the outbox, else nil.
func (f *fixture) pending(t *testing.T, id int64) *chatlift.Email {
	t.Helper()
	list, err := f.store.PendingEmails(context.Background(), 1000)
	must(t, err)
	for _, e := range list {
		if e.ID == id {
			return e
		}
	}
	return nil
}

func TestDelivery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		a := f.queue(t, "upgrade-u1-scheduled", "boss@acme.test", "ap@acme.test")
		f.queue(t, "upgrade-u2-scheduled", "owner@other.test")
		sent, err := f.mailer.Flush(ctx)
		must(t, err)
		got := f.server.received()
		if sent != 2 || len(got) != 2 {
			t.Fatalf("sent %d, server received %d; want 2", sent, len(got))
		}
		m := got[0]
		if !strings.Contains(m.From, "upgrades@chatlift.test") || len(m.To) != 2 || !strings.Contains(m.To[1], "ap@acme.test") {
			t.Fatalf("envelope = %+v", m)
		}
		wantID := "<" + mailer.MessageID(a.Key, "upgrades@chatlift.test") + ">"
		if header(m.Data, "Message-Id") != wantID || header(m.Data, "Subject") != a.Subject || header(m.Data, "X-Chatlift-Email-Key") != a.Key {
			t.Fatalf("headers of\n%s", m.Data)
		}
		if !strings.Contains(m.Data, "From now on chat") {
			t.Fatalf("body lost:\n%s", m.Data)
		}
		pending, err := f.store.PendingEmails(ctx, 10)
		must(t, err)
		if len(pending) != 0 {
			t.Fatalf("%d emails still pending", len(pending))
		}
	})
	t.Run("NoDuplicateSend", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		f.queue(t, "k1", "boss@acme.test")
		for range 3 {
			_, err := f.mailer.Flush(ctx)
			must(t, err)
			f.clock.Add(time.Hour)
		}
		if got := f.server.received(); len(got) != 1 {
			t.Fatalf("server received %d messages, want 1", len(got))
		}
	})
	t.Run("RetryAfterFailure", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		e := f.queue(t, "k1", "boss@acme.test")
		f.server.failNextMessages(1)
		sent, err := f.mailer.Flush(ctx)
		must(t, err)
		failed := f.pending(t, e.ID)
		if sent != 0 || failed == nil || failed.Attempts != 1 || !strings.Contains(failed.LastError, "451") || failed.SentAt != nil {
			t.Fatalf("after a refused send: sent %d, email %+v", sent, failed)
		}
		sent, err = f.mailer.Flush(ctx)
		must(t, err)
		if sent != 0 {
			t.Fatal("retried before the backoff ended")
		}
		f.clock.Add(mailer.Backoff(1))
		sent, err = f.mailer.Flush(ctx)
		must(t, err)
		if got := f.server.received(); sent != 1 || len(got) != 1 {
			t.Fatalf("after the backoff: sent %d, server received %d", sent, len(got))
		}
		if f.pending(t, e.ID) != nil {
			t.Fatal("email still pending after it was sent")
		}
	})
	t.Run("ErrAuth", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		sender, _, err := mailer.Open(mailer.Config{URL: "smtp://chatlift:wrong@" + f.server.addr()})
		must(t, err)
		f.mailer.Sender = sender
		e := f.queue(t, "k1", "boss@acme.test")
		_, err = f.mailer.Flush(ctx)
		must(t, err)
		if got := f.pending(t, e.ID); got == nil || got.Attempts != 1 || got.LastError == "" {
			t.Fatalf("email after a refused login: %+v", got)
		}
	})
}

// flakyOutbox fails the next marks of sent emails.
type flakyOutbox struct {
	mailer.Outbox
	mu        sync.Mutex
	failMarks int
}

func (o *flakyOutbox) RecordEmail(ctx context.Context, e *chatlift.Email, owner string, retryAt time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if e.SentAt != nil && o.failMarks > 0 {
		o.failMarks--
		return errors.New("database unavailable")
	}
	return o.Outbox.RecordEmail(ctx, e, owner, retryAt)
}

func TestMarkFailureDoesNotResend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	f.queue(t, "k1", "boss@acme.test")
	f.mailer.Outbox = &flakyOutbox{Outbox: f.store, failMarks: 2}
	if _, err := f.mailer.Flush(ctx); err == nil {
		t.Fatal("Flush hid a failed mark")
	}
	if _, err := f.mailer.Flush(ctx); err == nil {
		t.Fatal("Flush hid a failed mark")
	}
	_, err := f.mailer.Flush(ctx)
	must(t, err)
	if got := f.server.received(); len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	pending, err := f.store.PendingEmails(ctx, 10)
	must(t, err)
	if len(pending) != 0 {
		t.Fatalf("%d emails pending", len(pending))
	}
}

func TestStartStop(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.mailer.Now, f.mailer.Interval = nil, 10*time.Millisecond
	f.mailer.Start(context.Background())
	f.queue(t, "k1", "boss@acme.test")
	deadline := time.Now().Add(10 * time.Second)
	for len(f.server.received()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("email not delivered within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	f.mailer.Stop()
	f.mailer.Stop()
	pending, err := f.store.PendingEmails(context.Background(), 10)
	must(t, err)
	if len(pending) != 0 || len(f.server.received()) != 1 {
		t.Fatalf("%d pending, %d received", len(pending), len(f.server.received()))
	}
}

func TestMbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	path := filepath.Join(t.TempDir(), "data", "outbox.mbox")
	sender, from, err := mailer.Open(mailer.Config{MboxPath: path})
	must(t, err)
	f.mailer.Sender, f.mailer.From = sender, from
	f.queue(t, "k1", "boss@acme.test")
	f.queue(t, "k2", "ann@acme.test")
	sent, err := f.mailer.Flush(ctx)
	must(t, err)
	raw, err := os.ReadFile(path)
	must(t, err)
	text := string(raw)
	if sent != 2 || strings.Count(text, "\nFrom MAILER-DAEMON ") != 1 || !strings.HasPrefix(text, "From MAILER-DAEMON ") {
		t.Fatalf("sent %d; mbox:\n%s", sent, text)
	}
	if !strings.Contains(text, "\n>From now on chat") || strings.Contains(text, "\r\n") {
		t.Fatalf("mbox not quoted or not LF:\n%s", text)
	}
	if !strings.Contains(text, "Message-ID: <"+mailer.MessageID("k2", mailer.DefaultFrom)+">") {
		t.Fatalf("no stable Message-ID:\n%s", text)
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"http://mail.example.test", "smtp://", "smtp://host:99999", "smtp://u:p@host?auth=magic", "smtp://host?tls=off", "smtp://%zz"} {
		if _, _, err := mailer.Open(mailer.Config{URL: url}); err == nil {
			t.Errorf("Open(%q) accepted", url)
		}
	}
	if _, _, err := mailer.Open(mailer.Config{}); err == nil {
		t.Error("Open without URL or mbox path accepted")
	}
	for _, url := range []string{"smtp://mail.example.test", "smtps://u:p@mail.example.test?auth=login&from=a@b.test"} {
		if _, _, err := mailer.Open(mailer.Config{URL: url}); err != nil {
			t.Errorf("Open(%q): %v", url, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for attempts, want := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 4: 40 * time.Second, 20: time.Hour} {
		if got := mailer.Backoff(attempts); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", attempts, got, want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
