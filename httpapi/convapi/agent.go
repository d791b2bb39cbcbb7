package convapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/httpapi/api"
)

// ListResponse is a page of conversations; NextAfter is the after
// parameter of the next page, "" on the last.
type ListResponse struct {
	Conversations []*chatlift.Conversation `json:"conversations"`
	NextAfter     string                   `json:"next_after"`
}

// WidgetResponse is the account's widget key.
type WidgetResponse struct {
	WidgetKey string `json:"widget_key"`
}

// getWidgetKey answers the account's widget key, giving it one on the
// first ask: the key is public, it goes in the widget snippet.
func (a *API) getWidgetKey(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	key, err := a.Service.WidgetKey(r.Context(), c.Store, c.Account.ID)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, WidgetResponse{WidgetKey: key})
	return nil
}

// listConversations pages through the account's conversations in id
// order: state=open (the default), ended or all.
func (a *API) listConversations(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	q := r.URL.Query()
	f := chatlift.ConversationFilter{AccountID: c.Account.ID, State: chatlift.ConversationOpen, AfterID: q.Get("after"), Limit: chatlift.DefaultLimit}
	switch s := q.Get("state"); s {
	case "", chatlift.ConversationOpen:
	case chatlift.ConversationEnded:
		f.State = s
	case "all":
		f.State = ""
	default:
		return chatlift.Errorf(chatlift.EINVALID, "state must be open, ended or all")
	}
	if f.AfterID != "" && !chatlift.ValidKey(f.AfterID) {
		return chatlift.Errorf(chatlift.EINVALID, "after is not a conversation id")
	}
	list, err := c.Store.Conversations(r.Context(), f)
	if err != nil {
		return err
	}
	res := ListResponse{Conversations: api.NonNil(list)}
	if len(list) == f.Limit {
		res.NextAfter = list[len(list)-1].ID
	}
	api.WriteJSON(w, http.StatusOK, res)
	return nil
}

// agentConversation is the caller's account's conversation in the path.
func agentConversation(r *http.Request, c *api.ChatCaller[Store]) (*chatlift.Conversation, error) {
	id := r.PathValue("id")
	if !chatlift.ValidKey(id) {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no such conversation")
	}
	return c.Store.Conversation(r.Context(), c.Account.ID, id)
}

func (a *API) getConversation(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	conv, err := agentConversation(r, c)
	if err != nil {
		return err
	}
	return writeConversation(w, r, c.Store, conv)
}

func (a *API) sendAgentMessage(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	conv, err := agentConversation(r, c)
	if err != nil {
		return err
	}
	return a.send(w, r, c.Store, conv, c.Agent)
}

func (a *API) endAgentConversation(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	conv, err := agentConversation(r, c)
	if err != nil {
		return err
	}
	return a.end(w, r, c.Store, conv, c.Agent, chatlift.EndedByAgent)
}

// accountEvents streams the account's conversations as they change: each
// change is an event "conversation" with the conversation (messages not
// included), its id the conversation's change_seq, so a reconnect with
// Last-Event-ID gets every conversation changed since, once, in order.
func (a *API) accountEvents(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	return a.follow(w, r, callerSide(c), c.Account.ID, "", func(ctx context.Context, last int64) ([]event, int64, *event, error) {
		changed, err := c.Store.ConversationChanges(ctx, c.Account.ID, last, chatlift.DefaultLimit)
		events := make([]event, len(changed))
		for i, conv := range changed {
			events[i], last = event{strconv.FormatInt(conv.ChangeSeq, 10), "conversation", conv}, conv.ChangeSeq
		}
		return events, last, nil, err
	})
}

func callerSide(c *api.ChatCaller[Store]) chathome.Side {
	if c.Platform {
		return chathome.Platform
	}
	return chathome.Legacy
}

func (a *API) agentEvents(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
	conv, err := agentConversation(r, c)
	if err != nil {
		return err
	}
	return a.stream(w, r, c.Store, callerSide(c), conv)
}
