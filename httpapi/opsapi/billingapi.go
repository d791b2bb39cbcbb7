package opsapi

import (
	"bytes"
	"net/http"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// billingRoutes registers the billing API, for account admins and the
// operator, and the operator's consolidation.
func (s *API) billingRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /api/v2/billing/accounts", s.billing(listBillingAccounts))
	handle("GET /api/v2/billing/invoices", s.billing(listInvoices))
	handle("POST /api/v2/billing/consolidation/preview", s.billing(previewConsolidation))
	handle("POST /api/ops/accounts/{id}/billing/consolidate", s.Operator.Only(s.consolidate))
}

// billingCaller is whose billing a request is about.
type billingCaller struct {
	store     Store
	billing   Billing
	accountID int64
	now       time.Time
}

type billingHandler func(w http.ResponseWriter, r *http.Request, c *billingCaller) error

// billing lets through the operator, who names the account with
// ?account_id=, and the admins of an account, for their own account.
func (s *API) billing(h billingHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.billingCaller(r)
		if err == nil {
			err = h(w, r, c)
		}
		if err != nil {
			api.WriteError(w, r, s.Logger, err)
		}
	}
}

func (s *API) billingCaller(r *http.Request) (*billingCaller, error) {
	c, err := s.Auth.AdminOrOperatorCaller(r, "see billing")
	if err != nil {
		return nil, err
	}
	q := r.URL.Query().Get("account_id")
	id, err := intParam(q, "account_id")
	switch {
	case err != nil:
		return nil, err
	case c != nil && q != "" && id != c.Account.ID:
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "account %d not found", id)
	case c != nil:
		return &billingCaller{store: s.Store, billing: s.Billing, accountID: c.Account.ID, now: c.Now}, nil
	case id == 0:
		return nil, chatlift.Errorf(chatlift.EINVALID, "the operator names the account: ?account_id=")
	}
	if _, err := s.Store.SupportAccount(r.Context(), id); chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "account %d not found", id)
	} else if err != nil {
		return nil, err
	}
	return &billingCaller{store: s.Store, billing: s.Billing, accountID: id, now: s.now().UTC()}, nil
}

// BillingAccountView is a billing account with its subscriptions.
type BillingAccountView struct {
	*chatlift.BillingAccount
	Subscriptions []*chatlift.Subscription `json:"subscriptions"`
}

func listBillingAccounts(w http.ResponseWriter, r *http.Request, c *billingCaller) error {
	list, err := c.store.BillingAccounts(r.Context(), c.accountID)
	if err != nil {
		return err
	}
	out := []BillingAccountView{}
	for _, b := range list {
		subs, err := c.store.Subscriptions(r.Context(), b.ID)
		if err != nil {
			return err
		}
		out = append(out, BillingAccountView{BillingAccount: b, Subscriptions: api.NonNil(subs)})
	}
	api.WriteJSON(w, http.StatusOK, map[string]any{"billing_accounts": out})
	return nil
}

func listInvoices(w http.ResponseWriter, r *http.Request, c *billingCaller) error {
	list, err := c.store.BillingAccounts(r.Context(), c.accountID)
	if err != nil {
		return err
	}
	out := []*chatlift.Invoice{}
	for _, b := range list {
		invs, err := c.store.Invoices(r.Context(), b.ID)
		if err != nil {
			return err
		}
		out = append(out, invs...)
	}
	api.WriteJSON(w, http.StatusOK, map[string]any{"invoices": out})
	return nil
}

// ConsolidationResponse is a consolidation plan and, once applied, when and
// with which invoice.
type ConsolidationResponse struct {
	Consolidation  *chatlift.Consolidation `json:"consolidation"`
	ConsolidatedAt *time.Time              `json:"consolidated_at"`
	InvoiceID      *int64                  `json:"invoice_id"`
}

func consolidationResponse(plan *chatlift.Consolidation, rec *chatlift.ConsolidationRecord) ConsolidationResponse {
	out := ConsolidationResponse{Consolidation: plan}
	if rec != nil {
		out.ConsolidatedAt = &rec.ConsolidatedAt
		if rec.InvoiceID != 0 {
			out.InvoiceID = &rec.InvoiceID
		}
	}
	return out
}

// previewConsolidation serves POST /billing/consolidation/preview with an
// optional body {"at": RFC 3339 time}, when the consolidation would run
// (default now). It changes nothing.
func previewConsolidation(w http.ResponseWriter, r *http.Request, c *billingCaller) error {
	body, err := api.ReadBody(r)
	if err != nil {
		return err
	}
	var q struct {
		At *time.Time `json:"at"`
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := api.StrictUnmarshal(body, &q); err != nil {
			return err
		}
	}
	at := c.now
	if q.At != nil {
		if err := chatlift.CheckTime("at", *q.At); err != nil {
			return err
		}
		at = q.At.UTC()
	}
	plan, rec, err := c.billing.Plan(r.Context(), c.accountID, at)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, consolidationResponse(plan, rec))
	return nil
}

// consolidate serves POST /api/ops/accounts/{id}/billing/consolidate: it
// consolidates now, or answers what was done before.
func (s *API) consolidate(w http.ResponseWriter, r *http.Request) {
	err := func() error {
		id, err := api.PathID(r)
		if err != nil {
			return err
		}
		plan, err := s.Billing.Consolidate(r.Context(), id, s.now().UTC())
		if err != nil {
			return err
		}
		rec, err := s.Store.ConsolidationRecord(r.Context(), id)
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			rec = nil
		} else if err != nil {
			return err
		}
		api.WriteJSON(w, http.StatusOK, consolidationResponse(plan, rec))
		return nil
	}()
	if err != nil {
		api.WriteError(w, r, s.Logger, err)
	}
}
