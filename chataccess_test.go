package chatlift_test

import (
	"testing"

	"github.com/chatlift/chatlift"
)

func agentWith(id int64, role string, change ...func(*chatlift.Agent)) *chatlift.Agent {
	a := &chatlift.Agent{ID: id, Email: "a" + string(rune('0'+id)) + "@acme.test", DisplayName: "A", Role: role, RoleID: 3,
		Enabled: true, Departments: []int64{1}, Skills: []int64{}}
	for _, c := range change {
		c(a)
	}
	return a
}

func TestCanChangeAgent(t *testing.T) {
	t.Parallel()
	owner, admin := agentWith(1, chatlift.ChatRoleOwner), agentWith(2, chatlift.ChatRoleAdmin)
	agent, lead := agentWith(3, chatlift.ChatRoleAgent), agentWith(4, "Team Lead")
	disabledAdmin := agentWith(5, chatlift.ChatRoleAdmin, func(a *chatlift.Agent) { a.Enabled = false })
	edit := func(a *chatlift.Agent, change func(*chatlift.Agent)) *chatlift.Agent {
		b := *a
		b.Departments = append([]int64{}, a.Departments...)
		change(&b)
		return &b
	}
	rename := func(a *chatlift.Agent) { a.DisplayName, a.FirstName, a.LastName = "New", "N", "W" }
	promote := func(a *chatlift.Agent) { a.Role, a.RoleID = chatlift.ChatRoleAdmin, 2 }
	disable := func(a *chatlift.Agent) { a.Enabled = false }
	for _, tc := range []struct {
		name                 string
		actor, before, after *chatlift.Agent
		ok                   bool
	}{
		{"OwnerCreatesAgent", owner, nil, agentWith(9, chatlift.ChatRoleAgent), true},
		{"AdminCreatesAdmin", admin, nil, agentWith(9, chatlift.ChatRoleAdmin), true},
		{"AgentRenamesSelf", agent, agent, edit(agent, rename), true},
		{"CustomRoleRenamesSelf", lead, lead, edit(lead, rename), true},
		{"AdminPromotesAgent", admin, agent, edit(agent, promote), true},
		{"AdminDemotesAdmin", admin, admin, edit(admin, func(a *chatlift.Agent) { a.Role = chatlift.ChatRoleAgent }), true},
		{"AdminDisablesAgent", admin, agent, edit(agent, disable), true},
		{"OwnerRenamesSelf", owner, owner, edit(owner, rename), true},
		{"ErrForbidden/AgentCreates", agent, nil, agentWith(9, chatlift.ChatRoleAgent), false},
		{"ErrForbidden/AgentPromotesSelf", agent, agent, edit(agent, promote), false},
		{"ErrForbidden/CustomRolePromotesSelf", lead, lead, edit(lead, promote), false},
		{"ErrForbidden/AgentChangesOwnEmail", agent, agent, edit(agent, func(a *chatlift.Agent) { a.Email = "boss@acme.test" }), false},
		{"ErrForbidden/AgentChangesOwnRoleID", agent, agent, edit(agent, func(a *chatlift.Agent) { a.RoleID = 2 }), false},
		{"ErrForbidden/AgentJoinsDepartment", agent, agent, edit(agent, func(a *chatlift.Agent) { a.Departments = []int64{1, 2} }), false},
		{"ErrForbidden/AgentRenamesOther", agent, lead, edit(lead, rename), false},
		{"ErrForbidden/AgentDisablesOwner", agent, owner, edit(owner, disable), false},
		{"ErrForbidden/AdminDisablesOwner", admin, owner, edit(owner, disable), false},
		{"ErrForbidden/OwnerDisablesSelf", owner, owner, edit(owner, disable), false},
		{"ErrForbidden/AdminDemotesOwner", admin, owner, edit(owner, promote), false},
		{"ErrForbidden/OwnerDemotesSelf", owner, owner, edit(owner, promote), false},
		{"ErrForbidden/AdminRenamesOwner", admin, owner, edit(owner, rename), false},
		{"ErrForbidden/OwnerGivesOwnerRole", owner, admin, edit(admin, func(a *chatlift.Agent) { a.Role = chatlift.ChatRoleOwner }), false},
		{"ErrForbidden/AdminCreatesOwner", admin, nil, agentWith(9, chatlift.ChatRoleOwner), false},
		{"ErrForbidden/DisabledAdmin", disabledAdmin, agent, edit(agent, promote), false},
		{"ErrForbidden/NoActor", nil, agent, edit(agent, rename), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := chatlift.CanChangeAgent(tc.actor, tc.before, tc.after)
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok && chatlift.ErrorCode(err) != chatlift.EFORBIDDEN {
				t.Fatalf("got %v, want forbidden", err)
			}
		})
	}
}

func TestCanChat(t *testing.T) {
	t.Parallel()
	roles := []string{chatlift.ChatRoleOwner, chatlift.ChatRoleAdmin, chatlift.ChatRoleAgent, "Team Lead"}
	for _, tc := range []struct {
		action chatlift.ChatAction
		allows []bool // per role above
	}{
		{chatlift.ChatRead, []bool{true, true, true, true}},
		{chatlift.ChatConverse, []bool{true, true, true, true}},
		{chatlift.ChatConfigure, []bool{true, true, false, false}},
		{chatlift.ChatManageOAuth, []bool{true, true, false, false}},
		{"unknown", []bool{false, false, false, false}},
	} {
		for i, role := range roles {
			t.Run(string(tc.action)+"/"+role, func(t *testing.T) {
				err := chatlift.CanChat(agentWith(1, role), tc.action)
				if tc.allows[i] != (err == nil) || err != nil && chatlift.ErrorCode(err) != chatlift.EFORBIDDEN {
					t.Fatalf("CanChat = %v, want allowed %v", err, tc.allows[i])
				}
			})
		}
	}
	t.Run("ErrForbidden/Disabled", func(t *testing.T) {
		if err := chatlift.CanChat(agentWith(2, chatlift.ChatRoleAdmin, func(a *chatlift.Agent) { a.Enabled = false }), chatlift.ChatRead); chatlift.ErrorCode(err) != chatlift.EFORBIDDEN {
			t.Fatalf("disabled admin: %v", err)
		}
	})
}
