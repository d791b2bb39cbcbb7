package convapi

import (
	"net/http"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// StartRequest starts a conversation; every field is optional.
type StartRequest struct {
	Visitor struct {
		Name  string `json:"name"`
		Email string `json:"email"`
		Phone string `json:"phone"`
	} `json:"visitor"`
}

// StartResponse is a new conversation with its visitor's token, shown once.
type StartResponse struct {
	Conversation *chatlift.Conversation `json:"conversation"`
	Token        string                 `json:"token"`
}

// SendRequest is one message; the client's id for it makes a repeated
// send harmless.
type SendRequest struct {
	ClientMessageID string `json:"client_message_id"`
	Msg             string `json:"msg"`
}

// MessageResponse is a message as stored.
type MessageResponse struct {
	Message *chatlift.ConversationMessage `json:"message"`
}

// ConversationResponse is a conversation with a page of its messages.
type ConversationResponse struct {
	Conversation *chatlift.Conversation          `json:"conversation"`
	Messages     []*chatlift.ConversationMessage `json:"messages"`
}

func (a *API) startConversation(w http.ResponseWriter, r *http.Request, c *widgetCaller) error {
	var q StartRequest
	if err := api.Decode(r, &q); err != nil {
		return err
	}
	v := chatlift.ChatVisitor{Name: q.Visitor.Name, Email: q.Visitor.Email, Phone: q.Visitor.Phone}
	s := chatlift.ChatSession{IP: clientIP(r.RemoteAddr), UserAgent: truncate(r.UserAgent(), chatlift.MaxURLBytes)}
	conv, token, err := a.Service.Start(r.Context(), c.Store, c.Account.ID, v, s)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, StartResponse{Conversation: conv, Token: token})
	return nil
}

func (a *API) getVisitorConversation(w http.ResponseWriter, r *http.Request, c *widgetCaller) error {
	return writeConversation(w, r, c.Store, c.Conversation)
}

func (a *API) sendVisitorMessage(w http.ResponseWriter, r *http.Request, c *widgetCaller) error {
	return a.send(w, r, c.Store, c.Conversation, nil)
}

func (a *API) endVisitorConversation(w http.ResponseWriter, r *http.Request, c *widgetCaller) error {
	return a.end(w, r, c.Store, c.Conversation, nil, chatlift.EndedByVisitor)
}

func (a *API) visitorEvents(w http.ResponseWriter, r *http.Request, c *widgetCaller) error {
	return a.stream(w, r, c.Store, c.Side, c.Conversation)
}

// send stores a message of the visitor (agent nil) or the agent: 201 when
// it is new, 200 with the message as first stored when the client message
// id was sent before.
func (a *API) send(w http.ResponseWriter, r *http.Request, st Store, conv *chatlift.Conversation, agent *chatlift.Agent) error {
	var q SendRequest
	if err := api.Decode(r, &q); err != nil {
		return err
	}
	m, added, err := a.Service.Send(r.Context(), st, conv, agent, q.ClientMessageID, q.Msg)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if added {
		status = http.StatusCreated
	}
	api.WriteJSON(w, status, MessageResponse{Message: m})
	return nil
}

func (a *API) end(w http.ResponseWriter, r *http.Request, st Store, conv *chatlift.Conversation, agent *chatlift.Agent, by string) error {
	ended, err := a.Service.End(r.Context(), st, conv, agent, by)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, ConversationResponse{Conversation: ended, Messages: []*chatlift.ConversationMessage{}})
	return nil
}

// writeConversation answers the conversation with its messages after the
// after_seq parameter (0 when absent), at most chatlift.MaxLimit.
func writeConversation(w http.ResponseWriter, r *http.Request, st Store, conv *chatlift.Conversation) error {
	after := int64(0)
	if v := r.URL.Query().Get("after_seq"); v != "" {
		n, ok := api.ParseDecimal(v)
		if !ok {
			return chatlift.Errorf(chatlift.EINVALID, "after_seq must be a whole number")
		}
		after = n
	}
	msgs, err := st.ConversationMessages(r.Context(), conv.AccountID, conv.ID, after, chatlift.MaxLimit)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, ConversationResponse{Conversation: conv, Messages: api.NonNil(msgs)})
	return nil
}
