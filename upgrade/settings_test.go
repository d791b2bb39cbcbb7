package upgrade_test

import (
	"context"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

func TestEnableAccountAssumption(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t, 0)
	s := upgrade.Settings{Legacy: f.legacy}
	acct, err := f.legacy.ChatAccount(ctx, f.account)
	must(t, err)
	acct.AccountAssumption = false
	must(t, f.legacy.PutChatAccount(ctx, acct))
	t.Run("OK", func(t *testing.T) {
		must(t, s.EnableAccountAssumption(ctx, f.account))
		must(t, s.EnableAccountAssumption(ctx, f.account)) // again: no change, no error
		got, err := f.legacy.ChatAccount(ctx, f.account)
		must(t, err)
		if !got.AccountAssumption {
			t.Fatal("account assumption still off")
		}
	})
	t.Run("ErrFrozen", func(t *testing.T) {
		acct, err := f.legacy.ChatAccount(ctx, f.account)
		must(t, err)
		acct.AccountAssumption = false
		must(t, f.legacy.PutChatAccount(ctx, acct))
		_, err = f.legacy.SetChatAccountState(ctx, f.account, chatlift.ChatAccountMaintenance)
		must(t, err)
		if err := s.EnableAccountAssumption(ctx, f.account); chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE {
			t.Fatalf("on a frozen account: %v", err)
		}
		got, err := f.legacy.ChatAccount(ctx, f.account)
		must(t, err)
		if got.AccountAssumption {
			t.Fatal("changed a frozen account")
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if err := s.EnableAccountAssumption(ctx, 999999); chatlift.ErrorCode(err) == "" {
			t.Fatal("no error for an unknown account")
		}
	})
}

// TestMergeChoicesHonoured: the merge step applies the account's choices:
// a chat-only agent chosen not to be merged gets no support login, and an
// agent chosen to become another support user than its email's becomes it.
func TestMergeChoicesHonoured(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t, 0)
	agents, err := f.legacy.Agents(ctx, f.account)
	must(t, err)
	users, err := f.platform.Users(ctx, f.account)
	must(t, err)
	chat, err := f.legacy.ChatAccount(ctx, f.account)
	must(t, err)
	plan := chatlift.PlanMerge(chat.OwnerEmail, agents, users)
	var created, moved int64
	for _, e := range plan.Entries {
		switch {
		case e.Action == chatlift.MergeCreate:
			created = e.ChatAgentID
		case e.Action == chatlift.MergeMatch && !e.Owner:
			moved = e.ChatAgentID
		}
	}
	var spare *chatlift.User // a support agent no chat agent matches
	for _, e := range plan.Entries {
		if e.Action == chatlift.MergeKeep && e.Role == chatlift.UserRoleAgent {
			spare, err = f.platform.User(ctx, f.account, e.UserID)
			must(t, err)
			if spare.Active {
				break
			}
			spare = nil
		}
	}
	if created == 0 || moved == 0 || spare == nil {
		t.Fatalf("the seeded account lacks a chat-only agent, a matched agent or a spare support agent: %+v", plan.Entries)
	}
	skipped, err := f.legacy.Agent(ctx, f.account, created)
	must(t, err)
	must(t, f.platform.PutMergeChoices(ctx, f.account, []chatlift.MergeChoice{{ChatAgentID: created, Skip: true},
		{ChatAgentID: moved, UserID: spare.ID}}))
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if u := f.upgrade(t); u.State != chatlift.UpgradeCompleted {
		t.Fatalf("upgrade %s: %s", u.State, u.Error)
	}
	after, err := f.platform.Users(ctx, f.account)
	must(t, err)
	for _, u := range after {
		if chatlift.NormalizeEmail(u.Email) == chatlift.NormalizeEmail(skipped.Email) {
			t.Fatalf("the agent chosen not to be merged got support user %d", u.ID)
		}
		if u.ID == spare.ID && u.ChatRole == "" {
			t.Fatalf("support user %d, chosen for chat agent %d, got no chat access", u.ID, moved)
		}
	}
}

func TestChooseMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t, 0)
	s := upgrade.Settings{Legacy: f.legacy, Platform: f.platform}
	users, err := f.platform.Users(ctx, f.account)
	must(t, err)
	var agentUser, endUser int64
	for _, u := range users {
		switch {
		case u.Role == chatlift.UserRoleAgent && u.Active:
			agentUser = u.ID
		case u.Role == chatlift.UserRoleEndUser:
			endUser = u.ID
		}
	}
	choices := func() []chatlift.MergeChoice {
		got, err := f.platform.MergeChoices(ctx, f.account)
		must(t, err)
		return got
	}
	t.Run("OK", func(t *testing.T) {
		must(t, s.ChooseMerge(ctx, f.account, chatlift.MergeChoice{ChatAgentID: 2, Skip: true}))
		must(t, s.ChooseMerge(ctx, f.account, chatlift.MergeChoice{ChatAgentID: 3, UserID: agentUser}))
		must(t, s.ChooseMerge(ctx, f.account, chatlift.MergeChoice{ChatAgentID: 2, UserID: agentUser}))
		if got := choices(); len(got) != 2 || got[1] != (chatlift.MergeChoice{ChatAgentID: 2, UserID: agentUser}) {
			t.Fatalf("choices %+v", got)
		}
		must(t, s.ChooseMerge(ctx, f.account, chatlift.MergeChoice{ChatAgentID: 2})) // back to as proposed
		if got := choices(); len(got) != 1 || got[0].ChatAgentID != 3 {
			t.Fatalf("choices %+v", got)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for name, c := range map[string]chatlift.MergeChoice{
			"unknown agent": {ChatAgentID: 999, Skip: true},
			"unknown user":  {ChatAgentID: 2, UserID: 999},
			"end user":      {ChatAgentID: 2, UserID: endUser},
			"both":          {ChatAgentID: 2, UserID: agentUser, Skip: true},
		} {
			if endUser == 0 && name == "end user" {
				continue
			}
			if err := s.ChooseMerge(ctx, f.account, c); chatlift.ErrorCode(err) != chatlift.EINVALID && chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
	t.Run("ErrFrozen", func(t *testing.T) {
		_, err := f.legacy.SetChatAccountState(ctx, f.account, chatlift.ChatAccountMaintenance)
		must(t, err)
		before := choices()
		err = s.ChooseMerge(ctx, f.account, chatlift.MergeChoice{ChatAgentID: 2, Skip: true})
		if chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE {
			t.Fatalf("on a frozen account: %v", err)
		}
		if len(choices()) != len(before) {
			t.Fatal("changed the choices of a frozen account")
		}
	})
}

// freezingLegacy freezes the account for its cutover when the agent is
// looked up outside the account's write: a freeze that comes between a
// choice's checks and its write.
type freezingLegacy struct {
	chatlift.ChatStore
	froze bool
}

func (l *freezingLegacy) Agent(ctx context.Context, accountID, id int64) (*chatlift.Agent, error) {
	if !l.froze {
		l.froze = true
		if _, err := l.ChatStore.SetChatAccountState(ctx, accountID, chatlift.ChatAccountMaintenance); err != nil {
			return nil, err
		}
	}
	return l.ChatStore.Agent(ctx, accountID, id)
}

// TestChooseMergeAgainstAFreeze: a choice is stored wholly before the
// cutover's freeze or not at all; never once the merge may have read the
// choices.
func TestChooseMergeAgainstAFreeze(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t, 0)
	s := upgrade.Settings{Legacy: &freezingLegacy{ChatStore: f.legacy}, Platform: f.platform}
	err := s.ChooseMerge(ctx, f.account, chatlift.MergeChoice{ChatAgentID: 2, Skip: true})
	acct, aerr := f.legacy.ChatAccount(ctx, f.account)
	must(t, aerr)
	choices, cerr := f.platform.MergeChoices(ctx, f.account)
	must(t, cerr)
	if acct.State != chatlift.ChatAccountActive && len(choices) != 0 {
		t.Fatalf("a choice was stored after the freeze (ChooseMerge answered %v)", err)
	}
	if err == nil && len(choices) != 1 {
		t.Fatalf("ChooseMerge answered yes and stored %+v", choices)
	}
}
