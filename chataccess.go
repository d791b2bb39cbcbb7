package chatlift

import "slices"

// ChatAction is what a caller of the chat API does, as far as its role
// decides whether it may: docs/authorization.md has the whole table.
type ChatAction string

// The actions of the chat API that roles allow or refuse. Changing agents
// has its own rule, CanChangeAgent.
const (
	// ChatRead is every read of the account's chat data and settings.
	ChatRead ChatAction = "read"
	// ChatConverse is taking part in chats: offline messages and messages
	// in live chats.
	ChatConverse ChatAction = "converse"
	// ChatConfigure is writing the account's settings: departments, skills,
	// triggers, shortcuts, bans, goals, roles and routing settings.
	ChatConfigure ChatAction = "configure"
	// ChatManageOAuth is seeing and changing OAuth clients and tokens,
	// which give access to all of the account.
	ChatManageOAuth ChatAction = "manage_oauth"
)

// CanChat is nil if actor may do action, else an EFORBIDDEN *Error. Every
// enabled agent reads and converses; only the owner and administrators
// configure the account and manage its OAuth clients and tokens. Custom
// roles are agents here: their permissions are not consulted.
func CanChat(actor *Agent, action ChatAction) error {
	if actor == nil || !actor.Enabled {
		return Errorf(EFORBIDDEN, "a disabled or unknown agent may do nothing")
	}
	switch action {
	case ChatRead, ChatConverse:
		return nil
	case ChatConfigure:
		if actor.IsAdmin() {
			return nil
		}
		return Errorf(EFORBIDDEN, "only the account's owner and administrators change its settings")
	case ChatManageOAuth:
		if actor.IsAdmin() {
			return nil
		}
		return Errorf(EFORBIDDEN, "only the account's owner and administrators manage OAuth clients and tokens")
	}
	return Errorf(EFORBIDDEN, "unknown action %q", action)
}

// CanChangeAgent is nil if actor may turn the agent before into after
// (before nil: create after), else an EFORBIDDEN *Error:
//   - no one gives the owner role, takes it, or disables the owner;
//   - only the owner changes the owner's record (its profile and email);
//   - the owner and administrators create agents and change any other
//     agent's every field: email, role, enabled, departments, skills;
//   - any other agent changes only its own profile: display, first and
//     last name. Its email is its sign-in and what the upgrade merges
//     users by, so it is an administrator's to change.
func CanChangeAgent(actor, before, after *Agent) error {
	if actor == nil || !actor.Enabled {
		return Errorf(EFORBIDDEN, "a disabled or unknown agent may do nothing")
	}
	wasOwner := before != nil && before.Role == ChatRoleOwner
	switch {
	case wasOwner != (after.Role == ChatRoleOwner):
		return Errorf(EFORBIDDEN, "an account has one owner: the owner role cannot be given or taken")
	case wasOwner && !after.Enabled:
		return Errorf(EFORBIDDEN, "the owner cannot be disabled")
	case wasOwner && actor.ID != before.ID:
		return Errorf(EFORBIDDEN, "only the owner changes the owner's record")
	case actor.IsAdmin():
		return nil
	case before == nil:
		return Errorf(EFORBIDDEN, "only the account's owner and administrators create agents")
	case before.ID != actor.ID:
		return Errorf(EFORBIDDEN, "agents change only their own profile")
	case !sameAdminFields(before, after):
		return Errorf(EFORBIDDEN, "agents change only their display, first and last name; an administrator changes the rest")
	}
	return nil
}

// sameAdminFields reports whether a and b agree on every field only
// administrators change.
func sameAdminFields(a, b *Agent) bool {
	return a.Email == b.Email && a.Role == b.Role && a.RoleID == b.RoleID && a.Enabled == b.Enabled &&
		slices.Equal(a.Departments, b.Departments) && slices.Equal(a.Skills, b.Skills)
}
