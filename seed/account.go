package seed

import "github.com/chatlift/chatlift"

// Account is one customer as loaded: its legacy chat account and everything
// in it, and its support account and everything in it. It is also the
// element of the seed document ({"accounts": [Account, ...]}). Records carry
// no account id of their own: the account id is Chat.ID, and Load sets it on
// every record.
type Account struct {
	// The legacy chat side.
	Chat          *chatlift.ChatAccount          `json:"chat"`
	Agents        []*chatlift.Agent              `json:"agents,omitempty"`
	Objects       []*chatlift.Object             `json:"objects,omitempty"` // roles, departments, skills, ...
	Chats         []*chatlift.Chat               `json:"chats,omitempty"`
	Visitors      []*chatlift.Visitor            `json:"visitors,omitempty"`
	Analytics     []*chatlift.AnalyticsEvent     `json:"analytics,omitempty"`
	AgentTimeline []*chatlift.AgentTimelineEntry `json:"agent_timeline,omitempty"`
	OAuthClients  []*chatlift.OAuthClient        `json:"oauth_clients,omitempty"`

	// The support platform side.
	Support       *chatlift.SupportAccount    `json:"support"`
	Users         []*chatlift.User            `json:"users,omitempty"`
	Apps          []*chatlift.AppInstallation `json:"apps,omitempty"`
	Tickets       []*chatlift.Ticket          `json:"tickets,omitempty"`
	Billing       []*chatlift.BillingAccount  `json:"billing,omitempty"` // at most one per product
	Subscriptions []*chatlift.Subscription    `json:"subscriptions,omitempty"`
}

// ID is the customer's account id, shared by its chat and support accounts.
func (a *Account) ID() int64 {
	if a.Chat == nil {
		return 0
	}
	return a.Chat.ID
}

// chatOwner returns the agent who owns the chat account, or nil.
func (a *Account) chatOwner() *chatlift.Agent {
	for _, g := range a.Agents {
		if chatlift.NormalizeEmail(g.Email) == chatlift.NormalizeEmail(a.Chat.OwnerEmail) {
			return g
		}
	}
	return nil
}

// supportOwner returns the user who owns the support account, or nil.
func (a *Account) supportOwner() *chatlift.User {
	for _, u := range a.Users {
		if chatlift.NormalizeEmail(u.Email) == chatlift.NormalizeEmail(a.Support.OwnerEmail) {
			return u
		}
	}
	return nil
}

// billing returns the account's billing account for product, or nil.
func (a *Account) billing(product string) *chatlift.BillingAccount {
	for _, b := range a.Billing {
		if b.Product == product {
			return b
		}
	}
	return nil
}

// setAccountIDs stamps the account id on every record that has one.
func (a *Account) setAccountIDs() {
	id := a.Chat.ID
	a.Support.ID = id
	for _, x := range a.Agents {
		x.AccountID = id
	}
	for _, x := range a.Objects {
		x.AccountID = id
	}
	for _, x := range a.Chats {
		x.AccountID = id
	}
	for _, x := range a.Visitors {
		x.AccountID = id
	}
	for _, x := range a.Analytics {
		x.AccountID = id
	}
	for _, x := range a.AgentTimeline {
		x.AccountID = id
	}
	for _, x := range a.OAuthClients {
		x.AccountID = id
	}
	for _, x := range a.Users {
		x.AccountID = id
	}
	for _, x := range a.Apps {
		x.AccountID = id
	}
	for _, x := range a.Tickets {
		x.AccountID = id
	}
	for _, x := range a.Billing {
		x.AccountID = id
	}
}
