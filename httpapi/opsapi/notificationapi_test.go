package opsapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/opsapi"
	"github.com/chatlift/chatlift/notification"
)

func TestNotificationAPI(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	ctx := context.Background()
	if _, err := notification.Notify(ctx, e.Platform, 1, "upgrade_scheduled", "Your upgrade is scheduled", "On Tuesday.",
		[]string{e.Owner}, "upgrade-u1-scheduled"); err != nil {
		t.Fatal(err)
	}
	put := func(accountID, id int64, to, title string) {
		n := &chatlift.Notification{ID: id, AccountID: accountID, UserEmail: to, Kind: "task", Title: title, CreatedAt: time.Now().UTC()}
		if err := e.Platform.PutNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	put(1, 2, e.Owner, "For the owner")
	put(1, 3, e.Agent.Email, "For the agent")
	put(2, 500, "", "Another account's")
	list := func(t *testing.T, target string) opsapi.NotificationList {
		t.Helper()
		var out opsapi.NotificationList
		e.Call(t, "GET", target, "", nil, http.StatusOK, &out)
		return out
	}
	titles := func(l opsapi.NotificationList) []any {
		out := []any{}
		for _, n := range l.Notifications {
			out = append(out, n.Title)
		}
		return out
	}
	t.Run("List", func(t *testing.T) {
		owner := list(t, e.AsOwner("/api/v2/notifications"))
		if got := titles(owner); len(got) != 2 || got[0] != "Your upgrade is scheduled" || got[1] != "For the owner" || owner.UnreadCount != 2 {
			t.Fatalf("owner sees %v (unread %d)", got, owner.UnreadCount)
		}
		if got := titles(list(t, e.AsAgent("/api/v2/notifications"))); len(got) != 2 || got[1] != "For the agent" {
			t.Fatalf("agent sees %v", got)
		}
	})
	t.Run("Read", func(t *testing.T) {
		var first, again struct {
			Notification chatlift.Notification `json:"notification"`
		}
		e.Call(t, "POST", e.AsOwner("/api/v2/notifications/2/read"), "", nil, http.StatusOK, &first)
		if first.Notification.ReadAt == nil {
			t.Fatalf("read = %+v", first.Notification)
		}
		e.Call(t, "POST", e.AsOwner("/api/v2/notifications/2/read"), "", nil, http.StatusOK, &again)
		if !again.Notification.ReadAt.Equal(*first.Notification.ReadAt) {
			t.Fatalf("read again at %v, first at %v", again.Notification.ReadAt, first.Notification.ReadAt)
		}
		unread := list(t, e.AsOwner("/api/v2/notifications?unread=true"))
		if got := titles(unread); len(got) != 1 || unread.UnreadCount != 1 {
			t.Fatalf("unread: %v (count %d)", got, unread.UnreadCount)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []string{"3", "500", "999"} { // the agent's, another account's, none
			e.Call(t, "POST", e.AsOwner("/api/v2/notifications/"+id+"/read"), "", nil, http.StatusNotFound, nil)
		}
		e.Call(t, "POST", e.AsOwner("/api/v2/notifications/x/read"), "", nil, http.StatusBadRequest, nil) // no id
		ns, err := e.Platform.Notifications(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if ns[2].ReadAt != nil {
			t.Fatalf("the agent's notification was marked read: %+v", ns[2])
		}
	})
	t.Run("ErrAuthAndInput", func(t *testing.T) {
		e.Call(t, "GET", "/api/v2/notifications", "", nil, http.StatusUnauthorized, nil)
		e.Call(t, "POST", "/api/v2/notifications/1/read", "", nil, http.StatusUnauthorized, nil)
		e.Call(t, "GET", e.As(e.EndUser.Email, e.Token, "/api/v2/notifications"), "", nil, http.StatusForbidden, nil)
		e.Call(t, "GET", e.AsOwner("/api/v2/notifications?unread=maybe"), "", nil, http.StatusBadRequest, nil)
	})
}
