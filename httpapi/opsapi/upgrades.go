package opsapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/upgrade"
)

// Upgrades is what the upgrade API needs from the upgrade service.
type Upgrades interface {
	Request(ctx context.Context, accountID int64, requestedBy string) (*chatlift.Upgrade, error)
	// Act carries out an operator action, answering with the upgrade as the
	// action left it, or refuses it (conflict) with the reason.
	Act(ctx context.Context, upgradeID, action string) (*chatlift.Upgrade, error)
	Reschedule(ctx context.Context, upgradeID string, at time.Time) (*chatlift.Upgrade, error)
	Enroll(ctx context.Context, e upgrade.Enrollment, deadline bool) (*upgrade.Enrollment, error)
}

// Faults arms, lists and disarms injected faults (serve --fault-injection
// only).
type Faults interface {
	Set(ctx context.Context, accountID int64, step, mode string) error
	List(ctx context.Context) ([]*chatlift.Fault, error)
	Clear(ctx context.Context, accountID int64, step string) error
}

func (s *API) upgradeRoutes(handle func(string, http.HandlerFunc)) {
	handle("POST /api/v2/upgrades", s.adminOrOperator("request the upgrade", s.requestUpgrade))
	handle("GET /api/v2/upgrades", s.Operator.Only(s.listUpgrades))
	handle("GET /api/v2/upgrades/{id}", s.adminOrOperator("see the upgrade", s.showUpgrade))
	for _, action := range []string{"run-now", "cancel", "pause", "resume", "revert", "finish"} {
		handle("POST /api/ops/upgrades/{id}/"+action, s.Operator.Only(s.actOnUpgrade(action)))
	}
	handle("POST /api/ops/upgrades/{id}/reschedule", s.Operator.Only(s.rescheduleUpgrade))
	handle("POST /api/ops/faults", s.Operator.Only(s.injectFault))
	handle("GET /api/ops/faults", s.Operator.Only(s.listFaults))
	handle("DELETE /api/ops/faults/{account_id}/{step}", s.Operator.Only(s.disarmFault))
	handle("POST /api/ops/upgrades/enroll", s.Operator.Only(s.enroll(false)))
	handle("POST /api/ops/fleet/deadline", s.Operator.Only(s.enroll(true)))
}

// UpgradeRequest is the body of POST /api/v2/upgrades; account_id is for
// operators (an account admin upgrades their own account).
type UpgradeRequest struct {
	AccountID int64 `json:"account_id"`
}

func (s *API) requestUpgrade(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	var q UpgradeRequest
	if err := decodeOptional(r, &q); err != nil {
		return err
	}
	var u *chatlift.Upgrade
	var err error
	switch {
	case c == nil && q.AccountID <= 0:
		return chatlift.Errorf(chatlift.EINVALID, "account_id is required")
	case c == nil:
		u, err = s.Upgrades.Request(r.Context(), q.AccountID, "operator")
	case q.AccountID != 0 && q.AccountID != c.Account.ID:
		return chatlift.Errorf(chatlift.EFORBIDDEN, "you may request the upgrade of your own account only")
	default:
		u, err = s.Upgrades.Request(r.Context(), c.Account.ID, c.User.Email)
	}
	if id := existingUpgrade(err); id != "" {
		api.WriteJSON(w, http.StatusConflict, map[string]string{"error": chatlift.ECONFLICT, "description": chatlift.ErrorMessage(err), "upgrade_id": id})
		return nil
	} else if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, map[string]any{"upgrade": u})
	return nil
}

// existingUpgrade is the id a conflict error names, if any.
func existingUpgrade(err error) string {
	var named interface{ ExistingID() string }
	if errors.As(err, &named) {
		return named.ExistingID()
	}
	return ""
}

// decodeOptional decodes a JSON body if there is one.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return api.Decode(r, v)
}

// showUpgrade serves an upgrade to the operator and to its account's admins;
// another account's upgrade is not found.
func (s *API) showUpgrade(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	u, err := s.Store.Upgrade(r.Context(), r.PathValue("id"))
	if err == nil && c != nil && c.Account.ID != u.AccountID {
		err = chatlift.Errorf(chatlift.ENOTFOUND, "upgrade %s not found", r.PathValue("id"))
	}
	if err != nil {
		return err
	}
	postpone, err := s.Store.PostponeRequests(r.Context(), u.ID)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, map[string]any{"upgrade": u, "postpone_requests": append([]*chatlift.PostponeRequest{}, postpone...)})
	return nil
}

func (s *API) listUpgrades(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := chatlift.UpgradeFilter{State: q.Get("state"), AfterID: q.Get("after_id")}
	var err error
	if f.State != "" && !validState(f.State) {
		err = chatlift.Errorf(chatlift.EINVALID, "unknown state %q", f.State)
	} else if f.AfterID != "" && !validUpgradeID(f.AfterID) {
		err = chatlift.Errorf(chatlift.EINVALID, "after_id must be an upgrade id (the next_after_id of a page)")
	}
	if err == nil {
		f.AccountID, err = intParam(q.Get("account_id"), "account_id")
	}
	if err == nil {
		f.Attention, err = boolParam(q.Get("attention"), "attention")
	}
	var limit int64
	if err == nil {
		limit, err = intParam(q.Get("limit"), "limit")
		f.Limit = int(limit)
	}
	var list []*chatlift.Upgrade
	if err == nil {
		list, err = s.Store.Upgrades(r.Context(), f)
	}
	if err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	resp := map[string]any{"upgrades": api.NonNil(list)}
	if len(list) == chatlift.PageSize(f.Limit) {
		resp["next_after_id"] = list[len(list)-1].ID
	}
	api.WriteJSON(w, http.StatusOK, resp)
}

// validUpgradeID reports whether s has the form of an upgrade's id: "upg_"
// and 16 lowercase hexadecimal digits.
func validUpgradeID(s string) bool {
	hex, ok := strings.CutPrefix(s, "upg_")
	if !ok || len(hex) != 16 {
		return false
	}
	for i := 0; i < len(hex); i++ {
		if !(hex[i] >= '0' && hex[i] <= '9' || hex[i] >= 'a' && hex[i] <= 'f') {
			return false
		}
	}
	return true
}

func validState(s string) bool {
	for _, x := range chatlift.UpgradeStates {
		if x == s {
			return true
		}
	}
	return false
}

func (s *API) actOnUpgrade(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.Upgrades.Act(r.Context(), r.PathValue("id"), action)
		s.audit(r, action, "", err)
		if err != nil {
			api.WriteError(w, r, s.Logger, err)
			return
		}
		api.WriteJSON(w, http.StatusOK, map[string]any{"upgrade": u})
	}
}

// audit records an operator action taken through the API (and so the
// CLI) in the upgrade's audit trail, as the console records its own: the
// answer, or the workflow's refusal. Actions on an unknown upgrade or with
// bad input leave no entry; a failure to record is logged, since the
// action itself has been answered.
func (s *API) audit(r *http.Request, action, detail string, err error) {
	result := "accepted"
	switch code := chatlift.ErrorCode(err); code {
	case "":
	case chatlift.ECONFLICT, chatlift.EUNAVAILABLE:
		result = "refused: " + chatlift.ErrorMessage(err)
	default:
		return
	}
	e := &chatlift.AuditEntry{UpgradeID: r.PathValue("id"), At: s.now(), Actor: "operator (API)", Action: action, Detail: detail, Result: result}
	if aerr := s.Store.AddAuditEntry(r.Context(), e); aerr != nil {
		s.Logger.ErrorContext(r.Context(), "record audit entry", "upgrade_id", e.UpgradeID, "action", action, "error", aerr)
	}
}

// RescheduleRequest is the body of POST /api/ops/upgrades/{id}/reschedule.
type RescheduleRequest struct {
	ScheduledFor time.Time `json:"scheduled_for"`
}

func (s *API) rescheduleUpgrade(w http.ResponseWriter, r *http.Request) {
	var q RescheduleRequest
	err := api.Decode(r, &q)
	if err == nil && q.ScheduledFor.IsZero() {
		err = chatlift.Errorf(chatlift.EINVALID, "scheduled_for is required (RFC 3339)")
	} else if err == nil {
		err = chatlift.CheckTime("scheduled_for", q.ScheduledFor)
	}
	var u *chatlift.Upgrade
	if err == nil {
		u, err = s.Upgrades.Reschedule(r.Context(), r.PathValue("id"), q.ScheduledFor)
		s.audit(r, "reschedule", "to "+q.ScheduledFor.UTC().Format(time.RFC3339), err)
	}
	if err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, map[string]any{"upgrade": u})
}

// FaultRequest is the body of POST /api/ops/faults.
type FaultRequest struct {
	AccountID int64  `json:"account_id"`
	Step      string `json:"step"`
	Mode      string `json:"mode"`
}

func (s *API) injectFault(w http.ResponseWriter, r *http.Request) {
	var q FaultRequest
	err := s.faultsOn()
	if err == nil {
		err = api.Decode(r, &q)
	}
	if err == nil {
		err = s.Faults.Set(r.Context(), q.AccountID, q.Step, q.Mode)
	}
	if err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	api.WriteJSON(w, http.StatusCreated, q)
}

// listFaults answers the armed faults and those taken, each with its
// taken_at.
func (s *API) listFaults(w http.ResponseWriter, r *http.Request) {
	var list []*chatlift.Fault
	err := s.faultsOn()
	if err == nil {
		list, err = s.Faults.List(r.Context())
	}
	if err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, map[string]any{"faults": list})
}

func (s *API) disarmFault(w http.ResponseWriter, r *http.Request) {
	err := s.faultsOn()
	if err == nil {
		var id int64
		if id, err = strconv.ParseInt(r.PathValue("account_id"), 10, 64); err != nil {
			err = chatlift.Errorf(chatlift.EINVALID, "account_id must be a number")
		} else {
			err = s.Faults.Clear(r.Context(), id, r.PathValue("step"))
		}
	}
	if err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// faultsOn refuses fault injection unless serve runs with it.
func (s *API) faultsOn() error {
	if s.Faults == nil {
		return chatlift.Errorf(chatlift.ENOTFOUND, "fault injection is off; start serve with --fault-injection")
	}
	return nil
}

// EnrollRequest is the body of POST /api/ops/upgrades/enroll (account_ids or
// all, optionally at a time) and of POST /api/ops/fleet/deadline (at: the
// deadline; every account not upgraded by then is enrolled).
type EnrollRequest struct {
	AccountIDs []int64   `json:"account_ids"`
	All        bool      `json:"all"`
	At         time.Time `json:"at"`
}

func (s *API) enroll(deadline bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var q EnrollRequest
		err := api.Decode(r, &q)
		if deadline {
			q.All = true
		}
		if err == nil && !q.At.IsZero() {
			err = chatlift.CheckTime("at", q.At)
		}
		var e *upgrade.Enrollment
		if err == nil {
			e, err = s.Upgrades.Enroll(r.Context(), upgrade.Enrollment{AccountIDs: q.AccountIDs, All: q.All, At: q.At}, deadline)
		}
		if err != nil {
			api.WriteError(w, r, s.Logger, err)
			return
		}
		api.WriteJSON(w, http.StatusAccepted, map[string]any{"enrollment": e})
	}
}

// boolParam parses an optional true/false query parameter.
func boolParam(v, name string) (bool, error) {
	switch v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, chatlift.Errorf(chatlift.EINVALID, "%s must be true or false", name)
}
