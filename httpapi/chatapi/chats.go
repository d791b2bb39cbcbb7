package chatapi

import (
	"crypto/rand"
	"encoding/base32"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// ChatPage is a page of chats with the URL of the next page, if any.
type ChatPage struct {
	Chats   []*ChatDoc `json:"chats"`
	Count   int        `json:"count"`
	NextURL *string    `json:"next_url"`
	// Import is the history import's progress while it runs: until it is
	// done the page merges imported chats with those not yet imported.
	Import *chatlift.ImportProgress `json:"import,omitempty"`
}

// listChats serves GET /chats?cursor=&limit=: every chat, in key order;
// with ids= the chats named (bulkChats).
func listChats(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	if r.URL.Query().Has("ids") {
		return bulkChats(w, r, c)
	}
	after, limit, err := cursorParams(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := c.chats(r.Context(), chatlift.ChatFilter{AccountID: c.Account.ID, AfterID: after, Limit: limit})
	if err != nil {
		return err
	}
	docs, err := c.chatDocs(r.Context(), list)
	if err != nil {
		return err
	}
	page := ChatPage{Chats: docs, Count: len(docs), Import: c.importing}
	if len(list) == limit {
		next := withQuery(r, "cursor", api.EncodeCursor(list[len(list)-1].ID))
		page.NextURL = &next
	}
	api.WriteJSON(w, http.StatusOK, page)
	return nil
}

// BulkChats is the answer of GET /chats?ids=: the chats found, by id.
type BulkChats struct {
	Docs map[string]*ChatDoc `json:"docs"`
}

// maxBulkIDs bounds the ids of one bulk request: a page of search results.
const maxBulkIDs = 1000

// bulkChats serves GET /chats?ids=a,b,c: the account's chats of those ids;
// an id the account has no chat of is left out.
func bulkChats(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	ids := strings.Split(r.URL.Query().Get("ids"), ",")
	if len(ids) > maxBulkIDs {
		return chatlift.Errorf(chatlift.EINVALID, "ids names more than %d chats", maxBulkIDs)
	}
	var found []*chatlift.Chat
	seen := map[string]bool{}
	for _, id := range ids {
		if !chatlift.ValidKey(id) {
			return chatlift.Errorf(chatlift.EINVALID, "ids must be chat ids separated by commas")
		}
		if seen[id] {
			continue // read once: the answer is keyed by id
		}
		seen[id] = true
		ch, err := c.chat(r.Context(), id)
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		found = append(found, ch)
	}
	docs, err := c.chatDocs(r.Context(), found)
	if err != nil {
		return err
	}
	resp := BulkChats{Docs: make(map[string]*ChatDoc, len(docs))}
	for _, d := range docs {
		resp.Docs[d.ID] = d
	}
	api.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// searchChats serves GET /chats/search: with q, the chat API's query
// language (queryChats); without, chatlift's earlier search by
// start_time=&end_time=&tag=&cursor=&limit=: chats last updated in
// [start_time, end_time) (unix seconds), with the tag if one is given, in
// update order.
func searchChats(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	q := r.URL.Query()
	if q.Has("q") {
		return queryChats(w, r, c)
	}
	start, err := unixParam(q, "start_time", 0)
	if err != nil {
		return err
	}
	end, err := unixParam(q, "end_time", 1<<40)
	if err != nil {
		return err
	}
	_, limit, err := cursorParams(url.Values{"limit": q["limit"]})
	if err != nil {
		return err
	}
	at, id, err := decodeTimeCursor(q.Get("cursor"), start-1)
	if err != nil {
		return err
	}
	found, more, err := scanChats(r, c, at, id, end, q.Get("tag"), limit)
	if err != nil {
		return err
	}
	docs, err := c.chatDocs(r.Context(), found)
	if err != nil {
		return err
	}
	resp := ChatPage{Chats: docs, Count: len(found), Import: c.importing}
	if more {
		last := found[len(found)-1]
		next := withQuery(r, "cursor", encodeTimeCursor(last.UpdateTimestamp.Unix(), last.ID))
		resp.NextURL = &next
	}
	api.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// scanChats walks the account's chats in update order after (at, id) and
// before end, keeping those with the tag, until it has limit of them.
func scanChats(r *http.Request, c *chatCaller, at int64, id string, end int64, tag string, limit int) (found []*chatlift.Chat, more bool, err error) {
	for {
		page, err := c.chats(r.Context(), chatlift.ChatFilter{AccountID: c.Account.ID, ByUpdate: true,
			AfterTime: time.Unix(at, 0), AfterID: id, Limit: chatlift.MaxLimit})
		if err != nil {
			return nil, false, err
		}
		for _, ch := range page {
			if ch.UpdateTimestamp.Unix() >= end {
				return found, false, nil
			}
			at, id = ch.UpdateTimestamp.Unix(), ch.ID
			if tag == "" || hasTag(ch.Tags, tag) {
				if found = append(found, ch); len(found) == limit {
					return found, true, nil
				}
			}
		}
		if len(page) < chatlift.MaxLimit {
			return found, false, nil
		}
	}
}

func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

func getChat(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	ch, err := c.chat(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	docs, err := c.chatDocs(r.Context(), []*chatlift.Chat{ch})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, docs[0])
	return nil
}

// IncrementalPage is the answer of the incremental chat export.
type IncrementalPage struct {
	Chats    []*ChatDoc               `json:"chats"`
	Count    int                      `json:"count"`
	EndTime  int64                    `json:"end_time"`
	EndID    string                   `json:"end_id"`
	NextPage *string                  `json:"next_page"`
	Import   *chatlift.ImportProgress `json:"import,omitempty"`
}

// incrementalChats serves GET /incremental/chats?start_time=&start_id=&limit=:
// chats in (update time, id) order after the cursor; a client stops when
// count < limit.
func incrementalChats(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	q := r.URL.Query()
	start, err := unixParam(q, "start_time", 0)
	if err != nil {
		return err
	}
	limit, err := limitParam(q, 1000, 1000)
	if err != nil {
		return err
	}
	startID := q.Get("start_id")
	if startID != "" && !q.Has("start_time") {
		return chatlift.Errorf(chatlift.EINVALID, "start_id goes with the start_time it came with (end_time and end_id of a page)")
	} else if startID != "" && !chatlift.ValidKey(startID) {
		return chatlift.Errorf(chatlift.EINVALID, "start_id must be a chat id (the end_id of a page)")
	}
	after := time.Unix(start, 0)
	if startID == "" { // start_time alone includes chats updated in that second
		after = time.Unix(start-1, 0)
		startID = "\uffff"
	}
	list, err := c.chats(r.Context(), chatlift.ChatFilter{AccountID: c.Account.ID, ByUpdate: true, AfterTime: after, AfterID: startID, Limit: limit})
	if err != nil {
		return err
	}
	// The current second is still open: a chat updated later in it could
	// sort before a cursor that ends in it. Pages stop before it; the
	// client gets such chats on its next poll.
	open := c.Now.Unix()
	for i, ch := range list {
		if ch.UpdateTimestamp.Unix() >= open {
			list = list[:i]
			break
		}
	}
	docs, err := c.chatDocs(r.Context(), list)
	if err != nil {
		return err
	}
	resp := IncrementalPage{Chats: docs, Count: len(list), EndTime: start, EndID: q.Get("start_id"), Import: c.importing}
	if n := len(list); n > 0 {
		resp.EndTime, resp.EndID = list[n-1].UpdateTimestamp.Unix(), list[n-1].ID
	}
	next := withQuery(r, "start_time", strconv.FormatInt(resp.EndTime, 10), "start_id", resp.EndID)
	resp.NextPage = &next
	api.WriteJSON(w, http.StatusOK, resp)
	return nil
}

func listVisitors(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	after, limit, err := cursorParams(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := c.visitors(r.Context(), chatlift.KeyFilter{AccountID: c.Account.ID, AfterID: after, Limit: limit})
	if err != nil {
		return err
	}
	docs, err := visitorDocs(r, c, list)
	if err != nil {
		return err
	}
	resp := map[string]any{"visitors": docs, "count": len(list), "next_url": nil}
	if c.importing != nil {
		resp["import"] = c.importing
	}
	if len(list) == limit {
		resp["next_url"] = withQuery(r, "cursor", api.EncodeCursor(list[len(list)-1].ID))
	}
	api.WriteJSON(w, http.StatusOK, resp)
	return nil
}

func getVisitor(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	v, err := c.visitor(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	docs, err := visitorDocs(r, c, []*chatlift.Visitor{v})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, docs[0])
	return nil
}

// cursorParams reads the opaque cursor (the last key seen) and the limit.
func cursorParams(q url.Values) (after string, limit int, err error) {
	if limit, err = limitParam(q, chatlift.DefaultLimit, chatlift.MaxLimit); err != nil {
		return "", 0, err
	}
	if v := q.Get("cursor"); v != "" {
		if after, err = api.DecodeCursor(v, "cursor"); err != nil {
			return "", 0, err
		}
	}
	return after, limit, nil
}

// limitParam reads the limit query parameter: 1 to max, def when absent.
func limitParam(q url.Values, def, max int) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return def, nil
	}
	n, ok := api.ParseDecimal(v)
	if !ok || n < 1 || n > int64(max) {
		return 0, chatlift.Errorf(chatlift.EINVALID, "limit must be 1 to %d", max)
	}
	return int(n), nil
}

func encodeTimeCursor(at int64, id string) string {
	return api.EncodeCursor(strconv.FormatInt(at, 10) + ":" + id)
}

func decodeTimeCursor(v string, defaultAt int64) (int64, string, error) {
	if v == "" {
		return defaultAt, "\uffff", nil
	}
	key, err := api.DecodeCursor(v, "cursor")
	if err != nil {
		return 0, "", err
	}
	at, id, ok := strings.Cut(key, ":")
	n, ok2 := api.ParseDecimal(at)
	if !ok || !ok2 {
		return 0, "", api.ErrBadCursor("cursor")
	}
	return n, id, nil
}

// unixParam reads a unix-seconds query parameter: 0 (the beginning) or a
// time before chatlift.MaxTimeUnix.
func unixParam(q url.Values, name string, def int64) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, ok := api.ParseDecimal(v)
	if !ok || n > chatlift.MaxTimeUnix {
		return 0, chatlift.Errorf(chatlift.EINVALID, "%s must be unix seconds from 0 to %d (2100-01-01)", name, int64(chatlift.MaxTimeUnix))
	}
	return n, nil
}

// withQuery is the request's URL with the given query parameters replaced.
func withQuery(r *http.Request, kv ...string) string {
	u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	q := r.URL.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// newChatID makes an id in the chat API's style: YYMM.account.random.
// The platform's random part is lowercase and the legacy product's
// uppercase, so a chat made on the platform never takes the id of one the
// import has still to bring.
func newChatID(accountID int64, now time.Time, platform bool) string {
	b := make([]byte, 5)
	rand.Read(b)
	random := base32.StdEncoding.EncodeToString(b)
	if platform {
		random = strings.ToLower(random)
	}
	return now.Format("0601") + "." + strconv.FormatInt(accountID, 10) + "." + random
}
