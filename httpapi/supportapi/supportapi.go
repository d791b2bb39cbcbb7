package supportapi

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// Routes registers the support API (v2) in the hosted support API's shapes.
func (s *API) Routes(handle func(string, http.HandlerFunc)) {
	const p = "/api/v2"
	handle("GET "+p+"/users", s.support(listUsers))
	handle("POST "+p+"/users", s.support(createUser))
	handle("GET "+p+"/users/me", s.support(getMe))
	handle("GET "+p+"/users/search", s.support(searchUsers))
	handle("GET "+p+"/users/show_many", s.support(showManyUsers))
	handle("GET "+p+"/users/{id}", s.support(getUser))
	handle("PUT "+p+"/users/{id}", s.support(updateUser))
	handle("DELETE "+p+"/users/{id}", s.support(deleteUser))
	s.ticketRoutes(handle)
	handle("GET "+p+"/search", s.support(search))
	s.groupRoutes(handle)
	handle("GET "+p+"/apps/installations", s.support(listApps))
	handle("POST "+p+"/apps/installations", s.support(installApp))
}

// UserPage is the body of GET /users and GET /users/search: users in id
// order, paged by offset (next_page, previous_page, count) or by cursor
// (meta, links); see pager.
type UserPage struct {
	Users        []*chatlift.User `json:"users"`
	NextPage     *string          `json:"next_page"`
	PreviousPage *string          `json:"previous_page"`
	Count        int              `json:"count"`
	Meta         *cursorMeta      `json:"meta,omitempty"`
	Links        *struct {
		Next *string `json:"next"`
	} `json:"links,omitempty"`
}

// UserEnvelope is the body of a single user, sent and received.
type UserEnvelope struct {
	User *chatlift.User `json:"user"`
}

// UserList is the body of GET /users/show_many.
type UserList struct {
	Users []*chatlift.User `json:"users"`
}

// listUsers serves GET /users?role= in either paging style.
func listUsers(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	role := r.URL.Query().Get("role")
	if role != "" && role != chatlift.UserRoleEndUser && role != chatlift.UserRoleAgent && role != chatlift.UserRoleAdmin {
		return chatlift.Errorf(chatlift.EINVALID, "role must be end-user, agent or admin")
	}
	all, err := c.store.Users(r.Context(), c.Account.ID)
	if err != nil {
		return err
	}
	if role != "" {
		all = api.Filter(all, func(u *chatlift.User) bool { return u.Role == role })
	}
	items, f := pageSlice(r, p, all, userID)
	writePage(w, "users", api.NonNil(items), f)
	return nil
}

func userID(u *chatlift.User) int64 { return u.ID }

// searchUsers serves GET /users/search?query=: users whose name or email
// holds the query, ignoring case, or who match its field:value terms.
func searchUsers(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	q, err := parseSearch(r.URL.Query().Get("query"), false)
	if err != nil {
		return err
	}
	all, err := c.store.Users(r.Context(), c.Account.ID)
	if err != nil {
		return err
	}
	items, f := pageSlice(r, p.offsetOnly(), api.Filter(all, q.matchUser), userID)
	writePage(w, "users", api.NonNil(items), f)
	return nil
}

// showManyUsers serves GET /users/show_many?ids=: the account's users of
// those ids, in the order asked, leaving out ids it has none of.
func showManyUsers(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	ids, err := idsParam(r)
	if err != nil {
		return err
	}
	out := UserList{Users: []*chatlift.User{}}
	for _, id := range ids {
		u, err := c.store.User(r.Context(), c.Account.ID, id)
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		out.Users = append(out.Users, u)
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

// idsParam reads ids=1,2,3: at most maxPerPage positive ids.
func idsParam(r *http.Request) ([]int64, error) {
	parts := strings.Split(r.URL.Query().Get("ids"), ",")
	if len(parts) > maxPerPage {
		return nil, chatlift.Errorf(chatlift.EINVALID, "ids takes at most %d ids", maxPerPage)
	}
	var ids []int64
	for _, s := range parts {
		id, ok := api.ParseDecimal(strings.TrimSpace(s))
		if !ok || id <= 0 {
			return nil, chatlift.Errorf(chatlift.EINVALID, "ids must be positive integers separated by commas")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func getMe(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	api.WriteJSON(w, http.StatusOK, UserEnvelope{User: c.User})
	return nil
}

func getUser(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	u, err := c.store.User(r.Context(), c.Account.ID, id)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, UserEnvelope{User: u})
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
	if err := decodeLenient(r, &q); err != nil {
		return err
	} else if q.User == nil {
		return chatlift.Errorf(chatlift.EINVALID, `body must be {"user": {...}}`)
	}
	f, roleBefore := q.User, u.Role
	setNonEmpty(&u.Name, f.Name)
	setNonEmpty(&u.Email, f.Email)
	setNonEmpty(&u.Role, f.Role)
	if u.Role != roleBefore {
		// A new role starts from its defaults but for what the request says.
		u.RoleType, u.CustomRoleID, u.ChatOnly = nil, nil, false
	}
	api.Patch(&u.ChatOnly, f.ChatOnly)
	api.Patch(&u.Active, f.Active)
	// Typed clients send role_type 0 and custom_role_id 0 for "none": a
	// custom role type counts only with a custom role.
	customRole := f.CustomRoleID != nil && *f.CustomRoleID != 0
	if f.RoleType != nil && (*f.RoleType != chatlift.RoleTypeCustom || customRole) {
		u.RoleType = f.RoleType
	}
	if customRole {
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
	if err := c.RequireAdmin("create users"); err != nil {
		return err
	}
	u := &chatlift.User{AccountID: c.Account.ID, Role: chatlift.UserRoleEndUser, Active: true, CreatedAt: c.Now}
	if err := decodeUser(r, u); err != nil {
		return err
	}
	// active is read-only on create, as in the hosted API: typed clients
	// send false for it.
	u.Active = true
	u.ID = 1 // validated before an id is spent on it
	if err := u.Validate(); err != nil {
		return err
	}
	id, err := c.store.NextIDs(r.Context(), "users/"+strconv.FormatInt(c.Account.ID, 10), 1)
	if err != nil {
		return err
	}
	u.ID = id
	if err := c.store.PutUsers(r.Context(), []*chatlift.User{u}); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, UserEnvelope{User: u})
	return nil
}

// updateUser serves PUT /users/{id} (admins only). The owner stays an
// active admin.
func updateUser(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	u, err := adminPathUser(r, c, "update users")
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
	api.WriteJSON(w, http.StatusOK, UserEnvelope{User: u})
	return nil
}

// deleteUser serves DELETE /users/{id} (admins only), answering the user
// as it was, inactive. The owner and the caller cannot be deleted.
func deleteUser(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	u, err := adminPathUser(r, c, "delete users")
	if err != nil {
		return err
	}
	if u.Owner || u.ID == c.User.ID {
		return chatlift.Errorf(chatlift.EINVALID, "the account owner and the caller cannot be deleted")
	}
	if err := c.store.DeleteUsers(r.Context(), c.Account.ID, []int64{u.ID}); err != nil {
		return err
	}
	u.Active = false
	api.WriteJSON(w, http.StatusOK, UserEnvelope{User: u})
	return nil
}

// adminPathUser is the user of the path's {id}, for an admin to what.
func adminPathUser(r *http.Request, c *supportCaller, what string) (*chatlift.User, error) {
	if err := c.RequireAdmin(what); err != nil {
		return nil, err
	}
	id, err := api.PathID(r)
	if err != nil {
		return nil, err
	}
	return c.store.User(r.Context(), c.Account.ID, id)
}

// decodeLenient reads a support API body as the hosted API does: fields it
// does not know are ignored, those it knows must have their types.
func decodeLenient(r *http.Request, v any) error {
	b, err := api.ReadBody(r)
	if err != nil {
		return err
	}
	return api.DecodeJSONFields(bytes.NewReader(b), v, false)
}

// setNonEmpty sets *dst to *src unless src is nil or empty, as typed
// clients send for fields they do not mean.
func setNonEmpty(dst *string, src *string) {
	if src != nil && *src != "" {
		*dst = *src
	}
}

// positiveParam parses an optional positive integer query parameter of at
// most max, def when absent.
func positiveParam(s, name string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, ok := api.ParseDecimal(s)
	if !ok || n < 1 || n > int64(max) {
		return 0, chatlift.Errorf(chatlift.EINVALID, "%s must be an integer from 1 to %d", name, max)
	}
	return int(n), nil
}

// resourceURL is the API address of the resource id of a support API
// collection, e.g. https://host/api/v2/tickets/7.json.
func resourceURL(r *http.Request, collection string, id int64) string {
	u := pageURL(r, nil)
	u = u[:strings.Index(u, supportPrefix)]
	return u + supportPrefix + collection + "/" + strconv.FormatInt(id, 10) + ".json"
}

// pageURL is the absolute URL of the request's path with the query v.
func pageURL(r *http.Request, v url.Values) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: requestPath(r), RawQuery: v.Encode()}).String()
}
