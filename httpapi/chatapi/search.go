package chatapi

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// SearchResult is one chat found by GET /chats/search?q=.
type SearchResult struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	URL       string    `json:"url"`
	Preview   string    `json:"preview"`
}

// SearchPage is the answer of GET /chats/search?q=: one page of results,
// the count of every chat found, and the URLs of the pages around it.
type SearchPage struct {
	Results []SearchResult           `json:"results"`
	Count   int                      `json:"count"`
	NextURL *string                  `json:"next_url"`
	PrevURL *string                  `json:"prev_url"`
	Import  *chatlift.ImportProgress `json:"import,omitempty"`
}

// previewRunes is how much of a chat's first message a result shows.
const previewRunes = 140

// queryChats serves GET /chats/search?q=&limit=&cursor=: the chats matching
// the query, in id order. Every request reads the account's chats once, so
// that count is the whole result's.
func queryChats(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	q := r.URL.Query()
	query, err := parseChatQuery(q.Get("q"))
	if err != nil {
		return err
	}
	after, limit, err := cursorParams(url.Values{"limit": q["limit"], "cursor": q["cursor"]})
	if err != nil {
		return err
	}
	var found []SearchResult
	start := -1 // the index of the first result after the cursor
	base := chatURLBase(r)
	for from := ""; ; {
		page, err := c.chats(r.Context(), chatlift.ChatFilter{AfterID: from, Limit: chatlift.MaxLimit})
		if err != nil {
			return err
		}
		for _, ch := range page {
			if !query.match(ch) {
				continue
			}
			if start < 0 && ch.ID > after {
				start = len(found)
			}
			found = append(found, SearchResult{ID: ch.ID, Type: ch.Type, Timestamp: ch.Timestamp, URL: base + ch.ID, Preview: preview(ch)})
		}
		if len(page) < chatlift.MaxLimit {
			break
		}
		from = page[len(page)-1].ID
	}
	if start < 0 {
		start = len(found)
	}
	end := min(start+limit, len(found))
	resp := SearchPage{Results: api.NonNil(found[start:end]), Count: len(found), Import: c.importing}
	if end < len(found) {
		next := withQuery(r, "cursor", api.EncodeCursor(found[end-1].ID))
		resp.NextURL = &next
	}
	if start > 0 {
		prev := withQuery(r, "cursor", "")
		if before := start - limit; before > 0 {
			prev = withQuery(r, "cursor", api.EncodeCursor(found[before-1].ID))
		}
		resp.PrevURL = &prev
	}
	api.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// chatURLBase is the URL of the chats resource the request came by,
// ending in a slash.
func chatURLBase(r *http.Request) string {
	u := url.URL{Scheme: "http", Host: r.Host, Path: strings.TrimSuffix(r.URL.Path, "/search") + "/"}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u.String()
}

// preview is the start of the chat's first message.
func preview(ch *chatlift.Chat) string {
	for _, m := range ch.History {
		if m.Msg == "" {
			continue
		}
		if utf8.RuneCountInString(m.Msg) <= previewRunes {
			return m.Msg
		}
		return string([]rune(m.Msg)[:previewRunes]) + "…"
	}
	return ""
}
