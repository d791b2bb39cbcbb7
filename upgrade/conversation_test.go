package upgrade_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/conversation"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/httpapi/convapi"
	"github.com/chatlift/chatlift/internal/convtest"
	"github.com/chatlift/chatlift/upgrade"
)

// live is a conversation on the fixture's account, held over the
// conversations' API while the upgrade runs: a visitor who said one thing
// and an agent who answered, the visitor's stream following.
type live struct {
	f       *fixture
	svc     *conversation.Service
	visitor *convtest.Visitor
	stream  *convtest.Stream
	// duringFreeze is the status of a send tried while chat was frozen.
	duringFreeze int
}

const within = 10 * time.Second

func startLive(t *testing.T, f *fixture) *live {
	t.Helper()
	l := &live{f: f, svc: &conversation.Service{Hub: &conversation.Hub{}}}
	// The streams and the HTTP server share the CPU with the workflow: on
	// a busy machine its task may take longer than the default second.
	f.env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: 30 * time.Second})
	a := &convapi.API{Auth: &api.ChatAuth[convapi.Store]{Homes: &chathome.Router[convapi.Store]{Legacy: f.legacy, Platform: f.platform, Imports: f.platform},
		Logger: slog.New(slog.DiscardHandler)}, Service: l.svc, Logger: slog.New(slog.DiscardHandler), PollInterval: 20 * time.Millisecond}
	mux := http.NewServeMux()
	a.Routes(func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, h) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	key, err := l.svc.WidgetKey(context.Background(), f.legacy, f.account)
	if err != nil {
		t.Fatal(err)
	}
	l.visitor = convtest.Start(t, srv.URL, key, "Mika 🌸")
	l.visitor.MustSend(t, "v1", "before the freeze")
	l.agentSays(t, f.legacy, "a1", "hello from the legacy product")
	l.stream = l.visitor.Follow(t, 0)
	l.stream.Until(t, 2, within)
	inner := f.acts.OnStep
	f.acts.OnStep = func(id, step, phase string) {
		inner(id, step, phase)
		if step == upgrade.StepCopyConversations && phase == "do" && l.duringFreeze == 0 {
			l.duringFreeze, _ = l.visitor.Send(t, "v2", "during the freeze")
		}
	}
	return l
}

// agentSays is the account's first agent's message on store.
func (l *live) agentSays(t *testing.T, store conversation.Store, clientID, msg string) *chatlift.ConversationMessage {
	t.Helper()
	ctx := context.Background()
	agent, err := l.f.legacy.Agents(ctx, l.f.account)
	if err != nil {
		t.Fatal(err)
	}
	c, err := store.Conversation(ctx, l.f.account, l.visitor.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := l.svc.Send(ctx, store, c, agent[0], clientID, msg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// continues checks the conversation after the upgrade's cutover, now on
// store: the send refused during the freeze is sent again, an agent
// answers, a stream resumed after message 2 gets exactly messages 3 and 4,
// and once ended the conversation's chat on store holds the whole history
// in order. The stream that followed it from the start ended if the
// account switched; after a rollback it ended if it saw the account
// frozen, else it too gets exactly messages 3 and 4.
func (l *live) continues(t *testing.T, store chatlift.ChatStore, switched bool) {
	t.Helper()
	if l.duringFreeze != http.StatusServiceUnavailable {
		t.Fatalf("a send during the freeze answered %d, want 503", l.duringFreeze)
	}
	if switched {
		if rest := l.stream.Ended(t, within); len(rest) != 0 {
			t.Fatalf("the stream sent %d more events after the switch", len(rest))
		}
	}
	retried := l.visitor.MustSend(t, "v2", "during the freeze")
	reply := l.agentSays(t, store, "a2", "hello again")
	want := []int64{retried.Seq, reply.Seq}
	if got := seqs(l.visitor.Follow(t, 2).Until(t, 4, within)); !slices.Equal(got, want) || want[0] != 3 {
		t.Fatalf("resumed after message 2: %v, want exactly %v, numbered 3 and 4", got, want)
	}
	if got, ended := l.stream.UpTo(t, 4, within); !switched && !ended && !slices.Equal(seqs(got), want) {
		t.Fatalf("the stream that lived through the rollback got %v, want %v", seqs(got), want)
	}
	if status, b := convtest.Call(t, "POST", l.visitor.Path("/end"), l.visitor.Token, nil); status != http.StatusOK {
		t.Fatalf("end: %d %s", status, b)
	}
	ch, err := store.Chat(context.Background(), l.f.account, l.visitor.ID)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range ch.History {
		texts = append(texts, m.Msg)
	}
	history := []string{"before the freeze", "hello from the legacy product", "during the freeze", "hello again", ""}
	if !slices.Equal(texts, history) {
		t.Fatalf("the conversation's chat holds %q, want %q", texts, history)
	}
}

func seqs(msgs []*chatlift.ConversationMessage) []int64 {
	var out []int64
	for _, m := range msgs {
		out = append(out, m.Seq)
	}
	return out
}

// TestConversationAcrossCutover: a live conversation moves to the platform
// with its account and goes on there, nothing lost, repeated or reordered.
func TestConversationAcrossCutover(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	l := startLive(t, f)
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if u := f.upgrade(t); u.State != chatlift.UpgradeCompleted {
		t.Fatalf("upgrade %s", u.State)
	}
	copied, err := f.platform.Conversation(context.Background(), f.account, l.visitor.ID)
	if err != nil || copied.LastSeq != 2 {
		t.Fatalf("the platform's copy: %+v, %v", copied, err)
	}
	l.continues(t, f.platform, true)
}

// TestConversationAcrossRollback: a cutover that fails at the switch
// leaves the conversation on the legacy product, where it goes on, and
// no copy on the platform.
func TestConversationAcrossRollback(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	l := startLive(t, f)
	if err := f.acts.Faults.Set(context.Background(), f.account, upgrade.StepSwitch, upgrade.FaultError); err != nil {
		t.Fatal(err)
	}
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	var next *workflow.ContinueAsNewError
	if err := f.env.GetWorkflowError(); !errors.As(err, &next) {
		t.Fatalf("workflow ended with %v, want the next attempt", err)
	}
	if !slices.Contains(f.events, "undo:"+upgrade.StepCopyConversations) {
		t.Fatalf("events %v: the conversations' copy was not undone", f.events)
	}
	if _, err := f.platform.Conversation(context.Background(), f.account, l.visitor.ID); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		t.Fatalf("the platform kept its copy: %v", err)
	}
	l.continues(t, f.legacy, false)
}

// TestConversationAcrossRetriedCutover: the cutover fails after the copy
// and before the switch and is retried (as after a crash of its worker):
// the copy runs again over its first rows and the conversation goes on on
// the platform as if it ran once.
func TestConversationAcrossRetriedCutover(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	l := startLive(t, f)
	if err := f.acts.Faults.Set(context.Background(), f.account, upgrade.StepMergeUsers, upgrade.FaultTransient); err != nil {
		t.Fatal(err)
	}
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if n := countOf(f.events, "do:"+upgrade.StepCopyConversations); n != 2 {
		t.Fatalf("the copy ran %d times, want 2 (events %v)", n, f.events)
	}
	l.continues(t, f.platform, true)
}

// TestConversationAcrossRevert: a live conversation crosses the cutover,
// goes on on the platform, and crosses back with the revert: on the legacy
// product it holds every message, numbered as before, a visitor resuming
// after what it saw before the cutover gets exactly what it missed, and
// once ended its chat there holds the whole history.
func TestConversationAcrossRevert(t *testing.T) {
	t.Parallel()
	f := revertable(t)
	l := startLive(t, f)
	var onPlatform []int // statuses of the visitor's sends between the switch and the revert
	f.env.RegisterDelayedCallback(func() {
		status, _ := l.visitor.Send(t, "v2", "during the freeze")
		onPlatform = append(onPlatform, status)
		status, _ = l.visitor.Send(t, "v3", "on the platform")
		onPlatform = append(onPlatform, status)
	}, 24*time.Hour)
	f.runAndRevert(t)
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if u := f.upgrade(t); u.State != chatlift.UpgradeReverted {
		t.Fatalf("upgrade %s", u.State)
	}
	if !slices.Equal(onPlatform, []int{http.StatusCreated, http.StatusCreated}) {
		t.Fatalf("sends on the platform answered %v", onPlatform)
	}
	ctx := context.Background()
	back, err := f.legacy.Conversation(ctx, f.account, l.visitor.ID)
	if err != nil || back.LastSeq != 4 || back.EndedAt != nil {
		t.Fatalf("the legacy product's conversation after the revert: %+v, %v", back, err)
	}
	if _, err := f.platform.Conversation(ctx, f.account, l.visitor.ID); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		t.Fatalf("the platform still holds the conversation: %v", err)
	}
	if got := seqs(l.visitor.Follow(t, 2).Until(t, 4, within)); !slices.Equal(got, []int64{3, 4}) {
		t.Fatalf("resumed after message 2 on the legacy product: %v, want exactly 3 and 4", got)
	}
	if m := l.visitor.MustSend(t, "v4", "back on the legacy product"); m.Seq != 5 {
		t.Fatalf("the next message is %d, want 5", m.Seq)
	}
	if status, b := convtest.Call(t, "POST", l.visitor.Path("/end"), l.visitor.Token, nil); status != http.StatusOK {
		t.Fatalf("end: %d %s", status, b)
	}
	ch, err := f.legacy.Chat(ctx, f.account, l.visitor.ID)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range ch.History {
		texts = append(texts, m.Msg)
	}
	history := []string{"before the freeze", "hello from the legacy product", "during the freeze", "on the platform", "back on the legacy product", ""}
	if !slices.Equal(texts, history) {
		t.Fatalf("the conversation's chat holds %q, want %q", texts, history)
	}
}
