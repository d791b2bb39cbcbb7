package chatapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chatlift/chatlift"
)

func TestChatBulkAndDocumentedFields(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 10)
	id, token := e.busyAccount(t)
	chats, err := e.Legacy.Chats(context.Background(), chatlift.ChatFilter{AccountID: id, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{chats[0].ID, chats[1].ID, "2501.999.NOPE"}
	t.Run("OK", func(t *testing.T) {
		var bulk struct {
			Docs map[string]map[string]any `json:"docs"`
		}
		e.Call(t, "GET", "/api/v2/chat/chats?ids="+strings.Join(ids, ","), token, nil, http.StatusOK, &bulk)
		if len(bulk.Docs) != 2 || bulk.Docs[ids[0]] == nil || bulk.Docs[ids[1]] == nil {
			t.Fatalf("docs for %v: %v", ids, bulk.Docs)
		}
		doc := bulk.Docs[ids[0]]
		for _, field := range []string{"department_name", "unread", "started_by", "webpath", "conversions", "engagements", "triggered_response", "history"} {
			if _, ok := doc[field]; !ok {
				t.Errorf("chat has no %s: %v", field, doc)
			}
		}
		for _, h := range doc["history"].([]any) {
			if h.(map[string]any)["channel"] == nil {
				t.Errorf("history entry without channel: %v", h)
			}
		}
	})
	t.Run("OfflineMessage", func(t *testing.T) {
		var off map[string]any
		e.Call(t, "POST", "/api/v2/chat/chats", token, map[string]any{"visitor": map[string]any{"name": "Ada"}, "message": "Call me"}, http.StatusCreated, &off)
		var shown map[string]any
		e.Call(t, "GET", "/api/v2/chat/chats/"+off["id"].(string), token, nil, http.StatusOK, &shown)
		if shown["message"] != "Call me" {
			t.Fatalf("offline message shown as %v", shown)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, q := range []string{"ids=", "ids=a,,b", "ids=" + strings.Repeat("a,", 1000) + "a"} {
			e.Call(t, "GET", "/api/v2/chat/chats?"+q, token, nil, http.StatusBadRequest, nil)
		}
	})
}
