package supportapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// InstallationList is the body of GET /apps/installations.
type InstallationList struct {
	Installations []*chatlift.AppInstallation `json:"installations"`
}

func listApps(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	list, err := c.store.Apps(r.Context(), c.Account.ID)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, InstallationList{Installations: api.NonNil(list)})
	return nil
}

// InstallRequest is the body of POST /apps/installations.
type InstallRequest struct {
	AppID    int64 `json:"app_id"`
	Settings struct {
		Name string `json:"name"`
	} `json:"settings"`
	Kind     string   `json:"kind"`     // public (default) or private
	Products []string `json:"products"` // support (default), chat or both
	Enabled  *bool    `json:"enabled"`
}

// installApp serves POST /apps/installations (admins only); an app is
// installed at most once per account. It answers the installation itself.
func installApp(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	if err := c.RequireAdmin("install apps"); err != nil {
		return err
	}
	var q InstallRequest
	if err := api.Decode(r, &q); err != nil {
		return err
	} else if q.AppID <= 0 {
		return chatlift.Errorf(chatlift.EINVALID, "app_id must be a positive integer")
	} else if strings.TrimSpace(q.Settings.Name) == "" {
		return chatlift.Errorf(chatlift.EINVALID, "settings.name required")
	}
	a := &chatlift.AppInstallation{AccountID: c.Account.ID, AppID: q.AppID, Name: strings.TrimSpace(q.Settings.Name), Kind: q.Kind,
		Products: q.Products, Enabled: q.Enabled == nil || *q.Enabled, CreatedAt: c.Now}
	if a.Kind == "" {
		a.Kind = chatlift.AppPublic
	}
	if len(a.Products) == 0 {
		a.Products = []string{"support"}
	}
	a.Products = distinct(a.Products)
	if err := a.Validate(); err != nil {
		return err
	}
	err := c.store.InTx(r.Context(), func(tx chatlift.PlatformStore) error {
		installed, err := tx.Apps(r.Context(), c.Account.ID)
		if err != nil {
			return err
		}
		for _, other := range installed {
			if other.AppID == a.AppID {
				return chatlift.Errorf(chatlift.ECONFLICT, "app %d is already installed (installation %d)", a.AppID, other.ID)
			}
		}
		if a.ID, err = tx.NextIDs(r.Context(), "apps/"+strconv.FormatInt(c.Account.ID, 10), 1); err != nil {
			return err
		}
		return tx.PutApps(r.Context(), []*chatlift.AppInstallation{a})
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, a)
	return nil
}

// distinct drops repeated strings, keeping the first of each.
func distinct(in []string) []string {
	out := []string{}
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
