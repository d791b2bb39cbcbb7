package chatapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// ChatDoc is a chat as the chat REST API shows it: the stored chat with the
// fields the reference documents that chatlift derives rather than stores.
// Fields declared here take the place of the stored chat's of the same name.
type ChatDoc struct {
	*chatlift.Chat
	DepartmentName    *string                 `json:"department_name"`
	Unread            bool                    `json:"unread"`
	StartedBy         string                  `json:"started_by"`
	Webpath           []chatlift.WebpathEntry `json:"webpath"`
	Conversions       []any                   `json:"conversions"`
	Engagements       []chatlift.Engagement   `json:"engagements"`
	TriggeredResponse bool                    `json:"triggered_response"`
	// Message is an offline message's text.
	Message *string      `json:"message,omitempty"`
	History []HistoryDoc `json:"history"`
}

// HistoryDoc is one history entry with its channel and message id.
type HistoryDoc struct {
	chatlift.Message
	Channel string `json:"channel"`
	MsgID   string `json:"msg_id,omitempty"`
}

// chatDoc derives the documented fields of ch; names are the account's
// department names by id.
func chatDoc(ch *chatlift.Chat, names map[int64]string) *ChatDoc {
	d := &ChatDoc{Chat: ch, Webpath: api.NonNil(ch.Webpath), Conversions: []any{}, Engagements: api.NonNil(ch.Engagements),
		History: make([]HistoryDoc, len(ch.History)), StartedBy: "visitor"}
	if ch.DepartmentID != nil {
		if name, ok := names[*ch.DepartmentID]; ok {
			d.DepartmentName = &name
		}
	}
	for i, m := range ch.History {
		d.History[i] = HistoryDoc{Message: m, Channel: "#" + ch.ID}
		if m.Type == "chat.msg" || m.Type == chatlift.ChatTypeOfflineMsg {
			d.History[i].MsgID = strconv.FormatInt(m.Timestamp.UnixMilli(), 10) + "." + strconv.Itoa(i)
		}
	}
	if first := firstMessage(ch); first != nil {
		switch strings.ToLower(first.SenderType) {
		case "agent":
			d.StartedBy = "agent"
		case "trigger":
			d.StartedBy = "trigger"
			d.TriggeredResponse = true
		}
	}
	if ch.Type == chatlift.ChatTypeOfflineMsg {
		if first := firstMessage(ch); first != nil {
			msg := first.Msg
			d.Message = &msg
		}
	}
	return d
}

// firstMessage is the chat's first entry with text, nil if none.
func firstMessage(ch *chatlift.Chat) *chatlift.Message {
	for i := range ch.History {
		if ch.History[i].Msg != "" {
			return &ch.History[i]
		}
	}
	return nil
}

// chatDocs shows chats as the API does, reading the department names once.
func (c *chatCaller) chatDocs(ctx context.Context, chats []*chatlift.Chat) ([]*ChatDoc, error) {
	names, err := c.departmentNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*ChatDoc, len(chats))
	for i, ch := range chats {
		out[i] = chatDoc(ch, names)
	}
	return out, nil
}

// departmentNames are the account's department names by id.
func (c *chatCaller) departmentNames(ctx context.Context) (map[int64]string, error) {
	objs, err := c.Store.Objects(ctx, c.Account.ID, chatlift.KindDepartment)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(objs))
	for _, o := range objs {
		var d struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(o.Body, &d) == nil {
			names[o.ID] = d.Name
		}
	}
	return names, nil
}
