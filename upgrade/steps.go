package upgrade

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/conversation"
)

// Cutover step names, in the order they run.
const (
	StepFreeze              = "freeze_chat"
	StepRevokeTokens        = "revoke_tokens"
	StepDisableIntegrations = "disable_integrations"
	StepMessageChannels     = "mark_message_channels"
	StepCopyConfiguration   = "copy_configuration"
	StepCopyConversations   = "copy_conversations"
	StepMergeUsers          = "merge_users"
	StepSwitch              = "switch_chat"
)

// step is one cutover step. Do moves the account forward; Undo puts back
// exactly what Do changed. Both are idempotent and Undo is safe whether or
// not Do ran (or finished).
type step struct {
	name     string
	do, undo func(ctx context.Context, r *run) error
}

// cutoverSteps is the cutover, in order. Nothing after StepSwitch is undone.
// The legacy account is changed first (integrations, channels) so the copy
// carries those changes to the platform. Access tokens stop working at the
// switch itself (the chat API refuses a legacy token once its account is
// upgraded), so nothing a client holds is invalidated before it: they are
// revoked after it, for the record. restoreTokens puts back tokens that
// runs of earlier code revoked before the freeze.
var cutoverSteps = []step{
	{StepFreeze, freeze, unfreeze},
	{StepDisableIntegrations, objectsStep(chatlift.KindIntegration, disableIntegration), restoreObjects(chatlift.KindIntegration)},
	{StepMessageChannels, objectsStep(chatlift.KindMessageChannel, markChannel), restoreObjects(chatlift.KindMessageChannel)},
	{StepCopyConfiguration, copyConfiguration, dropConfiguration},
	{StepCopyConversations, copyConversations, dropConversations},
	{StepMergeUsers, mergeUsers, unmergeUsers},
	{StepSwitch, switchChat, func(context.Context, *run) error { return nil }},
	{StepRevokeTokens, revokeTokens, restoreTokens},
}

// StepNames lists the cutover steps in order.
func StepNames() []string {
	names := make([]string, len(cutoverSteps))
	for i, s := range cutoverSteps {
		names[i] = s.name
	}
	return names
}

// run is one attempt's cutover (or rollback) of one account.
type run struct {
	a       *Activities
	upgrade *chatlift.Upgrade
}

func (r *run) accountID() int64 { return r.upgrade.AccountID }

// snapshotKey names what a step saw before its Do, per attempt.
func (r *run) snapshotKey(step string) string {
	return fmt.Sprintf("%s/%d/%s", r.upgrade.ID, r.upgrade.Attempt, step)
}

// snapshot saves v under the step's key unless a snapshot is already there
// (a retried Do must keep what the first try saw), and returns what is kept.
func snapshot[T any](ctx context.Context, r *run, step string, v T) (T, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return v, fmt.Errorf("encode snapshot: %w", err)
	}
	if err := r.a.Platform.PutSnapshot(ctx, r.snapshotKey(step), body); err != nil {
		return v, err
	}
	return loadSnapshot[T](ctx, r, step)
}

func loadSnapshot[T any](ctx context.Context, r *run, step string) (T, error) {
	var v T
	body, err := r.a.Platform.Snapshot(ctx, r.snapshotKey(step))
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return v, fmt.Errorf("decode snapshot %s: %w", r.snapshotKey(step), err)
	}
	return v, nil
}

// freeze records when chat froze (kept across retries and restarts, so the
// downtime reported is what clients saw), then freezes it.
func freeze(ctx context.Context, r *run) error {
	if r.upgrade.FrozenAt == nil {
		at := r.a.now()
		r.upgrade.FrozenAt = &at
		if err := r.a.save(ctx, r.upgrade); err != nil {
			return err
		}
	}
	prev, err := r.a.Legacy.SetChatAccountState(ctx, r.accountID(), chatlift.ChatAccountMaintenance)
	if err != nil {
		return fmt.Errorf("freeze chat: %w", err)
	}
	if prev == chatlift.ChatAccountUpgraded {
		_, err := r.a.Legacy.SetChatAccountState(ctx, r.accountID(), prev)
		return permanent(chatlift.Errorf(chatlift.ECONFLICT, "account %d is already upgraded", r.accountID()), err)
	}
	return nil
}

// unfreeze records the downtime up to now, then opens chat again; once chat
// is open it changes nothing.
func unfreeze(ctx context.Context, r *run) error {
	a, err := r.a.Legacy.ChatAccount(ctx, r.accountID())
	if err != nil || a.State != chatlift.ChatAccountMaintenance {
		return err
	}
	if err := r.recordDowntime(ctx); err != nil {
		return err
	}
	_, err = r.a.Legacy.SetChatAccountState(ctx, r.accountID(), chatlift.ChatAccountActive)
	return err
}

// recordDowntime saves the downtime from the freeze to now: called just
// before chat opens again, so a crash after it keeps a figure no shorter
// than what clients saw.
func (r *run) recordDowntime(ctx context.Context) error {
	if r.upgrade.FrozenAt == nil {
		return nil
	}
	r.upgrade.ChatDowntimeMS = r.a.now().Sub(*r.upgrade.FrozenAt).Milliseconds()
	return r.a.save(ctx, r.upgrade)
}

// copyConfiguration copies the account, its agents, configuration objects
// and OAuth clients to the platform, where the account stays frozen until
// the switch.
func copyConfiguration(ctx context.Context, r *run) error {
	id := r.accountID()
	a, err := r.a.Legacy.ChatAccount(ctx, id)
	if err != nil {
		return err
	}
	a.State = chatlift.ChatAccountMaintenance
	if err := r.a.Platform.PutChatAccount(ctx, a); err != nil {
		return fmt.Errorf("copy chat account: %w", err)
	}
	agents, err := r.a.Legacy.Agents(ctx, id)
	if err != nil {
		return err
	}
	if err := r.a.Platform.PutAgents(ctx, agents); err != nil {
		return fmt.Errorf("copy agents: %w", err)
	}
	for _, kind := range chatlift.ObjectKinds {
		objs, err := r.a.Legacy.Objects(ctx, id, kind)
		if err != nil {
			return err
		}
		if err := r.a.Platform.PutObjects(ctx, objs); err != nil {
			return fmt.Errorf("copy %s objects: %w", kind, err)
		}
	}
	clients, err := r.a.Legacy.OAuthClients(ctx, id)
	if err != nil {
		return err
	}
	for _, c := range clients {
		if err := r.a.Platform.PutOAuthClient(ctx, c); err != nil {
			return fmt.Errorf("copy OAuth client %s: %w", c.ClientIdentifier, err)
		}
	}
	return nil
}

func dropConfiguration(ctx context.Context, r *run) error {
	return r.a.Platform.DeleteChatAccount(ctx, r.accountID())
}

// copyConversations copies the widget key and the open live conversations,
// every message with its sequence number, to the platform: the legacy
// account is frozen, so none is sent meanwhile, and after the switch each
// continues on the platform where it was.
func copyConversations(ctx context.Context, r *run) error {
	_, err := conversation.Copy(ctx, r.a.Legacy, r.a.Platform, r.accountID())
	return err
}

// dropConversations removes the platform's copy of the conversations.
func dropConversations(ctx context.Context, r *run) error {
	return r.a.Platform.DeleteConversations(ctx, r.accountID())
}

// mergeUsers applies the merge plan to the support account's users.
func mergeUsers(ctx context.Context, r *run) error {
	id := r.accountID()
	current, err := r.a.Platform.Users(ctx, id)
	if err != nil {
		return err
	}
	before, err := snapshot(ctx, r, StepMergeUsers, current)
	if err != nil {
		return err
	}
	ownUsers(before, id)
	agents, err := r.a.Legacy.Agents(ctx, id)
	if err != nil {
		return err
	}
	chat, err := r.a.Legacy.ChatAccount(ctx, id)
	if err != nil {
		return err
	}
	choices, err := r.a.Platform.MergeChoices(ctx, id)
	if err != nil {
		return err
	}
	plan := chatlift.PlanMerge(chat.OwnerEmail, agents, before, choices...)
	if blocked := plan.Blocked(); len(blocked) > 0 {
		return permanent(chatlift.Errorf(chatlift.ECONFLICT, "merge blocked: %s", blocked[0].Note))
	}
	next := int64(0)
	for _, u := range before {
		next = max(next, u.ID)
	}
	merged := plan.Apply(id, before, func() int64 { next++; return next }, r.a.now())
	if err := r.a.Platform.PutUsers(ctx, merged); err != nil {
		return err
	}
	return mapChatAgents(ctx, r, plan)
}

// mapChatAgents gives the platform's chat agents their unified roles: the
// chat owner becomes an administrator, and support admins (the owner among
// them) get chat access as administrators.
func mapChatAgents(ctx context.Context, r *run, plan *chatlift.MergePlan) error {
	agents, err := r.a.Platform.Agents(ctx, r.accountID())
	if err != nil {
		return err
	}
	byID, byEmail, next := map[int64]*chatlift.Agent{}, map[string]bool{}, int64(0)
	for _, ag := range agents {
		byID[ag.ID], byEmail[chatlift.NormalizeEmail(ag.Email)], next = ag, true, max(next, ag.ID)
	}
	var changed []*chatlift.Agent
	for _, e := range plan.Entries {
		switch {
		case e.ChatRole == "":
		case e.ChatAgentID != 0 && byID[e.ChatAgentID] != nil:
			ag := byID[e.ChatAgentID]
			ag.Role = e.ChatRole
			changed = append(changed, ag)
		case !byEmail[chatlift.NormalizeEmail(e.Email)]:
			next++
			changed = append(changed, &chatlift.Agent{ID: next, AccountID: r.accountID(), Email: e.Email, DisplayName: e.Name,
				Role: e.ChatRole, Enabled: true, Departments: []int64{}, Skills: []int64{}, CreatedAt: r.a.now()})
		}
	}
	if err := r.a.Platform.PutAgents(ctx, changed); err != nil {
		return err
	}
	merged, err := r.a.Platform.Agents(ctx, r.accountID())
	if err != nil {
		return err
	}
	_, err = snapshot(ctx, r, stepMergedAgents, merged) // the base of a revert's merge of agents
	return err
}

func unmergeUsers(ctx context.Context, r *run) error {
	before, err := loadSnapshot[[]*chatlift.User](ctx, r, StepMergeUsers)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil // Do never changed anything
	} else if err != nil {
		return err
	}
	ownUsers(before, r.accountID())
	now, err := r.a.Platform.Users(ctx, r.accountID())
	if err != nil {
		return err
	}
	kept := map[int64]bool{}
	for _, u := range before {
		kept[u.ID] = true
	}
	var added []int64
	for _, u := range now {
		if !kept[u.ID] {
			added = append(added, u.ID)
		}
	}
	if err := r.a.Platform.DeleteUsers(ctx, r.accountID(), added); err != nil {
		return err
	}
	return r.a.Platform.PutUsers(ctx, before)
}

// ownUsers sets the account of users read back from a snapshot.
func ownUsers(users []*chatlift.User, accountID int64) {
	for _, u := range users {
		u.AccountID = accountID
	}
}

// revokeTokens revokes the legacy account's access tokens; it is run after
// the switch only, so it needs no undo of its own.
func revokeTokens(ctx context.Context, r *run) error {
	_, err := r.a.Legacy.RevokeOAuthTokens(ctx, r.accountID(), r.a.now())
	return err
}

// storedToken is a token with the hashes its JSON leaves out, as runs of
// earlier code kept them in snapshots.
type storedToken struct {
	Token       *chatlift.OAuthToken `json:"token"`
	TokenHash   string               `json:"token_hash"`
	RefreshHash string               `json:"refresh_hash"`
}

func restoreTokens(ctx context.Context, r *run) error {
	saved, err := loadSnapshot[[]storedToken](ctx, r, StepRevokeTokens)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	tokens := make([]*chatlift.OAuthToken, len(saved))
	for i, s := range saved {
		s.Token.AccountID, s.Token.TokenHash, s.Token.RefreshHash = r.accountID(), s.TokenHash, s.RefreshHash
		tokens[i] = s.Token
	}
	return r.a.Legacy.PutOAuthTokens(ctx, tokens)
}

// objectsStep changes every legacy object of a kind with change, after
// saving the objects for the Undo.
func objectsStep(kind chatlift.ObjectKind, change func(body json.RawMessage, r *run) (json.RawMessage, error)) func(context.Context, *run) error {
	return func(ctx context.Context, r *run) error {
		objs, err := r.a.Legacy.Objects(ctx, r.accountID(), kind)
		if err != nil {
			return err
		}
		before, err := snapshot(ctx, r, string(kind), objs)
		if err != nil {
			return err
		}
		changed := make([]*chatlift.Object, len(before))
		for i, o := range before {
			c := *o
			c.AccountID = r.accountID()
			if c.Body, err = change(o.Body, r); err != nil {
				return fmt.Errorf("%s %d: %w", kind, o.ID, err)
			}
			changed[i] = &c
		}
		return r.a.Legacy.PutObjects(ctx, changed)
	}
}

func restoreObjects(kind chatlift.ObjectKind) func(context.Context, *run) error {
	return func(ctx context.Context, r *run) error {
		before, err := loadSnapshot[[]*chatlift.Object](ctx, r, string(kind))
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		for _, o := range before {
			o.AccountID = r.accountID()
		}
		return r.a.Legacy.PutObjects(ctx, before)
	}
}

func disableIntegration(body json.RawMessage, r *run) (json.RawMessage, error) {
	var in chatlift.Integration
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	if in.Enabled {
		at := r.a.now()
		in.Enabled, in.DisabledAt = false, &at
	}
	return json.Marshal(in)
}

func markChannel(body json.RawMessage, r *run) (json.RawMessage, error) {
	var ch chatlift.MessageChannel
	if err := json.Unmarshal(body, &ch); err != nil {
		return nil, err
	}
	ch.Enabled, ch.NeedsReconfiguration = false, true
	return json.Marshal(ch)
}

// switchChat is the point of no return: the platform starts serving the
// account's chat and the legacy product stops.
func switchChat(ctx context.Context, r *run) error {
	if err := r.recordDowntime(ctx); err != nil {
		return err
	}
	if _, err := r.a.Platform.SetChatAccountState(ctx, r.accountID(), chatlift.ChatAccountActive); err != nil {
		return fmt.Errorf("open chat on the platform: %w", err)
	}
	if _, err := r.a.Legacy.SetChatAccountState(ctx, r.accountID(), chatlift.ChatAccountUpgraded); err != nil {
		return fmt.Errorf("close chat on the legacy product: %w", err)
	}
	return nil
}
