package chatapi_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/chatapi"
)

// searchAll follows next_url from the first page of the query and returns
// every result, failing on a result seen twice or a count that changes.
func searchAll(t *testing.T, e *env, prefix, token, q string, limit int) []chatapi.SearchResult {
	t.Helper()
	var all []chatapi.SearchResult
	seen := map[string]bool{}
	next := prefix + "/chats/search?limit=" + itoa(int64(limit)) + "&q=" + url.QueryEscape(q)
	for count := -1; next != ""; {
		var page chatapi.SearchPage
		e.Call(t, "GET", next, token, nil, http.StatusOK, &page)
		if count >= 0 && page.Count != count {
			t.Fatalf("count went from %d to %d", count, page.Count)
		}
		count = page.Count
		for _, r := range page.Results {
			if seen[r.ID] {
				t.Fatalf("%s found twice", r.ID)
			}
			seen[r.ID] = true
		}
		all = append(all, page.Results...)
		next = ""
		if page.NextURL != nil {
			next = *page.NextURL
		} else if len(all) != count {
			t.Fatalf("%d results paged, count says %d", len(all), count)
		}
	}
	return all
}

func TestChatSearchQuery(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 30)
	id, token := e.busyAccount(t)
	chats, err := e.Legacy.Chats(context.Background(), chatlift.ChatFilter{AccountID: id, Limit: chatlift.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	ended := func(c *chatlift.Chat) bool { return c.Type == chatlift.ChatTypeChat && c.EndTimestamp != nil }
	const q = "type:chat AND end_timestamp:[2000-01-01T00:00:00 TO 2099-01-01T00:00:00]"

	t.Run("PagesByNextURL", func(t *testing.T) {
		var want []string
		for _, c := range chats {
			if ended(c) {
				want = append(want, c.ID)
			}
		}
		got := searchAll(t, e, "/api/v2/chat", token, q, 3)
		ids := make([]string, len(got))
		for i, r := range got {
			ids[i] = r.ID
			if r.Type != chatlift.ChatTypeChat || r.Timestamp.IsZero() || !strings.HasSuffix(r.URL, "/api/v2/chat/chats/"+r.ID) {
				t.Fatalf("result %+v", r)
			}
		}
		if len(want) < 4 || !slices.Equal(ids, want) {
			t.Fatalf("found %v, want %v", ids, want)
		}
		var shown map[string]any
		e.Call(t, "GET", got[0].URL, token, nil, http.StatusOK, &shown)
	})
	t.Run("PrevURL", func(t *testing.T) {
		var first, second, back chatapi.SearchPage
		e.Call(t, "GET", "/api/v2/chat/chats/search?limit=2&q="+url.QueryEscape(q), token, nil, http.StatusOK, &first)
		if first.PrevURL != nil || first.NextURL == nil {
			t.Fatalf("first page: prev %v, next %v", first.PrevURL, first.NextURL)
		}
		e.Call(t, "GET", *first.NextURL, token, nil, http.StatusOK, &second)
		e.Call(t, "GET", *second.PrevURL, token, nil, http.StatusOK, &back)
		if !slices.Equal(back.Results, first.Results) {
			t.Fatalf("prev_url of the second page gives %v, not the first page %v", back.Results, first.Results)
		}
	})
	t.Run("OfflineMessagesByTimestamp", func(t *testing.T) {
		var off chatlift.Chat
		e.Call(t, "POST", "/api/v2/chat/chats", token, map[string]any{"visitor": map[string]any{"name": "Ada"}, "message": "Please call me back"}, http.StatusCreated, &off)
		from, to := off.Timestamp.Add(-1e9).Format("2006-01-02T15:04:05"), off.Timestamp.Add(1e9).Format("2006-01-02T15:04:05")
		got := searchAll(t, e, "/api/v2/chat", token, "type:offline_msg AND timestamp:["+from+" TO "+to+"] AND \"call me\"", 10)
		if len(got) != 1 || got[0].ID != off.ID || got[0].Preview != "Please call me back" {
			t.Fatalf("found %+v, want the offline message %s", got, off.ID)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, bad := range []string{"type:call", "end_timestamp:[yesterday TO today]", "(type:chat", "colour:red", ""} {
			e.Call(t, "GET", "/api/v2/chat/chats/search?q="+url.QueryEscape(bad), token, nil, http.StatusBadRequest, nil)
		}
		e.Call(t, "GET", "/api/v2/chat/chats/search?limit=0&q=x", token, nil, http.StatusBadRequest, nil)
		e.Call(t, "GET", "/api/v2/chat/chats/search?cursor=***&q=x", token, nil, http.StatusBadRequest, nil)
	})
}
