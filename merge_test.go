package chatlift_test

import (
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestPlanMerge(t *testing.T) {
	t.Parallel()
	admin := chatlift.RoleTypeAdmin
	users := []*chatlift.User{
		{ID: 1, Email: "boss@acme.test", Name: "Boss", Role: chatlift.UserRoleAdmin, RoleType: &admin, Owner: true, Active: true},
		{ID: 2, Email: "ann.lee@acme.test", Name: "Ann", Role: chatlift.UserRoleAgent, Active: true},
		{ID: 3, Email: "bo@acme.test", Name: "Bo", Role: chatlift.UserRoleAgent, Active: true},
		{ID: 4, Email: "sue@acme.test", Name: "Sue", Role: chatlift.UserRoleAdmin, Active: true},
		{ID: 5, Email: "gone@acme.test", Name: "Gone", Role: chatlift.UserRoleAgent, Active: false},
	}
	agents := []*chatlift.Agent{
		{ID: 1, Email: "chatowner@acme.test", Role: chatlift.ChatRoleOwner},
		{ID: 2, Email: "Ann.Lee@ACME.test", Role: chatlift.ChatRoleAgent},
		{ID: 3, Email: "bo@acme.test", Role: chatlift.ChatRoleAdmin},
		{ID: 4, Email: "cara@acme.test", Role: "Night shift"},
	}
	plan := chatlift.PlanMerge("chatowner@acme.test", agents, users)
	byEmail := map[string]chatlift.MergeEntry{}
	for _, e := range plan.Entries {
		byEmail[chatlift.NormalizeEmail(e.Email)] = e
	}
	for _, tc := range []struct {
		email, action, role, chatRole string
		chatOnly                      bool
	}{
		{"chatowner@acme.test", chatlift.MergeCreate, chatlift.UserRoleAdmin, chatlift.ChatRoleAdmin, false}, // chat owner → chat admin, admin in both
		{"ann.lee@acme.test", chatlift.MergeMatch, chatlift.UserRoleAgent, chatlift.ChatRoleAgent, false},    // case-insensitive match
		{"bo@acme.test", chatlift.MergeMatch, chatlift.UserRoleAdmin, chatlift.ChatRoleAdmin, false},         // chat admin promoted in support
		{"cara@acme.test", chatlift.MergeCreate, chatlift.UserRoleAgent, "Night shift", true},                // chat-only, custom role kept
		{"boss@acme.test", chatlift.MergeGrant, chatlift.UserRoleAdmin, chatlift.ChatRoleAdmin, false},       // support owner gets chat access
		{"sue@acme.test", chatlift.MergeGrant, chatlift.UserRoleAdmin, chatlift.ChatRoleAdmin, false},        // support admin gets chat admin
		{"gone@acme.test", chatlift.MergeKeep, chatlift.UserRoleAgent, "", false},
	} {
		e, ok := byEmail[tc.email]
		if !ok || e.Action != tc.action || e.Role != tc.role || e.ChatRole != tc.chatRole || e.ChatOnly != tc.chatOnly {
			t.Errorf("%s: %+v, want action %s role %s chat role %q chat-only %v", tc.email, e, tc.action, tc.role, tc.chatRole, tc.chatOnly)
		}
	}
	if len(plan.Blocked()) != 0 {
		t.Fatalf("blocked: %+v", plan.Blocked())
	}

	t.Run("Apply", func(t *testing.T) {
		next := int64(100)
		out := plan.Apply(9, users, func() int64 { next++; return next }, time.Unix(0, 0))
		if len(out) != 6 { // 4 agents + 2 granted admins; the suspended user is left alone
			t.Fatalf("%d users after merge", len(out))
		}
		if users[1].ChatRole != "" {
			t.Fatal("Apply changed its input")
		}
		for _, u := range out {
			if err := u.Validate(); err != nil {
				t.Fatalf("merged user %+v: %v", u, err)
			}
		}
	})
	t.Run("Blocked", func(t *testing.T) {
		dup := append(agents, &chatlift.Agent{ID: 9, Email: "ANN.LEE@acme.test", Role: chatlift.ChatRoleAgent},
			&chatlift.Agent{ID: 10, Email: "gone@acme.test", Role: chatlift.ChatRoleAgent})
		blocked := chatlift.PlanMerge("chatowner@acme.test", dup, users).Blocked()
		if len(blocked) != 2 || blocked[0].ChatAgentID != 9 || blocked[1].ChatAgentID != 10 {
			t.Fatalf("blocked = %+v", blocked)
		}
	})
}
