package opsapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/opsapi"
	"github.com/chatlift/chatlift/internal/apitest"
)

// BillingAccounts is the body of GET /api/v2/billing/accounts.
type billingAccounts struct {
	BillingAccounts []struct {
		chatlift.BillingAccount
		Subscriptions []*chatlift.Subscription `json:"subscriptions"`
	} `json:"billing_accounts"`
}

type invoiceList struct {
	Invoices []*chatlift.Invoice `json:"invoices"`
}

// makeBillingDiffer makes the account's chat billing account pay another
// way than its support one, so that consolidation is needed.
func makeBillingDiffer(t *testing.T, e *apitest.Env, accountID int64) {
	t.Helper()
	ctx := context.Background()
	list, err := e.Platform.BillingAccounts(ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range list {
		if b.Product == "chat" {
			b.PaymentMethod = chatlift.PaymentMethod{Type: "invoice"}
			if err := e.Platform.PutBillingAccount(ctx, b); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("account %d has no chat billing account", accountID)
}

// billingJSON is everything the billing API shows of the account.
func billingJSON(t *testing.T, e *supportEnv) string {
	t.Helper()
	var accounts, invoices json.RawMessage
	e.Call(t, "GET", e.AsOwner("/api/v2/billing/accounts"), "", nil, http.StatusOK, &accounts)
	e.Call(t, "GET", e.AsOwner("/api/v2/billing/invoices"), "", nil, http.StatusOK, &invoices)
	return string(accounts) + string(invoices)
}

func TestBillingAPI(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	makeBillingDiffer(t, e.Env, 1)
	t.Run("Accounts", func(t *testing.T) {
		var out billingAccounts
		e.Call(t, "GET", e.AsOwner("/api/v2/billing/accounts"), "", nil, http.StatusOK, &out)
		if len(out.BillingAccounts) != 2 {
			t.Fatalf("%d billing accounts", len(out.BillingAccounts))
		}
		for _, b := range out.BillingAccounts {
			if b.AccountID != 1 || len(b.Subscriptions) != 1 || b.Subscriptions[0].Product != b.Product {
				t.Fatalf("billing account %+v", b)
			}
		}
	})
	t.Run("OperatorNamesTheAccount", func(t *testing.T) {
		var out billingAccounts
		e.Call(t, "GET", "/api/v2/billing/accounts?account_id=2", e.Op, nil, http.StatusOK, &out)
		if len(out.BillingAccounts) != 2 || out.BillingAccounts[0].AccountID != 2 {
			t.Fatalf("operator got %+v", out)
		}
		e.Call(t, "GET", "/api/v2/billing/invoices", e.Op, nil, http.StatusBadRequest, nil)
		e.Call(t, "GET", "/api/v2/billing/invoices?account_id=999", e.Op, nil, http.StatusNotFound, nil)
		e.Call(t, "GET", "/api/v2/billing/invoices?account_id=-1", e.Op, nil, http.StatusBadRequest, nil)
	})
	t.Run("ErrAuth", func(t *testing.T) {
		for _, path := range []string{"/api/v2/billing/accounts", "/api/v2/billing/invoices"} {
			e.Call(t, "GET", path, "", nil, http.StatusUnauthorized, nil)
			e.Call(t, "GET", e.AsAgent(path), "", nil, http.StatusForbidden, nil)
			e.Call(t, "GET", e.AsOwner(path+"?account_id=2"), "", nil, http.StatusNotFound, nil)
		}
		e.Call(t, "POST", e.AsAgent("/api/v2/billing/consolidation/preview"), "", nil, http.StatusForbidden, nil)
	})
	t.Run("PreviewChangesNothing", func(t *testing.T) {
		before := billingJSON(t, e)
		var out opsapi.ConsolidationResponse
		e.Call(t, "POST", e.AsOwner("/api/v2/billing/consolidation/preview"), "", nil, http.StatusOK, &out)
		if !out.Consolidation.Needed || len(out.Consolidation.Lines) != 2 || out.ConsolidatedAt != nil {
			t.Fatalf("preview = %+v", out)
		}
		var later opsapi.ConsolidationResponse
		e.Call(t, "POST", "/api/v2/billing/consolidation/preview?account_id=1", e.Op, map[string]any{"at": "2030-01-01T00:00:00Z"}, http.StatusOK, &later)
		for _, l := range later.Consolidation.Lines {
			if l.AmountCents != 0 { // both terms are over by then
				t.Fatalf("preview in 2030 = %+v", later.Consolidation)
			}
		}
		for _, body := range []string{`{"at": "tomorrow"}`, `{"when": "2030-01-01T00:00:00Z"}`, `[`} {
			e.Call(t, "POST", e.AsOwner("/api/v2/billing/consolidation/preview"), "", []byte(body), http.StatusBadRequest, nil)
		}
		if after := billingJSON(t, e); after != before {
			t.Fatalf("preview changed billing:\n before %s\n after  %s", before, after)
		}
	})
	t.Run("OperatorConsolidates", func(t *testing.T) {
		e.Call(t, "POST", "/api/ops/accounts/1/billing/consolidate", "", nil, http.StatusUnauthorized, nil)
		e.Call(t, "POST", "/api/ops/accounts/1/billing/consolidate", e.Token, nil, http.StatusUnauthorized, nil)
		e.Call(t, "POST", "/api/ops/accounts/999/billing/consolidate", e.Op, nil, http.StatusNotFound, nil)
		var out opsapi.ConsolidationResponse
		e.Call(t, "POST", "/api/ops/accounts/1/billing/consolidate", e.Op, nil, http.StatusOK, &out)
		if !out.Consolidation.Needed || out.InvoiceID == nil || out.ConsolidatedAt == nil {
			t.Fatalf("consolidate = %+v", out)
		}
		var invs invoiceList
		e.Call(t, "GET", e.AsOwner("/api/v2/billing/invoices"), "", nil, http.StatusOK, &invs)
		if len(invs.Invoices) != 1 || invs.Invoices[0].ID != *out.InvoiceID || invs.Invoices[0].TotalCents != out.Consolidation.TotalCents {
			t.Fatalf("invoices = %+v", invs.Invoices)
		}
		before := billingJSON(t, e)
		var again opsapi.ConsolidationResponse
		e.Call(t, "POST", "/api/ops/accounts/1/billing/consolidate", e.Op, nil, http.StatusOK, &again)
		if *again.InvoiceID != *out.InvoiceID || again.Consolidation.TotalCents != out.Consolidation.TotalCents {
			t.Fatalf("second run = %+v, first %+v", again, out)
		}
		if after := billingJSON(t, e); after != before {
			t.Fatalf("second run changed billing:\n before %s\n after  %s", before, after)
		}
		var preview opsapi.ConsolidationResponse
		e.Call(t, "POST", e.AsOwner("/api/v2/billing/consolidation/preview"), "", nil, http.StatusOK, &preview)
		if preview.ConsolidatedAt == nil || *preview.InvoiceID != *out.InvoiceID {
			t.Fatalf("preview after consolidation = %+v", preview)
		}
	})
}
