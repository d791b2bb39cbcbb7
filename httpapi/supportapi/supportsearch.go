package supportapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// maxSearchResults bounds what one search finds, as the hosted API does.
const maxSearchResults = 1000

// searchQuery is a parsed search: the result types asked (none means
// all), field:value terms by field and free words. Terms of one field
// match if any does; fields and words must all match.
type searchQuery struct {
	types  []string
	fields map[string][]string
	words  []string
}

// supportSearchFields are the fields a query may name, by result type.
var supportSearchFields = map[string][]string{
	"ticket": {"status", "priority", "type", "tags", "tag", "requester", "assignee", "submitter", "group", "organization", "subject", "description", "via"},
	"user":   {"email", "name", "role"},
}

// parseSearch reads the hosted API's query syntax: type:ticket|user,
// field:value (a trailing * matches a prefix), "quoted phrases" and free
// words, all ignoring case. withTypes allows type: terms.
func parseSearch(query string, withTypes bool) (*searchQuery, error) {
	if len(query) > chatlift.MaxDescriptionRunes {
		return nil, chatlift.Errorf(chatlift.EINVALID, "query is longer than %d bytes", chatlift.MaxDescriptionRunes)
	}
	q := &searchQuery{fields: map[string][]string{}}
	for _, term := range searchTerms(strings.ToLower(query)) {
		field, v, ok := strings.Cut(term, ":")
		switch {
		case !ok || strings.HasPrefix(term, `"`):
			q.words = append(q.words, strings.Trim(term, `"`))
		case field == "type" && withTypes:
			if v != "ticket" && v != "user" {
				return nil, chatlift.Errorf(chatlift.EINVALID, "type must be ticket or user, not %q", v)
			}
			q.types = append(q.types, v)
		case slices.Contains(supportSearchFields["ticket"], field) || slices.Contains(supportSearchFields["user"], field):
			q.fields[field] = append(q.fields[field], strings.Trim(v, `"`))
		default:
			return nil, chatlift.Errorf(chatlift.EINVALID, "unknown search field %q", field)
		}
	}
	return q, nil
}

// searchTerms splits a query at spaces outside double quotes.
func searchTerms(s string) []string {
	var out []string
	var b strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			b.WriteRune(r)
		case r == ' ' && !quoted:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// wants reports whether the query asks for results of type t and names
// only fields t has.
func (q *searchQuery) wants(t string) bool {
	if len(q.types) > 0 && !slices.Contains(q.types, t) {
		return false
	}
	for f := range q.fields {
		if !slices.Contains(supportSearchFields[t], f) {
			return false
		}
	}
	return true
}

// matches reports whether every field's terms match one of the values
// get gives for it and every word is in text.
func (q *searchQuery) matches(get func(field string) []string, text string) bool {
	for field, terms := range q.fields {
		values := get(field)
		if !slices.ContainsFunc(terms, func(term string) bool { return slices.ContainsFunc(values, matcher(term)) }) {
			return false
		}
	}
	text = strings.ToLower(text)
	for _, w := range q.words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// matcher matches a value equal to term, ignoring case, or starting with
// it when it ends with *.
func matcher(term string) func(string) bool {
	prefix, wild := strings.CutSuffix(term, "*")
	return func(v string) bool {
		v = strings.ToLower(v)
		if wild {
			return strings.HasPrefix(v, prefix)
		}
		return v == term
	}
}

func (q *searchQuery) matchUser(u *chatlift.User) bool {
	return q.wants("user") && q.matches(func(f string) []string {
		switch f {
		case "email":
			return []string{u.Email}
		case "name":
			return []string{u.Name}
		}
		return []string{u.Role}
	}, u.Name+" "+u.Email)
}

func (q *searchQuery) matchTicket(t *chatlift.Ticket) bool {
	return q.wants("ticket") && q.matches(func(f string) []string { return ticketValues(t, f) },
		t.Subject+" "+t.Description+" "+strings.Join(t.Tags, " "))
}

// ticketValues are the values a search field has on t.
func ticketValues(t *chatlift.Ticket, field string) []string {
	id := func(p *int64) []string {
		if p == nil {
			return []string{"none"}
		}
		return []string{strconv.FormatInt(*p, 10)}
	}
	switch field {
	case "status":
		return []string{t.Status}
	case "priority":
		return []string{t.Priority}
	case "type":
		if t.Type == nil {
			return []string{"none"}
		}
		return []string{*t.Type}
	case "tags", "tag":
		return t.Tags
	case "requester":
		return append(id(t.RequesterID), t.RequesterEmail)
	case "assignee":
		return id(t.AssigneeID)
	case "submitter":
		return id(t.SubmitterID)
	case "group":
		return id(t.GroupID)
	case "organization":
		return id(t.OrganizationID)
	case "subject":
		return strings.Fields(t.Subject)
	case "description":
		return strings.Fields(t.Description)
	}
	return []string{t.Via.Channel}
}

// SupportSearchResult is one result of GET /search: a ticket or a user, with the
// field result_type added.
type SupportSearchResult struct {
	Object     any
	ResultType string
}

// MarshalJSON encodes the object with its result_type.
func (s SupportSearchResult) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(s.Object)
	if err != nil || len(b) < 2 || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("encode search result: %w", errors.Join(err, errors.New("not an object")))
	}
	return append(b[:len(b)-1], `,"result_type":"`+s.ResultType+`"}`...), nil
}

// search serves GET /search?query=: the account's tickets, then users,
// matching the query, in id order, paged by offset.
func search(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	q, err := parseSearch(r.URL.Query().Get("query"), true)
	if err != nil {
		return err
	}
	var results []SupportSearchResult
	if q.wants("ticket") {
		err := eachTicket(r, c, func(t *chatlift.Ticket) bool {
			if q.matchTicket(t) {
				results = append(results, SupportSearchResult{Object: withTicketURL(r, t), ResultType: "ticket"})
			}
			return len(results) < maxSearchResults
		})
		if err != nil {
			return err
		}
	}
	if q.wants("user") && len(results) < maxSearchResults {
		users, err := c.store.Users(r.Context(), c.Account.ID)
		if err != nil {
			return err
		}
		for _, u := range api.Filter(users, q.matchUser) {
			results = append(results, SupportSearchResult{Object: u, ResultType: "user"})
		}
	}
	results = results[:min(len(results), maxSearchResults)]
	items, f := pageSlice(r, p.offsetOnly(), results, nil)
	f["facets"] = nil
	writePage(w, "results", api.NonNil(items), f)
	return nil
}

// eachTicket calls fn with the account's tickets in id order while it
// returns true.
func eachTicket(r *http.Request, c *supportCaller, fn func(*chatlift.Ticket) bool) error {
	after := ""
	for {
		list, err := c.store.Tickets(r.Context(), chatlift.KeyFilter{AccountID: c.Account.ID, AfterID: after, Limit: chatlift.MaxLimit})
		if err != nil {
			return err
		}
		for _, t := range list {
			if !fn(t) {
				return nil
			}
		}
		if len(list) < chatlift.MaxLimit {
			return nil
		}
		after = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
}
