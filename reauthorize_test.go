package chatlift_test

import (
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestReauthorizeTask(t *testing.T) {
	switched := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	clients := []*chatlift.OAuthClient{{ID: 1, Name: "CRM", ClientIdentifier: "crm"}, {ID: 2, Name: "Bot", ClientIdentifier: "bot"}}
	old := &chatlift.OAuthToken{ID: 1, ClientID: 1, CreatedAt: switched.Add(-time.Hour)}
	t.Run("Todo", func(t *testing.T) {
		got := chatlift.ReauthorizeTask(clients, []*chatlift.OAuthToken{old}, switched)
		if got.Status != chatlift.TaskTodo || got.Details[0] != "CRM (crm): no new token yet" || got.Details[1] != "Bot (bot): no new token yet" {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("Partly", func(t *testing.T) {
		got := chatlift.ReauthorizeTask(clients, []*chatlift.OAuthToken{old, {ID: 2, ClientID: 1, CreatedAt: switched}}, switched)
		if got.Status != chatlift.TaskTodo || got.Details[0] != "CRM (crm): re-authorized" || got.Details[1] != "Bot (bot): no new token yet" {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("Done", func(t *testing.T) {
		tokens := []*chatlift.OAuthToken{{ID: 2, ClientID: 1, CreatedAt: switched.Add(time.Minute)}, {ID: 3, ClientID: 2, CreatedAt: switched.Add(time.Hour)}}
		if got := chatlift.ReauthorizeTask(clients, tokens, switched); got.Status != chatlift.TaskDone {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("NoClients", func(t *testing.T) {
		if got := chatlift.ReauthorizeTask(nil, nil, switched); got.Status != chatlift.TaskDone || got.Key != chatlift.TaskReauthorizeOAuth {
			t.Fatalf("got %+v", got)
		}
	})
}
