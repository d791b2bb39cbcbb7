package seed_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/seed"
)

// docExample returns the example document of docs/seed-format.md.
func docExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../docs/seed-format.md")
	must(t, err)
	_, rest, ok := strings.Cut(string(b), "```json\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/seed-format.md has no json example")
	}
	return example
}

func TestReadDocument(t *testing.T) {
	t.Parallel()
	t.Run("DocExample", func(t *testing.T) {
		accounts, err := seed.ReadDocument(strings.NewReader(docExample(t)))
		must(t, err)
		full, minimal := accounts[0], accounts[1]
		if len(full.Visitors) != 1 || full.Visitors[0].ID != "1001.1XYZ" || full.Tickets[0].ID != 1 || full.OAuthClients[0].ID != 1 ||
			len(full.AgentTimeline) != 3 || full.AgentTimeline[0].StartTime.Nanosecond() != 250_000_000 {
			t.Fatalf("defaults not filled in: visitors %+v, timeline %+v", full.Visitors, full.AgentTimeline)
		}
		if len(minimal.Agents) != 1 || minimal.Agents[0].Role != chatlift.ChatRoleOwner || len(minimal.Users) != 1 ||
			!minimal.Users[0].Owner || minimal.Support.ID != 1002 || minimal.Support.Name != "さくら不動産" {
			t.Fatalf("owners or support defaults missing: %+v %+v %+v", minimal.Agents, minimal.Users, minimal.Support)
		}
	})
	bad := []struct{ name, doc, want string }{
		{"ErrUnknownTopField", `{"accounts": [], "extra": 1}`, `unknown field "extra"`},
		{"ErrUnknownField", doc(`"agents": [{"email": "a@b.example", "colour": "red"}]`), `accounts[0]: unknown field "colour"`},
		{"ErrUnknownBodyField", doc(`"objects": [{"kind": "goal", "id": 1, "body": {"id": 1, "nmae": "x"}}]`), `accounts[0].objects[0]: body: unknown field "nmae"`},
		{"ErrInvalidEmail", doc(`"agents": [{"email": "nope"}]`), `accounts[0].agents[0]: agent email "nope" is not an email address`},
		{"ErrInvalidOwnerEmail", `{"accounts": [{"chat": {"id": 1, "name": "A", "owner_email": "x@"}, "support": {"owner_email": "o@a.example"}}]}`, `accounts[0].chat: owner email "x@"`},
		{"ErrSupportID", `{"accounts": [{"chat": {"id": 1, "name": "A", "owner_email": "o@a.example"}, "support": {"id": 2, "owner_email": "o@a.example"}}]}`, "support.id 2 differs from chat.id 1"},
		{"ErrNoSupport", `{"accounts": [{"chat": {"id": 1, "name": "A", "owner_email": "o@a.example"}}]}`, "accounts[0].support: required"},
		{"ErrDuplicateAccount", `{"accounts": [` + account(`"chat": {"id": 1}`) + `, ` + account(`"chat": {"id": 1}`) + `]}`, "accounts[1].chat.id: accounts[0] has id 1 too"},
		{"ErrCaseInsensitiveDuplicate", doc(`"users": [{"email": "Ann@a.example"}, {"email": "ann@a.example"}]`), "accounts[0].users[1]: email"},
		{"ErrOwnerRole", doc(`"agents": [{"email": "o@a.example", "role": "agent"}]`), "the chat owner o@a.example must have role"},
		{"ErrUnknownKind", doc(`"objects": [{"kind": "macro", "id": 1, "body": {}}]`), `unknown kind "macro"`},
		{"ErrBodyID", doc(`"objects": [{"kind": "skill", "id": 2, "body": {"id": 3}}]`), "body id 3 differs from id 2"},
		{"ErrChatAgent", doc(`"chats": [{"id": "c1", "type": "chat", "timestamp": "2026-01-01T00:00:00Z", "visitor": {"id": "v"}, "agent_ids": [9]}]`), "accounts[0].chats[0]: agent_ids: no agent 9"},
		{"ErrTimelineAgent", doc(`"agent_timeline": [{"agent_id": 9, "start_time": "2026-01-01T00:00:00.123456Z", "status": "online"}]`), "accounts[0].agent_timeline[0]: agent_id: no agent 9"},
		{"ErrTimelineStatus", doc(`"agent_timeline": [{"agent_id": 1, "start_time": "2026-01-01T00:00:00Z", "status": "busy"}]`), "accounts[0].agent_timeline[0]: status must be"},
		{"ErrTimelineDuplicate", doc(`"agent_timeline": [{"agent_id": 1, "start_time": "2026-01-01T00:00:00Z", "status": "online"}, {"agent_id": 1, "start_time": "2026-01-01T00:00:00Z", "status": "away"}]`), "accounts[0].agent_timeline[1]: duplicate agent and start_time"},
		{"ErrTicketChat", doc(`"tickets": [{"subject": "s", "status": "open", "chat_id": "nope"}]`), `accounts[0].tickets[0]: chat_id: no chat "nope"`},
		{"ErrSubscriptionBilling", doc(`"subscriptions": [{"product": "chat", "seats": 1}]`), "no chat billing account"},
		{"ErrSyntax", `{"accounts": [`, "seed document: unexpected end of JSON"},
		{"ErrTrailing", `{"accounts": []} {}`, "unexpected data after the value"},
		{"ErrEmpty", `{"accounts": []}`, "has no account"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := seed.ReadDocument(strings.NewReader(tc.doc))
			wantCode(t, err, chatlift.EINVALID)
			if !strings.Contains(chatlift.ErrorMessage(err), tc.want) {
				t.Fatalf("message %q does not say %q", chatlift.ErrorMessage(err), tc.want)
			}
		})
	}
}

// account is a minimal account whose chat owner and support owner are
// o@a.example, with fields added or (for "chat") replaced.
func account(fields string) string {
	chat := `"chat": {"id": 1, "name": "A", "owner_email": "o@a.example"}`
	if strings.HasPrefix(fields, `"chat"`) {
		chat = strings.Replace(fields, "{", `{"name": "A", "owner_email": "o@a.example", `, 1)
		fields = ""
	}
	if fields != "" {
		fields = ", " + fields
	}
	return `{` + chat + `, "support": {"owner_email": "o@a.example"}` + fields + `}`
}

// doc is a document of one minimal account with fields added.
func doc(fields string) string { return `{"accounts": [` + account(fields) + `]}` }

// TestDocumentRoundTrip loads generated accounts written as a document.
func TestDocumentRoundTrip(t *testing.T) {
	t.Parallel()
	ctx, s := context.Background(), setup(t)
	spec := seed.Spec{Accounts: 3, ChatsPerAccount: 15, Seed: 5, Start: start}
	generated := []*seed.Account{seed.Generate(spec, 41, 0), seed.Generate(spec, 42, 1), seed.Generate(spec, 43, 2)}
	body, err := json.Marshal(map[string]any{"accounts": generated})
	must(t, err)
	for range 2 { // loading again changes nothing but the secrets
		accounts, err := seed.ReadDocument(strings.NewReader(string(body)))
		must(t, err)
		creds, err := seed.LoadDocument(ctx, s.legacy, s.platform, accounts, now)
		must(t, err)
		for i, c := range creds {
			stored(t, s, seed.Generate(spec, int64(41+i), i))
			credentialsWork(t, s, c)
		}
	}
	fleet, err := seed.Fleet(ctx, s.legacy, s.platform, seed.Spec{Accounts: 1, Seed: 1}, now, nil)
	must(t, err)
	if fleet[0].AccountID <= 43 {
		t.Fatalf("a fleet after the document reused account id %d", fleet[0].AccountID)
	}
}

func TestLoadDocument(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("DocExample", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		accounts, err := seed.ReadDocument(strings.NewReader(docExample(t)))
		must(t, err)
		creds, err := seed.LoadDocument(ctx, s.legacy, s.platform, accounts, now)
		must(t, err)
		for _, c := range creds {
			credentialsWork(t, s, c)
		}
		if creds[1].OAuthClients[0].ClientIdentifier != "chatlift_seed_1002" {
			t.Fatalf("account without clients got %+v", creds[1].OAuthClients)
		}
	})
	t.Run("ErrBadDocumentWritesNothing", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		good := seed.Generate(seed.Spec{ChatsPerAccount: 5, Seed: 1, Start: start}, 1, 0)
		bad := seed.Generate(seed.Spec{ChatsPerAccount: 5, Seed: 1, Start: start}, 2, 1)
		bad.Users[len(bad.Users)-1].Email = "not an email"
		_, err := seed.LoadDocument(ctx, s.legacy, s.platform, []*seed.Account{good, bad}, now)
		wantCode(t, err, chatlift.EINVALID)
		if !strings.Contains(err.Error(), "accounts[1].users[") {
			t.Fatalf("error %q does not name the account and user", err)
		}
		nothingWritten(t, s)
	})
	t.Run("ErrConflictWritesNothing", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		a := seed.Generate(seed.Spec{Seed: 1, Start: start}, 1, 0)
		_, err := seed.Load(ctx, s.legacy, s.platform, a, now)
		must(t, err)
		b := seed.Generate(seed.Spec{Seed: 1, Start: start}, 2, 3)
		b.OAuthClients[0].ClientIdentifier = a.OAuthClients[0].ClientIdentifier
		_, err = seed.LoadDocument(ctx, s.legacy, s.platform, []*seed.Account{b}, now)
		wantCode(t, err, chatlift.ECONFLICT)
		if _, err := s.platform.SupportAccount(ctx, 2); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("account 2 written: %v", err)
		}
	})
}

// nothingWritten fails unless the stores hold no account and no row.
func nothingWritten(t *testing.T, s stores) {
	t.Helper()
	ctx := context.Background()
	chats, err := s.legacy.ChatAccounts(ctx, chatlift.AccountFilter{})
	must(t, err)
	supports, err := s.platform.SupportAccounts(ctx, chatlift.AccountFilter{})
	must(t, err)
	for _, id := range []int64{1, 2} {
		h, err := s.legacy.CountHistory(ctx, id)
		must(t, err)
		agents, err := s.legacy.Agents(ctx, id)
		must(t, err)
		users, err := s.platform.Users(ctx, id)
		must(t, err)
		if h.Total() != 0 || len(agents) != 0 || len(users) != 0 {
			t.Fatalf("account %d: %+v, %d agents, %d users written", id, h, len(agents), len(users))
		}
	}
	next, err := s.platform.NextIDs(ctx, "billing_account", 1)
	must(t, err)
	if len(chats) != 0 || len(supports) != 0 || next != 1 {
		t.Fatalf("%d chat and %d support accounts written, billing ids from %d", len(chats), len(supports), next)
	}
}
