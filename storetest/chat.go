package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func agent(account, id int64, email, role string) *chatlift.Agent {
	return &chatlift.Agent{AccountID: account, ID: id, Email: email, DisplayName: "Agent " + email, Role: role,
		Enabled: true, Departments: []int64{1}, CreatedAt: t0}
}

func testAgents(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		list := []*chatlift.Agent{agent(1, 1, "Owner@Acme.test", chatlift.ChatRoleOwner), agent(1, 2, "b@acme.test", chatlift.ChatRoleAgent)}
		must(t, s.PutAgents(ctx, list))
		must(t, s.PutAgents(ctx, list)) // repeating a put changes nothing
		must(t, s.PutAgents(ctx, []*chatlift.Agent{agent(2, 1, "other@acme.test", chatlift.ChatRoleAgent)}))
		got, err := s.Agents(ctx, 1)
		must(t, err)
		same(t, "agents", got, list)
		if got[0].AccountID != 1 {
			t.Fatalf("account id not kept: %d", got[0].AccountID)
		}
	})
	t.Run("ByID", func(t *testing.T) {
		got, err := s.Agent(ctx, 1, 2)
		must(t, err)
		same(t, "agent 2", got, agent(1, 2, "b@acme.test", chatlift.ChatRoleAgent))
		if got.AccountID != 1 {
			t.Fatalf("account id not kept: %d", got.AccountID)
		}
		_, err = s.Agent(ctx, 2, 2) // another account's numbering
		wantCode(t, err, chatlift.ENOTFOUND)
		_, err = s.Agent(ctx, 1, 99)
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("ByEmail", func(t *testing.T) {
		for _, email := range []string{"Owner@Acme.test", "owner@acme.test", "OWNER@ACME.TEST", " owner@acme.test "} {
			got, err := s.AgentByEmail(ctx, 1, email)
			must(t, err)
			same(t, "agent "+email, got, agent(1, 1, "Owner@Acme.test", chatlift.ChatRoleOwner))
			if got.AccountID != 1 {
				t.Fatalf("account id not kept: %d", got.AccountID)
			}
		}
		_, err := s.AgentByEmail(ctx, 2, "owner@acme.test") // another account's agent
		wantCode(t, err, chatlift.ENOTFOUND)
		_, err = s.AgentByEmail(ctx, 1, "nobody@acme.test")
		wantCode(t, err, chatlift.ENOTFOUND)
		_, err = s.AgentByEmail(ctx, 1, "owner@acme")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("PasswordHashKept", func(t *testing.T) {
		a := agent(3, 1, "pw@acme.test", chatlift.ChatRoleAgent)
		a.PasswordHash = "$2a$04$hash"
		must(t, s.PutAgents(ctx, []*chatlift.Agent{a}))
		got, err := s.Agents(ctx, 3)
		must(t, err)
		if got[0].PasswordHash != a.PasswordHash {
			t.Fatalf("password hash read back as %q", got[0].PasswordHash)
		}
		got[0].PasswordHash = ""
		must(t, s.PutAgents(ctx, got))
		if got, _ = s.Agents(ctx, 3); got[0].PasswordHash != "" {
			t.Fatal("a put without a password hash kept the old one")
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := agent(1, 3, "nope", chatlift.ChatRoleAgent)
		wantCode(t, s.PutAgents(ctx, []*chatlift.Agent{agent(1, 4, "ok@acme.test", "agent"), bad}), chatlift.EINVALID)
		got, err := s.Agents(ctx, 1)
		must(t, err)
		if len(got) != 2 {
			t.Fatalf("a rejected batch wrote rows: %d agents", len(got))
		}
	})
}

func testObjects(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	dept := chatlift.Department{ID: 5, Name: "Sales", Enabled: true, Members: []int64{1, 2}}
	body, err := json.Marshal(dept)
	must(t, err)
	objs := []*chatlift.Object{
		{AccountID: 1, Kind: chatlift.KindDepartment, ID: 5, Body: body},
		{AccountID: 1, Kind: chatlift.KindShortcut, ID: 5, Body: json.RawMessage(`{"id":5,"name":"hi"}`)},
	}
	must(t, s.PutObjects(ctx, objs))
	got, err := s.Objects(ctx, 1, chatlift.KindDepartment)
	must(t, err)
	var back chatlift.Department
	must(t, json.Unmarshal(got[0].Body, &back))
	same(t, "department", back, dept)
	if len(got) != 1 {
		t.Fatalf("kinds mixed: %d departments", len(got))
	}
	one, err := s.Object(ctx, 1, chatlift.KindShortcut, 5)
	must(t, err)
	if one.AccountID != 1 || one.Kind != chatlift.KindShortcut || one.ID != 5 || string(one.Body) != `{"id":5,"name":"hi"}` {
		t.Fatalf("object by id: %+v", one)
	}
	for _, miss := range []struct {
		account int64
		kind    chatlift.ObjectKind
		id      int64
	}{{2, chatlift.KindShortcut, 5}, {1, chatlift.KindBan, 5}, {1, chatlift.KindShortcut, 6}} {
		_, err := s.Object(ctx, miss.account, miss.kind, miss.id)
		wantCode(t, err, chatlift.ENOTFOUND)
	}
	wantCode(t, s.PutObjects(ctx, []*chatlift.Object{{AccountID: 1, Kind: chatlift.KindBan, ID: 0, Body: body}}), chatlift.EINVALID)
	must(t, s.DeleteObjects(ctx, 1, chatlift.KindDepartment, []int64{5}))
	got, err = s.Objects(ctx, 1, chatlift.KindDepartment)
	must(t, err)
	left, err := s.Objects(ctx, 1, chatlift.KindShortcut)
	must(t, err)
	if len(got) != 0 || len(left) != 1 {
		t.Fatalf("after delete: %d departments, %d shortcuts", len(got), len(left))
	}
}

func chat(account int64, id string, updated time.Time) *chatlift.Chat {
	rating := "good"
	return &chatlift.Chat{AccountID: account, ID: id, Type: chatlift.ChatTypeChat, Timestamp: t0, UpdateTimestamp: updated,
		Visitor: chatlift.ChatVisitor{ID: "v-" + id, Name: "Visitor ☃"}, Tags: []string{"vip"}, Rating: &rating,
		History: []chatlift.Message{{Type: "chat.msg", Msg: "こんにちは", Name: "Visitor", SenderType: "Visitor", Timestamp: t0}},
		Count:   chatlift.MessageCount{Visitor: 1, Total: 1}}
}

func testChats(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		c := chat(1, "c1", t0)
		must(t, s.PutChats(ctx, []*chatlift.Chat{c}))
		got, err := s.Chat(ctx, 1, "c1")
		must(t, err)
		same(t, "chat", got, c)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.Chat(ctx, 2, "c1") // another account's chat
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := chat(1, "c2", t0)
		bad.Type = "phone"
		wantCode(t, s.PutChats(ctx, []*chatlift.Chat{chat(1, "c3", t0), bad}), chatlift.EINVALID)
		_, err := s.Chat(ctx, 1, "c3")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("PagingByKey", func(t *testing.T) {
		var list []*chatlift.Chat
		for i := range 25 {
			list = append(list, chat(3, fmt.Sprintf("k%03d", i), t0))
		}
		must(t, s.PutChats(ctx, list))
		var seen []string
		after := ""
		for {
			page, err := s.Chats(ctx, chatlift.ChatFilter{AccountID: 3, AfterID: after, Limit: 10})
			must(t, err)
			for _, c := range page {
				seen = append(seen, c.ID)
			}
			if len(page) < 10 {
				break
			}
			after = page[len(page)-1].ID
		}
		if len(seen) != 25 || seen[0] != "k000" || seen[24] != "k024" {
			t.Fatalf("paged %d chats: %v", len(seen), seen)
		}
		n, err := s.CountHistory(ctx, 3)
		must(t, err)
		if n.Chats != 25 {
			t.Fatalf("CountHistory chats = %d", n.Chats)
		}
	})
	t.Run("ChatIDs", func(t *testing.T) {
		must(t, s.PutChats(ctx, []*chatlift.Chat{chat(5, "a", t0), chat(5, "b", t0), chat(5, "c", t0), chat(6, "x", t0)}))
		got, err := s.ChatIDs(ctx, 5, []string{"c", "x", "zz", "a"})
		must(t, err)
		same(t, "chat ids of account 5", got, []string{"a", "c"})
		got, err = s.ChatIDs(ctx, 5, nil)
		must(t, err)
		same(t, "no chat ids", got, []string{})
	})
}

// testChatsIncremental pages by update time while chats are added and
// updated between pages: every chat is seen, none twice in one pass of its
// update time.
func testChatsIncremental(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	var list []*chatlift.Chat
	for i := range 30 {
		list = append(list, chat(1, fmt.Sprintf("c%02d", i), t0.Add(time.Duration(i/3)*time.Second)))
	}
	must(t, s.PutChats(ctx, list))
	seen := map[string]int{}
	var afterTime time.Time
	afterID := ""
	for pages := 0; ; pages++ {
		page, err := s.Chats(ctx, chatlift.ChatFilter{AccountID: 1, ByUpdate: true, AfterTime: afterTime, AfterID: afterID, Limit: 4})
		must(t, err)
		for _, c := range page {
			seen[c.ID]++
		}
		if pages == 2 { // a new chat and an update to an already exported one
			must(t, s.PutChats(ctx, []*chatlift.Chat{chat(1, "new", t0.Add(time.Hour)), chat(1, "c00", t0.Add(2*time.Hour))}))
		}
		if len(page) < 4 {
			break
		}
		last := page[len(page)-1]
		afterTime, afterID = last.UpdateTimestamp, last.ID
	}
	if len(seen) != 31 {
		t.Fatalf("saw %d distinct chats, want 31", len(seen))
	}
	for id, n := range seen {
		if want := map[bool]int{true: 2, false: 1}[id == "c00"]; n != want {
			t.Fatalf("chat %s seen %d times, want %d", id, n, want)
		}
	}
}

func testVisitorsAnalytics(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	v := &chatlift.Visitor{AccountID: 1, ID: "v1", Name: "Ann", Email: "ann@example.test", Tags: []string{"a"}, CreatedAt: t0, UpdatedAt: t0}
	must(t, s.PutVisitors(ctx, []*chatlift.Visitor{v, {AccountID: 1, ID: "v2", Name: "Bo"}}))
	wantCode(t, s.PutVisitors(ctx, []*chatlift.Visitor{{AccountID: 1, ID: "v3", Email: "bad"}}), chatlift.EINVALID)
	got, err := s.Visitors(ctx, chatlift.KeyFilter{AccountID: 1, Limit: 1})
	must(t, err)
	same(t, "visitor", got, []*chatlift.Visitor{v})
	one, err := s.Visitor(ctx, 1, "v1")
	must(t, err)
	same(t, "visitor by id", one, v)
	_, err = s.Visitor(ctx, 2, "v1")
	wantCode(t, err, chatlift.ENOTFOUND)
	got, err = s.Visitors(ctx, chatlift.KeyFilter{AccountID: 1, AfterID: "v1"})
	must(t, err)
	if len(got) != 1 || got[0].ID != "v2" {
		t.Fatalf("second page = %v", got)
	}

	var events []*chatlift.AnalyticsEvent
	for i := int64(1); i <= 12; i++ {
		events = append(events, &chatlift.AnalyticsEvent{AccountID: 1, ID: i, Type: "chat_served", Value: float64(i), Timestamp: t0})
	}
	must(t, s.PutAnalytics(ctx, events))
	page, err := s.Analytics(ctx, chatlift.KeyFilter{AccountID: 1, AfterID: "9"})
	must(t, err)
	if len(page) != 3 || page[0].ID != 10 {
		t.Fatalf("analytics after 9: %d events", len(page))
	}
	_, err = s.Analytics(ctx, chatlift.KeyFilter{AccountID: 1, AfterID: "x"})
	wantCode(t, err, chatlift.EINVALID)
	n, err := s.CountHistory(ctx, 1)
	must(t, err)
	same(t, "history count", n, chatlift.HistoryCount{Visitors: 2, Analytics: 12})
}

func testOAuth(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	c := &chatlift.OAuthClient{AccountID: 1, ID: 1, Name: "CRM sync", ClientIdentifier: "crm", SecretHash: "h-secret",
		ClientType: chatlift.ClientConfidential, RedirectURIs: []string{"https://crm.test/cb"}, Scopes: []string{"read", "write"}, CreatedAt: t0}
	must(t, s.PutOAuthClient(ctx, c))
	got, err := s.OAuthClientByIdentifier(ctx, "crm")
	must(t, err)
	if got.SecretHash != "h-secret" || got.AccountID != 1 {
		t.Fatalf("client lost its secret hash or account: %+v", got)
	}
	dup := *c
	dup.ID, dup.AccountID = 2, 2
	wantCode(t, s.PutOAuthClient(ctx, &dup), chatlift.ECONFLICT)
	t.Run("ClientByID", func(t *testing.T) {
		got, err := s.OAuthClient(ctx, 1, 1)
		must(t, err)
		same(t, "client 1", got, c)
		if got.SecretHash != "h-secret" || got.AccountID != 1 {
			t.Fatalf("client lost its secret hash or account: %+v", got)
		}
		_, err = s.OAuthClient(ctx, 2, 1)
		wantCode(t, err, chatlift.ENOTFOUND)
		_, err = s.OAuthClient(ctx, 1, 2)
		wantCode(t, err, chatlift.ENOTFOUND)
	})

	exp := t0.Add(time.Hour)
	tokens := []*chatlift.OAuthToken{
		{AccountID: 1, ID: 1, ClientID: 1, AgentID: 1, TokenHash: "t1", RefreshHash: "r1", Scopes: []string{"read"}, CreatedAt: t0, ExpiresAt: &exp},
		{AccountID: 1, ID: 2, ClientID: 1, AgentID: 2, TokenHash: "t2", CreatedAt: t0},
		{AccountID: 2, ID: 1, ClientID: 9, AgentID: 1, TokenHash: "t3", CreatedAt: t0},
	}
	must(t, s.PutOAuthTokens(ctx, tokens))
	tok, err := s.OAuthTokenByHash(ctx, "t1")
	must(t, err)
	if tok.RefreshHash != "r1" || !tok.Active(t0) || tok.Active(exp) {
		t.Fatalf("token read back wrong: %+v", tok)
	}
	n, err := s.RevokeOAuthTokens(ctx, 1, t0)
	must(t, err)
	if n != 2 {
		t.Fatalf("revoked %d tokens, want 2", n)
	}
	n, err = s.RevokeOAuthTokens(ctx, 1, t0)
	must(t, err)
	if n != 0 {
		t.Fatalf("second revoke revoked %d", n)
	}
	tok, err = s.OAuthTokenByHash(ctx, "t2")
	must(t, err)
	other, err := s.OAuthTokenByHash(ctx, "t3")
	must(t, err)
	if tok.Active(t0) || !other.Active(t0) {
		t.Fatalf("revocation crossed accounts or missed: %v %v", tok.Active(t0), other.Active(t0))
	}
	_, err = s.OAuthTokenByHash(ctx, "nope")
	wantCode(t, err, chatlift.ENOTFOUND)
	testOAuthServer(t, s)
}

func testDeleteChatAccount(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	for _, id := range []int64{1, 2} {
		must(t, s.PutChatAccount(ctx, chatAccount(id)))
		must(t, s.PutAgents(ctx, []*chatlift.Agent{agent(id, 1, "a@acme.test", "agent")}))
		must(t, s.PutChats(ctx, []*chatlift.Chat{chat(id, "c1", t0)}))
	}
	must(t, s.DeleteChatAccount(ctx, 1))
	_, err := s.ChatAccount(ctx, 1)
	wantCode(t, err, chatlift.ENOTFOUND)
	n, err := s.CountHistory(ctx, 1)
	must(t, err)
	kept, err := s.CountHistory(ctx, 2)
	must(t, err)
	if n.Total() != 0 || kept.Chats != 1 {
		t.Fatalf("after delete: account 1 %+v, account 2 %+v", n, kept)
	}
}

// revertStore is what a revert and a retirement ask of the stores beyond
// chatlift.PlatformStore (upgrade.LegacyCopy and upgrade.PlatformCopy).
type revertStore interface {
	RetireChatAccount(ctx context.Context, accountID int64) error
	DropUpgradedChat(ctx context.Context, accountID int64) error
	DeleteAgents(ctx context.Context, accountID int64, ids []int64) error
}

func testRetireAndDrop(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	r, ok := s.(revertStore)
	if !ok {
		t.Fatal("the store cannot retire or drop a chat account (RetireChatAccount, DropUpgradedChat)")
	}
	for _, id := range []int64{1, 2} {
		must(t, s.PutChatAccount(ctx, chatAccount(id)))
		must(t, s.PutAgents(ctx, []*chatlift.Agent{agent(id, 1, "a@acme.test", "agent")}))
		must(t, s.PutChats(ctx, []*chatlift.Chat{chat(id, "c1", t0)}))
		must(t, s.PutUnifiedAccount(ctx, &chatlift.UnifiedAccount{AccountID: id, UpgradeID: "u1", OwnerEmail: "o@acme.test", UpgradedAt: t0}))
		_, err := s.ImportBatch(ctx, chatlift.TableChats, id, nil, chatlift.ImportCursor{AfterKey: "c1", Done: 1, Finished: true}, time.Now())
		must(t, err)
	}
	t.Run("DeleteAgents", func(t *testing.T) {
		must(t, s.PutAgents(ctx, []*chatlift.Agent{agent(2, 2, "b@acme.test", "agent")}))
		must(t, r.DeleteAgents(ctx, 2, []int64{2, 99})) // an id the account lacks is ignored
		left, err := s.Agents(ctx, 2)
		must(t, err)
		if len(left) != 1 || left[0].ID != 1 {
			t.Fatalf("agents left: %+v", left)
		}
	})
	t.Run("Retire", func(t *testing.T) {
		for range 2 { // retiring twice is harmless
			must(t, r.RetireChatAccount(ctx, 1))
		}
		if _, err := s.ChatAccount(ctx, 1); err != nil {
			t.Fatalf("the account's row must stay: %v", err)
		}
		agents, err := s.Agents(ctx, 1)
		must(t, err)
		n, err := s.CountHistory(ctx, 1)
		must(t, err)
		if len(agents) != 0 || n.Total() != 0 {
			t.Fatalf("after retiring: %d agents, history %+v", len(agents), n)
		}
	})
	t.Run("Drop", func(t *testing.T) {
		for range 2 {
			must(t, r.DropUpgradedChat(ctx, 1))
		}
		_, err := s.ChatAccount(ctx, 1)
		wantCode(t, err, chatlift.ENOTFOUND)
		_, err = s.UnifiedAccount(ctx, 1)
		wantCode(t, err, chatlift.ENOTFOUND)
		cur, err := s.ImportCursor(ctx, chatlift.TableChats, 1)
		must(t, err)
		if cur != (chatlift.ImportCursor{}) {
			t.Fatalf("import cursor after drop: %+v", cur)
		}
	})
	t.Run("OtherAccountKept", func(t *testing.T) {
		kept, err := s.CountHistory(ctx, 2)
		must(t, err)
		cur, err := s.ImportCursor(ctx, chatlift.TableChats, 2)
		must(t, err)
		_, uerr := s.UnifiedAccount(ctx, 2)
		if kept.Chats != 1 || !cur.Finished || uerr != nil {
			t.Fatalf("account 2 changed: %+v %+v %v", kept, cur, uerr)
		}
	})
}
