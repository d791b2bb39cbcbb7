package chatapi

import (
	"net/http"
	"strings"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// OfflineMessageRequest is the body of POST /chats: a message a visitor left
// while no agent was online.
type OfflineMessageRequest struct {
	Visitor struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
		Phone string `json:"phone"`
	} `json:"visitor"`
	Message      string `json:"message"`
	DepartmentID *int64 `json:"department_id"`
}

// chat turns the request into a new offline_msg chat at now.
func (q *OfflineMessageRequest) chat(c *chatCaller) (*chatlift.Chat, error) {
	msg := strings.TrimSpace(q.Message)
	switch {
	case msg == "":
		return nil, chatlift.Errorf(chatlift.EINVALID, "message is required")
	case len(msg) > 64<<10:
		return nil, chatlift.Errorf(chatlift.EINVALID, "message is longer than 64 KiB")
	case q.Visitor.Email != "" && !chatlift.ValidEmail(q.Visitor.Email):
		return nil, chatlift.Errorf(chatlift.EINVALID, "visitor email %q is not an email address", q.Visitor.Email)
	case q.Visitor.Name == "":
		return nil, chatlift.Errorf(chatlift.EINVALID, "visitor name is required")
	}
	if q.Visitor.ID == "" {
		q.Visitor.ID = "v." + newChatID(c.Account.ID, c.Now, c.Platform)
	}
	return &chatlift.Chat{
		ID: newChatID(c.Account.ID, c.Now, c.Platform), AccountID: c.Account.ID, Type: chatlift.ChatTypeOfflineMsg,
		Visitor:   chatlift.ChatVisitor{ID: q.Visitor.ID, Name: q.Visitor.Name, Email: q.Visitor.Email, Phone: q.Visitor.Phone},
		Timestamp: c.Now, UpdateTimestamp: c.Now, DepartmentID: q.DepartmentID, AgentIDs: []int64{}, AgentNames: []string{}, Tags: []string{},
		History: []chatlift.Message{{Type: "offline_msg", Msg: msg, Name: q.Visitor.Name, SenderType: "Visitor", Timestamp: c.Now}},
		Count:   chatlift.MessageCount{Visitor: 1, Total: 1},
	}, nil
}

func createOfflineMessage(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	var q OfflineMessageRequest
	if err := api.Decode(r, &q); err != nil {
		return err
	}
	ch, err := q.chat(c)
	if err != nil {
		return err
	}
	err = c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		return tx.PutChats(r.Context(), []*chatlift.Chat{ch})
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, ch)
	return nil
}

// MessageRequest is the body of POST /chats/{id}/messages.
type MessageRequest struct {
	Msg        string `json:"msg"`
	Name       string `json:"name"`
	SenderType string `json:"sender_type"` // Agent or Visitor
	AgentID    *int64 `json:"agent_id"`
}

func (q *MessageRequest) validate() error {
	switch {
	case strings.TrimSpace(q.Msg) == "":
		return chatlift.Errorf(chatlift.EINVALID, "msg is required")
	case len(q.Msg) > 64<<10:
		return chatlift.Errorf(chatlift.EINVALID, "msg is longer than 64 KiB")
	case q.SenderType != "Agent" && q.SenderType != "Visitor":
		return chatlift.Errorf(chatlift.EINVALID, "sender_type must be Agent or Visitor")
	case q.SenderType == "Agent" && q.AgentID == nil:
		return chatlift.Errorf(chatlift.EINVALID, "agent_id is required for an agent's message")
	}
	return nil
}

// appendMessage adds a message to a live chat, atomically with the freeze:
// the message is either in the chat before the account's cutover or refused.
func appendMessage(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	var q MessageRequest
	if err := api.Decode(r, &q); err != nil {
		return err
	}
	if err := q.validate(); err != nil {
		return err
	}
	var ch *chatlift.Chat
	err := c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		var err error
		if ch, err = c.chatIn(r.Context(), tx, r.PathValue("id")); err != nil {
			return err
		}
		if ch.Type != chatlift.ChatTypeChat || ch.EndTimestamp != nil {
			return chatlift.Errorf(chatlift.ECONFLICT, "chat %s has ended; messages go to live chats only", ch.ID)
		}
		ch.History = append(ch.History, chatlift.Message{Type: "chat.msg", Msg: q.Msg, Name: q.Name,
			SenderType: q.SenderType, AgentID: q.AgentID, Timestamp: c.Now})
		if q.SenderType == "Agent" {
			ch.Count.Agent++
		} else {
			ch.Count.Visitor++
		}
		ch.Count.Total++
		ch.UpdateTimestamp = c.Now
		return tx.PutChats(r.Context(), []*chatlift.Chat{ch})
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, ch)
	return nil
}
