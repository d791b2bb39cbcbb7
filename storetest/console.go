package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// testUpcomingSlots: booked slots from a time on, in order, empty ones left out.
func testUpcomingSlots(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	for i, at := range []time.Duration{-time.Hour, 0, 0, 2 * time.Hour, 3 * time.Hour} {
		_, err := s.BookSlot(ctx, fmt.Sprint("u", i), t0.Add(at), 10)
		must(t, err)
	}
	must(t, s.ReleaseSlot(ctx, "u4")) // the slot at +3h is empty again
	got, err := s.UpcomingSlots(ctx, t0, 10)
	must(t, err)
	same(t, "upcoming slots", got, []chatlift.SlotFill{{Start: t0, Booked: 2}, {Start: t0.Add(2 * time.Hour), Booked: 1}})
	got, err = s.UpcomingSlots(ctx, t0, 1)
	must(t, err)
	same(t, "first upcoming slot", got, []chatlift.SlotFill{{Start: t0, Booked: 2}})
}

// testUpgradeCounts: one count per state that has upgrades.
func testUpgradeCounts(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	counts, err := s.UpgradeCounts(ctx)
	must(t, err)
	same(t, "counts of no upgrade", counts, map[string]int{})
	for i, state := range []string{chatlift.UpgradeScheduled, chatlift.UpgradeScheduled, chatlift.UpgradeCompleted} {
		must(t, s.PutUpgrade(ctx, &chatlift.Upgrade{ID: fmt.Sprint("upg_", i), AccountID: int64(i + 1), State: state, Attempt: 1}))
	}
	counts, err = s.UpgradeCounts(ctx)
	must(t, err)
	same(t, "counts", counts, map[string]int{chatlift.UpgradeScheduled: 2, chatlift.UpgradeCompleted: 1})
}

// testAuditEntries: entries come back per upgrade, newest first, with ids.
func testAuditEntries(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	wantCode(t, s.AddAuditEntry(ctx, &chatlift.AuditEntry{UpgradeID: "a"}), chatlift.EINVALID)
	var added []*chatlift.AuditEntry
	for i, id := range []string{"a", "b", "a"} {
		e := &chatlift.AuditEntry{UpgradeID: id, At: t0.Add(time.Duration(i) * time.Minute), Actor: "operator (Aiko)",
			Action: "pause", Detail: "batch 1", Result: "accepted"}
		must(t, s.AddAuditEntry(ctx, e))
		if e.ID == 0 || (len(added) > 0 && e.ID <= added[len(added)-1].ID) {
			t.Fatalf("entry %d got id %d after %v", i, e.ID, added)
		}
		added = append(added, e)
	}
	got, err := s.AuditEntries(ctx, "a", 10)
	must(t, err)
	same(t, "entries of a", got, []*chatlift.AuditEntry{added[2], added[0]})
	got, err = s.AuditEntries(ctx, "a", 1)
	must(t, err)
	same(t, "newest entry of a", got, []*chatlift.AuditEntry{added[2]})
	got, err = s.AuditEntries(ctx, "none", 10)
	must(t, err)
	same(t, "entries of an upgrade without any", len(got), 0)
}

// testSupportPasswords: hashes are found by email in any case, across
// accounts, and replaced per account and user.
func testSupportPasswords(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	wantCode(t, s.PutSupportPassword(ctx, &chatlift.SupportPassword{AccountID: 1, UserID: 1, Email: "a@example.com"}), chatlift.EINVALID)
	must(t, s.PutSupportPassword(ctx, &chatlift.SupportPassword{AccountID: 2, UserID: 5, Email: "Ann@Example.com", Hash: "h1"}))
	must(t, s.PutSupportPassword(ctx, &chatlift.SupportPassword{AccountID: 1, UserID: 7, Email: "ann@example.com", Hash: "h2"}))
	must(t, s.PutSupportPassword(ctx, &chatlift.SupportPassword{AccountID: 1, UserID: 7, Email: "ann@example.com", Hash: "h3"}))
	must(t, s.PutSupportPassword(ctx, &chatlift.SupportPassword{AccountID: 1, UserID: 8, Email: "bob@example.com", Hash: "h4"}))
	got, err := s.SupportPasswords(ctx, "ANN@example.com")
	must(t, err)
	same(t, "passwords of ann", got, []*chatlift.SupportPassword{
		{AccountID: 1, UserID: 7, Email: "ann@example.com", Hash: "h3"},
		{AccountID: 2, UserID: 5, Email: "ann@example.com", Hash: "h1"}})
	got, err = s.SupportPasswords(ctx, "nobody@example.com")
	must(t, err)
	same(t, "passwords of nobody", len(got), 0)
}

// testMergeChoices: none until put, then replaced whole per account.
func testMergeChoices(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	got, err := s.MergeChoices(ctx, 1)
	must(t, err)
	same(t, "no choices", len(got), 0)
	wantCode(t, s.PutMergeChoices(ctx, 1, []chatlift.MergeChoice{{ChatAgentID: 1}}), chatlift.EINVALID)
	must(t, s.PutMergeChoices(ctx, 1, []chatlift.MergeChoice{{ChatAgentID: 2, UserID: 5}, {ChatAgentID: 3, Skip: true}}))
	must(t, s.PutMergeChoices(ctx, 2, []chatlift.MergeChoice{{ChatAgentID: 9, Skip: true}}))
	must(t, s.PutMergeChoices(ctx, 1, []chatlift.MergeChoice{{ChatAgentID: 3, Skip: true}}))
	got, err = s.MergeChoices(ctx, 1)
	must(t, err)
	same(t, "choices of account 1", got, []chatlift.MergeChoice{{ChatAgentID: 3, Skip: true}})
}

// testPostponeRequests: added with ids in order, listed per upgrade,
// invalid ones refused.
func testPostponeRequests(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	got, err := s.PostponeRequests(ctx, "upg_1")
	must(t, err)
	same(t, "no requests", len(got), 0)
	at := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	req := func(upgradeID, reason string) *chatlift.PostponeRequest {
		return &chatlift.PostponeRequest{UpgradeID: upgradeID, AccountID: 1, RequestedBy: "ann@example.com", From: at,
			Until: at.AddDate(0, 0, 14), Reason: reason, Status: chatlift.PostponePending, CreatedAt: at.AddDate(0, 0, -7)}
	}
	wantCode(t, s.AddPostponeRequest(ctx, req("upg_1", "")), chatlift.EINVALID)
	first, other, second := req("upg_1", "busy season"), req("upg_2", "audit"), req("upg_1", "still busy")
	for _, p := range []*chatlift.PostponeRequest{first, other, second} {
		must(t, s.AddPostponeRequest(ctx, p))
	}
	if first.ID == 0 || second.ID <= first.ID {
		t.Fatalf("ids %d, %d", first.ID, second.ID)
	}
	got, err = s.PostponeRequests(ctx, "upg_1")
	must(t, err)
	same(t, "requests of upg_1", got, []*chatlift.PostponeRequest{first, second})
}

// testPostponeAnswers: pending requests listed across the fleet; an
// answer stored once, with its status and note; a second answer refused.
func testPostponeAnswers(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	var reqs []*chatlift.PostponeRequest
	for _, id := range []string{"upg_1", "upg_2", "upg_3"} {
		p := &chatlift.PostponeRequest{UpgradeID: id, AccountID: 1, RequestedBy: "ann@example.com", From: at,
			Until: at.AddDate(0, 0, 14), Reason: "busy", Status: chatlift.PostponePending, CreatedAt: at.AddDate(0, 0, -7)}
		must(t, s.AddPostponeRequest(ctx, p))
		reqs = append(reqs, p)
	}
	answered, newDate := at.AddDate(0, 0, -6), at.AddDate(0, 0, 15)
	accept := *reqs[0]
	accept.Status, accept.Answer, accept.AnsweredBy, accept.AnsweredAt, accept.NewDate = chatlift.PostponeAccepted, "moved", "operator", &answered, &newDate
	wantCode(t, s.AnswerPostponeRequest(ctx, &chatlift.PostponeRequest{ID: reqs[1].ID, UpgradeID: "upg_2", Status: "maybe"}), chatlift.EINVALID)
	must(t, s.AnswerPostponeRequest(ctx, &accept))
	wantCode(t, s.AnswerPostponeRequest(ctx, &accept), chatlift.ECONFLICT)
	missing := accept
	missing.ID = reqs[2].ID + 100
	wantCode(t, s.AnswerPostponeRequest(ctx, &missing), chatlift.ENOTFOUND)
	got, err := s.PostponeRequests(ctx, "upg_1")
	must(t, err)
	same(t, "the answered request", got, []*chatlift.PostponeRequest{&accept})
	pending, err := s.PendingPostponeRequests(ctx, 1)
	must(t, err)
	same(t, "the first pending request", pending, []*chatlift.PostponeRequest{reqs[1]})
	pending, err = s.PendingPostponeRequests(ctx, 10)
	must(t, err)
	same(t, "pending requests", pending, []*chatlift.PostponeRequest{reqs[1], reqs[2]})
}
