package upgrade

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/conversation"
)

// Revert step names, in the order they run.
const (
	StepRevertCopyHistory   = "revert_copy_history"
	StepRevertFreeze        = "revert_freeze_chat"
	StepRevertConfiguration = "revert_sync_configuration"
	StepRevertHistory       = "revert_sync_history"
	StepRevertConversations = "revert_copy_conversations"
	StepRevertSwitchBack    = "revert_switch_back"
	StepRevertDropPlatform  = "revert_drop_platform_copy"
)

// stepMergedAgents keeps the platform's agents as the merge left them at
// the cutover: the base from which a revert tells the customer's changes
// to agents from the upgrade's own.
const stepMergedAgents = StepMergeUsers + "/agents"

// revertSteps is a revert, in order; like the cutover, nothing after the
// switch back is undone. The history is copied back once while the
// platform still serves the account, so that the frozen pass has only
// what changed meanwhile to copy.
var revertSteps = []step{
	{StepRevertCopyHistory, syncHistory(false), keepLegacyHistory},
	{StepRevertFreeze, freezeForRevert, unfreezeRevert},
	{StepRevertConfiguration, syncConfiguration, restoreConfiguration},
	{StepRevertHistory, syncHistory(true), keepLegacyHistory},
	{StepRevertConversations, revertConversations, keepLegacyHistory},
	{StepRevertSwitchBack, switchBack, func(context.Context, *run) error { return nil }},
	{StepRevertDropPlatform, dropPlatformCopy, func(context.Context, *run) error { return nil }},
}

// RevertStepNames lists the revert steps in order.
func RevertStepNames() []string {
	names := make([]string, len(revertSteps))
	for i, s := range revertSteps {
		names[i] = s.name
	}
	return names
}

// freezeForRevert freezes the account's chat: the legacy product's state
// says frozen (so chathome.Router holds requests as during a cutover), then
// the platform's account leaves active, which waits for its writes in
// flight, so that nothing lands on the platform after it.
func freezeForRevert(ctx context.Context, r *run) error {
	if r.upgrade.Revert.FrozenAt == nil {
		at := r.a.now()
		r.upgrade.Revert.FrozenAt = &at
		if err := r.a.save(ctx, r.upgrade); err != nil {
			return err
		}
	}
	prev, err := r.a.Legacy.SetChatAccountState(ctx, r.accountID(), chatlift.ChatAccountMaintenance)
	if err != nil {
		return fmt.Errorf("freeze chat: %w", err)
	}
	if prev == chatlift.ChatAccountActive { // chat is back on the legacy product: never freeze it again
		_, err := r.a.Legacy.SetChatAccountState(ctx, r.accountID(), prev)
		return permanent(chatlift.Errorf(chatlift.ECONFLICT, "account %d is not upgraded", r.accountID()), err)
	}
	if _, err := r.a.Platform.SetChatAccountState(ctx, r.accountID(), chatlift.ChatAccountMaintenance); err != nil {
		return fmt.Errorf("freeze chat on the platform: %w", err)
	}
	return nil
}

// unfreezeRevert opens chat on the platform again and gives the account
// back to it; it changes nothing unless the legacy product holds it frozen.
func unfreezeRevert(ctx context.Context, r *run) error {
	a, err := r.a.Legacy.ChatAccount(ctx, r.accountID())
	if err != nil || a.State != chatlift.ChatAccountMaintenance {
		return err
	}
	r.recordRevertDowntime()
	if err := r.a.save(ctx, r.upgrade); err != nil {
		return err
	}
	if _, err := r.a.Platform.SetChatAccountState(ctx, r.accountID(), chatlift.ChatAccountActive); err != nil {
		return err
	}
	_, err = r.a.Legacy.SetChatAccountState(ctx, r.accountID(), chatlift.ChatAccountUpgraded)
	return err
}

// recordRevertDowntime sets how long chat has been frozen for the revert.
func (r *run) recordRevertDowntime() {
	if at := r.upgrade.Revert.FrozenAt; at != nil {
		r.upgrade.Revert.ChatDowntimeMS = r.a.now().Sub(*at).Milliseconds()
	}
}

// syncHistory copies the platform's history of the account to the legacy
// product with the import's verifier in the other direction: every row the
// legacy copy lacks or holds differently is re-copied from the platform.
// The frozen pass (final) then verifies the whole history again, counts and
// checksums per table, and fails unless it passed, so chat moves back only
// onto a legacy copy equal to the platform's.
func syncHistory(final bool) func(context.Context, *run) error {
	return func(ctx context.Context, r *run) error {
		v := r.a.reverseVerifier()
		job := chatlift.ImportJob{UpgradeID: r.upgrade.ID, AccountID: r.accountID()} // no SwitchedAt: every row must be equal
		// Progress heartbeats the activity: a long sync is alive, not stuck.
		progress := func(p chatlift.ImportProgress) { heartbeat(ctx, p) }
		res, err := v.Verify(ctx, job, true, progress)
		if err != nil || !final {
			return err
		}
		if res, err = v.Verify(ctx, job, false, progress); err != nil {
			return err
		}
		r.upgrade.Revert.Verification = res
		if err := r.a.save(ctx, r.upgrade); err != nil {
			return err
		}
		if !res.Passed {
			return fmt.Errorf("the legacy copy still differs from the platform's in %d rows", res.Mismatches())
		}
		return nil
	}
}

// keepLegacyHistory is the history sync's Undo, which changes nothing: the
// rows it wrote are the platform's own, newer than the legacy copy's, and
// while the platform serves the account nothing reads the legacy copy; the
// next revert syncs it again, and retiring removes it.
func keepLegacyHistory(context.Context, *run) error { return nil }

// revertConversations copies the widget key and the live conversations
// open on the platform, every message with its sequence number, back to
// the legacy product, and ends there the copies of those that ended on the
// platform; both sides are frozen, so none is sent meanwhile. After the
// switch back each goes on on the legacy product where it was. Its undo
// leaves the legacy copies: nothing reads them while the platform serves
// the account, and a later revert copies again.
func revertConversations(ctx context.Context, r *run) error {
	_, err := conversation.Copy(ctx, r.a.Platform, r.a.Legacy, r.accountID())
	return err
}

// switchBack is the revert's point of no return: the legacy product serves
// the account's chat again. The platform's copy stays frozen.
func switchBack(ctx context.Context, r *run) error {
	if back, err := r.a.switchedBack(ctx, r.accountID()); err != nil || back { // a retry: the downtime was recorded
		return err
	}
	r.recordRevertDowntime()
	if err := r.a.save(ctx, r.upgrade); err != nil {
		return err
	}
	if _, err := r.a.Legacy.SetChatAccountState(ctx, r.accountID(), chatlift.ChatAccountActive); err != nil {
		return fmt.Errorf("open chat on the legacy product: %w", err)
	}
	return nil
}

// dropPlatformCopy removes the platform's copy of the account's chat (with
// its OAuth tokens, which stopped working at the switch back), the cursors
// of its history import and its unified account record, so that a later
// upgrade starts from a platform that never had the account.
func dropPlatformCopy(ctx context.Context, r *run) error {
	return r.a.platformCopy().DropUpgradedChat(ctx, r.accountID())
}

// chatConfig is an account's chat configuration as a revert syncs it, with
// the secrets its JSON leaves out.
type chatConfig struct {
	Account *chatlift.ChatAccount `json:"account"`
	Agents  []storedAgent         `json:"agents"`
	Objects []*chatlift.Object    `json:"objects"`
	Clients []storedClient        `json:"clients"`
}

type storedAgent struct {
	Agent        *chatlift.Agent `json:"agent"`
	PasswordHash string          `json:"password_hash"`
}

type storedClient struct {
	Client     *chatlift.OAuthClient `json:"client"`
	SecretHash string                `json:"secret_hash"`
}

// readConfig reads the account's chat configuration from s.
func readConfig(ctx context.Context, s chatlift.ChatStore, id int64) (*chatConfig, error) {
	c := &chatConfig{}
	var err error
	if c.Account, err = s.ChatAccount(ctx, id); err != nil {
		return nil, err
	}
	agents, err := s.Agents(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, ag := range agents {
		c.Agents = append(c.Agents, storedAgent{ag, ag.PasswordHash})
	}
	for _, kind := range chatlift.ObjectKinds {
		objs, err := s.Objects(ctx, id, kind)
		if err != nil {
			return nil, err
		}
		c.Objects = append(c.Objects, objs...)
	}
	clients, err := s.OAuthClients(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, cl := range clients {
		c.Clients = append(c.Clients, storedClient{cl, cl.SecretHash})
	}
	return c, nil
}

// own sets what a snapshot's JSON left out.
func (c *chatConfig) own(id int64) {
	for _, ag := range c.Agents {
		ag.Agent.AccountID, ag.Agent.PasswordHash = id, ag.PasswordHash
	}
	for _, o := range c.Objects {
		o.AccountID = id
	}
	for _, cl := range c.Clients {
		cl.Client.AccountID, cl.Client.SecretHash = id, cl.SecretHash
	}
}

// syncConfiguration writes the platform's chat configuration of the
// account to the legacy product, after saving the legacy's for the Undo:
// the account's settings, agents, configuration objects and OAuth clients,
// with what the customer added, changed or deleted since the switch. What
// the upgrade itself changed is put back as the legacy product had it:
// agents' roles as the merge mapped them, and integrations and Message
// channels as they were before the cutover disabled them (see revert.md).
func syncConfiguration(ctx context.Context, r *run) error {
	id := r.accountID()
	current, err := readConfig(ctx, r.a.Legacy, id)
	if err != nil {
		return err
	}
	legacy, err := snapshot(ctx, r, StepRevertConfiguration, current)
	if err != nil {
		return err
	}
	legacy.own(id)
	platform, err := readConfig(ctx, r.a.Platform, id)
	if err != nil {
		return err
	}
	platform.own(id)
	want := &chatConfig{Account: platform.Account, Clients: platform.Clients}
	if want.Agents, err = mergeAgents(ctx, r, legacy.Agents, platform.Agents); err != nil {
		return err
	}
	if want.Objects, err = revertObjects(ctx, r, legacy.Objects, platform.Objects); err != nil {
		return err
	}
	return writeConfig(ctx, r, current, want)
}

// restoreConfiguration puts the legacy configuration back as the sync
// found it; it changes nothing if the sync never ran.
func restoreConfiguration(ctx context.Context, r *run) error {
	before, err := loadSnapshot[*chatConfig](ctx, r, StepRevertConfiguration)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	before.own(r.accountID())
	current, err := readConfig(ctx, r.a.Legacy, r.accountID())
	if err != nil {
		return err
	}
	return writeConfig(ctx, r, current, before)
}

// writeConfig makes the legacy configuration want, from current: it writes
// want's rows and deletes those only current has. The account keeps its
// state.
func writeConfig(ctx context.Context, r *run, current, want *chatConfig) error {
	id, legacy := r.accountID(), r.a.Legacy
	account := *want.Account
	account.State = current.Account.State
	if err := legacy.PutChatAccount(ctx, &account); err != nil {
		return fmt.Errorf("write chat account: %w", err)
	}
	agents := make([]*chatlift.Agent, len(want.Agents))
	for i, ag := range want.Agents {
		agents[i] = ag.Agent
	}
	gone := missing(current.Agents, want.Agents, func(a storedAgent) int64 { return a.Agent.ID })
	if err := r.a.legacyCopy().DeleteAgents(ctx, id, gone); err != nil {
		return err
	}
	if err := legacy.PutAgents(ctx, agents); err != nil {
		return fmt.Errorf("write agents: %w", err)
	}
	for _, kind := range chatlift.ObjectKinds {
		key := func(o *chatlift.Object) int64 { return o.ID }
		if err := legacy.DeleteObjects(ctx, id, kind, missing(ofKind(current.Objects, kind), ofKind(want.Objects, kind), key)); err != nil {
			return err
		}
	}
	if err := legacy.PutObjects(ctx, want.Objects); err != nil {
		return fmt.Errorf("write configuration: %w", err)
	}
	for _, cid := range missing(current.Clients, want.Clients, func(c storedClient) int64 { return c.Client.ID }) {
		if err := legacy.DeleteOAuthClient(ctx, id, cid, r.a.now()); err != nil && chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			return err
		}
	}
	for _, c := range want.Clients {
		if err := legacy.PutOAuthClient(ctx, c.Client); err != nil {
			return fmt.Errorf("write OAuth client %s: %w", c.Client.ClientIdentifier, err)
		}
	}
	return nil
}

// missing returns the keys of have that want lacks.
func missing[T any](have, want []T, key func(T) int64) []int64 {
	keep := map[int64]bool{}
	for _, w := range want {
		keep[key(w)] = true
	}
	var out []int64
	for _, h := range have {
		if !keep[key(h)] {
			out = append(out, key(h))
		}
	}
	return out
}

func ofKind(objs []*chatlift.Object, kind chatlift.ObjectKind) []*chatlift.Object {
	var out []*chatlift.Object
	for _, o := range objs {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// mergeAgents is the agents the legacy product gets back: a three-way
// merge, field by field, of the legacy's agents (as before the cutover),
// the platform's as the merge left them at the cutover (the base) and the
// platform's now. A field the customer changed since the switch takes the
// platform's value; the others keep the legacy's, so the upgrade's role
// mapping is undone. Agents the merge added are left out; agents added
// since the switch are added. Without a base (upgrades switched before it
// was kept), the platform's agents are taken but for their roles.
func mergeAgents(ctx context.Context, r *run, legacy, platform []storedAgent) ([]storedAgent, error) {
	base, err := loadSnapshot[[]*chatlift.Agent](ctx, r, stepMergedAgents)
	noBase := chatlift.ErrorCode(err) == chatlift.ENOTFOUND
	if err != nil && !noBase {
		return nil, err
	}
	byID := func(list []*chatlift.Agent) map[int64]*chatlift.Agent {
		m := map[int64]*chatlift.Agent{}
		for _, a := range list {
			m[a.ID] = a
		}
		return m
	}
	bases, ours := byID(base), map[int64]*chatlift.Agent{}
	for _, a := range legacy {
		ours[a.Agent.ID] = a.Agent
	}
	var out []storedAgent
	for _, theirs := range platform {
		id := theirs.Agent.ID
		b, o := bases[id], ours[id]
		switch {
		case o == nil && b != nil && sameAgent(b, theirs.Agent): // the merge added it; unchanged since
			continue
		case o == nil: // added since the switch (or changed since the merge added it)
			out = append(out, theirs)
			continue
		case b == nil && !noBase: // not on the platform at the cutover: what differs is the platform's
			b = o
		}
		merged := withRole(theirs.Agent, o)
		if !noBase {
			if merged, err = merge3(o, b, theirs.Agent); err != nil {
				return nil, fmt.Errorf("merge agent %d: %w", id, err)
			}
		}
		merged.AccountID, merged.PasswordHash = r.accountID(), theirs.PasswordHash
		out = append(out, storedAgent{merged, theirs.PasswordHash})
	}
	return out, nil
}

// withRole is a with b's role.
func withRole(a, b *chatlift.Agent) *chatlift.Agent {
	c := *a
	c.Role, c.RoleID = b.Role, b.RoleID
	return &c
}

func sameAgent(a, b *chatlift.Agent) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// merge3 merges the JSON fields of ours, base and theirs: a field theirs
// changed from base takes theirs' value, the others ours'.
func merge3[T any](ours, base, theirs *T) (*T, error) {
	fields := func(v *T) (map[string]json.RawMessage, error) {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		m := map[string]json.RawMessage{}
		return m, json.Unmarshal(b, &m)
	}
	o, err := fields(ours)
	if err != nil {
		return nil, err
	}
	b, err := fields(base)
	if err != nil {
		return nil, err
	}
	t, err := fields(theirs)
	if err != nil {
		return nil, err
	}
	for k, v := range t {
		if !bytes.Equal(v, b[k]) {
			o[k] = v
		}
	}
	body, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	out := new(T)
	return out, json.Unmarshal(body, out)
}

// revertObjects is the configuration objects the legacy product gets back:
// the platform's, except that integrations and Message channels the
// customer left as the cutover made them get back the state they had
// before it (the cutover's snapshots).
func revertObjects(ctx context.Context, r *run, legacy, platform []*chatlift.Object) ([]*chatlift.Object, error) {
	original := map[chatlift.ObjectKind]map[int64]*chatlift.Object{}
	for _, kind := range []chatlift.ObjectKind{chatlift.KindIntegration, chatlift.KindMessageChannel} {
		before, err := loadSnapshot[[]*chatlift.Object](ctx, r, string(kind))
		if err != nil && chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			return nil, err
		}
		original[kind] = map[int64]*chatlift.Object{}
		for _, o := range before {
			o.AccountID = r.accountID()
			original[kind][o.ID] = o
		}
	}
	out := slices.Clone(platform)
	for i, o := range out {
		orig := original[o.Kind][o.ID]
		if orig == nil {
			continue
		}
		if at := slices.IndexFunc(legacy, func(l *chatlift.Object) bool { return l.Kind == o.Kind && l.ID == o.ID }); at >= 0 && bytes.Equal(legacy[at].Body, o.Body) {
			out[i] = orig
		}
	}
	return out, nil
}
