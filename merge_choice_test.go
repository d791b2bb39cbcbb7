package chatlift_test

import (
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestPlanMergeChoices(t *testing.T) {
	t.Parallel()
	users := []*chatlift.User{
		{ID: 1, Email: "boss@acme.test", Role: chatlift.UserRoleAdmin, Owner: true, Active: true},
		{ID: 2, Email: "john.doe@acme.test", Name: "John", Role: chatlift.UserRoleAgent, Active: true},
		{ID: 3, Email: "pat@acme.test", Name: "Pat", Role: chatlift.UserRoleAgent, Active: true},
	}
	agents := []*chatlift.Agent{
		{ID: 1, Email: "boss@acme.test", Role: chatlift.ChatRoleOwner},
		{ID: 2, Email: "jdoe@old.test", Role: chatlift.ChatRoleAgent},
		{ID: 3, Email: "pat@acme.test", Role: chatlift.ChatRoleAgent}, // another Pat
	}
	entry := func(plan *chatlift.MergePlan, agentID int64) chatlift.MergeEntry {
		for _, e := range plan.Entries {
			if e.ChatAgentID == agentID {
				return e
			}
		}
		t.Fatalf("no entry for agent %d", agentID)
		return chatlift.MergeEntry{}
	}
	t.Run("AsProposed", func(t *testing.T) {
		plan := chatlift.PlanMerge("boss@acme.test", agents, users)
		if e := entry(plan, 2); e.Action != chatlift.MergeCreate {
			t.Fatalf("jdoe: %+v", e)
		}
		if e := entry(plan, 3); e.Action != chatlift.MergeMatch || e.UserID != 3 {
			t.Fatalf("pat: %+v", e)
		}
	})
	t.Run("WhoBecomesWhomAndSkip", func(t *testing.T) {
		plan := chatlift.PlanMerge("boss@acme.test", agents, users,
			chatlift.MergeChoice{ChatAgentID: 2, UserID: 2}, chatlift.MergeChoice{ChatAgentID: 3, Skip: true})
		if e := entry(plan, 2); e.Action != chatlift.MergeMatch || e.UserID != 2 || e.Email != "john.doe@acme.test" {
			t.Fatalf("jdoe chosen to become John: %+v", e)
		}
		if e := entry(plan, 3); e.Action != chatlift.MergeSkip || e.ChatRole != "" {
			t.Fatalf("pat not merged: %+v", e)
		}
		for _, e := range plan.Entries {
			if e.UserID == 3 && e.Action != chatlift.MergeKeep {
				t.Fatalf("the support Pat: %+v, want kept as is", e)
			}
		}
		if len(plan.Blocked()) != 0 {
			t.Fatalf("blocked: %+v", plan.Blocked())
		}
		merged := plan.Apply(9, users, func() int64 { return 100 }, time.Unix(0, 0))
		if len(merged) != 2 { // the owner granted, John matched; nobody created
			t.Fatalf("%d users after the merge: %+v", len(merged), merged)
		}
	})
	t.Run("ErrTwoBecomeOne", func(t *testing.T) {
		plan := chatlift.PlanMerge("boss@acme.test", agents, users, chatlift.MergeChoice{ChatAgentID: 2, UserID: 3})
		if e := entry(plan, 3); e.Action != chatlift.MergeBlocked {
			t.Fatalf("pat, whose user agent 2 becomes: %+v", e)
		}
	})
	t.Run("ErrNoSuchUser", func(t *testing.T) {
		plan := chatlift.PlanMerge("boss@acme.test", agents, users, chatlift.MergeChoice{ChatAgentID: 2, UserID: 99})
		if e := entry(plan, 2); e.Action != chatlift.MergeBlocked {
			t.Fatalf("jdoe chosen to become no one: %+v", e)
		}
	})
	t.Run("Validate", func(t *testing.T) {
		for _, c := range []chatlift.MergeChoice{{}, {ChatAgentID: 1}, {ChatAgentID: 1, UserID: 2, Skip: true}} {
			if chatlift.ErrorCode(c.Validate()) != chatlift.EINVALID {
				t.Errorf("%+v is valid", c)
			}
		}
		for _, c := range []chatlift.MergeChoice{{ChatAgentID: 1, UserID: 2}, {ChatAgentID: 1, Skip: true}} {
			if err := c.Validate(); err != nil {
				t.Errorf("%+v: %v", c, err)
			}
		}
	})
}
