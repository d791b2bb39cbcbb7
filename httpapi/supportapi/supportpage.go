package supportapi

import (
	"maps"
	"net/http"
	"net/url"
	"strconv"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// maxPerPage bounds per_page and page[size], as the hosted API does.
const maxPerPage = 100

// pager is how a client pages a support API list, in either of the hosted
// API's styles: offset (page, per_page → next_page, previous_page, count)
// or cursor (page[size], page[after] → meta, links). A request with neither
// gets the first page answered in both.
type pager struct {
	offset, cursor bool
	page, perPage  int // offset style
	size           int // cursor style
	after          int64
	query          url.Values // the request's other parameters, kept in links
}

// parsePager reads the paging parameters of a request.
func parsePager(r *http.Request) (pager, error) {
	q := r.URL.Query()
	p := pager{query: url.Values{}}
	for k, v := range q {
		if k != "page" && k != "per_page" && k != "page[size]" && k != "page[after]" {
			p.query[k] = v
		}
	}
	p.cursor = q.Has("page[size]") || q.Has("page[after]")
	p.offset = !p.cursor && (q.Has("page") || q.Has("per_page"))
	if !p.cursor && !p.offset {
		p.offset, p.cursor = true, true
	}
	var err error
	if p.page, err = positiveParam(q.Get("page"), "page", 1, 1<<30); err != nil {
		return p, err
	}
	if p.perPage, err = positiveParam(q.Get("per_page"), "per_page", maxPerPage, maxPerPage); err != nil {
		return p, err
	}
	if p.size, err = positiveParam(q.Get("page[size]"), "page[size]", maxPerPage, maxPerPage); err != nil {
		return p, err
	}
	if a := q.Get("page[after]"); a != "" {
		n, ok := api.ParseDecimal(a)
		if !ok {
			return p, chatlift.Errorf(chatlift.EINVALID, "page[after] must be a cursor from meta.after_cursor")
		}
		p.after = n
	}
	return p, nil
}

// offsetOnly is p answering in the offset style alone, as search does.
func (p pager) offsetOnly() pager {
	p.offset, p.cursor = true, false
	return p
}

// pageFields are the paging fields of a list's answer.
type pageFields map[string]any

// pageSlice pages an id-ordered list held whole.
func pageSlice[T any](r *http.Request, p pager, all []T, id func(T) int64) ([]T, pageFields) {
	if p.cursor && !p.offset {
		start := 0
		for start < len(all) && id(all[start]) <= p.after {
			start++
		}
		items := all[start:min(len(all), start+p.size)]
		return items, cursorFields(r, p, items, start+len(items) < len(all), id)
	}
	start := min(len(all), (p.page-1)*p.perPage)
	items := all[start:min(len(all), start+p.perPage)]
	f := p.offsetFields(r, len(all))
	if p.cursor {
		p.size = p.perPage
		for k, v := range cursorFields(r, p, items, start+len(items) < len(all), id) {
			f[k] = v
		}
	}
	return items, f
}

// offsetFields are next_page, previous_page and count of a list of total.
func (p pager) offsetFields(r *http.Request, total int) pageFields {
	link := func(page int) *string {
		v := maps.Clone(p.query) // only Set follows: the slices are replaced, never changed
		v.Set("page", strconv.Itoa(page))
		v.Set("per_page", strconv.Itoa(p.perPage))
		u := pageURL(r, v)
		return &u
	}
	f := pageFields{"next_page": nil, "previous_page": nil, "count": total}
	if p.page*p.perPage < total {
		f["next_page"] = link(p.page + 1)
	}
	if p.page > 1 {
		f["previous_page"] = link(p.page - 1)
	}
	return f
}

// cursorMeta is the meta object of a cursor page.
type cursorMeta struct {
	HasMore      bool    `json:"has_more"`
	AfterCursor  *string `json:"after_cursor"`
	BeforeCursor *string `json:"before_cursor"`
}

// cursorFields are meta and links of a cursor page of items; more says
// whether items follow it.
func cursorFields[T any](r *http.Request, p pager, items []T, more bool, id func(T) int64) pageFields {
	var meta cursorMeta
	var next *string
	if len(items) > 0 {
		after, before := strconv.FormatInt(id(items[len(items)-1]), 10), strconv.FormatInt(id(items[0]), 10)
		meta.AfterCursor, meta.BeforeCursor = &after, &before
	}
	if meta.HasMore = more; more {
		v := maps.Clone(p.query) // only Set follows: the slices are replaced, never changed
		v.Set("page[size]", strconv.Itoa(p.size))
		v.Set("page[after]", *meta.AfterCursor)
		u := pageURL(r, v)
		next = &u
	}
	return pageFields{"meta": meta, "links": map[string]*string{"next": next, "prev": nil}}
}

// writePage answers a list: its items under key, and the paging fields.
func writePage(w http.ResponseWriter, key string, items any, f pageFields) {
	f[key] = items
	api.WriteJSON(w, http.StatusOK, map[string]any(f))
}
