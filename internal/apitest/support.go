package apitest

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// SupportEnv is a server with two seeded accounts and, on the first, an
// agent, an end user and a suspended agent made for the test.
type SupportEnv struct {
	*Env
	// Owner and Token are account 1's owner and API token.
	Owner, Token       string
	Agent              *chatlift.User
	EndUser, Suspended *chatlift.User
}

// SetupSupport starts a SupportEnv.
func SetupSupport(t *testing.T) *SupportEnv {
	t.Helper()
	e := &SupportEnv{Env: Setup(t, 2, 1)}
	e.Owner, e.Token = e.Creds[0].SupportOwnerEmail, e.Creds[0].SupportAPIToken
	e.Agent = e.AddUser(t, 1, "agent.tester@acme-one.test", chatlift.UserRoleAgent, true)
	e.EndUser = e.AddUser(t, 1, "customer@example.test", chatlift.UserRoleEndUser, true)
	e.Suspended = e.AddUser(t, 1, "gone@acme-one.test", chatlift.UserRoleAgent, false)
	return e
}

// AddUser stores a new user on the account, straight into the store.
func (e *Env) AddUser(t *testing.T, accountID int64, email, role string, active bool) *chatlift.User {
	t.Helper()
	ctx := context.Background()
	id, err := e.Platform.NextIDs(ctx, "users/"+Itoa(accountID), 1)
	if err != nil {
		t.Fatal(err)
	}
	u := &chatlift.User{ID: id, AccountID: accountID, Email: email, Name: email, Role: role, Active: active, CreatedAt: time.Now().UTC()}
	if err := e.Platform.PutUsers(ctx, []*chatlift.User{u}); err != nil {
		t.Fatal(err)
	}
	return u
}

// As returns the absolute URL of path with Basic email/token credentials.
func (e *Env) As(email, token, path string) string {
	u, err := url.Parse(e.URL + path)
	if err != nil {
		panic(err)
	}
	u.User = url.UserPassword(email+"/token", token)
	return u.String()
}

// AsOwner is path as account 1's owner.
func (e *SupportEnv) AsOwner(path string) string { return e.As(e.Owner, e.Token, path) }

// AsAgent is path as account 1's agent.
func (e *SupportEnv) AsAgent(path string) string { return e.As(e.Agent.Email, e.Token, path) }

// UserCount is how many users the account has in the store.
func (e *Env) UserCount(t *testing.T, accountID int64) int {
	t.Helper()
	list, err := e.Platform.Users(context.Background(), accountID)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}
