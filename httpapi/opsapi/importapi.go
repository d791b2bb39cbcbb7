package opsapi

import (
	"net/http"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

func (s *API) importRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /api/ops/import/settings", s.Operator.Only(s.showImportSettings))
	handle("PUT /api/ops/import/settings", s.Operator.Only(s.putImportSettings))
}

// ImportThrottle is the answer of the import settings endpoints: the
// fleet's import limits and how many imports hold a slot now.
type ImportThrottle struct {
	Settings chatlift.ImportSettings `json:"settings"`
	Running  int                     `json:"running"`
}

func (s *API) showImportSettings(w http.ResponseWriter, r *http.Request) {
	s.writeImportThrottle(w, r, nil)
}

// putImportSettings replaces the limits; running imports follow within
// their poll interval.
func (s *API) putImportSettings(w http.ResponseWriter, r *http.Request) {
	var q chatlift.ImportSettings
	err := api.Decode(r, &q)
	if err == nil {
		err = s.Store.PutImportSettings(r.Context(), q)
	}
	s.writeImportThrottle(w, r, err)
}

// writeImportThrottle answers err, or else the throttle as it is now.
func (s *API) writeImportThrottle(w http.ResponseWriter, r *http.Request, err error) {
	var t ImportThrottle
	if err == nil {
		t.Settings, err = s.Store.ImportSettings(r.Context())
	}
	if err == nil {
		t.Running, err = s.Store.ActiveImportLeases(r.Context(), s.now())
	}
	if err != nil {
		api.WriteError(w, r, s.Logger, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, t)
}
