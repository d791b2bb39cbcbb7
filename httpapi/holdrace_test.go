package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/internal/convtest"
)

// rollingBack is a legacy store on which, once armed, a freeze found by a
// look-up of the account has just ended in a rollback: the account is
// active again. It makes the race between a write the freeze refused and
// the end of that freeze happen every time.
type rollingBack struct {
	chatlift.ChatStore
	t     *testing.T
	armed atomic.Bool
}

func (s *rollingBack) ChatAccount(ctx context.Context, id int64) (*chatlift.ChatAccount, error) {
	a, err := s.ChatStore.ChatAccount(ctx, id)
	if err == nil && a.State == chatlift.ChatAccountMaintenance && s.armed.CompareAndSwap(true, false) {
		if _, err := s.ChatStore.SetChatAccountState(ctx, id, chatlift.ChatAccountActive); err != nil {
			s.t.Error(err)
		}
		return s.ChatStore.ChatAccount(ctx, id)
	}
	return a, err
}

// armingBody is a request body whose first read freezes the account and
// arms the store's rollback: sent with Expect: 100-continue, it is read
// only once the request was authenticated.
type armingBody struct {
	e     *env
	store *rollingBack
	id    int64
	body  *strings.Reader
	done  bool
}

func (b *armingBody) Read(p []byte) (int, error) {
	if !b.done {
		b.done = true
		b.e.freezeFromTheServer(b.store.t, b.id)
		b.store.armed.Store(true)
	}
	return b.body.Read(p)
}

// TestHoldAWriteTheFreezeRefusedThenRolledBack: a request authenticated
// just before the freeze, whose write the freeze refused, is served again
// even when the freeze ended in a rollback before the request looked its
// account up again (the account is on the same side as before): the write
// was refused whole, so it is done once, not answered 503.
func TestHoldAWriteTheFreezeRefusedThenRolledBack(t *testing.T) {
	t.Parallel()
	setupRollingBack := func(t *testing.T) (*env, *rollingBack) {
		t.Helper()
		store := &rollingBack{t: t}
		e := setup(t, 1, 0, func(s *httpapi.Server) { store.ChatStore = s.Legacy; s.Legacy = store })
		return e, store
	}
	send := func(t *testing.T, e *env, store *rollingBack, path, token, body string) reply {
		t.Helper()
		return answered(t, e.postAsync(t, path, token, &armingBody{e: e, store: store, id: e.Creds[0].AccountID, body: strings.NewReader(body)}, len(body)))
	}
	t.Run("ChatAPI", func(t *testing.T) {
		t.Parallel()
		e, store := setupRollingBack(t)
		r := send(t, e, store, "/api/v2/chat/departments", e.Creds[0].ChatAccessToken, `{"name":"Raced the freeze"}`)
		if r.status != http.StatusCreated || !bytes.Contains(r.body, []byte("Raced the freeze")) {
			t.Fatalf("write refused by a freeze that was then rolled back: %d %s; want it served again", r.status, r.body)
		}
	})
	t.Run("Widget", func(t *testing.T) {
		t.Parallel()
		e, store := setupRollingBack(t)
		status, b := convtest.Call(t, "GET", e.URL+"/api/v2/chat/widget", e.Creds[0].ChatAccessToken, nil)
		var widget struct {
			WidgetKey string `json:"widget_key"`
		}
		if status != http.StatusOK || json.Unmarshal(b, &widget) != nil {
			t.Fatalf("widget key: %d %s", status, b)
		}
		v := convtest.Start(t, e.URL, widget.WidgetKey, "Mika")
		path := strings.TrimPrefix(v.Path("/messages"), e.URL)
		r := send(t, e, store, path, v.Token, `{"client_message_id":"m1","msg":"Raced the freeze"}`)
		if r.status != http.StatusCreated || !bytes.Contains(r.body, []byte(`"seq":1`)) {
			t.Fatalf("send refused by a freeze that was then rolled back: %d %s; want it stored once", r.status, r.body)
		}
	})
	t.Run("TokenEndpoint", func(t *testing.T) {
		t.Parallel()
		store := &rollingBack{t: t}
		var e *env
		var froze sync.Once
		e = setup(t, 1, 0, func(s *httpapi.Server) {
			store.ChatStore, s.Legacy = s.Legacy, store
			s.ComparePassword = func(hash, password []byte) error {
				froze.Do(func() {
					e.freezeFromTheServer(t, e.Creds[0].AccountID)
					store.armed.Store(true)
				})
				return bcrypt.CompareHashAndPassword(hash, password)
			}
		})
		if r := answered(t, e.passwordGrant(t)); r.status != http.StatusOK || !bytes.Contains(r.body, []byte("access_token")) {
			t.Fatalf("grant refused by a freeze that was then rolled back: %d %s; want it granted", r.status, r.body)
		}
	})
}

// passwordGrant sends the first account's owner's password grant, through
// a client of the account, in the background.
func (e *env) passwordGrant(t *testing.T) <-chan reply {
	t.Helper()
	c := e.Creds[0]
	client := e.NewClient(t, c.ChatAccessToken, nil)
	form := url.Values{"grant_type": {"password"}, "username": {c.ChatOwnerEmail}, "password": {c.ChatOwnerPassword}, "scope": {"read"}}
	req := e.tokenRequest(t, client.ClientIdentifier, client.ClientSecret)
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(form.Encode())), int64(len(form.Encode()))
	return sendAsync(req)
}

// postAsync posts the JSON body of size bytes to path with the bearer
// token, in the background. It is sent with Expect: 100-continue, so the
// body is read only once the request was authenticated.
func (e *env) postAsync(t *testing.T, path, token string, body io.Reader, size int) <-chan reply {
	t.Helper()
	req, err := http.NewRequest("POST", e.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(size)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Expect", "100-continue")
	return sendAsync(req)
}
