package api_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// TestWriteErrorUnavailable: every unavailable answer says when to retry,
// and a wait the answer already gives is kept.
func TestWriteErrorUnavailable(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/api/ops/upgrades/upg_1/run-now", nil)
	log := slog.New(slog.DiscardHandler)
	w := httptest.NewRecorder()
	api.WriteError(w, r, log, chatlift.Errorf(chatlift.EUNAVAILABLE, "the workflow did not answer in time"))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" {
		t.Fatalf("%d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	w = httptest.NewRecorder()
	w.Header().Set("Retry-After", "30")
	api.WriteError(w, r, log, chatlift.Errorf(chatlift.EUNAVAILABLE, "busy"))
	if got := w.Header().Get("Retry-After"); got != "30" {
		t.Fatalf("Retry-After %q, want the 30 already set", got)
	}
	w = httptest.NewRecorder()
	api.WriteError(w, r, log, chatlift.Errorf(chatlift.ECONFLICT, "no"))
	if got := w.Header().Get("Retry-After"); got != "" {
		t.Fatalf("a conflict says Retry-After %q", got)
	}
}
