package chatlift

import "time"

// OAuth client types.
const (
	ClientPublic       = "public"
	ClientConfidential = "confidential"
)

// OAuthClient is an application registered to call the chat REST API. The
// upgrade keeps clients; only their tokens are revoked.
type OAuthClient struct {
	ID               int64     `json:"id"`
	AccountID        int64     `json:"-"`
	Name             string    `json:"name"`
	Company          string    `json:"company"`
	ClientIdentifier string    `json:"client_identifier"`
	SecretHash       string    `json:"-"`
	ClientType       string    `json:"client_type"`
	RedirectURIs     []string  `json:"redirect_uris"`
	Scopes           []string  `json:"scopes"`
	AgentID          int64     `json:"agent_id"` // the agent who created it
	CreatedAt        time.Time `json:"create_date"`
	// UpdatedAt is when it last changed; zero for clients stored before
	// it was kept.
	UpdatedAt time.Time `json:"update_date,omitzero"`
}

// Validate reports the first problem with c.
func (c *OAuthClient) Validate() error {
	err := firstError(checkRunes("name", c.Name, MaxNameRunes), checkRunes("company", c.Company, MaxNameRunes),
		checkBytes("client_identifier", c.ClientIdentifier, MaxKeyBytes),
		checkEach("redirect_uris", c.RedirectURIs, MaxListItems, checkBytes, MaxURLBytes),
		checkCount("scopes", len(c.Scopes), MaxListItems))
	switch {
	case err != nil:
		return err
	case c.Name == "":
		return Errorf(EINVALID, "client name required")
	case c.ClientIdentifier == "":
		return Errorf(EINVALID, "client_identifier required")
	case !oneOf(c.ClientType, ClientPublic, ClientConfidential):
		return Errorf(EINVALID, "client_type must be public or confidential")
	}
	for _, s := range c.Scopes {
		if !oneOf(s, "read", "write", "chat") {
			return Errorf(EINVALID, "unknown scope %q", s)
		}
	}
	return nil
}

// OAuthToken is an access token (and its refresh token) issued to a client
// for an agent. Only hashes are stored.
type OAuthToken struct {
	ID          int64      `json:"id"`
	AccountID   int64      `json:"-"`
	ClientID    int64      `json:"client_id"`
	AgentID     int64      `json:"agent_id"`
	TokenHash   string     `json:"-"`
	RefreshHash string     `json:"-"`
	Scopes      []string   `json:"scopes"`
	CreatedAt   time.Time  `json:"create_date"`
	ExpiresAt   *time.Time `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
}

// Active reports whether t authorizes requests at now.
func (t *OAuthToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// OAuthCode is an authorization code waiting to be exchanged for a token at
// the token endpoint: single use, short-lived, bound to its client, to the
// redirect URI of its authorization request and, with PKCE, to the code
// verifier. Only its hash is stored.
type OAuthCode struct {
	AccountID   int64     `json:"-"`
	CodeHash    string    `json:"-"`
	ClientID    int64     `json:"client_id"`
	AgentID     int64     `json:"agent_id"` // the agent who approved it
	RedirectURI string    `json:"redirect_uri"`
	Scopes      []string  `json:"scopes"`
	Challenge   string    `json:"code_challenge"` // PKCE S256 challenge; "" without PKCE
	CreatedAt   time.Time `json:"create_date"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// Validate reports the first problem with c.
func (c *OAuthCode) Validate() error {
	switch {
	case c.AccountID <= 0 || c.ClientID <= 0 || c.AgentID <= 0:
		return Errorf(EINVALID, "authorization code needs an account, a client and an agent")
	case c.CodeHash == "":
		return Errorf(EINVALID, "authorization code needs a hash")
	case !c.ExpiresAt.After(c.CreatedAt):
		return Errorf(EINVALID, "authorization code expires before it is made")
	}
	return nil
}
