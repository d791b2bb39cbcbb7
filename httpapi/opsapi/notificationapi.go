package opsapi

import (
	"net/http"
	"strconv"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// notificationRoutes registers the in-product messages of the support API.
func (s *API) notificationRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /api/v2/notifications", s.support(listNotifications))
	handle("POST /api/v2/notifications/{id}/read", s.support(readNotification))
}

// NotificationList is the body of GET /notifications.
type NotificationList struct {
	Notifications []*chatlift.Notification `json:"notifications"`
	UnreadCount   int                      `json:"unread_count"`
}

// visibleNotifications are the account's messages to everyone and to the
// caller's email.
func visibleNotifications(r *http.Request, c *supportCaller) ([]*chatlift.Notification, error) {
	list, err := c.store.Notifications(r.Context(), c.Account.ID)
	if err != nil {
		return nil, err
	}
	me := chatlift.NormalizeEmail(c.User.Email)
	return api.Filter(list, func(n *chatlift.Notification) bool {
		return n.UserEmail == "" || chatlift.NormalizeEmail(n.UserEmail) == me
	}), nil
}

// listNotifications serves GET /notifications?unread=true.
func listNotifications(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	unread := r.URL.Query().Get("unread")
	if unread != "" && unread != "true" && unread != "false" {
		return chatlift.Errorf(chatlift.EINVALID, "unread must be true or false")
	}
	list, err := visibleNotifications(r, c)
	if err != nil {
		return err
	}
	out := NotificationList{Notifications: []*chatlift.Notification{}}
	for _, n := range list {
		if n.ReadAt == nil {
			out.UnreadCount++
		}
		if unread != "true" || n.ReadAt == nil {
			out.Notifications = append(out.Notifications, n)
		}
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

// readNotification serves POST /notifications/{id}/read. Marking a read
// message again keeps the time it was first read. A message to everyone is
// read for everyone.
func readNotification(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	list, err := visibleNotifications(r, c)
	if err != nil {
		return err
	}
	for _, n := range list {
		if n.ID != id {
			continue
		}
		if n.ReadAt == nil {
			at := c.Now
			n.ReadAt = &at
			if err := c.store.PutNotification(r.Context(), n); err != nil {
				return err
			}
		}
		api.WriteJSON(w, http.StatusOK, map[string]any{"notification": n})
		return nil
	}
	return chatlift.Errorf(chatlift.ENOTFOUND, "notification %s not found", strconv.FormatInt(id, 10))
}
