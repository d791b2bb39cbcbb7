package upgrade_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/upgrade"
)

// window is the revert window of these tests.
const window = 14 * 24 * time.Hour

// revertable is the fixture with a revert window, run-now sent an hour in
// so that the upgrade completes at once.
func revertable(t *testing.T) *fixture {
	t.Helper()
	f := setup(t, 0)
	f.acts.RevertWindow = window
	f.env.RegisterDelayedCallback(func() { f.act(upgrade.ActionRunNow) }, time.Hour)
	return f
}

// platformChanges is what the platform recorded for the account since the
// switch, as a test makes it: history rows, an agent and configuration.
type platformChanges struct {
	rows       map[string][]chatlift.RawRow // every platform history row, by table, just before the revert
	owner      *chatlift.Agent              // the chat owner as the legacy product had it
	renamed    string                       // the owner's new display name on the platform
	newAgent   int64
	mergeAdded []int64 // agents the merge added at the cutover
	newDept    int64
	gone       int64 // a shortcut deleted on the platform
	client     string
	tokenHash  string
}

// changePlatform records, on the platform, changes of every kind a revert
// must carry back: a new chat, a message added to an imported chat, a new
// visitor, analytics event and timeline entry; the chat owner renamed, an
// agent added, a department added and a shortcut deleted; an OAuth client
// and a token issued on the platform.
func (f *fixture) changePlatform(t *testing.T) *platformChanges {
	t.Helper()
	ctx, id, p := context.Background(), f.account, f.platform
	now := f.env.Now().UTC().Truncate(time.Second)
	chats, err := p.Chats(ctx, chatlift.ChatFilter{AccountID: id, Limit: 2})
	must(t, err)
	fresh := *chats[0]
	fresh.ID, fresh.Timestamp, fresh.UpdateTimestamp = "revert-new-chat", now, now
	changed := chats[1]
	changed.History = append(changed.History, chatlift.Message{Type: "chat.msg", Msg: "asked after the upgrade", Name: "Visitor", SenderType: "Visitor", Timestamp: now})
	changed.UpdateTimestamp = now
	must(t, p.PutChats(ctx, []*chatlift.Chat{&fresh, changed}))
	visitors, err := p.Visitors(ctx, chatlift.KeyFilter{AccountID: id, Limit: 1})
	must(t, err)
	v := *visitors[0]
	v.ID, v.Name = "revert-new-visitor", "Visitor after the upgrade"
	must(t, p.PutVisitors(ctx, []*chatlift.Visitor{&v}))
	events, err := p.Analytics(ctx, chatlift.KeyFilter{AccountID: id, Limit: 1})
	must(t, err)
	ev := *events[0]
	ev.ID, ev.Timestamp = 900001, now
	must(t, p.PutAnalytics(ctx, []*chatlift.AnalyticsEvent{&ev}))
	timeline, err := p.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: id, Limit: 1})
	must(t, err)
	if len(timeline) == 0 {
		t.Fatal("seed index 0 should have an agent timeline")
	}
	entry := *timeline[0]
	entry.StartTime = now
	must(t, p.PutAgentTimeline(ctx, []*chatlift.AgentTimelineEntry{&entry}))

	c := &platformChanges{renamed: "Owner, renamed after the upgrade", tokenHash: "revert-test-token-hash"}
	f.changeConfiguration(t, c)
	c.rows = map[string][]chatlift.RawRow{}
	for _, table := range chatlift.HistoryTables {
		rows, err := p.RawRows(ctx, table, id, "", "", chatlift.MaxLimit)
		must(t, err)
		c.rows[table] = rows
	}
	return c
}

// changeConfiguration renames the chat owner and adds an agent, adds a
// department and deletes a shortcut, and makes an OAuth client and a token,
// all on the platform.
func (f *fixture) changeConfiguration(t *testing.T, c *platformChanges) {
	t.Helper()
	ctx, id, p := context.Background(), f.account, f.platform
	now := f.env.Now().UTC().Truncate(time.Second)
	legacyAgents, err := f.legacy.Agents(ctx, id)
	must(t, err)
	for _, a := range legacyAgents {
		if a.Role == "owner" {
			c.owner = a
		}
	}
	agents, err := p.Agents(ctx, id)
	must(t, err)
	var owner *chatlift.Agent
	for _, a := range agents {
		c.newAgent = max(c.newAgent, a.ID+1)
		if a.ID == c.owner.ID {
			owner = a
		}
		if !slices.ContainsFunc(legacyAgents, func(l *chatlift.Agent) bool { return l.ID == a.ID }) {
			c.mergeAdded = append(c.mergeAdded, a.ID)
		}
	}
	if owner.Role == "owner" {
		t.Fatal("the merge should have mapped the chat owner's role on the platform")
	}
	owner.DisplayName = c.renamed
	added := *owner
	added.ID, added.Email, added.Role, added.DisplayName = c.newAgent, "hired.after.upgrade@acme.test", "agent", "Hired after the upgrade"
	must(t, p.PutAgents(ctx, []*chatlift.Agent{owner, &added}))
	depts, err := p.Objects(ctx, id, chatlift.KindDepartment)
	must(t, err)
	dept := *depts[0]
	dept.ID = 800001
	c.newDept = dept.ID
	must(t, p.PutObjects(ctx, []*chatlift.Object{&dept}))
	shortcuts, err := p.Objects(ctx, id, chatlift.KindShortcut)
	must(t, err)
	c.gone = shortcuts[0].ID
	must(t, p.DeleteObjects(ctx, id, chatlift.KindShortcut, []int64{c.gone}))
	clients, err := p.OAuthClients(ctx, id)
	must(t, err)
	client := *clients[0]
	client.ID, client.ClientIdentifier, client.SecretHash = 700001, "made-on-the-platform", "secret-hash-of-the-new-client"
	c.client = client.ClientIdentifier
	must(t, p.PutOAuthClient(ctx, &client))
	must(t, p.PutOAuthTokens(ctx, []*chatlift.OAuthToken{{ID: 700001, AccountID: id, ClientID: client.ID, AgentID: owner.ID,
		TokenHash: c.tokenHash, Scopes: []string{"read"}, CreatedAt: now}}))

}

// changeAfterImport makes changePlatform's changes once the history import
// has verified, from within the import's activity: work done in a workflow
// callback holds the workflow's goroutine, which the test environment
// reports as a deadlock past a second. before, when set, runs first.
func (f *fixture) changeAfterImport(t *testing.T, before func()) *platformChanges {
	t.Helper()
	c := &platformChanges{}
	f.acts.Importer = &changingImporter{Importer: f.acts.Importer, change: func() {
		if before != nil {
			before()
		}
		*c = *f.changePlatform(t)
	}}
	return c
}

// changingImporter runs change once, after the first verification passed.
type changingImporter struct {
	upgrade.Importer
	change func()
	once   sync.Once
}

func (c *changingImporter) Verify(ctx context.Context, job chatlift.ImportJob, repair bool, progress func(chatlift.ImportProgress)) (*chatlift.Verification, error) {
	v, err := c.Importer.Verify(ctx, job, repair, progress)
	if err == nil && v.Passed {
		c.once.Do(c.change)
	}
	return v, err
}

// TestRevert reverts an upgrade whose account changed on the platform since
// the switch, in history and configuration: the legacy product ends up
// with all of it, verified, and serves the account again.
func TestRevert(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := revertable(t)
	integrationsBefore, err := f.legacy.Objects(ctx, f.account, chatlift.KindIntegration)
	must(t, err)
	router := &chathome.Router[chathome.Store]{Legacy: f.legacy, Platform: f.platform, Imports: f.platform}
	watched := &watchedVerifier{Verifier: f.acts.Reverse}
	f.acts.Reverse = watched
	changes := f.changeAfterImport(t, nil)
	var revert *answer
	var tokenBefore error
	f.env.RegisterDelayedCallback(func() {
		if u := f.upgrade(t); u.State != chatlift.UpgradeCompleted || u.Revert.Until == nil || !u.Revertible(f.env.Now()) {
			t.Errorf("before the revert: %s, window until %v", u.State, u.Revert.Until)
		}
		_, _, tokenBefore = router.Token(ctx, changes.tokenHash)
		f.events = nil
		revert = f.act(upgrade.ActionRevert)
	}, 3*24*time.Hour)
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if err := f.env.GetWorkflowError(); err != nil || !f.env.IsWorkflowCompleted() || revert == nil {
		t.Fatalf("workflow: completed %v, error %v, revert sent %v", f.env.IsWorkflowCompleted(), err, revert != nil)
	}
	revert.wantYes(t, "revert")
	u := f.upgrade(t)
	t.Run("Reverted", func(t *testing.T) {
		if u.State != chatlift.UpgradeReverted || u.Revert.RevertedAt == nil || u.Error != "" {
			t.Fatalf("upgrade %s, reverted at %v, error %q", u.State, u.Revert.RevertedAt, u.Error)
		}
		legacy, err := f.legacy.ChatAccount(ctx, f.account)
		if err != nil || legacy.State != chatlift.ChatAccountActive {
			t.Fatalf("legacy chat account: %+v %v", legacy, err)
		}
		if _, err := f.platform.ChatAccount(ctx, f.account); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("the platform's copy is still there: %v", err)
		}
		if _, err := f.platform.UnifiedAccount(ctx, f.account); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("the unified account record is still there: %v", err)
		}
	})
	t.Run("StepsInOrder", func(t *testing.T) {
		var want []string
		for _, s := range upgrade.RevertStepNames() {
			want = append(want, "do:"+s)
		}
		if !slices.Equal(f.events, want) {
			t.Fatalf("steps ran as %v, want %v", f.events, want)
		}
		for _, name := range upgrade.RevertStepNames() {
			i := slices.IndexFunc(u.Steps, func(s chatlift.Step) bool { return s.Name == name })
			if i < 0 || u.Steps[i].State != chatlift.StepDone {
				t.Fatalf("step %s not recorded done on the upgrade: %+v", name, u.Steps)
			}
		}
	})
	t.Run("HistoryVerified", func(t *testing.T) {
		if v := u.Revert.Verification; v == nil || !v.Passed || v.Mismatches() != 0 {
			t.Fatalf("verification %+v", v)
		}
		for table, rows := range changes.rows {
			legacy, err := f.legacy.RawRows(ctx, table, f.account, "", "", chatlift.MaxLimit)
			must(t, err)
			have := map[string][]byte{}
			for _, r := range legacy {
				have[r.Key] = r.Body
			}
			for _, r := range rows {
				if !bytes.Equal(have[r.Key], r.Body) {
					t.Errorf("%s %s: the legacy product lacks the platform's row", table, r.Key)
				}
			}
		}
		if _, err := f.legacy.Chat(ctx, f.account, "revert-new-chat"); err != nil {
			t.Fatalf("the chat made on the platform: %v", err)
		}
	})
	t.Run("SyncHeartbeats", func(t *testing.T) { // a long sync is seen alive by the activity's heartbeat timeout
		if n := watched.withProgress.Load(); n != 3 {
			t.Fatalf("%d of the sync's 3 passes reported progress", n)
		}
	})
	t.Run("Configuration", func(t *testing.T) {
		f.wantAgentsBack(t, changes)
		if _, err := f.legacy.Object(ctx, f.account, chatlift.KindDepartment, changes.newDept); err != nil {
			t.Fatalf("the department added on the platform: %v", err)
		}
		if _, err := f.legacy.Object(ctx, f.account, chatlift.KindShortcut, changes.gone); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("the shortcut deleted on the platform: %v", err)
		}
		integrations, err := f.legacy.Objects(ctx, f.account, chatlift.KindIntegration)
		must(t, err)
		if hashJSON(t, integrations) != hashJSON(t, integrationsBefore) {
			t.Fatal("integrations are not as they were before the upgrade disabled them")
		}
		client, err := f.legacy.OAuthClientByIdentifier(ctx, changes.client)
		if err != nil || client.SecretHash != "secret-hash-of-the-new-client" {
			t.Fatalf("the OAuth client made on the platform: %+v %v", client, err)
		}
	})
	t.Run("MergeAddedAgentsLeftOut", func(t *testing.T) {
		if len(changes.mergeAdded) == 0 {
			t.Fatal("seed index 0 should have support admins the merge gives chat access")
		}
		for _, id := range changes.mergeAdded {
			if a, err := f.legacy.Agent(ctx, f.account, id); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
				t.Fatalf("agent %d, added by the merge, is on the legacy product: %+v %v", id, a, err)
			}
		}
	})
	t.Run("PlatformTokensRefused", func(t *testing.T) {
		if tokenBefore != nil {
			t.Fatalf("the platform token before the revert: %v", tokenBefore)
		}
		if _, _, err := router.Token(ctx, changes.tokenHash); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("the platform token after the revert: %v", err)
		}
		tokens, err := f.legacy.OAuthTokens(ctx, f.account)
		must(t, err)
		for _, tok := range tokens {
			if tok.Active(f.env.Now()) {
				t.Fatalf("legacy token %d works again: agents must re-authorize", tok.ID)
			}
		}
	})
	t.Run("CustomerTold", func(t *testing.T) {
		if !slices.Contains(f.notes.keys, "upgrade_reverted") {
			t.Fatalf("notices %v", f.notes.keys)
		}
	})
	t.Run("UpgradedAgain", func(t *testing.T) {
		again := &chatlift.Upgrade{ID: "u2", AccountID: f.account, State: chatlift.UpgradeRequested, Attempt: 1, CreatedAt: f.env.Now()}
		must(t, f.platform.CreateUpgrade(ctx, again))
		f.newEnv(f.env.Now())
		f.env.RegisterDelayedCallback(func() { f.act(upgrade.ActionRunNow) }, time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, upgrade.Input{UpgradeID: "u2", AccountID: f.account, Attempt: 1})
		if err := f.env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		u2, err := f.platform.Upgrade(ctx, "u2")
		must(t, err)
		if u2.State != chatlift.UpgradeCompleted || u2.Verification == nil || !u2.Verification.Passed {
			t.Fatalf("second upgrade %s, verification %+v", u2.State, u2.Verification)
		}
		if _, err := f.platform.Chat(ctx, f.account, "revert-new-chat"); err != nil {
			t.Fatalf("the chat made during the first upgrade is not on the platform again: %v", err)
		}
		if unified, err := f.platform.UnifiedAccount(ctx, f.account); err != nil || unified.UpgradeID != "u2" || !unified.HistoryImported {
			t.Fatalf("unified account %+v %v", unified, err)
		}
	})
}

// TestRevertFailureUndone fails a revert before chat moves back: every
// step done is undone in reverse order, chat stays on the platform as it
// was served, the upgrade is completed again, and a second revert works.
func TestRevertFailureUndone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := revertable(t)
	var first, second *answer
	var legacyBefore string
	var stateAfterUndo string
	f.changeAfterImport(t, nil)
	f.env.RegisterDelayedCallback(func() {
		must(t, f.acts.Faults.Set(context.Background(), f.account, upgrade.StepRevertHistory, upgrade.FaultError))
		legacyBefore = f.legacyConfig(t)
		f.events = nil
		first = f.act(upgrade.ActionRevert)
	}, 2*24*time.Hour)
	f.env.RegisterDelayedCallback(func() {
		u := f.upgrade(t)
		stateAfterUndo = u.State
		if !strings.Contains(u.Error, "the revert failed and was undone") {
			t.Errorf("error after the undo: %q", u.Error)
		}
		legacy, err := f.legacy.ChatAccount(ctx, f.account)
		must(t, err)
		platform, err := f.platform.ChatAccount(ctx, f.account)
		must(t, err)
		if legacy.State != chatlift.ChatAccountUpgraded || platform.State != chatlift.ChatAccountActive {
			t.Errorf("after the undo: legacy %s, platform %s", legacy.State, platform.State)
		}
		if f.legacyConfig(t) != legacyBefore {
			t.Error("the legacy configuration is not as the revert found it")
		}
		want := []string{"do:" + upgrade.StepRevertCopyHistory, "do:" + upgrade.StepRevertFreeze, "do:" + upgrade.StepRevertConfiguration, "do:" + upgrade.StepRevertHistory,
			"undo:" + upgrade.StepRevertConversations, "undo:" + upgrade.StepRevertHistory, "undo:" + upgrade.StepRevertConfiguration, "undo:" + upgrade.StepRevertFreeze, "undo:" + upgrade.StepRevertCopyHistory}
		if !slices.Equal(f.events, want) {
			t.Errorf("steps %v, want %v", f.events, want)
		}
		second = f.act(upgrade.ActionRevert)
	}, 3*24*time.Hour)
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	first.wantYes(t, "the first revert (accepted; it fails later)")
	second.wantYes(t, "the second revert")
	if stateAfterUndo != chatlift.UpgradeCompleted {
		t.Fatalf("after the undo: %s", stateAfterUndo)
	}
	if u := f.upgrade(t); u.State != chatlift.UpgradeReverted || u.Revert.Verification == nil || !u.Revert.Verification.Passed {
		t.Fatalf("after the second revert: %s, %+v", u.State, u.Revert.Verification)
	}
}

// legacyConfig hashes the legacy configuration of the account: the
// account, agents with their passwords, objects, clients with secrets.
func (f *fixture) legacyConfig(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	a, err := f.legacy.ChatAccount(ctx, f.account)
	must(t, err)
	agents, err := f.legacy.Agents(ctx, f.account)
	must(t, err)
	parts := []any{a, agents}
	for _, ag := range agents {
		parts = append(parts, ag.PasswordHash)
	}
	for _, k := range chatlift.ObjectKinds {
		objs, err := f.legacy.Objects(ctx, f.account, k)
		must(t, err)
		parts = append(parts, objs)
	}
	clients, err := f.legacy.OAuthClients(ctx, f.account)
	must(t, err)
	for _, c := range clients {
		parts = append(parts, c, c.SecretHash)
	}
	b, err := json.Marshal(parts)
	must(t, err)
	return string(b)
}

// TestRevertRefused: revert and finish apply only in the revert window;
// finishing retires the legacy copy, after which nothing reverts it.
func TestRevertRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("ErrBeforeCompleted", func(t *testing.T) {
		t.Parallel()
		f := revertable(t)
		var revert, finish *answer
		f.env.RegisterDelayedCallback(func() { revert, finish = f.act(upgrade.ActionRevert), f.act(upgrade.ActionFinish) }, time.Minute)
		f.env.RegisterDelayedCallback(func() { f.act(upgrade.ActionFinish) }, 2*time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		revert.wantNo(t, "revert while waiting for the date", "applies only in its revert window")
		finish.wantNo(t, "finish while waiting for the date", "applies only in its revert window")
	})
	// Two actions at once: the first is carried out, the second refused.
	for name, tc := range map[string]struct{ first, second, reason string }{
		"ErrRevertAfterFinish": {upgrade.ActionFinish, upgrade.ActionRevert, "being finished"},
		"ErrFinishAfterRevert": {upgrade.ActionRevert, upgrade.ActionFinish, "being reverted"},
		"ErrRevertTwice":       {upgrade.ActionRevert, upgrade.ActionRevert, "being reverted"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := revertable(t)
			var first, second *answer
			f.env.RegisterDelayedCallback(func() { first, second = f.act(tc.first), f.act(tc.second) }, 2*time.Hour)
			f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
			first.wantYes(t, tc.first)
			second.wantNo(t, tc.second+" after "+tc.first, tc.reason)
			if tc.first == upgrade.ActionFinish {
				f.wantRetired(t, ctx)
			} else if u := f.upgrade(t); u.State != chatlift.UpgradeReverted {
				t.Fatalf("upgrade %s", u.State)
			}
		})
	}
	t.Run("WindowEnds", func(t *testing.T) {
		t.Parallel()
		f := revertable(t)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		if err := f.env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		u := f.wantRetired(t, ctx)
		if got := u.Revert.RetiredAt.Sub(*u.Revert.Until); got < 0 || got > time.Minute {
			t.Fatalf("retired at %v, window until %v", u.Revert.RetiredAt, u.Revert.Until)
		}
	})
	t.Run("NoWindow", func(t *testing.T) {
		t.Parallel()
		f := revertable(t)
		f.acts.RevertWindow = 0
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		if u := f.upgrade(t); u.State != chatlift.UpgradeCompleted || u.Revert.Until != nil || u.Revert.RetiredAt != nil {
			t.Fatalf("without a window: %s, %+v", u.State, u.Revert)
		}
		if n, _ := f.legacy.CountHistory(ctx, f.account); n.Total() == 0 {
			t.Fatal("without a window the legacy copy is kept, as before")
		}
	})
}

// wantRetired checks the upgrade's legacy copy is retired: the account's
// row stays, upgraded, and nothing else is left of it.
func (f *fixture) wantRetired(t *testing.T, ctx context.Context) *chatlift.Upgrade {
	t.Helper()
	u := f.upgrade(t)
	if u.State != chatlift.UpgradeCompleted || u.Revert.RetiredAt == nil || u.Revertible(f.env.Now()) {
		t.Fatalf("upgrade %s, retired at %v", u.State, u.Revert.RetiredAt)
	}
	legacy, err := f.legacy.ChatAccount(ctx, f.account)
	if err != nil || legacy.State != chatlift.ChatAccountUpgraded {
		t.Fatalf("legacy account %+v %v", legacy, err)
	}
	n, err := f.legacy.CountHistory(ctx, f.account)
	must(t, err)
	agents, err := f.legacy.Agents(ctx, f.account)
	must(t, err)
	if n.Total() != 0 || len(agents) != 0 {
		t.Fatalf("legacy copy left: history %+v, %d agents", n, len(agents))
	}
	if _, err := f.platform.ChatAccount(ctx, f.account); err != nil {
		t.Fatalf("the platform lost the account: %v", err)
	}
	return u
}

// watchedVerifier counts the verifications asked with a progress callback,
// through which the revert's activity heartbeats.
type watchedVerifier struct {
	upgrade.Verifier
	withProgress atomic.Int32
}

func (v *watchedVerifier) Verify(ctx context.Context, job chatlift.ImportJob, repair bool, progress func(chatlift.ImportProgress)) (*chatlift.Verification, error) {
	if progress != nil {
		v.withProgress.Add(1)
	}
	return v.Verifier.Verify(ctx, job, repair, progress)
}

// TestRevertWithoutMergeSnapshot reverts an upgrade switched before the
// merge kept its agents: the platform's agents are taken, but the legacy
// agents keep their roles.
func TestRevertWithoutMergeSnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := revertable(t)
	changes := f.changeAfterImport(t, func() {
		res, err := f.platform.SQL().ExecContext(ctx, "DELETE FROM upgrade_snapshots WHERE snapshot_key LIKE '%/merge_users/agents'")
		if err != nil {
			t.Error(err)
		} else if n, _ := res.RowsAffected(); n != 1 {
			t.Errorf("deleted %d merge snapshots of agents, want the one", n)
		}
	})
	f.runAndRevert(t)
	f.wantAgentsBack(t, changes)
}

// wantAgentsBack checks the agents on the legacy product after a revert:
// the owner renamed on the platform keeps the legacy role (the merge's
// mapping undone), and the agent added on the platform is there.
func (f *fixture) wantAgentsBack(t *testing.T, changes *platformChanges) {
	t.Helper()
	ctx := context.Background()
	owner, err := f.legacy.Agent(ctx, f.account, changes.owner.ID)
	must(t, err)
	if owner.DisplayName != changes.renamed || owner.Role != changes.owner.Role || owner.RoleID != changes.owner.RoleID {
		t.Fatalf("owner %q %s/%d: want the platform's name and the legacy role %s/%d", owner.DisplayName, owner.Role, owner.RoleID, changes.owner.Role, changes.owner.RoleID)
	}
	if _, err := f.legacy.Agent(ctx, f.account, changes.newAgent); err != nil {
		t.Fatalf("the agent added on the platform: %v", err)
	}
}

// TestStuckRevertNeedsAttention: a revert whose switch back keeps failing
// keeps chat frozen; the upgrade is flagged as needing attention within a
// minute while it retries and is undone, and the flag clears once chat is
// served again.
func TestStuckRevertNeedsAttention(t *testing.T) {
	t.Parallel()
	f := revertable(t)
	stuck := &stuckLegacy{ChatStore: f.legacy, platform: f.platform, now: f.env.Now}
	f.acts.Legacy = revertLegacy{stuck, f.legacy}
	f.acts.OnStep = func(_, step, phase string) {
		if step == upgrade.StepRevertSwitchBack && phase == "do" {
			stuck.start()
		}
	}
	f.runAndRevert(t)
	if stuck.flagged == nil {
		t.Fatalf("never flagged while chat stayed frozen (%d failures)", stuck.failures)
	}
	if a := stuck.flagged.Attention; a == nil || !strings.Contains(a.Reason, "revert") || a.Since.Sub(stuck.since) > time.Minute {
		t.Fatalf("attention %+v; the switch back first failed at %v", a, stuck.since)
	}
	u := f.upgrade(t)
	if u.Attention != nil || u.State != chatlift.UpgradeCompleted || !strings.Contains(u.Error, "undone") {
		t.Fatalf("after the undo: attention %+v, state %s, error %q", u.Attention, u.State, u.Error)
	}
}

// revertLegacy is a legacy store whose chat-state changes can be made to
// fail, with what a revert asks beyond chatlift.ChatStore.
type revertLegacy struct {
	*stuckLegacy
	copy upgrade.LegacyCopy
}

func (l revertLegacy) DeleteAgents(ctx context.Context, accountID int64, ids []int64) error {
	return l.copy.DeleteAgents(ctx, accountID, ids)
}

func (l revertLegacy) RetireChatAccount(ctx context.Context, accountID int64) error {
	return l.copy.RetireChatAccount(ctx, accountID)
}

// runAndRevert runs the upgrade and reverts it two days after it started:
// the revert must be accepted.
func (f *fixture) runAndRevert(t *testing.T) {
	t.Helper()
	var revert *answer
	f.env.RegisterDelayedCallback(func() { revert = f.act(upgrade.ActionRevert) }, 2*24*time.Hour)
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if revert == nil {
		t.Fatalf("the workflow ended before the revert: %v", f.env.GetWorkflowError())
	}
	revert.wantYes(t, "revert")
}
