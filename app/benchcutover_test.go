package app_test

import (
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/app"
)

// TestCompareConversation checks the cutover bench's judge: a conversation
// stored, answered and streamed alike passes, and each way of losing,
// repeating or reordering a message is counted.
func TestCompareConversation(t *testing.T) {
	t.Parallel()
	msg := func(seq int64, id string) chatlift.ConversationMessage {
		return chatlift.ConversationMessage{Seq: seq, ClientID: id}
	}
	stored := func(ms ...chatlift.ConversationMessage) []*chatlift.ConversationMessage {
		var out []*chatlift.ConversationMessage
		for _, m := range ms {
			out = append(out, &m)
		}
		return out
	}
	v1, a1, v2, a2 := msg(1, "v1"), msg(2, "a1"), msg(3, "v2"), msg(4, "a2")
	all := stored(v1, a1, v2, a2)
	sent := [][]chatlift.ConversationMessage{{v1, v2}, {a1, a2}}
	streamed := []chatlift.ConversationMessage{v1, a1, v2, a2}
	tests := []struct {
		name      string
		stored    []*chatlift.ConversationMessage
		sent      [][]chatlift.ConversationMessage
		delivered []chatlift.ConversationMessage
		want      app.ConversationTally
	}{
		{"OK", all, sent, streamed, app.ConversationTally{Sent: 4, Delivered: 4}},
		{"LostInStore", stored(v1, a1, msg(3, "a2")), sent, []chatlift.ConversationMessage{v1, a1, msg(3, "a2")},
			app.ConversationTally{Sent: 4, Delivered: 3, Lost: 1, OutOfOrder: 1}}, // a2 is not where its send was told
		{"DuplicatedInStore", stored(v1, a1, v2, msg(4, "v2")), [][]chatlift.ConversationMessage{{v1, v2}, {a1}},
			[]chatlift.ConversationMessage{v1, a1, v2, msg(4, "v2")}, app.ConversationTally{Sent: 3, Delivered: 4, Duplicated: 1}},
		{"GapInStore", stored(v1, a1, msg(4, "v2")), [][]chatlift.ConversationMessage{{v1, msg(4, "v2")}, {a1}},
			[]chatlift.ConversationMessage{v1, a1, msg(4, "v2")}, app.ConversationTally{Sent: 3, Delivered: 3, OutOfOrder: 2}}, // the store and the stream skip 3
		{"SendsReordered", stored(msg(1, "v2"), a1, msg(3, "v1"), a2), [][]chatlift.ConversationMessage{{msg(3, "v1"), msg(1, "v2")}, {a1, a2}},
			[]chatlift.ConversationMessage{msg(1, "v2"), a1, msg(3, "v1"), a2}, app.ConversationTally{Sent: 4, Delivered: 4, OutOfOrder: 1}},
		{"LostInStream", all, sent, []chatlift.ConversationMessage{v1, a1, a2}, app.ConversationTally{Sent: 4, Delivered: 3, Lost: 1, OutOfOrder: 1}},
		{"DuplicatedInStream", all, sent, []chatlift.ConversationMessage{v1, a1, a1, v2, a2}, app.ConversationTally{Sent: 4, Delivered: 4, Duplicated: 1}},
		{"OtherMessageStreamed", all, sent, []chatlift.ConversationMessage{v1, msg(2, "v2"), v2, a2}, app.ConversationTally{Sent: 4, Delivered: 4, OutOfOrder: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := app.CompareConversation(tt.stored, tt.sent, tt.delivered); got != tt.want {
				t.Fatalf("tally %+v, want %+v", got, tt.want)
			}
		})
	}
}
