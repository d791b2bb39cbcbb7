package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/conversation"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/upgrade"
)

// authzTable is one role × action table of docs/authorization.md.
type authzTable struct {
	roles []string
	rows  []authzRow
}

type authzRow struct {
	action string
	cells  []string // by role
}

// readAuthzTables reads the tables whose header begins "| action | request |".
func readAuthzTables(t *testing.T) []authzTable {
	t.Helper()
	f, err := os.Open("../docs/authorization.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tables []authzTable
	var cur *authzTable
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case strings.HasPrefix(line, "| action | request |"):
			tables = append(tables, authzTable{roles: cells[2:]})
			cur = &tables[len(tables)-1]
		case cur != nil && strings.HasPrefix(line, "|---"):
		case cur != nil && strings.HasPrefix(line, "|"):
			cur.rows = append(cur.rows, authzRow{action: cells[0], cells: cells[2:]})
		default:
			cur = nil
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return tables
}

// authzRequest is one request a row sends; form, when set, is sent as a
// form instead of body.
type authzRequest struct {
	method, path string
	body         any
	form         url.Values
}

// authzEnv is a server with one seeded account and what the rows act on.
type authzEnv struct {
	*env
	account      int64
	owner        *chatlift.Agent
	client       *chatlift.OAuthClient
	clientSecret string
	liveChat     string
	supportAgent *chatlift.User
	upgradeID    string
	n            int // makes names unique
}

// acceptUpgrades accepts every upgrade action without a workflow engine.
type acceptUpgrades struct{}

func (acceptUpgrades) Request(ctx context.Context, accountID int64, by string) (*chatlift.Upgrade, error) {
	return &chatlift.Upgrade{ID: "u", AccountID: accountID, State: chatlift.UpgradeRequested, Attempt: 1}, nil
}
func (acceptUpgrades) Act(ctx context.Context, id, action string) (*chatlift.Upgrade, error) {
	return &chatlift.Upgrade{ID: id, AccountID: 1, State: chatlift.UpgradeScheduled, Attempt: 1}, nil
}
func (acceptUpgrades) Reschedule(ctx context.Context, id string, at time.Time) (*chatlift.Upgrade, error) {
	return &chatlift.Upgrade{ID: id, AccountID: 1, State: chatlift.UpgradeScheduled, Attempt: 1}, nil
}
func (acceptUpgrades) Enroll(ctx context.Context, e upgrade.Enrollment, deadline bool) (*upgrade.Enrollment, error) {
	return &e, nil
}

func setupAuthz(t *testing.T) *authzEnv {
	t.Helper()
	ctx := context.Background()
	e := &authzEnv{env: setup(t, 1, 1, func(s *httpapi.Server) {
		s.Upgrades, s.Faults = acceptUpgrades{}, &upgrade.Faults{Store: s.Platform.(upgrade.FaultStore)}
	}), account: 1}
	agents, err := e.Legacy.Agents(ctx, e.account)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range agents {
		if a.Role == chatlift.ChatRoleOwner {
			e.owner = a
		}
	}
	if e.owner == nil {
		t.Fatal("the seeded account has no owner")
	}
	e.clientSecret = chatlift.NewSecret()
	e.client = e.putClient(t)
	e.client.SecretHash = chatlift.HashSecret(e.clientSecret)
	if err := e.Legacy.PutOAuthClient(ctx, e.client); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	e.liveChat = "authz-live"
	live := &chatlift.Chat{ID: e.liveChat, AccountID: e.account, Type: chatlift.ChatTypeChat, Timestamp: now, UpdateTimestamp: now,
		Visitor: chatlift.ChatVisitor{ID: "v1", Name: "V"}, AgentIDs: []int64{}, AgentNames: []string{}, Tags: []string{}, History: []chatlift.Message{}}
	if err := e.Legacy.PutChats(ctx, []*chatlift.Chat{live}); err != nil {
		t.Fatal(err)
	}
	e.supportAgent = e.AddUser(t, e.account, "authz.agent@acme-one.test", chatlift.UserRoleAgent, true)
	e.upgradeID = "upg-authz"
	u := &chatlift.Upgrade{ID: e.upgradeID, AccountID: e.account, State: chatlift.UpgradeScheduled, Attempt: 1, RequestedBy: "operator", CreatedAt: now, UpdatedAt: now}
	if err := e.Platform.PutUpgrade(ctx, u); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *authzEnv) next() int { e.n++; return e.n }

// newAgent stores an agent with the role and returns it with a token
// (read and write, with a refresh token).
func (e *authzEnv) newAgent(t *testing.T, role string, enabled bool) (*chatlift.Agent, string, string) {
	t.Helper()
	ctx := context.Background()
	id, err := e.Legacy.NextIDs(ctx, "agents/"+itoa(e.account), 1)
	if err != nil {
		t.Fatal(err)
	}
	a := &chatlift.Agent{ID: id, AccountID: e.account, Email: fmt.Sprintf("authz%d@acme.test", id), DisplayName: "A", Role: role,
		RoleID: 3, Enabled: enabled, Departments: []int64{}, Skills: []int64{}, CreatedAt: time.Now().UTC()}
	if err := e.Legacy.PutAgents(ctx, []*chatlift.Agent{a}); err != nil {
		t.Fatal(err)
	}
	access, refresh := e.tokenFor(t, a.ID)
	return a, access, refresh
}

// tokenFor stores a live token of the test client for the agent and returns
// its access and refresh secrets.
func (e *authzEnv) tokenFor(t *testing.T, agentID int64) (string, string) {
	t.Helper()
	ctx := context.Background()
	id, err := e.Legacy.NextIDs(ctx, "oauth_tokens/"+itoa(e.account), 1)
	if err != nil {
		t.Fatal(err)
	}
	access, refresh, now := chatlift.NewSecret(), chatlift.NewSecret(), time.Now().UTC()
	exp := now.Add(time.Hour)
	tok := &chatlift.OAuthToken{ID: id, AccountID: e.account, ClientID: e.client.ID, AgentID: agentID, TokenHash: chatlift.HashSecret(access),
		RefreshHash: chatlift.HashSecret(refresh), Scopes: []string{"read", "write"}, CreatedAt: now, ExpiresAt: &exp}
	if err := e.Legacy.PutOAuthTokens(ctx, []*chatlift.OAuthToken{tok}); err != nil {
		t.Fatal(err)
	}
	return access, refresh
}

// putClient stores a new public client of the account.
func (e *authzEnv) putClient(t *testing.T) *chatlift.OAuthClient {
	t.Helper()
	ctx := context.Background()
	id, err := e.Legacy.NextIDs(ctx, "oauth_clients/"+itoa(e.account), 1)
	if err != nil {
		t.Fatal(err)
	}
	c := &chatlift.OAuthClient{ID: id, AccountID: e.account, Name: "authz", ClientIdentifier: fmt.Sprintf("authz-%d", id),
		ClientType: chatlift.ClientConfidential, RedirectURIs: []string{redirectURI}, Scopes: []string{"read", "write"}, AgentID: e.owner.ID, CreatedAt: time.Now().UTC()}
	if err := e.Legacy.PutOAuthClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// putObject stores a configuration object with the body and returns its id.
func (e *authzEnv) putObject(t *testing.T, kind chatlift.ObjectKind, body string) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := e.Legacy.NextIDs(ctx, "chat_objects/"+itoa(e.account), 1)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	doc["id"] = id
	b, _ := json.Marshal(doc)
	if err := e.Legacy.PutObjects(ctx, []*chatlift.Object{{AccountID: e.account, Kind: kind, ID: id, Body: b}}); err != nil {
		t.Fatal(err)
	}
	return id
}

// conversation starts a live conversation on the account's widget and
// returns its id.
func (e *authzEnv) conversation(t *testing.T) string {
	t.Helper()
	c, _, err := (&conversation.Service{}).Start(context.Background(), e.Legacy, e.account, chatlift.ChatVisitor{Name: "V"}, chatlift.ChatSession{})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// chatRow builds a chat table row's requests, acting as a new agent of the
// role (the owner for "owner"), and returns the token to send them with.
type chatRow func(t *testing.T, e *authzEnv, role string) (string, []authzRequest)

// actor is the agent a chat row acts as: the owner, or a new agent.
func (e *authzEnv) actor(t *testing.T, role string) (*chatlift.Agent, string) {
	t.Helper()
	if role == chatlift.ChatRoleOwner {
		access, _ := e.tokenFor(t, e.owner.ID)
		return e.owner, access
	}
	a, access, _ := e.newAgent(t, role, true)
	return a, access
}

const agentsPath = "/api/v2/chat/agents/"

// onSelf is a row that sends body to the actor's own agent.
func onSelf(body map[string]any) chatRow {
	return func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		a, tok := e.actor(t, role)
		return tok, []authzRequest{{method: "PUT", path: agentsPath + itoa(a.ID), body: body}}
	}
}

// onOther is a row that sends body to a new plain agent.
func onOther(body map[string]any) chatRow {
	return func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		_, tok := e.actor(t, role)
		other, _, _ := e.newAgent(t, chatlift.ChatRoleAgent, true)
		return tok, []authzRequest{{method: "PUT", path: agentsPath + itoa(other.ID), body: body}}
	}
}

// onOwner is a row that sends body to the account's owner.
func onOwner(body map[string]any) chatRow {
	return func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		_, tok := e.actor(t, role)
		return tok, []authzRequest{{method: "PUT", path: agentsPath + itoa(e.owner.ID), body: body}}
	}
}

// just is a row of fixed requests.
func just(reqs ...authzRequest) chatRow {
	return func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		_, tok := e.actor(t, role)
		return tok, reqs
	}
}

// objectRow creates, changes and deletes a configuration object of the kind.
func objectRow(kind chatlift.ObjectKind, path, body string) chatRow {
	return func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		_, tok := e.actor(t, role)
		id := e.putObject(t, kind, body)
		p := "/api/v2/chat/" + path
		return tok, []authzRequest{{method: "POST", path: p, body: json.RawMessage(body)},
			{method: "PUT", path: p + "/" + itoa(id), body: json.RawMessage(body)}, {method: "DELETE", path: p + "/" + itoa(id)}}
	}
}

// shortcutRow is objectRow for shortcuts, whose names are unique in an
// account (a shortcut's name is its id in the reference).
func shortcutRow(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
	body := func() string { return fmt.Sprintf(`{"name":"hi%d","message":"Hello!"}`, e.next()) }
	tok, reqs := objectRow(chatlift.KindShortcut, "shortcuts", body())(t, e, role)
	reqs[0].body = json.RawMessage(body())
	return tok, reqs
}

var renamed = map[string]any{"display_name": "Renamed", "first_name": "Re", "last_name": "Named"}

// chatRows are the requests of the chat table's rows, by action.
var chatRows = map[string]chatRow{
	"read the account, agents, chats, visitors and settings": just(authzRequest{method: "GET", path: "/api/v2/chat/agents"},
		authzRequest{method: "GET", path: "/api/v2/chat/account"}, authzRequest{method: "GET", path: "/api/v2/chat/chats"},
		authzRequest{method: "GET", path: "/api/v2/chat/departments"}, authzRequest{method: "GET", path: "/api/v2/chat/routing_settings/account"}),
	"leave an offline message": just(authzRequest{method: "POST", path: "/api/v2/chat/chats", body: map[string]any{"visitor": map[string]any{"name": "V"}, "message": "hello"}}),
	"post in a live chat": just(authzRequest{method: "POST", path: "/api/v2/chat/chats/authz-live/messages",
		body: map[string]any{"msg": "hi", "sender_type": "Visitor"}}),
	"read the widget key and live conversations": func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		p := "/api/v2/chat/conversations"
		return just(authzRequest{method: "GET", path: "/api/v2/chat/widget"}, authzRequest{method: "GET", path: p},
			authzRequest{method: "GET", path: p + "/" + e.conversation(t)})(t, e, role)
	},
	"answer and end a live conversation": func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		p := "/api/v2/chat/conversations/" + e.conversation(t)
		return just(authzRequest{method: "POST", path: p + "/messages", body: map[string]any{"client_message_id": "a1", "msg": "Hello!"}},
			authzRequest{method: "POST", path: p + "/end"})(t, e, role)
	},
	"change one's own display, first and last name": onSelf(renamed),
	"make oneself an administrator":                 onSelf(map[string]any{"role": chatlift.ChatRoleAdmin}),
	"change one's own email": func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		return onSelf(map[string]any{"email": fmt.Sprintf("new%d@acme.test", e.next())})(t, e, role)
	},
	"change one's own departments or skills": onSelf(map[string]any{"departments": []int64{1, 2}, "skills": []int64{1}}),
	"disable oneself":                        onSelf(map[string]any{"enabled": false}),
	"create an agent": func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		return just(authzRequest{method: "POST", path: "/api/v2/chat/agents", body: map[string]any{"email": fmt.Sprintf("made%d@acme.test", e.next())}})(t, e, role)
	},
	"change another agent's name":         onOther(renamed),
	"make another agent an administrator": onOther(map[string]any{"role": chatlift.ChatRoleAdmin}),
	"disable another agent":               onOther(map[string]any{"enabled": false}),
	"give another agent the owner role":   onOther(map[string]any{"role": chatlift.ChatRoleOwner}),
	"create an agent with the owner role": just(authzRequest{method: "POST", path: "/api/v2/chat/agents", body: map[string]any{"email": "owner2@acme.test", "role": "owner"}}),
	"change the owner's name":             onOwner(renamed),
	"disable the owner":                   onOwner(map[string]any{"enabled": false}),
	"demote the owner":                    onOwner(map[string]any{"role": chatlift.ChatRoleAdmin}),
	"delete an agent (there is no such endpoint: disable it)": func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		other, _, _ := e.newAgent(t, chatlift.ChatRoleAgent, true)
		return just(authzRequest{method: "DELETE", path: agentsPath + itoa(other.ID)})(t, e, role)
	},
	"change routing settings": just(authzRequest{method: "PUT", path: "/api/v2/chat/routing_settings/account",
		body: map[string]any{"data": map[string]any{"routing_mode": "broadcast"}}}),
	"create, change, delete departments":             objectRow(chatlift.KindDepartment, "departments", `{"name":"Sales"}`),
	"create, change, delete skills":                  objectRow(chatlift.KindSkill, "skills", `{"name":"French"}`),
	"create, change, delete triggers":                objectRow(chatlift.KindTrigger, "triggers", `{"name":"Greet","definition":{"event":"chat_requested","actions":[]}}`),
	"create, change, delete shortcuts":               shortcutRow,
	"create, change, delete bans":                    objectRow(chatlift.KindBan, "bans", `{"type":"ip_address","ip_address":"192.0.2.7"}`),
	"create, change, delete goals":                   objectRow(chatlift.KindGoal, "goals", `{"name":"Checkout"}`),
	"create, change, delete custom roles":            objectRow(chatlift.KindRole, "roles", `{"name":"Night shift"}`),
	"change the account (there is no such endpoint)": just(authzRequest{method: "PUT", path: "/api/v2/chat/account", body: map[string]any{"name": "Mine"}}),
	"list, create, change, delete OAuth clients": func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		c := e.putClient(t)
		p := "/api/v2/chat/oauth/clients"
		return just(authzRequest{method: "GET", path: p}, authzRequest{method: "POST", path: p, body: map[string]any{"name": "New", "redirect_uris": []string{redirectURI}}},
			authzRequest{method: "PUT", path: p + "/" + itoa(c.ID), body: map[string]any{"name": "Renamed"}},
			authzRequest{method: "DELETE", path: p + "/" + itoa(c.ID)})(t, e, role)
	},
	"list and revoke OAuth tokens": func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		other, _, _ := e.newAgent(t, chatlift.ChatRoleAgent, true)
		e.tokenFor(t, other.ID)
		tokens, err := e.Legacy.OAuthTokens(context.Background(), e.account)
		if err != nil {
			t.Fatal(err)
		}
		last := tokens[len(tokens)-1]
		return just(authzRequest{method: "GET", path: "/api/v2/chat/oauth/tokens"},
			authzRequest{method: "DELETE", path: "/api/v2/chat/oauth/tokens/" + itoa(last.ID)})(t, e, role)
	},
	"anything, as a disabled agent": func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		_, access, _ := e.newAgent(t, role, false)
		return access, []authzRequest{{method: "GET", path: "/api/v2/chat/agents"}, {method: "PUT", path: "/api/v2/chat/routing_settings/account",
			body: map[string]any{"data": map[string]any{"routing_mode": "broadcast"}}}}
	},
	"refresh a disabled agent's token": func(t *testing.T, e *authzEnv, role string) (string, []authzRequest) {
		_, _, refresh := e.newAgent(t, role, false)
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {e.client.ClientIdentifier}, "client_secret": {e.clientSecret}}
		return "", []authzRequest{{method: "POST", path: "/oauth2/chat/token", form: form}}
	},
}

// supportRows are the requests of the support table's rows, by action.
var supportRows = map[string]func(e *authzEnv) []authzRequest{
	"read users, tickets and apps": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "GET", path: "/api/v2/users"}, {method: "GET", path: "/api/v2/tickets"}, {method: "GET", path: "/api/v2/apps/installations"}}
	},
	"create or change a user": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "POST", path: "/api/v2/users", body: map[string]any{"user": map[string]any{"name": "N",
			"email": fmt.Sprintf("user%d@example.test", e.next()), "role": chatlift.UserRoleEndUser}}},
			{method: "PUT", path: "/api/v2/users/" + itoa(e.supportAgent.ID), body: map[string]any{"user": map[string]any{"name": "Agent Renamed"}}}}
	},
	"create a ticket": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "POST", path: "/api/v2/tickets", body: map[string]any{"ticket": map[string]any{"subject": "s", "comment": map[string]any{"body": "b"}}}}}
	},
	"install an app": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "POST", path: "/api/v2/apps/installations", body: map[string]any{"app_id": 9000 + e.next(), "settings": map[string]any{"name": "App"}}}}
	},
	"search; read comments, groups and organizations": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "GET", path: "/api/v2/search?query=type:ticket"}, {method: "GET", path: "/api/v2/groups.json"},
			{method: "GET", path: "/api/v2/organizations"}, {method: "GET", path: "/api/v2/tickets/" + itoa(e.supportTicket()) + "/comments"}}
	},
	"update or comment on a ticket": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "PUT", path: "/api/v2/tickets/" + itoa(e.supportTicket()), body: map[string]any{"ticket": map[string]any{
			"status": "open", "comment": map[string]any{"body": "b"}}}}}
	},
	"delete a ticket": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "DELETE", path: "/api/v2/tickets/" + itoa(e.supportTicket())}}
	},
	"delete a user": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "DELETE", path: "/api/v2/users/" + itoa(e.supportEndUser())}}
	},
	"create a group or an organization": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "POST", path: "/api/v2/groups", body: map[string]any{"group": map[string]any{"name": "G"}}},
			{method: "POST", path: "/api/v2/organizations", body: map[string]any{"organization": map[string]any{"name": fmt.Sprintf("Org %d", e.next())}}}}
	},
	"read one's notifications": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "GET", path: "/api/v2/notifications"}}
	},
	"see billing accounts, invoices and the consolidation preview": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "GET", path: "/api/v2/billing/accounts?account_id=1"}, {method: "GET", path: "/api/v2/billing/invoices?account_id=1"},
			{method: "POST", path: "/api/v2/billing/consolidation/preview?account_id=1"}}
	},
	"request the account's upgrade": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "POST", path: "/api/v2/upgrades", body: map[string]any{"account_id": e.account}}}
	},
	"read the account's upgrade": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "GET", path: "/api/v2/upgrades/" + e.upgradeID}}
	},
	"list upgrades": func(e *authzEnv) []authzRequest { return []authzRequest{{method: "GET", path: "/api/v2/upgrades"}} },
	"run-now, cancel, pause, resume, reschedule an upgrade": func(e *authzEnv) []authzRequest {
		p := "/api/ops/upgrades/" + e.upgradeID + "/"
		return []authzRequest{{method: "POST", path: p + "run-now"}, {method: "POST", path: p + "cancel"}, {method: "POST", path: p + "pause"},
			{method: "POST", path: p + "resume"}, {method: "POST", path: p + "reschedule", body: map[string]any{"scheduled_for": time.Now().Add(48 * time.Hour)}}}
	},
	"revert an upgrade, or finish its revert window": func(e *authzEnv) []authzRequest {
		p := "/api/ops/upgrades/" + e.upgradeID + "/"
		return []authzRequest{{method: "POST", path: p + "revert"}, {method: "POST", path: p + "finish"}}
	},
	"enroll accounts, set the fleet deadline, inject faults": func(e *authzEnv) []authzRequest {
		at := time.Now().Add(30 * 24 * time.Hour)
		return []authzRequest{{method: "POST", path: "/api/ops/upgrades/enroll", body: map[string]any{"account_ids": []int64{e.account}}},
			{method: "POST", path: "/api/ops/fleet/deadline", body: map[string]any{"at": at}}}
	},
	"arm, list and disarm injected faults (`serve --fault-injection`)": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "POST", path: "/api/ops/faults", body: map[string]any{"account_id": e.account, "step": "merge_users", "mode": "crash"}},
			{method: "GET", path: "/api/ops/faults"}, {method: "DELETE", path: "/api/ops/faults/" + itoa(e.account) + "/merge_users"}}
	},
	"consolidate an account's billing": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "POST", path: "/api/ops/accounts/1/billing/consolidate"}}
	},
	"read and change import settings; list accounts": func(e *authzEnv) []authzRequest {
		return []authzRequest{{method: "GET", path: "/api/ops/import/settings"}, {method: "GET", path: "/api/ops/accounts"}}
	},
}

// send sends req, with bearer unless basic (email/token) is set, and
// returns the status and body.
func (e *authzEnv) send(t *testing.T, req authzRequest, bearer, basicEmail, basicToken string) (int, []byte) {
	t.Helper()
	var body io.Reader
	if req.form != nil {
		body = strings.NewReader(req.form.Encode())
	} else if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			t.Fatal(err)
		}
		body = strings.NewReader(string(b))
	}
	r, err := http.NewRequest(req.method, e.URL+req.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if req.form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	} else if basicEmail != "" {
		r.SetBasicAuth(basicEmail+"/token", basicToken)
	}
	resp, b := do(t, r)
	return resp.StatusCode, b
}

// expect checks one answer against a table cell: ✓ is any 2xx, a number
// that status with an error body.
func expect(t *testing.T, req authzRequest, cell string, status int, body []byte) {
	t.Helper()
	if cell == "✓" {
		if status/100 != 2 {
			t.Errorf("%s %s = %d, want 2xx: %s", req.method, req.path, status, body)
		}
		return
	}
	if fmt.Sprint(status) != cell {
		t.Errorf("%s %s = %d, want %s: %s", req.method, req.path, status, cell, body)
		return
	}
	var shape struct{ Error string }
	if json.Unmarshal(body, &shape) != nil || shape.Error == "" {
		t.Errorf("%s %s: refusal not in an error shape: %s", req.method, req.path, body)
	}
}

// TestAuthorizationTable sends every row of docs/authorization.md's tables
// as every role and checks the answer the table gives.
func TestAuthorizationTable(t *testing.T) {
	t.Parallel()
	e := setupAuthz(t)
	chatRoles := map[string]string{"owner": chatlift.ChatRoleOwner, "administrator": chatlift.ChatRoleAdmin, "agent": chatlift.ChatRoleAgent, "custom role": "Team Lead"}
	tables := readAuthzTables(t)
	if len(tables) != 2 {
		t.Fatalf("docs/authorization.md has %d role × action tables, want 2", len(tables))
	}
	for _, table := range tables {
		for _, row := range table.rows {
			for i, who := range table.roles {
				cell := row.cells[i]
				if cell == "—" {
					continue
				}
				t.Run(row.action+"/"+who, func(t *testing.T) {
					if role, ok := chatRoles[who]; ok {
						build := chatRows[row.action]
						if build == nil {
							t.Fatalf("no requests for the chat row %q", row.action)
						}
						tok, reqs := build(t, e, role)
						for _, req := range reqs {
							status, body := e.send(t, req, tok, "", "")
							expect(t, req, cell, status, body)
						}
						return
					}
					build := supportRows[row.action]
					if build == nil {
						t.Fatalf("no requests for the row %q", row.action)
					}
					for _, req := range build(e) {
						var status int
						var body []byte
						switch who {
						case "operator":
							status, body = e.send(t, req, e.Op, "", "")
						case "support admin":
							status, body = e.send(t, req, "", e.Creds[0].SupportOwnerEmail, e.Creds[0].SupportAPIToken)
						case "support agent":
							status, body = e.send(t, req, "", e.supportAgent.Email, e.Creds[0].SupportAPIToken)
						default:
							t.Fatalf("unknown role %q", who)
						}
						expect(t, req, cell, status, body)
					}
				})
			}
		}
	}
}

// TestDisabledAgentTokens: once an administrator disables an agent, the
// agent's access tokens answer 401 on the next request and its refresh
// token is refused.
func TestDisabledAgentTokens(t *testing.T) {
	t.Parallel()
	e := setupAuthz(t)
	agent, access, refresh := e.newAgent(t, chatlift.ChatRoleAgent, true)
	_, admin := e.actor(t, chatlift.ChatRoleAdmin)
	list := authzRequest{method: "GET", path: "/api/v2/chat/agents"}
	if status, body := e.send(t, list, access, "", ""); status != http.StatusOK {
		t.Fatalf("before: %d %s", status, body)
	}
	disable := authzRequest{method: "PUT", path: agentsPath + itoa(agent.ID), body: map[string]any{"enabled": false}}
	if status, body := e.send(t, disable, admin, "", ""); status != http.StatusOK {
		t.Fatalf("disable: %d %s", status, body)
	}
	t.Run("ErrUnauthorized", func(t *testing.T) {
		status, body := e.send(t, list, access, "", "")
		expect(t, list, "401", status, body)
	})
	t.Run("ErrRefreshRefused", func(t *testing.T) {
		req := authzRequest{method: "POST", path: "/oauth2/chat/token", form: url.Values{"grant_type": {"refresh_token"},
			"refresh_token": {refresh}, "client_id": {e.client.ClientIdentifier}, "client_secret": {e.clientSecret}}}
		status, body := e.send(t, req, "", "", "")
		if expect(t, req, "400", status, body); !strings.Contains(string(body), "invalid_grant") {
			t.Fatalf("refresh of a disabled agent: %s", body)
		}
	})
}

// supportTicket stores a new ticket on the first support account.
func (e *authzEnv) supportTicket() int64 {
	ctx := context.Background()
	id, err := e.Platform.NextIDs(ctx, "tickets/1", 1)
	if err != nil {
		panic(err)
	}
	now := time.Now().UTC()
	t := &chatlift.Ticket{ID: id, AccountID: 1, Subject: "s", Status: "new", Via: chatlift.ViaChannel("api"), CreatedAt: now, UpdatedAt: now}
	if err := e.Platform.PutTickets(ctx, []*chatlift.Ticket{t}); err != nil {
		panic(err)
	}
	return id
}

// supportEndUser stores a new end user on the first support account.
func (e *authzEnv) supportEndUser() int64 {
	ctx := context.Background()
	id, err := e.Platform.NextIDs(ctx, "users/1", 1)
	if err != nil {
		panic(err)
	}
	u := &chatlift.User{ID: id, AccountID: 1, Email: fmt.Sprintf("end%d@example.test", id), Name: "End", Role: chatlift.UserRoleEndUser,
		Active: true, CreatedAt: time.Now().UTC()}
	if err := e.Platform.PutUsers(ctx, []*chatlift.User{u}); err != nil {
		panic(err)
	}
	return id
}
