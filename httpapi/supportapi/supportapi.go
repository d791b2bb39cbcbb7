package supportapi

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/support"
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
	u, err := api.PathResource(r, c.Account.ID, c.store.User)
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

// decodeUser reads a UserRequest as the service's input.
func decodeUser(r *http.Request) (support.UserInput, error) {
	var q UserRequest
	if err := decodeLenient(r, &q); err != nil {
		return support.UserInput{}, err
	} else if q.User == nil {
		return support.UserInput{}, chatlift.Errorf(chatlift.EINVALID, `body must be {"user": {...}}`)
	}
	f := q.User
	return support.UserInput{Name: f.Name, Email: f.Email, Role: f.Role, RoleType: f.RoleType, CustomRoleID: f.CustomRoleID,
		ChatOnly: f.ChatOnly, Active: f.Active}, nil
}

// createUser serves POST /users (admins only); support.Service.CreateUser
// holds the rules.
func createUser(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	if err := c.RequireAdmin("create users"); err != nil {
		return err
	}
	in, err := decodeUser(r)
	if err != nil {
		return err
	}
	u, err := c.desk.CreateUser(r.Context(), c.Account.ID, in)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, UserEnvelope{User: u})
	return nil
}

// updateUser serves PUT /users/{id} (admins only); the owner stays an
// active admin (support.Service.UpdateUser).
func updateUser(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	id, err := adminPathID(r, c, "update users")
	if err != nil {
		return err
	}
	in, err := decodeUser(r)
	if err != nil {
		return err
	}
	u, err := c.desk.UpdateUser(r.Context(), c.Account.ID, id, in)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, UserEnvelope{User: u})
	return nil
}

// deleteUser serves DELETE /users/{id} (admins only), answering the user
// as it was, inactive; the owner and the caller cannot be deleted
// (support.Service.DeleteUser).
func deleteUser(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	id, err := adminPathID(r, c, "delete users")
	if err != nil {
		return err
	}
	u, err := c.desk.DeleteUser(r.Context(), c.User, id)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, UserEnvelope{User: u})
	return nil
}

// adminPathID is the path's {id}, for an admin to what.
func adminPathID(r *http.Request, c *supportCaller, what string) (int64, error) {
	if err := c.RequireAdmin(what); err != nil {
		return 0, err
	}
	return api.PathID(r)
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
