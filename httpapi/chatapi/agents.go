package chatapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// listAgents serves GET /agents?since_id=&limit=: agents in id order.
func listAgents(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	p, err := sinceParams(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := c.Store.Agents(r.Context(), c.Account.ID)
	if err != nil {
		return err
	}
	docs := make([]*AgentDoc, 0, len(list))
	for _, a := range page(p, list, func(a *chatlift.Agent) int64 { return a.ID }) {
		docs = append(docs, agentDoc(a))
	}
	api.WriteJSON(w, http.StatusOK, docs)
	return nil
}

// AgentDoc is an agent with the fields the chat REST API documents that
// chatlift derives: enabled_departments (its departments), roles (whether
// it is owner or administrator), last_login and login_count (not recorded:
// null and 0).
type AgentDoc struct {
	*chatlift.Agent
	EnabledDepartments []int64 `json:"enabled_departments"`
	Roles              struct {
		Owner         bool `json:"owner"`
		Administrator bool `json:"administrator"`
	} `json:"roles"`
	LastLogin  *string `json:"last_login"`
	LoginCount int     `json:"login_count"`
}

func agentDoc(a *chatlift.Agent) *AgentDoc {
	d := &AgentDoc{Agent: a, EnabledDepartments: api.NonNil(a.Departments)}
	d.Roles.Owner, d.Roles.Administrator = a.Role == chatlift.ChatRoleOwner, a.IsAdmin()
	return d
}

func findAgent(r *http.Request, store Store, accountID int64) (*chatlift.Agent, error) {
	return api.PathResource(r, accountID, store.Agent)
}

func getAgent(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	a, err := findAgent(r, c.Store, c.Account.ID)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, agentDoc(a))
	return nil
}

// AgentRequest is the body of POST and PUT /agents; omitted fields keep
// their values on PUT.
type AgentRequest struct {
	Email       *string  `json:"email"`
	DisplayName *string  `json:"display_name"`
	FirstName   *string  `json:"first_name"`
	LastName    *string  `json:"last_name"`
	Role        *string  `json:"role"`
	RoleID      *int64   `json:"role_id"`
	Enabled     *bool    `json:"enabled"`
	Departments *[]int64 `json:"departments"`
	Skills      *[]int64 `json:"skills"`
}

// apply copies the fields present in q onto a.
func (q *AgentRequest) apply(a *chatlift.Agent) {
	api.Patch(&a.Email, q.Email)
	api.Patch(&a.DisplayName, q.DisplayName)
	api.Patch(&a.FirstName, q.FirstName)
	api.Patch(&a.LastName, q.LastName)
	api.Patch(&a.Role, q.Role)
	api.Patch(&a.RoleID, q.RoleID)
	api.Patch(&a.Enabled, q.Enabled)
	api.Patch(&a.Departments, q.Departments)
	api.Patch(&a.Skills, q.Skills)
}

func createAgent(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	var q AgentRequest
	if err := api.Decode(r, &q); err != nil {
		return err
	}
	a := &chatlift.Agent{AccountID: c.Account.ID, Role: chatlift.ChatRoleAgent, Enabled: true, Departments: []int64{}, Skills: []int64{}}
	q.apply(a)
	err := c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		actor, err := tx.Agent(r.Context(), c.Account.ID, c.Agent.ID)
		if err != nil {
			return err
		}
		if err := chatlift.CanChangeAgent(actor, nil, a); err != nil {
			return err
		}
		if err := uniqueAgentEmail(r, tx, a); err != nil {
			return err
		}
		id, err := tx.NextIDs(r.Context(), "agents/"+strconv.FormatInt(c.Account.ID, 10), 1)
		if err != nil {
			return err
		}
		a.ID, a.CreatedAt = id, c.Now
		return tx.PutAgents(r.Context(), []*chatlift.Agent{a})
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, a)
	return nil
}

// uniqueAgentEmail refuses a second agent with the same email, ignoring case.
func uniqueAgentEmail(r *http.Request, store Store, a *chatlift.Agent) error {
	other, err := store.AgentByEmail(r.Context(), a.AccountID, a.Email)
	switch {
	case chatlift.ErrorCode(err) == chatlift.ENOTFOUND:
		return nil
	case err != nil:
		return err
	case other.ID != a.ID:
		return chatlift.Errorf(chatlift.ECONFLICT, "agent %d already has the email %s", other.ID, other.Email)
	}
	return nil
}

func updateAgent(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	var q AgentRequest
	if err := api.Decode(r, &q); err != nil {
		return err
	}
	var a *chatlift.Agent
	err := c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		before, err := findAgent(r, tx, c.Account.ID)
		if err != nil {
			return err
		}
		actor, err := tx.Agent(r.Context(), c.Account.ID, c.Agent.ID)
		if err != nil {
			return err
		}
		after := *before
		a = &after
		q.apply(a)
		if err := chatlift.CanChangeAgent(actor, before, a); err != nil {
			return err
		}
		if err := uniqueAgentEmail(r, tx, a); err != nil {
			return err
		}
		return tx.PutAgents(r.Context(), []*chatlift.Agent{a})
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, a)
	return nil
}

func getRouting(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	api.WriteJSON(w, http.StatusOK, map[string]any{"data": routingDoc(c.Account.Routing)})
	return nil
}

func updateRouting(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	var q struct {
		Data json.RawMessage `json:"data"`
	}
	if err := api.Decode(r, &q); err != nil {
		return err
	}
	var a *chatlift.ChatAccount
	err := c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		var err error
		if a, err = tx.ChatAccount(r.Context(), c.Account.ID); err != nil {
			return err
		}
		if err := decodeRouting(q.Data, &a.Routing); err != nil {
			return err
		}
		return tx.PutChatAccount(r.Context(), a)
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, map[string]any{"data": routingDoc(a.Routing)})
	return nil
}

// decodeRouting merges a routing settings document, nested as the reference
// has it or flat as chatlift had it, into rs and checks it.
func decodeRouting(data json.RawMessage, rs *chatlift.RoutingSettings) error {
	if len(data) == 0 {
		return chatlift.Errorf(chatlift.EINVALID, "data is required")
	}
	if nestedRouting(data) {
		doc := routingDoc(*rs)
		if err := api.StrictUnmarshal(data, doc); err != nil {
			return err
		}
		*rs = doc.settings()
	} else if err := api.StrictUnmarshal(data, rs); err != nil {
		return err
	}
	if rs.RoutingMode != "assigned" && rs.RoutingMode != "broadcast" {
		return chatlift.Errorf(chatlift.EINVALID, "routing_mode must be assigned or broadcast")
	}
	if rs.ChatLimit < 0 || rs.ReassignmentTimeout < 0 || rs.AutoIdleTimeout < 0 {
		return chatlift.Errorf(chatlift.EINVALID, "limits and timeouts cannot be negative")
	}
	return nil
}
