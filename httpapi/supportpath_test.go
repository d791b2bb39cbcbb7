package httpapi_test

import (
	"strings"
	"testing"

	"github.com/chatlift/chatlift/httpapi"
)

func TestSupportJSONSuffix(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	t.Run("OK", func(t *testing.T) {
		var me httpapi.UserEnvelope
		e.call(t, "GET", e.asOwner("/api/v2/users/me.json"), "", nil, 200, &me)
		var one httpapi.UserEnvelope
		e.call(t, "GET", e.asOwner("/api/v2/users/"+itoa(me.User.ID)+".json"), "", nil, 200, &one)
		if one.User.Email != me.User.Email {
			t.Fatalf("users/{id}.json = %+v, want %+v", one.User, me.User)
		}
	})
	t.Run("LinksKeepSuffix", func(t *testing.T) {
		var page httpapi.UserPage
		e.call(t, "GET", e.asOwner("/api/v2/users.json?per_page=1"), "", nil, 200, &page)
		if page.NextPage == nil || !strings.Contains(*page.NextPage, "/api/v2/users.json?") {
			t.Fatalf("next_page = %v, want a users.json link", page.NextPage)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e.call(t, "GET", e.asOwner("/api/v2/.json"), "", nil, 404, nil)
		e.call(t, "GET", e.asOwner("/api/v2/users.json.json"), "", nil, 404, nil)
	})
}
