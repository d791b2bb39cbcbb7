package support

import (
	"context"

	"github.com/chatlift/chatlift"
)

// UserInput is what a client writes of a user; nil fields are unset, and
// empty strings, as typed clients send for fields they do not mean, too.
type UserInput struct {
	Name, Email, Role *string
	RoleType          *int
	CustomRoleID      *int64
	ChatOnly, Active  *bool
}

// CreateUser adds a user to the account, an end user unless the input says
// otherwise. It is active whatever the input says: active is read-only on
// create, as in the hosted API, and typed clients send false for it.
func (s *Service) CreateUser(ctx context.Context, accountID int64, in UserInput) (*chatlift.User, error) {
	u := &chatlift.User{AccountID: accountID, Role: chatlift.UserRoleEndUser, Active: true, CreatedAt: s.now()}
	if err := applyUser(u, in); err != nil {
		return nil, err
	}
	u.Active = true
	u.ID = 1 // validated before an id is spent on it
	if err := u.Validate(); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(tx txStore) (err error) {
		if u.ID, err = nextID(ctx, tx, "users", accountID); err != nil {
			return err
		}
		return tx.PutUsers(ctx, []*chatlift.User{u})
	})
	return u, err
}

// UpdateUser changes the account's user id. The owner stays an active
// admin.
func (s *Service) UpdateUser(ctx context.Context, accountID, id int64, in UserInput) (*chatlift.User, error) {
	var u *chatlift.User
	err := s.inTx(ctx, func(tx txStore) (err error) {
		if u, err = tx.User(ctx, accountID, id); err != nil {
			return err
		}
		if err := applyUser(u, in); err != nil {
			return err
		}
		if u.Owner && !u.Active {
			return chatlift.Errorf(chatlift.EINVALID, "the account owner cannot be suspended")
		}
		return tx.PutUsers(ctx, []*chatlift.User{u})
	})
	return u, err
}

// DeleteUser deletes the user id of the caller's account and returns it as
// it was, inactive. The owner and the caller cannot be deleted.
func (s *Service) DeleteUser(ctx context.Context, caller *chatlift.User, id int64) (*chatlift.User, error) {
	var u *chatlift.User
	err := s.inTx(ctx, func(tx txStore) (err error) {
		if u, err = tx.User(ctx, caller.AccountID, id); err != nil {
			return err
		}
		if u.Owner || u.ID == caller.ID {
			return chatlift.Errorf(chatlift.EINVALID, "the account owner and the caller cannot be deleted")
		}
		return tx.DeleteUsers(ctx, caller.AccountID, []int64{u.ID})
	})
	if err != nil {
		return nil, err
	}
	u.Active = false
	return u, nil
}

// applyUser writes in onto u and normalizes the result. A new role starts
// from its defaults but for what the input says.
func applyUser(u *chatlift.User, in UserInput) error {
	roleBefore := u.Role
	setString(&u.Name, in.Name)
	setString(&u.Email, in.Email)
	setString(&u.Role, in.Role)
	if u.Role != roleBefore {
		u.RoleType, u.CustomRoleID, u.ChatOnly = nil, nil, false
	}
	if in.ChatOnly != nil {
		u.ChatOnly = *in.ChatOnly
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	// Typed clients send role_type 0 and custom_role_id 0 for "none": a
	// custom role type counts only with a custom role.
	customRole := in.CustomRoleID != nil && *in.CustomRoleID != 0
	if in.RoleType != nil && (*in.RoleType != chatlift.RoleTypeCustom || customRole) {
		u.RoleType = in.RoleType
	}
	if customRole {
		u.CustomRoleID = in.CustomRoleID
	}
	return normalizeUser(u)
}

// normalizeUser checks the role, role type and chat access of u together and
// fills the role type the others imply: admins are role type admin,
// chat-only agents contributors unless said otherwise.
func normalizeUser(u *chatlift.User) error {
	if u.Name == "" {
		return chatlift.Errorf(chatlift.EINVALID, "user name required")
	}
	switch u.Role {
	case chatlift.UserRoleEndUser:
		if u.RoleType != nil || u.CustomRoleID != nil || u.ChatOnly {
			return chatlift.Errorf(chatlift.EINVALID, "end users have no role_type, custom_role_id or chat access")
		}
		u.ChatRole = ""
	case chatlift.UserRoleAdmin:
		if u.RoleType != nil && *u.RoleType != chatlift.RoleTypeAdmin || u.ChatOnly || u.CustomRoleID != nil {
			return chatlift.Errorf(chatlift.EINVALID, "an admin has role_type %d, no custom role and is not chat-only", chatlift.RoleTypeAdmin)
		}
		u.RoleType = ptr(chatlift.RoleTypeAdmin)
	case chatlift.UserRoleAgent:
		return normalizeAgent(u)
	}
	return nil
}

// normalizeAgent checks an agent's role type, custom role and chat access
// together: a chat-only agent is a contributor unless its role type is
// chat-only.
func normalizeAgent(u *chatlift.User) error {
	rt := u.RoleType
	switch {
	case rt != nil && (*rt < chatlift.RoleTypeCustom || *rt > chatlift.RoleTypeContributor):
		return chatlift.Errorf(chatlift.EINVALID, "an agent's role_type is 0 (custom), 1 (light), 2 (chat-only) or 3 (contributor)")
	case (rt != nil && *rt == chatlift.RoleTypeCustom) != (u.CustomRoleID != nil):
		return chatlift.Errorf(chatlift.EINVALID, "custom_role_id goes with role_type 0, and only with it")
	case u.CustomRoleID != nil && *u.CustomRoleID <= 0:
		return chatlift.Errorf(chatlift.EINVALID, "custom_role_id must be positive")
	case rt != nil && *rt == chatlift.RoleTypeChatOnly:
		u.ChatOnly = true
	case u.ChatOnly && rt == nil:
		u.RoleType = ptr(chatlift.RoleTypeContributor)
	case u.ChatOnly && *rt != chatlift.RoleTypeContributor:
		return chatlift.Errorf(chatlift.EINVALID, "a chat-only agent has role_type 2 or 3")
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
