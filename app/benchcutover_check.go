package app

import (
	"context"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/throttle"
)

// streamCatchUp bounds how long a stream may take to deliver the last
// message once the senders stopped.
const streamCatchUp = 30 * time.Second

// check reads every conversation's messages from the store that serves its
// account and compares them with what each send was answered and what the
// stream delivered.
func (b *CutoverBench) check(ctx context.Context, srv *Serve, accounts []*benchAccountLoad, r *CutoverBenchReport) error {
	router := &chathome.Router[*sqlstore.DB]{Legacy: srv.Stores.Legacy, Platform: srv.Stores.Platform}
	done := int64(0)
	for _, a := range accounts {
		home, err := router.Home(ctx, a.cred.AccountID)
		if err != nil {
			return fmt.Errorf("account %d: %w", a.cred.AccountID, err)
		}
		store := router.Store(home.Side)
		if store == nil {
			return fmt.Errorf("account %d is still frozen", a.cred.AccountID)
		}
		for _, c := range a.convs {
			stored, err := storedMessages(ctx, store, a.cred.AccountID, c.id)
			if err != nil {
				return err
			}
			c.awaitStream(ctx, stored)
			c.compare(stored, r)
			done++
			b.progress(done)
		}
	}
	return nil
}

// storedMessages reads all of a conversation's messages in seq order.
func storedMessages(ctx context.Context, store chatlift.ConversationStore, accountID int64, id string) ([]*chatlift.ConversationMessage, error) {
	var all []*chatlift.ConversationMessage
	for {
		after := int64(0)
		if len(all) > 0 {
			after = all[len(all)-1].Seq
		}
		page, err := store.ConversationMessages(ctx, accountID, id, after, 500)
		if err != nil {
			return nil, fmt.Errorf("conversation %s: %w", id, err)
		}
		if len(page) == 0 {
			return all, nil
		}
		all = append(all, page...)
	}
}

// awaitStream waits, within streamCatchUp, until the stream delivered the
// last stored message.
func (c *benchConv) awaitStream(ctx context.Context, stored []*chatlift.ConversationMessage) {
	if len(stored) == 0 {
		return
	}
	deadline := time.Now().Add(streamCatchUp)
	for c.streamedUpTo() < stored[len(stored)-1].Seq && time.Now().Before(deadline) && throttle.Sleep(ctx, 20*time.Millisecond) == nil {
	}
}

// compare adds to r what CompareConversation finds in the conversation.
func (c *benchConv) compare(stored []*chatlift.ConversationMessage, r *CutoverBenchReport) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r.StreamReconnects += c.reconnect
	r.SendsFailed += c.failed
	t := CompareConversation(stored, c.sent[:], c.delivered)
	r.MessagesSent += t.Sent
	r.MessagesDelivered += t.Delivered
	r.MessagesLost += t.Lost
	r.MessagesDuplicated += t.Duplicated
	r.MessagesOutOfOrder += t.OutOfOrder
}

// ConversationTally is what CompareConversation found in one conversation.
type ConversationTally struct {
	Sent, Delivered, Lost, Duplicated, OutOfOrder int64
}

// CompareConversation compares a conversation's stored messages (as the
// store lists them) with the sends that were answered (each sender's, in
// the order it sent them, as the answer gave them: client message id and
// seq) and with what its stream delivered, in order. Lost: a message
// answered but not stored, or stored but never streamed. Duplicated: a
// client message id stored twice, or a seq streamed twice. Out of order:
// stored seqs not 1, 2, 3, … without a gap; a message stored under
// another seq than its send was answered, or before an earlier send of the
// same sender; a stream skipping a seq or delivering another message than
// the stored one.
func CompareConversation(stored []*chatlift.ConversationMessage, sent [][]chatlift.ConversationMessage, delivered []chatlift.ConversationMessage) ConversationTally {
	var t ConversationTally
	bySeq := map[int64]*chatlift.ConversationMessage{}
	byClient := map[string]int64{}
	for i, m := range stored {
		if m.Seq != int64(i+1) {
			t.OutOfOrder++
		}
		bySeq[m.Seq] = m
		if _, twice := byClient[m.ClientID]; !twice {
			byClient[m.ClientID] = m.Seq // the first copy
		} else if m.ClientID != "" {
			t.Duplicated++
		}
	}
	for _, bySender := range sent {
		last := int64(0)
		for _, m := range bySender {
			t.Sent++
			seq, ok := byClient[m.ClientID]
			if !ok {
				t.Lost++
				continue
			}
			if seq != m.Seq || seq <= last {
				t.OutOfOrder++
			}
			last = seq
		}
	}
	seen := map[int64]bool{}
	last := int64(0)
	for _, m := range delivered {
		if seen[m.Seq] {
			t.Duplicated++
			continue
		}
		if m.Seq != last+1 || bySeq[m.Seq] == nil || bySeq[m.Seq].ClientID != m.ClientID {
			t.OutOfOrder++
		}
		seen[m.Seq], last = true, m.Seq
		t.Delivered++
	}
	for _, m := range stored {
		if !seen[m.Seq] {
			t.Lost++
		}
	}
	return t
}
