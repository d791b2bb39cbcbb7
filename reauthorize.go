package chatlift

import "time"

// ReauthorizeTask is the post-upgrade task of re-authorizing the chat API's
// OAuth clients as it is now: a client is done once it has a token issued
// at or after switchedAt (when chat moved to the unified account, revoking
// every older token), and the task is done when every client is.
func ReauthorizeTask(clients []*OAuthClient, tokens []*OAuthToken, switchedAt time.Time) Task {
	t := Task{Key: TaskReauthorizeOAuth, Title: "Re-authorize OAuth clients", Status: TaskDone, Details: []string{},
		Description: "Every chat API token was revoked; agents and admins authorize again to get new tokens."}
	fresh := map[int64]bool{}
	for _, tok := range tokens {
		if !tok.CreatedAt.Before(switchedAt) {
			fresh[tok.ClientID] = true
		}
	}
	for _, c := range clients {
		name := c.Name + " (" + c.ClientIdentifier + ")"
		if fresh[c.ID] {
			t.Details = append(t.Details, name+": re-authorized")
			continue
		}
		t.Status = TaskTodo
		t.Details = append(t.Details, name+": no new token yet")
	}
	return t
}
