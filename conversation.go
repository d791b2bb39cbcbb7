package chatlift

import (
	"context"
	"strings"
	"time"
)

// Conversation states.
const (
	ConversationOpen  = "open"
	ConversationEnded = "ended"
)

// Who ended a conversation.
const (
	EndedByVisitor = "visitor"
	EndedByAgent   = "agent"
	EndedByIdle    = "idle"
)

// Message types and senders of a live conversation, as the chat history
// names them.
const (
	MessageTypeMsg   = "chat.msg"
	MessageTypeLeave = "chat.memberleave"
	SenderVisitor    = "Visitor"
	SenderAgent      = "Agent"
	SenderSystem     = "System"
)

// Conversation limits (docs/limits.md): a live conversation's message text
// is shorter than a stored chat message's, and one conversation holds at
// most as many messages as a chat's history, its leave message included.
const (
	MaxConversationMessageBytes = 4 << 10
	MaxConversationMessages     = MaxHistory
	// ConversationIdPrefix starts every conversation id.
	ConversationIDPrefix = "cv_"
)

// Conversation is a live chat a visitor holds on an account's widget. Its
// messages are numbered 1, 2, … without gaps (Seq); LastSeq is the last
// number given. When it ends it becomes a Chat with the same id and its
// whole history.
type Conversation struct {
	ID             string      `json:"id"`
	AccountID      int64       `json:"-"`
	State          string      `json:"state"`
	Visitor        ChatVisitor `json:"visitor"`
	Session        ChatSession `json:"session"`
	StartedAt      time.Time   `json:"started_at"`
	LastActivityAt time.Time   `json:"last_activity_at"`
	EndedAt        *time.Time  `json:"ended_at"`
	EndedBy        string      `json:"ended_by,omitempty"`
	LastSeq        int64       `json:"last_seq"`
	// ChangeSeq numbers the conversation's last change among the account's
	// conversations' changes: the agents' stream of them resumes after it.
	ChangeSeq int64   `json:"change_seq"`
	AgentIDs  []int64 `json:"agent_ids"`
	// SecretHash is the hash of the visitor's conversation token; never shown.
	SecretHash string `json:"-"`
}

// Validate reports the first problem with c.
func (c *Conversation) Validate() error {
	v, s := c.Visitor, c.Session
	err := firstError(checkKey("id", c.ID), checkVisitorFields("visitor.", v.ID, v.Name, v.Email, v.Phone, v.Notes),
		checkBytes("session.ip", s.IP, MaxShortRunes), checkBytes("session.user_agent", s.UserAgent, MaxURLBytes),
		checkCount("agent_ids", len(c.AgentIDs), MaxIDs))
	switch {
	case err != nil:
		return err
	case !strings.HasPrefix(c.ID, ConversationIDPrefix):
		return Errorf(EINVALID, "conversation id %q does not start with %s", c.ID, ConversationIDPrefix)
	case !oneOf(c.State, ConversationOpen, ConversationEnded):
		return Errorf(EINVALID, "unknown conversation state %q", c.State)
	case c.StartedAt.IsZero():
		return Errorf(EINVALID, "conversation %s has no start time", c.ID)
	case v.Email != "" && !ValidEmail(v.Email):
		return Errorf(EINVALID, "visitor email %q is not an email address", v.Email)
	}
	return nil
}

// ConversationMessage is one message of a live conversation. ClientID is
// the sender's own id for it: a send repeated with the same ClientID is
// stored once.
type ConversationMessage struct {
	ConversationID string `json:"conversation_id"`
	AccountID      int64  `json:"-"`
	Seq            int64  `json:"seq"`
	ClientID       string `json:"client_message_id"`
	Message
}

// Validate reports the first problem with m.
func (m *ConversationMessage) Validate() error {
	err := firstError(checkKey("conversation_id", m.ConversationID), checkKey("client_message_id", m.ClientID),
		checkBytes("msg", m.Msg, MaxConversationMessageBytes), m.Message.checkLimits())
	switch {
	case err != nil:
		return err
	case m.Type == MessageTypeMsg && strings.TrimSpace(m.Msg) == "":
		return Errorf(EINVALID, "msg is required")
	case !oneOf(m.SenderType, SenderVisitor, SenderAgent, SenderSystem):
		return Errorf(EINVALID, "unknown sender type %q", m.SenderType)
	}
	return nil
}

// Chat is the ended conversation as a chat with its whole history, in the
// shape of every other chat.
func (c *Conversation) Chat(msgs []*ConversationMessage) *Chat {
	end := c.LastActivityAt
	if c.EndedAt != nil {
		end = *c.EndedAt
	}
	ch := &Chat{ID: c.ID, AccountID: c.AccountID, Type: ChatTypeChat, Visitor: c.Visitor, Session: c.Session,
		Timestamp: c.StartedAt, EndTimestamp: &end, UpdateTimestamp: end, Duration: int(end.Sub(c.StartedAt).Seconds()),
		AgentIDs: append([]int64{}, c.AgentIDs...), AgentNames: []string{}, Tags: []string{}, History: []Message{}}
	ch.Session.EndDate = &end
	named := map[int64]bool{}
	for _, m := range msgs {
		ch.History = append(ch.History, m.Message)
		switch {
		case m.Type != MessageTypeMsg:
		case m.SenderType == SenderVisitor:
			ch.Count.Visitor++
		case m.SenderType == SenderAgent:
			ch.Count.Agent++
			if m.AgentID != nil && !named[*m.AgentID] {
				named[*m.AgentID] = true
				ch.AgentNames = append(ch.AgentNames, m.Name)
			}
		}
	}
	ch.Count.Total = ch.Count.Visitor + ch.Count.Agent
	ch.Missed = ch.Count.Agent == 0
	return ch
}

// ConversationFilter pages through an account's conversations in id order.
type ConversationFilter struct {
	AccountID int64
	// State selects conversations in that state; "" selects all.
	State   string
	AfterID string
	Limit   int
}

// ConversationStore keeps live conversations; both chat stores have one.
// Writes that change a conversation (AddConversationMessage, EndConversation,
// CreateConversation) land only while the account is active on that store,
// as InAccountWrite's do; CopyConversations writes whatever the account's
// state, for the cutover.
type ConversationStore interface {
	// WidgetKeyAccount returns the account whose widget has the key;
	// ENOTFOUND if none.
	WidgetKeyAccount(ctx context.Context, key string) (int64, error)
	// WidgetKey returns the account's widget key; ENOTFOUND if it has none.
	WidgetKey(ctx context.Context, accountID int64) (string, error)
	// PutWidgetKey gives the account the key (an upsert by account).
	PutWidgetKey(ctx context.Context, accountID int64, key string) error

	// CreateConversation stores a new open conversation.
	CreateConversation(ctx context.Context, c *Conversation) error
	// Conversation returns the account's conversation id (with its
	// SecretHash); ENOTFOUND if none.
	Conversation(ctx context.Context, accountID int64, id string) (*Conversation, error)
	Conversations(ctx context.Context, f ConversationFilter) ([]*Conversation, error)
	// ConversationChanges returns the account's conversations changed after
	// change afterChange, in ChangeSeq order, at most limit (PageSize).
	ConversationChanges(ctx context.Context, accountID, afterChange int64, limit int) ([]*Conversation, error)
	// AddConversationMessage gives m the conversation's next sequence number
	// and stores it, in one transaction, and returns it as stored. If the
	// conversation already has a message with m's ClientID, that message is
	// returned and nothing is written (added is false). ECONFLICT if the
	// conversation has ended or is full.
	AddConversationMessage(ctx context.Context, m *ConversationMessage) (stored *ConversationMessage, added bool, err error)
	// ConversationMessages returns the conversation's messages after seq
	// afterSeq, in order, at most limit (PageSize).
	ConversationMessages(ctx context.Context, accountID int64, id string, afterSeq int64, limit int) ([]*ConversationMessage, error)
	// EndConversation adds last (a leave message) and ends the conversation
	// at last's time, and stores its chat with the whole history, in one
	// transaction. Ending an ended conversation returns it as it is.
	EndConversation(ctx context.Context, accountID int64, id, by string, last *ConversationMessage) (*Conversation, error)
	// IdleConversations lists up to limit open conversations with no
	// activity since before, oldest activity first, of the accounts active
	// on this store: a stale copy left on the other side of a cutover is
	// never listed.
	IdleConversations(ctx context.Context, before time.Time, limit int) ([]*Conversation, error)
	// CopyConversations writes the conversations and messages as they are,
	// ids, secrets and sequence numbers kept (an upsert by key); the
	// account's change counter moves past their ChangeSeq.
	CopyConversations(ctx context.Context, convs []*Conversation, msgs []*ConversationMessage) error
	// DeleteConversations removes the account's conversations, their
	// messages and its widget key.
	DeleteConversations(ctx context.Context, accountID int64) error
}
