package supportapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/supportapi"
)

func TestSupportJSONSuffix(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	t.Run("OK", func(t *testing.T) {
		var me supportapi.UserEnvelope
		e.Call(t, "GET", e.AsOwner("/api/v2/users/me.json"), "", nil, 200, &me)
		var one supportapi.UserEnvelope
		e.Call(t, "GET", e.AsOwner("/api/v2/users/"+itoa(me.User.ID)+".json"), "", nil, 200, &one)
		if one.User.Email != me.User.Email {
			t.Fatalf("users/{id}.json = %+v, want %+v", one.User, me.User)
		}
	})
	t.Run("LinksKeepSuffix", func(t *testing.T) {
		var page supportapi.UserPage
		e.Call(t, "GET", e.AsOwner("/api/v2/users.json?per_page=1"), "", nil, 200, &page)
		if page.NextPage == nil || !strings.Contains(*page.NextPage, "/api/v2/users.json?") {
			t.Fatalf("next_page = %v, want a users.json link", page.NextPage)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e.Call(t, "GET", e.AsOwner("/api/v2/.json"), "", nil, 404, nil)
		e.Call(t, "GET", e.AsOwner("/api/v2/users.json.json"), "", nil, 404, nil)
	})
}

func TestSupportRateLimit(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	e := setup(t, 2, 1, func(s *httpapi.Server) {
		s.SupportRequestsPerMinute = 2
		s.Now = func() time.Time { return now }
	})
	owner := e.As(e.Creds[0].SupportOwnerEmail, e.Creds[0].SupportAPIToken, "/api/v2/users/me.json")
	e.Call(t, "GET", owner, "", nil, http.StatusOK, nil)
	e.Call(t, "GET", owner, "", nil, http.StatusOK, nil)
	t.Run("ErrTooMany", func(t *testing.T) {
		h := e.Call(t, "GET", owner, "", nil, http.StatusTooManyRequests, nil)
		if h.Get("Retry-After") != "30" {
			t.Fatalf("Retry-After = %q, want 30", h.Get("Retry-After"))
		}
	})
	t.Run("OtherTokenOK", func(t *testing.T) {
		e.Call(t, "GET", e.As(e.Creds[1].SupportOwnerEmail, e.Creds[1].SupportAPIToken, "/api/v2/users/me"), "", nil, http.StatusOK, nil)
	})
	t.Run("UnauthenticatedNotCounted", func(t *testing.T) {
		e.Call(t, "GET", "/api/v2/users/me", "wrong", nil, http.StatusUnauthorized, nil)
	})
}
