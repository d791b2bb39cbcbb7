package convapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/httpapi/api"
)

// lastEventID is the id of the last event the client has: the
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
		return 0, chatlift.Errorf(chatlift.EINVALID, "Last-Event-ID must be the id of an event this stream sent (a whole number)")
	}
	return n, nil
}

// event is one server-sent event; id "" sends none.
type event struct {
	id, name string
	data     any
}

// feed reads what a stream sends next: the events after last, the last id
// they bring it to, and a final event when the stream is done.
type feed func(ctx context.Context, last int64) (events []event, next int64, done *event, err error)

// stream sends the conversation's messages after Last-Event-ID as
// server-sent events (event "message", id its sequence number), then each
// new one as it is stored, and "end" once the conversation has ended and
// every message is sent.
func (a *API) stream(w http.ResponseWriter, r *http.Request, st Store, side chathome.Side, conv *chatlift.Conversation) error {
	return a.follow(w, r, side, conv.AccountID, conv.ID, func(ctx context.Context, last int64) ([]event, int64, *event, error) {
		c, err := st.Conversation(ctx, conv.AccountID, conv.ID)
		if err != nil {
			return nil, last, nil, err
		}
		msgs, err := st.ConversationMessages(ctx, conv.AccountID, conv.ID, last, chatlift.MaxLimit)
		if err != nil {
			return nil, last, nil, err
		}
		events := make([]event, len(msgs))
		for i, m := range msgs {
			events[i], last = event{strconv.FormatInt(m.Seq, 10), "message", m}, m.Seq
		}
		if c.State == chatlift.ConversationEnded && last >= c.LastSeq {
			return events, last, &event{"", "end", c}, nil
		}
		return events, last, nil, nil
	})
}

// follow serves a stream from Last-Event-ID on: it sends what next reads,
// then waits for a change of the account's conversation id (any of them
// for "") or the poll interval, and reads again. It ends after next's final
// event, and without one when side stops serving the account (frozen,
// switched: the client reconnects with Last-Event-ID and is served by the
// new home), when the client goes away, when the server shuts down, or
// after the stream's lifetime.
func (a *API) follow(w http.ResponseWriter, r *http.Request, side chathome.Side, accountID int64, id string, next feed) error {
	last, err := lastEventID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	out := &eventWriter{w: w, rc: http.NewResponseController(w)}
	out.printf("retry: 1000\n\n")
	deadline := time.NewTimer(orDefault(a.StreamLifetime, DefaultStreamLifetime))
	defer deadline.Stop()
	ping := time.NewTicker(keepAlive)
	defer ping.Stop()
	poll := orDefault(a.PollInterval, DefaultPollInterval)
	for {
		woken, release := a.Service.Hub.Wait(accountID, id)
		more := a.step(r, out, side, accountID, &last, next)
		if more {
			select {
			case <-ctx.Done():
				more = false
			case <-deadline.C:
				more = false
			case <-a.Closing:
				more = false
			case <-ping.C:
				out.printf(": keep-alive\n\n")
			case <-woken:
			case <-time.After(poll):
			}
		}
		release()
		if !more {
			return nil
		}
	}
}

// step sends what next reads after *last and reports whether the stream
// goes on: not after next's final event, a failed read or write, or once
// side no longer serves the account.
func (a *API) step(r *http.Request, out *eventWriter, side chathome.Side, accountID int64, last *int64, next feed) bool {
	events, n, done, err := next(r.Context(), *last)
	if err != nil {
		a.streamFailed(r, err)
		return false
	}
	for _, e := range events {
		out.event(e)
	}
	if *last = n; done != nil {
		out.event(*done)
		return false
	}
	return out.err == nil && a.serves(r, side, accountID)
}

// serves reports whether side still serves the account's chat.
func (a *API) serves(r *http.Request, side chathome.Side, accountID int64) bool {
	home, err := a.Auth.Homes.Home(r.Context(), accountID)
	return err == nil && home.Side == side
}

// streamFailed logs an error once the stream has started (its status is
// sent): the stream ends.
func (a *API) streamFailed(r *http.Request, err error) {
	if r.Context().Err() == nil {
		a.Logger.ErrorContext(r.Context(), "conversation stream failed", "path", r.URL.Path, "error", err)
	}
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

func (e *eventWriter) event(ev event) {
	data, err := json.Marshal(ev.data)
	if err != nil {
		e.err = err
		return
	}
	if ev.id != "" {
		e.printf("id: %s\nevent: %s\ndata: %s\n\n", ev.id, ev.name, data)
		return
	}
	e.printf("event: %s\ndata: %s\n\n", ev.name, data)
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
