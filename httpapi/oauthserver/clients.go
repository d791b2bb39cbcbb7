package oauthserver

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// OAuthClientRequest is the body of POST /oauth/clients and PUT
// /oauth/clients/{id}; on PUT omitted fields keep their values, and
// client_identifier and client_type cannot change. redirect_uris and scopes
// are a space-separated string, as the reference has them, or an array.
// The read-only fields of a client as shown are accepted and ignored, so
// that a client read can be sent back changed.
type OAuthClientRequest struct {
	Name             *string    `json:"name"`
	Company          *string    `json:"company"`
	ClientIdentifier *string    `json:"client_identifier"`
	ClientType       *string    `json:"client_type"`
	RedirectURIs     *SpaceList `json:"redirect_uris"`
	Scopes           *SpaceList `json:"scopes"`

	ID         json.RawMessage `json:"id"`
	AgentID    json.RawMessage `json:"agent_id"`
	CreateDate json.RawMessage `json:"create_date"`
	UpdateDate json.RawMessage `json:"update_date"`
}

// apply copies the fields present in q onto c; on an existing client it
// refuses to change the identifier or the type.
func (q *OAuthClientRequest) apply(c *chatlift.OAuthClient, existing bool) error {
	if existing && (q.ClientIdentifier != nil && *q.ClientIdentifier != c.ClientIdentifier || q.ClientType != nil && *q.ClientType != c.ClientType) {
		return chatlift.Errorf(chatlift.EINVALID, "client_identifier and client_type cannot change; create a new client")
	}
	api.Patch(&c.Name, q.Name)
	api.Patch(&c.Company, q.Company)
	api.Patch(&c.ClientIdentifier, q.ClientIdentifier)
	api.Patch(&c.ClientType, q.ClientType)
	if q.RedirectURIs != nil {
		c.RedirectURIs = []string(*q.RedirectURIs)
	}
	if q.Scopes != nil {
		c.Scopes = []string(*q.Scopes)
	}
	return checkClient(c)
}

func listOAuthClients(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	list, err := c.Store.OAuthClients(r.Context(), c.Account.ID)
	if err != nil {
		return err
	}
	shown := make([]*OAuthClient, len(list))
	for i, oc := range list {
		shown[i] = showClient(oc)
	}
	api.WriteJSON(w, http.StatusOK, shown)
	return nil
}

func findOAuthClient(r *http.Request, store Store, accountID int64) (*chatlift.OAuthClient, error) {
	return api.PathResource(r, accountID, store.OAuthClient)
}

func getOAuthClient(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	oc, err := findOAuthClient(r, c.Store, c.Account.ID)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, showClient(oc))
	return nil
}

// createOAuthClient registers a client for the calling agent. A confidential
// client gets a secret, shown in this answer only.
func (s *Server) createOAuthClient(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	var q OAuthClientRequest
	if err := api.Decode(r, &q); err != nil {
		return err
	}
	oc := &chatlift.OAuthClient{AccountID: c.Account.ID, ClientIdentifier: "chatlift_" + chatlift.NewSecret()[:24],
		ClientType: chatlift.ClientConfidential, RedirectURIs: []string{}, Scopes: []string{"read", "write"},
		AgentID: c.Token.AgentID, CreatedAt: c.Now, UpdatedAt: c.Now}
	if err := q.apply(oc, false); err != nil {
		return err
	}
	var secret string
	if oc.ClientType == chatlift.ClientConfidential {
		secret = chatlift.NewSecret()
		oc.SecretHash = chatlift.HashSecret(secret)
	}
	other := s.Auth.Homes.Platform
	if c.Platform {
		other = s.Auth.Homes.Legacy
	}
	err := c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		if err := identifierFree(r.Context(), oc, tx, other); err != nil {
			return err
		}
		id, err := tx.NextIDs(r.Context(), "oauth_clients/"+strconv.FormatInt(c.Account.ID, 10), 1)
		if err != nil {
			return err
		}
		oc.ID = id
		return tx.PutOAuthClient(r.Context(), oc)
	})
	if err != nil {
		return err
	}
	created := showClient(oc)
	created.ClientSecret = secret
	api.WriteJSON(w, http.StatusCreated, created)
	return nil
}

// identifierFree refuses an identifier any client of the serving store has,
// or a client of another account has in the other store: the token
// endpoint looks identifiers up in both.
func identifierFree(ctx context.Context, oc *chatlift.OAuthClient, serving, other Store) error {
	taken := chatlift.Errorf(chatlift.ECONFLICT, "client_identifier %q is taken", oc.ClientIdentifier)
	if _, err := serving.OAuthClientByIdentifier(ctx, oc.ClientIdentifier); err == nil {
		return taken
	} else if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		return err
	}
	if found, err := other.OAuthClientByIdentifier(ctx, oc.ClientIdentifier); err == nil && found.AccountID != oc.AccountID {
		return taken
	} else if err != nil && chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		return err
	}
	return nil
}

func updateOAuthClient(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	var q OAuthClientRequest
	if err := api.Decode(r, &q); err != nil {
		return err
	}
	var oc *chatlift.OAuthClient
	err := c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		var err error
		if oc, err = findOAuthClient(r, tx, c.Account.ID); err != nil {
			return err
		}
		if err := q.apply(oc, true); err != nil {
			return err
		}
		oc.UpdatedAt = c.Now
		return tx.PutOAuthClient(r.Context(), oc)
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, showClient(oc))
	return nil
}

// deleteOAuthClient removes a client; its tokens are revoked and its
// pending codes dropped.
func deleteOAuthClient(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	err = c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		return tx.DeleteOAuthClient(r.Context(), c.Account.ID, id, c.Now)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func listOAuthTokens(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	list, err := c.Store.OAuthTokens(r.Context(), c.Account.ID)
	if err != nil {
		return err
	}
	clients, err := c.Store.OAuthClients(r.Context(), c.Account.ID)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, showTokens(list, clients))
	return nil
}

// revokeOAuthToken revokes one token of the account (again is no error).
func revokeOAuthToken(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	err = c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		_, err := tx.RevokeOAuthToken(r.Context(), c.Account.ID, id, c.Now)
		return err
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkClient checks what the API lets a client be, beyond Validate.
func checkClient(c *chatlift.OAuthClient) error {
	if err := c.Validate(); err != nil {
		return err
	}
	switch {
	case len(c.Name) > 255 || len(c.Company) > 255:
		return chatlift.Errorf(chatlift.EINVALID, "name and company are at most 255 bytes")
	case !validIdentifier(c.ClientIdentifier):
		return chatlift.Errorf(chatlift.EINVALID, "client_identifier is 1 to 100 letters, digits, '.', '_' or '-'")
	case len(c.Scopes) == 0:
		return chatlift.Errorf(chatlift.EINVALID, "scopes must hold read, write or both")
	case len(c.RedirectURIs) > 20:
		return chatlift.Errorf(chatlift.EINVALID, "at most 20 redirect_uris")
	}
	var scopes []string
	for _, sc := range c.Scopes {
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	c.Scopes = scopes
	for _, u := range c.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			return err
		}
	}
	return nil
}

func validIdentifier(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// checkRedirectURI accepts absolute URIs without a fragment: https, http to
// the loopback only (RFC 8252), or an app's own scheme.
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	scheme := ""
	if err == nil {
		scheme = strings.ToLower(u.Scheme)
	}
	switch {
	case err != nil || !u.IsAbs() || len(raw) > 2000:
		return chatlift.Errorf(chatlift.EINVALID, "redirect URI %q is not an absolute URI", raw)
	case strings.Contains(raw, "#"):
		return chatlift.Errorf(chatlift.EINVALID, "redirect URI %q has a fragment", raw)
	case scheme == "javascript" || scheme == "data" || scheme == "vbscript" || scheme == "file":
		return chatlift.Errorf(chatlift.EINVALID, "redirect URI %q has a refused scheme", raw)
	case scheme == "https" && u.Host == "":
		return chatlift.Errorf(chatlift.EINVALID, "redirect URI %q has no host", raw)
	case scheme == "http" && !loopback(u.Hostname()):
		return chatlift.Errorf(chatlift.EINVALID, "redirect URI %q: http is allowed to the loopback only; use https", raw)
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
