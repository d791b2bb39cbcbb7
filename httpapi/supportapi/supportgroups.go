package supportapi

import (
	"net/http"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/support"
)

// groupRoutes registers groups and organizations: list, show, create.
func (s *API) groupRoutes(handle func(string, http.HandlerFunc)) {
	const p = "/api/v2"
	handle("GET "+p+"/groups", s.support(listGroups))
	handle("POST "+p+"/groups", s.support(createGroup))
	handle("GET "+p+"/groups/{id}", s.support(getGroup))
	handle("GET "+p+"/organizations", s.support(listOrganizations))
	handle("POST "+p+"/organizations", s.support(createOrganization))
	handle("GET "+p+"/organizations/{id}", s.support(getOrganization))
}

// GroupEnvelope is the body of a single group.
type GroupEnvelope struct {
	Group *chatlift.Group `json:"group"`
}

// GroupRequest is the body of POST /groups; fields it does not list are
// ignored.
type GroupRequest struct {
	Group *struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
	} `json:"group"`
}

func listGroups(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	all, err := c.store.Groups(r.Context(), c.Account.ID)
	if err != nil {
		return err
	}
	items, f := pageSlice(r, p, all, func(g *chatlift.Group) int64 { return g.ID })
	for _, g := range items {
		g.URL = resourceURL(r, "groups", g.ID)
	}
	writePage(w, "groups", api.NonNil(items), f)
	return nil
}

func getGroup(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	g, err := api.PathResource(r, c.Account.ID, c.store.Group)
	if err != nil {
		return err
	}
	g.URL = resourceURL(r, "groups", g.ID)
	api.WriteJSON(w, http.StatusOK, GroupEnvelope{Group: g})
	return nil
}

// createGroup serves POST /groups (admins only).
func createGroup(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	if err := c.RequireAdmin("create groups"); err != nil {
		return err
	}
	var q GroupRequest
	if err := decodeLenient(r, &q); err != nil {
		return err
	} else if q.Group == nil {
		return chatlift.Errorf(chatlift.EINVALID, `body must be {"group": {...}}`)
	}
	g, err := c.desk.CreateGroup(r.Context(), c.Account.ID, support.GroupInput{Name: q.Group.Name, Description: q.Group.Description})
	if err != nil {
		return err
	}
	g.URL = resourceURL(r, "groups", g.ID)
	api.WriteJSON(w, http.StatusCreated, GroupEnvelope{Group: g})
	return nil
}

// OrganizationEnvelope is the body of a single organization.
type OrganizationEnvelope struct {
	Organization *chatlift.Organization `json:"organization"`
}

// OrganizationRequest is the body of POST /organizations; fields it does
// not list are ignored.
type OrganizationRequest struct {
	Organization *struct {
		Name           *string  `json:"name"`
		Details        *string  `json:"details"`
		Notes          *string  `json:"notes"`
		DomainNames    []string `json:"domain_names"`
		GroupID        *int64   `json:"group_id"`
		SharedTickets  *bool    `json:"shared_tickets"`
		SharedComments *bool    `json:"shared_comments"`
		Tags           []string `json:"tags"`
	} `json:"organization"`
}

func listOrganizations(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	all, err := c.store.Organizations(r.Context(), c.Account.ID)
	if err != nil {
		return err
	}
	items, f := pageSlice(r, p, all, func(o *chatlift.Organization) int64 { return o.ID })
	for _, o := range items {
		o.URL = resourceURL(r, "organizations", o.ID)
	}
	writePage(w, "organizations", api.NonNil(items), f)
	return nil
}

func getOrganization(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	o, err := api.PathResource(r, c.Account.ID, c.store.Organization)
	if err != nil {
		return err
	}
	o.URL = resourceURL(r, "organizations", o.ID)
	api.WriteJSON(w, http.StatusOK, OrganizationEnvelope{Organization: o})
	return nil
}

// createOrganization serves POST /organizations (admins only); names are
// unique in the account.
func createOrganization(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	if err := c.RequireAdmin("create organizations"); err != nil {
		return err
	}
	var q OrganizationRequest
	if err := decodeLenient(r, &q); err != nil {
		return err
	} else if q.Organization == nil {
		return chatlift.Errorf(chatlift.EINVALID, `body must be {"organization": {...}}`)
	}
	f := q.Organization
	o, err := c.desk.CreateOrganization(r.Context(), c.Account.ID, support.OrganizationInput{Name: f.Name, Details: f.Details,
		Notes: f.Notes, DomainNames: f.DomainNames, GroupID: f.GroupID, SharedTickets: f.SharedTickets, SharedComments: f.SharedComments, Tags: f.Tags})
	if err != nil {
		return err
	}
	o.URL = resourceURL(r, "organizations", o.ID)
	api.WriteJSON(w, http.StatusCreated, OrganizationEnvelope{Organization: o})
	return nil
}
