package chatapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// AccountDoc is GET /account as the chat REST API documents it, with
// chatlift's own fields (id, name, owner_email, time_zone, state, …) kept
// beside the reference's.
type AccountDoc struct {
	*chatlift.ChatAccount
	AccountKey string         `json:"account_key"`
	Status     string         `json:"status"`
	Billing    AccountBilling `json:"billing"`
	Plan       AccountPlan    `json:"plan"`
}

// AccountBilling is the account's billing contact.
type AccountBilling struct {
	FirstName      string `json:"first_name"`
	LastName       string `json:"last_name"`
	Email          string `json:"email"`
	Company        string `json:"company"`
	Phone          string `json:"phone"`
	Address1       string `json:"address1"`
	Address2       string `json:"address2"`
	City           string `json:"city"`
	State          string `json:"state"`
	PostalCode     string `json:"postal_code"`
	CountryCode    string `json:"country_code"`
	AdditionalInfo string `json:"additional_info"`
	// Cycle is the billing cycle in months.
	Cycle int `json:"cycle"`
}

// AccountPlan is the account's chat plan. Price is per agent and month, in
// the subscription's currency; MaxAgents is the seats subscribed.
type AccountPlan struct {
	Name      string  `json:"name"`
	Price     float64 `json:"price"`
	MaxAgents int     `json:"max_agents"`
	RESTAPI   bool    `json:"rest_api"`
}

func getChatAccount(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	a := *c.Account
	doc := AccountDoc{ChatAccount: &a, AccountKey: strconv.FormatInt(a.ID, 10), Status: "active",
		Plan: AccountPlan{Name: a.Plan, RESTAPI: true}, Billing: AccountBilling{Company: a.Name}}
	if err := c.accountBilling(r, &doc); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, doc)
	return nil
}

// accountBilling fills the billing contact and the plan's price and seats
// from the account's chat billing account, when the platform has it.
func (c *chatCaller) accountBilling(r *http.Request, doc *AccountDoc) error {
	if doc.BillingAccountID == 0 {
		return nil
	}
	b, err := c.api.Billing.BillingAccount(r.Context(), doc.BillingAccountID)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if len(b.Contacts) > 0 {
		first, last, _ := strings.Cut(b.Contacts[0].Name, " ")
		doc.Billing.FirstName, doc.Billing.LastName, doc.Billing.Email = first, last, b.Contacts[0].Email
	}
	doc.Billing.Cycle = 1
	if b.Frequency == chatlift.BillingAnnual {
		doc.Billing.Cycle = 12
	}
	subs, err := c.api.Billing.Subscriptions(r.Context(), b.ID)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if s.Product == "chat" {
			doc.Plan.Price, doc.Plan.MaxAgents = float64(s.UnitPriceCents)/100, s.Seats
		}
	}
	return nil
}

// RoutingDoc is the account's routing settings nested as the chat REST API
// documents them. AutoIdle.Timeout is chatlift's own.
type RoutingDoc struct {
	RoutingMode string `json:"routing_mode"`
	ChatLimit   struct {
		Enabled            bool   `json:"enabled"`
		Limit              int    `json:"limit"`
		LimitType          string `json:"limit_type"`
		AllowAgentOverride bool   `json:"allow_agent_override"`
	} `json:"chat_limit"`
	SkillRouting struct {
		Enabled     bool `json:"enabled"`
		MaxWaitTime int  `json:"max_wait_time"`
	} `json:"skill_routing"`
	Reassignment struct {
		Enabled bool `json:"enabled"`
		Timeout int  `json:"timeout"`
	} `json:"reassignment"`
	AutoIdle struct {
		Enabled                 bool   `json:"enabled"`
		ReassignmentsBeforeIdle int    `json:"reassignments_before_idle"`
		NewStatus               string `json:"new_status"`
		Timeout                 int    `json:"timeout"`
	} `json:"auto_idle"`
}

func routingDoc(rs chatlift.RoutingSettings) *RoutingDoc {
	d := &RoutingDoc{RoutingMode: rs.RoutingMode}
	d.ChatLimit.Enabled, d.ChatLimit.Limit, d.ChatLimit.LimitType = rs.ChatLimitEnabled, rs.ChatLimit, "account"
	d.SkillRouting.Enabled = rs.SkillRoutingEnabled
	d.Reassignment.Enabled, d.Reassignment.Timeout = rs.ReassignmentEnabled, rs.ReassignmentTimeout
	d.AutoIdle.Enabled, d.AutoIdle.Timeout, d.AutoIdle.NewStatus = rs.AutoIdleEnabled, rs.AutoIdleTimeout, "away"
	return d
}

func (d *RoutingDoc) settings() chatlift.RoutingSettings {
	return chatlift.RoutingSettings{RoutingMode: d.RoutingMode, ChatLimitEnabled: d.ChatLimit.Enabled, ChatLimit: d.ChatLimit.Limit,
		SkillRoutingEnabled: d.SkillRouting.Enabled, ReassignmentEnabled: d.Reassignment.Enabled, ReassignmentTimeout: d.Reassignment.Timeout,
		AutoIdleEnabled: d.AutoIdle.Enabled, AutoIdleTimeout: d.AutoIdle.Timeout}
}

// nestedRouting reports whether a routing document is in the reference's
// nested shape rather than chatlift's earlier flat one.
func nestedRouting(data json.RawMessage) bool {
	var keys map[string]json.RawMessage
	if json.Unmarshal(data, &keys) != nil {
		return false
	}
	for _, k := range []string{"skill_routing", "reassignment", "auto_idle"} {
		if keys[k] != nil {
			return true
		}
	}
	v := strings.TrimSpace(string(keys["chat_limit"]))
	return strings.HasPrefix(v, "{")
}
