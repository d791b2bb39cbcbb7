package upgrade

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/chatlift/chatlift"
)

// Checklist computes an account's pre- and post-upgrade tasks from its data
// as it is now. The upgrade's activities build their view with it before
// each phase, and the account owners' pages on each view, so both see the
// same tasks.
type Checklist struct {
	Legacy   chatlift.ChatStore
	Platform chatlift.PlatformStore
	Billing  Billing
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (c *Checklist) now() time.Time {
	if c.Now != nil {
		return c.Now().UTC()
	}
	return time.Now().UTC()
}

// Pre are the account's pre-upgrade tasks as they are now.
func (c *Checklist) Pre(ctx context.Context, accountID int64) ([]chatlift.Task, error) {
	v, err := c.View(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return chatlift.PreUpgradeTasks(v), nil
}

// Post are the post-upgrade tasks of u, whose chat has switched, as they
// are now: those recorded at the switch, with the OAuth clients'
// re-authorization recomputed from the tokens issued since.
func (c *Checklist) Post(ctx context.Context, u *chatlift.Upgrade) ([]chatlift.Task, error) {
	unified, err := c.Platform.UnifiedAccount(ctx, u.AccountID)
	if err != nil {
		return nil, fmt.Errorf("unified account: %w", err)
	}
	clients, err := c.Platform.OAuthClients(ctx, u.AccountID)
	if err != nil {
		return nil, err
	}
	tokens, err := c.Platform.OAuthTokens(ctx, u.AccountID)
	if err != nil {
		return nil, err
	}
	tasks := slices.Clone(u.PostTasks)
	for i := range tasks {
		if tasks[i].Key == chatlift.TaskReauthorizeOAuth {
			tasks[i] = chatlift.ReauthorizeTask(clients, tokens, unified.UpgradedAt)
		}
	}
	return tasks, nil
}

// View loads what the tasks are computed from: the account's chat and
// support data, integrations, Message channels, OAuth clients and active
// tokens, and what billing consolidation would do, as they are now.
func (c *Checklist) View(ctx context.Context, accountID int64) (*chatlift.AccountView, error) {
	now := c.now()
	v := &chatlift.AccountView{Objects: map[chatlift.ObjectKind][]*chatlift.Object{}}
	var err error
	if v.Chat, err = c.Legacy.ChatAccount(ctx, accountID); err != nil {
		return nil, fmt.Errorf("chat account: %w", err)
	}
	if v.Support, err = c.Platform.SupportAccount(ctx, accountID); err != nil {
		return nil, fmt.Errorf("support account: %w", err)
	}
	if v.Agents, err = c.Legacy.Agents(ctx, accountID); err != nil {
		return nil, err
	}
	if v.Users, err = c.Platform.Users(ctx, accountID); err != nil {
		return nil, err
	}
	for _, k := range []chatlift.ObjectKind{chatlift.KindIntegration, chatlift.KindMessageChannel} {
		if v.Objects[k], err = c.Legacy.Objects(ctx, accountID, k); err != nil {
			return nil, err
		}
	}
	if v.MergeChoices, err = c.Platform.MergeChoices(ctx, accountID); err != nil {
		return nil, err
	}
	if v.OAuthClients, err = c.Legacy.OAuthClients(ctx, accountID); err != nil {
		return nil, err
	}
	tokens, err := c.Legacy.OAuthTokens(ctx, accountID)
	if err != nil {
		return nil, err
	}
	for _, t := range tokens {
		if t.Active(now) {
			v.ActiveTokens++
		}
	}
	v.Consolidation, err = c.Billing.Preview(ctx, accountID, now)
	if chatlift.ErrorCode(err) == chatlift.EINVALID {
		v.BillingProblem = chatlift.ErrorMessage(err)
	} else if err != nil {
		return nil, fmt.Errorf("billing preview: %w", err)
	}
	return v, nil
}

// Merge is the account's merge plan as the merge step would apply it now.
func (c *Checklist) Merge(ctx context.Context, accountID int64) (*chatlift.MergeReview, error) {
	chat, err := c.Legacy.ChatAccount(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("chat account: %w", err)
	}
	agents, err := c.Legacy.Agents(ctx, accountID)
	if err != nil {
		return nil, err
	}
	users, err := c.Platform.Users(ctx, accountID)
	if err != nil {
		return nil, err
	}
	choices, err := c.Platform.MergeChoices(ctx, accountID)
	if err != nil {
		return nil, err
	}
	r := &chatlift.MergeReview{Plan: chatlift.PlanMerge(chat.OwnerEmail, agents, users, choices...), Agents: agents,
		Choices: map[int64]chatlift.MergeChoice{}}
	for _, u := range users {
		if u.Active && u.Role != chatlift.UserRoleEndUser {
			r.Users = append(r.Users, u)
		}
	}
	for _, ch := range choices {
		r.Choices[ch.ChatAgentID] = ch
	}
	return r, nil
}
