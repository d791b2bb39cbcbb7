package opsapi

import (
	"net/http"
	"strconv"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// AccountSummary is one customer account as operators see it.
type AccountSummary struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	OwnerEmail string `json:"owner_email"`
	ChatState  string `json:"chat_state"`
	ChatOwner  string `json:"chat_owner_email"`
	Plan       string `json:"plan"`
	TimeZone   string `json:"time_zone"`
	Upgraded   bool   `json:"upgraded"`
}

// listAccounts serves GET /api/ops/accounts?upgraded=&after_id=&limit=.
func (s *API) listAccounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f chatlift.AccountFilter
	var err error
	if f.AfterID, err = intParam(q.Get("after_id"), "after_id"); err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	limit, err := intParam(q.Get("limit"), "limit")
	if err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	f.Limit = int(limit)
	upgraded := q.Get("upgraded")
	if _, err := boolParam(upgraded, "upgraded"); err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	chats, err := s.Legacy.ChatAccounts(r.Context(), f)
	if err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	out := []AccountSummary{}
	for _, c := range chats {
		sum := AccountSummary{ID: c.ID, Name: c.Name, ChatOwner: c.OwnerEmail, ChatState: c.State, Plan: c.Plan,
			TimeZone: c.TimeZone, Upgraded: c.State == chatlift.ChatAccountUpgraded}
		if sa, err := s.Store.SupportAccount(r.Context(), c.ID); err == nil {
			sum.OwnerEmail = sa.OwnerEmail
		} else if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			api.WriteError(w, r, s.Logger, err)
			return
		}
		if upgraded == "" || strconv.FormatBool(sum.Upgraded) == upgraded {
			out = append(out, sum)
		}
	}
	resp := map[string]any{"accounts": out}
	if len(chats) > 0 && len(chats) == chatlift.PageSize(f.Limit) {
		resp["next_after_id"] = chats[len(chats)-1].ID
	}
	api.WriteJSON(w, http.StatusOK, resp)
}

// intParam parses an optional non-negative integer query parameter.
func intParam(s, name string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, ok := api.ParseDecimal(s)
	if !ok {
		return 0, chatlift.Errorf(chatlift.EINVALID, "%s must be a non-negative integer", name)
	}
	return n, nil
}
