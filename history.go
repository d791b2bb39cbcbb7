package chatlift

import (
	"encoding/json"
	"time"
)

// Chat types.
const (
	ChatTypeChat       = "chat"
	ChatTypeOfflineMsg = "offline_msg"
)

// Chat is one conversation (or offline message) with its whole transcript, in
// the field names of the chat REST API.
type Chat struct {
	ID              string         `json:"id"`
	AccountID       int64          `json:"-"`
	Type            string         `json:"type"`
	Visitor         ChatVisitor    `json:"visitor"`
	Session         ChatSession    `json:"session"`
	Timestamp       time.Time      `json:"timestamp"`
	EndTimestamp    *time.Time     `json:"end_timestamp"`
	UpdateTimestamp time.Time      `json:"update_timestamp"`
	Duration        int            `json:"duration"` // seconds
	DepartmentID    *int64         `json:"department_id"`
	AgentIDs        []int64        `json:"agent_ids"`
	AgentNames      []string       `json:"agent_names"`
	Tags            []string       `json:"tags"`
	History         []Message      `json:"history"`
	Count           MessageCount   `json:"count"`
	ResponseTime    *ResponseTime  `json:"response_time"`
	Rating          *string        `json:"rating"` // "good", "bad" or nil
	Comment         *string        `json:"comment"`
	Missed          bool           `json:"missed"`
	Triggered       bool           `json:"triggered"`
	TicketID        *int64         `json:"zendesk_ticket_id"`
	Engagements     []Engagement   `json:"engagements,omitempty"`
	Webpath         []WebpathEntry `json:"webpath,omitempty"`
}

// WebpathEntry is one page the visitor went to during a chat.
type WebpathEntry struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Title     string    `json:"title"`
	Timestamp time.Time `json:"timestamp"`
}

// Validate reports the first problem with c.
func (c *Chat) Validate() error {
	switch err := c.checkLimits(); {
	case err != nil:
		return err
	case !oneOf(c.Type, ChatTypeChat, ChatTypeOfflineMsg):
		return Errorf(EINVALID, "chat type must be chat or offline_msg, not %q", c.Type)
	case c.Timestamp.IsZero():
		return Errorf(EINVALID, "chat %s has no timestamp", c.ID)
	case c.Rating != nil && !oneOf(*c.Rating, "good", "bad"):
		return Errorf(EINVALID, "rating must be good or bad")
	}
	return nil
}

// checkLimits checks the chat's id and the sizes of its strings and lists.
func (c *Chat) checkLimits() error {
	v, s := c.Visitor, c.Session
	err := firstError(checkKey("id", c.ID), checkRunes("type", c.Type, MaxShortRunes),
		checkVisitorFields("visitor.", v.ID, v.Name, v.Email, v.Phone, v.Notes),
		checkBytes("session.ip", s.IP, MaxShortRunes), checkRunes("session.city", s.City, MaxNameRunes),
		checkRunes("session.country_code", s.CountryCode, MaxShortRunes), checkRunes("session.browser", s.Browser, MaxNameRunes),
		checkRunes("session.platform", s.Platform, MaxNameRunes), checkBytes("session.user_agent", s.UserAgent, MaxURLBytes),
		checkCount("agent_ids", len(c.AgentIDs), MaxIDs), checkEach("agent_names", c.AgentNames, MaxIDs, checkRunes, MaxNameRunes),
		checkTags("tags", c.Tags), checkCount("history", len(c.History), MaxHistory), checkCount("engagements", len(c.Engagements), MaxHistory),
		checkCount("webpath", len(c.Webpath), MaxHistory))
	if err == nil && c.Comment != nil {
		err = checkBytes("comment", *c.Comment, MaxTextBytes)
	}
	for i := 0; err == nil && i < len(c.History); i++ {
		err = c.History[i].checkLimits()
	}
	for i := 0; err == nil && i < len(c.Webpath); i++ {
		p := c.Webpath[i]
		err = firstError(checkBytes("webpath.from", p.From, MaxURLBytes), checkBytes("webpath.to", p.To, MaxURLBytes),
			checkRunes("webpath.title", p.Title, MaxNameRunes))
	}
	return err
}

// checkVisitorFields bounds a visitor's fields, wherever they are kept;
// prefix is put before the field's name in an error.
func checkVisitorFields(prefix, id, name, email, phone, notes string) error {
	err := firstError(checkRunes("name", name, MaxNameRunes), checkEmailLen("email", email),
		checkRunes("phone", phone, MaxShortRunes), checkBytes("notes", notes, MaxTextBytes))
	if err == nil && id != "" {
		err = checkKey("id", id)
	}
	if err != nil && prefix != "" {
		err = Errorf(EINVALID, "%s%s", prefix, ErrorMessage(err))
	}
	return err
}

// ChatVisitor is the visitor as recorded on a chat.
type ChatVisitor struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
	Notes string `json:"notes"`
}

// ChatSession is the visitor's browser session during a chat.
type ChatSession struct {
	IP          string     `json:"ip"`
	City        string     `json:"city"`
	CountryCode string     `json:"country_code"`
	Browser     string     `json:"browser"`
	Platform    string     `json:"platform"`
	UserAgent   string     `json:"user_agent"`
	StartDate   time.Time  `json:"start_date"`
	EndDate     *time.Time `json:"end_date"`
}

// Message is one entry in a chat's history.
type Message struct {
	Type       string    `json:"type"` // chat.msg, chat.memberjoin, chat.memberleave, chat.rating, chat.file
	Msg        string    `json:"msg,omitempty"`
	Name       string    `json:"name"`
	SenderType string    `json:"sender_type"` // Visitor, Agent, Trigger
	AgentID    *int64    `json:"agent_id,omitempty"`
	Timestamp  time.Time `json:"timestamp"`
	Options    string    `json:"options,omitempty"`
	NewRating  string    `json:"new_rating,omitempty"`
}

// checkLimits bounds the sizes of the message's strings.
func (m *Message) checkLimits() error {
	return firstError(checkRunes("history.type", m.Type, MaxShortRunes), checkBytes("history.msg", m.Msg, MaxTextBytes),
		checkRunes("history.name", m.Name, MaxNameRunes), checkRunes("history.sender_type", m.SenderType, MaxShortRunes),
		checkRunes("history.options", m.Options, MaxDescriptionRunes), checkRunes("history.new_rating", m.NewRating, MaxShortRunes))
}

// MessageCount counts a chat's messages by sender.
type MessageCount struct {
	Visitor int `json:"visitor"`
	Agent   int `json:"agent"`
	Total   int `json:"total"`
}

// ResponseTime is how fast agents answered, in seconds.
type ResponseTime struct {
	First int `json:"first"`
	Avg   int `json:"avg"`
	Max   int `json:"max"`
}

// Engagement is one agent's part in a chat.
type Engagement struct {
	ID        string    `json:"id"`
	AgentID   int64     `json:"agent_id"`
	StartTime time.Time `json:"timestamp"`
	Duration  int       `json:"duration"`
	Accepted  bool      `json:"accepted"`
	Rating    *string   `json:"rating"`
}

// Visitor is a person who chatted on the customer's site.
type Visitor struct {
	ID        string    `json:"id"`
	AccountID int64     `json:"-"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Notes     string    `json:"notes"`
	Tags      []string  `json:"tags"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate reports the first problem with v.
func (v *Visitor) Validate() error {
	if err := firstError(checkKey("id", v.ID), checkVisitorFields("", v.ID, v.Name, v.Email, v.Phone, v.Notes), checkTags("tags", v.Tags)); err != nil {
		return err
	} else if v.Email != "" && !ValidEmail(v.Email) {
		return Errorf(EINVALID, "visitor email %q is not an email address", v.Email)
	}
	return nil
}

// AnalyticsEvent is one insights/analytics event (chat served, missed,
// rated, goal reached, ...), the data behind the account's reports.
type AnalyticsEvent struct {
	ID        int64           `json:"id"`
	AccountID int64           `json:"-"`
	Type      string          `json:"type"`
	ChatID    string          `json:"chat_id,omitempty"`
	AgentID   int64           `json:"agent_id,omitempty"`
	Value     float64         `json:"value"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// Analytics event types.
var AnalyticsEventTypes = []string{"chat_served", "chat_missed", "chat_rated", "goal_reached", "first_response", "page_view"}
