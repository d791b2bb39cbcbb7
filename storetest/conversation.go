package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// openConversation stores an active chat account id with one open
// conversation started at t0.
func openConversation(t *testing.T, s chatlift.ChatStore, account int64, id string) *chatlift.Conversation {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ChatAccount(ctx, account); chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		must(t, s.PutChatAccount(ctx, chatAccount(account)))
	}
	c := &chatlift.Conversation{ID: id, AccountID: account, State: chatlift.ConversationOpen, StartedAt: t0, LastActivityAt: t0,
		Visitor: chatlift.ChatVisitor{ID: "v1", Name: "Mika 🌸"}, AgentIDs: []int64{}, SecretHash: "hash-" + id}
	must(t, s.CreateConversation(ctx, c))
	return c
}

// say is a message of the visitor (agent 0) or agent in c, sent at.
func say(c *chatlift.Conversation, clientID, text string, agent int64, at time.Time) *chatlift.ConversationMessage {
	m := &chatlift.ConversationMessage{ConversationID: c.ID, AccountID: c.AccountID, ClientID: clientID,
		Message: chatlift.Message{Type: chatlift.MessageTypeMsg, Msg: text, Name: "Mika 🌸", SenderType: chatlift.SenderVisitor, Timestamp: at}}
	if agent != 0 {
		m.SenderType, m.Name, m.AgentID = chatlift.SenderAgent, "Ann", &agent
	}
	return m
}

func leave(c *chatlift.Conversation, at time.Time) *chatlift.ConversationMessage {
	m := say(c, "end", "", 0, at)
	m.Type = chatlift.MessageTypeLeave
	return m
}

func testConversations(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	c := openConversation(t, s, 1, "cv_a")
	t.Run("Create", func(t *testing.T) {
		got, err := s.Conversation(ctx, 1, "cv_a")
		must(t, err)
		same(t, "conversation", got, c)
		if got.SecretHash != c.SecretHash || got.AccountID != 1 {
			t.Fatalf("secret hash %q, account %d", got.SecretHash, got.AccountID)
		}
		wantCode(t, s.CreateConversation(ctx, c), chatlift.ECONFLICT)
		_, err = s.Conversation(ctx, 2, "cv_a")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := *c
		bad.ID = "no-prefix"
		wantCode(t, s.CreateConversation(ctx, &bad), chatlift.EINVALID)
		long := say(c, "m-long", string(make([]byte, chatlift.MaxConversationMessageBytes+1)), 0, t0)
		_, _, err := s.AddConversationMessage(ctx, long)
		wantCode(t, err, chatlift.EINVALID)
	})
	t.Run("SendOnce", func(t *testing.T) {
		m1, added, err := s.AddConversationMessage(ctx, say(c, "m1", "hello", 0, t0.Add(time.Second)))
		must(t, err)
		if !added || m1.Seq != 1 {
			t.Fatalf("first send: seq %d, added %v", m1.Seq, added)
		}
		again, added, err := s.AddConversationMessage(ctx, say(c, "m1", "hello (retried)", 0, t0.Add(2*time.Second)))
		must(t, err)
		if added || again.Seq != 1 || again.Msg != "hello" {
			t.Fatalf("retried send: %+v, added %v: want the first message", again, added)
		}
		m2, _, err := s.AddConversationMessage(ctx, say(c, "m2", "hi, Ann here", 7, t0.Add(3*time.Second)))
		must(t, err)
		got, err := s.ConversationMessages(ctx, 1, c.ID, 0, 0)
		must(t, err)
		same(t, "messages", got, []*chatlift.ConversationMessage{m1, m2})
		after, err := s.ConversationMessages(ctx, 1, c.ID, 1, 0)
		must(t, err)
		same(t, "messages after 1", after, []*chatlift.ConversationMessage{m2})
		conv, err := s.Conversation(ctx, 1, c.ID)
		must(t, err)
		if conv.LastSeq != 2 || !conv.LastActivityAt.Equal(t0.Add(3*time.Second)) || len(conv.AgentIDs) != 1 {
			t.Fatalf("conversation after two messages: %+v", conv)
		}
	})
	t.Run("FrozenAccount", func(t *testing.T) {
		_, err := s.SetChatAccountState(ctx, 1, chatlift.ChatAccountMaintenance)
		must(t, err)
		_, _, err = s.AddConversationMessage(ctx, say(c, "m3", "anyone?", 0, t0.Add(4*time.Second)))
		wantCode(t, err, chatlift.EUNAVAILABLE)
		_, err = s.SetChatAccountState(ctx, 1, chatlift.ChatAccountActive)
		must(t, err)
	})
	t.Run("Idle", func(t *testing.T) {
		openConversation(t, s, 2, "cv_b")
		idle, err := s.IdleConversations(ctx, t0.Add(2*time.Second), 0)
		must(t, err)
		if len(idle) != 1 || idle[0].ID != "cv_b" || idle[0].AccountID != 2 {
			t.Fatalf("idle before t0+2s: %+v, want cv_b only", idle)
		}
		_, err = s.SetChatAccountState(ctx, 2, chatlift.ChatAccountUpgraded)
		must(t, err)
		idle, err = s.IdleConversations(ctx, t0.Add(2*time.Second), 0)
		must(t, err)
		if len(idle) != 0 {
			t.Fatalf("idle conversations of an upgraded account: %+v", idle)
		}
	})
	t.Run("End", func(t *testing.T) {
		end := t0.Add(time.Minute)
		ended, err := s.EndConversation(ctx, 1, c.ID, chatlift.EndedByVisitor, leave(c, end))
		must(t, err)
		if ended.State != chatlift.ConversationEnded || ended.LastSeq != 3 || ended.EndedBy != chatlift.EndedByVisitor {
			t.Fatalf("ended: %+v", ended)
		}
		ch, err := s.Chat(ctx, 1, c.ID)
		must(t, err)
		if len(ch.History) != 3 || ch.Count.Visitor != 1 || ch.Count.Agent != 1 || ch.EndTimestamp == nil || ch.Duration != 60 {
			t.Fatalf("the conversation's chat: %+v", ch)
		}
		again, err := s.EndConversation(ctx, 1, c.ID, chatlift.EndedByAgent, leave(c, end.Add(time.Hour)))
		must(t, err)
		same(t, "ending again", again, ended)
		_, _, err = s.AddConversationMessage(ctx, say(c, "m9", "late", 0, end))
		wantCode(t, err, chatlift.ECONFLICT)
		open, err := s.Conversations(ctx, chatlift.ConversationFilter{AccountID: 1, State: chatlift.ConversationOpen})
		must(t, err)
		all, err := s.Conversations(ctx, chatlift.ConversationFilter{AccountID: 1})
		must(t, err)
		if len(open) != 0 || len(all) != 1 {
			t.Fatalf("%d open, %d in all; want 0 and 1", len(open), len(all))
		}
	})
	t.Run("Full", func(t *testing.T) {
		full := *c
		full.ID, full.State, full.EndedAt, full.EndedBy, full.LastSeq = "cv_full", chatlift.ConversationOpen, nil, "", chatlift.MaxConversationMessages-1
		msgs := make([]*chatlift.ConversationMessage, full.LastSeq)
		for i := range msgs {
			msgs[i] = say(&full, fmt.Sprintf("m%d", i), "hi", 0, t0)
			msgs[i].Seq = int64(i + 1)
		}
		must(t, s.CopyConversations(ctx, []*chatlift.Conversation{&full}, msgs))
		_, _, err := s.AddConversationMessage(ctx, say(&full, "one-more", "hi", 0, t0))
		wantCode(t, err, chatlift.ECONFLICT)
		ended, err := s.EndConversation(ctx, 1, full.ID, chatlift.EndedByAgent, leave(&full, t0.Add(time.Hour)))
		must(t, err)
		ch, err := s.Chat(ctx, 1, full.ID)
		must(t, err)
		if ended.LastSeq != chatlift.MaxConversationMessages || len(ch.History) != chatlift.MaxHistory {
			t.Fatalf("a full conversation ended with last seq %d and a chat of %d messages", ended.LastSeq, len(ch.History))
		}
	})
	t.Run("Changes", func(t *testing.T) {
		all, err := s.ConversationChanges(ctx, 1, 0, 0)
		must(t, err)
		var ids []string
		last := int64(0)
		for _, c := range all {
			if c.ChangeSeq <= last {
				t.Fatalf("change numbers out of order: %d after %d", c.ChangeSeq, last)
			}
			ids, last = append(ids, c.ID), c.ChangeSeq
		}
		same(t, "conversations in change order", ids, []string{"cv_a", "cv_full"})
		after, err := s.ConversationChanges(ctx, 1, all[0].ChangeSeq, 0)
		must(t, err)
		if len(after) != 1 || after[0].ID != "cv_full" {
			t.Fatalf("changes after the first: %+v", after)
		}
	})
	t.Run("WidgetKey", func(t *testing.T) {
		_, err := s.WidgetKey(ctx, 1)
		wantCode(t, err, chatlift.ENOTFOUND)
		must(t, s.PutWidgetKey(ctx, 1, "wk_one"))
		key, err := s.WidgetKey(ctx, 1)
		must(t, err)
		id, err := s.WidgetKeyAccount(ctx, "wk_one")
		must(t, err)
		if key != "wk_one" || id != 1 {
			t.Fatalf("key %q, account %d", key, id)
		}
		wantCode(t, s.PutWidgetKey(ctx, 2, "wk_one"), chatlift.ECONFLICT)
		_, err = s.WidgetKeyAccount(ctx, "wk_none")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
}

// testConversationSequence: concurrent senders get every number from 1
// once, without gaps.
func testConversationSequence(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	c := openConversation(t, s, 1, "cv_busy")
	const senders, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, senders*each)
	for i := range senders {
		wg.Go(func() {
			for j := range each {
				_, _, err := s.AddConversationMessage(ctx, say(c, fmt.Sprintf("s%d-%d", i, j), "hi", int64(i%2), t0))
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	msgs, err := s.ConversationMessages(ctx, 1, c.ID, 0, 0)
	must(t, err)
	seen := map[string]bool{}
	for i, m := range msgs {
		if m.Seq != int64(i+1) || seen[m.ClientID] {
			t.Fatalf("message %d has seq %d (client id %s, seen %v)", i, m.Seq, m.ClientID, seen[m.ClientID])
		}
		seen[m.ClientID] = true
	}
	if len(msgs) != senders*each {
		t.Fatalf("%d messages, want %d", len(msgs), senders*each)
	}
}

// testCopyConversations: copying keeps ids, secrets and numbers, is
// harmless to repeat, and runs on an account that is not active.
func testCopyConversations(t *testing.T, from, to chatlift.PlatformStore) {
	ctx := context.Background()
	c := openConversation(t, from, 1, "cv_c")
	m1, _, err := from.AddConversationMessage(ctx, say(c, "m1", "hello", 0, t0))
	must(t, err)
	conv, err := from.Conversation(ctx, 1, c.ID)
	must(t, err)
	acct := chatAccount(1)
	acct.State = chatlift.ChatAccountMaintenance
	must(t, to.PutChatAccount(ctx, acct))
	for range 2 {
		must(t, to.CopyConversations(ctx, []*chatlift.Conversation{conv}, []*chatlift.ConversationMessage{m1}))
	}
	got, err := to.Conversation(ctx, 1, c.ID)
	must(t, err)
	same(t, "copied conversation", got, conv)
	if got.SecretHash != conv.SecretHash {
		t.Fatal("the secret's hash was not copied")
	}
	msgs, err := to.ConversationMessages(ctx, 1, c.ID, 0, 0)
	must(t, err)
	same(t, "copied messages", msgs, []*chatlift.ConversationMessage{m1})
	_, err = to.SetChatAccountState(ctx, 1, chatlift.ChatAccountActive)
	must(t, err)
	m2, _, err := to.AddConversationMessage(ctx, say(c, "m2", "on the other side", 0, t0))
	must(t, err)
	moved, err := to.Conversation(ctx, 1, c.ID)
	must(t, err)
	if m2.Seq != 2 || moved.ChangeSeq <= conv.ChangeSeq {
		t.Fatalf("after the copy: seq %d, change %d (copied at change %d)", m2.Seq, moved.ChangeSeq, conv.ChangeSeq)
	}
	must(t, to.PutWidgetKey(ctx, 1, "wk_c"))
	must(t, to.DeleteConversations(ctx, 1))
	_, err = to.Conversation(ctx, 1, c.ID)
	wantCode(t, err, chatlift.ENOTFOUND)
	_, err = to.WidgetKey(ctx, 1)
	wantCode(t, err, chatlift.ENOTFOUND)
}
