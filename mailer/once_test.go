package mailer_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"

	gomail "github.com/wneessen/go-mail"

	"github.com/chatlift/chatlift/mailer"
)

// gatedSender holds its first send until released, after telling started.
type gatedSender struct {
	mailer.Sender
	once    sync.Once
	started chan struct{}
	release chan struct{}
}

func (s *gatedSender) Send(ctx context.Context, m *gomail.Msg) error {
	first := false
	s.once.Do(func() { first = true })
	if first {
		close(s.started)
		<-s.release
	}
	return s.Sender.Send(ctx, m)
}

// TestTwoMailersSendEachEmailOnce runs a second mailer on the same outbox
// while the first is sending: the second leaves the email being sent alone
// and delivers the other one.
func TestTwoMailersSendEachEmailOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	f.queue(t, "k1", "boss@acme.test")
	gate := &gatedSender{Sender: f.mailer.Sender, started: make(chan struct{}), release: make(chan struct{})}
	f.mailer.Sender = gate
	other := &mailer.Mailer{Outbox: f.store, Sender: gate.Sender, From: f.mailer.From, Logger: slog.New(slog.DiscardHandler), Now: f.clock.Now}
	first := make(chan error, 1)
	go func() {
		_, err := f.mailer.Flush(ctx)
		first <- err
	}()
	<-gate.started // the first mailer is sending k1
	f.queue(t, "k2", "ann@acme.test")
	sent, err := other.Flush(ctx)
	close(gate.release)
	must(t, errors.Join(err, <-first))
	byKey := map[string]int{}
	for _, m := range f.server.received() {
		byKey[header(m.Data, "X-Chatlift-Email-Key")]++
	}
	if sent != 1 || byKey["k1"] != 1 || byKey["k2"] != 1 {
		t.Fatalf("second mailer sent %d; server received by key %v; want each once", sent, byKey)
	}
}

// TestCrashBetweenSendAndRecord kills a mailer after the server accepted an
// email and before the outbox recorded it: a new mailer leaves the email
// alone while the dead one's lease lasts, then sends it once more with the
// same Message-ID, as docs/notifications.md says.
func TestCrashBetweenSendAndRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	f.queue(t, "k1", "boss@acme.test")
	f.mailer.Outbox = &flakyOutbox{Outbox: f.store, failMarks: 1} // killed before the mark was stored
	if _, err := f.mailer.Flush(ctx); err == nil {
		t.Fatal("Flush hid the lost mark")
	}
	restarted := &mailer.Mailer{Outbox: f.store, Sender: f.mailer.Sender, From: f.mailer.From, Logger: slog.New(slog.DiscardHandler), Now: f.clock.Now}
	sent, err := restarted.Flush(ctx)
	must(t, err)
	if got := f.server.received(); sent != 0 || len(got) != 1 {
		t.Fatalf("within the lease: restarted mailer sent %d, server received %d; want 0, 1", sent, len(got))
	}
	f.clock.Add(mailer.DefaultLease)
	sent, err = restarted.Flush(ctx)
	must(t, err)
	got := f.server.received()
	if sent != 1 || len(got) != 2 || header(got[0].Data, "Message-Id") != header(got[1].Data, "Message-Id") {
		t.Fatalf("after the lease: sent %d, server received %d", sent, len(got))
	}
	if pending, err := f.store.PendingEmails(ctx, 10); err != nil || len(pending) != 0 {
		t.Fatalf("%d emails pending, %v", len(pending), err)
	}
}
