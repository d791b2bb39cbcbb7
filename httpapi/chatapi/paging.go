package chatapi

import (
	"net/url"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// sincePage is the chat API's id paging of agents and bans: since_id (the
// first id wanted; a client asks for the last id it saw plus one) and
// limit. A page past the last id is empty, which is how a client stops.
type sincePage struct {
	since int64
	limit int
	// paged is false when the request gave neither parameter: the whole
	// list is answered, as before paging existed.
	paged bool
}

// maxSinceLimit bounds limit; the connectors in use ask for 100 to 500.
const maxSinceLimit = 1000

// sinceParams reads since_id and limit.
func sinceParams(q url.Values) (sincePage, error) {
	p := sincePage{limit: chatlift.DefaultLimit, paged: q.Has("since_id") || q.Has("limit")}
	if v := q.Get("since_id"); v != "" || q.Has("since_id") {
		n, ok := api.ParseDecimal(v)
		if !ok {
			return p, chatlift.Errorf(chatlift.EINVALID, "since_id must be an id in plain decimal digits")
		}
		p.since = n
	}
	if q.Has("limit") {
		n, err := limitParam(q, chatlift.DefaultLimit, maxSinceLimit)
		if err != nil {
			return p, err
		}
		p.limit = n
	}
	return p, nil
}

// page keeps the items of list (in id order) from since on, at most limit
// of them; an unpaged request keeps them all.
func page[T any](p sincePage, list []T, id func(T) int64) []T {
	if !p.paged {
		return api.NonNil(list)
	}
	out := []T{}
	for _, v := range list {
		if id(v) >= p.since {
			if out = append(out, v); len(out) == p.limit {
				break
			}
		}
	}
	return out
}
