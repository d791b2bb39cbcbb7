package chatapi

import (
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestParseChatQuery(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	ended := at("2025-01-10T12:00:00Z")
	good := "good"
	chat := &chatlift.Chat{ID: "c1", Type: chatlift.ChatTypeChat, Timestamp: at("2025-01-10T11:00:00Z"), EndTimestamp: &ended,
		Visitor: chatlift.ChatVisitor{Name: "Zoë Martin", Email: "zoe@example.test"}, Tags: []string{"VIP"}, AgentNames: []string{"Ken"},
		Rating: &good, History: []chatlift.Message{{Msg: "I want a Refund please"}}}
	offline := &chatlift.Chat{ID: "c2", Type: chatlift.ChatTypeOfflineMsg, Timestamp: at("2025-02-01T00:00:00Z"),
		History: []chatlift.Message{{Msg: "Call me back"}}}
	for _, tc := range []struct {
		q           string
		chat, offer bool // whether chat and offline match
	}{
		{"type:chat AND end_timestamp:[2025-01-01T00:00:00 TO 2025-01-15T00:00:00]", true, false},
		{"type:chat AND end_timestamp:[2025-01-01T00:00:00+00:00 TO 2025-01-10T12:00:00+00:00]", true, false},
		{"end_timestamp:[2025-01-10T12:00:01 TO *]", false, false},
		{"type:offline_msg AND timestamp:[2025-01-01 TO 2025-02-01T00:00:00.000000]", false, true},
		{"timestamp:[* TO *]", true, true},
		{"refund", true, false},
		{`"call me"`, false, true},
		{"REFUND OR back", true, true},
		{"refund back", false, false},
		{"(type:offline_msg OR tags:vip) AND timestamp:[2025-01-01 TO *]", true, true},
		{"type:chat OR type:offline_msg AND refund", true, false},
		{`visitor_name:zoë rating:good agent_names:ken`, true, false},
		{`visitor_email:"example.test"`, true, false},
	} {
		q, err := parseChatQuery(tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if q.match(chat) != tc.chat || q.match(offline) != tc.offer {
			t.Errorf("%s: matches chat %v, offline message %v; want %v, %v", tc.q, q.match(chat), q.match(offline), tc.chat, tc.offer)
		}
	}
}

func TestParseChatQueryErrInvalid(t *testing.T) {
	t.Parallel()
	for _, q := range []string{
		"", "   ", "type:", "type:call", "colour:red", "timestamp:2025-01-01", "timestamp:[2025-01-01 TO]",
		"timestamp:[2025-01-01 2025-02-01]", "end_timestamp:[yesterday TO *]", "timestamp:[0001-01-01 TO *]",
		"a AND", "OR a", "(a", "a)", `"open`, "]", strings.Repeat("(", 20) + "a" + strings.Repeat(")", 20),
		strings.Repeat("a ", maxQueryBytes), "\xff",
	} {
		_, err := parseChatQuery(q)
		if chatlift.ErrorCode(err) != chatlift.EINVALID {
			t.Errorf("%q: error %v, want invalid", q, err)
		}
	}
}
