// Package mailer delivers the outbox: the emails chatlift queues in the
// platform store (chatlift.Email) are sent by SMTP, or appended to an mbox
// file when no SMTP server is configured, and marked sent.
//
// # Delivery guarantees
//
// Any number of Mailers may deliver one outbox (every chatlift serve runs
// one). A Mailer claims an email before it sends it: the claim is a lease in
// the store, to that Mailer until a time (Lease, 5 minutes by default, longer
// than a send may take), and of Mailers claiming at once only one gets each
// email. The email is recorded sent right after the SMTP server accepted it,
// which ends the lease; if that record fails, the Mailer retries it before
// it claims anything else.
//
// What no outbox can rule out is a crash (or a lost connection) after the
// server accepted an email and before the record was stored: once the dead
// Mailer's lease has expired the email is sent again. Delivery is therefore
// at least once, with a window of one email per crash. To let receivers drop
// such a duplicate, every email carries a Message-ID and a Date derived from
// its outbox key and creation time, identical on every attempt. See
// docs/notifications.md.
//
// A failed send records Attempts and LastError on the email and keeps it
// leased until its next attempt, after a backoff (5 s, doubling, at most an
// hour), for as long as it fails.
package mailer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/chatlift/chatlift"
)

// Outbox is what the mailer needs from the platform store.
type Outbox interface {
	ClaimEmails(ctx context.Context, owner string, now time.Time, ttl time.Duration, limit int) ([]*chatlift.Email, error)
	RecordEmail(ctx context.Context, e *chatlift.Email, owner string, retryAt time.Time) error
}

var _ Outbox = chatlift.PlatformStore(nil)

// Sender transmits one message. A nil error means the receiving server (or
// the file) has accepted it.
type Sender interface {
	Send(ctx context.Context, m *gomail.Msg) error
}

// DefaultFrom is the sender of chatlift's emails unless configured.
const DefaultFrom = "chatlift <noreply@chatlift.localhost>"

// Mailer is the outbox delivery loop.
type Mailer struct {
	Outbox Outbox
	Sender Sender
	// From is the sender address; empty means DefaultFrom.
	From   string
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Interval is how often the outbox is polled; 0 means 2 s.
	Interval time.Duration
	// Backoff is how long to wait before another attempt at an email that
	// failed attempts times; nil means 5 s doubling up to an hour.
	Backoff func(attempts int) time.Duration
	// SendTimeout bounds one send; 0 means 30 s. A send in flight when the
	// mailer stops is finished, so that its result is recorded.
	SendTimeout time.Duration
	// Lease is how long the mailer holds an email it claimed before another
	// mailer may send it; 0 means DefaultLease. It is at least twice
	// SendTimeout.
	Lease time.Duration
	// Owner names the mailer in its leases; empty means a name made up of
	// the host, the process id and a random part.
	Owner string

	mu       sync.Mutex
	unmarked map[int64]*chatlift.Email // sent, but recording them failed
	cancel   context.CancelFunc
	done     chan struct{}
}

// DefaultLease is how long a mailer holds an email it claimed by default.
const DefaultLease = 5 * time.Minute

// batch is how many emails one pass claims at most, one at a time.
const batch = 1000

// Start runs the delivery loop in the background until Stop or ctx ends.
func (m *Mailer) Start(ctx context.Context) {
	ctx, m.cancel = context.WithCancel(ctx)
	m.done = make(chan struct{})
	interval := m.Interval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	go func() {
		defer close(m.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if _, err := m.Flush(ctx); err != nil && ctx.Err() == nil {
				m.Logger.Error("deliver outbox", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
}

// Stop ends the loop, waiting for a send in flight.
func (m *Mailer) Stop() {
	if m.cancel == nil {
		return
	}
	m.cancel()
	<-m.done
}

// Flush makes one pass over the outbox: it claims and sends, one at a time,
// every email that is due and no other mailer holds, and returns how many it
// sent.
func (m *Mailer) Flush(ctx context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.unmarked == nil {
		m.unmarked = map[int64]*chatlift.Email{}
	}
	if m.Owner == "" {
		m.Owner = owner()
	}
	for id, e := range m.unmarked {
		if err := m.Outbox.RecordEmail(ctx, e, m.Owner, time.Time{}); err != nil {
			return 0, fmt.Errorf("mark email %d sent: %w", id, err)
		}
		delete(m.unmarked, id)
	}
	sent := 0
	for range batch {
		if ctx.Err() != nil {
			break
		}
		claimed, err := m.Outbox.ClaimEmails(ctx, m.Owner, m.now(), m.lease(), 1)
		if err != nil {
			return sent, fmt.Errorf("claim from outbox: %w", err)
		} else if len(claimed) == 0 {
			break
		}
		ok, err := m.deliver(ctx, claimed[0])
		if ok {
			sent++
		}
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// deliver sends e and records the outcome on it. It reports whether e was
// sent; an error means the outcome could not be stored.
func (m *Mailer) deliver(ctx context.Context, e *chatlift.Email) (bool, error) {
	log := m.Logger.With("email_id", e.ID, "key", e.Key, "account_id", e.AccountID)
	err := m.send(ctx, e)
	e.Attempts++
	if err == nil {
		at := m.now().UTC()
		e.SentAt, e.LastError = &at, ""
		if err := m.Outbox.RecordEmail(context.WithoutCancel(ctx), e, m.Owner, time.Time{}); err != nil {
			m.unmarked[e.ID] = e
			return true, fmt.Errorf("mark email %d sent: %w", e.ID, err)
		}
		log.Info("email sent", "attempts", e.Attempts)
		return true, nil
	}
	e.LastError = truncate(err.Error(), 500)
	wait := m.backoff(e.Attempts)
	log.Warn("email not sent; will retry", "attempts", e.Attempts, "retry_in", wait, "error", err)
	if err := m.Outbox.RecordEmail(context.WithoutCancel(ctx), e, m.Owner, m.now().Add(wait)); err != nil {
		return false, fmt.Errorf("record failure of email %d: %w", e.ID, err)
	}
	return false, nil
}

// send builds e's message and hands it to the sender, with a timeout of its
// own: stopping the mailer does not cut a transaction short.
func (m *Mailer) send(ctx context.Context, e *chatlift.Email) error {
	msg, err := m.Message(e)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.sendTimeout())
	defer cancel()
	return m.Sender.Send(ctx, msg)
}

// Message is the message e is sent as: the same Message-ID and Date on every
// attempt.
func (m *Mailer) Message(e *chatlift.Email) (*gomail.Msg, error) {
	from := m.From
	if from == "" {
		from = DefaultFrom
	}
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("from address %q: %w", from, err)
	}
	if err := msg.To(e.To...); err != nil {
		return nil, fmt.Errorf("recipients of email %d: %w", e.ID, err)
	}
	msg.Subject(e.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, e.Body)
	msg.SetDateWithValue(e.CreatedAt)
	msg.SetMessageIDWithValue(MessageID(e.Key, from))
	msg.SetGenHeader("X-Chatlift-Email-Key", e.Key)
	return msg, nil
}

// MessageID is the Message-ID (without angle brackets) of the email with
// key, sent from the address from: a hash of the key at the sender's domain.
func MessageID(key, from string) string {
	domain := "chatlift.localhost"
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + ".outbox@" + domain
}

func (m *Mailer) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Mailer) sendTimeout() time.Duration {
	if m.SendTimeout > 0 {
		return m.SendTimeout
	}
	return 30 * time.Second
}

// lease outlasts a send and the record after it.
func (m *Mailer) lease() time.Duration {
	lease := m.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	return max(lease, 2*m.sendTimeout())
}

// owner names this process's mailer: host, process id and a random part.
func owner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8])
}

func (m *Mailer) backoff(attempts int) time.Duration {
	if m.Backoff != nil {
		return m.Backoff(attempts)
	}
	return Backoff(attempts)
}

// Backoff is the default wait after attempts failures: 5 s, doubling, at
// most an hour.
func Backoff(attempts int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
