package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/prometheus/client_golang/prometheus"
)

// TestWriteJSON sends, through an instrumented route, a value JSON cannot
// hold: the client gets a 500 in the error shape, never an empty 200, and
// the failure is logged as an error.
func TestWriteJSON(t *testing.T) {
	t.Parallel()
	serve := func(t *testing.T, v any) (*httptest.ResponseRecorder, string) {
		t.Helper()
		var logs bytes.Buffer
		requests := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "requests"}, []string{"route", "status"})
		h := api.Instrument(slog.New(slog.NewTextHandler(&logs, nil)), requests, "GET /x",
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { api.WriteJSON(w, http.StatusOK, v) }))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
		return rec, logs.String()
	}
	t.Run("OK", func(t *testing.T) {
		rec, logs := serve(t, map[string]float64{"x": 1})
		if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"x":1}` || logs != "" {
			t.Fatalf("got %d %q, logs %q", rec.Code, rec.Body, logs)
		}
	})
	t.Run("ErrUnencodable", func(t *testing.T) {
		rec, logs := serve(t, map[string]float64{"x": math.NaN()})
		var shape api.ErrorResponse
		if rec.Code != http.StatusInternalServerError || json.Unmarshal(rec.Body.Bytes(), &shape) != nil || shape.Error != "internal" {
			t.Fatalf("got %d %q, want a 500 in the error shape", rec.Code, rec.Body)
		}
		if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "NaN") {
			t.Fatalf("the failure is not logged as an error: %q", logs)
		}
	})
}
