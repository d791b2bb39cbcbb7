// Package conversation runs live conversations on an account's widget: a
// visitor starts one with the account's public widget key, visitor and
// agents send messages (each numbered per conversation, each send kept once
// by its client message id), and the conversation ends, by either side or
// after an idle time, as a chat with its whole history. It also copies an
// account's open conversations from one chat store to the other for the
// cutover (and back, for a revert), and wakes the streams that follow a
// conversation when a message lands.
//
// The rules live here; the HTTP API (httpapi/convapi) decodes, finds the
// store that serves the account (chathome.Router) and calls the Service.
package conversation

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// Store is what the service reads and writes of the chat store that serves
// an account.
type Store interface {
	WidgetKey(ctx context.Context, accountID int64) (string, error)
	PutWidgetKey(ctx context.Context, accountID int64, key string) error
	CreateConversation(ctx context.Context, c *chatlift.Conversation) error
	Conversation(ctx context.Context, accountID int64, id string) (*chatlift.Conversation, error)
	AddConversationMessage(ctx context.Context, m *chatlift.ConversationMessage) (*chatlift.ConversationMessage, bool, error)
	EndConversation(ctx context.Context, accountID int64, id, by string, last *chatlift.ConversationMessage) (*chatlift.Conversation, error)
}

var _ Store = chatlift.ConversationStore(nil)

// Service is the conversations' rules over whichever store serves an
// account; the store is passed to each call.
type Service struct {
	// Hub is told of every message stored, to wake the streams.
	Hub *Hub
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// WidgetKey returns the account's widget key, giving it one if it has none.
func (s *Service) WidgetKey(ctx context.Context, st Store, accountID int64) (string, error) {
	key, err := st.WidgetKey(ctx, accountID)
	if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		return key, err
	}
	key = "wk_" + chatlift.NewSecret()[:32]
	if err := st.PutWidgetKey(ctx, accountID, key); err != nil {
		return "", err
	}
	return st.WidgetKey(ctx, accountID)
}

// Start opens a conversation for the visitor on the account's widget and
// returns it with the visitor's conversation token, shown this once: the
// token is the conversation's secret, its id only names it.
func (s *Service) Start(ctx context.Context, st Store, accountID int64, visitor chatlift.ChatVisitor, session chatlift.ChatSession) (*chatlift.Conversation, string, error) {
	now := s.now()
	token := chatlift.NewSecret()
	id := chatlift.ConversationIDPrefix + chatlift.NewSecret()[:24]
	if visitor.ID == "" {
		visitor.ID = "v_" + id[len(chatlift.ConversationIDPrefix):]
	}
	session.StartDate = now
	c := &chatlift.Conversation{ID: id, AccountID: accountID, State: chatlift.ConversationOpen, Visitor: visitor,
		Session: session, StartedAt: now, LastActivityAt: now, AgentIDs: []int64{}, SecretHash: chatlift.HashSecret(token)}
	if err := st.CreateConversation(ctx, c); err != nil {
		return nil, "", err
	}
	s.Hub.Notify(accountID, c.ID)
	return c, token, nil
}

// Visitor returns the account's conversation id if token is its visitor's;
// ENOTFOUND otherwise, the same whether the conversation does not exist or
// the token is wrong, so that ids cannot be probed.
func (s *Service) Visitor(ctx context.Context, st Store, accountID int64, id, token string) (*chatlift.Conversation, error) {
	notFound := chatlift.Errorf(chatlift.ENOTFOUND, "no such conversation")
	if !chatlift.ValidKey(id) || token == "" {
		return nil, notFound
	}
	c, err := st.Conversation(ctx, accountID, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(c.SecretHash), []byte(chatlift.HashSecret(token))) != 1 {
		return nil, notFound
	}
	return c, nil
}

// Send is one message of the visitor (agent nil) or of agent in c. A send
// repeated with the same client message id returns the message stored the
// first time (added false).
func (s *Service) Send(ctx context.Context, st Store, c *chatlift.Conversation, agent *chatlift.Agent, clientID, text string) (*chatlift.ConversationMessage, bool, error) {
	if strings.TrimSpace(text) == "" {
		return nil, false, chatlift.Errorf(chatlift.EINVALID, "msg is required")
	}
	m := s.message(c, agent, chatlift.MessageTypeMsg)
	m.ClientID, m.Msg = clientID, text
	stored, added, err := st.AddConversationMessage(ctx, m)
	if err == nil && added {
		s.Hub.Notify(c.AccountID, c.ID)
	}
	return stored, added, err
}

// End ends c for by (the visitor, an agent or the idle sweeper), adding the
// leaving side's message, and stores its chat; ending an ended
// conversation changes nothing.
func (s *Service) End(ctx context.Context, st Store, c *chatlift.Conversation, agent *chatlift.Agent, by string) (*chatlift.Conversation, error) {
	if c.State == chatlift.ConversationEnded {
		return c, nil
	}
	m := s.message(c, agent, chatlift.MessageTypeLeave)
	m.ClientID = "end"
	if by == chatlift.EndedByIdle {
		m.SenderType, m.Name, m.Msg = chatlift.SenderSystem, "System", "The conversation ended after a time without messages."
	}
	ended, err := st.EndConversation(ctx, c.AccountID, c.ID, by, m)
	if err == nil {
		s.Hub.Notify(c.AccountID, c.ID)
	}
	return ended, err
}

// message is a message of c by agent, or by its visitor when agent is nil.
func (s *Service) message(c *chatlift.Conversation, agent *chatlift.Agent, typ string) *chatlift.ConversationMessage {
	m := &chatlift.ConversationMessage{ConversationID: c.ID, AccountID: c.AccountID,
		Message: chatlift.Message{Type: typ, SenderType: chatlift.SenderVisitor, Name: c.Visitor.Name, Timestamp: s.now()}}
	if m.Name == "" {
		m.Name = "Visitor"
	}
	if agent != nil {
		id := agent.ID
		m.SenderType, m.Name, m.AgentID = chatlift.SenderAgent, agent.DisplayName, &id
	}
	return m
}
