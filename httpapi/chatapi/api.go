package chatapi

import (
	"context"
	"net/http"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// Store is what the chat API reads of the store that serves an account's
// chat (the legacy product's, or the platform's once upgraded); it writes
// in InAccountWrite's transaction.
type Store interface {
	api.ChatCallerStore
	InAccountWrite(ctx context.Context, accountID int64, fn func(chatlift.ChatStore) error) error
	Agents(ctx context.Context, accountID int64) ([]*chatlift.Agent, error)
	AgentByEmail(ctx context.Context, accountID int64, email string) (*chatlift.Agent, error)
	Objects(ctx context.Context, accountID int64, kind chatlift.ObjectKind) ([]*chatlift.Object, error)
	Object(ctx context.Context, accountID int64, kind chatlift.ObjectKind, id int64) (*chatlift.Object, error)
	Chat(ctx context.Context, accountID int64, id string) (*chatlift.Chat, error)
	Chats(ctx context.Context, f chatlift.ChatFilter) ([]*chatlift.Chat, error)
	ChatIDs(ctx context.Context, accountID int64, ids []string) ([]string, error)
	Visitor(ctx context.Context, accountID int64, id string) (*chatlift.Visitor, error)
	Visitors(ctx context.Context, f chatlift.KeyFilter) ([]*chatlift.Visitor, error)
	AgentTimeline(ctx context.Context, f chatlift.TimelineFilter) ([]*chatlift.AgentTimelineEntry, error)
}

// Billing is what the chat API reads of the platform's billing to show an
// account's plan.
type Billing interface {
	BillingAccount(ctx context.Context, id int64) (*chatlift.BillingAccount, error)
	Subscriptions(ctx context.Context, billingAccountID int64) ([]*chatlift.Subscription, error)
}

// API is the chat REST API (v2): the account, agents, routing settings,
// chats and their search, visitors, the incremental export and the
// configuration resources, served wherever chathome says an account's
// chat lives.
type API struct {
	// Auth authenticates callers by their OAuth access tokens; its Homes'
	// legacy store is also read while an upgraded account's history imports.
	Auth    *api.ChatAuth[Store]
	Billing Billing
}

// Routes registers the chat REST API under /api/v2/chat and again under
// /api/v2, as the legacy chat host laid it out. No chat resource shares a
// name with a support API resource (users, tickets, groups, organizations,
// search, apps, billing), so the two layouts do not clash; the chat API's
// OAuth resources stay under /api/v2/chat/oauth only, with the OAuth server.
func (a *API) Routes(handle func(string, http.HandlerFunc)) {
	a.routesAt(handle, "/api/v2/chat")
	a.routesAt(handle, "/api/v2")
}

func (a *API) routesAt(handle func(string, http.HandlerFunc), p string) {
	handle("GET "+p+"/account", a.chat(getChatAccount))
	handle("GET "+p+"/agents", a.chat(listAgents))
	handle("POST "+p+"/agents", a.chat(createAgent))
	handle("GET "+p+"/agents/{id}", a.chat(getAgent))
	handle("PUT "+p+"/agents/{id}", a.chat(updateAgent))
	handle("GET "+p+"/routing_settings/account", a.chat(getRouting))
	handle("PUT "+p+"/routing_settings/account", a.chat(may(chatlift.ChatConfigure, updateRouting)))
	handle("GET "+p+"/chats", a.chat(listChats))
	handle("POST "+p+"/chats", a.chat(may(chatlift.ChatConverse, createOfflineMessage)))
	handle("GET "+p+"/chats/search", a.chat(searchChats))
	handle("GET "+p+"/chats/{id}", a.chat(getChat))
	handle("POST "+p+"/chats/{id}/messages", a.chat(may(chatlift.ChatConverse, appendMessage)))
	handle("GET "+p+"/visitors", a.chat(listVisitors))
	handle("GET "+p+"/visitors/{id}", a.chat(getVisitor))
	handle("GET "+p+"/incremental/chats", a.chat(incrementalChats))
	handle("GET "+p+"/incremental/agent_timeline", a.chat(incrementalTimeline))
	handle("GET "+p+"/bans/ip", a.chat(banKind("ip_address")))
	handle("GET "+p+"/bans/visitor", a.chat(banKind("visitor")))
	for _, k := range objectKinds {
		a.objectRoutes(handle, p, k)
	}
}
