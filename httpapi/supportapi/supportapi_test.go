package supportapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/supportapi"
)

func TestSupportAuth(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	me := func(t *testing.T, target, bearer string, want int) *chatlift.User {
		t.Helper()
		var out supportapi.UserEnvelope
		e.Call(t, "GET", target, bearer, nil, want, &out)
		return out.User
	}
	t.Run("OKBasic", func(t *testing.T) {
		if u := me(t, e.AsOwner("/api/v2/users/me"), "", http.StatusOK); !strings.EqualFold(u.Email, e.Owner) || !u.Owner {
			t.Fatalf("me = %+v", u)
		}
	})
	t.Run("OKBasicEmailIgnoresCase", func(t *testing.T) {
		me(t, e.As(strings.ToUpper(e.Agent.Email), e.Token, "/api/v2/users/me"), "", http.StatusOK)
	})
	t.Run("OKBearer", func(t *testing.T) {
		if u := me(t, "/api/v2/users/me", e.Token, http.StatusOK); !u.Owner {
			t.Fatalf("me = %+v", u)
		}
	})
	t.Run("OKAgent", func(t *testing.T) {
		if u := me(t, e.AsAgent("/api/v2/users/me"), "", http.StatusOK); u.ID != e.Agent.ID {
			t.Fatalf("me = %+v", u)
		}
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		withPassword, _ := url.Parse(e.URL + "/api/v2/users/me")
		withPassword.User = url.UserPassword(e.Owner, e.Token)
		for name, target := range map[string]string{
			"NoCredentials":      "/api/v2/users/me",
			"WrongToken":         e.As(e.Owner, "nope", "/api/v2/users/me"),
			"PasswordNotToken":   withPassword.String(),
			"OtherAccountsUser":  e.As(e.Creds[1].SupportOwnerEmail, e.Token, "/api/v2/users/me"),
			"UnknownEmail":       e.As("nobody@acme-one.test", e.Token, "/api/v2/users/me"),
			"SuspendedUser":      e.As(e.Suspended.Email, e.Token, "/api/v2/users/me"),
			"OtherAccountsToken": e.As(e.Owner, e.Creds[1].SupportAPIToken, "/api/v2/users/me"),
		} {
			t.Run(name, func(t *testing.T) { e.Call(t, "GET", target, "", nil, http.StatusUnauthorized, nil) })
		}
		e.Call(t, "GET", "/api/v2/users/me", "not-a-token", nil, http.StatusUnauthorized, nil)
	})
	t.Run("ErrUnauthorizedRevoked", func(t *testing.T) {
		ctx := context.Background()
		secret := chatlift.NewSecret()
		at := time.Now()
		tok := &chatlift.APIToken{ID: 900, AccountID: 1, UserID: 1, TokenHash: chatlift.HashSecret(secret), CreatedAt: at, RevokedAt: &at}
		if err := e.Platform.PutAPIToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		e.Call(t, "GET", "/api/v2/users/me", secret, nil, http.StatusUnauthorized, nil)
	})
	t.Run("ErrForbiddenEndUser", func(t *testing.T) {
		e.Call(t, "GET", e.As(e.EndUser.Email, e.Token, "/api/v2/users/me"), "", nil, http.StatusForbidden, nil)
	})
	t.Run("EveryEndpoint", func(t *testing.T) {
		for _, r := range []struct {
			method, path string
			adminOnly    bool
		}{
			{"GET", "/api/v2/users", false}, {"POST", "/api/v2/users", true}, {"GET", "/api/v2/users/me", false},
			{"GET", "/api/v2/users/1", false}, {"PUT", "/api/v2/users/1", true},
			{"GET", "/api/v2/tickets", false}, {"POST", "/api/v2/tickets", false}, {"GET", "/api/v2/tickets/1", false},
			{"GET", "/api/v2/apps/installations", false}, {"POST", "/api/v2/apps/installations", true},
			{"GET", "/api/v2/billing/accounts", true}, {"GET", "/api/v2/billing/invoices", true},
			{"POST", "/api/v2/billing/consolidation/preview", true},
			{"GET", "/api/v2/notifications", false}, {"POST", "/api/v2/notifications/1/read", false},
		} {
			t.Run(r.method+r.path, func(t *testing.T) {
				body := []byte(`{}`)
				e.Call(t, r.method, r.path, "", body, http.StatusUnauthorized, nil)
				e.Call(t, r.method, e.As(e.Owner, "wrong", r.path), "", body, http.StatusUnauthorized, nil)
				e.Call(t, r.method, e.As(e.EndUser.Email, e.Token, r.path), "", body, http.StatusForbidden, nil)
				if r.adminOnly {
					e.Call(t, r.method, e.AsAgent(r.path), "", body, http.StatusForbidden, nil)
				}
			})
		}
	})
}

func TestSupportUsers(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	ctx := context.Background()
	t.Run("ListPages", func(t *testing.T) {
		all, err := e.Platform.Users(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		var seen []int64
		next, pages := "/api/v2/users?per_page=2", 0
		for next != "" {
			var page supportapi.UserPage
			e.Call(t, "GET", e.AsOwner(next), "", nil, http.StatusOK, &page)
			if page.Count != len(all) || len(page.Users) > 2 {
				t.Fatalf("page %d: count %d, %d users", pages, page.Count, len(page.Users))
			}
			for _, u := range page.Users {
				seen = append(seen, u.ID)
			}
			next, pages = "", pages+1
			if page.NextPage != nil {
				next = strings.TrimPrefix(*page.NextPage, e.URL)
			}
		}
		if len(seen) != len(all) || pages != (len(all)+1)/2 {
			t.Fatalf("%d users over %d pages, want %d", len(seen), pages, len(all))
		}
		for i, u := range all {
			if seen[i] != u.ID {
				t.Fatalf("user %d is %d, want %d", i, seen[i], u.ID)
			}
		}
	})
	t.Run("ListByRole", func(t *testing.T) {
		var page supportapi.UserPage
		e.Call(t, "GET", e.AsAgent("/api/v2/users?role=end-user"), "", nil, http.StatusOK, &page)
		for _, u := range page.Users {
			if u.Role != chatlift.UserRoleEndUser {
				t.Fatalf("listed %+v", u)
			}
		}
		if page.Count == 0 {
			t.Fatal("no end users listed")
		}
	})
	t.Run("ErrInvalidPaging", func(t *testing.T) {
		for _, q := range []string{"per_page=0", "per_page=101", "page=x", "page=-1", "role=king"} {
			e.Call(t, "GET", e.AsOwner("/api/v2/users?"+q), "", nil, http.StatusBadRequest, nil)
		}
	})
	t.Run("Get", func(t *testing.T) {
		var out supportapi.UserEnvelope
		e.Call(t, "GET", e.AsAgent("/api/v2/users/"+itoa(e.Agent.ID)), "", nil, http.StatusOK, &out)
		if out.User.Email != e.Agent.Email {
			t.Fatalf("user = %+v", out.User)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		foreign := &chatlift.User{ID: 100000, AccountID: 2, Email: "someone@acme-two.test", Name: "Someone", Role: chatlift.UserRoleAgent, Active: true}
		if err := e.Platform.PutUsers(ctx, []*chatlift.User{foreign}); err != nil {
			t.Fatal(err)
		}
		e.Call(t, "GET", e.AsOwner("/api/v2/users/"+itoa(foreign.ID)), "", nil, http.StatusNotFound, nil)
		e.Call(t, "PUT", e.AsOwner("/api/v2/users/"+itoa(foreign.ID)), "", map[string]any{"user": map[string]any{"name": "x"}}, http.StatusNotFound, nil)
		for _, id := range []string{"abc", "0"} { // not ids at all
			e.Call(t, "GET", e.AsOwner("/api/v2/users/"+id), "", nil, http.StatusBadRequest, nil)
		}
	})
	t.Run("Create", func(t *testing.T) {
		var out supportapi.UserEnvelope
		e.Call(t, "POST", e.AsOwner("/api/v2/users"), "", map[string]any{"user": map[string]any{
			"name": "Chatty", "email": "chatty@acme-one.test", "role": "agent", "chat_only": true}}, http.StatusCreated, &out)
		u := out.User
		if u.ID == 0 || u.Role != "agent" || !u.ChatOnly || u.RoleType == nil || *u.RoleType != chatlift.RoleTypeContributor || !u.Active {
			t.Fatalf("created %+v", u)
		}
		var admin supportapi.UserEnvelope
		e.Call(t, "POST", e.AsOwner("/api/v2/users"), "", map[string]any{"user": map[string]any{
			"name": "Boss Two", "email": "boss2@acme-one.test", "role": "admin"}}, http.StatusCreated, &admin)
		if admin.User.RoleType == nil || *admin.User.RoleType != chatlift.RoleTypeAdmin || admin.User.ID == u.ID {
			t.Fatalf("created %+v", admin.User)
		}
		stored, err := e.Platform.UserByEmail(ctx, 1, "CHATTY@acme-one.test")
		if err != nil || stored.ID != u.ID {
			t.Fatalf("stored %+v, %v", stored, err)
		}
	})
	t.Run("TypedClientZeroValues", func(t *testing.T) {
		// What a typed client sends for a new user: every field, unset ones
		// as zero values, and fields chatlift does not keep.
		body := []byte(`{"user": {"id": 0, "url": "", "email": "typed@acme-one.test", "name": "Typed", "active": false, "alias": "",
			"role": "", "role_type": 0, "custom_role_id": 0, "organization_id": 0, "photo": {"id": 0, "content_url": ""},
			"tags": null, "user_fields": null, "shoe_size": 44, "last_login_at": "0001-01-01T00:00:00Z",
			"created_at": "0001-01-01T00:00:00Z", "updated_at": "0001-01-01T00:00:00Z"}}`)
		var out supportapi.UserEnvelope
		e.Call(t, "POST", e.AsOwner("/api/v2/users.json"), "", body, http.StatusCreated, &out)
		if u := out.User; u.Role != chatlift.UserRoleEndUser || u.RoleType != nil || u.CustomRoleID != nil || u.Name != "Typed" || !u.Active || u.CreatedAt.IsZero() {
			t.Fatalf("created %+v", u)
		}
	})
	t.Run("ErrCreate", func(t *testing.T) {
		before := e.UserCount(t, 1)
		user := func(fields string) []byte { return []byte(`{"user": {"name": "N", ` + fields + `}}`) }
		for name, body := range map[string][]byte{
			"BadEmail":            user(`"email": "not-an-email", "role": "agent"`),
			"UnknownRole":         user(`"email": "a2@acme-one.test", "role": "king"`),
			"ChatOnlyAdmin":       user(`"email": "a3@acme-one.test", "role": "admin", "chat_only": true`),
			"AdminRoleTypeAgent":  user(`"email": "a4@acme-one.test", "role": "agent", "role_type": 4`),
			"CustomRoleNoType":    user(`"email": "a5@acme-one.test", "role": "agent", "custom_role_id": 7`),
			"CustomTypeNoRole":    user(`"email": "a6@acme-one.test", "role": "agent", "role_type": 0, "custom_role_id": -1`),
			"WrongRoleType":       user(`"email": "a1@acme-one.test", "role_type": "agent"`),
			"EndUserWithRoleType": user(`"email": "a7@acme-one.test", "role_type": 1`),
			"NoName":              []byte(`{"user": {"email": "a8@acme-one.test"}}`),
			"NoEnvelope":          []byte(`{"name": "N", "email": "a9@acme-one.test"}`),
			"Malformed":           []byte(`{"user": {`),
			"WrongType":           user(`"email": 12`),
		} {
			t.Run(name, func(t *testing.T) {
				e.Call(t, "POST", e.AsOwner("/api/v2/users"), "", body, http.StatusBadRequest, nil)
			})
		}
		e.Call(t, "POST", e.AsOwner("/api/v2/users"), "", user(`"email": "`+strings.ToUpper(e.Agent.Email)+`"`), http.StatusConflict, nil)
		e.Call(t, "POST", e.AsAgent("/api/v2/users"), "", user(`"email": "b1@acme-one.test"`), http.StatusForbidden, nil)
		e.Call(t, "POST", "/api/v2/users", "", user(`"email": "b2@acme-one.test"`), http.StatusUnauthorized, nil)
		if after := e.UserCount(t, 1); after != before {
			t.Fatalf("%d users after refused creates, want %d", after, before)
		}
	})
	t.Run("Update", func(t *testing.T) {
		target := e.AddUser(t, 1, "promote.me@acme-one.test", chatlift.UserRoleAgent, true)
		var out supportapi.UserEnvelope
		e.Call(t, "PUT", e.AsOwner("/api/v2/users/"+itoa(target.ID)), "", map[string]any{"user": map[string]any{"name": "Promoted", "role": "admin"}}, http.StatusOK, &out)
		if out.User.Name != "Promoted" || out.User.Role != "admin" || *out.User.RoleType != chatlift.RoleTypeAdmin || out.User.Email != target.Email {
			t.Fatalf("updated %+v", out.User)
		}
		e.Call(t, "PUT", e.AsOwner("/api/v2/users/"+itoa(target.ID)), "", map[string]any{"user": map[string]any{"role": "agent", "role_type": 1}}, http.StatusOK, &out)
		if out.User.Role != "agent" || *out.User.RoleType != chatlift.RoleTypeLightAgent {
			t.Fatalf("demoted %+v", out.User)
		}
	})
	t.Run("ErrUpdate", func(t *testing.T) {
		owner, err := e.Platform.UserByEmail(ctx, 1, e.Owner)
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v2/users/" + itoa(owner.ID)
		e.Call(t, "PUT", e.AsOwner(path), "", map[string]any{"user": map[string]any{"active": false}}, http.StatusBadRequest, nil)
		e.Call(t, "PUT", e.AsOwner(path), "", map[string]any{"user": map[string]any{"role": "agent"}}, http.StatusBadRequest, nil)
		e.Call(t, "PUT", e.AsOwner(path), "", map[string]any{"user": map[string]any{"email": e.Agent.Email}}, http.StatusConflict, nil)
		e.Call(t, "PUT", e.AsAgent(path), "", map[string]any{"user": map[string]any{"name": "Mine now"}}, http.StatusForbidden, nil)
		after, err := e.Platform.UserByEmail(ctx, 1, e.Owner)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(*after) != fmt.Sprint(*owner) {
			t.Fatalf("owner changed by refused updates: %+v", after)
		}
	})
}
