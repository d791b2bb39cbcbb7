package chatapi

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// BanList is the answer of GET /bans: the bans of one page, by kind.
type BanList struct {
	Visitor   []*chatlift.Ban `json:"visitor"`
	IPAddress []*chatlift.Ban `json:"ip_address"`
}

// bans reads the account's bans in id order.
func bans(r *http.Request, c *chatCaller) ([]*chatlift.Ban, error) {
	objs, err := c.Store.Objects(r.Context(), c.Account.ID, chatlift.KindBan)
	if err != nil {
		return nil, err
	}
	list := make([]*chatlift.Ban, 0, len(objs))
	for _, o := range objs {
		b := new(chatlift.Ban)
		if err := json.Unmarshal(o.Body, b); err != nil {
			return nil, chatlift.Errorf(chatlift.EINTERNAL, "ban %d: %s", o.ID, err.Error())
		}
		list = append(list, b)
	}
	return list, nil
}

// pagedBans reads since_id and limit and returns that page of the
// account's bans of the kind ("" for every kind), in id order.
func pagedBans(r *http.Request, c *chatCaller, kind string) ([]*chatlift.Ban, error) {
	p, err := sinceParams(r.URL.Query())
	if err != nil {
		return nil, err
	}
	list, err := bans(r, c)
	if err != nil {
		return nil, err
	}
	if kind != "" {
		list = slices.DeleteFunc(list, func(b *chatlift.Ban) bool { return b.Type != kind })
	}
	return page(p, list, func(b *chatlift.Ban) int64 { return b.ID }), nil
}

// listBans serves GET /bans?since_id=&limit=: one page of bans in id
// order, split by kind.
func listBans(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	list, err := pagedBans(r, c, "")
	if err != nil {
		return err
	}
	resp := BanList{Visitor: []*chatlift.Ban{}, IPAddress: []*chatlift.Ban{}}
	for _, b := range list {
		if b.Type == "ip_address" {
			resp.IPAddress = append(resp.IPAddress, b)
		} else {
			resp.Visitor = append(resp.Visitor, b)
		}
	}
	api.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// banKind serves GET /bans/ip and /bans/visitor: the bans of one kind, a
// list in id order, paged like /bans.
func banKind(kind string) chatHandler {
	return func(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
		list, err := pagedBans(r, c, kind)
		if err != nil {
			return err
		}
		api.WriteJSON(w, http.StatusOK, list)
		return nil
	}
}
