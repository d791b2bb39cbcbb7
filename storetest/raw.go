package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func testRawRows(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	var list []*chatlift.Chat
	for i := range 5 {
		list = append(list, chat(1, fmt.Sprintf("r%d", i), t0))
	}
	must(t, s.PutChats(ctx, list))
	must(t, s.PutChats(ctx, []*chatlift.Chat{chat(2, "r9", t0)}))
	var events []*chatlift.AnalyticsEvent
	for i := int64(1); i <= 12; i++ {
		events = append(events, &chatlift.AnalyticsEvent{AccountID: 1, ID: i, Type: "chat_served", Timestamp: t0})
	}
	must(t, s.PutAnalytics(ctx, events))

	rows, err := s.RawRows(ctx, chatlift.TableChats, 1, "r0", "r3", 10)
	must(t, err)
	if len(rows) != 3 || rows[0].Key != "r1" || rows[2].Key != "r3" || rows[0].UpdateS != t0.Unix() {
		t.Fatalf("raw chats (r0, r3] = %+v", rows)
	}
	back, err := s.Chat(ctx, 1, "r1")
	must(t, err)
	same(t, "raw body", jsonOf(t, back), string(rows[0].Body))
	nums, err := s.RawRows(ctx, chatlift.TableAnalytics, 1, "9", "", 10)
	must(t, err)
	if len(nums) != 3 || nums[0].Key != "10" {
		t.Fatalf("analytics after 9 in numeric order: %+v", nums)
	}
	_, err = s.RawRows(ctx, "tickets", 1, "", "", 10)
	wantCode(t, err, chatlift.EINVALID)
	_, err = s.RawRows(ctx, chatlift.TableAnalytics, 1, "x", "", 10)
	wantCode(t, err, chatlift.EINVALID)

	t.Run("PutRawRowsReplaces", func(t *testing.T) {
		changed := rows[0]
		changed.Body = []byte(`{"id":"r1","type":"chat","timestamp":"2026-03-01T09:00:00Z","update_timestamp":"2026-03-01T09:00:00Z"}`)
		must(t, s.PutRawRows(ctx, chatlift.TableChats, 1, []chatlift.RawRow{changed}))
		got, err := s.RawRows(ctx, chatlift.TableChats, 1, "r0", "r1", 1)
		must(t, err)
		if string(got[0].Body) != string(changed.Body) {
			t.Fatalf("body after PutRawRows: %s", got[0].Body)
		}
	})
	t.Run("ImportBatch", func(t *testing.T) {
		batch := []chatlift.RawRow{{Key: "i1", UpdateS: 5, Body: []byte(`{"a":1}`)}, {Key: "i2", UpdateS: 6, Body: []byte(`{"a":2}`)}}
		at := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC) // a minute no other test counts in
		n, err := s.ImportBatch(ctx, chatlift.TableChats, 3, batch, chatlift.ImportCursor{AfterKey: "i2", Done: 2}, at)
		must(t, err)
		batch[0].Body = []byte(`{"a":"changed"}`) // a second delivery of the batch changes nothing
		again, err := s.ImportBatch(ctx, chatlift.TableChats, 3, batch, chatlift.ImportCursor{AfterKey: "i2", Done: 2}, at)
		must(t, err)
		// Both deliveries were rows copied in that minute: the throughput
		// counts them in the batches' own transactions.
		minutes, err := s.ImportThroughput(ctx, at, at.Add(time.Minute))
		must(t, err)
		if len(minutes) != 1 || minutes[0].Rows != 4 {
			t.Fatalf("import throughput %+v, want 4 rows in one minute", minutes)
		}
		got, err := s.RawRows(ctx, chatlift.TableChats, 3, "", "", 10)
		must(t, err)
		if n != 2 || again != 0 || len(got) != 2 || string(got[0].Body) != `{"a":1}` {
			t.Fatalf("first %d, second %d new rows; target %+v", n, again, got)
		}
		cur, err := s.ImportCursor(ctx, chatlift.TableChats, 3)
		must(t, err)
		none, err := s.ImportCursor(ctx, chatlift.TableVisitors, 3)
		must(t, err)
		if cur.AfterKey != "i2" || cur.Done != 2 || none != (chatlift.ImportCursor{}) {
			t.Fatalf("cursors %+v, %+v", cur, none)
		}
	})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}
