// Package storetest is the conformance suite every chatlift store passes.
// Each store package runs it against its own implementation:
//
//	storetest.Run(t, func(t *testing.T) chatlift.PlatformStore { return open(t) })
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// Opener returns a new, empty store for one test.
type Opener func(t *testing.T) chatlift.PlatformStore

// Run runs the whole suite; each subtest opens its own store.
func Run(t *testing.T, open Opener) {
	t.Run("NextIDs", func(t *testing.T) { testNextIDs(t, open(t)) })
	t.Run("AccountSequences", func(t *testing.T) { testAccountSequences(t, open(t)) })
	t.Run("ChatAccount", func(t *testing.T) { testChatAccount(t, open(t)) })
	t.Run("Agents", func(t *testing.T) { testAgents(t, open(t)) })
	t.Run("Objects", func(t *testing.T) { testObjects(t, open(t)) })
	t.Run("Chats", func(t *testing.T) { testChats(t, open(t)) })
	t.Run("ChatsIncremental", func(t *testing.T) { testChatsIncremental(t, open(t)) })
	t.Run("VisitorsAnalytics", func(t *testing.T) { testVisitorsAnalytics(t, open(t)) })
	t.Run("AgentTimeline", func(t *testing.T) { testAgentTimeline(t, open(t)) })
	t.Run("AccountWrite", func(t *testing.T) { testAccountWrite(t, open(t)) })
	t.Run("OAuth", func(t *testing.T) { testOAuth(t, open(t)) })
	t.Run("Conversations", func(t *testing.T) { testConversations(t, open(t)) })
	t.Run("ConversationSequence", func(t *testing.T) { testConversationSequence(t, open(t)) })
	t.Run("CopyConversations", func(t *testing.T) { testCopyConversations(t, open(t), open(t)) })
	t.Run("ChatHome", func(t *testing.T) { testChatHome(t, open(t), open(t)) })
	t.Run("DeleteChatAccount", func(t *testing.T) { testDeleteChatAccount(t, open(t)) })
	t.Run("RetireAndDrop", func(t *testing.T) { testRetireAndDrop(t, open(t)) })
	t.Run("SupportAccount", func(t *testing.T) { testSupportAccount(t, open(t)) })
	t.Run("Users", func(t *testing.T) { testUsers(t, open(t)) })
	t.Run("AppsTickets", func(t *testing.T) { testAppsTickets(t, open(t)) })
	t.Run("SupportDesk", func(t *testing.T) { testSupportDesk(t, open(t)) })
	t.Run("Billing", func(t *testing.T) { testBilling(t, open(t)) })
	t.Run("Notifications", func(t *testing.T) { testNotifications(t, open(t)) })
	t.Run("Emails", func(t *testing.T) { testEmails(t, open(t)) })
	t.Run("EmailLeases", func(t *testing.T) { testEmailLeases(t, open(t)) })
	t.Run("EmailsByKey", func(t *testing.T) { testEmailsByKey(t, open(t)) })
	t.Run("Upgrades", func(t *testing.T) { testUpgrades(t, open(t)) })
	t.Run("BillingConsolidation", func(t *testing.T) { testBillingConsolidation(t, open(t)) })
	t.Run("InTx", func(t *testing.T) { testInTx(t, open(t)) })
	t.Run("NotificationKeys", func(t *testing.T) { testNotificationKeys(t, open(t)) })
	t.Run("Snapshots", func(t *testing.T) { testSnapshots(t, open(t)) })
	t.Run("RawRows", func(t *testing.T) { testRawRows(t, open(t)) })
	t.Run("Slots", func(t *testing.T) { testSlots(t, open(t)) })
	t.Run("UpcomingSlots", func(t *testing.T) { testUpcomingSlots(t, open(t)) })
	t.Run("UpgradeCounts", func(t *testing.T) { testUpgradeCounts(t, open(t)) })
	t.Run("DowntimeHistogram", func(t *testing.T) { testDowntimeHistogram(t, open(t)) })
	t.Run("CompletedPerPeriod", func(t *testing.T) { testCompletedPerPeriod(t, open(t)) })
	t.Run("ImportThroughput", func(t *testing.T) { testImportThroughput(t, open(t)) })
	t.Run("AuditEntries", func(t *testing.T) { testAuditEntries(t, open(t)) })
	t.Run("SupportPasswords", func(t *testing.T) { testSupportPasswords(t, open(t)) })
	t.Run("MergeChoices", func(t *testing.T) { testMergeChoices(t, open(t)) })
	t.Run("PostponeRequests", func(t *testing.T) { testPostponeRequests(t, open(t)) })
	t.Run("PostponeAnswers", func(t *testing.T) { testPostponeAnswers(t, open(t)) })
	t.Run("ImportSettings", func(t *testing.T) { testImportSettings(t, open(t)) })
	t.Run("ImportLeases", func(t *testing.T) { testImportLeases(t, open(t)) })
	t.Run("WebSessions", func(t *testing.T) { testWebSessions(t, open(t)) })
	t.Run("WebSessionPruning", func(t *testing.T) { testWebSessionPruning(t, open(t)) })
	t.Run("WebSessionFlash", func(t *testing.T) { testWebSessionFlash(t, open(t)) })
	t.Run("BatchActions", func(t *testing.T) { testBatchActions(t, open(t)) })
	t.Run("UnfinishedBatchActions", func(t *testing.T) { testUnfinishedBatchActions(t, open(t)) })
	t.Run("BatchClaims", func(t *testing.T) { testBatchClaims(t, open(t)) })
	t.Run("Faults", func(t *testing.T) { testFaults(t, open) })
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails the test unless err carries the chatlift error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := chatlift.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// same fails the test unless got and want encode to the same JSON.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Fatalf("%s:\n got  %s\n want %s", what, g, w)
	}
}

func chatAccount(id int64) *chatlift.ChatAccount {
	return &chatlift.ChatAccount{ID: id, Name: fmt.Sprintf("Acme %d ☕", id), OwnerEmail: fmt.Sprintf("owner%d@acme.test", id),
		Plan: "professional", TimeZone: "Asia/Tokyo", State: chatlift.ChatAccountActive, BillingAccountID: id * 10,
		IPRestrictions: []string{"10.0.0.0/8"}, WidgetVersion: "legacy", CreatedAt: t0,
		Routing: chatlift.RoutingSettings{RoutingMode: "assigned", ChatLimit: 3, ChatLimitEnabled: true}}
}

func testNextIDs(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	first, err := s.NextIDs(ctx, "ticket", 10)
	must(t, err)
	second, err := s.NextIDs(ctx, "ticket", 1)
	must(t, err)
	if first != 1 || second != 11 {
		t.Fatalf("NextIDs = %d then %d, want 1 then 11", first, second)
	}
	other, err := s.NextIDs(ctx, "agent", 1)
	must(t, err)
	if other != 1 {
		t.Fatalf("a second sequence starts at %d, want 1", other)
	}
	_, err = s.NextIDs(ctx, "ticket", 0)
	wantCode(t, err, chatlift.EINVALID)

	t.Run("Concurrent", func(t *testing.T) {
		seen := make(chan int64, 40)
		errs := make(chan error, 40)
		for range 40 {
			go func() {
				id, err := s.NextIDs(ctx, "concurrent", 1)
				seen <- id
				errs <- err
			}()
		}
		got := map[int64]bool{}
		for range 40 {
			must(t, <-errs)
			id := <-seen
			if got[id] {
				t.Fatalf("id %d handed out twice", id)
			}
			got[id] = true
		}
	})
}

func testChatAccount(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		a := chatAccount(7)
		must(t, s.PutChatAccount(ctx, a))
		got, err := s.ChatAccount(ctx, 7)
		must(t, err)
		same(t, "chat account", got, a)
		a.State = chatlift.ChatAccountMaintenance
		must(t, s.PutChatAccount(ctx, a))
		got, err = s.ChatAccount(ctx, 7)
		must(t, err)
		if got.State != chatlift.ChatAccountMaintenance {
			t.Fatalf("state = %q after update", got.State)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.ChatAccount(ctx, 404)
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		a := chatAccount(8)
		a.OwnerEmail = "not an email"
		wantCode(t, s.PutChatAccount(ctx, a), chatlift.EINVALID)
		_, err := s.ChatAccount(ctx, 8)
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("Paging", func(t *testing.T) {
		for id := int64(20); id < 25; id++ {
			must(t, s.PutChatAccount(ctx, chatAccount(id)))
		}
		page, err := s.ChatAccounts(ctx, chatlift.AccountFilter{AfterID: 7, Limit: 3})
		must(t, err)
		if len(page) != 3 || page[0].ID != 20 || page[2].ID != 22 {
			t.Fatalf("page = %v", ids(page, func(a *chatlift.ChatAccount) any { return a.ID }))
		}
	})
}

func ids[T any](list []T, id func(T) any) []any {
	out := make([]any, len(list))
	for i, x := range list {
		out[i] = id(x)
	}
	return out
}

func testAccountSequences(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	must(t, s.PutAgents(ctx, []*chatlift.Agent{agent(5, 1, "a@acme.test", "agent"), agent(5, 7, "b@acme.test", "agent")}))
	id, err := s.NextIDs(ctx, "agents/5", 2)
	must(t, err)
	again, err := s.NextIDs(ctx, "agents/5", 1)
	must(t, err)
	fresh, err := s.NextIDs(ctx, "agents/6", 1)
	must(t, err)
	if id != 8 || again != 10 || fresh != 1 {
		t.Fatalf("agents/5 gave %d then %d, agents/6 gave %d; want 8, 10, 1", id, again, fresh)
	}
}
