package main_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestEnrollment(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, "--data", data, "--operator-token", "op-e2e")
	s.waitHealthy(t, 20*time.Second)
	op := "Bearer op-e2e"
	api(t, "POST", s.url+"/api/ops/upgrades/enroll", op, map[string]any{"account_ids": []int64{3, 4}}, http.StatusAccepted, nil)
	api(t, "POST", s.url+"/api/ops/upgrades/enroll", op, map[string]any{}, http.StatusBadRequest, nil)
	api(t, "POST", s.url+"/api/ops/fleet/deadline", op, map[string]any{"at": time.Now().Add(-time.Hour)}, http.StatusBadRequest, nil)
	api(t, "POST", s.url+"/api/ops/fleet/deadline", op, map[string]any{"at": time.Now().Add(90 * 24 * time.Hour)}, http.StatusAccepted, nil)
	api(t, "POST", s.url+"/api/ops/fleet/deadline", op, map[string]any{"at": time.Now().Add(60 * 24 * time.Hour)}, http.StatusAccepted, nil) // replaces the first
	for _, account := range []int64{3, 4} {
		deadline := time.Now().Add(20 * time.Second)
		for {
			var list struct {
				Upgrades []struct {
					AccountID   int64  `json:"account_id"`
					RequestedBy string `json:"requested_by"`
				}
			}
			api(t, "GET", s.url+fmt.Sprintf("/api/v2/upgrades?account_id=%d", account), op, nil, http.StatusOK, &list)
			if len(list.Upgrades) == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("account %d not enrolled: %+v", account, list.Upgrades)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	api(t, "POST", s.url+"/api/v2/upgrades", "Bearer nope", map[string]any{"account_id": 3}, http.StatusUnauthorized, nil)
}
