package support_test

import (
	"context"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/support"
)

// setupOwner is setup with user 1, the admin, the account's owner.
func setupOwner(t *testing.T) (*support.Service, []*chatlift.User) {
	t.Helper()
	s, db, users := setup(t)
	users[0].Owner = true
	if err := db.PutUsers(context.Background(), users[:1]); err != nil {
		t.Fatal(err)
	}
	return s, users
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if chatlift.ErrorCode(err) != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, _, _ := setup(t)
		u, err := s.CreateUser(ctx, 1, support.UserInput{Name: ptr("Eve"), Email: ptr("eve@example.test"), Active: ptr(false)})
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || u.Role != chatlift.UserRoleEndUser || !u.Active || !u.CreatedAt.Equal(now) {
			t.Fatalf("created %+v", u)
		}
	})
	t.Run("AdminRoleType", func(t *testing.T) {
		s, _, _ := setup(t)
		u, err := s.CreateUser(ctx, 1, support.UserInput{Name: ptr("Al"), Email: ptr("al@acme.test"), Role: ptr(chatlift.UserRoleAdmin)})
		if err != nil || u.RoleType == nil || *u.RoleType != chatlift.RoleTypeAdmin {
			t.Fatalf("created %+v, %v", u, err)
		}
	})
	t.Run("ChatOnlyAgentIsContributor", func(t *testing.T) {
		s, _, _ := setup(t)
		u, err := s.CreateUser(ctx, 1, support.UserInput{Name: ptr("Cy"), Email: ptr("cy@acme.test"), Role: ptr(chatlift.UserRoleAgent), ChatOnly: ptr(true)})
		if err != nil || u.RoleType == nil || *u.RoleType != chatlift.RoleTypeContributor {
			t.Fatalf("created %+v, %v", u, err)
		}
	})
	t.Run("TypedClientZeroes", func(t *testing.T) {
		s, _, _ := setup(t)
		u, err := s.CreateUser(ctx, 1, support.UserInput{Name: ptr("Di"), Email: ptr("di@acme.test"), Role: ptr(chatlift.UserRoleAgent),
			RoleType: ptr(chatlift.RoleTypeCustom), CustomRoleID: ptr(int64(0)), ChatOnly: ptr(false)})
		if err != nil || u.RoleType != nil || u.CustomRoleID != nil {
			t.Fatalf("created %+v, %v", u, err)
		}
	})
	for name, in := range map[string]support.UserInput{
		"ErrInvalidNoName":         {Email: ptr("x@acme.test")},
		"ErrInvalidEndUserRole":    {Name: ptr("X"), Email: ptr("x@acme.test"), RoleType: ptr(chatlift.RoleTypeLightAgent)},
		"ErrInvalidChatOnlyAdmin":  {Name: ptr("X"), Email: ptr("x@acme.test"), Role: ptr(chatlift.UserRoleAdmin), ChatOnly: ptr(true)},
		"ErrInvalidAgentRoleType":  {Name: ptr("X"), Email: ptr("x@acme.test"), Role: ptr(chatlift.UserRoleAgent), RoleType: ptr(9)},
		"ErrInvalidCustomRoleType": {Name: ptr("X"), Email: ptr("x@acme.test"), Role: ptr(chatlift.UserRoleAgent), CustomRoleID: ptr(int64(4)), RoleType: ptr(chatlift.RoleTypeLightAgent)},
	} {
		t.Run(name, func(t *testing.T) {
			s, _, _ := setup(t)
			_, err := s.CreateUser(ctx, 1, in)
			wantCode(t, err, chatlift.EINVALID)
		})
	}
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("NewRoleStartsFromItsDefaults", func(t *testing.T) {
		s, _ := setupOwner(t)
		u, err := s.UpdateUser(ctx, 1, 2, support.UserInput{Role: ptr(chatlift.UserRoleAgent), ChatOnly: ptr(true)})
		if err != nil || !u.ChatOnly {
			t.Fatalf("updated %+v, %v", u, err)
		}
		u, err = s.UpdateUser(ctx, 1, 2, support.UserInput{Role: ptr(chatlift.UserRoleAdmin)})
		if err != nil || u.ChatOnly || u.RoleType == nil || *u.RoleType != chatlift.RoleTypeAdmin {
			t.Fatalf("updated %+v, %v", u, err)
		}
	})
	t.Run("ErrInvalidOwnerSuspended", func(t *testing.T) {
		s, _ := setupOwner(t)
		_, err := s.UpdateUser(ctx, 1, 1, support.UserInput{Active: ptr(false)})
		wantCode(t, err, chatlift.EINVALID)
	})
	t.Run("ErrInvalidOwnerDemoted", func(t *testing.T) {
		s, _ := setupOwner(t)
		_, err := s.UpdateUser(ctx, 1, 1, support.UserInput{Role: ptr(chatlift.UserRoleAgent)})
		wantCode(t, err, chatlift.EINVALID)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s, _ := setupOwner(t)
		_, err := s.UpdateUser(ctx, 1, 99, support.UserInput{Name: ptr("Nobody")})
		wantCode(t, err, chatlift.ENOTFOUND)
	})
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, users := setupOwner(t)
		u, err := s.DeleteUser(ctx, users[0], 3)
		if err != nil || u.ID != 3 || u.Active {
			t.Fatalf("deleted %+v, %v", u, err)
		}
		_, err = s.DeleteUser(ctx, users[0], 3)
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("ErrInvalidOwner", func(t *testing.T) {
		s, users := setupOwner(t)
		_, err := s.DeleteUser(ctx, users[1], 1)
		wantCode(t, err, chatlift.EINVALID)
	})
	t.Run("ErrInvalidCaller", func(t *testing.T) {
		s, users := setupOwner(t)
		_, err := s.DeleteUser(ctx, users[1], 2)
		wantCode(t, err, chatlift.EINVALID)
	})
}
