package seed_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/seed"
)

// TestSupportAdminPassword: every active support admin of an account signs
// in to the account pages with the password the seed prints; no one else has one.
func TestSupportAdminPassword(t *testing.T) {
	s := setup(t)
	ctx := context.Background()
	creds, err := seed.Fleet(ctx, s.legacy, s.platform, seed.Spec{Accounts: 2, ChatsPerAccount: 1}, now, nil)
	must(t, err)
	for _, c := range creds {
		if c.SupportAdminPassword == "" {
			t.Fatalf("account %d: no support admin password", c.AccountID)
		}
		users, err := s.platform.Users(ctx, c.AccountID)
		must(t, err)
		admins := 0
		for _, u := range users {
			list, err := s.platform.SupportPasswords(ctx, u.Email)
			must(t, err)
			var mine *chatlift.SupportPassword
			for _, p := range list {
				if p.AccountID == c.AccountID && p.UserID == u.ID {
					mine = p
				}
			}
			isAdmin := u.Role == chatlift.UserRoleAdmin && u.Active
			if (mine != nil) != isAdmin {
				t.Fatalf("account %d user %s (%s, active %v): has password %v", c.AccountID, u.Email, u.Role, u.Active, mine != nil)
			}
			if mine == nil {
				continue
			}
			admins++
			must(t, bcrypt.CompareHashAndPassword([]byte(mine.Hash), []byte(c.SupportAdminPassword)))
		}
		if admins == 0 {
			t.Fatalf("account %d: no support admin got a password", c.AccountID)
		}
	}
}
