package chatlift

import (
	"fmt"
	"sort"
	"time"
)

// Merge actions: what happens to a person in the unified account.
const (
	MergeMatch   = "match"   // a chat agent and a support user with the same email become one login
	MergeCreate  = "create"  // a chat-only agent becomes a new support user with chat access
	MergeGrant   = "grant"   // a support user without chat gets chat access (admins, the owner)
	MergeKeep    = "keep"    // a support user the upgrade leaves as it is
	MergeBlocked = "blocked" // cannot be merged as it is; blocks the upgrade
	MergeSkip    = "skip"    // a chat agent the account chose not to merge: it gets no support login
)

// MergeChoice is an account admin's change to the proposed merge of one
// chat agent: to become the support user UserID whatever its email, or,
// with Skip, not to be merged at all.
type MergeChoice struct {
	ChatAgentID int64 `json:"chat_agent_id"`
	UserID      int64 `json:"user_id,omitempty"`
	Skip        bool  `json:"skip,omitempty"`
}

// Validate reports the first problem with c.
func (c *MergeChoice) Validate() error {
	switch {
	case c.ChatAgentID <= 0:
		return Errorf(EINVALID, "merge choice needs a chat agent")
	case c.Skip == (c.UserID != 0):
		return Errorf(EINVALID, "merge choice for chat agent %d: choose a support user or not to merge, one of them", c.ChatAgentID)
	}
	return nil
}

// MergeEntry is one person in the merge plan: who becomes whom.
type MergeEntry struct {
	Action      string `json:"action"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	ChatAgentID int64  `json:"chat_agent_id,omitempty"`
	UserID      int64  `json:"user_id,omitempty"` // 0 when the user is new
	ChatRole    string `json:"chat_role"`         // chat role in the unified account, "" for none
	Role        string `json:"role"`              // support role in the unified account
	RoleType    *int   `json:"role_type"`
	ChatOnly    bool   `json:"chat_only"`
	Owner       bool   `json:"owner"`
	Note        string `json:"note,omitempty"`
}

// MergePlan is how a chat account's agents and a support account's users
// become the unified account's users.
type MergePlan struct {
	Entries []MergeEntry `json:"entries"`
}

// MergeReview is what the account reviews of its merge plan: the plan as it
// is now with the account's choices, every chat agent, and the support
// users an agent may be chosen to become (active agents and admins).
type MergeReview struct {
	Plan    *MergePlan
	Agents  []*Agent
	Users   []*User
	Choices map[int64]MergeChoice // by chat agent
}

// Blocked returns the entries that stop the upgrade.
func (p *MergePlan) Blocked() []MergeEntry {
	var out []MergeEntry
	for _, e := range p.Entries {
		if e.Action == MergeBlocked {
			out = append(out, e)
		}
	}
	return out
}

// PlanMerge decides, for every chat agent and support user, what they become:
//   - agents and users are matched by email without regard to case;
//   - the support owner owns the unified account and gets chat access;
//   - the chat owner becomes a chat administrator;
//   - an admin is admin in both products: chat admins become support admins
//     and support admins become chat administrators;
//   - chat-only agents become support users with a contributor-like,
//     chat-only role.
//
// The account's choices change that for the agents they name: one becomes
// the support user chosen, whatever its email, or is not merged (MergeSkip).
// Two chat agents with one email, two agents becoming one user, a chosen
// user that does not exist, or an agent matching a suspended user block the
// upgrade until resolved.
func PlanMerge(chatOwner string, agents []*Agent, users []*User, choices ...MergeChoice) *MergePlan {
	byEmail, byID := map[string]*User{}, map[int64]*User{}
	for _, u := range users {
		byEmail[NormalizeEmail(u.Email)], byID[u.ID] = u, u
	}
	chosen := map[int64]MergeChoice{}
	matched := map[int64]int64{} // support user → the chat agent it becomes
	for _, c := range choices {
		chosen[c.ChatAgentID] = c
		if c.UserID != 0 && !c.Skip {
			matched[c.UserID] = c.ChatAgentID
		}
	}
	seen := map[string]int64{}
	plan := &MergePlan{}
	for _, a := range sortedAgents(agents) {
		key := NormalizeEmail(a.Email)
		c, ok := chosen[a.ID]
		if ok && c.Skip {
			plan.Entries = append(plan.Entries, MergeEntry{Action: MergeSkip, Email: a.Email, Name: a.DisplayName, ChatAgentID: a.ID,
				Note: "not merged, as the account chose: gets no support login"})
			continue
		}
		u := byEmail[key]
		if ok {
			u = byID[c.UserID]
		}
		note := mergeConflict(a, c, ok, u, matched)
		if first, dup := seen[key]; dup && !ok {
			note = fmt.Sprintf("chat agents %d and %d share the email %s; change one of them", first, a.ID, a.Email)
		}
		if note != "" {
			plan.Entries = append(plan.Entries, MergeEntry{Action: MergeBlocked, Email: a.Email, Name: a.DisplayName, ChatAgentID: a.ID, Note: note})
			continue
		}
		seen[key] = a.ID
		plan.Entries = append(plan.Entries, mergeAgent(a, u, NormalizeEmail(chatOwner) == key))
		if u != nil {
			matched[u.ID] = a.ID
		}
	}
	for _, u := range users {
		if matched[u.ID] == 0 {
			plan.Entries = append(plan.Entries, keepUser(u))
		}
	}
	return plan
}

// mergeConflict says why agent a cannot become u ("" if it can): a chosen
// user that does not exist, or a user another agent already becomes.
func mergeConflict(a *Agent, c MergeChoice, chosen bool, u *User, matched map[int64]int64) string {
	switch {
	case chosen && u == nil:
		return fmt.Sprintf("chat agent %d was chosen to become support user %d, which does not exist; choose again", a.ID, c.UserID)
	case u != nil && matched[u.ID] != 0 && matched[u.ID] != a.ID:
		return fmt.Sprintf("chat agents %d and %d would both become support user %s; choose another for one of them", matched[u.ID], a.ID, u.Email)
	}
	return ""
}

func sortedAgents(agents []*Agent) []*Agent {
	out := append([]*Agent(nil), agents...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// mergeAgent plans one chat agent, matched to the support user u (or nil).
func mergeAgent(a *Agent, u *User, isChatOwner bool) MergeEntry {
	chatRole := a.Role
	if isChatOwner || a.Role == ChatRoleOwner {
		chatRole = ChatRoleAdmin
	}
	e := MergeEntry{Email: a.Email, Name: a.DisplayName, ChatAgentID: a.ID, ChatRole: chatRole}
	if u == nil {
		e.Action, e.Role = MergeCreate, UserRoleAgent
		if chatRole == ChatRoleAdmin {
			e.Role, e.RoleType = UserRoleAdmin, intPtr(RoleTypeAdmin)
			e.Note = "chat administrator: becomes a support admin too"
		} else {
			e.ChatOnly, e.RoleType = true, intPtr(RoleTypeContributor)
		}
		return e
	}
	e.Action, e.UserID, e.Email, e.Name, e.Owner = MergeMatch, u.ID, u.Email, u.Name, u.Owner
	e.Role, e.RoleType, e.ChatOnly = u.Role, u.RoleType, u.ChatOnly
	switch {
	case !u.Active:
		e.Action, e.Note = MergeBlocked, fmt.Sprintf("support user %d with this email is suspended; reactivate it or change the agent's email", u.ID)
	case u.Role == UserRoleAdmin:
		e.ChatRole = ChatRoleAdmin
		if chatRole != ChatRoleAdmin {
			e.Note = "support admin: becomes a chat administrator too"
		}
	case chatRole == ChatRoleAdmin:
		e.Role, e.RoleType = UserRoleAdmin, intPtr(RoleTypeAdmin)
		e.Note = "chat administrator: becomes a support admin too"
	case u.Role == UserRoleEndUser:
		e.Role, e.ChatOnly, e.RoleType = UserRoleAgent, true, intPtr(RoleTypeContributor)
		e.Note = "end user with the agent's email: becomes a chat-only agent"
	}
	if u.Owner {
		e.ChatRole = ChatRoleAdmin
	}
	return e
}

// keepUser plans a support user no chat agent matched.
func keepUser(u *User) MergeEntry {
	e := MergeEntry{Action: MergeKeep, Email: u.Email, Name: u.Name, UserID: u.ID, Role: u.Role, RoleType: u.RoleType,
		ChatOnly: u.ChatOnly, Owner: u.Owner, ChatRole: u.ChatRole}
	if u.Role == UserRoleAdmin && u.Active {
		e.Action, e.ChatRole = MergeGrant, ChatRoleAdmin
		e.Note = "support admin: gets chat administrator access"
		if u.Owner {
			e.Note = "support owner: owns the unified account and gets chat access to manage chat apps"
		}
	}
	return e
}

func intPtr(n int) *int { return &n }

// Apply returns the unified account's users: existing users updated as the
// plan says and new ones for chat-only agents, numbered from nextID. It does
// not change users.
func (p *MergePlan) Apply(accountID int64, users []*User, nextID func() int64, now time.Time) []*User {
	byID := map[int64]*User{}
	for _, u := range users {
		c := *u
		byID[u.ID] = &c
	}
	var out []*User
	for _, e := range p.Entries {
		switch e.Action {
		case MergeMatch, MergeGrant:
			u := byID[e.UserID]
			u.Role, u.RoleType, u.ChatOnly, u.ChatRole = e.Role, e.RoleType, e.ChatOnly, e.ChatRole
			out = append(out, u)
		case MergeCreate:
			u := User{CreatedAt: now}
			u.ID, u.AccountID, u.Email, u.Name, u.Role, u.RoleType = nextID(), accountID, e.Email, e.Name, e.Role, e.RoleType
			u.ChatOnly, u.ChatRole, u.Active = e.ChatOnly, e.ChatRole, true
			if u.Name == "" {
				u.Name = e.Email
			}
			out = append(out, &u)
		}
	}
	return out
}
