package mailer

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config chooses where emails go.
type Config struct {
	// URL is the SMTP server: smtp://user:pass@host:port (STARTTLS when the
	// server offers it) or smtps://... (TLS from the start), with optional
	// ?from=address and ?auth=plain|login|cram-md5|scram-sha-256 (default
	// plain, which is only sent over TLS or to localhost). Empty means the
	// mbox file MboxPath.
	URL string
	// MboxPath is the mbox file emails are appended to without a URL.
	MboxPath string
}

// Open returns the sender cfg names and the From address it asks for (""
// for the default).
func Open(cfg Config) (Sender, string, error) {
	if cfg.URL == "" {
		if cfg.MboxPath == "" {
			return nil, "", fmt.Errorf("mailer: neither an SMTP URL nor an mbox path")
		}
		return &Mbox{Path: cfg.MboxPath}, "", nil
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, "", fmt.Errorf("mailer: SMTP URL: %w", err)
	}
	s, err := newSMTP(u)
	if err != nil {
		return nil, "", err
	}
	return s, u.Query().Get("from"), nil
}

// SMTP sends by SMTP, one connection per message.
type SMTP struct {
	host string
	opts []gomail.Option
}

var _ Sender = (*SMTP)(nil)

var authTypes = map[string]gomail.SMTPAuthType{"plain": gomail.SMTPAuthPlain, "login": gomail.SMTPAuthLogin,
	"cram-md5": gomail.SMTPAuthCramMD5, "scram-sha-256": gomail.SMTPAuthSCRAMSHA256}

func newSMTP(u *url.URL) (*SMTP, error) {
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("mailer: SMTP URL must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	} else if u.Hostname() == "" {
		return nil, fmt.Errorf("mailer: SMTP URL needs a host")
	}
	for k := range u.Query() {
		if k != "from" && k != "auth" {
			return nil, fmt.Errorf("mailer: unknown SMTP URL parameter %q", k)
		}
	}
	port := map[string]int{"smtp": 587, "smtps": 465}[u.Scheme]
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("mailer: bad SMTP port %q", p)
		}
		port = n
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(30 * time.Second), gomail.WithTLSPolicy(gomail.TLSOpportunistic)}
	if u.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSL())
	}
	if u.User != nil {
		auth, ok := authTypes[strings.ToLower(u.Query().Get("auth"))]
		if u.Query().Get("auth") == "" {
			auth, ok = gomail.SMTPAuthPlain, true
		}
		if !ok {
			return nil, fmt.Errorf("mailer: unknown SMTP auth %q", u.Query().Get("auth"))
		}
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	if _, err := gomail.NewClient(u.Hostname(), opts...); err != nil {
		return nil, fmt.Errorf("mailer: SMTP client: %w", err)
	}
	return &SMTP{host: u.Hostname(), opts: opts}, nil
}

// Send implements Sender. A message the server accepted counts as sent even
// if closing the connection fails afterwards.
func (s *SMTP) Send(ctx context.Context, m *gomail.Msg) error {
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("SMTP client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil && !m.IsDelivered() {
		return err
	}
	return nil
}

// Mbox appends each message to a file in mbox format (mboxrd quoting), the
// development sink: nothing leaves the machine.
type Mbox struct {
	Path string
	mu   sync.Mutex
}

var _ Sender = (*Mbox)(nil)

// Send implements Sender; the file is synced before Send returns.
func (b *Mbox) Send(ctx context.Context, m *gomail.Msg) error {
	var raw bytes.Buffer
	if _, err := m.WriteTo(&raw); err != nil {
		return fmt.Errorf("render message: %w", err)
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "From MAILER-DAEMON %s\n", time.Now().UTC().Format(time.ANSIC))
	text := strings.ReplaceAll(raw.String(), "\r\n", "\n")
	for _, line := range strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
			out.WriteByte('>')
		}
		out.WriteString(line)
	}
	out.WriteString("\n\n")
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(b.Path), 0o700); err != nil {
		return fmt.Errorf("mbox directory: %w", err)
	}
	f, err := os.OpenFile(b.Path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("open mbox: %w", err)
	}
	if _, err := f.Write(out.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("append to mbox: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync mbox: %w", err)
	}
	return f.Close()
}
