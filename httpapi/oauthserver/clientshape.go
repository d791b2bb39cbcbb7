package oauthserver

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// SpaceList is a list the chat API's OAuth resources show as one
// space-separated string, as the reference does ("read write"), and read as
// such a string or as a JSON array of strings, chatlift's earlier shape.
type SpaceList []string

// MarshalJSON writes the list as one space-separated string.
func (l SpaceList) MarshalJSON() ([]byte, error) { return json.Marshal(strings.Join(l, " ")) }

// UnmarshalJSON reads a space-separated string or an array of strings.
func (l *SpaceList) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = strings.Fields(s)
		return nil
	}
	var a []string
	if err := json.Unmarshal(b, &a); err != nil {
		return chatlift.Errorf(chatlift.EINVALID, "scopes and redirect_uris are a space-separated string or an array of strings")
	}
	*l = a
	return nil
}

// OAuthClient is an OAuth client as the chat API shows it, in the
// reference's shape. ClientSecret is set only in the answer that creates
// the client.
type OAuthClient struct {
	ID               int64     `json:"id"`
	Name             string    `json:"name"`
	Company          string    `json:"company"`
	ClientIdentifier string    `json:"client_identifier"`
	ClientSecret     string    `json:"client_secret,omitempty"`
	ClientType       string    `json:"client_type"`
	RedirectURIs     SpaceList `json:"redirect_uris"`
	Scopes           SpaceList `json:"scopes"`
	AgentID          int64     `json:"agent_id"`
	CreateDate       time.Time `json:"create_date"`
	UpdateDate       time.Time `json:"update_date"`
}

func showClient(c *chatlift.OAuthClient) *OAuthClient {
	updated := c.UpdatedAt
	if updated.IsZero() {
		updated = c.CreatedAt
	}
	return &OAuthClient{ID: c.ID, Name: c.Name, Company: c.Company, ClientIdentifier: c.ClientIdentifier, ClientType: c.ClientType,
		RedirectURIs: SpaceList(c.RedirectURIs), Scopes: SpaceList(c.Scopes), AgentID: c.AgentID,
		CreateDate: c.CreatedAt, UpdateDate: updated}
}

// OAuthToken is an OAuth token as the chat API lists it: the reference's
// fields but the secrets (access_token and refresh_token, which chatlift
// keeps only as hashes), with chatlift's earlier client_id, expires_at and
// revoked_at.
type OAuthToken struct {
	ID               int64      `json:"id"`
	AgentID          int64      `json:"agent_id"`
	ClientIdentifier string     `json:"client_identifier"`
	ClientID         int64      `json:"client_id"`
	Scopes           SpaceList  `json:"scopes"`
	TokenType        string     `json:"token_type"`
	CreateDate       time.Time  `json:"create_date"`
	ExpireDate       *time.Time `json:"expire_date"`
	ExpiresAt        *time.Time `json:"expires_at"`
	RevokedAt        *time.Time `json:"revoked_at"`
}

// showTokens shows the tokens, naming each one's client by its identifier
// (empty for a client since deleted).
func showTokens(tokens []*chatlift.OAuthToken, clients []*chatlift.OAuthClient) []*OAuthToken {
	ident := make(map[int64]string, len(clients))
	for _, c := range clients {
		ident[c.ID] = c.ClientIdentifier
	}
	out := make([]*OAuthToken, len(tokens))
	for i, t := range tokens {
		out[i] = &OAuthToken{ID: t.ID, AgentID: t.AgentID, ClientIdentifier: ident[t.ClientID], ClientID: t.ClientID,
			Scopes: SpaceList(t.Scopes), TokenType: "Bearer", CreateDate: t.CreatedAt, ExpireDate: t.ExpiresAt,
			ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt}
	}
	return out
}
