package convapi

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/httpapi/api"
)

// lastEventID is the last sequence number the client has: the
// Last-Event-ID header, or the last_event_id parameter, or 0.
func lastEventID(r *http.Request) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("last_event_id")
	}
	if v == "" {
		return 0, nil
	}
	n, ok := api.ParseDecimal(strings.TrimSpace(v))
	if !ok {
		return 0, chatlift.Errorf(chatlift.EINVALID, "Last-Event-ID must be a message's sequence number")
	}
	return n, nil
}

// stream sends the conversation's messages after Last-Event-ID as
// server-sent events (event "message", id its sequence number), then each
// new one as it is stored. It ends with an "end" event once the
// conversation has ended and every message is sent; it ends without one
// when side stops serving the account (frozen, switched: the client
// reconnects with Last-Event-ID and is served by the new home), when the
// client goes away, or after the stream's lifetime.
func (a *API) stream(w http.ResponseWriter, r *http.Request, st Store, side chathome.Side, conv *chatlift.Conversation) error {
	last, err := lastEventID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	out := &eventWriter{w: w, rc: rc}
	out.printf("retry: 1000\n\n")
	poll, lifetime := orDefault(a.PollInterval, DefaultPollInterval), orDefault(a.StreamLifetime, DefaultStreamLifetime)
	deadline := time.NewTimer(lifetime)
	defer deadline.Stop()
	ping := time.NewTicker(keepAlive)
	defer ping.Stop()
	for {
		woken := a.Service.Hub.Wait(conv.AccountID, conv.ID)
		c, err := st.Conversation(ctx, conv.AccountID, conv.ID)
		if err != nil {
			return a.streamFailed(r, err)
		}
		msgs, err := st.ConversationMessages(ctx, conv.AccountID, conv.ID, last, chatlift.MaxLimit)
		if err != nil {
			return a.streamFailed(r, err)
		}
		for _, m := range msgs {
			out.event(fmt.Sprint(m.Seq), "message", m)
			last = m.Seq
		}
		if c.State == chatlift.ConversationEnded && last >= c.LastSeq {
			out.event("", "end", c)
			return nil
		}
		if out.err != nil || !a.serves(r, side, conv.AccountID) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-deadline.C:
			return nil
		case <-a.Closing:
			return nil
		case <-ping.C:
			out.printf(": keep-alive\n\n")
		case <-woken:
		case <-time.After(poll):
		}
	}
}

// serves reports whether side still serves the account's chat.
func (a *API) serves(r *http.Request, side chathome.Side, accountID int64) bool {
	home, err := a.Auth.Homes.Home(r.Context(), accountID)
	return err == nil && home.Side == side
}

// streamFailed logs an error once the stream has started (its status is
// sent) and ends the stream.
func (a *API) streamFailed(r *http.Request, err error) error {
	if r.Context().Err() == nil {
		a.Logger.ErrorContext(r.Context(), "conversation stream failed", "path", r.URL.Path, "error", err)
	}
	return nil
}

// eventWriter writes server-sent events, flushing each, and keeps the
// first write error (the client went away).
type eventWriter struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	err error
}

// writeTimeout bounds one event's write; the server's own write timeout
// is moved past it before each.
const writeTimeout = 10 * time.Second

func (e *eventWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	e.rc.SetWriteDeadline(time.Now().Add(writeTimeout)) // not every writer has one
	if _, e.err = fmt.Fprintf(e.w, format, args...); e.err == nil {
		e.err = e.rc.Flush()
	}
}

func (e *eventWriter) event(id, name string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		e.err = err
		return
	}
	if id != "" {
		e.printf("id: %s\nevent: %s\ndata: %s\n\n", id, name, data)
		return
	}
	e.printf("event: %s\ndata: %s\n\n", name, data)
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// clientIP is the connection's address without its port.
func clientIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return truncate(remote, chatlift.MaxShortRunes)
	}
	return truncate(host, chatlift.MaxShortRunes)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
