package upgrade_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

// TestChecklist: the tasks follow the accounts as they are now, before and
// after the switch, with no workflow step in between.
func TestChecklist(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("Pre", func(t *testing.T) {
		f := setup(t, 0)
		c := &upgrade.Checklist{Legacy: f.legacy, Platform: f.platform, Billing: f.billing, Now: f.env.Now}
		acct, err := f.legacy.ChatAccount(ctx, f.account)
		must(t, err)
		acct.AccountAssumption = false
		must(t, f.legacy.PutChatAccount(ctx, acct))
		pre, err := c.Pre(ctx, f.account)
		must(t, err)
		if got := findTask(t, pre, chatlift.TaskAccountAssume).Status; got != chatlift.TaskTodo {
			t.Fatalf("account assumption off: %s", got)
		}
		acct.AccountAssumption = true
		must(t, f.legacy.PutChatAccount(ctx, acct))
		pre, err = c.Pre(ctx, f.account)
		must(t, err)
		if got := findTask(t, pre, chatlift.TaskAccountAssume).Status; got != chatlift.TaskDone {
			t.Fatalf("account assumption on: %s", got)
		}
	})
	t.Run("PostReauthorize", func(t *testing.T) {
		f := setup(t, 0)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		if err := f.env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		if len(f.notes.urls) == 0 {
			t.Fatal("the upgrade sent no notice")
		}
		for i, url := range f.notes.urls {
			if url != chatlift.UpgradePage {
				t.Fatalf("notice %s links to %q", f.notes.keys[i], url)
			}
		}
		c := &upgrade.Checklist{Legacy: f.legacy, Platform: f.platform, Billing: f.billing, Now: f.env.Now}
		u := f.upgrade(t)
		post, err := c.Post(ctx, u)
		must(t, err)
		clients, err := f.platform.OAuthClients(ctx, f.account)
		must(t, err)
		if len(clients) == 0 {
			t.Skip("the seeded account has no OAuth client")
		}
		if got := findTask(t, post, chatlift.TaskReauthorizeOAuth).Status; got != chatlift.TaskTodo {
			t.Fatalf("before any new token: %s", got)
		}
		unified, err := f.platform.UnifiedAccount(ctx, f.account)
		must(t, err)
		var tokens []*chatlift.OAuthToken
		for i, cl := range clients {
			id, err := f.platform.NextIDs(ctx, "oauth_tokens/"+itoa(f.account), 1)
			must(t, err)
			tokens = append(tokens, &chatlift.OAuthToken{ID: id, AccountID: f.account, ClientID: cl.ID, AgentID: 1,
				TokenHash: "new-token-" + itoa(int64(i)), Scopes: []string{"read"}, CreatedAt: unified.UpgradedAt.Add(time.Minute)})
		}
		must(t, f.platform.PutOAuthTokens(ctx, tokens))
		post, err = c.Post(ctx, u)
		must(t, err)
		if got := findTask(t, post, chatlift.TaskReauthorizeOAuth); got.Status != chatlift.TaskDone {
			t.Fatalf("after a new token per client: %+v", got)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestChecklistMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t, 0)
	c := &upgrade.Checklist{Legacy: f.legacy, Platform: f.platform, Billing: f.billing, Now: f.env.Now}
	must(t, f.platform.PutMergeChoices(ctx, f.account, []chatlift.MergeChoice{{ChatAgentID: 3, Skip: true}}))
	r, err := c.Merge(ctx, f.account)
	must(t, err)
	if r.Choices[3] != (chatlift.MergeChoice{ChatAgentID: 3, Skip: true}) || len(r.Agents) == 0 {
		t.Fatalf("review %+v", r)
	}
	for _, u := range r.Users {
		if !u.Active || u.Role == chatlift.UserRoleEndUser {
			t.Fatalf("offers user %+v", u)
		}
	}
	skipped := false
	for _, e := range r.Plan.Entries {
		skipped = skipped || e.ChatAgentID == 3 && e.Action == chatlift.MergeSkip
	}
	if !skipped {
		t.Fatalf("the plan ignores the choice: %+v", r.Plan.Entries)
	}
	pre, err := c.Pre(ctx, f.account)
	must(t, err)
	task := findTask(t, pre, chatlift.TaskAgentEmails)
	found := false
	for _, d := range task.Details {
		found = found || strings.HasPrefix(d, "skip:")
	}
	if !found {
		t.Fatalf("the checklist ignores the choice: %+v", task)
	}
}
