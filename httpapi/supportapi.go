package httpapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/chatlift/chatlift"
)

// supportRoutes registers the support API (v2) in the hosted support API's
// shapes, the billing API and the in-product notifications.
func (s *Server) supportRoutes(handle func(string, http.HandlerFunc)) {
	const p = "/api/v2"
	handle("GET "+p+"/users", s.support(listUsers))
	handle("POST "+p+"/users", s.support(createUser))
	handle("GET "+p+"/users/me", s.support(getMe))
	handle("GET "+p+"/users/{id}", s.support(getUser))
	handle("PUT "+p+"/users/{id}", s.support(updateUser))
	handle("GET "+p+"/tickets", s.support(listTickets))
	handle("POST "+p+"/tickets", s.support(createTicket))
	handle("GET "+p+"/tickets/{id}", s.support(getTicket))
	handle("GET "+p+"/apps/installations", s.support(listApps))
	handle("POST "+p+"/apps/installations", s.support(installApp))
	s.billingRoutes(handle)
	s.notificationRoutes(handle)
}

// maxPerPage bounds per_page and page[size], as the hosted API does.
const maxPerPage = 100

// UserPage is the body of GET /users: offset pages in id order.
type UserPage struct {
	Users        []*chatlift.User `json:"users"`
	NextPage     *string          `json:"next_page"`
	PreviousPage *string          `json:"previous_page"`
	Count        int              `json:"count"`
}

// UserEnvelope is the body of a single user, sent and received.
type UserEnvelope struct {
	User *chatlift.User `json:"user"`
}

// listUsers serves GET /users?page=&per_page=&role=.
func listUsers(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	q := r.URL.Query()
	page, err := positiveParam(q.Get("page"), "page", 1, 1<<30)
	if err != nil {
		return err
	}
	perPage, err := positiveParam(q.Get("per_page"), "per_page", maxPerPage, maxPerPage)
	if err != nil {
		return err
	}
	role := q.Get("role")
	if role != "" && role != chatlift.UserRoleEndUser && role != chatlift.UserRoleAgent && role != chatlift.UserRoleAdmin {
		return chatlift.Errorf(chatlift.EINVALID, "role must be end-user, agent or admin")
	}
	all, err := c.store.Users(r.Context(), c.account.ID)
	if err != nil {
		return err
	}
	if role != "" {
		all = filter(all, func(u *chatlift.User) bool { return u.Role == role })
	}
	out := UserPage{Users: []*chatlift.User{}, Count: len(all)}
	if start := (page - 1) * perPage; start < len(all) {
		out.Users = all[start:min(len(all), start+perPage)]
	}
	link := func(page int) *string {
		v := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
		if role != "" {
			v.Set("role", role)
		}
		u := pageURL(r, v)
		return &u
	}
	if page*perPage < len(all) {
		out.NextPage = link(page + 1)
	}
	if page > 1 {
		out.PreviousPage = link(page - 1)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func getMe(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	writeJSON(w, http.StatusOK, UserEnvelope{User: c.user})
	return nil
}

func getUser(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := c.store.User(r.Context(), c.account.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, UserEnvelope{User: u})
	return nil
}

// UserRequest is the body of POST and PUT /users: {"user": {...}}. Omitted
// fields keep their values on PUT.
type UserRequest struct {
	User *UserFields `json:"user"`
}

// UserFields are the writable fields of a user.
type UserFields struct {
	Name         *string `json:"name"`
	Email        *string `json:"email"`
	Role         *string `json:"role"`
	RoleType     *int    `json:"role_type"`
	CustomRoleID *int64  `json:"custom_role_id"`
	ChatOnly     *bool   `json:"chat_only"`
	Active       *bool   `json:"active"`
}

// decodeUser reads a UserRequest and applies it to u.
func decodeUser(r *http.Request, u *chatlift.User) error {
	var q UserRequest
	if err := decode(r, &q); err != nil {
		return err
	} else if q.User == nil {
		return chatlift.Errorf(chatlift.EINVALID, `body must be {"user": {...}}`)
	}
	f, roleBefore := q.User, u.Role
	set(&u.Name, f.Name)
	set(&u.Email, f.Email)
	set(&u.Role, f.Role)
	if u.Role != roleBefore {
		// A new role starts from its defaults but for what the request says.
		u.RoleType, u.CustomRoleID, u.ChatOnly = nil, nil, false
	}
	set(&u.ChatOnly, f.ChatOnly)
	set(&u.Active, f.Active)
	if f.RoleType != nil {
		u.RoleType = f.RoleType
	}
	if f.CustomRoleID != nil {
		u.CustomRoleID = f.CustomRoleID
	}
	return normalizeUser(u)
}

// normalizeUser checks the role, role type and chat access of u together and
// fills the role type the others imply: admins are role type admin,
// chat-only agents contributors unless said otherwise.
func normalizeUser(u *chatlift.User) error {
	if u.Name == "" {
		return chatlift.Errorf(chatlift.EINVALID, "user name required")
	}
	switch u.Role {
	case chatlift.UserRoleEndUser:
		if u.RoleType != nil || u.CustomRoleID != nil || u.ChatOnly {
			return chatlift.Errorf(chatlift.EINVALID, "end users have no role_type, custom_role_id or chat access")
		}
		u.ChatRole = ""
	case chatlift.UserRoleAdmin:
		if u.RoleType != nil && *u.RoleType != chatlift.RoleTypeAdmin || u.ChatOnly || u.CustomRoleID != nil {
			return chatlift.Errorf(chatlift.EINVALID, "an admin has role_type %d, no custom role and is not chat-only", chatlift.RoleTypeAdmin)
		}
		u.RoleType = intPtr(chatlift.RoleTypeAdmin)
	case chatlift.UserRoleAgent:
		return normalizeAgent(u)
	}
	return nil
}

func normalizeAgent(u *chatlift.User) error {
	rt := u.RoleType
	switch {
	case rt != nil && (*rt < chatlift.RoleTypeCustom || *rt > chatlift.RoleTypeContributor):
		return chatlift.Errorf(chatlift.EINVALID, "an agent's role_type is 0 (custom), 1 (light), 2 (chat-only) or 3 (contributor)")
	case (rt != nil && *rt == chatlift.RoleTypeCustom) != (u.CustomRoleID != nil):
		return chatlift.Errorf(chatlift.EINVALID, "custom_role_id goes with role_type 0, and only with it")
	case u.CustomRoleID != nil && *u.CustomRoleID <= 0:
		return chatlift.Errorf(chatlift.EINVALID, "custom_role_id must be positive")
	case rt != nil && *rt == chatlift.RoleTypeChatOnly:
		u.ChatOnly = true
	case u.ChatOnly && rt == nil:
		u.RoleType = intPtr(chatlift.RoleTypeContributor)
	case u.ChatOnly && *rt != chatlift.RoleTypeContributor:
		return chatlift.Errorf(chatlift.EINVALID, "a chat-only agent has role_type 2 or 3")
	}
	return nil
}

func intPtr(n int) *int { return &n }

// createUser serves POST /users (admins only).
func createUser(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	if err := c.requireAdmin("create users"); err != nil {
		return err
	}
	u := &chatlift.User{AccountID: c.account.ID, Role: chatlift.UserRoleEndUser, Active: true, CreatedAt: c.now}
	if err := decodeUser(r, u); err != nil {
		return err
	}
	u.ID = 1 // validated before an id is spent on it
	if err := u.Validate(); err != nil {
		return err
	}
	id, err := c.store.NextIDs(r.Context(), "users/"+strconv.FormatInt(c.account.ID, 10), 1)
	if err != nil {
		return err
	}
	u.ID = id
	if err := c.store.PutUsers(r.Context(), []*chatlift.User{u}); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, UserEnvelope{User: u})
	return nil
}

// updateUser serves PUT /users/{id} (admins only). The owner stays an
// active admin.
func updateUser(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	if err := c.requireAdmin("update users"); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := c.store.User(r.Context(), c.account.ID, id)
	if err != nil {
		return err
	}
	if err := decodeUser(r, u); err != nil {
		return err
	}
	if u.Owner && !u.Active {
		return chatlift.Errorf(chatlift.EINVALID, "the account owner cannot be suspended")
	}
	if err := c.store.PutUsers(r.Context(), []*chatlift.User{u}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, UserEnvelope{User: u})
	return nil
}

// positiveParam parses an optional positive integer query parameter of at
// most max, def when absent.
func positiveParam(s, name string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, ok := parseDecimal(s)
	if !ok || n < 1 || n > int64(max) {
		return 0, chatlift.Errorf(chatlift.EINVALID, "%s must be an integer from 1 to %d", name, max)
	}
	return int(n), nil
}

// pageURL is the absolute URL of the request's path with the query v.
func pageURL(r *http.Request, v url.Values) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: requestPath(r), RawQuery: v.Encode()}).String()
}

func filter[T any](list []T, keep func(T) bool) []T {
	var out []T
	for _, x := range list {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
